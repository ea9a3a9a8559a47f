package kuery

import (
	"vigil/internal/diag"
)

// Limits against hostile input.
const (
	// MaxDepth bounds the nesting of parentheses, nested queries and not.
	MaxDepth = 100
	// MaxLength bounds the length of a query in bytes.
	MaxLength = 1 << 20
)

// Parse parses a Kuery query. Errors are *diag.Error values positioned in
// src ("1:12: kuery: expected a value after ':', found ')'").
func Parse(src string) (*Query, error) {
	if len(src) > MaxLength {
		return nil, errAt(src, 0, "query is too long (%d bytes, max %d)", len(src), MaxLength)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	if p.peek().kind == tEOF {
		return &Query{}, nil
	}
	root, err := p.or(false)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t, "'and', 'or' or end of query")
	}
	return &Query{Root: root}, nil
}

type parser struct {
	src   string
	toks  []token
	pos   int
	depth int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) unexpected(t token, want string) error {
	if t.kind == tWord && p.pos > 0 {
		if prev := p.toks[p.pos-1]; prev.kind == tWord || prev.kind == tString {
			return errAt(p.src, t.at.Start, "not supported yet: unquoted value with spaces (quote it), found %s after %s", t.describe(), prev.describe())
		}
	}
	return errAt(p.src, t.at.Start, "expected %s, found %s", want, t.describe())
}

func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > MaxDepth {
		return errAt(p.src, t.at.Start, "query is nested too deeply (max %d levels)", MaxDepth)
	}
	return nil
}

func span(a, b diag.Span) diag.Span { return diag.Span{Start: a.Start, End: b.End} }

// or parses `and-term (or and-term)*`; values says whether it parses a
// value list (inside field: (…)) or a query.
func (p *parser) or(values bool) (Node, error) {
	first, err := p.and(values)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tOr {
		return first, nil
	}
	n := &Or{Terms: []Node{first}}
	for p.peek().kind == tOr {
		p.next()
		t, err := p.and(values)
		if err != nil {
			return nil, err
		}
		n.Terms = append(n.Terms, t)
	}
	n.At = span(first.Span(), n.Terms[len(n.Terms)-1].Span())
	return n, nil
}

func (p *parser) and(values bool) (Node, error) {
	first, err := p.not(values)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tAnd {
		return first, nil
	}
	n := &And{Terms: []Node{first}}
	for p.peek().kind == tAnd {
		p.next()
		t, err := p.not(values)
		if err != nil {
			return nil, err
		}
		n.Terms = append(n.Terms, t)
	}
	n.At = span(first.Span(), n.Terms[len(n.Terms)-1].Span())
	return n, nil
}

func (p *parser) not(values bool) (Node, error) {
	t := p.peek()
	if t.kind != tNot {
		if values {
			return p.valueList()
		}
		return p.sub()
	}
	p.next()
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	var x Node
	var err error
	if values {
		x, err = p.valueList()
	} else {
		x, err = p.sub()
	}
	if err != nil {
		return nil, err
	}
	return &Not{X: x, At: span(t.at, x.Span())}, nil
}

// paren parses `( or )` starting at the '(' token.
func (p *parser) paren(values bool) (Node, error) {
	open := p.next()
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	x, err := p.or(values)
	if err != nil {
		return nil, err
	}
	closing := p.peek()
	if closing.kind != tRParen {
		return nil, p.unexpected(closing, "')'")
	}
	p.next()
	return &Paren{X: x, At: span(open.at, closing.at)}, nil
}

// sub parses a parenthesised query, a nested query or an expression.
func (p *parser) sub() (Node, error) {
	t := p.peek()
	switch t.kind {
	case tLParen:
		return p.paren(false)
	case tWord, tString:
	default:
		return nil, p.unexpected(t, "a field, a value or '('")
	}
	p.next()
	switch op := p.peek(); op.kind {
	case tColon:
		p.next()
		field := fieldOf(t)
		switch v := p.peek(); v.kind {
		case tLBrace:
			p.next()
			if err := p.enter(v); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			q, err := p.or(false)
			if err != nil {
				return nil, err
			}
			closing := p.peek()
			if closing.kind != tRBrace {
				return nil, p.unexpected(closing, "'}'")
			}
			p.next()
			return &Nested{Field: field, Query: q, At: span(t.at, closing.at)}, nil
		case tLParen, tWord, tString:
			val, err := p.valueList()
			if err != nil {
				return nil, err
			}
			return &FieldValue{Field: field, Value: val, At: span(t.at, val.Span())}, nil
		default:
			return nil, p.unexpected(v, "a value, '(' or '{' after ':'")
		}
	case tRange:
		p.next()
		v := p.peek()
		if v.kind != tWord && v.kind != tString {
			return nil, p.unexpected(v, "a value after '"+op.raw+"'")
		}
		p.next()
		lit := literalOf(v)
		return &Range{Field: fieldOf(t), Op: op.raw, Value: lit, At: span(t.at, v.at)}, nil
	}
	lit := literalOf(t)
	return &FieldValue{Value: lit, At: t.at}, nil
}

// valueList parses a value or a parenthesised list of values.
func (p *parser) valueList() (Node, error) {
	t := p.peek()
	switch t.kind {
	case tLParen:
		return p.paren(true)
	case tWord, tString:
		p.next()
		return literalOf(t), nil
	}
	return nil, p.unexpected(t, "a value or '('")
}

func fieldOf(t token) *Field {
	return &Field{Name: t.text, Quoted: t.kind == tString, At: t.at}
}

func literalOf(t token) *Literal {
	l := &Literal{Text: t.text, Quoted: t.kind == tString, At: t.at}
	if t.kind == tWord && t.wild {
		l.Wildcard, l.Pattern = true, t.pattern
	}
	return l
}
