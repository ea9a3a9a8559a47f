package kql

import (
	"strings"
	"unicode/utf8"

	"vigil/internal/diag"
)

// Limits protect the parser from hostile or accidental giant input.
const (
	// MaxQueryBytes is the longest query text Parse accepts.
	MaxQueryBytes = 1 << 20
	// MaxDepth is the deepest nesting Parse accepts: each parenthesis,
	// call, unary operator, list, join or union operand, function body and
	// dynamic array or object is one level.
	MaxDepth = 200
	// MaxHeight bounds the height of an expression tree: nesting (as for
	// MaxDepth) plus the operators of left-associative chains (`a or b or
	// …`, `1 + 1 + …`, `x.a.b…`), which the parser builds without nesting
	// but which every later walk (lowering, checking, evaluating each row)
	// descends one level per operator. A chain of a hundred thousand `+`
	// in a megabyte overflowed the stack while lowering.
	MaxHeight = 4000
)

// Parse parses a Kusto query: let statements followed by one tabular
// expression statement. Errors are *diag.Error values with Lang "kql", a
// line:col position relative to src, and Source/Offset set for snippets.
func Parse(src string) (q *Query, err error) {
	if len(src) > MaxQueryBytes {
		return nil, errAt(src, 0, "query is too long: %d bytes (max %d)", len(src), MaxQueryBytes)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			q, err = nil, b.err
		}
	}()
	q = p.parseQuery(true)
	if t := p.cur(); t.kind != tEOF {
		p.failf(t.start, "expected ';' or end of query, found %s", p.describe(t))
	}
	return q, nil
}

// bailout carries a syntax error from deep in the recursive descent up to
// Parse, which recovers it; any other panic is re-raised.
type bailout struct{ err *diag.Error }

type parser struct {
	src   string
	toks  []token
	pos   int
	depth int
	top   int // the highest level reached: depth plus chain heights (MaxHeight)
}

func (p *parser) failf(off int, format string, args ...any) {
	panic(bailout{errAt(p.src, off, format, args...)})
}

func (p *parser) unsupported(off int, feature string) {
	e := diag.Unsupported("", diag.PosOf(p.src, off), "kql", feature)
	e.Source, e.Offset = p.src, off
	panic(bailout{e})
}

func (p *parser) enter(off int) {
	p.depth++
	if p.depth > MaxDepth {
		p.failf(off, "query is nested too deeply (max %d levels)", MaxDepth)
	}
	p.top = max(p.top, p.depth)
}

// measure starts measuring the height of an expression built at the current
// depth: it returns the level the expression starts at and the outer mark,
// to be given back to done.
func (p *parser) measure() (base, outer int) {
	outer, p.top = p.top, p.depth
	return p.depth, outer
}

// height returns the height above base of what was parsed since measure
// (or the last height call), and starts measuring afresh.
func (p *parser) height(base int) int {
	h := p.top - base
	p.top = base
	return h
}

// grown records that the expression measured from base is h levels high,
// failing at off when that passes MaxHeight.
func (p *parser) grown(off, base, h int) {
	if base+h > MaxHeight {
		p.failf(off, "expression is nested too deeply (max %d levels, counting each operator of a chain)", MaxHeight)
	}
}

// done ends a measurement: the expression built from base is h high.
func (p *parser) done(base, outer, h int) { p.top = max(outer, base+h) }

func (p *parser) leave() { p.depth-- }

func (p *parser) cur() token { return p.toks[p.pos] }

func (p *parser) peek(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// prevEnd is the end offset of the last consumed token.
func (p *parser) prevEnd() int {
	if p.pos == 0 {
		return 0
	}
	return p.toks[p.pos-1].end
}

func (p *parser) span(start int) diag.Span { return diag.Span{Start: start, End: p.prevEnd()} }

func (p *parser) isOp(op string) bool {
	t := p.cur()
	return t.kind == tOp && t.text == op
}

func (p *parser) isWord(w string) bool {
	t := p.cur()
	return t.kind == tIdent && t.text == w
}

func isOpTok(t token, op string) bool { return t.kind == tOp && t.text == op }

func isWordTok(t token, w string) bool { return t.kind == tIdent && t.text == w }

func (p *parser) expectOp(op string) token {
	if !p.isOp(op) {
		t := p.cur()
		p.failf(t.start, "expected '%s', found %s", op, p.describe(t))
	}
	return p.next()
}

func (p *parser) expectWord(w string) token {
	if !p.isWord(w) {
		t := p.cur()
		p.failf(t.start, "expected '%s', found %s", w, p.describe(t))
	}
	return p.next()
}

// describe renders a token for "found …" in error messages.
func (p *parser) describe(t token) string {
	if t.kind == tEOF {
		return "end of query"
	}
	text := p.src[t.start:t.end]
	if utf8.RuneCountInString(text) > 24 {
		r := []rune(text)
		text = string(r[:24]) + "…"
	}
	return "'" + text + "'"
}

// parseQuery parses statements up to the end of the text (top) or up to the
// closing '}' of a function body.
func (p *parser) parseQuery(top bool) *Query {
	start := p.cur().start
	q := &Query{}
	for {
		for p.isOp(";") {
			p.next()
		}
		t := p.cur()
		if t.kind == tEOF || (!top && isOpTok(t, "}")) {
			break
		}
		if q.Body != nil {
			p.unsupported(t.start, "more than one tabular expression statement")
		}
		if isWordTok(t, "let") {
			q.Lets = append(q.Lets, p.parseLet())
			if !p.isOp(";") {
				u := p.cur()
				p.failf(u.start, "expected ';' after let statement, found %s", p.describe(u))
			}
			continue
		}
		if t.kind == tIdent {
			switch t.text {
			case "set", "declare", "alias", "restrict", "pattern", "print", "search", "find", "evaluate":
				p.unsupported(t.start, t.text)
			}
		}
		q.Body = p.parsePipeExpr()
		if u := p.cur(); !isOpTok(u, ";") && u.kind != tEOF && (top || !isOpTok(u, "}")) {
			p.failf(u.start, "expected '|' or ';', found %s", p.describe(u))
		}
	}
	if q.Body == nil {
		t := p.cur()
		if top {
			p.failf(t.start, "query has no tabular expression")
		}
		p.failf(t.start, "function body has no expression")
	}
	q.Range = p.span(start)
	return q
}

func (p *parser) parseLet() *Let {
	start := p.next().start // let
	name := p.parseName("name after 'let'")
	p.expectOp("=")
	var v Expr
	if p.isFuncDef() {
		v = p.parseFuncDef()
	} else {
		v = p.parsePipeExpr()
	}
	return &Let{Range: p.span(start), Name: name, Value: v}
}

// isFuncDef reports whether the tokens ahead start a function definition:
// `() {`, `(name:` or `view (`.
func (p *parser) isFuncDef() bool {
	if p.isWord("view") && isOpTok(p.peek(1), "(") {
		return true
	}
	if !p.isOp("(") {
		return false
	}
	a, b := p.peek(1), p.peek(2)
	bracketed := isOpTok(a, "[") && b.kind == tString && isOpTok(p.peek(3), "]") && isOpTok(p.peek(4), ":")
	return (isOpTok(a, ")") && isOpTok(b, "{")) || (a.kind == tIdent && isOpTok(b, ":")) || bracketed
}

func (p *parser) parseFuncDef() *FuncDef {
	if p.isWord("view") {
		p.unsupported(p.cur().start, "view functions")
	}
	start := p.expectOp("(").start
	p.enter(start)
	defer p.leave()
	f := &FuncDef{}
	for !p.isOp(")") {
		if len(f.Params) > 0 {
			p.expectOp(",")
		}
		f.Params = append(f.Params, p.parseParam(true))
	}
	p.next()
	p.expectOp("{")
	f.Body = p.parseQuery(false)
	p.expectOp("}")
	f.Range = p.span(start)
	return f
}

func (p *parser) parseParam(withDefault bool) *Param {
	start := p.cur().start
	name := p.parseName("parameter name")
	p.expectOp(":")
	prm := &Param{Name: name, Type: p.parseType(withDefault)}
	if withDefault && p.isOp("=") {
		p.next()
		prm.Default = p.parseExpr()
	}
	prm.Range = p.span(start)
	return prm
}

// scalarTypes are the scalar type names a parameter may declare.
var scalarTypes = map[string]bool{
	"string": true, "int": true, "long": true, "real": true, "double": true, "bool": true,
	"boolean": true, "datetime": true, "date": true, "timespan": true, "time": true,
	"dynamic": true, "guid": true, "uniqueid": true, "decimal": true,
}

// parseType parses a scalar type name or, when tabular is set, a tabular
// schema.
func (p *parser) parseType(tabular bool) *TypeRef {
	t := p.cur()
	if t.kind == tIdent && scalarTypes[strings.ToLower(t.text)] {
		p.next()
		return &TypeRef{Range: p.span(t.start), Name: strings.ToLower(t.text)}
	}
	if !tabular || !isOpTok(t, "(") {
		p.failf(t.start, "expected type, found %s", p.describe(t))
	}
	p.next()
	tr := &TypeRef{Tabular: true}
	for !p.isOp(")") {
		if tr.Star || len(tr.Columns) > 0 {
			p.expectOp(",")
		}
		if p.isOp("*") {
			p.next()
			tr.Star = true
			continue
		}
		tr.Columns = append(tr.Columns, p.parseParam(false))
	}
	p.next()
	tr.Range = p.span(t.start)
	return tr
}

// parseName parses an identifier, plain or bracketed (`['a b']`).
func (p *parser) parseName(what string) *Ident {
	t := p.cur()
	if t.kind == tIdent && !strings.HasPrefix(t.text, "$") && !strings.Contains(t.text, "-") {
		p.next()
		return &Ident{Range: p.span(t.start), Name: t.text}
	}
	if id := p.tryBracketed(); id != nil {
		return id
	}
	p.failf(t.start, "expected %s, found %s", what, p.describe(t))
	return nil
}

// tryBracketed parses `['name']` or `["name"]` if the tokens ahead are one.
func (p *parser) tryBracketed() *Ident {
	if !p.isOp("[") || p.peek(1).kind != tString || !isOpTok(p.peek(2), "]") {
		return nil
	}
	start := p.next().start
	name := p.next().text
	p.next()
	return &Ident{Range: p.span(start), Name: name}
}

// endsOperator reports whether t ends a tabular operator or pipeline.
func endsOperator(t token) bool {
	if t.kind == tEOF {
		return true
	}
	if t.kind != tOp {
		return false
	}
	switch t.text {
	case "|", ")", ";", "}", ",":
		return true
	}
	return false
}

// parsePipeExpr parses an expression optionally followed by tabular operators,
// or a pipeline starting with `union`.
func (p *parser) parsePipeExpr() Expr {
	t := p.cur()
	var src Expr
	var ops []Operator
	switch {
	case isWordTok(t, "union"):
		ops = append(ops, p.parseUnion())
	case isWordTok(t, "datatable") && isOpTok(p.peek(1), "("):
		src = p.parseDataTable()
	case isWordTok(t, "externaldata") && isOpTok(p.peek(1), "("):
		p.unsupported(t.start, t.text)
	case isWordTok(t, "range") && p.peek(1).kind == tIdent && isWordTok(p.peek(2), "from"):
		p.unsupported(t.start, "range")
	default:
		src = p.parseExpr()
	}
	for p.isOp("|") {
		p.next()
		ops = append(ops, p.parseOperator())
		if u := p.cur(); !endsOperator(u) {
			p.failf(u.start, "expected '|', found %s", p.describe(u))
		}
	}
	if src != nil && len(ops) == 0 {
		return src
	}
	return &Pipe{Range: p.span(t.start), Source: src, Ops: ops}
}

// unsupportedOps are tabular operators Kusto has and vigil does not run yet.
var unsupportedOps = map[string]bool{
	"make-series": true, "evaluate": true, "parse": true, "parse-where": true, "parse-kv": true,
	"mv-apply": true, "render": true, "invoke": true, "lookup": true, "as": true,
	"serialize": true, "facet": true, "fork": true, "getschema": true, "partition": true,
	"scan": true, "sample": true, "sample-distinct": true, "reduce": true, "top-nested": true,
	"top-hitters": true, "project-smart": true, "consume": true, "extend-if": true,
	"find": true, "search": true, "print": true, "externaldata": true, "make-graph": true,
	"graph-match": true, "graph-merge": true, "graph-to-table": true, "assert-schema": true,
	"execute-and-cache": true, "mvapply": true, "range": true,
}

func (p *parser) parseOperator() Operator {
	t := p.cur()
	if t.kind != tIdent {
		p.failf(t.start, "expected tabular operator after '|', found %s", p.describe(t))
	}
	switch t.text {
	case "where", "filter":
		p.next()
		pred := p.parseExpr()
		return &Where{Range: p.span(t.start), Keyword: t.text, Pred: pred}
	case "extend":
		p.next()
		cols := p.parseAssigns(false)
		return &Extend{Range: p.span(t.start), Cols: cols}
	case "project":
		p.next()
		cols := p.parseAssigns(false)
		return &Project{Range: p.span(t.start), Cols: cols}
	case "project-away":
		p.next()
		cols := p.parsePatterns()
		return &ProjectAway{Range: p.span(t.start), Cols: cols}
	case "project-keep":
		p.next()
		cols := p.parsePatterns()
		return &ProjectKeep{Range: p.span(t.start), Cols: cols}
	case "project-reorder":
		p.next()
		cols := p.parsePatterns()
		if u := p.cur(); u.kind == tIdent && (u.text == "asc" || u.text == "desc" || u.text == "granny-asc" || u.text == "granny-desc") {
			p.unsupported(u.start, "project-reorder ordering")
		}
		return &ProjectReorder{Range: p.span(t.start), Cols: cols}
	case "project-rename":
		return p.parseProjectRename()
	case "summarize":
		return p.parseSummarize()
	case "join":
		return p.parseJoin()
	case "union":
		return p.parseUnion()
	case "mv-expand", "mvexpand":
		return p.parseMvExpand()
	case "sort", "order":
		p.next()
		p.expectWord("by")
		s := &Sort{Keyword: t.text}
		for {
			s.Keys = append(s.Keys, p.parseSortKey())
			if !p.isOp(",") {
				break
			}
			p.next()
		}
		s.Range = p.span(t.start)
		return s
	case "top":
		p.next()
		n := p.parseExpr()
		p.expectWord("by")
		key := p.parseSortKey()
		return &Top{Range: p.span(t.start), N: n, Key: key}
	case "take", "limit":
		p.next()
		n := p.parseExpr()
		return &Take{Range: p.span(t.start), Keyword: t.text, N: n}
	case "distinct":
		p.next()
		d := &Distinct{}
		if p.isOp("*") {
			d.Cols = []Expr{&Star{Range: diag.Span{Start: p.cur().start, End: p.next().end}}}
		} else {
			for {
				d.Cols = append(d.Cols, p.parseExpr())
				if !p.isOp(",") {
					break
				}
				p.next()
			}
		}
		d.Range = p.span(t.start)
		return d
	case "count":
		p.next()
		if p.isWord("as") {
			p.unsupported(p.cur().start, "count as")
		}
		return &Count{Range: p.span(t.start)}
	}
	if unsupportedOps[t.text] {
		p.unsupported(t.start, t.text)
	}
	p.failf(t.start, "unknown tabular operator '%s'", t.text)
	return nil
}

// parseAssigns parses a comma-separated list of `[Name =] expr`; with
// stopAtBy it ends before a `by` keyword.
func (p *parser) parseAssigns(stopAtBy bool) []*Assign {
	var out []*Assign
	for {
		if stopAtBy && p.isWord("by") {
			break
		}
		out = append(out, p.parseAssign())
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return out
}

func (p *parser) parseAssign() *Assign {
	start := p.cur().start
	a := &Assign{}
	t, n := p.cur(), p.peek(1)
	switch {
	case t.kind == tIdent && isOpTok(n, "=") && !strings.HasPrefix(t.text, "$"):
		a.Name = p.parseName("column name")
		p.next()
	case isOpTok(t, "(") && n.kind == tIdent && isOpTok(p.peek(2), ","):
		p.unsupported(t.start, "assignment to several columns")
	case isOpTok(t, "[") && n.kind == tString && isOpTok(p.peek(2), "]") && isOpTok(p.peek(3), "="):
		a.Name = p.tryBracketed()
		p.next()
	}
	a.Value = p.parseExpr()
	a.Range = p.span(start)
	return a
}

// parsePatterns parses a comma-separated list of column names with wildcards.
func (p *parser) parsePatterns() []*Pattern {
	var out []*Pattern
	for {
		out = append(out, p.parsePattern())
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return out
}

// parsePattern parses a name, a bracketed name, or adjacent name parts and
// '*' wildcards (`*_s`, `Signin*`, `a*b`).
func (p *parser) parsePattern() *Pattern {
	t := p.cur()
	if id := p.tryBracketed(); id != nil {
		return &Pattern{Range: id.Range, Text: id.Name}
	}
	if !(t.kind == tIdent && !strings.HasPrefix(t.text, "$")) && !isOpTok(t, "*") {
		p.failf(t.start, "expected column name, found %s", p.describe(t))
	}
	var b strings.Builder
	wild := false
	end := t.start
	for {
		u := p.cur()
		if u.start != end && b.Len() > 0 {
			break
		}
		if isOpTok(u, "*") {
			wild = true
		} else if u.kind != tIdent || strings.HasPrefix(u.text, "$") || strings.Contains(u.text, "-") {
			break
		}
		b.WriteString(u.text)
		p.next()
		end = u.end
	}
	return &Pattern{Range: p.span(t.start), Text: b.String(), Wildcard: wild}
}

func (p *parser) parseProjectRename() *ProjectRename {
	start := p.next().start
	r := &ProjectRename{}
	for {
		s := p.cur().start
		name := p.parseName("new column name")
		p.expectOp("=")
		old := p.parseName("column name")
		r.Cols = append(r.Cols, &Assign{Range: p.span(s), Name: name, Value: old})
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	r.Range = p.span(start)
	return r
}

// parseParams parses operator parameters `name=value` whose name satisfies
// ok; dotted names (`hint.strategy`) are joined.
func (p *parser) parseParams(ok func(string) bool) []*OpParam {
	var out []*OpParam
	for {
		t := p.cur()
		if t.kind != tIdent {
			return out
		}
		// Find the extent of a dotted name and require '=' after it.
		i := 1
		name := t.text
		for isOpTok(p.peek(i), ".") && p.peek(i+1).kind == tIdent {
			name += "." + p.peek(i+1).text
			i += 2
		}
		if !isOpTok(p.peek(i), "=") || !ok(name) {
			return out
		}
		p.pos += i + 1
		var v Expr
		switch u := p.cur(); {
		case u.kind == tIdent && (u.text == "true" || u.text == "false"):
			p.next()
			v = &BoolLit{Range: p.span(u.start), Value: u.text == "true"}
		case u.kind == tIdent && !strings.HasPrefix(u.text, "$"):
			p.next()
			v = &Ident{Range: p.span(u.start), Name: u.text}
		case isOpTok(u, "[") && p.peek(1).kind == tString:
			v = p.parseName("value of parameter '" + name + "'")
		case u.kind == tString:
			p.next()
			v = &StringLit{Range: p.span(u.start), Value: u.text}
		case u.kind == tLong:
			p.next()
			v = &LongLit{Range: p.span(u.start), Value: u.long()}
		default:
			p.failf(u.start, "expected value of parameter '%s', found %s", name, p.describe(u))
		}
		out = append(out, &OpParam{Range: p.span(t.start), Name: name, Value: v})
	}
}

func isHint(name string) bool { return strings.HasPrefix(name, "hint.") }

func (p *parser) parseSummarize() *Summarize {
	start := p.next().start
	s := &Summarize{Params: p.parseParams(isHint)}
	if !p.isWord("by") && !endsOperator(p.cur()) {
		s.Aggs = p.parseAssigns(true)
	}
	if p.isWord("by") {
		p.next()
		s.By = p.parseAssigns(false)
	}
	if len(s.Aggs) == 0 && len(s.By) == 0 {
		t := p.cur()
		p.failf(t.start, "expected aggregation or 'by', found %s", p.describe(t))
	}
	s.Range = p.span(start)
	return s
}

// joinKinds are the join flavours Kusto defines.
var joinKinds = map[string]bool{
	"innerunique": true, "inner": true, "leftouter": true, "rightouter": true, "fullouter": true,
	"leftanti": true, "anti": true, "leftantisemi": true, "rightanti": true, "rightantisemi": true,
	"leftsemi": true, "rightsemi": true,
}

func (p *parser) parseJoin() *Join {
	start := p.next().start
	j := &Join{Params: p.parseParams(func(n string) bool { return n == "kind" || isHint(n) })}
	for _, prm := range j.Params {
		if prm.Name != "kind" {
			continue
		}
		id, ok := prm.Value.(*Ident)
		if !ok || !joinKinds[id.Name] {
			p.failf(prm.Value.Span().Start, "unknown join kind '%s'", p.src[prm.Value.Span().Start:prm.Value.Span().End])
		}
	}
	if t := p.cur(); isOpTok(t, "(") {
		p.enter(t.start)
		p.next()
		j.Right = p.parsePipeExpr()
		p.expectOp(")")
		p.leave()
	} else if p.isWord("union") {
		j.Right = p.parsePipeExpr()
	} else {
		j.Right = p.parseUnary()
	}
	p.expectWord("on")
	for {
		j.On = append(j.On, p.parseJoinCond())
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	j.Range = p.span(start)
	return j
}

// parseJoinCond parses `Col` or `$left.A == $right.B` (either order).
func (p *parser) parseJoinCond() Expr {
	e := p.parseExpr()
	switch e := e.(type) {
	case *Ident:
		if !strings.HasPrefix(e.Name, "$") {
			return e
		}
	case *Binary:
		if e.Op == "==" {
			l, lok := e.L.(*Member)
			r, rok := e.R.(*Member)
			if lok && rok && isSide(l.X) && isSide(r.X) && sideOf(l.X) != sideOf(r.X) {
				return e
			}
		}
	}
	p.failf(e.Span().Start, "expected join condition 'Column' or '$left.Column == $right.Column', found '%s'", clip(p.src[e.Span().Start:e.Span().End]))
	return nil
}

func isSide(e Expr) bool {
	id, ok := e.(*Ident)
	return ok && (id.Name == "$left" || id.Name == "$right")
}

func sideOf(e Expr) string { return e.(*Ident).Name }

// clip shortens text quoted in an error message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

func (p *parser) parseUnion() *Union {
	start := p.next().start
	u := &Union{Params: p.parseParams(func(n string) bool {
		return n == "kind" || n == "isfuzzy" || n == "withsource"
	})}
	for _, prm := range u.Params {
		var ok bool
		switch v := prm.Value.(type) {
		case *Ident:
			ok = (prm.Name == "kind" && (v.Name == "inner" || v.Name == "outer")) || prm.Name == "withsource"
		case *BoolLit:
			ok = prm.Name == "isfuzzy"
		}
		if !ok {
			sp := prm.Value.Span()
			p.failf(sp.Start, "invalid value '%s' for union parameter '%s'", p.src[sp.Start:sp.End], prm.Name)
		}
	}
	for {
		t := p.cur()
		switch {
		case isOpTok(t, "("):
			p.enter(t.start)
			p.next()
			u.Legs = append(u.Legs, p.parsePipeExpr())
			p.expectOp(")")
			p.leave()
		case isOpTok(t, "*") || (t.kind == tIdent && isOpTok(p.peek(1), "*") && p.peek(1).start == t.end):
			u.Legs = append(u.Legs, p.parsePattern())
		default:
			u.Legs = append(u.Legs, p.parseUnary())
		}
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	u.Range = p.span(start)
	return u
}

func (p *parser) parseMvExpand() *MvExpand {
	t := p.next()
	m := &MvExpand{Keyword: t.text, Params: p.parseParams(func(n string) bool {
		return n == "bagexpansion" || n == "with_itemindex" || n == "kind"
	})}
	for {
		s := p.cur().start
		it := &MvExpandItem{}
		a := p.parseAssign()
		it.Name, it.Value = a.Name, a.Value
		if p.isWord("to") {
			p.next()
			p.expectWord("typeof")
			p.expectOp("(")
			ty := p.cur()
			if ty.kind != tIdent || !scalarTypes[strings.ToLower(ty.text)] {
				p.failf(ty.start, "expected type, found %s", p.describe(ty))
			}
			p.next()
			it.ToType = strings.ToLower(ty.text)
			p.expectOp(")")
		}
		it.Range = p.span(s)
		m.Items = append(m.Items, it)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	if p.isWord("limit") {
		p.next()
		m.Limit = p.parseExpr()
	}
	m.Range = p.span(t.start)
	return m
}

func (p *parser) parseSortKey() *SortKey {
	start := p.cur().start
	k := &SortKey{X: p.parseExpr()}
	if p.isWord("asc") || p.isWord("desc") {
		k.Order = p.next().text
	}
	if p.isWord("nulls") {
		p.next()
		if !p.isWord("first") && !p.isWord("last") {
			t := p.cur()
			p.failf(t.start, "expected 'first' or 'last', found %s", p.describe(t))
		}
		k.Nulls = p.next().text
	}
	k.Range = p.span(start)
	return k
}
