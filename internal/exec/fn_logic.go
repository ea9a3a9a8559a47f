package exec

import (
	"vigil/internal/event"
	"vigil/internal/plan"
)

func init() {
	register(andBuilder, "and")
	register(orBuilder, "or")
	register(fn1(not), "not")
	register(iffBuilder, "iff", "iif")
	register(caseBuilder, "case")
	register(coalesceBuilder, "coalesce")
	register(fn1(func(v event.Value) event.Value { return event.Bool(isEmpty(v)) }), "isempty")
	register(fn1(func(v event.Value) event.Value { return event.Bool(!isEmpty(v)) }), "isnotempty")
	register(fn1(func(v event.Value) event.Value { return event.Bool(v.IsNull()) }), "isnull")
	register(fn1(func(v event.Value) event.Value { return event.Bool(!v.IsNull()) }), "isnotnull")
}

// isTrue reports whether v is the bool true (null and non-bools are not).
func isTrue(v event.Value) bool { return v.Kind() == event.KindBool && v.AsBool() }

func isFalse(v event.Value) bool { return v.Kind() == event.KindBool && !v.AsBool() }

// andBuilder is three-valued and; the right side is not evaluated when the
// left is false.
func andBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	a, b := args[0], args[1]
	return func(row []event.Value) event.Value {
		x := a(row)
		if isFalse(x) {
			return vFalse
		}
		y := b(row)
		switch {
		case isFalse(y):
			return vFalse
		case isTrue(x) && isTrue(y):
			return vTrue
		}
		return event.Null
	}, nil
}

// orBuilder is three-valued or; the right side is not evaluated when the
// left is true.
func orBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	a, b := args[0], args[1]
	return func(row []event.Value) event.Value {
		x := a(row)
		if isTrue(x) {
			return vTrue
		}
		y := b(row)
		switch {
		case isTrue(y):
			return vTrue
		case isFalse(x) && isFalse(y):
			return vFalse
		}
		return event.Null
	}, nil
}

func iffBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	cond, a, b := args[0], args[1], args[2]
	return func(row []event.Value) event.Value {
		if isTrue(cond(row)) {
			return a(row)
		}
		return b(row)
	}, nil
}

func caseBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	return func(row []event.Value) event.Value {
		i := 0
		for ; i+1 < len(args); i += 2 {
			if isTrue(args[i](row)) {
				return args[i+1](row)
			}
		}
		return args[i](row)
	}, nil
}

func coalesceBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	return func(row []event.Value) event.Value {
		var v event.Value
		for _, a := range args {
			v = a(row)
			if !isEmpty(v) {
				return v
			}
		}
		return v
	}, nil
}

// isEmpty is Kusto isempty: null or the empty string.
func isEmpty(v event.Value) bool {
	return v.IsNull() || (v.Kind() == event.KindString && v.Str() == "")
}
