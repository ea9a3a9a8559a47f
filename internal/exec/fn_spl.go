package exec

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// The spl.* scalar entries: SPL's comparison, multivalue and text rules
// (semantics in plan/catalog_spl.go). Time functions are in fn_spl_time.go.

func init() {
	register(splSearchBuilder, "spl.search")
	register(fn2(func(a, b event.Value) event.Value { return splEq(a, b, false) }), "spl.==")
	register(fn2(func(a, b event.Value) event.Value { return splEq(a, b, true) }), "spl.!=")
	register(fn2(func(a, b event.Value) event.Value { return splOrder(a, b, func(c int) bool { return c < 0 }) }), "spl.<")
	register(fn2(func(a, b event.Value) event.Value { return splOrder(a, b, func(c int) bool { return c <= 0 }) }), "spl.<=")
	register(fn2(func(a, b event.Value) event.Value { return splOrder(a, b, func(c int) bool { return c > 0 }) }), "spl.>")
	register(fn2(func(a, b event.Value) event.Value { return splOrder(a, b, func(c int) bool { return c >= 0 }) }), "spl.>=")
	register(splLikeBuilder, "spl.like")
	register(splMatchBuilder, "spl.match")
	register(iffBuilder, "spl.if")
	register(splCaseBuilder, "spl.case")
	register(splCoalesceBuilder, "spl.coalesce")
	register(fn1(func(v event.Value) event.Value { return event.Bool(v.IsNull()) }), "spl.isnull")
	register(fn1(func(v event.Value) event.Value { return event.Bool(!v.IsNull()) }), "spl.isnotnull")
	register(fnN(splMvindex), "spl.mvindex")
	register(fn1(splMvcount), "spl.mvcount")
	register(fn2(splSplit), "spl.split")
	register(splReplaceBuilder, "spl.replace")
	register(fn1(eachText(strings.ToLower)), "spl.lower")
	register(fn1(eachText(strings.ToUpper)), "spl.upper")
	register(fn1(splLen), "spl.len")
	register(fnN(splSubstr), "spl.substr")
	register(fn1(eachText(func(s string) string { return s })), "spl.tostring")
	register(fnN(splToNumber), "spl.tonumber")
	register(fnN(splRound), "spl.round")
	register(fn2(splAdd), "spl.+")
	register(fn2(splArith('-')), "spl.-")
	register(fn2(splArith('*')), "spl.*")
	register(fn2(splArith('/')), "spl./")
	register(fn2(splArith('%')), "spl.%")
	register(fn1(splNeg), "spl.neg")
	register(fn2(splConcat), "spl.concat")
	register(fn2(splBin), "spl.bin")
	register(splRexBuilder, "spl.rex")
	register(splSpathBuilder, "spl.spath")
}

// splValues returns the values of a field: the elements of an array, none
// for null, else the value itself.
func splValues(v event.Value) []event.Value {
	switch v.Kind() {
	case event.KindNull:
		return nil
	case event.KindArray:
		return v.Elems()
	}
	return []event.Value{v}
}

// splMV builds a field from values: null for none, the value for one, an
// array for more.
func splMV(vals []event.Value) event.Value {
	switch len(vals) {
	case 0:
		return event.Null
	case 1:
		return vals[0]
	}
	return event.Array(vals...)
}

// splText is SPL's text form of a scalar: reals without exponent, other
// values as Text.
func splText(v event.Value) string {
	switch v.Kind() {
	case event.KindString:
		return v.Str()
	case event.KindReal:
		f := v.AsReal()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return v.Text()
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return v.Text()
}

// splNum returns the numeric reading of v: numbers, and strings that parse
// as numbers (surrounding space ignored).
func splNum(v event.Value) (event.Value, bool) {
	switch v.Kind() {
	case event.KindLong, event.KindReal:
		return v, true
	case event.KindString:
		return parseNumber(strings.TrimSpace(v.Str()))
	}
	return event.Null, false
}

// splCompare orders two scalars: numerically when both read as numbers, else
// by text.
func splCompare(a, b event.Value) int {
	if na, ok := splNum(a); ok {
		if nb, ok := splNum(b); ok {
			return event.Compare(na, nb)
		}
	}
	return strings.Compare(splText(a), splText(b))
}

func splEq(a, b event.Value, negate bool) event.Value {
	if a.IsNull() || b.IsNull() {
		return event.Null
	}
	bs := splValues(b)
	found := false
	for _, x := range splValues(a) {
		for _, y := range bs {
			if splCompare(x, y) == 0 {
				found = true
			}
		}
	}
	return event.Bool(found != negate)
}

func splOrder(a, b event.Value, want func(int) bool) event.Value {
	if a.IsNull() || b.IsNull() {
		return event.Null
	}
	for _, x := range splValues(a) {
		for _, y := range splValues(b) {
			if want(splCompare(x, y)) {
				return vTrue
			}
		}
	}
	return vFalse
}

// globFold matches s against pattern (both lower-cased by the caller), '*'
// matching any run of characters.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

func splSearchBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	v, ok := constArg(call, 1)
	if !ok {
		return nil, plan.Errorf(call.At, "spl.search: the pattern must be a literal")
	}
	pat := splText(v)
	wild := strings.Contains(pat, "*")
	lower := strings.ToLower(pat)
	num, isNum := splNum(event.String(pat))
	x := args[0]
	match := func(e event.Value) bool {
		if e.IsNull() {
			return false
		}
		if !wild {
			if isNum {
				if n, ok := splNum(e); ok && event.Compare(n, num) == 0 {
					return true
				}
			}
			return strings.EqualFold(splText(e), pat)
		}
		return glob(lower, strings.ToLower(splText(e)))
	}
	return func(row []event.Value) event.Value {
		for _, e := range splValues(x(row)) {
			if match(e) {
				return vTrue
			}
		}
		return vFalse
	}, nil
}

// likeRegexp compiles a SQL LIKE pattern (% any run, _ one character) into
// an anchored regular expression, so matching stays linear.
func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()) // quoted literals and .* always compile
}

func splLikeBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	x, p := args[0], args[1]
	var fixed *regexp.Regexp
	if v, ok := constArg(call, 1); ok && !v.IsNull() {
		fixed = likeRegexp(splText(v))
	}
	return func(row []event.Value) event.Value {
		re := fixed
		if re == nil {
			pv := p(row)
			if pv.IsNull() {
				return vFalse
			}
			re = likeRegexp(splText(pv))
		}
		for _, e := range splValues(x(row)) {
			if re.MatchString(splText(e)) {
				return vTrue
			}
		}
		return vFalse
	}, nil
}

func splMatchBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	re, err := constRegexp(call, 1)
	if err != nil {
		return nil, err
	}
	x := args[0]
	return func(row []event.Value) event.Value {
		for _, e := range splValues(x(row)) {
			if re.MatchString(splText(e)) {
				return vTrue
			}
		}
		return vFalse
	}, nil
}

func splCaseBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	return func(row []event.Value) event.Value {
		for i := 0; i+1 < len(args); i += 2 {
			if isTrue(args[i](row)) {
				return args[i+1](row)
			}
		}
		return event.Null
	}, nil
}

func splCoalesceBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	return func(row []event.Value) event.Value {
		for _, a := range args {
			if v := a(row); !v.IsNull() {
				return v
			}
		}
		return event.Null
	}, nil
}

func splMvindex(args []event.Value) event.Value {
	vals := splValues(args[0])
	n := int64(len(vals))
	idx := func(v event.Value) (int64, bool) {
		num, ok := splNum(v)
		if !ok {
			return 0, false
		}
		i := toLong(num).AsLong()
		if i < 0 {
			i += n
		}
		return i, true
	}
	start, ok := idx(args[1])
	if !ok || start < 0 || start >= n {
		return event.Null
	}
	if len(args) < 3 {
		return vals[start]
	}
	end, ok := idx(args[2])
	if !ok || end < start {
		return event.Null
	}
	end = min(end, n-1)
	return splMV(append([]event.Value(nil), vals[start:end+1]...))
}

func splMvcount(v event.Value) event.Value {
	if v.IsNull() {
		return event.Null
	}
	return event.Long(int64(len(splValues(v))))
}

func splSplit(x, d event.Value) event.Value {
	if x.IsNull() || d.IsNull() {
		return event.Null
	}
	var out []event.Value
	for _, e := range splValues(x) {
		s, delim := splText(e), splText(d)
		var parts []string
		if delim == "" {
			for _, r := range s {
				parts = append(parts, string(r))
			}
		} else {
			parts = strings.Split(s, delim)
		}
		for _, p := range parts {
			out = append(out, event.String(p))
		}
	}
	return splMV(out)
}

func splReplaceBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	re, err := constRegexp(call, 1)
	if err != nil {
		return nil, err
	}
	x, rw := args[0], args[2]
	return func(row []event.Value) event.Value {
		v, r := x(row), rw(row)
		if v.IsNull() || r.IsNull() {
			return event.Null
		}
		tmpl := kustoRewrite(splText(r))
		var out []event.Value
		for _, e := range splValues(v) {
			out = append(out, event.String(re.ReplaceAllString(splText(e), tmpl)))
		}
		return splMV(out)
	}, nil
}

// eachText applies f to the text of each value.
func eachText(f func(string) string) func(event.Value) event.Value {
	return func(v event.Value) event.Value {
		vals := splValues(v)
		if len(vals) == 0 {
			return event.Null
		}
		out := make([]event.Value, len(vals))
		for i, e := range vals {
			out[i] = event.String(f(splText(e)))
		}
		return splMV(out)
	}
}

func splLen(v event.Value) event.Value {
	if v.IsNull() {
		return event.Null
	}
	return event.Long(int64(utf8.RuneCountInString(splText(v))))
}

func splSubstr(args []event.Value) event.Value {
	if args[0].IsNull() {
		return event.Null
	}
	runes := []rune(splText(args[0]))
	n := int64(len(runes))
	sv, ok := splNum(args[1])
	if !ok {
		return event.Null
	}
	start := toLong(sv).AsLong()
	switch {
	case start < 0:
		start = max(n+start, 0)
	case start > 0:
		start--
	}
	end := n
	if len(args) == 3 {
		lv, ok := splNum(args[2])
		if !ok || toLong(lv).AsLong() < 0 {
			return event.Null
		}
		end = min(start+toLong(lv).AsLong(), n)
	}
	if start >= end {
		return event.String("")
	}
	return event.String(string(runes[start:end]))
}

func splToNumber(args []event.Value) event.Value {
	v := args[0]
	base := int64(10)
	if len(args) == 2 {
		b, ok := splNum(args[1])
		if !ok {
			return event.Null
		}
		base = toLong(b).AsLong()
	}
	if base == 10 {
		n, ok := splNum(v)
		if !ok {
			return event.Null
		}
		return n
	}
	if base < 2 || base > 36 || v.Kind() != event.KindString {
		return event.Null
	}
	s := strings.TrimSpace(v.Str())
	if base == 16 {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	}
	n, err := strconv.ParseInt(s, int(base), 64)
	if err != nil {
		return event.Null
	}
	return event.Long(n)
}

func splRound(args []event.Value) event.Value {
	n, ok := splNum(args[0])
	if !ok {
		return event.Null
	}
	digits := int64(0)
	if len(args) == 2 {
		d, ok := splNum(args[1])
		if !ok {
			return event.Null
		}
		digits = toLong(d).AsLong()
	}
	if n.Kind() == event.KindLong && digits >= 0 {
		return n
	}
	f := n.AsReal()
	if digits <= 0 {
		return event.Long(int64(math.Round(f)))
	}
	p := math.Pow(10, float64(min(digits, 15)))
	return event.Real(math.Round(f*p) / p)
}

// splNumber returns a long when f is integral and fits, else a real.
func splNumber(f float64) event.Value {
	if f == math.Trunc(f) && math.Abs(f) < 9e15 {
		return event.Long(int64(f))
	}
	return event.Real(f)
}

func splAdd(a, b event.Value) event.Value {
	if a.IsNull() || b.IsNull() {
		return event.Null
	}
	if na, ok := splNum(a); ok {
		if nb, ok := splNum(b); ok {
			return splArith('+')(na, nb)
		}
	}
	return event.String(splText(a) + splText(b))
}

func splArith(op byte) func(a, b event.Value) event.Value {
	return func(a, b event.Value) event.Value {
		na, ok1 := splNum(a)
		nb, ok2 := splNum(b)
		if !ok1 || !ok2 {
			return event.Null
		}
		if na.Kind() == event.KindLong && nb.Kind() == event.KindLong {
			x, y := na.AsLong(), nb.AsLong()
			switch op {
			case '+':
				return event.Long(x + y)
			case '-':
				return event.Long(x - y)
			case '*':
				return event.Long(x * y)
			case '/':
				if y == 0 {
					return event.Null
				}
				if x%y == 0 {
					return event.Long(x / y)
				}
				return event.Real(float64(x) / float64(y))
			case '%':
				if y == 0 {
					return event.Null
				}
				return event.Long(x % y)
			}
		}
		x, y := na.AsReal(), nb.AsReal()
		switch op {
		case '+':
			return event.Real(x + y)
		case '-':
			return event.Real(x - y)
		case '*':
			return event.Real(x * y)
		case '/':
			if y == 0 {
				return event.Null
			}
			return event.Real(x / y)
		case '%':
			if y == 0 {
				return event.Null
			}
			return event.Real(math.Mod(x, y))
		}
		return event.Null
	}
}

func splNeg(v event.Value) event.Value {
	n, ok := splNum(v)
	if !ok {
		return event.Null
	}
	if n.Kind() == event.KindLong {
		return event.Long(-n.AsLong())
	}
	return event.Real(-n.AsReal())
}

func splConcat(a, b event.Value) event.Value {
	if a.IsNull() || b.IsNull() {
		return event.Null
	}
	return event.String(splText(a) + splText(b))
}

func splBin(x, span event.Value) event.Value {
	if x.Kind() == event.KindDatetime {
		x = splEpoch(x)
	}
	n, ok1 := splNum(x)
	s, ok2 := splNum(span)
	if !ok1 || !ok2 || s.AsReal() <= 0 {
		return event.Null
	}
	if n.Kind() == event.KindLong && s.Kind() == event.KindLong {
		a, b := n.AsLong(), s.AsLong()
		q := a / b
		if a%b != 0 && a < 0 {
			q--
		}
		return event.Long(q * b)
	}
	return splNumber(math.Floor(n.AsReal()/s.AsReal()) * s.AsReal())
}

func splRexBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	re, err := constRegexp(call, 1)
	if err != nil {
		return nil, err
	}
	g, ok := constArg(call, 2)
	if !ok || g.Kind() != event.KindString {
		return nil, plan.Errorf(call.At, "spl.rex: the group must be a string literal")
	}
	idx := re.SubexpIndex(g.Str())
	if idx < 0 {
		return nil, plan.Errorf(call.At, "spl.rex: the regular expression has no group '%s'", g.Str())
	}
	x := args[0]
	return func(row []event.Value) event.Value {
		vals := splValues(x(row))
		if len(vals) == 0 {
			return event.Null
		}
		m := re.FindStringSubmatchIndex(splText(vals[0]))
		if m == nil || m[2*idx] < 0 {
			return event.Null
		}
		return event.String(splText(vals[0])[m[2*idx]:m[2*idx+1]])
	}, nil
}

// spathStep is one step of an spath path: a member name, then optionally
// all elements ({}) or one element ({n}, 1-based).
type spathStep struct {
	name  string
	all   bool
	index int // 1-based; 0 when none
}

func parseSpath(path string) ([]spathStep, bool) {
	var out []spathStep
	for _, part := range strings.Split(path, ".") {
		st := spathStep{name: part}
		if i := strings.IndexByte(part, '{'); i >= 0 {
			if !strings.HasSuffix(part, "}") {
				return nil, false
			}
			st.name = part[:i]
			inner := part[i+1 : len(part)-1]
			if inner == "" {
				st.all = true
			} else {
				n, err := strconv.Atoi(inner)
				if err != nil || n < 1 {
					return nil, false
				}
				st.index = n
			}
		}
		out = append(out, st)
	}
	return out, true
}

func splSpathBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	p, ok := constArg(call, 1)
	if !ok || p.Kind() != event.KindString {
		return nil, plan.Errorf(call.At, "spl.spath: the path must be a string literal")
	}
	steps, ok := parseSpath(p.Str())
	if !ok {
		return nil, plan.Errorf(call.At, "spl.spath: bad path '%s'", p.Str())
	}
	x := args[0]
	return func(row []event.Value) event.Value {
		v := x(row)
		if v.Kind() == event.KindString {
			d, err := event.ParseJSON(v.Str())
			if err != nil {
				return event.Null
			}
			v = d
		}
		cur := []event.Value{v}
		for _, st := range steps {
			var next []event.Value
			for _, c := range cur {
				if st.name != "" {
					m, ok := c.Get(st.name)
					if !ok {
						continue
					}
					c = m
				}
				switch {
				case st.all && c.Kind() == event.KindArray:
					next = append(next, c.Elems()...)
				case st.index > 0:
					if c.Kind() == event.KindArray && st.index <= c.Len() {
						next = append(next, c.Elem(st.index-1))
					}
				case st.all:
				default:
					next = append(next, c)
				}
			}
			cur = next
		}
		var out []event.Value
		for _, c := range cur {
			switch c.Kind() {
			case event.KindNull:
			case event.KindArray, event.KindObject:
				out = append(out, event.String(string(c.AppendJSON(nil))))
			default:
				out = append(out, c)
			}
		}
		return splMV(out)
	}, nil
}
