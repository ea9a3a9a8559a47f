package exec

import (
	"strings"

	"vigil/internal/event"
	"vigil/internal/plan"
)

func init() {
	register(fn2(func(a, b event.Value) event.Value { return eqValue(a, b, false) }), "==")
	register(fn2(func(a, b event.Value) event.Value { return not(eqValue(a, b, false)) }), "!=")
	register(fn2(func(a, b event.Value) event.Value { return ordered(a, b, func(c int) bool { return c < 0 }) }), "<")
	register(fn2(func(a, b event.Value) event.Value { return ordered(a, b, func(c int) bool { return c <= 0 }) }), "<=")
	register(fn2(func(a, b event.Value) event.Value { return ordered(a, b, func(c int) bool { return c > 0 }) }), ">")
	register(fn2(func(a, b event.Value) event.Value { return ordered(a, b, func(c int) bool { return c >= 0 }) }), ">=")
	register(fn2(func(a, b event.Value) event.Value { return event.Bool(strings.EqualFold(text(a), text(b))) }), "=~")
	register(fn2(func(a, b event.Value) event.Value { return event.Bool(!strings.EqualFold(text(a), text(b))) }), "!~")
	register(inBuilder(false, false), "in")
	register(inBuilder(false, true), "!in")
	register(inBuilder(true, false), "in~")
	register(inBuilder(true, true), "!in~")
	register(fn3(between), "between")
	register(fn3(func(x, lo, hi event.Value) event.Value { return not(between(x, lo, hi)) }), "!between")
}

// eq is Kusto ==: ok is false when the result is null (an operand is null).
// Strings compare case-sensitively (or ignoring case with fold); a string
// against a number compares numerically after parsing the string, and an
// unparsable string is unequal; long and real compare numerically; values of
// unrelated kinds are unequal.
func eq(a, b event.Value, fold bool) (equal, ok bool) {
	ka, kb := a.Kind(), b.Kind()
	if ka == event.KindNull || kb == event.KindNull {
		return false, false
	}
	switch {
	case ka == event.KindString && kb == event.KindString:
		if fold {
			return strings.EqualFold(a.Str(), b.Str()), true
		}
		return a.Str() == b.Str(), true
	case a.IsNumber() && b.IsNumber():
		return event.Compare(a, b) == 0, true
	case ka == event.KindString && b.IsNumber():
		n, parsed := parseNumber(a.Str())
		return parsed && event.Compare(n, b) == 0, true
	case a.IsNumber() && kb == event.KindString:
		n, parsed := parseNumber(b.Str())
		return parsed && event.Compare(a, n) == 0, true
	}
	return event.Equal(a, b), true
}

func eqValue(a, b event.Value, fold bool) event.Value {
	e, ok := eq(a, b, fold)
	if !ok {
		return event.Null
	}
	return event.Bool(e)
}

// compare orders a and b for < <= > >= between: numbers numerically (a
// string against a number after parsing it), strings by bytes, bools,
// datetimes and timespans naturally. ok is false (the result is null) for
// nulls and unrelated kinds.
func compare(a, b event.Value) (c int, ok bool) {
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == event.KindNull || kb == event.KindNull:
		return 0, false
	case a.IsNumber() && b.IsNumber():
		return event.Compare(a, b), true
	case ka == event.KindString && b.IsNumber():
		n, parsed := parseNumber(a.Str())
		if !parsed {
			return 0, false
		}
		return event.Compare(n, b), true
	case a.IsNumber() && kb == event.KindString:
		n, parsed := parseNumber(b.Str())
		if !parsed {
			return 0, false
		}
		return event.Compare(a, n), true
	case ka == kb && ka != event.KindArray && ka != event.KindObject:
		return event.Compare(a, b), true
	}
	return 0, false
}

func ordered(a, b event.Value, want func(int) bool) event.Value {
	c, ok := compare(a, b)
	if !ok {
		return event.Null
	}
	return event.Bool(want(c))
}

// between is lo <= x <= hi. A timespan hi after a datetime lo is the length
// of the range, as Kusto documents: x between (a .. 1h) is a <= x <= a+1h.
func between(x, lo, hi event.Value) event.Value {
	if lo.Kind() == event.KindDatetime && hi.Kind() == event.KindTimespan {
		hi = event.Datetime(lo.Time().Add(hi.Duration()))
	}
	c1, ok1 := compare(lo, x)
	c2, ok2 := compare(x, hi)
	if !ok1 || !ok2 {
		return event.Null
	}
	return event.Bool(c1 <= 0 && c2 <= 0)
}

// not negates a bool Value; null stays null.
func not(v event.Value) event.Value {
	if v.Kind() != event.KindBool {
		return event.Null
	}
	return event.Bool(!v.AsBool())
}

// inBuilder compiles in, !in, in~ and !in~. A list of string literals (the
// common case: `ActivityType in ("FailedLogOn", "LogOn")`) becomes a set
// lookup; other lists compare element by element with ==. Array arguments
// contribute their elements. A null left operand is in no list.
func inBuilder(fold, negate bool) builder {
	return func(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
		x := args[0]
		if set, ok := stringSet(call, fold); ok {
			return func(row []event.Value) event.Value {
				v := x(row)
				found := false
				if v.Kind() == event.KindString {
					key := v.Str()
					if fold {
						key = strings.ToLower(key)
					}
					_, found = set[key]
				} else if !v.IsNull() {
					found = inList(v, setValues(call), fold)
				}
				return event.Bool(found != negate)
			}, nil
		}
		list := args[1:]
		buf := make([]event.Value, len(list))
		return func(row []event.Value) event.Value {
			v := x(row)
			for i, f := range list {
				buf[i] = f(row)
			}
			found := !v.IsNull() && inList(v, buf, fold)
			return event.Bool(found != negate)
		}, nil
	}
}

func inList(v event.Value, list []event.Value, fold bool) bool {
	for _, item := range list {
		if item.Kind() == event.KindArray {
			if inList(v, item.Elems(), fold) {
				return true
			}
			continue
		}
		if e, ok := eq(v, item, fold); ok && e {
			return true
		}
	}
	return false
}

// stringSet returns the set of the list arguments of call when they are all
// string literals (or literal arrays of strings), lower-cased with fold.
func stringSet(call *plan.Call, fold bool) (map[string]struct{}, bool) {
	set := map[string]struct{}{}
	for i := 1; i < len(call.Args); i++ {
		v, ok := constArg(call, i)
		if !ok {
			return nil, false
		}
		items := []event.Value{v}
		if v.Kind() == event.KindArray {
			items = v.Elems()
		}
		for _, it := range items {
			if it.Kind() != event.KindString {
				return nil, false
			}
			s := it.Str()
			if fold {
				s = strings.ToLower(s)
			}
			set[s] = struct{}{}
		}
	}
	return set, true
}

// setValues returns the literal list values of call (used for non-string
// left operands against a string set, e.g. a number in ("1", "2")).
func setValues(call *plan.Call) []event.Value {
	out := make([]event.Value, 0, len(call.Args)-1)
	for i := 1; i < len(call.Args); i++ {
		v, _ := constArg(call, i)
		out = append(out, v)
	}
	return out
}
