package exec

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"vigil/internal/event"
	"vigil/internal/plan"
)

func init() {
	register(hasBuilder(true, false), "has")
	register(hasBuilder(true, true), "!has")
	register(hasBuilder(false, false), "has_cs")
	register(hasBuilder(false, true), "!has_cs")
	register(hasListBuilder(false), "has_any")
	register(hasListBuilder(true), "has_all")

	register(strPred(containsFold, false), "contains")
	register(strPred(containsFold, true), "!contains")
	register(strPred(strings.Contains, false), "contains_cs")
	register(strPred(strings.Contains, true), "!contains_cs")
	register(strPred(hasPrefixFold, false), "startswith")
	register(strPred(hasPrefixFold, true), "!startswith")
	register(strPred(strings.HasPrefix, false), "startswith_cs")
	register(strPred(strings.HasPrefix, true), "!startswith_cs")
	register(strPred(hasSuffixFold, false), "endswith")
	register(strPred(hasSuffixFold, true), "!endswith")
	register(strPred(strings.HasSuffix, false), "endswith_cs")
	register(strPred(strings.HasSuffix, true), "!endswith_cs")
	register(matchesRegex, "matches regex")

	register(fn1(func(v event.Value) event.Value { return event.String(strings.ToLower(text(v))) }), "tolower")
	register(fn1(func(v event.Value) event.Value { return event.String(strings.ToUpper(text(v))) }), "toupper")
	register(fn1(func(v event.Value) event.Value { return event.Long(int64(utf8.RuneCountInString(text(v)))) }), "strlen")
	register(fnN(strcat), "strcat")
	register(splitBuilder, "split")
	register(fn3(replaceString), "replace_string")
	register(extractBuilder, "extract")
}

// A term, for has and its relatives, is a maximal run of Unicode letters and
// digits (unicode.IsLetter, unicode.IsDigit). Every other rune separates
// terms — including '_': "user_declined" holds the terms "user" and
// "declined". Kusto documents terms only as "alphanumeric sequences";
// treating '_' as a separator follows the recommendation of SEMANTICS.md
// §E.4 and is covered by TestHas.
func isTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// nextTerm returns the bounds of the first term of s at or after byte i, or
// start = -1 when there is none.
func nextTerm(s string, i int) (start, end int) {
	start = -1
	for i < len(s) {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if isTermRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			return start, i
		}
		i += size
	}
	if start >= 0 {
		return start, len(s)
	}
	return -1, -1
}

// terms splits s into its terms.
func terms(s string) []string {
	var out []string
	for i := 0; ; {
		start, end := nextTerm(s, i)
		if start < 0 {
			return out
		}
		out = append(out, s[start:end])
		i = end
	}
}

// hasTerms reports whether the terms of needle occur in hay as consecutive
// whole terms. A needle without terms (empty, or only separators) matches
// nothing.
func hasTerms(hay string, needle []string, fold bool) bool {
	if len(needle) == 0 {
		return false
	}
	equal := func(a, b string) bool {
		if fold {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	for i := 0; ; {
		start, end := nextTerm(hay, i)
		if start < 0 {
			return false
		}
		i = end
		if !equal(hay[start:end], needle[0]) {
			continue
		}
		j, k := end, 1
		for ; k < len(needle); k++ {
			s, e := nextTerm(hay, j)
			if s < 0 || !equal(hay[s:e], needle[k]) {
				break
			}
			j = e
		}
		if k == len(needle) {
			return true
		}
	}
}

func hasBuilder(fold, negate bool) builder {
	return func(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
		hay := args[0]
		if v, ok := constArg(call, 1); ok {
			needle := terms(text(v))
			return func(row []event.Value) event.Value {
				return event.Bool(hasTerms(text(hay(row)), needle, fold) != negate)
			}, nil
		}
		needle := args[1]
		return func(row []event.Value) event.Value {
			return event.Bool(hasTerms(text(hay(row)), terms(text(needle(row))), fold) != negate)
		}, nil
	}
}

// hasListBuilder compiles has_any (all=false) and has_all (all=true). Array
// arguments contribute their elements; has_all of no needles is true. When
// the needles are literals (the usual case) their terms are split once.
func hasListBuilder(all bool) builder {
	match := func(hay string, needles [][]string) event.Value {
		for _, n := range needles {
			found := hasTerms(hay, n, true)
			if found && !all {
				return vTrue
			}
			if !found && all {
				return vFalse
			}
		}
		return event.Bool(all)
	}
	needleTerms := func(args []event.Value) [][]string {
		var out [][]string
		for _, a := range args {
			if a.Kind() == event.KindArray {
				for _, e := range a.Elems() {
					out = append(out, terms(text(e)))
				}
			} else {
				out = append(out, terms(text(a)))
			}
		}
		return out
	}
	return func(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
		hay := args[0]
		consts := make([]event.Value, 0, len(call.Args)-1)
		for i := 1; i < len(call.Args); i++ {
			v, ok := constArg(call, i)
			if !ok {
				break
			}
			consts = append(consts, v)
		}
		if len(consts) == len(call.Args)-1 {
			needles := needleTerms(consts)
			return func(row []event.Value) event.Value { return match(text(hay(row)), needles) }, nil
		}
		buf := make([]event.Value, len(args)-1)
		return func(row []event.Value) event.Value {
			for i, a := range args[1:] {
				buf[i] = a(row)
			}
			return match(text(hay(row)), needleTerms(buf))
		}, nil
	}
}

func strPred(match func(s, sub string) bool, negate bool) builder {
	return fn2(func(a, b event.Value) event.Value {
		return event.Bool(match(text(a), text(b)) != negate)
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// containsFold reports whether sub occurs in s ignoring case, without
// allocating for ASCII text.
func containsFold(s, sub string) bool {
	if !isASCII(s) || !isASCII(sub) {
		return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
	}
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n && lowerASCII(s[i+j]) == lowerASCII(sub[j]) {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	if isASCII(s) && isASCII(prefix) {
		return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
	}
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

func hasSuffixFold(s, suffix string) bool {
	if isASCII(s) && isASCII(suffix) {
		return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
	}
	return strings.HasSuffix(strings.ToLower(s), strings.ToLower(suffix))
}

// constRegexp compiles the literal regular expression argument i of call.
func constRegexp(call *plan.Call, i int) (*regexp.Regexp, error) {
	v, ok := constArg(call, i)
	if !ok || v.Kind() != event.KindString {
		return nil, plan.Errorf(call.Args[i].Span(), "%s: the regular expression must be a string literal", call.Func)
	}
	re, err := regexp.Compile(v.Str())
	if err != nil {
		return nil, plan.Errorf(call.Args[i].Span(), "%s: %w", call.Func, err)
	}
	return re, nil
}

func matchesRegex(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	re, err := constRegexp(call, 1)
	if err != nil {
		return nil, err
	}
	a := args[0]
	return func(row []event.Value) event.Value { return event.Bool(re.MatchString(text(a(row)))) }, nil
}

func strcat(args []event.Value) event.Value {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(text(a))
	}
	return event.String(b.String())
}

// split is Kusto split: the parts of the text between delimiters as a
// dynamic array of strings (split("", d) is [""]); with an index, an array
// holding only that part, or an empty array when out of range (or
// negative). An empty delimiter does not split.
func splitBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	s, d := args[0], args[1]
	var idx evalFn
	if len(args) == 3 {
		idx = args[2]
	}
	return func(row []event.Value) event.Value {
		str, delim := text(s(row)), text(d(row))
		if idx == nil {
			if delim == "" {
				return event.Array(event.String(str))
			}
			parts := strings.Split(str, delim)
			elems := make([]event.Value, len(parts))
			for i, p := range parts {
				elems[i] = event.String(p)
			}
			return event.Array(elems...)
		}
		iv := idx(row)
		if !iv.IsNumber() {
			return event.Null
		}
		want := iv.AsLong()
		if want < 0 {
			return event.Array()
		}
		for i, rest := int64(0), str; ; i++ {
			cut := -1
			if delim != "" {
				cut = strings.Index(rest, delim)
			}
			if i == want {
				if cut >= 0 {
					rest = rest[:cut]
				}
				return event.Array(event.String(rest))
			}
			if cut < 0 {
				return event.Array()
			}
			rest = rest[cut+len(delim):]
		}
	}, nil
}

func replaceString(s, lookup, rewrite event.Value) event.Value {
	str, old := text(s), text(lookup)
	if old == "" {
		return event.String(str)
	}
	return event.String(strings.ReplaceAll(str, old, text(rewrite)))
}

// extract(regex, group, text): the capture group of the first match, or ""
// when there is no match or no such group.
func extractBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	re, err := constRegexp(call, 0)
	if err != nil {
		return nil, err
	}
	g, ok := constArg(call, 1)
	if !ok || g.Kind() != event.KindLong || g.AsLong() < 0 || g.AsLong() > int64(re.NumSubexp()) {
		return nil, plan.Errorf(call.Args[1].Span(), "extract: capture group must be a literal between 0 and %d", re.NumSubexp())
	}
	group := int(g.AsLong())
	src := args[2]
	return func(row []event.Value) event.Value {
		s := text(src(row))
		m := re.FindStringSubmatchIndex(s)
		if m == nil || m[2*group] < 0 {
			return event.String("")
		}
		return event.String(s[m[2*group]:m[2*group+1]])
	}, nil
}
