package exec

import (
	"context"
	"testing"
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// testNow is the "now" of every test run.
var testNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func mustJSON(t testing.TB, s string) event.Value {
	t.Helper()
	v, err := event.ParseJSON(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fixtureRow is the one row expressions are evaluated against.
func fixtureRow(t testing.TB) (plan.Schema, []event.Value) {
	schema := plan.Schema{
		{Name: "s", Type: plan.TypeString},
		{Name: "e", Type: plan.TypeString},
		{Name: "upn", Type: plan.TypeString},
		{Name: "code", Type: plan.TypeString},
		{Name: "n", Type: plan.TypeLong},
		{Name: "r", Type: plan.TypeReal},
		{Name: "b", Type: plan.TypeBool},
		{Name: "nul", Type: plan.TypeLong},
		{Name: "t", Type: plan.TypeDatetime},
		{Name: "d", Type: plan.TypeDynamic},
		{Name: "arr", Type: plan.TypeDynamic},
		{Name: "dn", Type: plan.TypeDynamic},
		{Name: "ds", Type: plan.TypeDynamic},
	}
	row := []event.Value{
		event.String("Hello World"),
		event.String(""),
		event.String("Alice@Contoso.com"),
		event.String("500121"),
		event.Long(5),
		event.Real(2.5),
		event.Bool(true),
		event.Null,
		event.Datetime(time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)),
		mustJSON(t, `{"additionalDetails":"MFA denied; Fraud code entered","n":1,"arr":[1,"a"]}`),
		mustJSON(t, `["a","B",1]`),
		event.Null,
		event.String("raw text"),
	}
	return schema, row
}

// eval evaluates the s-expression src against the fixture row through a
// real plan: Extend over a one-row Values table.
func eval(t testing.TB, src string) (event.Value, error) {
	t.Helper()
	schema, row := fixtureRow(t)
	root := &plan.Project{
		Input:   &plan.Values{Columns: schema, Rows: [][]event.Value{row}},
		Columns: []plan.Assign{{Name: "result", Expr: parseExpr(t, src)}},
	}
	res, err := Run(context.Background(), root, MemCatalog{}, Options{Now: testNow})
	if err != nil {
		return event.Null, err
	}
	return res.Rows[0][0], nil
}

type fnCase struct {
	expr string
	want string // show() of the result
}

func runFnCases(t *testing.T, cases []fnCase) {
	t.Helper()
	for _, tc := range cases {
		got, err := eval(t, tc.expr)
		if err != nil {
			t.Errorf("%s: unexpected error: %v", tc.expr, err)
			continue
		}
		if show(got) != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, show(got), tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	runFnCases(t, []fnCase{
		// string == number compares numerically after parsing (SEMANTICS §C.4)
		{`(== code 500121)`, `true`},
		{`(== code 500121.0)`, `true`},
		{`(== code 50074)`, `false`},
		{`(== "abc" 1)`, `false`},
		{`(!= "abc" 1)`, `true`},
		{`(== code "500121")`, `true`},
		// strings compare case-sensitively, whole string
		{`(== s "hello world")`, `false`},
		{`(== s "Hello World")`, `true`},
		// null is sticky
		{`(== nul 5)`, `null`},
		{`(!= nul 5)`, `null`},
		{`(> nul 20)`, `null`},
		{`(== n 5.0)`, `true`},
		{`(< n 10)`, `true`},
		{`(>= n 5)`, `true`},
		{`(> code 20)`, `true`},
		{`(> "abc" 20)`, `null`},
		{`(< "a" "b")`, `true`},
		{`(< t (dt "2024-05-01T11:00:00Z"))`, `true`},
		{`(> (ts "2h") (ts "90m"))`, `true`},
		// dynamic scalars compare by value
		{`(== (. d n) 1)`, `true`},
		{`(== ds "raw text")`, `true`},
		// =~ ignores case, whole string, no trimming
		{`(=~ s "hello world")`, `true`},
		{`(=~ s "HELLO WORLD.")`, `false`},
		{`(=~ "MFA DENIED; User Declined The Authentication" "MFA denied; user declined the authentication")`, `true`},
		{`(=~ "MFA denied; user declined the authentication." "MFA denied; user declined the authentication")`, `false`},
		{`(!~ s "x")`, `true`},
		{`(=~ e "")`, `true`},
		// in is case-sensitive, in~ is not
		{`(in s "Hello World" "x")`, `true`},
		{`(in s "hello world")`, `false`},
		{`(in~ s "hello world")`, `true`},
		{`(!in s "x")`, `true`},
		{`(!in~ s "HELLO WORLD")`, `false`},
		{`(in n 1 5)`, `true`},
		{`(in n 1 2)`, `false`},
		{`(in code 500121)`, `true`},
		{`(in nul 5)`, `false`},
		{`(!in nul 5)`, `true`},
		{`(in "a" (json "[\"x\",\"a\"]"))`, `true`},
		{`(in s e upn)`, `false`},
		{`(in "FailedLogOn" "FailedLogOn" "LogOn")`, `true`},
		{`(in "logon" "FailedLogOn" "LogOn")`, `false`},
		// between is inclusive
		{`(between n 1 5)`, `true`},
		{`(between n 6 10)`, `false`},
		{`(between nul 1 2)`, `null`},
		{`(!between n 6 10)`, `true`},
		{`(between t (dt "2024-05-01T10:00:00Z") (dt "2024-05-01T11:00:00Z"))`, `true`},
	})
}

func TestHas(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(has s "world")`, `true`},
		{`(has s "WORLD")`, `true`},
		{`(has s "wor")`, `false`},
		{`(has "MFA denied; Fraud code entered" "fraud")`, `true`},
		{`(has "fraud." "fraud")`, `true`},
		{`(has "FRAUD" "fraud")`, `true`},
		{`(has "fraudulent activity" "fraud")`, `false`},
		{`(has "antifraud" "fraud")`, `false`},
		{`(has "fraud2" "fraud")`, `false`},
		// '_' separates terms (decision recorded at isTermRune)
		{`(has "user_declined" "declined")`, `true`},
		{`(has "user_declined" "user_declined")`, `true`},
		{`(has "user-declined" "user_declined")`, `true`},
		// non-ASCII letters are term characters; case folds
		{`(has "Ünïcode wörds" "WÖRDS")`, `true`},
		{`(has "naïve" "na")`, `false`},
		// several terms must be consecutive
		{`(has "a b c" "b c")`, `true`},
		{`(has "a b c" "a c")`, `false`},
		// a needle without terms matches nothing
		{`(has s "")`, `false`},
		{`(has s " ")`, `false`},
		{`(has nul "5")`, `false`},
		{`(has n "5")`, `true`},
		{`(!has s "world")`, `false`},
		{`(!has s "fraud")`, `true`},
		{`(has_cs s "world")`, `false`},
		{`(has_cs s "World")`, `true`},
		{`(!has_cs s "world")`, `true`},
		{`(has_any s "x" "world")`, `true`},
		{`(has_any s "x" "y")`, `false`},
		{`(has_any s (json "[\"x\",\"hello\"]"))`, `true`},
		{`(has_all s "hello" "world")`, `true`},
		{`(has_all s "hello" "x")`, `false`},
		{`(has_any "b c" arr)`, `true`},
		{`(has_any s arr e)`, `false`},
		{`(has_all "a b 1" arr)`, `true`},
		{`(has (. d additionalDetails) "fraud")`, `true`},
	})
}

func TestStringFunctions(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(contains s "LO WO")`, `true`},
		{`(contains_cs s "LO WO")`, `false`},
		{`(contains "Straße" "SSE")`, `false`},
		{`(contains "ÄBC" "äb")`, `true`},
		{`(!contains s "xyz")`, `true`},
		{`(!contains_cs s "World")`, `false`},
		{`(contains s "")`, `true`},
		{`(startswith s "hello")`, `true`},
		{`(startswith_cs s "hello")`, `false`},
		{`(!startswith s "hello")`, `false`},
		{`(endswith s "WORLD")`, `true`},
		{`(endswith_cs s "WORLD")`, `false`},
		{`(!endswith_cs s "WORLD")`, `true`},
		{`(matches_regex s "^H.*d$")`, `true`},
		{`(matches_regex s "^h")`, `false`},
		{`(matches_regex code "^5\\d+$")`, `true`},
		{`(tolower upn)`, `"alice@contoso.com"`},
		{`(toupper "Ärger")`, `"ÄRGER"`},
		{`(tolower nul)`, `""`},
		{`(strcat "a" n nul "b")`, `"a5b"`},
		{`(strcat upn)`, `"Alice@Contoso.com"`},
		{`(strlen "héllo")`, `5`},
		// split returns arrays; with an index, a one-element array or []
		{`(split upn "@")`, `dynamic(["Alice","Contoso.com"])`},
		{`(split upn "@" 0)`, `dynamic(["Alice"])`},
		{`(split upn "@" 1)`, `dynamic(["Contoso.com"])`},
		{`(split upn "@" 2)`, `dynamic([])`},
		{`(split "" "@")`, `dynamic([""])`},
		{`(split "a@b@c" "@" 1)`, `dynamic(["b"])`},
		{`(split "nouser" "@" 0)`, `dynamic(["nouser"])`},
		{`(split "nouser" "@" 1)`, `dynamic([])`},
		{`([] (split "nouser" "@" 1) 0)`, `null`},
		{`(tostring ([] (split "nouser" "@" 1) 0))`, `""`},
		{`(tostring ([] (split upn "@" 0) 0))`, `"Alice"`},
		{`(split "abc" "")`, `dynamic(["abc"])`},
		{`(replace_string s "o" "0")`, `"Hell0 W0rld"`},
		{`(replace_string s "" "x")`, `"Hello World"`},
		{`(extract "(\\d+)" 1 "abc 123 def")`, `"123"`},
		{`(extract "(\\d+)" 0 "abc 123 def")`, `"123"`},
		{`(extract "x(\\d+)" 1 "abc")`, `""`},
		{`(replace_regex "user@contoso.com" "(\\w+)@(\\w+)" "\\2/\\1 $")`, `"contoso/user $.com"`},
		{`(replace "o" "0" s)`, `"Hell0 W0rld"`},
		{`(substring "héllo" 1 3)`, `"éll"`},
		{`(substring s 6)`, `"World"`},
		{`(substring s -3 2)`, `"He"`},
		{`(substring s 50)`, `""`},
		{`(strcat_delim "," "a" n nul)`, `"a,5,"`},
		{`(indexof "héllo" "l")`, `2`},
		{`(indexof s "x")`, `-1`},
	})
}

func TestConversions(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(tostring n)`, `"5"`},
		{`(tostring r)`, `"2.5"`},
		{`(tostring nul)`, `""`},
		{`(tostring dn)`, `""`},
		{`(tostring ds)`, `"raw text"`},
		{`(tostring (. d additionalDetails))`, `"MFA denied; Fraud code entered"`},
		{`(tostring (. d missing))`, `""`},
		{`(tostring arr)`, `"[\"a\",\"B\",1]"`},
		{`(tostring t)`, `"2024-05-01T10:30:00Z"`},
		{`(tostring (dt "2024-05-01T10:30:00.1234567Z"))`, `"2024-05-01T10:30:00.1234567Z"`},
		{`(tostring b)`, `"true"`},
		{`(tostring (ts "1h30m"))`, `"01:30:00"`},
		{`(tostring (ts "50h"))`, `"2.02:00:00"`},
		{`(toint "42")`, `42`},
		{`(toint "4.7")`, `4`},
		{`(toint "x")`, `null`},
		{`(toint "")`, `null`},
		{`(tolong r)`, `2`},
		{`(tolong b)`, `1`},
		{`(toreal "2.5")`, `2.5`},
		{`(toreal n)`, `5.0`},
		{`(todouble "abc")`, `null`},
		{`(todatetime "2024-05-01T10:30:00Z")`, `datetime(2024-05-01T10:30:00Z)`},
		{`(todatetime "2024-05-01T10:30:00.5+02:00")`, `datetime(2024-05-01T08:30:00.5Z)`},
		{`(todatetime "2024-05-01 10:30:00")`, `datetime(2024-05-01T10:30:00Z)`},
		{`(todatetime "2024-05-01")`, `datetime(2024-05-01T00:00:00Z)`},
		{`(todatetime "garbage")`, `null`},
		{`(todatetime t)`, `datetime(2024-05-01T10:30:00Z)`},
		{`(totimespan "01:30:00")`, `timespan(01:30:00)`},
		{`(totimespan "1.00:00:01.5")`, `timespan(1.00:00:01.5000000)`},
		{`(totimespan "x")`, `null`},
		{`(tobool "TRUE")`, `true`},
		{`(tobool 0)`, `false`},
		{`(tobool "yes")`, `null`},
		{`(todynamic "{\"a\":[1,2.5,\"x\"]}")`, `dynamic({"a":[1,2.5,"x"]})`},
		{`(parse_json "not json")`, `"not json"`},
		{`(parse_json "500121")`, `500121`},
		{`(todynamic n)`, `5`},
		{`(. (parse_json "{\"a\":{\"b\":true}}") a)`, `dynamic({"b":true})`},
	})
}

func TestLogicAndConditionals(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(and true true)`, `true`},
		{`(and true null)`, `null`},
		{`(and false null)`, `false`},
		{`(and null false)`, `false`},
		{`(or true null)`, `true`},
		{`(or null true)`, `true`},
		{`(or false null)`, `null`},
		{`(or false false)`, `false`},
		{`(not null)`, `null`},
		{`(not (== n 5))`, `false`},
		{`(iff (== n 5) "yes" "no")`, `"yes"`},
		{`(iff (== nul 1) "yes" "no")`, `"no"`},
		{`(iif false 1 2)`, `2`},
		{`(case (== n 1) "one" (== n 5) "five" "other")`, `"five"`},
		{`(case false 1 2)`, `2`},
		{`(case (== nul 1) 1 2)`, `2`},
		{`(coalesce nul e "x")`, `"x"`},
		{`(coalesce nul n)`, `5`},
		{`(coalesce nul)`, `null`},
		{`(isempty e)`, `true`},
		{`(isempty nul)`, `true`},
		{`(isempty dn)`, `true`},
		{`(isempty s)`, `false`},
		{`(isempty n)`, `false`},
		{`(isnotempty s)`, `true`},
		{`(isnotempty e)`, `false`},
		{`(isnull e)`, `false`},
		{`(isnull nul)`, `true`},
		{`(isnotnull n)`, `true`},
		{`(isnotnull nul)`, `false`},
	})
}

func TestArithmetic(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(+ n 2)`, `7`},
		{`(+ n r)`, `7.5`},
		{`(- n 7)`, `-2`},
		{`(* n 2)`, `10`},
		{`(/ n 2)`, `2`},
		{`(/ -7 2)`, `-3`},
		{`(/ n 0)`, `null`},
		{`(/ r 2)`, `1.25`},
		{`(/ 1.0 0)`, `Infinity`},
		{`(% n 3)`, `2`},
		{`(% n 0)`, `null`},
		{`(+ nul 1)`, `null`},
		{`(neg n)`, `-5`},
		{`(neg (ts "1h"))`, `timespan(-01:00:00)`},
		{`(+ t (ts "1h"))`, `datetime(2024-05-01T11:30:00Z)`},
		{`(+ (ts "1h") t)`, `datetime(2024-05-01T11:30:00Z)`},
		{`(- t (dt "2024-05-01T10:00:00Z"))`, `timespan(00:30:00)`},
		{`(- t (ts "30m"))`, `datetime(2024-05-01T10:00:00Z)`},
		{`(+ (ts "1h") (ts "30m"))`, `timespan(01:30:00)`},
		{`(* (ts "1h") 2)`, `timespan(02:00:00)`},
		{`(* 2 (ts "1h"))`, `timespan(02:00:00)`},
		{`(/ (ts "1h") 2)`, `timespan(00:30:00)`},
		{`(/ (ts "1h") (ts "30m"))`, `2.0`},
		{`(+ (. d n) 1)`, `2`},
	})
}

func TestTimeFunctions(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(now)`, `datetime(2024-05-01T12:00:00Z)`},
		{`(now (ts "-1h"))`, `datetime(2024-05-01T11:00:00Z)`},
		{`(ago (ts "1h"))`, `datetime(2024-05-01T11:00:00Z)`},
		{`(ago (ts "24h"))`, `datetime(2024-04-30T12:00:00Z)`},
		{`(bin t (ts "1h"))`, `datetime(2024-05-01T10:00:00Z)`},
		{`(bin t (ts "24h"))`, `datetime(2024-05-01T00:00:00Z)`},
		// 7-day bins count from 0001-01-01, a Monday: 2024-05-01 is a Wednesday
		{`(bin t (ts "168h"))`, `datetime(2024-04-29T00:00:00Z)`},
		{`(bin (dt "1969-12-31T23:30:00Z") (ts "1h"))`, `datetime(1969-12-31T23:00:00Z)`},
		{`(bin n 2)`, `4`},
		{`(bin -3 2)`, `-4`},
		{`(bin r 1)`, `2.0`},
		{`(bin n 0)`, `null`},
		{`(bin (ts "95m") (ts "1h"))`, `timespan(01:00:00)`},
		{`(startofday t)`, `datetime(2024-05-01T00:00:00Z)`},
		{`(startofday t 1)`, `datetime(2024-05-02T00:00:00Z)`},
		{`(startofday t -1)`, `datetime(2024-04-30T00:00:00Z)`},
		{`(datetime_diff "day" (dt "2024-05-03T01:00:00Z") t)`, `2`},
		{`(datetime_diff "hour" t (dt "2024-05-01T08:59:00Z"))`, `2`},
		{`(datetime_diff "minute" t (dt "2024-05-01T10:29:59Z"))`, `1`},
		{`(datetime_diff "second" t t)`, `0`},
		{`(datetime_diff "month" (dt "2024-07-01T00:00:00Z") t)`, `2`},
		{`(datetime_diff "quarter" (dt "2024-07-01T00:00:00Z") t)`, `1`},
		{`(datetime_diff "year" (dt "2023-12-31T23:59:59Z") t)`, `-1`},
		// weeks start on Sunday: 2024-05-05 is a Sunday
		{`(datetime_diff "week" (dt "2024-05-05T00:00:00Z") (dt "2024-05-04T23:00:00Z"))`, `1`},
		{`(datetime_diff "day" nul t)`, `null`},
		{`(hourofday t)`, `10`},
		// 2024-05-01 is a Wednesday
		{`(dayofweek t)`, `timespan(3.00:00:00)`},
	})
}

func TestDynamicFunctions(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(array_length arr)`, `3`},
		{`(array_length (json "[]"))`, `0`},
		{`(array_length s)`, `null`},
		{`(array_length d)`, `null`},
		{`(pack "a" 1 "b" s)`, `dynamic({"a":1,"b":"Hello World"})`},
		{`(bag_pack "k" nul)`, `dynamic({"k":null})`},
		{`(pack)`, `dynamic({})`},
		{`(pack_array n s)`, `dynamic([5,"Hello World"])`},
		{`(set_has_element arr "B")`, `true`},
		{`(set_has_element arr "b")`, `false`},
		{`(set_has_element arr 1)`, `true`},
		{`(set_has_element s "x")`, `null`},
		{`(array_concat arr (json "[2]"))`, `dynamic(["a","B",1,2])`},
		{`(array_concat arr s)`, `null`},
		{`(bag_keys d)`, `dynamic(["additionalDetails","n","arr"])`},
		{`(bag_keys arr)`, `null`},
		{`(. d n)`, `1`},
		{`(. d missing)`, `null`},
		{`(. arr x)`, `null`},
		{`(. (. d arr) x)`, `null`},
		{`([] arr 0)`, `"a"`},
		{`([] arr -1)`, `1`},
		{`([] arr 5)`, `null`},
		{`([] d "n")`, `1`},
		{`([] (. d arr) 1)`, `"a"`},
		{`([] dn 0)`, `null`},
		{`(json "{\"b\":1,\"a\":2}")`, `dynamic({"b":1,"a":2})`},
	})
}

func TestExprErrors(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		{`(+ s 1)`, `offset 0: +: operator + is not defined for string and long`},
		{`(foo 1)`, `offset 0: unknown function 'foo'`},
		{`(has s)`, `offset 0: has: want 2 arguments, got 1`},
		{`(split s)`, `offset 0: split: want 2 to 3 arguments, got 1`},
		{`(. s x)`, `offset 0: member access '.x' needs a dynamic value, got string`},
		{`([] arr b)`, `offset 8: index has type bool, want long or string`},
		{`(and s true)`, `offset 0: and: argument 1 has type string, want bool`},
		{`(count)`, `offset 0: aggregation 'count' used outside an aggregate`},
		{`(== nosuch 1)`, `offset 4: unknown column 'nosuch'`},
		{`(matches_regex s "(")`, "offset 17: matches regex: error parsing regexp: missing closing ): `(`"},
		{`(matches_regex s s)`, `offset 17: matches regex: argument 2 must be a constant`},
		{`(extract "(a)" 2 s)`, `offset 15: extract: capture group must be a literal between 0 and 1`},
		{`(datetime_diff "fortnight" t t)`, `offset 15: datetime_diff: unknown part "fortnight"`},
		{`(case true 1)`, `offset 0: case: want at least 3 arguments, got 2`},
		{`(case true 1 false 2)`, `offset 0: case: case needs predicate/value pairs and a final else value`},
		{`(pack "a")`, `offset 0: pack: pack needs key/value pairs`},
	}
	for _, tc := range tests {
		_, err := eval(t, tc.expr)
		if err == nil {
			t.Errorf("%s: no error, want %q", tc.expr, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s: error\n got %q\nwant %q", tc.expr, err.Error(), tc.want)
		}
	}
}

// TestCatalogueImplemented keeps the executor in step with the plan
// catalogue: every entry has an implementation and nothing else does.
func TestCatalogueImplemented(t *testing.T) {
	names := map[string]bool{}
	for _, f := range plan.Funcs() {
		names[f.Name] = true
		switch f.Kind {
		case plan.FuncScalar:
			if builders[f.Name] == nil {
				t.Errorf("scalar %q has no implementation", f.Name)
			}
		case plan.FuncAggregate:
			if aggregations[f.Name] == nil {
				t.Errorf("aggregation %q has no implementation", f.Name)
			}
		}
	}
	for n := range builders {
		if !names[n] {
			t.Errorf("implementation of %q is not in the catalogue", n)
		}
	}
	for n := range aggregations {
		if !names[n] {
			t.Errorf("aggregation %q is not in the catalogue", n)
		}
	}
}

// FuzzHas checks properties of the term matcher on arbitrary text: it never
// panics, a match implies a case-insensitive substring match, and every
// term of a text is found in it.
func FuzzHas(f *testing.F) {
	f.Add("MFA denied; Fraud code entered", "fraud")
	f.Add("user_declined", "declined")
	f.Add("Ünïcode wörds", "WÖRDS")
	f.Add("a b c", "b c")
	f.Fuzz(func(t *testing.T, hay, needle string) {
		n := terms(needle)
		// Unicode simple folding (has) and lower-casing (contains) differ on
		// a few runes such as 'ſ'; compare them on ASCII only.
		if isASCII(hay) && isASCII(needle) && hasTerms(hay, n, true) {
			for _, term := range n {
				if !containsFold(hay, term) {
					t.Fatalf("has(%q, %q) but %q is not a substring", hay, needle, term)
				}
			}
		}
		for _, term := range terms(hay) {
			if !hasTerms(hay, []string{term}, false) {
				t.Fatalf("term %q of %q not found", term, hay)
			}
		}
	})
}
