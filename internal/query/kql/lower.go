package kql

import (
	"fmt"
	"strings"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// Limits on the expansion of let bindings and user-defined functions while
// lowering, against queries that expand exponentially.
const (
	// MaxInlineDepth bounds how deeply expansions may nest.
	MaxInlineDepth = 64
	// MaxExpansions bounds the number of expansions in one query.
	MaxExpansions = 10000
	// MaxExpandedText bounds the bytes of query text lowered by expansions:
	// each expansion lowers its let value or function body again, so a
	// large function called from a doubling chain of others would lower
	// gigabytes from a query of a megabyte. Lowering is linear in the text
	// it lowers, so this bounds the work, and with it the size of the plan
	// before plan.Check counts it (plan.MaxPlanSize).
	MaxExpandedText = 4 << 20
)

// Compile parses src and lowers it (see Parse and Lower).
func Compile(src string, r plan.Resolver) (plan.Node, error) {
	q, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return Lower(q, src, r)
}

// Lower turns a parsed query into a logical plan and validates it with
// plan.Check against the table schemas of r, which tells which tables exist
// and which columns and types they have (Sentinel views, exported Log
// Analytics tables, plan.Tables in tests). src is the text q was parsed from;
// every error is a *diag.Error with Lang "kql" positioned in src, and
// features vigil does not implement yet are reported as "not supported yet:
// …" (diag.IsUnsupported).
//
// Let statements and user-defined functions are expanded in place (scalar
// lets holding a literal become that literal), so the plan holds no names of
// the query's own. Kusto's rules are applied here, not in the plan: default
// column names (`count_`, `max_TimeGenerated`, `Column1`), sort order
// (descending unless `asc`; nulls last for descending, first for ascending),
// the default join kind innerunique, right-side column suffixes `1`, `2`, …
// for clashing join columns, and empty strings for missing string values.
func Lower(q *Query, src string, r plan.Resolver) (n plan.Node, err error) {
	l := &lowerer{src: src, r: r}
	defer func() {
		if rec := recover(); rec != nil {
			b, ok := rec.(bailout)
			if !ok {
				panic(rec)
			}
			n, err = nil, b.err
		}
	}()
	if q == nil || q.Body == nil {
		return nil, errAt(src, 0, "query has no tabular expression")
	}
	n = l.query(q, nil)
	if _, err := plan.Check(n, r); err != nil {
		return nil, l.planErr(err)
	}
	return n, nil
}

type lowerer struct {
	src      string
	r        plan.Resolver
	depth    int       // nesting of let and function expansions
	count    int       // expansions so far
	input    plan.Node // input of the operator being lowered, for column_ifexists
	expanded int       // bytes of query text lowered by expansions so far
	visits   int       // plan nodes visited by scansUnknownTable, for tests

	// aggSink, when set, lowers an aggregation call met inside a summarize
	// expression (see aggExpr).
	aggSink func(*Call) plan.Expr
}

// binding is what a name bound by let or by a function parameter stands
// for: an unevaluated expression (or function) and the scope to evaluate it
// in, which gives lexical scoping.
type binding struct {
	name  string
	value Expr     // a let value or argument; nil for functions
	fn    *FuncDef // a user-defined function
	scope *scope
	node  plan.Node // value lowered as a table, shared by all its uses
}

// scope is a chain of name bindings, innermost first.
type scope struct {
	parent *scope
	b      *binding
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if s.b.name == name {
			return s.b
		}
	}
	return nil
}

func (s *scope) with(b *binding) *scope { return &scope{parent: s, b: b} }

func (l *lowerer) failf(sp diag.Span, format string, args ...any) {
	panic(bailout{errAt(l.src, sp.Start, format, args...)})
}

func (l *lowerer) unsupported(sp diag.Span, feature string) {
	e := diag.Unsupported("", diag.PosOf(l.src, sp.Start), "kql", feature)
	e.Source, e.Offset = l.src, sp.Start
	panic(bailout{e})
}

// planErr turns an error of plan.Check into a positioned diagnostic.
func (l *lowerer) planErr(err error) *diag.Error {
	if de, ok := plan.Positioned(err, "", "kql", l.src).(*diag.Error); ok {
		return de
	}
	return errAt(l.src, 0, "%v", err)
}

// expand runs f, which lowers the text at body, one inlining level deeper
// for a use at at, failing at the limits.
func (l *lowerer) expand(at, body diag.Span, f func()) {
	l.depth++
	l.count++
	l.expanded += max(body.End-body.Start, 1)
	if l.depth > MaxInlineDepth {
		l.failf(at, "lets and functions are expanded too deeply (max %d levels)", MaxInlineDepth)
	}
	if l.count > MaxExpansions {
		l.failf(at, "lets and functions are expanded too often (max %d expansions)", MaxExpansions)
	}
	if l.expanded > MaxExpandedText {
		l.failf(at, "query too large: lets and functions expand to more than %d bytes of query text", MaxExpandedText)
	}
	f()
	l.depth--
}

// query lowers a tabular query or function body: its lets, then its body.
func (l *lowerer) query(q *Query, sc *scope) plan.Node {
	sc = l.bindLets(q, sc)
	return l.tabular(q.Body, sc)
}

func (l *lowerer) bindLets(q *Query, sc *scope) *scope {
	for _, let := range q.Lets {
		b := &binding{name: let.Name.Name, value: let.Value, scope: sc}
		if f, ok := let.Value.(*FuncDef); ok {
			b.value, b.fn = nil, f
		}
		sc = sc.with(b)
	}
	return sc
}

// tabular lowers a tabular expression.
func (l *lowerer) tabular(e Expr, sc *scope) plan.Node {
	switch e := e.(type) {
	case *Pipe:
		var in plan.Node
		ops := e.Ops
		if e.Source == nil {
			in = l.union(nil, ops[0].(*Union), sc)
			ops = ops[1:]
		} else {
			in = l.tabular(e.Source, sc)
		}
		for _, op := range ops {
			in = l.operator(in, op, sc)
		}
		return in
	case *Paren:
		return l.tabular(e.X, sc)
	case *Ident:
		if strings.HasPrefix(e.Name, "$") {
			l.failf(e.Range, "expected a table, found '%s'", e.Name)
		}
		b := sc.lookup(e.Name)
		if b == nil {
			return &plan.Scan{Table: e.Name, At: e.Range}
		}
		if b.fn != nil {
			l.failf(e.Range, "'%s' is a function: call it as %s()", e.Name, e.Name)
		}
		if b.node == nil {
			l.expand(e.Range, b.value.Span(), func() { b.node = l.tabular(b.value, b.scope) })
		}
		return b.node
	case *Call:
		return l.tabularCall(e, sc)
	case *DataTable:
		return l.dataTable(e, sc)
	}
	l.failf(e.Span(), "expected a tabular expression, found '%s'", clip(l.text(e)))
	return nil
}

func (l *lowerer) text(n Node) string {
	sp := n.Span()
	if sp.Start < 0 || sp.End > len(l.src) || sp.Start > sp.End {
		return n.String()
	}
	return l.src[sp.Start:sp.End]
}

func (l *lowerer) tabularCall(c *Call, sc *scope) plan.Node {
	name := c.Fn.Name
	if b := sc.lookup(name); b != nil {
		if b.fn == nil {
			l.failf(c.Fn.Range, "'%s' is not a function", name)
		}
		var n plan.Node
		l.expand(c.Range, b.fn.Body.Range, func() { n = l.query(b.fn.Body, l.bindArgs(c, b, sc)) })
		return n
	}
	switch name {
	case "table":
		if len(c.Args) != 1 {
			l.failf(c.Range, "table: want 1 argument, got %d", len(c.Args))
		}
		lit, ok := l.scalar(c.Args[0], sc).(*plan.Literal)
		if !ok || lit.Value.Str() == "" {
			l.failf(c.Args[0].Span(), "table: the table name must be a constant string")
		}
		return &plan.Scan{Table: lit.Value.Str(), At: c.Range}
	case "materialize":
		if len(c.Args) != 1 {
			l.failf(c.Range, "materialize: want 1 argument, got %d", len(c.Args))
		}
		return l.tabular(c.Args[0], sc)
	}
	if _, ok := plan.Lookup(name); ok || knownKusto(name) {
		l.failf(c.Range, "expected a tabular expression, found a call of '%s'", name)
	}
	l.failf(c.Fn.Range, "unknown function '%s'", name)
	return nil
}

// bindArgs binds the parameters of the function b to the arguments of c,
// evaluated in the caller's scope, in a scope nested in the function's own.
func (l *lowerer) bindArgs(c *Call, b *binding, sc *scope) *scope {
	params := b.fn.Params
	if len(c.Args) > len(params) {
		l.failf(c.Range, "function '%s' takes %d arguments, got %d", b.name, len(params), len(c.Args))
	}
	fsc := b.scope
	for i, p := range params {
		arg := &binding{name: p.Name.Name, scope: sc}
		switch {
		case i < len(c.Args):
			if _, ok := c.Args[i].(*Star); ok {
				l.failf(c.Args[i].Span(), "'*' is not a function argument")
			}
			arg.value = c.Args[i]
		case p.Default != nil:
			arg.value, arg.scope = p.Default, b.scope
		default:
			l.failf(c.Range, "function '%s' takes %d arguments, got %d", b.name, len(params), len(c.Args))
		}
		fsc = fsc.with(arg)
	}
	return fsc
}

func (l *lowerer) operator(in plan.Node, op Operator, sc *scope) plan.Node {
	outer := l.input
	l.input = in
	defer func() { l.input = outer }()
	switch op := op.(type) {
	case *Where:
		return l.where(in, op, sc)
	case *Extend:
		return &plan.Extend{Input: in, Columns: l.assigns(in, op.Cols, sc), At: op.Range}
	case *Project:
		return &plan.Project{Input: in, Columns: l.assigns(in, op.Cols, sc), At: op.Range}
	case *ProjectAway:
		return &plan.ProjectAway{Input: in, Columns: patternTexts(op.Cols), At: op.Range}
	case *ProjectReorder:
		return &plan.Reorder{Input: in, Columns: patternTexts(op.Cols), At: op.Range}
	case *ProjectKeep:
		return l.projectKeep(in, op)
	case *ProjectRename:
		r := &plan.Rename{Input: in, At: op.Range}
		for _, a := range op.Cols {
			r.Columns = append(r.Columns, plan.RenamePair{New: a.Name.Name, Old: a.Value.(*Ident).Name, At: a.Range})
		}
		return r
	case *Summarize:
		return l.summarize(in, op, sc)
	case *Join:
		return l.join(in, op, sc)
	case *Union:
		return l.union(in, op, sc)
	case *MvExpand:
		return l.mvExpand(in, op, sc)
	case *Sort:
		s := &plan.Sort{Input: in, At: op.Range}
		for _, k := range op.Keys {
			s.Keys = append(s.Keys, l.sortKey(k, sc))
		}
		return s
	case *Top:
		return &plan.Top{Input: in, N: l.constCount(op.N, sc, "top"), Keys: []plan.SortKey{l.sortKey(op.Key, sc)}, At: op.Range}
	case *Take:
		return &plan.Limit{Input: in, N: l.constCount(op.N, sc, op.Keyword), At: op.Range}
	case *Distinct:
		d := &plan.Distinct{Input: in, At: op.Range}
		for _, c := range op.Cols {
			switch c := c.(type) {
			case *Star:
			case *Ident:
				d.Columns = append(d.Columns, c.Name)
			default:
				l.unsupported(c.Span(), "distinct on expressions")
			}
		}
		return d
	case *Count:
		return &plan.Count{Input: in, Name: "Count", At: op.Range}
	}
	l.unsupported(op.Span(), fmt.Sprintf("operator %T", op))
	return nil
}

func patternTexts(ps []*Pattern) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text
	}
	return out
}

// schemaOf checks the plan built so far and returns its output schema.
func (l *lowerer) schemaOf(n plan.Node) plan.Schema {
	info, err := plan.Check(n, l.r)
	if err != nil {
		panic(bailout{l.planErr(err)})
	}
	return info.Schema(n)
}

// projectKeep becomes a Project of the matching input columns, in input
// order.
func (l *lowerer) projectKeep(in plan.Node, op *ProjectKeep) plan.Node {
	schema := l.schemaOf(in)
	keep := make([]bool, len(schema))
	for _, p := range op.Cols {
		found := false
		for i, c := range schema {
			if plan.MatchWildcard(p.Text, c.Name) {
				keep[i], found = true, true
			}
		}
		if !found && !p.Wildcard {
			l.failf(p.Range, "unknown column '%s'", p.Text)
		}
	}
	out := &plan.Project{Input: in, At: op.Range}
	for i, c := range schema {
		if keep[i] {
			out.Columns = append(out.Columns, plan.Assign{Name: c.Name, Expr: plan.Col(c.Name, op.Range), At: op.Range})
		}
	}
	return out
}

// joinKinds maps Kusto join kinds to plan kinds; the aliases anti,
// leftantisemi and rightantisemi are the anti joins.
var planJoinKinds = map[string]plan.JoinKind{
	"innerunique": plan.JoinInnerUnique, "inner": plan.JoinInner, "leftouter": plan.JoinLeftOuter,
	"leftanti": plan.JoinLeftAnti, "anti": plan.JoinLeftAnti, "leftantisemi": plan.JoinLeftAnti,
	"rightanti": plan.JoinRightAnti, "rightantisemi": plan.JoinRightAnti,
	"leftsemi": plan.JoinLeftSemi, "rightsemi": plan.JoinRightSemi,
}

func (l *lowerer) join(in plan.Node, op *Join, sc *scope) plan.Node {
	kind, ok := planJoinKinds[op.Kind()]
	if !ok {
		at := op.Range
		for _, p := range op.Params {
			if p.Name == "kind" {
				at = p.Range
			}
		}
		l.unsupported(at, "join kind="+op.Kind())
	}
	j := &plan.Join{Left: in, Right: l.tabular(op.Right, sc), Kind: kind, Clash: plan.ClashSuffix, Fill: plan.FillEmptyString, At: op.Range}
	for _, c := range op.On {
		switch c := c.(type) {
		case *Ident:
			j.On = append(j.On, plan.JoinKey{Left: c.Name, Right: c.Name, At: c.Range})
		case *Binary:
			a, b := c.L.(*Member), c.R.(*Member)
			if sideOf(a.X) == "$right" {
				a, b = b, a
			}
			j.On = append(j.On, plan.JoinKey{Left: a.Name.Name, Right: b.Name.Name, At: c.Range})
		}
	}
	return j
}

// union lowers a union operator (in is its input, nil for a union source).
// Kusto's isfuzzy=true ignores legs that read tables that do not exist;
// such legs are left out here, since the plan's Union only skips direct
// Scan inputs.
func (l *lowerer) union(in plan.Node, op *Union, sc *scope) plan.Node {
	u := &plan.Union{Fill: plan.FillEmptyString, At: op.Range}
	for _, p := range op.Params {
		switch p.Name {
		case "isfuzzy":
			u.Fuzzy = p.Value.(*BoolLit).Value
		case "withsource":
			u.SourceColumn = p.Value.(*Ident).Name
		case "kind":
			if p.Value.(*Ident).Name == "inner" {
				l.unsupported(p.Range, "union kind=inner")
			}
		}
	}
	if in != nil {
		u.Inputs = append(u.Inputs, in)
	}
	for _, leg := range op.Legs {
		if p, ok := leg.(*Pattern); ok {
			l.unsupported(p.Range, "wildcard table names in union")
		}
		n := l.tabular(leg, sc)
		if u.Fuzzy {
			if _, isScan := n.(*plan.Scan); !isScan && l.scansUnknownTable(n) {
				continue
			}
		}
		u.Inputs = append(u.Inputs, n)
	}
	if len(u.Inputs) == 0 {
		l.failf(op.Range, "no table of the fuzzy union exists")
	}
	return u
}

// scansUnknownTable reports whether the plan n reads a table the resolver
// does not know. Lets share nodes, so the walk visits each node once.
func (l *lowerer) scansUnknownTable(n plan.Node) bool {
	seen := map[plan.Node]bool{}
	var walk func(n plan.Node) bool
	walk = func(n plan.Node) bool {
		if n == nil || seen[n] {
			return false
		}
		seen[n] = true
		l.visits++
		if s, ok := n.(*plan.Scan); ok {
			_, known := l.r.TableSchema(s.Table)
			return !known
		}
		for _, c := range n.Children() {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n)
}

func (l *lowerer) mvExpand(in plan.Node, op *MvExpand, sc *scope) plan.Node {
	m := &plan.MvExpand{Input: in, At: op.Range}
	for _, p := range op.Params {
		switch p.Name {
		case "with_itemindex":
			id, ok := p.Value.(*Ident)
			if !ok {
				l.failf(p.Value.Span(), "with_itemindex: expected a column name")
			}
			m.ItemIndex = id.Name
		case "bagexpansion":
			if id, ok := p.Value.(*Ident); !ok || id.Name != "bag" {
				l.unsupported(p.Range, "mv-expand "+p.String())
			}
		default:
			l.unsupported(p.Range, "mv-expand "+p.String())
		}
	}
	var taken []string
	for _, it := range op.Items {
		col := plan.MvColumn{Expr: l.scalar(it.Value, sc), At: it.Range}
		switch {
		case it.Name != nil:
			col.Name = it.Name.Name
		case derivedName(it.Value) != "":
			col.Name = unique(derivedName(it.Value), taken)
		default:
			col.Name = l.freshName(in, taken)
		}
		taken = append(taken, col.Name)
		if it.ToType != "" {
			t, ok := plan.ParseType(kqlTypeName(it.ToType))
			if !ok {
				l.unsupported(it.Range, "mv-expand to typeof("+it.ToType+")")
			}
			col.To = t
		}
		m.Columns = append(m.Columns, col)
	}
	if op.Limit != nil {
		m.Limit = l.constCount(op.Limit, sc, "mv-expand limit")
	}
	return m
}

// kqlTypeName maps Kusto type names and aliases to plan type names.
func kqlTypeName(t string) string {
	switch t {
	case "int":
		return "long"
	case "double":
		return "real"
	case "boolean":
		return "bool"
	case "date":
		return "datetime"
	case "time":
		return "timespan"
	case "guid", "uniqueid":
		return "string"
	}
	return t
}

func (l *lowerer) sortKey(k *SortKey, sc *scope) plan.SortKey {
	desc := k.Order != "asc"
	nullsFirst := !desc
	switch k.Nulls {
	case "first":
		nullsFirst = true
	case "last":
		nullsFirst = false
	}
	return plan.SortKey{Expr: l.scalar(k.X, sc), Desc: desc, NullsFirst: nullsFirst, At: k.Range}
}

// constCount lowers a row count that must be a non-negative constant.
func (l *lowerer) constCount(e Expr, sc *scope, what string) int64 {
	lit, ok := l.scalar(e, sc).(*plan.Literal)
	if !ok || lit.Type != plan.TypeLong || lit.Value.IsNull() || lit.Value.AsLong() < 0 {
		l.failf(e.Span(), "%s: expected a constant non-negative integer, found '%s'", what, clip(l.text(e)))
	}
	return lit.Value.AsLong()
}

// dataTable lowers an inline table; every cell must be a constant of its
// column's type (a long in a real column becomes a real).
func (l *lowerer) dataTable(d *DataTable, sc *scope) plan.Node {
	v := &plan.Values{At: d.Range}
	for _, c := range d.Columns {
		t, ok := plan.ParseType(kqlTypeName(c.Type.Name))
		if !ok {
			l.unsupported(c.Type.Range, "datatable column type "+c.Type.Name)
		}
		v.Columns = append(v.Columns, plan.Column{Name: c.Name.Name, Type: t})
	}
	var row []event.Value
	for i, x := range d.Values {
		col := v.Columns[i%len(v.Columns)]
		c, ok := l.scalar(x, sc).(*plan.Literal)
		if !ok {
			l.failf(x.Span(), "datatable: expected a constant, found '%s'", clip(l.text(x)))
		}
		val := c.Value
		if col.Type == plan.TypeReal && val.Kind() == event.KindLong {
			val = event.Real(float64(val.AsLong()))
		}
		if !col.Type.Accepts(val.Kind()) {
			l.failf(x.Span(), "datatable: column '%s' holds %s values, found '%s'", col.Name, col.Type, clip(l.text(x)))
		}
		row = append(row, val)
		if len(row) == len(v.Columns) {
			v.Rows = append(v.Rows, row)
			row = nil
		}
	}
	return v
}
