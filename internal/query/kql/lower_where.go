package kql

import (
	"strconv"

	"vigil/internal/diag"
	"vigil/internal/plan"
)

// where lowers a where operator. The plan's in and !in take scalars only,
// so a conjunct `X in (T)` or `X !in (T)` whose list is one tabular
// expression becomes a left semi (anti) join of the input with T on X equal
// to T's first column, as Kusto compares X with that column; the other
// conjuncts stay a Filter.
func (l *lowerer) where(in plan.Node, w *Where, sc *scope) plan.Node {
	conj := conjuncts(w.Pred)
	var rest []Expr
	joined := false
	for _, c := range conj {
		if x, ok := c.(*In); ok && (x.Op == "in" || x.Op == "!in") && len(x.List) == 1 && l.isTabular(x.List[0], sc) {
			in = l.semiJoin(in, x, sc)
			joined = true
			continue
		}
		rest = append(rest, c)
	}
	switch {
	case !joined:
		return &plan.Filter{Input: in, Pred: l.scalar(w.Pred, sc), At: w.Range}
	case len(rest) == 0:
		return in
	}
	pred := l.scalar(rest[0], sc)
	for _, c := range rest[1:] {
		at := diag.Span{Start: rest[0].Span().Start, End: c.Span().End}
		pred = plan.Fn("and", at, pred, l.scalar(c, sc))
	}
	return &plan.Filter{Input: in, Pred: pred, At: w.Range}
}

// conjuncts splits a predicate at its top-level `and`s.
func conjuncts(e Expr) []Expr {
	e = unparen(e)
	if b, ok := e.(*Binary); ok && b.Op == "and" {
		return append(conjuncts(b.L), conjuncts(b.R)...)
	}
	return []Expr{e}
}

// semiJoin lowers `X in (T)` / `X !in (T)` as a join; an X that is not a
// column is computed into a temporary column first and dropped afterwards.
func (l *lowerer) semiJoin(in plan.Node, x *In, sc *scope) plan.Node {
	right := l.tabular(x.List[0], sc)
	rs := l.schemaOf(right)
	if len(rs) == 0 {
		l.failf(x.List[0].Span(), "the table in '%s' has no columns", x.Op)
	}
	kind := plan.JoinLeftSemi
	if x.Op == "!in" {
		kind = plan.JoinLeftAnti
	}
	key := l.scalar(x.X, sc)
	var left, tmp string
	if col, ok := key.(*plan.ColumnRef); ok {
		left = col.Name
	} else {
		schema := l.schemaOf(in)
		tmp = "in_key_"
		for i := 1; schema.Index(tmp) >= 0; i++ {
			tmp = "in_key_" + strconv.Itoa(i)
		}
		left = tmp
		in = &plan.Extend{Input: in, Columns: []plan.Assign{{Name: tmp, Expr: key, At: x.X.Span()}}, At: x.Range}
	}
	var out plan.Node = &plan.Join{
		Left: in, Right: right, Kind: kind,
		On:    []plan.JoinKey{{Left: left, Right: rs[0].Name, At: x.Range}},
		Clash: plan.ClashSuffix, Fill: plan.FillEmptyString, At: x.Range,
	}
	if tmp != "" {
		out = &plan.ProjectAway{Input: out, Columns: []string{tmp}, At: x.Range}
	}
	return out
}
