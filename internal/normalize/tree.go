package normalize

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"vigil/internal/event"
	"vigil/internal/jsontext"
	"vigil/internal/poison"
)

// node maps one member of a shape's JSON object: a leaf that fills a
// canonical field, or an object whose members are mapped by kids.
type node struct {
	name  string // the member's key, for paths in messages
	field event.Field
	kids  map[string]*node
	// text marks a lenient member: the value may also be written as text
	// ("8075" for an int, "True" for a bool, a JSON document inside a
	// string for an array or object). Log Analytics and CSV exports write
	// values so; the Graph and Azure Monitor shapes do not.
	text bool
	// set, when not nil, replaces the type-driven decoding of a leaf.
	set func(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn)

	lookup unsafe.Pointer // *kidTable compiled from kids on first use; kids must not change after it
}

// tree builds an object node from member → node pairs.
func tree(members map[string]*node) *node {
	for k, m := range members {
		if m.name == "" {
			m.name = k
		}
	}
	return &node{kids: members}
}

func leaf(f event.Field) *node { return &node{field: f} }

func textLeaf(f event.Field) *node { return &node{field: f, text: true} }

// fieldTree builds the object tree of the canonical fields from first to last
// (inclusive), keyed by their Graph names, with nested objects for dotted
// paths. keyOf renames each path segment (for snake_case shapes).
func fieldTree(first, last event.Field, text bool, keyOf func(string) string) *node {
	root := &node{kids: map[string]*node{}}
	for f := first; f <= last; f++ {
		parts := strings.Split(f.String(), ".")
		cur := root
		for i, p := range parts {
			k := keyOf(p)
			if i == len(parts)-1 {
				cur.kids[k] = &node{name: k, field: f, text: text}
				break
			}
			next := cur.kids[k]
			if next == nil {
				next = &node{name: k, kids: map[string]*node{}, text: text}
				cur.kids[k] = next
			}
			cur = next
		}
	}
	return root
}

func sameKey(s string) string { return s }

// Problem is something wrong with one member of a record that did not stop
// the record from being read: a value of the wrong type, an unparsable time.
// The member's value is kept among the event's unknown members.
type Problem struct {
	Offset int    // byte offset of the value in the record
	Path   string // the member's path in the source record
	Msg    string
	Kind   ProblemKind
}

// ProblemKind tells member problems apart.
type ProblemKind uint8

// The kinds of member problems.
const (
	// ProblemType is a value of the wrong type or form, kept among the
	// event's unknown members.
	ProblemType ProblemKind = iota
	// ProblemText is a value that holds bytes that are not UTF-8 (or an
	// escaped lone surrogate): it is read as it is, but JSON output
	// cannot write those bytes and writes U+FFFD (see jsontext.BadText).
	ProblemText
)

func (p Problem) Error() string { return p.Path + ": " + p.Msg }

// RecordError is a record that could not be read at all.
type RecordError struct {
	Offset int // byte offset in the record
	Msg    string
}

func (e *RecordError) Error() string { return e.Msg }

// Normalizer decodes records of every shape. Configure it, then call the
// method of the record's shape once per record.
type Normalizer struct {
	// Fields is the projection: canonical fields not in it are skipped
	// without decoding. Set it to event.AllFields for a full decode.
	Fields event.FieldSet
	// KeepExtra keeps members without a canonical field in SignIn.Extra;
	// without it they are skipped.
	KeepExtra bool

	dec      jsontext.Decoder
	inner    jsontext.Decoder // objects written as JSON text
	valid    jsontext.Decoder // arrays and objects written as JSON text
	path     []string
	problems []Problem
	buf      []byte
	arena    arena
}

// NewNormalizer returns a Normalizer decoding every field and keeping
// unknown members.
func NewNormalizer() *Normalizer {
	return &Normalizer{Fields: event.AllFields, KeepExtra: true}
}

// Mark notes that a record begins: Rewind can then take back the memory
// its strings took.
func (n *Normalizer) Mark() { n.arena.Mark() }

// Rewind takes back the strings of the record decoded since Mark, which is
// dropped: the caller must hold none of them (nor the event's) any more.
func (n *Normalizer) Rewind() { n.arena.Rewind() }

// Problems returns the member problems of the last record. The slice is
// reused by the next call.
func (n *Normalizer) Problems() []Problem { return n.problems }

// reuseBuf returns n.buf emptied for reuse: what was built in it before was
// copied out (into the arena, or by string conversion), and nothing may
// still point into it.
func (n *Normalizer) reuseBuf() []byte { return reuse(n.buf) }

// reuse empties b for reuse (see reuseBuf).
func reuse(b []byte) []byte {
	poison.Bytes(b)
	return b[:0]
}

func (n *Normalizer) begin(data []byte) *jsontext.Decoder {
	n.dec.Reset(data)
	n.path = n.path[:0]
	n.problems = n.problems[:0]
	return &n.dec
}

// finish turns a syntax error into a RecordError.
func (n *Normalizer) finish(d *jsontext.Decoder) error {
	n.restText(d)
	if err := d.End(); err != nil {
		se := err.(*jsontext.SyntaxError)
		return &RecordError{Offset: se.Offset, Msg: "malformed JSON: " + se.Msg}
	}
	return nil
}

func notObject(d *jsontext.Decoder) error {
	k := d.Peek()
	if k == jsontext.Invalid {
		d.Skip()
		se, _ := d.Err().(*jsontext.SyntaxError)
		if se != nil {
			return &RecordError{Offset: se.Offset, Msg: "malformed JSON: " + se.Msg}
		}
	}
	return &RecordError{Offset: d.Offset(), Msg: fmt.Sprintf("the record is a JSON %s, not an object", k)}
}

func (n *Normalizer) pathOf(key string) string {
	if len(n.path) == 0 {
		return key
	}
	return strings.Join(n.path, ".") + "." + key
}

func (n *Normalizer) problem(off int, key, format string, args ...any) {
	n.problems = append(n.problems, Problem{Offset: off, Path: n.pathOf(key), Msg: fmt.Sprintf(format, args...)})
}

// checkText reports the bad text in the member key just decoded (see
// jsontext.BadText). It is called after every member: the check is one
// comparison when there is none. A member that is an object reports the
// members inside it, at their paths, before.
func (n *Normalizer) checkText(d *jsontext.Decoder, key string) {
	if d.HasBadText() {
		n.badText(d.TakeBadText(), key)
	}
}

// restText reports bad text no member took (a key of the record's own
// object that was not kept), at the record.
func (n *Normalizer) restText(d *jsontext.Decoder) {
	if d.HasBadText() {
		b := d.TakeBadText()
		n.problems = append(n.problems, Problem{Offset: b.Offset, Path: "(record)", Msg: b.String(), Kind: ProblemText})
	}
}

func (n *Normalizer) badText(b jsontext.BadText, key string) {
	key = strings.ToValidUTF8(key, "\uFFFD")
	if key == "" {
		key = `""` // a member may be named so
	}
	n.problems = append(n.problems, Problem{Offset: b.Offset, Path: n.pathOf(key), Msg: b.String(), Kind: ProblemText})
}

// object decodes the members of the object at d into ev following t.
func (n *Normalizer) object(d *jsontext.Decoder, t *node, ev *event.SignIn) {
	if !d.Object() {
		return
	}
	for d.NextKey() {
		k := t.kid(d.Key())
		switch {
		case k == nil && !n.KeepExtra:
			d.SkipFast()
		case k == nil:
			n.extra(d, ev, string(d.Key()))
		case k.set != nil:
			k.set(n, d, ev)
		case k.kids != nil:
			n.nested(d, k, ev)
		case !n.Fields.Has(k.field):
			d.SkipFast()
		default:
			n.leaf(d, k, ev)
		}
		if d.HasBadText() {
			n.badText(d.TakeBadText(), memberName(d, k))
		}
	}
}

// nested decodes a member that maps to an object of fields.
func (n *Normalizer) nested(d *jsontext.Decoder, k *node, ev *event.SignIn) {
	switch d.Peek() {
	case jsontext.Object:
		n.path = append(n.path, k.name)
		n.object(d, k, ev)
		n.path = n.path[:len(n.path)-1]
	case jsontext.Null:
		d.Null()
	case jsontext.String:
		if k.text {
			off := d.Offset()
			s, _ := d.Str()
			if len(s) == 0 {
				return
			}
			// s stays valid while the inner decoder reads it: d is not
			// used until the inner object is done.
			n.inner.Reset(s)
			if n.inner.Peek() == jsontext.Object {
				n.path = append(n.path, k.name)
				n.object(&n.inner, k, ev)
				n.path = n.path[:len(n.path)-1]
				if err := n.inner.End(); err == nil {
					return
				}
			}
			n.problem(off, k.name, "want an object or JSON text of one, got string %s", strconv.Quote(clip(s)))
			n.keepRaw(ev, k.name, strconv.Quote(string(s)))
			return
		}
		fallthrough
	default:
		off := d.Offset()
		raw := d.Raw()
		n.problem(off, k.name, "want an object, got %s", describe(raw))
		n.keepRaw(ev, k.name, string(raw))
	}
}

// memberName is the name of the member k (nil: unknown, read with Raw,
// which leaves d.Key as it was) just decoded.
func memberName(d *jsontext.Decoder, k *node) string {
	if k != nil {
		return k.name
	}
	return string(d.Key())
}

func (n *Normalizer) extra(d *jsontext.Decoder, ev *event.SignIn, key string) {
	if !n.KeepExtra {
		d.SkipFast()
		return
	}
	raw := d.Raw()
	if raw == nil {
		return
	}
	n.buf = compact(n.reuseBuf(), raw)
	n.keepRaw(ev, key, string(n.buf))
}

func (n *Normalizer) keepRaw(ev *event.SignIn, key, raw string) {
	if n.KeepExtra {
		ev.Extra = append(ev.Extra, event.Extra{Name: n.pathOf(key), Raw: raw})
	}
}

// leaf decodes a member that fills one canonical field.
func (n *Normalizer) leaf(d *jsontext.Decoder, k *node, ev *event.SignIn) {
	f := k.field
	off := d.Offset()
	kind := d.Peek()
	if kind == jsontext.Null {
		d.Null()
		ev.SetNull(f)
		return
	}
	typ := f.Info().Type
	switch {
	case kind == jsontext.String && (typ == event.FString || typ == event.FEnum):
		s, _ := d.Str()
		ev.SetStr(f, n.arena.str(s))
		return
	case kind == jsontext.Number && typ == event.FInt:
		b, _ := d.Number()
		if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			ev.SetInt(f, v)
			return
		}
		n.problem(off, k.name, "want an integer, got %s", b)
		n.keepRaw(ev, k.name, string(b))
		return
	case kind == jsontext.Number && typ == event.FReal:
		b, _ := d.Number()
		if v, err := strconv.ParseFloat(string(b), 64); err == nil {
			ev.SetReal(f, v)
			return
		}
		n.problem(off, k.name, "number %s out of range", b)
		n.keepRaw(ev, k.name, string(b))
		return
	case kind == jsontext.Bool && typ == event.FBool:
		b, _ := d.Bool()
		ev.SetBool(f, b)
		return
	case (kind == jsontext.Array || kind == jsontext.Object) && typ == event.FJSON:
		if raw := d.Raw(); raw != nil {
			n.buf = compact(n.reuseBuf(), raw)
			ev.SetStr(f, n.arena.str(n.buf))
		}
		return
	case kind == jsontext.String && typ == event.FTime:
		s, _ := d.Str()
		lit := n.arena.str(s)
		if t, ok := event.ParseTime(lit); ok {
			ev.SetTime(f, t, lit)
			return
		}
		n.problem(off, k.name, "want a time, got string %s", strconv.Quote(clip(s)))
		n.keepRaw(ev, k.name, strconv.Quote(string(s)))
		return
	case kind == jsontext.String && k.text:
		s, _ := d.Str()
		n.text(off, k, ev, s)
		return
	case k.text && (kind == jsontext.Number || kind == jsontext.Bool) && (typ == event.FString || typ == event.FEnum):
		ev.SetStr(f, n.arena.str(d.Raw()))
		return
	}
	raw := d.Raw()
	if raw == nil {
		return
	}
	n.problem(off, k.name, "want %s, got %s", want(typ), describe(raw))
	n.keepRaw(ev, k.name, string(compact(n.reuseBuf(), raw)))
}

// text decodes a value written as text (lenient members and CSV cells).
func (n *Normalizer) text(off int, k *node, ev *event.SignIn, s []byte) {
	f := k.field
	typ := f.Info().Type
	str := n.arena.str(s)
	switch typ {
	case event.FString, event.FEnum:
		ev.SetStr(f, str)
		return
	case event.FInt:
		if v, err := strconv.ParseInt(strings.TrimSpace(str), 10, 64); err == nil {
			ev.SetInt(f, v)
			return
		}
	case event.FReal:
		if v, err := strconv.ParseFloat(strings.TrimSpace(str), 64); err == nil {
			ev.SetReal(f, v)
			return
		}
	case event.FBool:
		switch strings.ToLower(strings.TrimSpace(str)) {
		case "true":
			ev.SetBool(f, true)
			return
		case "false":
			ev.SetBool(f, false)
			return
		}
	case event.FTime:
		if t, ok := event.ParseTime(str); ok {
			ev.SetTime(f, t, str)
			return
		}
	case event.FJSON:
		n.valid.Reset(s)
		raw := n.valid.Raw()
		if n.valid.End() == nil && raw != nil && (raw[0] == '[' || raw[0] == '{') {
			n.buf = compact(n.reuseBuf(), raw)
			ev.SetStr(f, n.arena.str(n.buf))
			return
		}
	}
	n.problem(off, k.name, "want %s, got string %s", want(typ), strconv.Quote(clip(s)))
	n.keepRaw(ev, k.name, strconv.Quote(str))
}

func want(t event.FieldType) string {
	switch t {
	case event.FString, event.FEnum:
		return "a string"
	case event.FInt:
		return "an integer"
	case event.FReal:
		return "a number"
	case event.FBool:
		return "true or false"
	case event.FTime:
		return "a time"
	}
	return "an array or object"
}

// describe names a raw JSON value for a message: its kind and a clipped text.
func describe(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	kind := "number"
	switch raw[0] {
	case '"':
		kind = "string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		kind = "boolean"
	}
	return kind + " " + clip(raw)
}

func clip(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// compact appends raw JSON to dst without the white space outside strings,
// so that values kept from pretty-printed files fit on one line.
func compact(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		case '"':
			// Copy the whole string at once: find its closing quote, one
			// that an odd run of backslashes does not escape.
			end := i + 1
			for {
				q := bytes.IndexByte(raw[end:], '"')
				if q < 0 {
					return append(dst, raw[i:]...) // unterminated: keep it all
				}
				end += q
				bs := 0
				for j := end - 1; j > i && raw[j] == '\\'; j-- {
					bs++
				}
				end++
				if bs%2 == 0 {
					break
				}
			}
			dst = append(dst, raw[i:end]...)
			i = end
			continue
		}
		dst = append(dst, c)
		i++
	}
	return dst
}
