package jsontext

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"vigil/internal/poison"
)

// Kind is the kind of the next JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"invalid", "null", "boolean", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// SyntaxError is a malformed-JSON error at a byte offset of the decoded text.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// Decoder pulls values out of one complete JSON text held in memory. Errors are
// sticky: after the first one every method returns a zero result and Err
// reports it.
//
// Objects are read with Object and NextKey, arrays with Array and NextElem:
//
//	if d.Object() {
//		for d.NextKey() {
//			switch string(d.Key()) { case "a": n := d.Int(); … default: d.Skip() }
//		}
//	}
//
// Slices returned by Key, Str and Raw alias the input or an internal scratch
// buffer; they are valid until the next call on the Decoder. Copy what you keep.
type Decoder struct {
	buf     []byte
	pos     int
	err     *SyntaxError
	scratch []byte
	keybuf  []byte
	key     []byte
	depth   int
	// open is the offset just after the last '{' or '[' (and its white
	// space): NextKey/NextElem at that offset read the first member.
	open int
	bad  BadText // in what was returned since TakeBadText
	// high has the high bit of a byte set when a string scanned since it
	// was cleared may hold bytes above 0x7F (see plainRunHigh): Raw checks
	// its text only then.
	high uint64
}

// MaxDepth bounds the nesting of arrays and objects.
const MaxDepth = 512

// Reset makes d decode b from its start.
func (d *Decoder) Reset(b []byte) {
	d.buf, d.pos, d.err, d.depth, d.open = b, 0, nil, 0, -1
	d.key = nil
	d.bad = BadText{}
}

// Err returns the first syntax error, or nil.
func (d *Decoder) Err() error {
	if d.err == nil {
		return nil
	}
	return d.err
}

// Failed reports whether an error occurred.
func (d *Decoder) Failed() bool { return d.err != nil }

// Offset is the current byte offset.
func (d *Decoder) Offset() int { return d.pos }

// Fail records a caller's error at offset off (for example a value of the
// wrong type that the caller cannot accept) unless an error is already set.
func (d *Decoder) Fail(off int, format string, args ...any) {
	if d.err == nil {
		d.err = &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	d.pos = len(d.buf)
}

func (d *Decoder) skipWS() {
	for d.pos < len(d.buf) {
		switch d.buf[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// Peek returns the kind of the next value without consuming it.
func (d *Decoder) Peek() Kind {
	if d.err != nil {
		return Invalid
	}
	d.skipWS()
	if d.pos >= len(d.buf) {
		return Invalid
	}
	switch c := d.buf[d.pos]; {
	case c == '{':
		return Object
	case c == '[':
		return Array
	case c == '"':
		return String
	case c == 't' || c == 'f':
		return Bool
	case c == 'n':
		return Null
	case c == '-' || (c >= '0' && c <= '9'):
		return Number
	}
	return Invalid
}

// End checks that only white space follows the value just decoded.
func (d *Decoder) End() error {
	if d.err == nil {
		d.skipWS()
		if d.pos < len(d.buf) {
			d.Fail(d.pos, "unexpected %s after the end of the value", quoteByte(d.buf[d.pos]))
		}
	}
	return d.Err()
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (d *Decoder) unexpected(want string) {
	if d.err != nil {
		return
	}
	if d.pos >= len(d.buf) {
		d.Fail(d.pos, "unexpected end of input, want %s", want)
		return
	}
	d.Fail(d.pos, "unexpected %s, want %s", quoteByte(d.buf[d.pos]), want)
}

func (d *Decoder) enter(c byte, want string) bool {
	d.skipWS()
	if d.err != nil || d.pos >= len(d.buf) || d.buf[d.pos] != c {
		d.unexpected(want)
		return false
	}
	d.pos++
	d.depth++
	if d.depth > MaxDepth {
		d.Fail(d.pos, "nesting deeper than %d", MaxDepth)
		return false
	}
	d.skipWS()
	d.open = d.pos
	return true
}

// Object consumes the '{' of an object and reports whether there was one.
func (d *Decoder) Object() bool { return d.enter('{', "an object") }

// Array consumes the '[' of an array and reports whether there was one.
func (d *Decoder) Array() bool { return d.enter('[', "an array") }

// next advances to the next member or element of the innermost open
// container; it consumes the closing bracket and returns false at its end.
func (d *Decoder) next(closer byte) bool {
	if d.err != nil {
		return false
	}
	first := d.pos == d.open
	d.skipWS()
	if d.pos >= len(d.buf) {
		d.unexpected(fmt.Sprintf("',' or '%c'", closer))
		return false
	}
	switch c := d.buf[d.pos]; {
	case c == closer:
		d.pos++
		d.depth--
		d.open = -1
		return false
	case first:
		return true
	case c == ',':
		d.pos++
		d.skipWS()
		if d.pos < len(d.buf) && d.buf[d.pos] == closer {
			d.unexpected("a value after ','")
			return false
		}
		return true
	}
	d.unexpected(fmt.Sprintf("',' or '%c'", closer))
	return false
}

// NextElem advances to the next element of the current array, returning false
// (having consumed ']') at its end or on error.
func (d *Decoder) NextElem() bool { return d.next(']') }

// NextKey advances to the next member of the current object and reads its key
// (see Key), leaving the decoder at the member's value. It returns false
// (having consumed '}') at the object's end or on error.
func (d *Decoder) NextKey() bool {
	if !d.next('}') {
		return false
	}
	if d.pos >= len(d.buf) || d.buf[d.pos] != '"' {
		d.unexpected("a string key")
		return false
	}
	k, ok := d.str(&d.keybuf)
	if !ok {
		return false
	}
	d.key = k
	d.skipWS()
	if d.pos >= len(d.buf) || d.buf[d.pos] != ':' {
		d.unexpected("':' after the key")
		return false
	}
	d.pos++
	d.skipWS()
	return true
}

// Key is the key read by the last NextKey.
func (d *Decoder) Key() []byte { return d.key }

// Null consumes a null and reports whether the next value was null; it
// consumes nothing otherwise.
func (d *Decoder) Null() bool {
	if d.Peek() != Null {
		return false
	}
	return d.literal("null")
}

func (d *Decoder) literal(lit string) bool {
	if len(d.buf)-d.pos >= len(lit) && string(d.buf[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	d.Fail(d.pos, "invalid literal, want %s", lit)
	return false
}

// Bool consumes a true or false.
func (d *Decoder) Bool() (v, ok bool) {
	switch d.Peek() {
	case Bool:
		if d.buf[d.pos] == 't' {
			return true, d.literal("true")
		}
		return false, d.literal("false")
	}
	d.unexpected("true or false")
	return false, false
}

// Str consumes a string and returns its unescaped bytes.
func (d *Decoder) Str() ([]byte, bool) {
	if d.Peek() != String {
		d.unexpected("a string")
		return nil, false
	}
	return d.str(&d.scratch)
}

// Number consumes a number and returns its text, validated against the JSON
// grammar.
func (d *Decoder) Number() ([]byte, bool) {
	if d.Peek() != Number {
		d.unexpected("a number")
		return nil, false
	}
	start := d.pos
	if !d.number() {
		return nil, false
	}
	return d.buf[start:d.pos], true
}

// Int consumes a number that must be an integer fitting in int64.
func (d *Decoder) Int() (int64, bool) {
	start := d.pos
	b, ok := d.Number()
	if !ok {
		return 0, false
	}
	n, err := parseInt(b)
	if err != nil {
		d.Fail(start, "number %s is not a 64-bit integer", b)
		return 0, false
	}
	return n, true
}

// Float consumes a number as float64.
func (d *Decoder) Float() (float64, bool) {
	b, ok := d.Number()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		d.Fail(d.pos-len(b), "number %s out of range", b)
		return 0, false
	}
	return f, true
}

func parseInt(b []byte) (int64, error) {
	// Fast path for the common short decimal without sign, fraction or exponent.
	if len(b) > 0 && len(b) < 19 {
		var n int64
		neg := b[0] == '-'
		i := 0
		if neg {
			i = 1
		}
		if i == len(b) {
			return 0, strconv.ErrSyntax
		}
		for ; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, strconv.ErrSyntax
			}
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	return strconv.ParseInt(string(b), 10, 64)
}

// Skip consumes the next value, validating it.
func (d *Decoder) Skip() {
	if d.err != nil {
		return
	}
	switch d.Peek() {
	case Object:
		if d.Object() {
			for d.NextKey() {
				d.Skip()
			}
		}
	case Array:
		if d.Array() {
			for d.NextElem() {
				d.Skip()
			}
		}
	case String:
		d.skipString()
	case Number:
		d.number()
	case Bool:
		d.Bool()
	case Null:
		d.Null()
	default:
		d.unexpected("a value")
	}
}

// Raw consumes the next value, validating it, and returns its text.
func (d *Decoder) Raw() []byte {
	d.skipWS()
	start := d.pos
	bad := d.bad // the keys inside are checked again below, with the rest
	d.high = 0
	d.Skip()
	if d.err != nil {
		return nil
	}
	d.bad = bad
	if d.high != 0 {
		d.checkText(start, d.buf[start:d.pos])
	}
	return d.buf[start:d.pos]
}

// needsCare marks the bytes that end the fast scan of a string's content.
var needsCare = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	return
}()

// skipString validates and consumes a string without unescaping it.
func (d *Decoder) skipString() {
	start := d.pos
	d.pos++
	for {
		n, high := plainRunHigh(d.buf[d.pos:])
		d.pos += n
		d.high |= high
		if d.pos >= len(d.buf) {
			d.Fail(start, "unterminated string")
			return
		}
		switch c := d.buf[d.pos]; c {
		case '"':
			d.pos++
			return
		case '\\':
			if _, ok := d.escape(nil, false); !ok {
				return
			}
		default:
			d.Fail(d.pos, "control character %s in string", quoteByte(c))
			return
		}
	}
}

// str consumes a string at d.pos. Without escapes it returns a slice of the
// input; otherwise it unescapes into *scratch.
func (d *Decoder) str(scratch *[]byte) ([]byte, bool) {
	start := d.pos
	d.pos++
	content := d.pos
	n, high := plainRunHigh(d.buf[d.pos:])
	d.pos += n
	if d.pos < len(d.buf) && d.buf[d.pos] == '"' {
		d.pos++
		if high != 0 {
			d.high |= high
			d.checkText(content, d.buf[content:d.pos-1])
		}
		return d.buf[content : d.pos-1], true
	}
	poison.Bytes(*scratch) // the string unescaped here before is given up
	out := append((*scratch)[:0], d.buf[content:d.pos]...)
	for {
		if d.pos >= len(d.buf) {
			d.Fail(start, "unterminated string")
			return nil, false
		}
		switch c := d.buf[d.pos]; c {
		case '"':
			d.pos++
			*scratch = out
			if high != 0 {
				// Escapes are ASCII: the raw text is bad where out is.
				d.high |= high
				d.checkText(content, d.buf[content:d.pos-1])
			}
			return out, true
		case '\\':
			var ok bool
			if out, ok = d.escape(out, true); !ok {
				return nil, false
			}
		default:
			if c < 0x20 {
				d.Fail(d.pos, "control character %s in string", quoteByte(c))
				return nil, false
			}
			run := d.pos
			n, h := plainRunHigh(d.buf[d.pos:])
			d.pos += n
			high |= h
			out = append(out, d.buf[run:d.pos]...)
		}
	}
}

// escape decodes the escape sequence at d.pos (a backslash), appending the
// result to out when write is set.
func (d *Decoder) escape(out []byte, write bool) ([]byte, bool) {
	at := d.pos
	if d.pos+1 >= len(d.buf) {
		d.Fail(at, "unterminated string")
		return out, false
	}
	c := d.buf[d.pos+1]
	d.pos += 2
	var r byte
	switch c {
	case '"', '\\', '/':
		r = c
	case 'b':
		r = '\b'
	case 'f':
		r = '\f'
	case 'n':
		r = '\n'
	case 'r':
		r = '\r'
	case 't':
		r = '\t'
	case 'u':
		u, ok := d.hex4(at)
		if !ok {
			return out, false
		}
		ru := rune(u)
		if utf16.IsSurrogate(ru) {
			// A high surrogate followed by \uDC00-\uDFFF is one code point;
			// a lone surrogate becomes U+FFFD, as encoding/json does.
			ru = utf8.RuneError
			if d.pos+1 < len(d.buf) && d.buf[d.pos] == '\\' && d.buf[d.pos+1] == 'u' {
				save := d.pos
				d.pos += 2
				if u2, ok := d.hex4(save); ok {
					if r2 := utf16.DecodeRune(rune(u), rune(u2)); r2 != utf8.RuneError {
						ru = r2
					} else {
						d.pos = save
					}
				} else {
					return out, false
				}
			}
			if ru == utf8.RuneError && write {
				d.loneSurrogate(at)
			}
		}
		if write {
			out = utf8.AppendRune(out, ru)
		}
		return out, true
	default:
		d.Fail(at, "invalid escape %s in string", quoteByte(c))
		return out, false
	}
	if write {
		out = append(out, r)
	}
	return out, true
}

func (d *Decoder) hex4(at int) (uint16, bool) {
	if d.pos+4 > len(d.buf) {
		d.Fail(at, "invalid \\u escape in string")
		return 0, false
	}
	var u uint16
	for _, c := range d.buf[d.pos : d.pos+4] {
		u <<= 4
		switch {
		case c >= '0' && c <= '9':
			u |= uint16(c - '0')
		case c >= 'a' && c <= 'f':
			u |= uint16(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			u |= uint16(c - 'A' + 10)
		default:
			d.Fail(at, "invalid \\u escape in string")
			return 0, false
		}
	}
	d.pos += 4
	return u, true
}

// number validates and consumes a number at d.pos.
func (d *Decoder) number() bool {
	start := d.pos
	b := d.buf
	i := d.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		d.Fail(start, "invalid number")
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.Fail(start, "invalid number")
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.Fail(start, "invalid number")
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	d.pos = i
	return true
}

// SkipFast consumes the next value like Skip, but checks an array or object
// only for its structure — matching brackets, well-formed strings, and bytes
// that may appear in JSON — not for the grammar between them (a missing
// comma or a misspelt literal inside goes unnoticed). It is for values the
// caller does not use: a projected decode skips most of a record this way.
func (d *Decoder) SkipFast() {
	if d.err != nil {
		return
	}
	switch d.Peek() {
	case Object, Array:
	default:
		d.Skip()
		return
	}
	start := d.pos
	var stack uint64 // bit i set: the container at depth i+1 is an object
	depth := 0
	buf := d.buf
	for d.pos < len(buf) {
		switch skipClass[buf[d.pos]] {
		case classToken:
			d.pos++
			continue
		case classQuote:
			d.skipString()
			if d.err != nil {
				return
			}
			continue
		case classOpen:
			if depth == 64 || d.depth+depth >= MaxDepth {
				// Deeper than the bit stack: finish with the full skip.
				d.pos = start
				d.Skip()
				return
			}
			if buf[d.pos] == '{' {
				stack |= 1 << depth
			} else {
				stack &^= 1 << depth
			}
			depth++
		case classClose:
			c := buf[d.pos]
			if depth == 0 || (c == '}') != (stack&(1<<(depth-1)) != 0) {
				d.Fail(d.pos, "unexpected %s", quoteByte(c))
				return
			}
			depth--
			if depth == 0 {
				d.pos++
				return
			}
		default:
			d.Fail(d.pos, "unexpected %s", quoteByte(buf[d.pos]))
			return
		}
		d.pos++
	}
	d.Fail(start, "unexpected end of input inside this value")
}

// The byte classes of SkipFast.
const (
	classInvalid = iota
	classToken   // may appear outside strings: white space, punctuation, literals, numbers
	classQuote
	classOpen
	classClose
)

var skipClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\r\n,:-+.0123456789eEtruefalsn") {
		t[c] = classToken
	}
	t['"'] = classQuote
	t['{'], t['['] = classOpen, classOpen
	t['}'], t[']'] = classClose, classClose
	return
}()
