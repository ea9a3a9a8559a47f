package event

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of arrays and objects ParseJSON accepts, so
// hostile input cannot exhaust the stack.
const maxJSONDepth = 256

// ParseJSON parses one JSON text into a dynamic Value: objects become objects
// with members in document order (a repeated key keeps its first position and
// its last value), arrays become arrays, integers that fit 64 bits become
// longs, other numbers reals, strings stay strings (no datetime sniffing), and
// null becomes null. Whitespace around the value is allowed; anything else
// after it is an error. Errors name the byte offset of the problem.
func ParseJSON(text string) (Value, error) {
	p := jsonParser{s: text}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return Null, err
	}
	p.space()
	if p.i < len(p.s) {
		return Null, p.errorf("unexpected %q after JSON value", p.s[p.i])
	}
	return v, nil
}

type jsonParser struct {
	s string
	i int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("json: offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *jsonParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (Value, error) {
	if p.i >= len(p.s) {
		return Null, p.errorf("unexpected end of JSON")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		if depth >= maxJSONDepth {
			return Null, p.errorf("nesting deeper than %d", maxJSONDepth)
		}
		return p.object(depth + 1)
	case c == '[':
		if depth >= maxJSONDepth {
			return Null, p.errorf("nesting deeper than %d", maxJSONDepth)
		}
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return Null, err
		}
		return String(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case p.literal("true"):
		return Bool(true), nil
	case p.literal("false"):
		return Bool(false), nil
	case p.literal("null"):
		return Null, nil
	default:
		return Null, p.errorf("unexpected %q", c)
	}
}

func (p *jsonParser) literal(word string) bool {
	if len(p.s)-p.i >= len(word) && p.s[p.i:p.i+len(word)] == word {
		p.i += len(word)
		return true
	}
	return false
}

func (p *jsonParser) object(depth int) (Value, error) {
	p.i++ // {
	c := &composite{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return Value{kind: KindObject, c: c}, nil
	}
	for {
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return Null, p.errorf("expected object key")
		}
		key, err := p.str()
		if err != nil {
			return Null, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return Null, p.errorf("expected ':' after object key")
		}
		p.i++
		p.space()
		v, err := p.value(depth)
		if err != nil {
			return Null, err
		}
		c.set(key, v)
		p.space()
		if p.i >= len(p.s) {
			return Null, p.errorf("unexpected end of JSON in object")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return Value{kind: KindObject, c: c}, nil
		default:
			return Null, p.errorf("expected ',' or '}' in object")
		}
	}
}

func (p *jsonParser) array(depth int) (Value, error) {
	p.i++ // [
	elems := []Value{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return Array(elems...), nil
	}
	for {
		p.space()
		v, err := p.value(depth)
		if err != nil {
			return Null, err
		}
		elems = append(elems, v)
		p.space()
		if p.i >= len(p.s) {
			return Null, p.errorf("unexpected end of JSON in array")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return Array(elems...), nil
		default:
			return Null, p.errorf("expected ',' or ']' in array")
		}
	}
}

// str reads a quoted string; it returns a substring of the input when the
// string has no escapes, so most keys and values do not allocate.
func (p *jsonParser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '"' {
			s := p.s[start:p.i]
			p.i++
			return s, nil
		}
		if c == '\\' {
			return p.escapedStr(start)
		}
		if c < 0x20 {
			return "", p.errorf("control character in string")
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) escapedStr(start int) (string, error) {
	buf := []byte(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", p.errorf("unterminated string")
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
					p.i += 2
					if lo, ok := p.hex4(); ok {
						r2 = utf16.DecodeRune(r, lo)
					}
				}
				r = r2
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.errorf("bad escape \\%c", e)
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

func (p *jsonParser) number() (Value, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	isInt := true
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if digits() == 0 {
		return Null, p.errorf("bad number")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		isInt = false
		p.i++
		if digits() == 0 {
			return Null, p.errorf("bad number")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		isInt = false
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return Null, p.errorf("bad number")
		}
	}
	text := p.s[start:p.i]
	if isInt {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return Long(n), nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		return Null, p.errorf("bad number %q", text)
	}
	return Real(f), nil
}
