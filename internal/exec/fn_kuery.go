package exec

import (
	"regexp"
	"strconv"
	"strings"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// The kuery.* entries: Elastic Kuery matching, two-valued (see
// plan/catalog_kuery.go for the semantics).
func init() {
	register(kueryMatchBuilder, "kuery.match")
	register(kueryWildcardBuilder, "kuery.wildcard")
	register(fn1(func(v event.Value) event.Value { return event.Bool(kueryExists(v)) }), "kuery.exists")
	register(kueryRangeBuilder, "kuery.range")
	register(kueryPathBuilder, "kuery.path")
}

// constText returns constant string argument i of call.
func constText(call *plan.Call, i int) (string, error) {
	v, ok := constArg(call, i)
	if !ok || v.Kind() != event.KindString {
		return "", plan.Errorf(call.At, "%s: argument %d must be a string literal", call.Func, i+1)
	}
	return v.Str(), nil
}

// kueryValue is the text of a Kuery value, pre-parsed for every kind of
// element it may meet.
type kueryValue struct {
	text         string
	isLong       bool
	long         int64
	isNum        bool
	num          float64
	isDate       bool
	dateLo, date int64 // first and last millisecond the text covers
}

func newKueryValue(s string) kueryValue {
	v := kueryValue{text: s}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		v.isLong, v.long = true, n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		v.isNum, v.num = true, f
	}
	v.dateLo, v.date, v.isDate = plan.KueryDate(s)
	return v
}

// millis is a datetime as Elasticsearch stores it: whole milliseconds.
func millis(v event.Value) int64 {
	ns := v.Time().UnixNano()
	ms := ns / 1e6
	if ns%1e6 < 0 {
		ms--
	}
	return ms
}

// anyElem reports whether f holds for v or, for an array, for any element
// (nested arrays flatten, as Elasticsearch indexes them).
func anyElem(v event.Value, f func(event.Value) bool) bool {
	if v.Kind() == event.KindArray {
		for _, e := range v.Elems() {
			if anyElem(e, f) {
				return true
			}
		}
		return false
	}
	return f(v)
}

func (k *kueryValue) matches(e event.Value) bool {
	switch e.Kind() {
	case event.KindString:
		return e.Str() == k.text
	case event.KindBool:
		switch k.text {
		case "true":
			return e.AsBool()
		case "false", "":
			return !e.AsBool()
		}
	case event.KindLong:
		if k.isLong {
			return e.AsLong() == k.long
		}
		return k.isNum && float64(e.AsLong()) == k.num
	case event.KindReal:
		return k.isNum && e.AsReal() == k.num
	case event.KindDatetime:
		ms := millis(e)
		return k.isDate && k.dateLo <= ms && ms <= k.date
	}
	return false
}

func kueryMatchBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	s, err := constText(call, 1)
	if err != nil {
		return nil, err
	}
	k := newKueryValue(s)
	x := args[0]
	return func(row []event.Value) event.Value {
		return event.Bool(anyElem(x(row), k.matches))
	}, nil
}

// kueryWildcard compiles a Kuery wildcard pattern ('*' any run, '?' one
// character, backslash escapes) into an anchored regular expression.
func kueryWildcard(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		case c == '*':
			b.WriteString(`.*`)
		case c == '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		}
	}
	b.WriteString(`)$`)
	return regexp.Compile(b.String())
}

func kueryWildcardBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	s, err := constText(call, 1)
	if err != nil {
		return nil, err
	}
	re, err := kueryWildcard(s)
	if err != nil {
		return nil, plan.Errorf(call.At, "kuery.wildcard: %v", err)
	}
	x := args[0]
	match := func(e event.Value) bool { return e.Kind() == event.KindString && re.MatchString(e.Str()) }
	return func(row []event.Value) event.Value {
		return event.Bool(anyElem(x(row), match))
	}, nil
}

// kueryExists is the exists query: a non-null value, "" included, or an
// array with a non-null element.
func kueryExists(v event.Value) bool {
	return anyElem(v, func(e event.Value) bool { return !e.IsNull() })
}

func kueryRangeBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	op, err := constText(call, 1)
	if err != nil {
		return nil, err
	}
	s, err := constText(call, 2)
	if err != nil {
		return nil, err
	}
	var want func(c int) bool
	switch op {
	case "<":
		want = func(c int) bool { return c < 0 }
	case "<=":
		want = func(c int) bool { return c <= 0 }
	case ">":
		want = func(c int) bool { return c > 0 }
	case ">=":
		want = func(c int) bool { return c >= 0 }
	default:
		return nil, plan.Errorf(call.At, "kuery.range: unknown operator %q", op)
	}
	k := newKueryValue(s)
	match := func(e event.Value) bool {
		switch e.Kind() {
		case event.KindString:
			return want(strings.Compare(e.Str(), k.text))
		case event.KindLong, event.KindReal:
			if !k.isNum {
				return false
			}
			return want(event.Compare(e, event.Real(k.num)))
		case event.KindDatetime:
			if !k.isDate {
				return false
			}
			ms := millis(e)
			// gt and lte compare with the end of the value's precision,
			// gte and lt with its start (Elasticsearch date rounding).
			bound := k.dateLo
			if op == ">" || op == "<=" {
				bound = k.date
			}
			return want(cmp64(ms, bound))
		case event.KindBool:
			b := 0
			if e.AsBool() {
				b = 1
			}
			switch k.text {
			case "true":
				return want(b - 1)
			case "false":
				return want(b)
			}
		}
		return false
	}
	x := args[0]
	return func(row []event.Value) event.Value {
		return event.Bool(anyElem(x(row), match))
	}, nil
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func kueryPathBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	s, err := constText(call, 1)
	if err != nil {
		return nil, err
	}
	path := strings.Split(s, ".")
	x := args[0]
	return func(row []event.Value) event.Value {
		var out []event.Value
		out = collectPath(out, x(row), path)
		if len(out) == 0 {
			return event.Null
		}
		return event.Array(out...)
	}, nil
}

// collectPath appends the values at path below v, descending through arrays
// at every level; arrays at the end are flattened.
func collectPath(out []event.Value, v event.Value, path []string) []event.Value {
	switch v.Kind() {
	case event.KindArray:
		for _, e := range v.Elems() {
			out = collectPath(out, e, path)
		}
		return out
	case event.KindNull:
		return out
	}
	if len(path) == 0 {
		return append(out, v)
	}
	if v.Kind() != event.KindObject {
		return out
	}
	m, ok := v.Get(path[0])
	if !ok {
		return out
	}
	return collectPath(out, m, path[1:])
}

// kueryMatchAny compiles an or of kuery.match tests of one column against
// string literals — what a Kuery list such as app_id:(a or b or …) lowers
// to — into one lookup: the column is read once and a string element is
// found in a set, where the chain of ors read it and compared it once per
// value. Other kinds of elements are tested against each value, as
// kuery.match does. It reports false when e is not such an or.
func (c *compiler) kueryMatchAny(e *plan.Call, in plan.Schema) (evalFn, bool) {
	const minValues = 4 // below this the chain is as fast
	if e.Func != "or" {
		return nil, false
	}
	var col *plan.ColumnRef
	var texts []string
	var walk func(x plan.Expr) bool
	walk = func(x plan.Expr) bool {
		call, ok := x.(*plan.Call)
		if !ok {
			return false
		}
		switch call.Func {
		case "or":
			return len(call.Args) == 2 && walk(call.Args[0]) && walk(call.Args[1])
		case "kuery.match":
			ref, ok := call.Args[0].(*plan.ColumnRef)
			if !ok || col != nil && ref.Name != col.Name {
				return false
			}
			s, err := constText(call, 1)
			if err != nil {
				return false
			}
			col = ref
			texts = append(texts, s)
			return true
		}
		return false
	}
	if !walk(e) || len(texts) < minValues {
		return nil, false
	}
	x, err := c.expr(col, in)
	if err != nil {
		return nil, false
	}
	m := &kueryMatchSet{set: make(map[string]struct{}, len(texts))}
	for _, s := range texts {
		m.set[s] = struct{}{}
		m.values = append(m.values, newKueryValue(s))
	}
	return func(row []event.Value) event.Value {
		return event.Bool(anyElem(x(row), m.matches))
	}, true
}

type kueryMatchSet struct {
	set    map[string]struct{}
	values []kueryValue
}

func (m *kueryMatchSet) matches(e event.Value) bool {
	if e.Kind() == event.KindString {
		_, ok := m.set[e.Str()]
		return ok
	}
	for i := range m.values {
		if m.values[i].matches(e) {
			return true
		}
	}
	return false
}
