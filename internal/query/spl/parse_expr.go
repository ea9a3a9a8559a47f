package spl

import (
	"strings"

	"vigil/internal/diag"
)

// Base search expressions. In a base search OR binds tighter than AND
// (written or implicit), and NOT tighter than both; the keywords are upper
// case.

func (p *parser) searchExpr() SearchExpr {
	x := p.searchOr()
	for !p.atEnd() && p.peek() != ')' {
		implicit := true
		if p.peekWord() == "AND" {
			p.word()
			implicit = false
		}
		if p.atEnd() || p.peek() == ')' {
			p.expected("search term")
		}
		r := p.searchOr()
		x = &And{L: x, R: r, Implicit: implicit, Range: diag.Span{Start: x.Span().Start, End: r.Span().End}}
	}
	return x
}

func (p *parser) searchOr() SearchExpr {
	x := p.searchUnary()
	for p.peekWord() == "OR" {
		p.word()
		r := p.searchUnary()
		x = &Or{L: x, R: r, Range: diag.Span{Start: x.Span().Start, End: r.Span().End}}
	}
	return x
}

func (p *parser) searchUnary() SearchExpr {
	p.ws()
	start := p.i
	if p.peekWord() == "NOT" {
		p.word()
		p.enter(start)
		x := p.searchUnary()
		p.leave()
		return &Not{X: x, Range: diag.Span{Start: start, End: x.Span().End}}
	}
	return p.searchPrimary()
}

func (p *parser) searchPrimary() SearchExpr {
	p.ws()
	start := p.i
	switch p.peek() {
	case '(':
		p.i++
		p.enter(start)
		if p.peek() == ')' {
			p.expected("search term")
		}
		x := p.searchExpr()
		p.leave()
		p.expect(')')
		return &Group{X: x, Range: diag.Span{Start: start, End: p.i}}
	case '[':
		p.unsupported(start, "subsearch")
	case 0, '|', ')', '=', '<', '>', '!', ',':
		p.expected("search term")
	}
	var t *Term
	if p.peek() == '"' {
		v, sp := p.quoted('"')
		t = &Term{Text: v, Quoted: true, Range: sp}
	} else if p.peek() == '\'' {
		v, sp := p.quoted('\'')
		t = &Term{Text: v, Quoted: true, Range: sp}
	} else {
		w, sp := p.word()
		if w == "" {
			p.expected("search term")
		}
		for _, kw := range []string{"AND", "OR", "NOT", "IN"} {
			if w == kw {
				p.i = sp.Start
				p.expected("search term")
			}
		}
		t = &Term{Text: w, Range: sp}
	}
	// field OP value, field IN (…)
	save := p.i
	p.ws()
	op := ""
	for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if strings.HasPrefix(p.s[p.i:], o) {
			op = o
			break
		}
	}
	if op != "" {
		if t.Text == "" {
			p.failf(t.Range.Start, "empty field name")
		}
		p.i += len(op)
		v := p.searchValue(op)
		return &Compare{Field: &Field{Name: t.Text, Quoted: t.Quoted, Range: t.Range}, Op: op, Value: v, Range: diag.Span{Start: start, End: v.Range.End}}
	}
	if p.peekWord() == "IN" {
		p.word()
		if p.peek() != '(' {
			p.expected("'(' after IN")
		}
		p.i++
		in := &InList{Field: &Field{Name: t.Text, Quoted: t.Quoted, Range: t.Range}}
		for {
			in.Values = append(in.Values, p.searchValue("IN"))
			if !p.eat(',') {
				break
			}
		}
		p.expect(')')
		in.Range = diag.Span{Start: start, End: p.i}
		return in
	}
	p.i = save
	return t
}

// searchValue reads the value after a comparison operator.
func (p *parser) searchValue(op string) *Term {
	p.ws()
	if p.i < len(p.s) && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
		v, sp := p.quoted(p.s[p.i])
		return &Term{Text: v, Quoted: true, Range: sp}
	}
	w, sp := p.word()
	if w == "" {
		p.expected("value after '" + op + "'")
	}
	return &Term{Text: w, Range: sp}
}

// Eval expressions, lowest precedence first: OR, XOR, AND, NOT,
// comparisons (= == != < <= > >= LIKE), + - and ".", * / %, unary minus.
// Keywords ignore case.

func (p *parser) expr() Expr {
	p.ws()
	if p.atEnd() {
		p.expected("expression")
	}
	return p.binary(0)
}

var evalLevels = [][]string{
	{"OR"},
	{"XOR"},
	{"AND"},
	nil, // NOT (prefix)
	{"==", "!=", "<=", ">=", "=", "<", ">", "LIKE"},
	{"+", "-", "."},
	{"*", "/", "%"},
}

// evalOp returns the operator of level lvl at the current position.
func (p *parser) evalOp(lvl int) string {
	p.ws()
	rest := p.s[p.i:]
	for _, op := range evalLevels[lvl] {
		if op[0] >= 'A' && op[0] <= 'Z' {
			if len(rest) >= len(op) && strings.EqualFold(rest[:len(op)], op) && (len(rest) == len(op) || !isIdentByte(rest[len(op)])) {
				return op
			}
			continue
		}
		if strings.HasPrefix(rest, op) {
			if op == "." && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9' {
				continue // .5 is a number
			}
			return op
		}
	}
	return ""
}

func (p *parser) binary(lvl int) Expr {
	if lvl == len(evalLevels) {
		return p.unary()
	}
	if evalLevels[lvl] == nil {
		p.ws()
		start := p.i
		if w := p.peekIdent(); strings.EqualFold(w, "NOT") {
			p.i += 3
			p.enter(start)
			x := p.binary(lvl)
			p.leave()
			return &Unary{Op: "NOT", X: x, Range: diag.Span{Start: start, End: x.Span().End}}
		}
		return p.binary(lvl + 1)
	}
	x := p.binary(lvl + 1)
	for {
		op := p.evalOp(lvl)
		if op == "" {
			return x
		}
		p.i += len(op)
		if op == "=" {
			op = "="
		}
		r := p.binary(lvl + 1)
		x = &Binary{Op: op, L: x, R: r, Range: diag.Span{Start: x.Span().Start, End: r.Span().End}}
	}
}

func (p *parser) unary() Expr {
	p.ws()
	start := p.i
	if p.eat('-') {
		p.enter(start)
		x := p.unary()
		p.leave()
		return &Unary{Op: "-", X: x, Range: diag.Span{Start: start, End: x.Span().End}}
	}
	return p.primary()
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '.' || c == '{' || c == '}' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// peekIdent returns the identifier at the current position.
func (p *parser) peekIdent() string {
	j := p.i
	if j < len(p.s) && (p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '.') {
		return ""
	}
	for j < len(p.s) && isIdentByte(p.s[j]) {
		j++
	}
	return p.s[p.i:j]
}

func (p *parser) primary() Expr {
	p.ws()
	start := p.i
	if p.i >= len(p.s) {
		p.expected("expression")
	}
	c := p.s[p.i]
	switch {
	case c == '(':
		p.i++
		p.enter(start)
		x := p.expr()
		p.leave()
		p.expect(')')
		return &Paren{X: x, Range: diag.Span{Start: start, End: p.i}}
	case c == '"':
		v, sp := p.quoted('"')
		return &StringLit{Value: v, Range: sp}
	case c == '\'':
		v, sp := p.quoted('\'')
		if v == "" {
			p.failf(start, "empty field name")
		}
		return &FieldRef{Name: v, Quoted: true, Range: sp}
	case c >= '0' && c <= '9' || c == '.' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9':
		return p.number()
	}
	id := p.peekIdent()
	if id == "" {
		p.expected("expression")
	}
	p.i += len(id)
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		p.enter(start)
		call := &Call{Func: id}
		if p.peek() != ')' {
			for {
				call.Args = append(call.Args, p.expr())
				if !p.eat(',') {
					break
				}
			}
		}
		p.leave()
		p.expect(')')
		call.Range = diag.Span{Start: start, End: p.i}
		return call
	}
	return &FieldRef{Name: id, Range: diag.Span{Start: start, End: p.i}}
}

func (p *parser) number() Expr {
	start := p.i
	digits := func() {
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
	}
	digits()
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		digits()
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		j := p.i + 1
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		if j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			p.i = j
			digits()
		}
	}
	if p.i < len(p.s) && isIdentByte(p.s[p.i]) {
		p.failf(start, "bad number '%s'", p.s[start:p.i+1])
	}
	return &NumberLit{Text: p.s[start:p.i], Range: diag.Span{Start: start, End: p.i}}
}
