package spl

import (
	"regexp"
	"strconv"
	"strings"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// evalFuncs maps SPL eval functions to catalogue entries.
var evalFuncs = map[string]string{
	"if": "spl.if", "case": "spl.case", "coalesce": "spl.coalesce",
	"isnull": "spl.isnull", "isnotnull": "spl.isnotnull",
	"mvindex": "spl.mvindex", "mvcount": "spl.mvcount", "split": "spl.split",
	"match": "spl.match", "like": "spl.like", "replace": "spl.replace",
	"lower": "spl.lower", "upper": "spl.upper", "len": "spl.len", "substr": "spl.substr",
	"tostring": "spl.tostring", "tonumber": "spl.tonumber",
	"strftime": "spl.strftime", "strptime": "spl.strptime",
	"now": "spl.now", "time": "spl.now", "relative_time": "spl.relative_time", "round": "spl.round",
}

var evalBinary = map[string]string{
	"OR": "or", "AND": "and", "=": "spl.==", "==": "spl.==", "!=": "spl.!=",
	"<": "spl.<", "<=": "spl.<=", ">": "spl.>", ">=": "spl.>=", "LIKE": "spl.like",
	"+": "spl.+", "-": "spl.-", "*": "spl.*", "/": "spl./", "%": "spl.%", ".": "spl.concat",
}

// expr lowers an eval expression.
func (l *lowerer) expr(e Expr) plan.Expr {
	at := l.sp(e.Span())
	switch e := e.(type) {
	case *FieldRef:
		return l.field(e.Name, e.Range)
	case *StringLit:
		return plan.Lit(event.String(e.Value), at)
	case *NumberLit:
		if n, err := strconv.ParseInt(e.Text, 10, 64); err == nil {
			return plan.Lit(event.Long(n), at)
		}
		f, err := strconv.ParseFloat(e.Text, 64)
		if err != nil {
			l.failf(e.Range.Start, "bad number '%s'", e.Text)
		}
		return plan.Lit(event.Real(f), at)
	case *Paren:
		return l.expr(e.X)
	case *Unary:
		if e.Op == "-" {
			return plan.Fn("spl.neg", at, l.expr(e.X))
		}
		return plan.Fn("not", at, l.expr(e.X))
	case *Binary:
		op := strings.ToUpper(e.Op)
		if op == "XOR" {
			return plan.Fn("and", at, plan.Fn("or", at, l.expr(e.L), l.expr(e.R)),
				plan.Fn("not", at, plan.Fn("and", at, l.expr(e.L), l.expr(e.R))))
		}
		return plan.Fn(evalBinary[op], at, l.expr(e.L), l.expr(e.R))
	case *Call:
		return l.call(e)
	}
	l.failf(e.Span().Start, "unexpected expression")
	return nil
}

func (l *lowerer) call(e *Call) plan.Expr {
	at := l.sp(e.Range)
	name := strings.ToLower(e.Func)
	switch name {
	case "true", "false", "null":
		if len(e.Args) != 0 {
			l.failf(e.Range.Start, "%s() takes no arguments", name)
		}
		switch name {
		case "true":
			return plan.Lit(event.Bool(true), at)
		case "false":
			return plan.Lit(event.Bool(false), at)
		}
		return &plan.Literal{Value: event.Null, At: at}
	case "tostring":
		if len(e.Args) > 1 {
			l.unsupported(e.Range.Start, "tostring with a format")
		}
	}
	fn, ok := evalFuncs[name]
	if !ok {
		l.unsupported(e.Range.Start, "eval function '"+e.Func+"'")
	}
	f, _ := plan.Lookup(fn)
	if len(e.Args) < f.MinArgs || f.MaxArgs >= 0 && len(e.Args) > f.MaxArgs {
		switch {
		case f.MinArgs == f.MaxArgs:
			l.failf(e.Range.Start, "%s takes %d arguments, found %d", name, f.MinArgs, len(e.Args))
		case f.MaxArgs < 0:
			l.failf(e.Range.Start, "%s takes at least %d arguments, found %d", name, f.MinArgs, len(e.Args))
		default:
			l.failf(e.Range.Start, "%s takes %d to %d arguments, found %d", name, f.MinArgs, f.MaxArgs, len(e.Args))
		}
	}
	if name == "case" && len(e.Args)%2 != 0 {
		l.failf(e.Range.Start, "case takes condition/value pairs, found %d arguments", len(e.Args))
	}
	args := make([]plan.Expr, len(e.Args))
	for i, a := range e.Args {
		args[i] = l.expr(a)
	}
	for _, i := range f.Const {
		if i < len(args) {
			if _, ok := args[i].(*plan.Literal); !ok {
				l.unsupported(e.Args[i].Span().Start, name+" with a computed pattern")
			}
			if name == "match" || name == "replace" {
				lit := args[i].(*plan.Literal)
				if _, err := regexp.Compile(splText(lit.Value)); err != nil {
					l.failf(e.Args[i].Span().Start, "%s: bad regular expression: %v", name, regexErr(err))
				}
			}
		}
	}
	return plan.Fn(fn, at, args...)
}

func splText(v event.Value) string {
	if v.Kind() == event.KindString {
		return v.Str()
	}
	return v.Text()
}

// regexErr shortens a regexp error to its message.
func regexErr(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

func (l *lowerer) rex(c *Rex) {
	at := l.sp(c.Range)
	field := "_raw"
	for _, o := range c.Options {
		field = o.Value
	}
	re, err := regexp.Compile(c.Regex)
	if err != nil {
		l.failf(c.Range.Start, "rex: bad regular expression: %s", regexErr(err))
	}
	var cols []plan.Assign
	for _, g := range re.SubexpNames() {
		if g == "" {
			continue
		}
		e := plan.Expr(plan.Fn("spl.rex", at, l.field(field, c.Range), plan.Lit(event.String(c.Regex), at), plan.Lit(event.String(g), at)))
		if l.has(g) {
			// rex leaves a field alone when the regex does not match.
			e = plan.Fn("spl.coalesce", at, e, plan.Col(g, at))
		}
		cols = append(cols, plan.Assign{Name: g, Expr: e, At: at})
	}
	if len(cols) == 0 {
		l.failf(c.Range.Start, "rex: the regular expression has no named group")
	}
	l.set(&plan.Extend{Input: l.node, Columns: cols, At: at})
}

// lookup lowers `lookup T k [AS f] … OUTPUT|OUTPUTNEW o [AS g] …` into a
// leftouter join with the lookup's rows (the first row of each key; keys
// compare as text, case-sensitively). OUTPUT overwrites the event's fields
// when the event matches; OUTPUTNEW only fills missing ones. Without an
// output list every non-key column of the lookup is output.
func (l *lowerer) lookup(c *Lookup) {
	at := l.sp(c.Range)
	t, ok := l.opts.Lookups[c.Table]
	if !ok {
		l.failf(c.Range.Start, "unknown lookup '%s'", c.Table)
	}
	col := func(f *Field) int {
		for i, n := range t.Columns {
			if n == f.Name {
				return i
			}
		}
		l.failf(f.Range.Start, "lookup '%s' has no column '%s'", c.Table, f.Name)
		return -1
	}
	type pair struct {
		col   int
		field string
		at    diag.Span
	}
	var keys, outs []pair
	for _, k := range c.Keys {
		name := k.Field.Name
		if k.As != nil {
			name = k.As.Name
		}
		keys = append(keys, pair{col(k.Field), name, k.Range})
	}
	if len(c.Outputs) == 0 {
		for i, n := range t.Columns {
			isKey := false
			for _, k := range keys {
				isKey = isKey || k.col == i
			}
			if !isKey {
				outs = append(outs, pair{i, n, c.Range})
			}
		}
	}
	for _, o := range c.Outputs {
		name := o.Field.Name
		if o.As != nil {
			name = o.As.Name
		}
		outs = append(outs, pair{col(o.Field), name, o.Range})
	}
	// The right side: key and output columns, named apart from the event's.
	var schema plan.Schema
	var idx []int
	for i, p := range append(append([]pair(nil), keys...), outs...) {
		schema = append(schema, plan.Column{Name: "lookup." + strconv.Itoa(i), Type: plan.TypeString})
		idx = append(idx, p.col)
	}
	var rows [][]event.Value
	for _, r := range t.Rows {
		row := make([]event.Value, len(idx))
		for j, i := range idx {
			if i < len(r) && r[i] != "" {
				row[j] = event.String(r[i])
			}
		}
		rows = append(rows, row)
	}
	var right plan.Node = &plan.Values{Columns: schema, Rows: rows, At: at}
	var keyCols []string
	for i := range keys {
		keyCols = append(keyCols, schema[i].Name)
	}
	right = &plan.Dedup{Input: right, Columns: keyCols, At: at}
	// The left side: the event's keys as text.
	var on []plan.JoinKey
	var tmp []plan.Assign
	for i, k := range keys {
		name := "lookup.key." + strconv.Itoa(i)
		tmp = append(tmp, plan.Assign{Name: name, Expr: plan.Fn("spl.tostring", l.sp(k.at), l.field(k.field, k.at)), At: l.sp(k.at)})
		on = append(on, plan.JoinKey{Left: name, Right: schema[i].Name, At: l.sp(k.at)})
	}
	left := l.schema
	l.set(&plan.Extend{Input: l.node, Columns: tmp, At: at})
	l.set(&plan.Join{Left: l.node, Right: right, Kind: plan.JoinLeftOuter, On: on, Clash: plan.ClashSuffix, Fill: plan.FillNull, At: at})
	var cols []plan.Assign
	outOf := map[string]plan.Expr{}
	for i, o := range outs {
		r := plan.Col(schema[len(keys)+i].Name, l.sp(o.at))
		matched := plan.Fn("spl.isnotnull", l.sp(o.at), plan.Col(schema[0].Name, l.sp(o.at)))
		var e plan.Expr = r
		if left.Index(o.field) >= 0 {
			if c.Output == "OUTPUTNEW" {
				e = plan.Fn("spl.coalesce", l.sp(o.at), plan.Col(o.field, l.sp(o.at)), r)
			} else {
				e = plan.Fn("spl.if", l.sp(o.at), matched, r, plan.Col(o.field, l.sp(o.at)))
			}
		}
		outOf[o.field] = e
	}
	for _, c := range left {
		if e, ok := outOf[c.Name]; ok {
			cols = append(cols, plan.Assign{Name: c.Name, Expr: e, At: at})
			delete(outOf, c.Name)
			continue
		}
		cols = append(cols, plan.Assign{Name: c.Name, Expr: plan.Col(c.Name, at), At: at})
	}
	for _, o := range outs {
		if e, ok := outOf[o.field]; ok {
			cols = append(cols, plan.Assign{Name: o.field, Expr: e, At: at})
			delete(outOf, o.field)
		}
	}
	l.set(&plan.Project{Input: l.node, Columns: cols, At: at})
}
