package kuery

import (
	"strconv"
	"strings"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// Compile parses src and lowers it over input (see Parse and Lower).
func Compile(src string, input plan.Node, r plan.Resolver) (*plan.Filter, error) {
	q, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return Lower(q, src, input, r)
}

// Lower turns q, parsed from src, into Filter{Input: input, Pred: …}: the
// rows of input the query matches. input is usually a Scan of an ECS table
// (schema.ECSSignInLogs); r resolves the tables input reads. The plan is
// checked with plan.Check. Every error is a *diag.Error with Lang "kuery"
// positioned in src.
func Lower(q *Query, src string, input plan.Node, r plan.Resolver) (*plan.Filter, error) {
	info, err := plan.Check(input, r)
	if err != nil {
		return nil, positioned(err, src)
	}
	pred, err := Predicate(q, src, info.Schema(input))
	if err != nil {
		return nil, err
	}
	f := &plan.Filter{Input: input, Pred: pred, At: diag.Span{Start: 0, End: len(src)}}
	if _, err := plan.Check(f, r); err != nil {
		return nil, positioned(err, src)
	}
	return f, nil
}

// LowerTables lowers q over the tables an Elastic rule's index patterns
// name (schema.ECSTables): Filter(Scan(table)) for one table, and for
// several a Union (FillNull) of one Filter per table, each lowered against
// its own table's fields, so that a field one dataset lacks or types
// differently never hides another dataset's matches.
func LowerTables(q *Query, src string, tables []string, r plan.Resolver) (plan.Node, error) {
	if len(tables) == 0 {
		return nil, errAt(src, 0, "the rule reads no table")
	}
	var inputs []plan.Node
	for _, name := range tables {
		f, err := Lower(q, src, &plan.Scan{Table: name, Fill: plan.FillNull}, r)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, f)
	}
	if len(inputs) == 1 {
		return inputs[0], nil
	}
	u := &plan.Union{Inputs: inputs, Fill: plan.FillNull, At: diag.Span{Start: 0, End: len(src)}}
	if _, err := plan.Check(u, r); err != nil {
		return nil, positioned(err, src)
	}
	return u, nil
}

// Predicate lowers q, parsed from src, into a boolean expression over rows
// with the columns cols, built from the kuery.* catalogue entries. The
// empty query is the literal true.
func Predicate(q *Query, src string, cols plan.Schema) (plan.Expr, error) {
	l := &lowerer{src: src, cols: cols}
	if q == nil || q.Root == nil {
		return plan.Lit(event.Bool(true), diag.Span{}), nil
	}
	return l.query(q.Root, "")
}

func positioned(err error, src string) error {
	return plan.Positioned(err, "", "kuery", src)
}

type lowerer struct {
	src  string
	cols plan.Schema
}

func (l *lowerer) errf(at diag.Span, format string, args ...any) error {
	return errAt(l.src, at.Start, format, args...)
}

func (l *lowerer) unsupported(at diag.Span, feature string) error {
	return errAt(l.src, at.Start, "not supported yet: %s", feature)
}

// fold combines terms with a binary plan operator, left to right.
func fold(op string, at diag.Span, terms []plan.Expr) plan.Expr {
	out := terms[0]
	for _, t := range terms[1:] {
		out = plan.Fn(op, at, out, t)
	}
	return out
}

// query lowers a query node; prefix is the path of enclosing nested
// queries ("a." inside a: { … }).
func (l *lowerer) query(n Node, prefix string) (plan.Expr, error) {
	switch n := n.(type) {
	case *Or:
		return l.terms("or", n.At, n.Terms, func(t Node) (plan.Expr, error) { return l.query(t, prefix) })
	case *And:
		return l.terms("and", n.At, n.Terms, func(t Node) (plan.Expr, error) { return l.query(t, prefix) })
	case *Not:
		x, err := l.query(n.X, prefix)
		if err != nil {
			return nil, err
		}
		return plan.Fn("not", n.At, x), nil
	case *Paren:
		return l.query(n.X, prefix)
	case *Nested:
		name, err := l.fieldName(n.Field, prefix)
		if err != nil {
			return nil, err
		}
		return l.query(n.Query, name+".")
	case *Range:
		name, err := l.fieldName(n.Field, prefix)
		if err != nil {
			return nil, err
		}
		col, t, ok := l.column(name, n.Field.At)
		if !ok {
			return plan.Lit(event.Bool(false), n.At), nil
		}
		if err := l.checkValue(n.Value, name, t); err != nil {
			return nil, err
		}
		return plan.Fn("kuery.range", n.At, col, plan.Lit(event.String(n.Op), n.At), plan.Lit(event.String(n.Value.Text), n.Value.At)), nil
	case *FieldValue:
		if n.Field == nil {
			return nil, l.unsupported(n.At, "a value without a field (searching the default fields)")
		}
		name, err := l.fieldName(n.Field, prefix)
		if err != nil {
			return nil, err
		}
		return l.values(n.Value, name, n.Field.At)
	}
	return nil, l.errf(n.Span(), "a value list is not a query")
}

func (l *lowerer) terms(op string, at diag.Span, ns []Node, f func(Node) (plan.Expr, error)) (plan.Expr, error) {
	out := make([]plan.Expr, len(ns))
	for i, t := range ns {
		e, err := f(t)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return fold(op, at, out), nil
}

// fieldName returns the full name of a field inside nested queries.
func (l *lowerer) fieldName(f *Field, prefix string) (string, error) {
	if !f.Quoted && strings.ContainsAny(f.Name, "*") {
		return "", l.unsupported(f.At, "wildcards in field names")
	}
	return prefix + f.Name, nil
}

// column resolves a field to an expression: its column, or the values at
// a path inside a dynamic column. ok is false when the table has no such
// field: then nothing matches.
func (l *lowerer) column(name string, at diag.Span) (plan.Expr, plan.Type, bool) {
	if i := l.cols.Index(name); i >= 0 {
		return plan.Col(name, at), l.cols[i].Type, true
	}
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		j := l.cols.Index(name[:i])
		if j < 0 {
			continue
		}
		if t := l.cols[j].Type; t != plan.TypeDynamic && t != plan.TypeUnknown {
			return nil, plan.TypeUnknown, false
		}
		return plan.Fn("kuery.path", at, plan.Col(name[:i], at), plan.Lit(event.String(name[i+1:]), at)), plan.TypeDynamic, true
	}
	return nil, plan.TypeUnknown, false
}

// values lowers the value (list) of field: value.
func (l *lowerer) values(n Node, name string, fieldAt diag.Span) (plan.Expr, error) {
	switch n := n.(type) {
	case *Or:
		return l.terms("or", n.At, n.Terms, func(t Node) (plan.Expr, error) { return l.values(t, name, fieldAt) })
	case *And:
		return l.terms("and", n.At, n.Terms, func(t Node) (plan.Expr, error) { return l.values(t, name, fieldAt) })
	case *Not:
		x, err := l.values(n.X, name, fieldAt)
		if err != nil {
			return nil, err
		}
		return plan.Fn("not", n.At, x), nil
	case *Paren:
		return l.values(n.X, name, fieldAt)
	case *Literal:
		col, t, ok := l.column(name, fieldAt)
		if !ok {
			return plan.Lit(event.Bool(false), n.At), nil
		}
		if n.Wildcard {
			if n.Pattern == "*" {
				return plan.Fn("kuery.exists", n.At, col), nil
			}
			switch t {
			case plan.TypeString, plan.TypeDynamic, plan.TypeUnknown:
			default:
				return nil, l.unsupported(n.At, "wildcard value on "+t.String()+" field '"+name+"'")
			}
			return plan.Fn("kuery.wildcard", n.At, col, plan.Lit(event.String(n.Pattern), n.At)), nil
		}
		if err := l.checkValue(n, name, t); err != nil {
			return nil, err
		}
		return plan.Fn("kuery.match", n.At, col, plan.Lit(event.String(n.Text), n.At)), nil
	}
	return nil, l.errf(n.Span(), "expected a value")
}

// checkValue rejects values a field of type t cannot hold, where
// Elasticsearch would fail the whole query.
func (l *lowerer) checkValue(v *Literal, name string, t plan.Type) error {
	switch t {
	case plan.TypeBool:
		if v.Text != "true" && v.Text != "false" && v.Text != "" {
			return l.errf(v.At, "field '%s' is boolean: %s is not true or false", name, strconv.Quote(v.Text))
		}
	case plan.TypeLong, plan.TypeReal:
		if _, err := strconv.ParseFloat(v.Text, 64); err != nil {
			return l.errf(v.At, "field '%s' is numeric: %s is not a number", name, strconv.Quote(v.Text))
		}
	case plan.TypeDatetime:
		if strings.HasPrefix(v.Text, "now") || strings.Contains(v.Text, "||") {
			return l.unsupported(v.At, "date math in "+strconv.Quote(v.Text))
		}
		if _, _, ok := plan.KueryDate(v.Text); !ok {
			return l.errf(v.At, "field '%s' is a date: %s is not a date", name, strconv.Quote(v.Text))
		}
	}
	return nil
}
