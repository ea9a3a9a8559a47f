package kql

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Binary operator precedence, lowest first; 0 means "not a binary operator".
const (
	precOr = iota + 1
	precAnd
	precCompare
	precAdd
	precMul
)

// opShape says how the right-hand side of a binary operator is written.
type opShape uint8

const (
	shapeBinary  opShape = iota // X op Y
	shapeList                   // X op (a, b, …)
	shapeBetween                // X op (lo .. hi)
	shapeRegex                  // X matches regex Y
)

// wordOps are the binary operators spelled as words (identifier tokens).
var wordOps = map[string]opShape{
	"has": shapeBinary, "has_cs": shapeBinary, "hasprefix": shapeBinary, "hasprefix_cs": shapeBinary,
	"hassuffix": shapeBinary, "hassuffix_cs": shapeBinary, "contains": shapeBinary,
	"contains_cs": shapeBinary, "notcontains": shapeBinary, "notcontains_cs": shapeBinary,
	"startswith": shapeBinary, "startswith_cs": shapeBinary, "endswith": shapeBinary,
	"endswith_cs": shapeBinary, "in": shapeList, "has_any": shapeList, "has_all": shapeList,
	"between": shapeBetween, "matches": shapeRegex,
}

// binaryOp classifies the token t in operator position.
func binaryOp(t token) (prec int, shape opShape) {
	switch t.kind {
	case tIdent:
		switch t.text {
		case "or":
			return precOr, shapeBinary
		case "and":
			return precAnd, shapeBinary
		}
		if s, ok := wordOps[t.text]; ok {
			return precCompare, s
		}
	case tOp:
		switch t.text {
		case "==", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~":
			return precCompare, shapeBinary
		case "+", "-":
			return precAdd, shapeBinary
		case "*", "/", "%":
			return precMul, shapeBinary
		case "in~", "!in", "!in~":
			return precCompare, shapeList
		case "!between":
			return precCompare, shapeBetween
		}
		if bangOps[t.text] {
			return precCompare, shapeBinary
		}
	}
	return 0, shapeBinary
}

// parseExpr parses a scalar expression (no pipes).
func (p *parser) parseExpr() Expr { return p.parseBinary(precOr) }

// parseBinary is precedence climbing over binaryOp; all binary operators are
// left-associative.
func (p *parser) parseBinary(minPrec int) Expr {
	base, outer := p.measure()
	x := p.parseUnary()
	h := p.height(base)
	// limit keeps `a in (b) * c` from reading as `(a in (b)) * c`: after an
	// operator of precedence p, only operators binding no tighter may follow
	// (the right operand of a plain binary operator has taken all others).
	limit := precMul
	for {
		t := p.cur()
		prec, shape := binaryOp(t)
		if prec == 0 || prec < minPrec || prec > limit {
			p.done(base, outer, h)
			return x
		}
		limit = prec
		p.next()
		start := x.Span().Start
		switch shape {
		case shapeList:
			list := p.parseList(t.text)
			x = &In{Range: p.span(start), Op: t.text, X: x, List: list}
		case shapeBetween:
			p.enter(p.expectOp("(").start)
			lo := p.parseExpr()
			p.expectOp("..")
			hi := p.parseExpr()
			p.expectOp(")")
			p.leave()
			x = &Between{Range: p.span(start), Not: t.text == "!between", X: x, Lo: lo, Hi: hi}
		case shapeRegex:
			p.expectWord("regex")
			y := p.parseBinary(prec + 1)
			x = &Binary{Range: p.span(start), Op: "matches regex", L: x, R: y}
		default:
			y := p.parseBinary(prec + 1)
			x = &Binary{Range: p.span(start), Op: t.text, L: x, R: y}
		}
		h = max(h, p.height(base)) + 1
		p.grown(t.start, base, h)
	}
}

// parseList parses the parenthesised right side of in/has_any/…; elements
// may be tabular expressions.
func (p *parser) parseList(op string) []Expr {
	t := p.cur()
	if !isOpTok(t, "(") {
		p.failf(t.start, "expected '(' after '%s', found %s", op, p.describe(t))
	}
	p.enter(t.start)
	defer p.leave()
	p.next()
	var list []Expr
	for !p.isOp(")") {
		if len(list) > 0 {
			p.expectOp(",")
		}
		list = append(list, p.parsePipeExpr())
	}
	p.next()
	return list
}

func (p *parser) parseUnary() Expr {
	t := p.cur()
	p.enter(t.start)
	defer p.leave()
	if isOpTok(t, "-") || isOpTok(t, "+") {
		p.next()
		x := p.parseUnary()
		return &Unary{Range: p.span(t.start), Op: t.text, X: x}
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() Expr {
	base, outer := p.measure()
	x := p.parsePrimary()
	h := p.height(base)
	for {
		start := x.Span().Start
		op := p.cur().start
		switch {
		case p.isOp("."):
			p.next()
			var name *Ident
			if t := p.cur(); t.kind == tIdent && !strings.HasPrefix(t.text, "$") {
				p.next()
				name = &Ident{Range: p.span(t.start), Name: t.text}
			} else if name = p.tryBracketed(); name == nil {
				p.failf(t.start, "expected property name after '.', found %s", p.describe(t))
			}
			x = &Member{Range: p.span(start), X: x, Name: name}
		case p.isOp("["):
			p.next()
			i := p.parseExpr()
			p.expectOp("]")
			x = &Index{Range: p.span(start), X: x, Index: i}
		default:
			p.done(base, outer, h)
			return x
		}
		h = max(h, p.height(base)) + 1
		p.grown(op, base, h)
	}
}

func (p *parser) parsePrimary() Expr {
	t := p.cur()
	switch t.kind {
	case tString:
		var b strings.Builder
		for p.cur().kind == tString {
			b.WriteString(p.next().text)
		}
		return &StringLit{Range: p.span(t.start), Value: b.String()}
	case tLong, tReal, tTimespan, tTyped:
		return p.numberLit(t)
	case tIdent:
		if isOpTok(p.peek(1), "(") && !strings.HasPrefix(t.text, "$") {
			if t.text == "dynamic" {
				return p.parseDynamicLit()
			}
			return p.parseCall()
		}
		p.next()
		if t.text == "true" || t.text == "false" {
			return &BoolLit{Range: p.span(t.start), Value: t.text == "true"}
		}
		return &Ident{Range: p.span(t.start), Name: t.text}
	case tOp:
		switch t.text {
		case "(":
			p.next()
			x := p.parsePipeExpr()
			p.expectOp(")")
			return &Paren{Range: p.span(t.start), X: x}
		case "[":
			if id := p.tryBracketed(); id != nil {
				return id
			}
		}
	}
	p.failf(t.start, "expected expression, found %s", p.describe(t))
	return nil
}

// numberLit consumes the long, real, timespan or typed literal t, which is
// the current token: literals read alike in expressions and inside dynamic().
func (p *parser) numberLit(t token) Expr {
	p.next()
	switch t.kind {
	case tLong:
		return &LongLit{Range: p.span(t.start), Value: t.long()}
	case tReal:
		return &RealLit{Range: p.span(t.start), Value: t.real()}
	case tTimespan:
		return &TimespanLit{Range: p.span(t.start), Value: t.dur()}
	}
	return p.typedLit(t)
}

func (p *parser) parseCall() *Call {
	t := p.next()
	fn := &Ident{Range: p.span(t.start), Name: t.text}
	p.next() // (
	c := &Call{Fn: fn}
	for !p.isOp(")") {
		if len(c.Args) > 0 {
			p.expectOp(",")
		}
		if u := p.cur(); isOpTok(u, "*") && (isOpTok(p.peek(1), ",") || isOpTok(p.peek(1), ")")) {
			p.next()
			c.Args = append(c.Args, &Star{Range: p.span(u.start)})
			continue
		}
		c.Args = append(c.Args, p.parsePipeExpr())
	}
	p.next()
	c.Range = p.span(t.start)
	return c
}

func (p *parser) parseDynamicLit() *DynamicLit {
	start := p.next().start // dynamic
	p.expectOp("(")
	v := p.parseDynamicValue()
	p.expectOp(")")
	return &DynamicLit{Range: p.span(start), Value: v}
}

// parseDynamicValue parses the JSON-like content of a dynamic literal.
func (p *parser) parseDynamicValue() Expr {
	t := p.cur()
	p.enter(t.start)
	defer p.leave()
	switch t.kind {
	case tString:
		p.next()
		return &StringLit{Range: p.span(t.start), Value: t.text}
	case tLong, tReal, tTimespan, tTyped:
		return p.numberLit(t)
	case tIdent:
		switch t.text {
		case "true", "false":
			p.next()
			return &BoolLit{Range: p.span(t.start), Value: t.text == "true"}
		case "null":
			p.next()
			return &NullLit{Range: p.span(t.start)}
		}
	case tOp:
		switch t.text {
		case "-":
			n := p.peek(1)
			if n.start == t.end && (n.kind == tLong || n.kind == tReal) {
				p.pos += 2
				if n.kind == tReal {
					return &RealLit{Range: p.span(t.start), Value: -n.real()}
				}
				return &LongLit{Range: p.span(t.start), Value: -n.long()}
			}
		case "[":
			p.next()
			a := &ArrayLit{}
			for !p.isOp("]") {
				if len(a.Elems) > 0 {
					p.expectOp(",")
				}
				a.Elems = append(a.Elems, p.parseDynamicValue())
			}
			p.next()
			a.Range = p.span(t.start)
			return a
		case "{":
			p.next()
			o := &ObjectLit{}
			for !p.isOp("}") {
				if len(o.Keys) > 0 {
					p.expectOp(",")
				}
				k := p.cur()
				if k.kind != tString && k.kind != tIdent {
					p.failf(k.start, "expected property name, found %s", p.describe(k))
				}
				p.next()
				p.expectOp(":")
				o.Keys = append(o.Keys, k.text)
				o.Values = append(o.Values, p.parseDynamicValue())
			}
			p.next()
			o.Range = p.span(t.start)
			return o
		}
	}
	p.failf(t.start, "expected dynamic value, found %s", p.describe(t))
	return nil
}

// typedLit converts a typed-literal token (`datetime(…)`, `long(null)`, …).
func (p *parser) typedLit(t token) Expr {
	sp := p.span(t.start)
	raw := t.raw
	if strings.EqualFold(raw, "null") {
		if t.text == "decimal" {
			p.unsupported(t.start, "decimal")
		}
		return &NullLit{Range: sp, Type: t.text}
	}
	switch t.text {
	case "datetime":
		if v, ok := parseDatetime(raw); ok {
			return &DatetimeLit{Range: sp, Value: v}
		}
	case "timespan", "time":
		if v, ok := parseTimespan(raw); ok {
			return &TimespanLit{Range: sp, Value: v}
		}
	case "guid":
		if isGUID(raw) {
			return &GuidLit{Range: sp, Value: raw}
		}
	case "int", "long":
		if v, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return &LongLit{Range: sp, Value: v, Type: t.text}
		}
	case "real", "double":
		switch strings.ToLower(raw) {
		case "nan":
			return &RealLit{Range: sp, Value: math.NaN(), Type: t.text}
		case "inf", "+inf":
			return &RealLit{Range: sp, Value: math.Inf(1), Type: t.text}
		case "-inf":
			return &RealLit{Range: sp, Value: math.Inf(-1), Type: t.text}
		}
		if v, err := strconv.ParseFloat(raw, 64); err == nil && !strings.ContainsAny(raw, "xXnNiI_") {
			return &RealLit{Range: sp, Value: v, Type: t.text}
		}
	case "bool":
		switch strings.ToLower(raw) {
		case "true":
			return &BoolLit{Range: sp, Value: true, Type: "bool"}
		case "false":
			return &BoolLit{Range: sp, Value: false, Type: "bool"}
		}
	case "decimal":
		p.unsupported(t.start, "decimal")
	}
	p.failf(t.start, "invalid %s literal '%s'", t.text, clip(raw))
	return nil
}

// datetimeLayouts are the datetime literal forms accepted after the optional
// trailing 'Z' is removed and a space between date and time becomes 'T'.
var datetimeLayouts = []string{
	"2006-1-2T15:04:05", "2006-1-2T15:04", "2006-1-2T15", "2006-1-2",
	"2006-1-2T15:04:05Z07:00", "2006-1-2T15:04Z07:00",
}

// parseDatetime parses the text of a datetime literal into UTC with tick
// precision.
func parseDatetime(s string) (time.Time, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "Z"), "z")
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i] + "T" + strings.TrimSpace(s[i+1:])
	}
	for _, layout := range datetimeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			return v.UTC().Truncate(tick), true
		}
	}
	return time.Time{}, false
}

// parseTimespan parses the text of a timespan literal: `1d`, `1.5h`, a plain
// number of days, or `[-][d.]hh:mm[:ss[.fffffff]]`.
func parseTimespan(s string) (time.Duration, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	var d time.Duration
	if strings.Contains(s, ":") {
		var ok bool
		if d, ok = parseClock(s); !ok {
			return 0, false
		}
	} else {
		i := strings.IndexFunc(s, func(r rune) bool { return isIdentStart(r) })
		num, unit := s, "d"
		if i >= 0 {
			num, unit = s[:i], s[i:]
		}
		if num == "" || strings.Trim(num, "0123456789.") != "" || strings.Count(num, ".") > 1 {
			return 0, false
		}
		var err error
		if d, err = timespanOf(num, unit); err != nil {
			return 0, false
		}
	}
	if neg {
		d = -d
	}
	return d, true
}

// parseClock parses `[d.]hh:mm[:ss[.fffffff]]`.
func parseClock(s string) (time.Duration, bool) {
	var days int64
	colon := strings.IndexByte(s, ':')
	if dot := strings.IndexByte(s[:colon], '.'); dot >= 0 {
		v, err := strconv.ParseInt(s[:dot], 10, 32)
		if err != nil {
			return 0, false
		}
		days, s = v, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.ParseUint(parts[0], 10, 8)
	m, err2 := strconv.ParseUint(parts[1], 10, 8)
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return 0, false
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if len(parts) == 3 {
		sec, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || sec < 0 || sec >= 60 || strings.ContainsAny(parts[2], "eE+-") {
			return 0, false
		}
		d += time.Duration(math.Round(sec*float64(time.Second)/float64(tick))) * tick
	}
	return d, true
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if strings.IndexByte("0123456789abcdefABCDEF", c) < 0 {
			return false
		}
	}
	return true
}
