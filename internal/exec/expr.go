package exec

import (
	"vigil/internal/event"
	"vigil/internal/plan"
)

// evalFn computes a scalar expression for one row.
type evalFn func(row []event.Value) event.Value

// builder compiles a call of one catalogue function, given its compiled
// arguments. It may inspect the plan arguments (for constants) through call.
type builder func(c *compiler, call *plan.Call, args []evalFn) (evalFn, error)

// builders implements the scalar entries of the plan catalogue; the
// fn_*.go files fill it, one family per file.
var builders = map[string]builder{}

func register(b builder, names ...string) {
	for _, n := range names {
		builders[n] = b
	}
}

// expr compiles e against the schema in.
func (c *compiler) expr(e plan.Expr, in plan.Schema) (evalFn, error) {
	switch e := e.(type) {
	case *plan.Literal:
		v := e.Value
		return func([]event.Value) event.Value { return v }, nil
	case *plan.ColumnRef:
		i := in.Index(e.Name)
		if i < 0 {
			return nil, plan.Errorf(e.At, "unknown column '%s'", e.Name)
		}
		return func(row []event.Value) event.Value { return row[i] }, nil
	case *plan.Member:
		x, err := c.expr(e.X, in)
		if err != nil {
			return nil, err
		}
		name := e.Name
		return func(row []event.Value) event.Value {
			v, _ := x(row).Get(name)
			return v
		}, nil
	case *plan.Index:
		x, err := c.expr(e.X, in)
		if err != nil {
			return nil, err
		}
		idx, err := c.expr(e.Index, in)
		if err != nil {
			return nil, err
		}
		return func(row []event.Value) event.Value { return index(x(row), idx(row)) }, nil
	case *plan.Call:
		if f, ok := c.kueryMatchAny(e, in); ok {
			return f, nil
		}
		b, ok := builders[e.Func]
		if !ok {
			return nil, plan.Errorf(e.At, "not supported yet: function '%s'", e.Func)
		}
		args := make([]evalFn, len(e.Args))
		for i, a := range e.Args {
			f, err := c.expr(a, in)
			if err != nil {
				return nil, err
			}
			args[i] = f
		}
		return b(c, e, args)
	}
	return nil, plan.Errorf(e.Span(), "not supported yet: expression %T", e)
}

// exprs compiles a list of expressions.
func (c *compiler) exprs(es []plan.Expr, in plan.Schema) ([]evalFn, error) {
	out := make([]evalFn, len(es))
	for i, e := range es {
		f, err := c.expr(e, in)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// index implements x[i]: array element (negative from the end) or object
// member by string key; anything else is null.
func index(x, i event.Value) event.Value {
	switch {
	case x.Kind() == event.KindArray && i.Kind() == event.KindLong:
		n := i.AsLong()
		if n < 0 {
			n += int64(x.Len())
		}
		if n < 0 || n >= int64(x.Len()) {
			return event.Null
		}
		return x.Elem(int(n))
	case x.Kind() == event.KindObject && i.Kind() == event.KindString:
		v, _ := x.Get(i.Str())
		return v
	}
	return event.Null
}

// constArg returns the value of argument i of call when it is a literal.
func constArg(call *plan.Call, i int) (event.Value, bool) {
	if i >= len(call.Args) {
		return event.Null, false
	}
	l, ok := call.Args[i].(*plan.Literal)
	if !ok {
		return event.Null, false
	}
	return l.Value, true
}

// Simple builders for functions of fixed arity that need no compile-time
// work.

func fn1(f func(a event.Value) event.Value) builder {
	return func(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
		a := args[0]
		return func(row []event.Value) event.Value { return f(a(row)) }, nil
	}
}

func fn2(f func(a, b event.Value) event.Value) builder {
	return func(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
		a, b := args[0], args[1]
		return func(row []event.Value) event.Value { return f(a(row), b(row)) }, nil
	}
}

func fn3(f func(a, b, c event.Value) event.Value) builder {
	return func(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
		a, b, c := args[0], args[1], args[2]
		return func(row []event.Value) event.Value { return f(a(row), b(row), c(row)) }, nil
	}
}

// fnN passes all arguments, evaluated into a buffer owned by the compiled
// call (operators evaluate one row at a time, so one buffer suffices). f must
// not keep the slice.
func fnN(f func(args []event.Value) event.Value) builder {
	return func(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
		buf := make([]event.Value, len(args))
		return func(row []event.Value) event.Value {
			for i, a := range args {
				buf[i] = a(row)
			}
			return f(buf)
		}, nil
	}
}

var (
	vTrue  = event.Bool(true)
	vFalse = event.Bool(false)
)
