package spl

import (
	"strings"
	"unicode/utf8"

	"vigil/internal/diag"
)

// The parser reads the expanded text character by character: SPL words mean
// different things in a base search (`sourcetype=azure:monitor:aad`,
// `10.0.0.*`) and in an eval expression (`a-1`), so there is no separate
// token stream.

// Limits protect the parser from hostile or accidental giant input.
const (
	// MaxSearchBytes is the longest search text Parse accepts.
	MaxSearchBytes = 1 << 20
	// MaxDepth is the deepest nesting Parse accepts (parentheses, NOT,
	// function calls).
	MaxDepth = 200
)

// errAt returns a positioned spl diagnostic at byte offset off of src.
func errAt(src string, off int, format string, args ...any) *diag.Error {
	e := diag.Errorf("", diag.PosOf(src, off), "spl", format, args...)
	e.Source, e.Offset = src, off
	return e
}

// bailout carries a syntax error from deep in the recursive descent up to
// Parse, which recovers it; any other panic is re-raised.
type bailout struct{ err *diag.Error }

type parser struct {
	s     string // expanded text
	x     *Expansion
	i     int
	depth int
}

// failf reports an error at offset off of the expanded text, positioned in
// the written search.
func (p *parser) failf(off int, format string, args ...any) {
	src := p.x.SourceOffset(off)
	panic(bailout{errAt(p.x.Source, src, format, args...)})
}

func (p *parser) unsupported(off int, feature string) {
	src := p.x.SourceOffset(off)
	e := diag.Unsupported("", diag.PosOf(p.x.Source, src), "spl", feature)
	e.Source, e.Offset = p.x.Source, src
	panic(bailout{e})
}

func (p *parser) enter(off int) {
	p.depth++
	if p.depth > MaxDepth {
		p.failf(off, "search is nested too deeply (max %d levels)", MaxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// ws skips white space.
func (p *parser) ws() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

// peek returns the next character after white space, or 0 at the end.
func (p *parser) peek() byte {
	p.ws()
	if p.i >= len(p.s) {
		return 0
	}
	return p.s[p.i]
}

// atEnd reports whether the command ends here (end of text or '|').
func (p *parser) atEnd() bool {
	c := p.peek()
	return c == 0 || c == '|'
}

// describe names what is at offset i for "found …" messages.
func (p *parser) describe() string {
	p.ws()
	if p.i >= len(p.s) {
		return "end of search"
	}
	c := p.s[p.i]
	switch c {
	case '"':
		return "a string"
	case '|', '(', ')', ',', '=', '[', ']':
		return "'" + string(c) + "'"
	}
	j := p.i
	for j < len(p.s) && !isSpace(p.s[j]) && !strings.ContainsRune("|(),=\"'[]", rune(p.s[j])) {
		j++
	}
	if j == p.i {
		r, _ := utf8.DecodeRuneInString(p.s[p.i:])
		return "'" + string(r) + "'"
	}
	w := p.s[p.i:j]
	if len(w) > 40 {
		w = w[:40] + "…"
	}
	return "'" + w + "'"
}

func (p *parser) expected(what string) {
	p.failf(p.i, "expected %s, found %s", what, p.describe())
}

// isWordByte reports whether c may appear in a base-search word.
func isWordByte(c byte) bool {
	return !isSpace(c) && !strings.ContainsRune("|()=<>!,\"[]`", rune(c))
}

// word reads a base-search word (no quotes); "" when none is here.
func (p *parser) word() (string, diag.Span) {
	p.ws()
	start := p.i
	for p.i < len(p.s) && isWordByte(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i], diag.Span{Start: start, End: p.i}
}

// peekWord returns the word at the current position without consuming it.
func (p *parser) peekWord() string {
	save := p.i
	w, _ := p.word()
	p.i = save
	return w
}

// isKeyword reports whether the next word is kw, ignoring case.
func (p *parser) isKeyword(kw string) bool {
	return strings.EqualFold(p.peekWord(), kw)
}

// quoted reads a string quoted with q ('"' or '\”), handling backslash
// escapes of the quote and of backslash.
func (p *parser) quoted(q byte) (string, diag.Span) {
	start := p.i
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\\' && p.i+1 < len(p.s) && (p.s[p.i+1] == q || p.s[p.i+1] == '\\'):
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		case c == q:
			p.i++
			return b.String(), diag.Span{Start: start, End: p.i}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	p.failf(start, "unterminated string")
	return "", diag.Span{}
}

// eat consumes c when it is the next character.
func (p *parser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(c byte) {
	if !p.eat(c) {
		p.expected("'" + string(c) + "'")
	}
}

// field reads a field name: quoted with " or ', or a word without '='.
func (p *parser) field(what string) *Field {
	switch p.peek() {
	case '"', '\'':
		v, sp := p.quoted(p.s[p.i])
		if v == "" {
			p.failf(sp.Start, "empty field name")
		}
		return &Field{Name: v, Quoted: true, Range: sp}
	}
	w, sp := p.word()
	if w == "" {
		p.expected(what)
	}
	return &Field{Name: w, Range: sp}
}

// atOption reports whether a key=value option starts here.
func (p *parser) atOption() bool {
	save := p.i
	defer func() { p.i = save }()
	w, _ := p.word()
	return w != "" && p.i < len(p.s) && p.s[p.i] == '='
}

// option reads key=value (value quoted or a word).
func (p *parser) option() *Option {
	k, sp := p.word()
	p.expect('=')
	o := &Option{Key: strings.ToLower(k)}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '"' {
		v, vs := p.quoted('"')
		o.Value, o.Quoted, sp.End = v, true, vs.End
	} else {
		v, vs := p.word()
		if v == "" {
			p.expected("value after '" + k + "='")
		}
		o.Value, sp.End = v, vs.End
	}
	o.Range = sp
	return o
}

// checkOption fails unless o's key is one of allowed.
func (p *parser) checkOption(cmd string, o *Option, allowed ...string) {
	for _, a := range allowed {
		if o.Key == a {
			return
		}
	}
	p.unsupported(o.Range.Start, cmd+" option '"+o.Key+"'")
}
