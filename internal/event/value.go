package event

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the runtime kind of a Value.
type Kind uint8

// The kinds of Value. Array and Object exist only inside dynamic values; a
// dynamic column may also hold any scalar kind (a "dynamic scalar").
const (
	KindNull Kind = iota
	KindBool
	KindLong
	KindReal
	KindString
	KindDatetime
	KindTimespan
	KindArray
	KindObject
)

var kindNames = [...]string{"null", "bool", "long", "real", "string", "datetime", "timespan", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind returns the Kind named s (as printed by Kind.String).
func ParseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), true
		}
	}
	return KindNull, false
}

// Value is one typed value of vigil: null, bool, long, real, string,
// datetime, timespan, or a dynamic array or object. The zero Value is null.
//
// A Value is 40 bytes and holds scalars inline (no interface boxing): bool,
// long, datetime (Unix nanoseconds, UTC) and timespan (nanoseconds) in an
// integer word, real as its IEEE bits, strings as a Go string. Arrays and
// objects share one pointer to their elements; objects keep their members in
// insertion order (no Go map per value), so rendering is deterministic.
//
// Values are immutable: constructors copy nothing the caller keeps using, and
// no method modifies a Value, so Values may be shared between rows and
// goroutines.
type Value struct {
	kind Kind
	n    uint64
	s    string
	c    *composite
}

// composite holds the elements of an array, or the members of an object
// (keys[i] names elems[i]).
type composite struct {
	elems []Value
	keys  []string
}

// Member is one key/value pair of a dynamic object.
type Member struct {
	Key   string
	Value Value
}

// Null is the null Value.
var Null = Value{}

// Bool returns a bool Value.
func Bool(b bool) Value {
	v := Value{kind: KindBool}
	if b {
		v.n = 1
	}
	return v
}

// Long returns a long (64-bit integer) Value.
func Long(n int64) Value { return Value{kind: KindLong, n: uint64(n)} }

// Real returns a real (64-bit floating point) Value.
func Real(f float64) Value { return Value{kind: KindReal, n: math.Float64bits(f)} }

// String returns a string Value.
func String(s string) Value { return Value{kind: KindString, s: s} }

// Datetime returns a datetime Value for t, kept with nanosecond precision in
// UTC. Times outside the years 1678–2262 are clamped to that range.
func Datetime(t time.Time) Value {
	switch {
	case t.Before(minTime):
		t = minTime
	case t.After(maxTime):
		t = maxTime
	}
	return Value{kind: KindDatetime, n: uint64(t.UnixNano())}
}

var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// DatetimeNanos returns the datetime ns nanoseconds after the Unix epoch.
func DatetimeNanos(ns int64) Value { return Value{kind: KindDatetime, n: uint64(ns)} }

// Timespan returns a timespan Value.
func Timespan(d time.Duration) Value { return Value{kind: KindTimespan, n: uint64(d)} }

// Array returns a dynamic array holding elems. The Value keeps elems; the
// caller must not modify it afterwards.
func Array(elems ...Value) Value {
	if elems == nil {
		elems = []Value{}
	}
	return Value{kind: KindArray, c: &composite{elems: elems}}
}

// Object returns a dynamic object with the members in order. A key that
// appears twice keeps its first position and its last value.
func Object(members ...Member) Value {
	c := &composite{elems: make([]Value, 0, len(members)), keys: make([]string, 0, len(members))}
	for _, m := range members {
		c.set(m.Key, m.Value)
	}
	return Value{kind: KindObject, c: c}
}

func (c *composite) set(key string, v Value) {
	for i, k := range c.keys {
		if k == key {
			c.elems[i] = v
			return
		}
	}
	c.keys = append(c.keys, key)
	c.elems = append(c.elems, v)
}

// Kind returns the kind of v.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// IsNumber reports whether v is a long or a real.
func (v Value) IsNumber() bool { return v.kind == KindLong || v.kind == KindReal }

// AsBool returns the bool held by v; false for any other kind.
func (v Value) AsBool() bool { return v.kind == KindBool && v.n != 0 }

// AsLong returns the integer held by a long, datetime (Unix nanoseconds),
// timespan (nanoseconds) or bool (0/1) Value, a real truncated toward zero,
// and 0 for any other kind.
func (v Value) AsLong() int64 {
	if v.kind == KindReal {
		return int64(math.Float64frombits(v.n))
	}
	if v.kind == KindBool || v.kind == KindLong || v.kind == KindDatetime || v.kind == KindTimespan {
		return int64(v.n)
	}
	return 0
}

// AsReal returns the number held by a real or long Value, and 0 for any other
// kind.
func (v Value) AsReal() float64 {
	switch v.kind {
	case KindReal:
		return math.Float64frombits(v.n)
	case KindLong:
		return float64(int64(v.n))
	}
	return 0
}

// Str returns the string held by a string Value, and "" for any other kind.
// Use AppendText for the text form of other kinds.
func (v Value) Str() string {
	if v.kind == KindString {
		return v.s
	}
	return ""
}

// Time returns the time held by a datetime Value (UTC), and the zero time for
// any other kind.
func (v Value) Time() time.Time {
	if v.kind != KindDatetime {
		return time.Time{}
	}
	return time.Unix(0, int64(v.n)).UTC()
}

// Duration returns the duration held by a timespan Value, and 0 for any other
// kind.
func (v Value) Duration() time.Duration {
	if v.kind != KindTimespan {
		return 0
	}
	return time.Duration(int64(v.n))
}

// Len returns the number of elements of an array or members of an object, and
// 0 for any other kind.
func (v Value) Len() int {
	if v.c == nil {
		return 0
	}
	return len(v.c.elems)
}

// Elem returns element i of an array, or the value of member i of an object.
// It returns null when i is out of range or v is not a collection.
func (v Value) Elem(i int) Value {
	if v.c == nil || i < 0 || i >= len(v.c.elems) {
		return Null
	}
	return v.c.elems[i]
}

// Key returns the key of member i of an object, and "" otherwise.
func (v Value) Key(i int) string {
	if v.kind != KindObject || i < 0 || i >= len(v.c.keys) {
		return ""
	}
	return v.c.keys[i]
}

// Get returns the value of the member named key of an object (exact,
// case-sensitive match), and false when there is none or v is not an object.
func (v Value) Get(key string) (Value, bool) {
	if v.kind != KindObject {
		return Null, false
	}
	for i, k := range v.c.keys {
		if k == key {
			return v.c.elems[i], true
		}
	}
	return Null, false
}

// Elems returns the elements of an array (or the member values of an object).
// The slice is shared with v and must not be modified.
func (v Value) Elems() []Value {
	if v.c == nil {
		return nil
	}
	return v.c.elems
}

// Equal reports whether a and b are the same value: same kind and same
// content, compared exactly (strings case-sensitive, arrays element-wise,
// objects member-wise in order). Null equals null here; language rules where
// null compares as unknown are applied by the executor, not by Equal. A long
// and a real are never Equal (use Compare for numeric order).
func Equal(a, b Value) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindNull:
		return true
	case KindString:
		return a.s == b.s
	case KindReal:
		return a.AsReal() == b.AsReal() || (math.IsNaN(a.AsReal()) && math.IsNaN(b.AsReal()))
	case KindArray, KindObject:
		if a.c == b.c {
			return true
		}
		if len(a.c.elems) != len(b.c.elems) {
			return false
		}
		for i := range a.c.elems {
			if a.kind == KindObject && a.c.keys[i] != b.c.keys[i] {
				return false
			}
			if !Equal(a.c.elems[i], b.c.elems[i]) {
				return false
			}
		}
		return true
	}
	return a.n == b.n
}

// kindRank orders kinds for Compare: null first, then numbers together.
func kindRank(k Kind) int {
	switch k {
	case KindNull:
		return 0
	case KindBool:
		return 1
	case KindLong, KindReal:
		return 2
	case KindDatetime:
		return 3
	case KindTimespan:
		return 4
	case KindString:
		return 5
	case KindArray:
		return 6
	}
	return 7
}

// Compare is a total order over Values, used for sorting and for min/max:
// it returns -1, 0 or +1. Values of the same kind compare naturally (false <
// true, strings by bytes, case-sensitive); long and real compare numerically
// with each other (NaN first); values of different kinds order by kind: null,
// bool, numbers, datetime, timespan, string, array, object. Arrays and objects
// compare element-wise.
func Compare(a, b Value) int {
	ra, rb := kindRank(a.kind), kindRank(b.kind)
	if ra != rb {
		return cmpInt(int64(ra), int64(rb))
	}
	switch a.kind {
	case KindNull:
		return 0
	case KindString:
		return strings.Compare(a.s, b.s)
	case KindLong, KindReal:
		if a.kind == KindLong && b.kind == KindLong {
			return cmpInt(int64(a.n), int64(b.n))
		}
		return cmpFloat(a.AsReal(), b.AsReal())
	case KindBool, KindDatetime, KindTimespan:
		return cmpInt(int64(a.n), int64(b.n))
	}
	n := min(a.Len(), b.Len())
	for i := 0; i < n; i++ {
		if a.kind == KindObject {
			if c := strings.Compare(a.c.keys[i], b.c.keys[i]); c != 0 {
				return c
			}
		}
		if c := Compare(a.c.elems[i], b.c.elems[i]); c != 0 {
			return c
		}
	}
	return cmpInt(int64(a.Len()), int64(b.Len()))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return -1
	}
	return 1
}

// AppendKey appends a binary encoding of v to dst such that two Values encode
// to the same bytes exactly when Equal reports them equal. Grouping and join
// operators use it as a hash-map key.
func AppendKey(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.kind))
	switch v.kind {
	case KindNull:
	case KindString:
		dst = strconv.AppendUint(dst, uint64(len(v.s)), 10)
		dst = append(dst, ':')
		dst = append(dst, v.s...)
	case KindArray, KindObject:
		dst = strconv.AppendUint(dst, uint64(len(v.c.elems)), 10)
		dst = append(dst, ':')
		for i, e := range v.c.elems {
			if v.kind == KindObject {
				dst = AppendKey(dst, String(v.c.keys[i]))
			}
			dst = AppendKey(dst, e)
		}
	case KindReal:
		f := v.AsReal()
		if math.IsNaN(f) {
			f = math.NaN() // one canonical NaN, as Equal treats all NaNs alike
		}
		dst = appendUint64(dst, math.Float64bits(f))
	default:
		dst = appendUint64(dst, v.n)
	}
	return dst
}

func appendUint64(dst []byte, n uint64) []byte {
	return append(dst, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// AppendText appends the plain text form of v: a string as its raw text (no
// quotes), a datetime as ISO 8601 UTC with up to 7 fractional digits
// ("2024-05-01T10:00:00.5Z"), a timespan as [-][d.]hh:mm:ss[.fffffff], a
// number in shortest round-trip form, a bool as true/false, an array or object
// as compact JSON, and null as nothing.
func (v Value) AppendText(dst []byte) []byte {
	switch v.kind {
	case KindNull:
		return dst
	case KindString:
		return append(dst, v.s...)
	case KindBool:
		return strconv.AppendBool(dst, v.AsBool())
	case KindLong:
		return strconv.AppendInt(dst, int64(v.n), 10)
	case KindReal:
		return appendReal(dst, v.AsReal())
	case KindDatetime:
		return appendDatetime(dst, v.Time())
	case KindTimespan:
		return appendTimespan(dst, v.Duration())
	}
	return v.AppendJSON(dst)
}

// Text returns the plain text form of v (see AppendText).
func (v Value) Text() string {
	if v.kind == KindString {
		return v.s
	}
	return string(v.AppendText(nil))
}

// String returns a readable form of v for debugging and test output: strings
// quoted, datetimes and timespans as datetime(…)/timespan(…), null as "null".
// It is not a language's literal syntax.
func (v Value) String() string {
	switch v.kind {
	case KindNull:
		return "null"
	case KindString:
		return strconv.Quote(v.s)
	case KindDatetime:
		return "datetime(" + v.Text() + ")"
	case KindTimespan:
		return "timespan(" + v.Text() + ")"
	case KindArray, KindObject:
		return "dynamic(" + string(v.AppendJSON(nil)) + ")"
	}
	return v.Text()
}

func appendReal(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

func appendDatetime(dst []byte, t time.Time) []byte {
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	if frac := t.Nanosecond() / 100; frac != 0 {
		var digits [7]byte
		for i := 6; i >= 0; i-- {
			digits[i] = byte('0' + frac%10)
			frac /= 10
		}
		n := 7
		for n > 0 && digits[n-1] == '0' {
			n--
		}
		dst = append(dst, '.')
		dst = append(dst, digits[:n]...)
	}
	return append(dst, 'Z')
}

func appendTimespan(dst []byte, d time.Duration) []byte {
	if d < 0 {
		dst = append(dst, '-')
		if d == math.MinInt64 {
			d++ // one nanosecond off rather than overflow
		}
		d = -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	if days > 0 {
		dst = strconv.AppendInt(dst, int64(days), 10)
		dst = append(dst, '.')
	}
	h, m, s := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	dst = append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	if ticks := int64(d%time.Second) / 100; ticks != 0 {
		var digits [7]byte
		for i := 6; i >= 0; i-- {
			digits[i] = byte('0' + ticks%10)
			ticks /= 10
		}
		dst = append(dst, '.')
		dst = append(dst, digits[:]...)
	}
	return dst
}

// AppendJSON appends the JSON form of v: null, true/false, numbers (NaN and
// infinities as null, since JSON has no form for them), strings quoted,
// datetimes and timespans as quoted strings in their text form, arrays and
// objects with members in order. The output is compact and deterministic.
func (v Value) AppendJSON(dst []byte) []byte {
	switch v.kind {
	case KindNull:
		return append(dst, "null"...)
	case KindBool, KindLong:
		return v.AppendText(dst)
	case KindReal:
		f := v.AsReal()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return append(dst, "null"...)
		}
		if f == math.Trunc(f) && math.Abs(f) < 1e21 {
			// keep a real recognisable as a real when read back
			return strconv.AppendFloat(dst, f, 'f', 1, 64)
		}
		return strconv.AppendFloat(dst, f, 'g', -1, 64)
	case KindString:
		return appendJSONString(dst, v.s)
	case KindDatetime, KindTimespan:
		dst = append(dst, '"')
		dst = v.AppendText(dst)
		return append(dst, '"')
	case KindArray:
		dst = append(dst, '[')
		for i, e := range v.c.elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.AppendJSON(dst)
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	for i, e := range v.c.elems {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, v.c.keys[i])
		dst = append(dst, ':')
		dst = e.AppendJSON(dst)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...) // as the rune, so output re-renders identically
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
