package event

import (
	"strconv"
	"strings"
	"time"
)

// Category is the log category of a sign-in: which Azure Monitor category
// (and so which Log Analytics table) it belongs to.
type Category uint8

// The sign-in categories. CategoryOther is any other literal, kept in the
// event's "category" field as the source wrote it.
const (
	CategoryOther Category = iota
	CategorySignIn
	CategoryNonInteractive
	CategoryServicePrincipal
	CategoryManagedIdentity
	CategoryMicrosoftServicePrincipal
)

var categoryNames = [...]string{"", "SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs", "ManagedIdentitySignInLogs", "MicrosoftServicePrincipalSignInLogs"}

// String returns the Azure Monitor category name ("SignInLogs", …), or
// "other".
func (c Category) String() string {
	if c == CategoryOther {
		return "other"
	}
	return categoryNames[c]
}

// ParseCategory returns the category an Azure Monitor category literal names,
// matching case-insensitively (Elastic and older exports vary the case).
func ParseCategory(s string) (Category, bool) {
	for i, n := range categoryNames[1:] {
		if strings.EqualFold(n, s) {
			return Category(i + 1), true
		}
	}
	return CategoryOther, false
}

// Source is the kind of export an event was read from. Views use it where a
// pipeline's literals differ from the source's: Graph writes the userType
// enum in lower case ("member"), the diagnostic-record pipelines that Log
// Analytics, Elastic and Splunk read capitalise it ("Member").
type Source uint8

// The sources.
const (
	SourceUnknown Source = iota
	SourceGraph
	SourceAzureMonitor
	SourceLogAnalytics
	SourceElastic
)

// Origin says where an event came from.
type Origin struct {
	File   string // path as given on the command line, or "-" for stdin
	Line   int    // 1-based line where the record starts (0 when unknown)
	Record int    // 1-based record number within the file
	Offset int64  // byte offset of the record in the (decompressed) file
}

func (o Origin) String() string {
	if o.Line > 0 {
		return o.File + ":" + strconv.Itoa(o.Line) + " (record " + strconv.Itoa(o.Record) + ")"
	}
	return o.File + ": record " + strconv.Itoa(o.Record)
}

// Extra is a member of the source record that has no canonical field. It is
// kept, never dropped: Name is its path in the source ("properties.foo" for an
// Azure Monitor record keeps the source's own path), Raw its JSON text.
type Extra struct {
	Name string
	Raw  string
}

// slot holds one field's value: text in s (strings, enums, JSON, and the
// literal of a time), numbers in n (ints, bools as 0/1, times as UTC Unix
// nanoseconds, reals as IEEE bits).
type slot struct {
	s string
	n int64
}

// SignIn is the canonical sign-in event: one Entra ID sign-in, whatever shape
// it was read from. Fields are typed (see Field and FieldType) and may be
// absent, explicitly null, or set. Storage is sparse so that an event decoded
// for a few projected fields stays small.
//
// The zero SignIn is an empty event ready for use.
type SignIn struct {
	Category Category
	Source   Source
	Origin   Origin
	Extra    []Extra

	idx  [NumFields]uint8 // 1 + index into vals; 0 = absent
	vals []slot
	null FieldSet
}

// Has reports whether the source carried f, possibly as null.
func (e *SignIn) Has(f Field) bool { return e.idx[f] != 0 }

// IsNull reports whether the source carried f as an explicit null.
func (e *SignIn) IsNull(f Field) bool { return e.null.Has(f) }

func (e *SignIn) get(f Field) (slot, bool) {
	i := e.idx[f]
	if i == 0 || e.null.Has(f) {
		return slot{}, false
	}
	return e.vals[i-1], true
}

func (e *SignIn) set(f Field, v slot) {
	e.null.Remove(f)
	if i := e.idx[f]; i != 0 {
		e.vals[i-1] = v // a duplicate key: the last one wins
		return
	}
	if e.vals == nil {
		// Room for a projected decode without growing; a full one grows once.
		e.vals = make([]slot, 0, 32)
	}
	e.vals = append(e.vals, v)
	e.idx[f] = uint8(len(e.vals))
}

// Str returns the text of a string, enum or JSON field; ok is false when the
// field is absent or null.
func (e *SignIn) Str(f Field) (s string, ok bool) {
	v, ok := e.get(f)
	return v.s, ok
}

// Int returns an integer field.
func (e *SignIn) Int(f Field) (int64, bool) {
	v, ok := e.get(f)
	return v.n, ok
}

// Bool returns a boolean field.
func (e *SignIn) Bool(f Field) (bool, bool) {
	v, ok := e.get(f)
	return v.n != 0, ok
}

// Real returns a real field.
func (e *SignIn) Real(f Field) (float64, bool) {
	v, ok := e.get(f)
	return float64frombits(v.n), ok
}

// Time returns a time field as UTC.
func (e *SignIn) Time(f Field) (time.Time, bool) {
	v, ok := e.get(f)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, v.n).UTC(), true
}

// TimeLiteral returns a time field as the source wrote it
// ("2019-10-18T04:45:48.0729893-05:00").
func (e *SignIn) TimeLiteral(f Field) (string, bool) { return e.Str(f) }

// SetStr sets a string, enum or JSON field.
func (e *SignIn) SetStr(f Field, s string) { e.set(f, slot{s: s}) }

// SetInt sets an integer field.
func (e *SignIn) SetInt(f Field, n int64) { e.set(f, slot{n: n}) }

// SetBool sets a boolean field.
func (e *SignIn) SetBool(f Field, b bool) {
	var n int64
	if b {
		n = 1
	}
	e.set(f, slot{n: n})
}

// SetReal sets a real field.
func (e *SignIn) SetReal(f Field, r float64) { e.set(f, slot{n: float64bits(r)}) }

// SetTime sets a time field from its instant and the literal it was read from.
func (e *SignIn) SetTime(f Field, t time.Time, literal string) {
	e.set(f, slot{s: literal, n: t.UnixNano()})
}

// SetNull records that the source carried f as null.
func (e *SignIn) SetNull(f Field) {
	e.set(f, slot{})
	e.null.Add(f)
}

// SetCategory sets the category from its literal.
func (e *SignIn) SetCategory(literal string) {
	e.Category, _ = ParseCategory(literal)
	e.SetStr(FCategory, literal)
}

// Present returns the set of fields the source carried (null included).
func (e *SignIn) Present() FieldSet {
	var s FieldSet
	for f := Field(0); f < NumFields; f++ {
		if e.idx[f] != 0 {
			s.Add(f)
		}
	}
	return s
}

// Reset empties e for reuse, keeping its storage.
func (e *SignIn) Reset() {
	vals := e.vals[:0]
	*e = SignIn{vals: vals}
}

// UserType returns the userType literal as a pipeline would store it:
// graphStyle gives Graph's lower-case enum ("member", "guest"), otherwise the
// capitalised form of diagnostic records ("Member", "Guest"). Only the two
// known values are recased, and only when the event's source wrote them the
// other way as a convention (a Graph export, or a diagnostic-record-based
// export read back for a Graph view); a literal a diagnostic-based pipeline
// itself stored ("member" in an Elastic document) is what that pipeline holds
// and is kept.
func (e *SignIn) UserType(graphStyle bool) (string, bool) {
	s, ok := e.Str(FUserType)
	if !ok {
		return "", false
	}
	known := strings.EqualFold(s, "member") || strings.EqualFold(s, "guest")
	switch {
	case !known:
	case graphStyle && e.Source != SourceGraph:
		s = strings.ToLower(s)
	case !graphStyle && e.Source == SourceGraph:
		s = strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
	}
	return s, true
}

// Time returns the event's time as its pipelines see it first: the record
// time when the source carries one, else the sign-in's creation time.
func (e *SignIn) EventTime() (time.Time, bool) {
	if t, ok := e.Time(FRecordTime); ok {
		return t, true
	}
	return e.Time(FCreatedDateTime)
}
