package exec

import (
	"testing"

	"vigil/internal/plan"
)

// TestKueryFuncs states the kuery.* entries on the fixture row: two-valued,
// case-sensitive, arrays by any element, null never matching.
func TestKueryFuncs(t *testing.T) {
	runFnCases(t, []fnCase{
		// keyword: exact and case-sensitive
		{`(kuery.match upn "Alice@Contoso.com")`, `true`},
		{`(kuery.match upn "alice@contoso.com")`, `false`},
		{`(kuery.match e "")`, `true`},
		// null never matches, and the result is never null
		{`(kuery.match nul "5")`, `false`},
		{`(not (kuery.match nul "5"))`, `true`},
		// booleans, with the strings ES coerces
		{`(kuery.match b "true")`, `true`},
		{`(kuery.match b "false")`, `false`},
		{`(kuery.match b "yes")`, `false`},
		// numbers
		{`(kuery.match n "5")`, `true`},
		{`(kuery.match n "5.0")`, `true`},
		{`(kuery.match r "2.5")`, `true`},
		{`(kuery.match n "five")`, `false`},
		// dates: the range the text covers
		{`(kuery.match t "2024-05-01")`, `true`},
		{`(kuery.match t "2024-05-01T10:30:00Z")`, `true`},
		{`(kuery.match t "2024-05-01T10")`, `true`},
		{`(kuery.match t "2024-05-01T10:31")`, `false`},
		{`(kuery.match t "1714559400000")`, `true`},
		// arrays: any element, of its own kind
		{`(kuery.match arr "B")`, `true`},
		{`(kuery.match arr "b")`, `false`},
		{`(kuery.match arr "1")`, `true`},
		{`(kuery.match d "x")`, `false`},
		// an or of matches on one column is one set lookup: same answers
		{`(or (or (or (kuery.match upn "a") (kuery.match upn "Alice@Contoso.com")) (kuery.match upn "b")) (kuery.match upn "c"))`, `true`},
		{`(or (or (or (kuery.match upn "a") (kuery.match upn "alice@contoso.com")) (kuery.match upn "b")) (kuery.match upn "c"))`, `false`},
		{`(or (or (or (kuery.match n "a") (kuery.match n "5.0")) (kuery.match n "b")) (kuery.match n "c"))`, `true`},
		{`(or (or (or (kuery.match b "a") (kuery.match b "true")) (kuery.match b "b")) (kuery.match b "c"))`, `true`},
		{`(or (or (or (kuery.match t "a") (kuery.match t "2024-05-01T10")) (kuery.match t "b")) (kuery.match t "c"))`, `true`},
		{`(or (or (or (kuery.match arr "a") (kuery.match arr "1")) (kuery.match arr "b")) (kuery.match arr "c"))`, `true`},
		{`(or (or (or (kuery.match arr "A") (kuery.match arr "b")) (kuery.match arr "C")) (kuery.match arr "2"))`, `false`},
		{`(or (or (or (kuery.match nul "a") (kuery.match nul "5")) (kuery.match nul "b")) (kuery.match nul "c"))`, `false`},
		{`(or (or (or (kuery.match e "a") (kuery.match e "")) (kuery.match e "b")) (kuery.match e "c"))`, `true`},
		// wildcards
		{`(kuery.wildcard upn "Alice@*")`, `true`},
		{`(kuery.wildcard upn "alice@*")`, `false`},
		{`(kuery.wildcard upn "?lice@Contoso.co?")`, `true`},
		{`(kuery.wildcard upn "Alice\\@*")`, `true`},
		{`(kuery.wildcard s "Hello\\*")`, `false`},
		{`(kuery.wildcard arr "?")`, `true`},
		{`(kuery.wildcard n "*")`, `false`},
		// exists
		{`(kuery.exists e)`, `true`},
		{`(kuery.exists nul)`, `false`},
		{`(kuery.exists arr)`, `true`},
		{`(kuery.exists (json "[]"))`, `false`},
		{`(kuery.exists (json "[null]"))`, `false`},
		// ranges
		{`(kuery.range n ">" "4")`, `true`},
		{`(kuery.range n "<" "5")`, `false`},
		{`(kuery.range n "<=" "5")`, `true`},
		{`(kuery.range upn ">=" "Alice")`, `true`},
		{`(kuery.range t ">" "2024-05-01")`, `false`},
		{`(kuery.range t ">=" "2024-05-01")`, `true`},
		{`(kuery.range t "<=" "2024-05-01")`, `true`},
		{`(kuery.range t "<" "2024-05-01")`, `false`},
		{`(kuery.range nul ">" "0")`, `false`},
		{`(kuery.range arr ">" "0")`, `true`},
		// paths inside dynamic values, through arrays
		{`(kuery.path d "additionalDetails")`, `dynamic(["MFA denied; Fraud code entered"])`},
		{`(kuery.path d "arr")`, `dynamic([1,"a"])`},
		{`(kuery.path d "missing")`, `null`},
		{`(kuery.path (json "[{\"a\":{\"b\":1}},{\"a\":[{\"b\":2},{\"c\":3}]}]") "a.b")`, `dynamic([1,2])`},
	})
}

func TestKueryErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`(kuery.match s s)`, `offset 15: kuery.match: argument 2 must be a constant`},
		{`(kuery.range n "=" "1")`, `offset 0: kuery.range: unknown operator "="`},
	} {
		_, err := eval(t, tc.expr)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %q", tc.expr, err, tc.want)
		}
	}
}

// TestKueryMatchAnyCompiles checks that the or of matches above does take
// the set path, so that the cases test it rather than the chain of ors.
func TestKueryMatchAnyCompiles(t *testing.T) {
	c := &compiler{env: &runEnv{}}
	fnRowSchema, _ := fixtureRow(t)
	e := parseExpr(t, `(or (or (or (kuery.match upn "a") (kuery.match upn "b")) (kuery.match upn "c")) (kuery.match upn "d"))`)
	if _, ok := c.kueryMatchAny(e.(*plan.Call), fnRowSchema); !ok {
		t.Error("an or of four matches on one column did not compile to a set")
	}
	mixed := parseExpr(t, `(or (or (or (kuery.match upn "a") (kuery.match e "b")) (kuery.match upn "c")) (kuery.match upn "d"))`)
	if _, ok := c.kueryMatchAny(mixed.(*plan.Call), fnRowSchema); ok {
		t.Error("matches on two columns compiled to one set")
	}
}
