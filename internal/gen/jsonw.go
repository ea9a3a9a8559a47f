package gen

import (
	"strconv"
	"time"
)

// jw appends a JSON object by hand into a reused buffer. Keys are given in
// camel case, as Graph writes them; with snake set they are written as the
// Elastic pipeline renames them, and empty strings, arrays and objects are
// left out, as that pipeline removes them.
type jw struct {
	b     []byte
	snake bool
	comma bool
}

func (w *jw) key(k string) {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '"')
	if w.snake {
		w.b = appendSnake(w.b, k)
	} else {
		w.b = append(w.b, k...)
	}
	w.b = append(w.b, '"', ':')
	w.comma = false
}

// appendSnake appends k in the Elastic pipeline's snake case: "_" before a
// run of capitals that follows a lower-case letter, all lower case.
func appendSnake(b []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 'A' && c <= 'Z' {
			if i > 0 && k[i-1] >= 'a' && k[i-1] <= 'z' {
				b = append(b, '_')
			}
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func (w *jw) begin() { w.b = append(w.b, '{'); w.comma = false }
func (w *jw) end()   { w.b = append(w.b, '}'); w.comma = true }

func (w *jw) obj(k string) { w.key(k); w.begin() }

func (w *jw) arr(k string) {
	w.key(k)
	w.b = append(w.b, '[')
	w.comma = false
}

func (w *jw) endArr() { w.b = append(w.b, ']'); w.comma = true }

// elem opens an object element of an array.
func (w *jw) elem() {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.begin()
}

func (w *jw) strElem(v string) {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.b = appendJSONString(w.b, v)
	w.comma = true
}

// str writes a string member; in snake mode an empty one is left out.
func (w *jw) str(k, v string) {
	if w.snake && v == "" {
		return
	}
	w.key(k)
	w.b = appendJSONString(w.b, v)
	w.comma = true
}

// strs writes an array of strings; in snake mode an empty one is left out.
func (w *jw) strs(k string, vs []string) {
	if w.snake && len(vs) == 0 {
		return
	}
	w.arr(k)
	for _, v := range vs {
		w.strElem(v)
	}
	w.endArr()
}

// empty writes an empty array ("[]") or object ("{}") except in snake mode.
func (w *jw) empty(k, v string) {
	if w.snake {
		return
	}
	w.raw(k, v)
}

func (w *jw) raw(k, v string) {
	w.key(k)
	w.b = append(w.b, v...)
	w.comma = true
}

func (w *jw) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
	w.comma = true
}

func (w *jw) float(k string, v float64) {
	w.key(k)
	w.b = strconv.AppendFloat(w.b, v, 'f', -1, 64)
	w.comma = true
}

func (w *jw) bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
	w.comma = true
}

func (w *jw) null(k string) { w.raw(k, "null") }

// timeStr writes a time as a string (see appendTime).
func (w *jw) time(k string, ns int64, digits int) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = appendTime(w.b, ns, digits)
	w.b = append(w.b, '"')
	w.comma = true
}

// ip writes an IPv4 address as a string.
func (w *jw) ip(k string, ip [4]byte) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = appendIP(w.b, ip)
	w.b = append(w.b, '"')
	w.comma = true
}

func appendIP(b []byte, ip [4]byte) []byte {
	for i, o := range ip {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(o), 10)
	}
	return b
}

// plain marks the bytes a JSON string holds as they are: printable ASCII
// other than '"' and '\\', and the bytes of UTF-8 sequences (the
// generator's own text is valid UTF-8).
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\' && c != 0x7f
	}
	return t
}()

// appendJSONString appends s as a JSON string.
func appendJSONString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '"')
	i := 0
	for i < len(s) && plain[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for ; i < len(s); i++ {
		c := s[i]
		if plain[c] {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendTime appends the UTC time ns (Unix nanoseconds) as RFC 3339 with
// digits fractional digits (0, 3 or 7) and a Z.
func appendTime(b []byte, ns int64, digits int) []byte {
	b = appendDateTime(b, ns, digits)
	return append(b, 'Z')
}

// appendDateTime appends ns as 2006-01-02T15:04:05[.fraction], no zone.
func appendDateTime(b []byte, ns int64, digits int) []byte {
	t := time.Unix(0, ns).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	if digits > 0 {
		b = append(b, '.')
		f := t.Nanosecond()
		for i := 9; i > digits; i-- {
			f /= 10
		}
		for i := digits - 1; i >= 0; i-- {
			p := 1
			for range i {
				p *= 10
			}
			b = append(b, byte('0'+f/p%10))
		}
	}
	return b
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// appendCSVTime appends ns as the Log Analytics portal's CSV export writes
// times: 5/6/2024, 9:12:33.123 AM.
func appendCSVTime(b []byte, ns int64) []byte {
	t := time.Unix(0, ns).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = strconv.AppendInt(b, int64(mo), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(d), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, ',', ' ')
	ampm := "AM"
	if h >= 12 {
		ampm = "PM"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	b = strconv.AppendInt(b, int64(h12), 10)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	ms := t.Nanosecond() / 1e6
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), ' ')
	return append(b, ampm...)
}
