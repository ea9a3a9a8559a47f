package exec

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// The tests write expressions as s-expressions so that tables read like
// specifications:
//
//	(has s "fraud")          call of catalogue entry "has"
//	s                        column reference
//	"text" 42 2.5 true null  literals (string, long, real, bool, untyped null)
//	(dt "2024-05-01T10:00:00Z") (ts "1h30m")  datetime and timespan literals
//	(json "[1, \"a\"]")      dynamic literal
//	(null long)              typed null
//	(. d key)                member access d.key
//	([] d 0)                 index access d[0]
//	(matches_regex s "^H")   the "matches regex" operator
//
// Spans are byte offsets into the s-expression text, so positioned errors
// can be asserted.
func parseExpr(t testing.TB, src string) plan.Expr {
	t.Helper()
	p := &sexprParser{src: src}
	e, err := p.expr()
	if err == nil && strings.TrimSpace(p.src[p.pos:]) != "" {
		err = fmt.Errorf("trailing text %q", p.src[p.pos:])
	}
	if err != nil {
		t.Fatalf("bad test expression %q: %v", src, err)
	}
	return e
}

type sexprParser struct {
	src string
	pos int
}

func (p *sexprParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\n' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// token returns the next token: "(", ")", a quoted string, or a word.
func (p *sexprParser) token() (tok string, start int, err error) {
	p.skipSpace()
	start = p.pos
	if p.pos >= len(p.src) {
		return "", start, fmt.Errorf("unexpected end")
	}
	switch c := p.src[p.pos]; c {
	case '(', ')':
		p.pos++
		return string(c), start, nil
	case '"':
		q, err := strconv.QuotedPrefix(p.src[p.pos:])
		if err != nil {
			return "", start, err
		}
		p.pos += len(q)
		return q, start, nil
	}
	for p.pos < len(p.src) && !strings.ContainsRune(" \n\t()", rune(p.src[p.pos])) {
		p.pos++
	}
	return p.src[start:p.pos], start, nil
}

func (p *sexprParser) expr() (plan.Expr, error) {
	tok, start, err := p.token()
	if err != nil {
		return nil, err
	}
	span := func() diag.Span { return diag.Span{Start: start, End: p.pos} }
	if tok != "(" {
		return atom(tok, diag.Span{Start: start, End: p.pos})
	}
	head, _, err := p.token()
	if err != nil {
		return nil, err
	}
	var args []plan.Expr
	var words []string // raw words, for the special forms
	for {
		p.skipSpace()
		if p.pos < len(p.src) && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		save := p.pos
		tok, _, err := p.token()
		if err != nil {
			return nil, err
		}
		words = append(words, tok)
		p.pos = save
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
	}
	switch head {
	case "dt", "ts", "json":
		if len(words) != 1 {
			return nil, fmt.Errorf("%s needs one string", head)
		}
		s, err := strconv.Unquote(words[0])
		if err != nil {
			return nil, err
		}
		switch head {
		case "dt":
			tm, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, err
			}
			return plan.Lit(event.Datetime(tm), span()), nil
		case "ts":
			d, err := time.ParseDuration(s)
			if err != nil {
				return nil, err
			}
			return plan.Lit(event.Timespan(d), span()), nil
		}
		v, err := event.ParseJSON(s)
		if err != nil {
			return nil, err
		}
		return &plan.Literal{Value: v, Type: plan.TypeDynamic, At: span()}, nil
	case "null":
		typ, ok := plan.ParseType(words[0])
		if !ok {
			return nil, fmt.Errorf("unknown type %s", words[0])
		}
		return &plan.Literal{Type: typ, At: span()}, nil
	case ".":
		return &plan.Member{X: args[0], Name: words[1], At: span()}, nil
	case "[]":
		return &plan.Index{X: args[0], Index: args[1], At: span()}, nil
	case "matches_regex":
		head = "matches regex"
	}
	return plan.Fn(head, span(), args...), nil
}

func atom(tok string, span diag.Span) (plan.Expr, error) {
	switch {
	case tok == ")":
		return nil, fmt.Errorf("unexpected )")
	case strings.HasPrefix(tok, `"`):
		s, err := strconv.Unquote(tok)
		if err != nil {
			return nil, err
		}
		return plan.Lit(event.String(s), span), nil
	case tok == "true" || tok == "false":
		return plan.Lit(event.Bool(tok == "true"), span), nil
	case tok == "null":
		return plan.Lit(event.Null, span), nil
	case tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9'):
		if n, err := strconv.ParseInt(tok, 10, 64); err == nil {
			return plan.Lit(event.Long(n), span), nil
		}
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return nil, err
		}
		return plan.Lit(event.Real(f), span), nil
	}
	return plan.Col(tok, span), nil
}

// show renders a Value for test tables: like Value.String, but a real that
// holds an integer prints with ".0" so that long 2 and real 2 differ.
func show(v event.Value) string {
	if v.Kind() == event.KindReal {
		s := v.String()
		if !strings.ContainsAny(s, ".eEIN") {
			s += ".0"
		}
		return s
	}
	return v.String()
}
