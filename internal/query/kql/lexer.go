package kql

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vigil/internal/diag"
)

// tokKind classifies a token. Keywords are not a kind of their own: Kusto
// keywords are contextual, so the parser recognises them by their text.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // name, $left, dashed operator name (project-away)
	tString           // text holds the decoded value
	tLong             // long holds the value
	tReal             // real holds the value
	tTimespan         // dur holds the value
	tTyped            // typed literal: text is the type name, raw the text in parentheses
	tOp               // punctuation and symbolic operators, incl. !has and in~
)

var kindNames = [...]string{"EOF", "Ident", "String", "Long", "Real", "Timespan", "Typed", "Op"}

// String names the kind, for tests and debugging.
func (k tokKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "tokKind(" + strconv.Itoa(int(k)) + ")"
}

// token is one lexeme. A query of a megabyte can hold half a million of
// them, so the numeric values share one word (see long, real and dur).
type token struct {
	kind       tokKind
	text       string
	raw        string // tTyped only
	num        uint64 // the value of a tLong, tReal or tTimespan
	start, end int    // byte offsets in the source
}

// long returns the value of a tLong token.
func (t token) long() int64 { return int64(t.num) }

// real returns the value of a tReal token.
func (t token) real() float64 { return math.Float64frombits(t.num) }

// dur returns the value of a tTimespan token.
func (t token) dur() time.Duration { return time.Duration(t.num) }

// String renders the token kind and text, for lexer tests and debugging.
func (t token) String() string {
	switch t.kind {
	case tTyped:
		return fmt.Sprintf("%s %s(%s)", t.kind, t.text, t.raw)
	case tString:
		return fmt.Sprintf("%s %q", t.kind, t.text)
	case tEOF:
		return "EOF"
	}
	return fmt.Sprintf("%s %s", t.kind, t.text)
}

// parseDataTable parses `datatable(col:type, …) [value, …]`.
func (p *parser) parseDataTable() *DataTable {
	start := p.next().start // datatable
	p.expectOp("(")
	d := &DataTable{}
	for {
		d.Columns = append(d.Columns, p.parseParam(false))
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	p.expectOp(")")
	p.expectOp("[")
	for !p.isOp("]") {
		if len(d.Values) > 0 {
			p.expectOp(",")
			if p.isOp("]") {
				break // a trailing comma is allowed
			}
		}
		d.Values = append(d.Values, p.parseExpr())
	}
	p.next()
	d.Range = p.span(start)
	if len(d.Values)%len(d.Columns) != 0 {
		p.failf(start, "datatable has %d values, not a multiple of its %d columns", len(d.Values), len(d.Columns))
	}
	return d
}

// typedNames are the type names that, followed by '(', start a typed literal
// whose parenthesised text is not tokenised (`datetime(2024-01-01 10:00)`).
var typedNames = map[string]bool{
	"datetime": true, "timespan": true, "time": true, "guid": true,
	"int": true, "long": true, "real": true, "double": true, "bool": true, "decimal": true,
}

// dashedNames are the operator names written with a dash; they are joined
// into one token only right after '|', so `a-b` stays a subtraction.
var dashedNames = map[string]bool{
	"project-away": true, "project-keep": true, "project-rename": true, "project-reorder": true,
	"project-smart": true, "mv-expand": true, "mv-apply": true, "make-series": true,
	"top-nested": true, "top-hitters": true, "sample-distinct": true, "parse-where": true,
	"parse-kv": true, "make-graph": true, "graph-match": true, "graph-merge": true,
	"graph-to-table": true, "assert-schema": true, "execute-and-cache": true,
}

// bangOps are the negated word operators written with a leading '!'.
var bangOps = map[string]bool{
	"!has": true, "!has_cs": true, "!hasprefix": true, "!hasprefix_cs": true,
	"!hassuffix": true, "!hassuffix_cs": true, "!contains": true, "!contains_cs": true,
	"!startswith": true, "!startswith_cs": true, "!endswith": true, "!endswith_cs": true,
	"!in": true, "!in~": true, "!between": true,
}

// timespanUnits maps the unit suffixes of timespan literals to their length.
var timespanUnits = map[string]time.Duration{
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"m": time.Minute, "min": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"s": time.Second, "sec": time.Second, "second": time.Second, "seconds": time.Second,
	"ms": time.Millisecond, "milli": time.Millisecond, "millis": time.Millisecond,
	"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"microsecond": time.Microsecond, "microseconds": time.Microsecond,
	"tick": 100 * time.Nanosecond, "ticks": 100 * time.Nanosecond,
}

// tick is Kusto's timespan and datetime resolution.
const tick = 100 * time.Nanosecond

type lexer struct {
	src  string
	off  int
	toks []token
}

// errAt returns a positioned kql diagnostic at byte offset off of src.
func errAt(src string, off int, format string, args ...any) *diag.Error {
	e := diag.Errorf("", diag.PosOf(src, off), "kql", format, args...)
	e.Source, e.Offset = src, off
	return e
}

// lex splits src into tokens, ending with a tEOF token.
func lex(src string) ([]token, error) {
	l := &lexer{src: src}
	for {
		tok, err := l.next()
		if err != nil {
			return nil, err
		}
		l.toks = append(l.toks, tok)
		if tok.kind == tEOF {
			return l.toks, nil
		}
	}
}

func (l *lexer) errorf(off int, format string, args ...any) error {
	return errAt(l.src, off, format, args...)
}

func (l *lexer) peekRune(off int) rune {
	if off >= len(l.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(l.src[off:])
	return r
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isQuote(c byte) bool      { return c == '"' || c == '\'' }

func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.off++
		case strings.HasPrefix(l.src[l.off:], "//"):
			nl := strings.IndexByte(l.src[l.off:], '\n')
			if nl < 0 {
				l.off = len(l.src)
			} else {
				l.off += nl + 1
			}
		default:
			r, n := utf8.DecodeRuneInString(l.src[l.off:])
			if r != utf8.RuneError && unicode.IsSpace(r) {
				l.off += n
				continue
			}
			return
		}
	}
}

func (l *lexer) prevIsPipe() bool {
	n := len(l.toks)
	return n > 0 && l.toks[n-1].kind == tOp && l.toks[n-1].text == "|"
}

func (l *lexer) next() (token, error) {
	l.skipSpace()
	start := l.off
	if start >= len(l.src) {
		return token{kind: tEOF, start: start, end: start}, nil
	}
	c := l.src[start]
	switch {
	case isQuote(c):
		return l.lexString(start, start, false)
	case c == '@' && start+1 < len(l.src) && isQuote(l.src[start+1]):
		return l.lexString(start, start+1, true)
	case strings.HasPrefix(l.src[start:], "```"):
		end := strings.Index(l.src[start+3:], "```")
		if end < 0 {
			return token{}, l.errorf(start, "unterminated string literal")
		}
		l.off = start + 3 + end + 3
		return token{kind: tString, text: l.src[start+3 : start+3+end], start: start, end: l.off}, nil
	case isDigit(c):
		return l.lexNumber(start)
	case c == '$':
		l.off++
		for l.off < len(l.src) && isIdentPart(l.peekRune(l.off)) {
			_, n := utf8.DecodeRuneInString(l.src[l.off:])
			l.off += n
		}
		if l.off == start+1 {
			return token{}, l.errorf(start, "unexpected character '$'")
		}
		return token{kind: tIdent, text: l.src[start:l.off], start: start, end: l.off}, nil
	case c == '!':
		return l.lexBang(start)
	}
	if r := l.peekRune(start); isIdentStart(r) {
		return l.lexIdent(start)
	}
	return l.lexOp(start)
}

func (l *lexer) scanIdent() {
	for l.off < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.off:])
		if !isIdentPart(r) {
			return
		}
		l.off += n
	}
}

func (l *lexer) lexIdent(start int) (token, error) {
	l.scanIdent()
	word := l.src[start:l.off]
	// h"…" and h@"…" are obfuscated strings: ordinary strings for us.
	if (word == "h" || word == "H") && l.off < len(l.src) {
		if isQuote(l.src[l.off]) {
			return l.lexString(start, l.off, false)
		}
		if l.src[l.off] == '@' && l.off+1 < len(l.src) && isQuote(l.src[l.off+1]) {
			return l.lexString(start, l.off+1, true)
		}
	}
	if lower := strings.ToLower(word); typedNames[lower] {
		// Spaces and comments may separate the type name from '('.
		save := l.off
		l.skipSpace()
		i := l.off
		l.off = save
		if i < len(l.src) && l.src[i] == '(' {
			end := strings.IndexAny(l.src[i+1:], ")\n")
			if end < 0 || l.src[i+1+end] != ')' {
				return token{}, l.errorf(start, "unterminated %s literal", lower)
			}
			l.off = i + 1 + end + 1
			raw := strings.TrimSpace(l.src[i+1 : i+1+end])
			return token{kind: tTyped, text: lower, raw: raw, start: start, end: l.off}, nil
		}
	}
	if word == "in" && l.off < len(l.src) && l.src[l.off] == '~' {
		l.off++
		return token{kind: tOp, text: "in~", start: start, end: l.off}, nil
	}
	if l.prevIsPipe() && l.off+1 < len(l.src) && l.src[l.off] == '-' {
		save := l.off
		l.off++
		l.scanIdent()
		if dashed := l.src[start:l.off]; dashedNames[dashed] {
			return token{kind: tIdent, text: dashed, start: start, end: l.off}, nil
		}
		l.off = save
	}
	return token{kind: tIdent, text: word, start: start, end: l.off}, nil
}

func (l *lexer) lexBang(start int) (token, error) {
	l.off = start + 1
	if l.off < len(l.src) {
		switch l.src[l.off] {
		case '=':
			l.off++
			return token{kind: tOp, text: "!=", start: start, end: l.off}, nil
		case '~':
			l.off++
			return token{kind: tOp, text: "!~", start: start, end: l.off}, nil
		}
	}
	if !isIdentStart(l.peekRune(l.off)) {
		return token{}, l.errorf(start, "unexpected character '!'")
	}
	l.scanIdent()
	if l.off < len(l.src) && l.src[l.off] == '~' {
		l.off++
	}
	op := l.src[start:l.off]
	if !bangOps[op] {
		return token{}, l.errorf(start, "unknown operator '%s'", op)
	}
	return token{kind: tOp, text: op, start: start, end: l.off}, nil
}

var twoCharOps = []string{"==", "!=", "=~", "!~", "<=", ">=", "<>", ".."}

func (l *lexer) lexOp(start int) (token, error) {
	for _, op := range twoCharOps {
		if strings.HasPrefix(l.src[start:], op) {
			l.off = start + 2
			return token{kind: tOp, text: op, start: start, end: l.off}, nil
		}
	}
	c := l.src[start]
	if strings.IndexByte("<>+-*/%|;,.[](){}=:", c) >= 0 {
		l.off = start + 1
		return token{kind: tOp, text: string(c), start: start, end: l.off}, nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[start:])
	if r == utf8.RuneError {
		return token{}, l.errorf(start, "invalid UTF-8 encoding")
	}
	if unicode.IsPrint(r) {
		return token{}, l.errorf(start, "unexpected character '%c'", r)
	}
	return token{}, l.errorf(start, "unexpected character %U", r)
}

// lexString lexes a quoted string whose opening quote is at q; start is where
// the token begins (before an `h` or `@` prefix).
func (l *lexer) lexString(start, q int, verbatim bool) (token, error) {
	quote := l.src[q]
	var b strings.Builder
	i := q + 1
	for {
		if i >= len(l.src) || l.src[i] == '\n' {
			return token{}, l.errorf(start, "unterminated string literal")
		}
		c := l.src[i]
		switch {
		case c == quote && verbatim && i+1 < len(l.src) && l.src[i+1] == quote:
			b.WriteByte(quote) // a doubled quote inside a verbatim string
			i += 2
		case c == quote:
			l.off = i + 1
			return token{kind: tString, text: b.String(), start: start, end: l.off}, nil
		case c == '\\' && !verbatim:
			n, err := l.escape(&b, i)
			if err != nil {
				return token{}, err
			}
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// escape decodes the escape sequence at src[i] ('\\') into b and returns its
// length in bytes.
func (l *lexer) escape(b *strings.Builder, i int) (int, error) {
	if i+1 >= len(l.src) {
		return 0, l.errorf(i, "unterminated string literal")
	}
	switch c := l.src[i+1]; c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case '0':
		b.WriteByte(0)
	case '\\', '\'', '"':
		b.WriteByte(c)
	case 'u':
		if i+6 > len(l.src) {
			return 0, l.errorf(i, "invalid escape sequence '\\u'")
		}
		v, err := strconv.ParseUint(l.src[i+2:i+6], 16, 32)
		if err != nil {
			return 0, l.errorf(i, "invalid escape sequence '\\u%s'", l.src[i+2:i+6])
		}
		b.WriteRune(rune(v))
		return 6, nil
	default:
		r, _ := utf8.DecodeRuneInString(l.src[i+1:])
		return 0, l.errorf(i, "invalid escape sequence '\\%c'", r)
	}
	return 2, nil
}

func (l *lexer) lexNumber(start int) (token, error) {
	i := start
	src := l.src
	if strings.HasPrefix(src[i:], "0x") || strings.HasPrefix(src[i:], "0X") {
		i += 2
		for i < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[i]) >= 0 {
			i++
		}
		l.off = i
		v, err := strconv.ParseInt(src[start+2:i], 16, 64)
		if err != nil {
			return token{}, l.errorf(start, "invalid number '%s'", src[start:i])
		}
		return token{kind: tLong, text: src[start:i], num: uint64(v), start: start, end: i}, nil
	}
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	isReal := false
	if i+1 < len(src) && src[i] == '.' && isDigit(src[i+1]) {
		isReal = true
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			isReal = true
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
	}
	num := src[start:i]
	l.off = i
	if isIdentStart(l.peekRune(i)) {
		l.scanIdent()
		unit := src[i:l.off]
		d, err := timespanOf(num, unit)
		if err != nil {
			return token{}, l.errorf(start, "%s", err)
		}
		return token{kind: tTimespan, text: src[start:l.off], num: uint64(d), start: start, end: l.off}, nil
	}
	if isReal {
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return token{}, l.errorf(start, "real literal out of range: %s", num)
		}
		return token{kind: tReal, text: num, num: math.Float64bits(v), start: start, end: i}, nil
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return token{}, l.errorf(start, "integer literal out of range: %s", num)
	}
	return token{kind: tLong, text: num, num: uint64(v), start: start, end: i}, nil
}

// timespanOf returns num (an unsigned decimal) times the timespan unit, to
// tick precision.
func timespanOf(num, unit string) (time.Duration, error) {
	u, ok := timespanUnits[unit]
	if !ok {
		return 0, fmt.Errorf("unknown timespan unit '%s' in '%s%s'", unit, num, unit)
	}
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n > math.MaxInt64/int64(u) {
			return 0, fmt.Errorf("timespan literal out of range: %s%s", num, unit)
		}
		return time.Duration(n) * u, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f*float64(u) >= math.MaxInt64 {
		return 0, fmt.Errorf("timespan literal out of range: %s%s", num, unit)
	}
	return time.Duration(math.Round(f*float64(u)/float64(tick))) * tick, nil
}
