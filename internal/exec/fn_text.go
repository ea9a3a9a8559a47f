package exec

import (
	"strings"
	"unicode/utf8"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// More text functions: regex replacement, substrings, joins and searches.

func init() {
	register(replaceRegexBuilder(1, 0, 2), "replace_regex")
	register(replaceRegexBuilder(0, 2, 1), "replace")
	register(fnN(substring), "substring")
	register(fnN(strcatDelim), "strcat_delim")
	register(fn2(indexOf), "indexof")
}

// kustoRewrite turns a Kusto rewrite pattern (\1 names group 1) into Go's
// Regexp.Expand template (${1}); a literal $ is doubled.
func kustoRewrite(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			b.WriteString("${" + string(s[i+1]) + "}")
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// replaceRegexBuilder compiles replace_regex and the older replace, which
// take the same three arguments in different positions.
func replaceRegexBuilder(reArg, textArg, rewriteArg int) builder {
	return func(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
		re, err := constRegexp(call, reArg)
		if err != nil {
			return nil, err
		}
		src, rw := args[textArg], args[rewriteArg]
		return func(row []event.Value) event.Value {
			return event.String(re.ReplaceAllString(text(src(row)), kustoRewrite(text(rw(row)))))
		}, nil
	}
}

// substring(text, start [, length]) counts Unicode code points.
func substring(args []event.Value) event.Value {
	s := text(args[0])
	if !args[1].IsNumber() {
		return event.Null
	}
	start := max(args[1].AsLong(), 0)
	n := int64(utf8.RuneCountInString(s))
	end := n
	if len(args) == 3 {
		if !args[2].IsNumber() || args[2].AsLong() < 0 {
			return event.Null
		}
		end = min(start+args[2].AsLong(), n)
	}
	if start >= end {
		return event.String("")
	}
	runes := []rune(s)
	return event.String(string(runes[start:end]))
}

func strcatDelim(args []event.Value) event.Value {
	parts := make([]string, len(args)-1)
	for i, a := range args[1:] {
		parts[i] = text(a)
	}
	return event.String(strings.Join(parts, text(args[0])))
}

func indexOf(s, lookup event.Value) event.Value {
	str := text(s)
	i := strings.Index(str, text(lookup))
	if i < 0 {
		return event.Long(-1)
	}
	return event.Long(int64(utf8.RuneCountInString(str[:i])))
}
