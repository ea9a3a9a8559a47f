package spl

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// Options are what Lower and Compile need besides the search text.
type Options struct {
	// Tables gives the schema of each table a search can scan, one per
	// sourcetype, named by it ("azure:monitor:aad", "o365:graph:api"). The
	// columns are the flattened field names; see the package doc.
	Tables plan.Resolver
	// Lookups holds the tables of the lookup command by name (the NAME of
	// `--lookup NAME=PATH`, as written after `lookup`).
	Lookups map[string]*LookupTable
	// Macros expands macro calls in Compile; nil means Builtin().
	Macros *Macros
}

// LookupTable is the content of a CSV lookup: column names and rows of text
// (an empty cell is a missing value).
type LookupTable struct {
	Columns []string
	Rows    [][]string
}

// ReadLookupCSV reads a CSV lookup file: a header row naming the columns,
// then one row per entry.
func ReadLookupCSV(r io.Reader) (*LookupTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("lookup file has no header row")
	}
	return &LookupTable{Columns: recs[0], Rows: recs[1:]}, nil
}

// Compile expands and parses src (see Parse, with opts.Macros or Builtin())
// and lowers it (see Lower).
func Compile(src string, opts Options) (plan.Node, error) {
	m := opts.Macros
	if m == nil {
		m = Builtin()
	}
	s, err := Parse(src, m)
	if err != nil {
		return nil, err
	}
	return Lower(s, opts)
}

// Lower turns a parsed search into a logical plan validated with plan.Check
// against opts.Tables. The base search's sourcetype=X term chooses the
// table X; `index=` terms are left to the caller (they select data, not
// events). Every error is a *diag.Error with Lang "spl" positioned in the
// written search (s.Expansion.Source), and the spans of the plan's nodes
// and expressions are offsets into that text too, so plan.Positioned(err,
// file, "spl", source) positions run-time errors.
func Lower(s *Search, opts Options) (n plan.Node, err error) {
	if s == nil || s.Expansion == nil {
		return nil, errors.New("spl: lower: no search")
	}
	l := &lowerer{x: s.Expansion, opts: opts}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			n, err = nil, b.err
		}
	}()
	if opts.Tables == nil {
		l.failf(0, "no tables to search")
	}
	if len(s.Commands) == 0 {
		l.failf(0, "empty search")
	}
	first, ok := s.Commands[0].(*SearchCmd)
	if !ok || first.Keyword != "" && first.Expr == nil {
		l.failf(s.Commands[0].Span().Start, "a search must start with a base search naming a sourcetype")
	}
	l.base(first)
	for _, c := range s.Commands[1:] {
		l.command(c)
	}
	return l.node, nil
}

type lowerer struct {
	x      *Expansion
	opts   Options
	node   plan.Node
	schema plan.Schema
}

// failf reports an error at offset off of the expanded text.
func (l *lowerer) failf(off int, format string, args ...any) {
	panic(bailout{errAt(l.x.Source, l.x.SourceOffset(off), format, args...)})
}

func (l *lowerer) unsupported(off int, feature string) {
	src := l.x.SourceOffset(off)
	e := diag.Unsupported("", diag.PosOf(l.x.Source, src), "spl", feature)
	e.Source, e.Offset = l.x.Source, src
	panic(bailout{e})
}

// sp maps a span of the expanded text to the written search.
func (l *lowerer) sp(s diag.Span) diag.Span {
	start := l.x.SourceOffset(s.Start)
	end := max(l.x.SourceEnd(s.End), start)
	return diag.Span{Start: start, End: end}
}

// set makes n the current node and learns its schema.
func (l *lowerer) set(n plan.Node) {
	info, err := plan.Check(n, l.opts.Tables)
	if err != nil {
		var pe *plan.Error
		if errors.As(err, &pe) {
			panic(bailout{errAt(l.x.Source, pe.Span.Start, "%s", pe.Msg)})
		}
		panic(bailout{errAt(l.x.Source, 0, "%v", err)})
	}
	l.node, l.schema = n, info.Schema(n)
}

func (l *lowerer) has(name string) bool { return l.schema.Index(name) >= 0 }

// field lowers a reference to a field: its column, or a null literal when
// no column holds it (the field is missing from every event).
func (l *lowerer) field(name string, at diag.Span) plan.Expr {
	if l.has(name) {
		return plan.Col(name, l.sp(at))
	}
	return &plan.Literal{Value: event.Null, At: l.sp(at)}
}

// need makes sure a column named name exists, adding it as null.
func (l *lowerer) need(name string, at diag.Span) {
	if !l.has(name) {
		l.set(&plan.Extend{Input: l.node, Columns: []plan.Assign{{Name: name, Expr: &plan.Literal{Value: event.Null, At: l.sp(at)}, At: l.sp(at)}}, At: l.sp(at)})
	}
}

func (l *lowerer) base(c *SearchCmd) {
	var conj []SearchExpr
	var flatten func(e SearchExpr)
	flatten = func(e SearchExpr) {
		if a, ok := e.(*And); ok {
			flatten(a.L)
			flatten(a.R)
			return
		}
		conj = append(conj, e)
	}
	if c.Expr != nil {
		flatten(c.Expr)
	}
	var table *Compare
	var rest []SearchExpr
	for _, e := range conj {
		if cmp, ok := e.(*Compare); ok && cmp.Op == "=" {
			switch cmp.Field.Name {
			case "sourcetype":
				if table != nil {
					l.unsupported(cmp.Range.Start, "several sourcetype terms")
				}
				if strings.Contains(cmp.Value.Text, "*") {
					l.unsupported(cmp.Value.Range.Start, "sourcetype wildcard")
				}
				table = cmp
				continue
			case "index":
				// Data selection, the caller's business.
				continue
			case "earliest", "latest", "earliest_time", "latest_time", "starttime", "endtime":
				l.unsupported(cmp.Range.Start, cmp.Field.Name+"= in the search (the schedule sets the time range)")
			}
		}
		rest = append(rest, e)
	}
	if table == nil {
		for _, e := range rest {
			l.checkNoSourcetype(e)
		}
		l.failf(c.Range.Start, "the base search needs a sourcetype=… term to choose a table")
	}
	name := table.Value.Text
	if _, ok := l.opts.Tables.TableSchema(name); !ok {
		l.failf(table.Value.Range.Start, "unknown sourcetype '%s'", name)
	}
	at := l.sp(table.Range)
	l.set(&plan.Scan{Table: name, Fill: plan.FillNull, At: at})
	if i := l.schema.Index("_time"); i >= 0 && l.schema[i].Type == plan.TypeDatetime {
		l.set(&plan.Extend{Input: l.node, Columns: []plan.Assign{{Name: "_time", Expr: plan.Fn("spl.epoch", at, plan.Col("_time", at)), At: at}}, At: at})
	}
	var pred plan.Expr
	for _, e := range rest {
		p := l.search(e)
		if pred == nil {
			pred = p
		} else {
			pred = plan.Fn("and", l.sp(diag.Span{Start: e.Span().Start, End: e.Span().End}), pred, p)
		}
	}
	if pred != nil {
		l.set(&plan.Filter{Input: l.node, Pred: pred, At: l.sp(c.Range)})
	}
}

// checkNoSourcetype reports a sourcetype term the base search cannot use
// (under OR or NOT).
func (l *lowerer) checkNoSourcetype(e SearchExpr) {
	switch e := e.(type) {
	case *Compare:
		if e.Field.Name == "sourcetype" {
			l.unsupported(e.Range.Start, "sourcetype under OR or NOT")
		}
	case *Or:
		l.checkNoSourcetype(e.L)
		l.checkNoSourcetype(e.R)
	case *And:
		l.checkNoSourcetype(e.L)
		l.checkNoSourcetype(e.R)
	case *Not:
		l.checkNoSourcetype(e.X)
	case *Group:
		l.checkNoSourcetype(e.X)
	}
}

var searchOps = map[string]string{"<": "spl.<", "<=": "spl.<=", ">": "spl.>", ">=": "spl.>="}

// search lowers a base-search expression to a two-valued predicate.
func (l *lowerer) search(e SearchExpr) plan.Expr {
	at := l.sp(e.Span())
	switch e := e.(type) {
	case *Term:
		if e.Text == "*" {
			return plan.Lit(event.Bool(true), at)
		}
		if !l.has("_raw") {
			l.unsupported(e.Range.Start, "free-text search term (the table has no _raw field)")
		}
		pat := e.Text
		if !strings.HasPrefix(pat, "*") {
			pat = "*" + pat
		}
		if !strings.HasSuffix(pat, "*") {
			pat += "*"
		}
		return plan.Fn("spl.search", at, plan.Col("_raw", at), plan.Lit(event.String(pat), at))
	case *Compare:
		f := l.field(e.Field.Name, e.Field.Range)
		v := plan.Lit(event.String(e.Value.Text), l.sp(e.Value.Range))
		switch e.Op {
		case "=":
			return plan.Fn("spl.search", at, f, v)
		case "!=":
			return plan.Fn("and", at, plan.Fn("spl.isnotnull", at, f),
				plan.Fn("not", at, plan.Fn("spl.search", at, l.field(e.Field.Name, e.Field.Range), v)))
		}
		return plan.Fn("spl.coalesce", at, plan.Fn(searchOps[e.Op], at, f, v), plan.Lit(event.Bool(false), at))
	case *InList:
		var out plan.Expr
		for _, v := range e.Values {
			p := plan.Fn("spl.search", at, l.field(e.Field.Name, e.Field.Range), plan.Lit(event.String(v.Text), l.sp(v.Range)))
			if out == nil {
				out = p
			} else {
				out = plan.Fn("or", at, out, p)
			}
		}
		return out
	case *Not:
		return plan.Fn("not", at, l.search(e.X))
	case *And:
		return plan.Fn("and", at, l.search(e.L), l.search(e.R))
	case *Or:
		return plan.Fn("or", at, l.search(e.L), l.search(e.R))
	case *Group:
		return l.search(e.X)
	}
	l.failf(e.Span().Start, "unexpected search expression")
	return nil
}

func (l *lowerer) command(c Command) {
	at := l.sp(c.Span())
	switch c := c.(type) {
	case *SearchCmd:
		if c.Expr != nil {
			l.set(&plan.Filter{Input: l.node, Pred: l.search(c.Expr), At: at})
		}
	case *Where:
		l.set(&plan.Filter{Input: l.node, Pred: l.expr(c.Pred), At: at})
	case *Eval:
		for _, a := range c.Assigns {
			v := l.expr(a.Value)
			l.set(&plan.Extend{Input: l.node, Columns: []plan.Assign{{Name: a.Field.Name, Expr: v, At: l.sp(a.Range)}}, At: at})
		}
	case *Rename:
		var pairs []plan.RenamePair
		for _, p := range c.Pairs {
			pairs = append(pairs, plan.RenamePair{Old: p.Old.Name, New: p.New.Name, At: l.sp(p.Range)})
		}
		l.set(&plan.RenameFields{Input: l.node, Columns: pairs, At: at})
	case *Fillnull:
		v := event.String("0")
		if c.Value != nil {
			v = event.String(c.Value.Value)
		}
		var cols []string
		for _, f := range c.Fields {
			cols = append(cols, f.Name)
		}
		l.set(&plan.FillNulls{Input: l.node, Value: v, Columns: cols, At: at})
	case *Stats:
		l.stats(c)
	case *Bin:
		l.bin(c)
	case *Table:
		l.project(c.Fields, true, at)
	case *Fields:
		if c.Remove {
			var drop []string
			for _, f := range c.Fields {
				if strings.Contains(f.Name, "*") || l.has(f.Name) {
					drop = append(drop, f.Name)
				}
			}
			if len(drop) > 0 {
				l.set(&plan.ProjectAway{Input: l.node, Columns: drop, At: at})
			}
			return
		}
		l.project(c.Fields, false, at)
	case *Dedup:
		d := &plan.Dedup{Keep: c.N, At: at}
		for _, o := range c.Options {
			b := l.boolOption(o)
			switch o.Key {
			case "keepempty":
				d.KeepEmpty = b
			case "consecutive":
				d.Consecutive = b
			}
		}
		for _, f := range c.Fields {
			l.need(f.Name, f.Range)
			d.Columns = append(d.Columns, f.Name)
		}
		d.Input = l.node
		l.set(d)
	case *Rex:
		l.rex(c)
	case *Spath:
		in, out := "_raw", c.Path
		for _, o := range c.Options {
			switch o.Key {
			case "input":
				in = o.Value
			case "output":
				out = o.Value
			}
		}
		if c.Path == "" {
			l.unsupported(c.Range.Start, "spath without a path")
		}
		e := plan.Fn("spl.spath", at, l.field(in, c.Range), plan.Lit(event.String(c.Path), at))
		l.set(&plan.Extend{Input: l.node, Columns: []plan.Assign{{Name: out, Expr: e, At: at}}, At: at})
	case *Convert:
		format := "%m/%d/%Y %H:%M:%S"
		for _, o := range c.Options {
			format = o.Value
		}
		for _, f := range c.Funcs {
			if !l.has(f.Field.Name) {
				continue
			}
			name := f.Field.Name
			if f.As != nil {
				name = f.As.Name
			}
			fat := l.sp(f.Range)
			e := plan.Fn("spl.ctime", fat, plan.Col(f.Field.Name, l.sp(f.Field.Range)), plan.Lit(event.String(format), fat))
			l.set(&plan.Extend{Input: l.node, Columns: []plan.Assign{{Name: name, Expr: e, At: fat}}, At: at})
		}
	case *Sort:
		var keys []plan.SortKey
		for _, k := range c.Keys {
			// SPL sorts values that read as numbers numerically, before
			// text (event.Compare ranks numbers before strings).
			kat := l.sp(k.Range)
			e := plan.Fn("spl.coalesce", kat, plan.Fn("spl.tonumber", kat, l.field(k.Field.Name, k.Field.Range)), l.field(k.Field.Name, k.Field.Range))
			keys = append(keys, plan.SortKey{Expr: e, Desc: k.Desc, At: kat})
		}
		l.set(&plan.Sort{Input: l.node, Keys: keys, At: at})
		limit := c.Limit
		if limit < 0 {
			limit = 10000 // SPL's default
		}
		if limit > 0 {
			l.set(&plan.Limit{Input: l.node, N: limit, At: at})
		}
	case *Head:
		n := c.N
		if n < 0 {
			n = 10
		}
		l.set(&plan.Limit{Input: l.node, N: n, At: at})
	case *Mvexpand:
		if !l.has(c.Field.Name) {
			return
		}
		m := &plan.MvExpand{Input: l.node, Columns: []plan.MvColumn{{Name: c.Field.Name, Expr: plan.Col(c.Field.Name, l.sp(c.Field.Range)), At: at}}, At: at}
		for _, o := range c.Options {
			n, err := strconv.ParseInt(o.Value, 10, 64)
			if err != nil || n < 0 {
				l.failf(o.Range.Start, "mvexpand: limit must be a count")
			}
			m.Limit = n
		}
		l.set(m)
	case *Makemv:
		if !l.has(c.Field.Name) {
			return
		}
		delim := " "
		for _, o := range c.Options {
			delim = o.Value
		}
		e := plan.Fn("spl.split", at, plan.Col(c.Field.Name, l.sp(c.Field.Range)), plan.Lit(event.String(delim), at))
		l.set(&plan.Extend{Input: l.node, Columns: []plan.Assign{{Name: c.Field.Name, Expr: e, At: at}}, At: at})
	case *Lookup:
		l.lookup(c)
	default:
		l.unsupported(c.Span().Start, fmt.Sprintf("command %T", c))
	}
}

func (l *lowerer) boolOption(o *Option) bool {
	switch strings.ToLower(o.Value) {
	case "true", "t", "1", "yes":
		return true
	case "false", "f", "0", "no":
		return false
	}
	l.failf(o.Range.Start, "%s: expected true or false, found '%s'", o.Key, o.Value)
	return false
}

// project implements table (create: missing plain fields become empty
// columns) and fields (keep the existing ones, and the internal fields).
func (l *lowerer) project(fields []*Field, create bool, at diag.Span) {
	var cols []plan.Assign
	seen := map[string]bool{}
	add := func(name string, e plan.Expr, fat diag.Span) {
		if !seen[name] {
			seen[name] = true
			cols = append(cols, plan.Assign{Name: name, Expr: e, At: fat})
		}
	}
	for _, f := range fields {
		fat := l.sp(f.Range)
		if strings.Contains(f.Name, "*") {
			for _, col := range l.schema {
				if plan.MatchWildcard(f.Name, col.Name) {
					add(col.Name, plan.Col(col.Name, fat), fat)
				}
			}
			continue
		}
		if l.has(f.Name) {
			add(f.Name, plan.Col(f.Name, fat), fat)
		} else if create {
			add(f.Name, &plan.Literal{Value: event.Null, At: fat}, fat)
		}
	}
	if !create {
		// fields keeps internal fields (_time, _raw, …) unless removed
		// explicitly with fields -.
		for _, col := range l.schema {
			if strings.HasPrefix(col.Name, "_") {
				add(col.Name, plan.Col(col.Name, at), at)
			}
		}
	}
	l.set(&plan.Project{Input: l.node, Columns: cols, At: at})
}

func (l *lowerer) stats(c *Stats) {
	at := l.sp(c.Range)
	var aggs []plan.Agg
	for _, a := range c.Aggs {
		aat := l.sp(a.Range)
		name := a.Func
		if a.Arg != nil {
			name = a.Func + "(" + a.Arg.Name + ")"
		}
		if a.As != nil {
			name = a.As.Name
		}
		fn := statsFuncs[a.Func]
		agg := plan.Agg{Name: name, At: aat}
		switch {
		case fn == "count" && a.Arg == nil:
			agg.Func = "count"
		case fn == "earliest" || fn == "latest":
			agg.Func = "spl." + fn
			agg.Args = []plan.Expr{l.field(a.Arg.Name, a.Arg.Range), l.field("_time", a.Range)}
		default:
			agg.Func = "spl." + fn
			agg.Args = []plan.Expr{l.field(a.Arg.Name, a.Arg.Range)}
		}
		aggs = append(aggs, agg)
	}
	var by []plan.Assign
	for _, f := range c.By {
		by = append(by, plan.Assign{Name: f.Name, Expr: l.field(f.Name, f.Range), At: l.sp(f.Range)})
	}
	if c.Keyword == "eventstats" {
		l.set(&plan.EventStats{Input: l.node, By: by, Aggs: aggs, At: at})
		return
	}
	l.set(&plan.Aggregate{Input: l.node, By: by, Aggs: aggs, DropNullKeys: true, ExpandKeys: true, At: at})
}

// spanSeconds parses a bin span: a number, or a number with a unit s, m,
// h, d, w (and their long forms).
func spanSeconds(s string) (event.Value, bool) {
	j := 0
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		j++
	}
	n, err := strconv.ParseFloat(s[:j], 64)
	if err != nil || n <= 0 {
		return event.Null, false
	}
	mult := 1.0
	switch strings.ToLower(s[j:]) {
	case "", "s", "sec", "secs", "second", "seconds":
	case "m", "min", "mins", "minute", "minutes":
		mult = 60
	case "h", "hr", "hrs", "hour", "hours":
		mult = 3600
	case "d", "day", "days":
		mult = 86400
	case "w", "week", "weeks":
		mult = 7 * 86400
	default:
		return event.Null, false
	}
	v := n * mult
	if v == float64(int64(v)) {
		return event.Long(int64(v)), true
	}
	return event.Real(v), true
}

func (l *lowerer) bin(c *Bin) {
	at := l.sp(c.Range)
	var span *Option
	for _, o := range c.Options {
		span = o
	}
	if span == nil {
		l.unsupported(c.Range.Start, c.Keyword+" without span=")
	}
	v, ok := spanSeconds(span.Value)
	if !ok {
		l.unsupported(span.Range.Start, c.Keyword+" span '"+span.Value+"'")
	}
	name := c.Field.Name
	if c.As != nil {
		name = c.As.Name
	}
	e := plan.Fn("spl.bin", at, l.field(c.Field.Name, c.Field.Range), plan.Lit(v, l.sp(span.Range)))
	l.set(&plan.Extend{Input: l.node, Columns: []plan.Assign{{Name: name, Expr: e, At: at}}, At: at})
}
