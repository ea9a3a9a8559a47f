package kql

import (
	"slices"
	"strconv"

	"vigil/internal/plan"
)

// aggPrefixes are the prefixes Kusto puts before the argument's column name
// to name an unnamed aggregation (`max(TimeGenerated)` is max_TimeGenerated,
// `make_set(Tags)` is set_Tags).
var aggPrefixes = map[string]string{
	"dcount": "dcount_", "dcountif": "dcountif_", "sum": "sum_", "min": "min_", "max": "max_",
	"avg": "avg_", "make_set": "set_", "make_set_if": "set_", "make_list": "list_",
	"make_list_if": "list_", "make_bag": "bag_",
}

// aggFixedNames name aggregations whose default name has no argument part.
var aggFixedNames = map[string]string{"count": "count_", "countif": "countif_"}

// summarize lowers `summarize Aggs by By`. Output columns are the by
// columns, then the aggregations (with the columns arg_max, arg_min and
// take_any carry), as in Kusto.
func (l *lowerer) summarize(in plan.Node, op *Summarize, sc *scope) plan.Node {
	a := &plan.Aggregate{Input: in, At: op.Range}
	var taken []string
	for _, b := range op.By {
		x := l.scalar(b.Value, sc)
		var name string
		switch {
		case b.Name != nil:
			name = b.Name.Name
		case byName(b.Value) != "":
			name = unique(byName(b.Value), taken)
		default:
			name = l.freshName(in, taken)
		}
		taken = append(taken, name)
		a.By = append(a.By, plan.Assign{Name: name, Expr: x, At: b.Range})
	}
	var posts []postAgg
	for _, g := range op.Aggs {
		if c, ok := unparen(g.Value).(*Call); ok && isAggregation(c.Fn.Name) && sc.lookup(c.Fn.Name) == nil {
			a.Aggs = append(a.Aggs, l.agg(in, g, sc, &taken))
			continue
		}
		if !containsAggregation(g.Value) {
			l.failf(g.Value.Span(), "summarize: expected an aggregation, found '%s'", clip(l.text(g.Value)))
		}
		posts = append(posts, l.aggExpr(in, a, g, sc, &taken))
	}
	if len(posts) == 0 {
		return a
	}
	return l.finishAggExprs(a, posts, op)
}

// postAgg is an expression over aggregations (`round(avg(x), 2)`): the
// aggregations are computed into temporary columns, the expression over
// them afterwards.
type postAgg struct {
	assign plan.Assign
	temps  []string
}

// aggExpr lowers an expression over aggregations, adding the aggregations to
// a under temporary names.
func (l *lowerer) aggExpr(in plan.Node, a *plan.Aggregate, g *Assign, sc *scope, taken *[]string) postAgg {
	var p postAgg
	var sink func(c *Call) plan.Expr
	sink = func(c *Call) plan.Expr {
		l.aggSink = nil // aggregations do not nest
		tmp := "__agg1"
		for i := 2; slices.Contains(*taken, tmp); i++ {
			tmp = "__agg" + strconv.Itoa(i)
		}
		a.Aggs = append(a.Aggs, l.agg(in, &Assign{Range: c.Range, Name: &Ident{Range: c.Range, Name: tmp}, Value: c}, sc, taken))
		p.temps = append(p.temps, tmp)
		l.aggSink = sink
		return plan.Col(tmp, c.Range)
	}
	l.aggSink = sink
	x := l.scalar(g.Value, sc)
	l.aggSink = nil
	name := ""
	if g.Name != nil {
		name = g.Name.Name
	} else {
		name = l.freshName(in, *taken)
	}
	*taken = append(*taken, name)
	p.assign = plan.Assign{Name: name, Expr: x, At: g.Range}
	return p
}

// finishAggExprs computes the expressions over aggregations after a and
// puts each result where Kusto has it: in place of its first aggregation.
func (l *lowerer) finishAggExprs(a *plan.Aggregate, posts []postAgg, op *Summarize) plan.Node {
	ext := &plan.Extend{Input: a, At: op.Range}
	owner := map[string]int{}
	for i, p := range posts {
		ext.Columns = append(ext.Columns, p.assign)
		for _, t := range p.temps {
			owner[t] = i
		}
	}
	proj := &plan.Project{Input: ext, At: op.Range}
	emitted := make([]bool, len(posts))
	for _, c := range l.schemaOf(a) {
		name := c.Name
		if k, ok := owner[name]; ok {
			if emitted[k] {
				continue
			}
			emitted[k] = true
			name = posts[k].assign.Name
		}
		proj.Columns = append(proj.Columns, plan.Assign{Name: name, Expr: plan.Col(name, op.Range), At: op.Range})
	}
	return proj
}

// byName names an unnamed group key: as derivedName, and `bin(X, size)` (or
// floor) keeps the name of X.
func byName(e Expr) string {
	if c, ok := unparen(e).(*Call); ok && (c.Fn.Name == "bin" || c.Fn.Name == "floor") && len(c.Args) > 0 {
		return derivedName(c.Args[0])
	}
	return derivedName(e)
}

func unparen(e Expr) Expr {
	for {
		p, ok := e.(*Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

// isAggregation reports whether name is a Kusto aggregation, implemented or
// not.
func isAggregation(name string) bool {
	if f, ok := plan.Lookup(canonical(name)); ok {
		return f.Kind == plan.FuncAggregate
	}
	return knownAggregations[name]
}

// knownAggregations are Kusto aggregations vigil does not implement yet.
var knownAggregations = setOf(
	"any", "anyif", "arg_max_if", "avgif", "binary_all_and", "binary_all_or", "binary_all_xor",
	"buildschema", "count_distinct", "count_distinctif", "hll", "hll_if", "hll_merge",
	"make_bag_if", "make_list_with_nulls", "maxif", "minif", "percentile", "percentiles",
	"percentiles_array", "percentilew", "percentilesw", "stdev", "stdevif", "stdevp", "sumif",
	"take_anyif", "tdigest", "variance", "varianceif", "variancep",
)

// containsAggregation reports whether e calls an aggregation anywhere.
func containsAggregation(e Expr) bool {
	switch e := e.(type) {
	case *Call:
		if isAggregation(e.Fn.Name) {
			return true
		}
		for _, a := range e.Args {
			if containsAggregation(a) {
				return true
			}
		}
	case *Paren:
		return containsAggregation(e.X)
	case *Unary:
		return containsAggregation(e.X)
	case *Binary:
		return containsAggregation(e.L) || containsAggregation(e.R)
	case *Member:
		return containsAggregation(e.X)
	case *Index:
		return containsAggregation(e.X) || containsAggregation(e.Index)
	case *In:
		if containsAggregation(e.X) {
			return true
		}
		for _, x := range e.List {
			if containsAggregation(x) {
				return true
			}
		}
	case *Between:
		return containsAggregation(e.X) || containsAggregation(e.Lo) || containsAggregation(e.Hi)
	}
	return false
}

// agg lowers one aggregation of a summarize; taken holds the output names
// so far.
func (l *lowerer) agg(in plan.Node, g *Assign, sc *scope, taken *[]string) plan.Agg {
	c := unparen(g.Value).(*Call)
	name := canonical(c.Fn.Name)
	if _, ok := plan.Lookup(name); !ok {
		l.unsupported(c.Range, name+"()")
	}
	agg := plan.Agg{Func: name, At: g.Range}
	fresh := func() string { return l.freshName(in, *taken) }
	switch name {
	case "arg_max", "arg_min", "take_any":
		if len(c.Args) == 0 {
			l.failf(c.Range, "%s: want at least 1 argument, got 0", name)
		}
		if s, ok := c.Args[0].(*Star); ok {
			if name == "take_any" {
				l.unsupported(s.Range, "take_any(*)")
			}
			l.failf(s.Range, "%s: the first argument cannot be '*'", name)
		}
		agg.Args = []plan.Expr{l.scalar(c.Args[0], sc)}
		switch {
		case g.Name != nil:
			agg.Name = g.Name.Name
		case derivedName(c.Args[0]) != "":
			agg.Name = unique(derivedName(c.Args[0]), *taken)
		default:
			agg.Name = fresh()
		}
		*taken = append(*taken, agg.Name)
		for _, x := range c.Args[1:] {
			if _, ok := x.(*Star); ok {
				agg.CarryAll = true
				continue
			}
			cr := plan.Assign{Name: derivedName(x), Expr: l.scalar(x, sc), At: x.Span()}
			if cr.Name == "" {
				cr.Name = fresh()
			} else {
				cr.Name = unique(cr.Name, *taken)
			}
			*taken = append(*taken, cr.Name)
			agg.Carry = append(agg.Carry, cr)
		}
		return agg
	}
	for _, x := range c.Args {
		if s, ok := x.(*Star); ok {
			l.failf(s.Range, "%s: '*' is not an argument", name)
		}
	}
	agg.Args = l.args(c, sc)
	switch {
	case g.Name != nil:
		agg.Name = g.Name.Name
	case aggFixedNames[name] != "":
		agg.Name = unique(aggFixedNames[name], *taken)
	case aggPrefixes[name] != "" && len(c.Args) > 0 && derivedName(c.Args[0]) != "":
		agg.Name = unique(aggPrefixes[name]+derivedName(c.Args[0]), *taken)
	default:
		agg.Name = fresh()
	}
	*taken = append(*taken, agg.Name)
	return agg
}
