package kql

import (
	"errors"
	"strings"
	"testing"

	"vigil/internal/diag"
)

// parseTests are shared by TestParse, TestPrintRoundTrip and FuzzParse. want is
// the canonical printing of the parsed query.
var parseTests = []struct {
	name    string
	in      string
	want    string
	wantErr string
}{
	// Sources and pipes.
	{name: "table", in: "SigninLogs", want: "SigninLogs"},
	{name: "where", in: "SigninLogs | where ResultType == 500121", want: "SigninLogs\n| where ResultType == 500121"},
	{name: "filter alias", in: "T|filter a", want: "T\n| filter a"},
	{name: "trailing semicolon", in: "T | take 5;", want: "T\n| take 5"},
	{name: "bracketed table", in: "['My Table'] | count", want: "['My Table']\n| count"},
	{name: "bracketed double quoted", in: `T | project ["a b"], ['c']`, want: "T\n| project ['a b'], c"},
	{name: "comments everywhere", in: "T // the table\n| where x > 1 // big\n// done", want: "T\n| where x > 1"},

	// let statements.
	{name: "let scalar", in: "let cutoff = 20; T | where x > cutoff", want: "let cutoff = 20;\nT\n| where x > cutoff"},
	{name: "let tabular", in: "let s = SigninLogs | where a; s | count", want: "let s = SigninLogs\n    | where a;\ns\n| count"},
	{name: "let dynamic", in: `let apps = dynamic(["a", "b", 1, -2, 2.5, true, null, {"k": [1]}]); T | where App in (apps)`, want: `let apps = dynamic(["a", "b", 1, -2, 2.5, true, null, {"k": [1]}]);` + "\nT\n| where App in (apps)"},
	{name: "let function", in: `let f = (t:string) { table(t) | where x }; union isfuzzy=true f("SigninLogs"), f("AADNonInteractiveUserSignInLogs")`, want: "let f = (t:string) {\n    table(t)\n    | where x\n};\nunion isfuzzy=true f(\"SigninLogs\"), f(\"AADNonInteractiveUserSignInLogs\")"},
	{name: "let function defaults", in: "let f = (a:long, b:timespan = 1h) { a + 1 }; T | extend y = f(2)", want: "let f = (a:long, b:timespan = 1h) { a + 1 };\nT\n| extend y = f(2)"},
	{name: "let tabular param", in: "let f = (T:(*), n:int) { T | take n }; f(S, 3)", want: "let f = (T:(*), n:int) {\n    T\n    | take n\n};\nf(S, 3)"},
	{name: "let tabular schema param", in: "let f = (T:(a:string, *)) { T }; f(S)", want: "let f = (T:(a:string, *)) { T };\nf(S)"},
	{name: "let no-arg function", in: "let f = () { T | take 1 }; f()", want: "let f = () {\n    T\n    | take 1\n};\nf()"},
	{name: "let function with inner let", in: "let f = () { let x = 1; T | take x }; f()", want: "let f = () {\n    let x = 1;\n    T\n    | take x\n};\nf()"},
	{name: "let materialize", in: "let m = materialize(T | summarize count() by a); m", want: "let m = materialize(T | summarize count() by a);\nm"},
	{name: "let toscalar", in: "let n = toscalar(T | count); T | where x > n", want: "let n = toscalar(T | count);\nT\n| where x > n"},
	{name: "let timespan", in: "let lookback = 14d; T | where TimeGenerated > ago(lookback)", want: "let lookback = 14d;\nT\n| where TimeGenerated > ago(lookback)"},

	// Operators.
	{name: "extend", in: "T | extend a = 1, b, c = tostring(x.y)", want: "T\n| extend a = 1, b, c = tostring(x.y)"},
	{name: "project", in: "T | project a, b = c + 1", want: "T\n| project a, b = c + 1"},
	{name: "project-away", in: "T | project-away a, *_s, Sign*, ['x y']", want: "T\n| project-away a, *_s, Sign*, ['x y']"},
	{name: "project-keep", in: "T | project-keep a*", want: "T\n| project-keep a*"},
	{name: "project-reorder", in: "T | project-reorder b, a", want: "T\n| project-reorder b, a"},
	{name: "project-rename", in: "T | project-rename IPAddress = SourceIPAddress, B=A", want: "T\n| project-rename IPAddress = SourceIPAddress, B = A"},
	{name: "summarize", in: "T | summarize count(), n = dcount(u), arg_max(TimeGenerated, *) by bin(TimeGenerated, 1h), User", want: "T\n| summarize count(), n = dcount(u), arg_max(TimeGenerated, *) by bin(TimeGenerated, 1h), User"},
	{name: "summarize by only", in: "T | summarize by a, b", want: "T\n| summarize by a, b"},
	{name: "summarize no by", in: "T | summarize max(x)", want: "T\n| summarize max(x)"},
	{name: "summarize hint", in: "T | summarize hint.shufflekey=u count() by u", want: "T\n| summarize hint.shufflekey=u count() by u"},
	{name: "join default", in: "T | join (S) on a", want: "T\n| join (S) on a"},
	{name: "join bare table", in: "T | join kind=inner S on a", want: "T\n| join kind=inner (S) on a"},
	{name: "join left right", in: "T | join kind=leftouter (S | where b) on $left.A == $right.B, c", want: "T\n| join kind=leftouter (\n    S\n    | where b\n) on $left.A == $right.B, c"},
	{name: "join right left order", in: "T | join kind=leftanti S on $right.B == $left.A", want: "T\n| join kind=leftanti (S) on $right.B == $left.A"},
	{name: "join hint", in: "T | join hint.strategy=broadcast kind=rightsemi (S) on a", want: "T\n| join hint.strategy=broadcast kind=rightsemi (S) on a"},
	{name: "union source", in: "union isfuzzy=true withsource=Src A, (B | where x), C* | count", want: "union isfuzzy=true withsource=Src A, (\n    B\n    | where x\n), C*\n| count"},
	{name: "union operator", in: "A | union kind=outer B", want: "A\n| union kind=outer B"},
	{name: "mv-expand", in: "T | mv-expand with_itemindex=i d = Details to typeof(string), e limit 10", want: "T\n| mv-expand with_itemindex=i d = Details to typeof(string), e limit 10"},
	{name: "mvexpand legacy", in: "T | mvexpand x", want: "T\n| mvexpand x"},
	{name: "sort", in: "T | sort by a asc nulls first, b desc, c", want: "T\n| sort by a asc nulls first, b desc, c"},
	{name: "order", in: "T | order by a nulls last", want: "T\n| order by a nulls last"},
	{name: "top", in: "T | top 10 by count_ desc", want: "T\n| top 10 by count_ desc"},
	{name: "take and limit", in: "T | take 5 | limit 2", want: "T\n| take 5\n| limit 2"},
	{name: "distinct", in: "T | distinct a, b | distinct *", want: "T\n| distinct a, b\n| distinct *"},
	{name: "count", in: "T | count", want: "T\n| count"},

	// Expressions.
	{name: "precedence", in: "T | where a or b and c == d + e * f", want: "T\n| where a or b and c == d + e * f"},
	{name: "parens kept", in: "T | where (a or b) and c", want: "T\n| where (a or b) and c"},
	{name: "left assoc", in: "T | extend x = a - b - c, y = a - (b - c)", want: "T\n| extend x = a - b - c, y = a - (b - c)"},
	{name: "unary", in: "T | extend x = -a * +b, y = - -1", want: "T\n| extend x = -a * +b, y = --1"},
	{name: "string ops", in: `T | where a has "x" and b !has "y" and c contains "z" and d !contains "w" and e startswith "s" and f !startswith "t" and g endswith "u" and h has_cs "v" and i =~ "j" and k !~ "l"`, want: `T` + "\n" + `| where a has "x" and b !has "y" and c contains "z" and d !contains "w" and e startswith "s" and f !startswith "t" and g endswith "u" and h has_cs "v" and i =~ "j" and k !~ "l"`},
	{name: "list ops", in: `T | where a in ("x", "y") and b !in (1) and c in~ ("Z") and d !in~ ("w") and e has_any (list) and f has_all ("a", "b")`, want: "T\n" + `| where a in ("x", "y") and b !in (1) and c in~ ("Z") and d !in~ ("w") and e has_any (list) and f has_all ("a", "b")`},
	{name: "in subquery", in: "T | where a in ((S | project a))", want: "T\n| where a in ((S | project a))"},
	{name: "in pipe", in: "T | where a in (S | project a)", want: "T\n| where a in (S | project a)"},
	{name: "between", in: "T | where t between (ago(1d) .. now()) and n !between (1 .. 5)", want: "T\n| where t between (ago(1d) .. now()) and n !between (1 .. 5)"},
	{name: "matches regex", in: `T | where a matches regex "^[a-z]+$"`, want: "T\n" + `| where a matches regex "^[a-z]+$"`},
	{name: "not function", in: "T | where not(isempty(a))", want: "T\n| where not(isempty(a))"},
	{name: "member index call", in: `T | extend a = tostring(split(UPN, '@', 0)[0]), b = Status.additionalDetails, c = x["k"].y[1], d = x.['odd name']`, want: "T\n" + `| extend a = tostring(split(UPN, "@", 0)[0]), b = Status.additionalDetails, c = x["k"].y[1], d = x.['odd name']`},
	{name: "literals", in: `T | extend a = 1.0, b = 2.5e10, c = 1.5h, d = datetime(2024-01-02 03:04:05.5), e = timespan(1.02:03:04), f = long(null), g = int(-5), h = real(nan), i = bool(true), j = guid(0f8fad5b-d9cb-469f-a165-70867728950e), k = time(2)`, want: "T\n" + `| extend a = 1.0, b = 2.5e+10, c = 90m, d = datetime(2024-01-02T03:04:05.5Z), e = 93784s, f = long(null), g = int(-5), h = real(nan), i = bool(true), j = guid(0f8fad5b-d9cb-469f-a165-70867728950e), k = 2d`},
	{name: "datetime forms", in: `T | where t > datetime(2024-01-02) and t < datetime(2024-01-02T10:00:00Z) and t != datetime(null)`, want: "T\n" + `| where t > datetime(2024-01-02T00:00:00Z) and t < datetime(2024-01-02T10:00:00Z) and t != datetime(null)`},
	{name: "negative timespan literal", in: "T | extend a = timespan(-1h)", want: "T\n| extend a = timespan(-1h)"},
	{name: "string concat", in: `T | where a == "x" 'y'`, want: "T\n" + `| where a == "xy"`},
	{name: "string escapes", in: `T | where a == "tab\there \"q\" \\ \u0001"`, want: "T\n" + `| where a == "tab\there \"q\" \\ \u0001"`},
	{name: "keyword column bracketed", in: "T | project ['by'], ['and'] = 1", want: "T\n| project ['by'], ['and'] = 1"},
	{name: "iff case", in: `T | extend r = iff(a > 1, "big", "small"), s = case(a == 1, "one", a == 2, "two", "many")`, want: "T\n" + `| extend r = iff(a > 1, "big", "small"), s = case(a == 1, "one", a == 2, "two", "many")`},
	{name: "dynamic empty", in: "T | extend a = dynamic([]), b = dynamic({}), c = dynamic(null)", want: "T\n| extend a = dynamic([]), b = dynamic({}), c = dynamic(null)"},
	{name: "count star arg", in: "T | summarize take_any(*)", want: "T\n| summarize take_any(*)"},
	{name: "datatable", in: "let Bad = datatable(IP:string, Score:long, Seen:datetime) [\"1.2.3.4\", 5, datetime(2024-01-01), '5.6.7.8', -1, datetime(null),]; Bad | where Score > 0", want: "let Bad = datatable(IP:string, Score:long, Seen:datetime) [\"1.2.3.4\", 5, datetime(2024-01-01T00:00:00Z), \"5.6.7.8\", -1, datetime(null)];\nBad\n| where Score > 0"},
	{name: "paren source", in: "(T | where a) | count", want: "(T | where a)\n| count"},

	// Errors.
	{name: "empty", in: "", wantErr: "1:1: kql: query has no tabular expression"},
	{name: "only let", in: "let a = 1;", wantErr: "1:11: kql: query has no tabular expression"},
	{name: "let without semicolon", in: "let a = 1 T", wantErr: "1:11: kql: expected ';' after let statement, found 'T'"},
	{name: "misspelt by", in: "T | summarize count() bi x", wantErr: "1:23: kql: expected '|', found 'bi'"},
	{name: "sort without by", in: "T | sort bi x", wantErr: "1:10: kql: expected 'by', found 'bi'"},
	{name: "top without by", in: "T | top 5 x", wantErr: "1:11: kql: expected 'by', found 'x'"},
	{name: "missing operator", in: "T | ", wantErr: "1:5: kql: expected tabular operator after '|', found end of query"},
	{name: "unknown operator", in: "T | frobnicate x", wantErr: "1:5: kql: unknown tabular operator 'frobnicate'"},
	{name: "unsupported make-series", in: "T\n| make-series count() on t step 1h", wantErr: "2:3: kql: not supported yet: make-series"},
	{name: "unsupported evaluate", in: "T | evaluate bag_unpack(x)", wantErr: "1:5: kql: not supported yet: evaluate"},
	{name: "unsupported parse", in: `T | parse x with "a" b`, wantErr: "1:5: kql: not supported yet: parse"},
	{name: "unsupported mv-apply", in: "T | mv-apply x on (take 1)", wantErr: "1:5: kql: not supported yet: mv-apply"},
	{name: "unsupported render", in: "T | render timechart", wantErr: "1:5: kql: not supported yet: render"},
	{name: "unsupported lookup", in: "T | lookup S on a", wantErr: "1:5: kql: not supported yet: lookup"},
	{name: "unsupported as", in: "T | as X", wantErr: "1:5: kql: not supported yet: as"},
	{name: "unsupported externaldata", in: "externaldata(a:string)[\"https://x\"]", wantErr: "1:1: kql: not supported yet: externaldata"},
	{name: "datatable not rectangular", in: "datatable(a:int, b:string)[1, \"x\", 2]", wantErr: "1:1: kql: datatable has 3 values, not a multiple of its 2 columns"},
	{name: "unsupported print", in: "print 1", wantErr: "1:1: kql: not supported yet: print"},
	{name: "unsupported decimal", in: "T | extend a = decimal(1.5)", wantErr: "1:16: kql: not supported yet: decimal"},
	{name: "unsupported tuple assignment", in: "T | extend (a, b) = f(x)", wantErr: "1:12: kql: not supported yet: assignment to several columns"},
	{name: "unsupported two bodies", in: "T; S", wantErr: "1:4: kql: not supported yet: more than one tabular expression statement"},
	{name: "unsupported reorder options", in: "T | project-reorder a asc", wantErr: "1:23: kql: not supported yet: project-reorder ordering"},
	{name: "unclosed paren", in: "T | where (a", wantErr: "1:13: kql: expected ')', found end of query"},
	{name: "missing expression", in: "T | where", wantErr: "1:10: kql: expected expression, found end of query"},
	{name: "dangling operator", in: "T | where a ==", wantErr: "1:15: kql: expected expression, found end of query"},
	{name: "junk after source", in: "T where a", wantErr: "1:3: kql: expected '|' or ';', found 'where'"},
	{name: "bad join kind", in: "T | join kind=sideways (S) on a", wantErr: "1:15: kql: unknown join kind 'sideways'"},
	{name: "join without on", in: "T | join (S)", wantErr: "1:13: kql: expected 'on', found end of query"},
	{name: "bad join condition", in: "T | join (S) on a == b", wantErr: "1:17: kql: expected join condition 'Column' or '$left.Column == $right.Column', found 'a == b'"},
	{name: "join same side", in: "T | join (S) on $left.a == $left.b", wantErr: "1:17: kql: expected join condition 'Column' or '$left.Column == $right.Column', found '$left.a == $left.b'"},
	{name: "bad union param", in: "union isfuzzy=maybe A", wantErr: "1:15: kql: invalid value 'maybe' for union parameter 'isfuzzy'"},
	{name: "in without parens", in: "T | where a in b", wantErr: "1:16: kql: expected '(' after 'in', found 'b'"},
	{name: "between without range", in: "T | where a between (1, 2)", wantErr: "1:23: kql: expected '..', found ','"},
	{name: "matches without regex", in: `T | where a matches "x"`, wantErr: `1:21: kql: expected 'regex', found '"x"'`},
	{name: "bad datetime", in: "T | where t > datetime(yesterday)", wantErr: "1:15: kql: invalid datetime literal 'yesterday'"},
	{name: "bad timespan", in: "T | where t > timespan(1x)", wantErr: "1:15: kql: invalid timespan literal '1x'"},
	{name: "bad guid", in: "T | where g == guid(123)", wantErr: "1:16: kql: invalid guid literal '123'"},
	{name: "bad dynamic", in: "T | extend d = dynamic([1,)", wantErr: "1:27: kql: expected dynamic value, found ')'"},
	{name: "bad param type", in: "let f = (a:strin) { a }; T", wantErr: "1:12: kql: expected type, found 'strin'"},
	{name: "bad sort nulls", in: "T | sort by a nulls middle", wantErr: "1:21: kql: expected 'first' or 'last', found 'middle'"},
	{name: "bad mv-expand type", in: "T | mv-expand a to typeof(stringy)", wantErr: "1:27: kql: expected type, found 'stringy'"},
	{name: "summarize nothing", in: "T | summarize", wantErr: "1:14: kql: expected aggregation or 'by', found end of query"},
	{name: "rename needs names", in: "T | project-rename a = 1", wantErr: "1:24: kql: expected column name, found '1'"},
	{name: "function body empty", in: "let f = () { }; f()", wantErr: "1:14: kql: function body has no expression"},
	{name: "stray close paren", in: "T | where a)", wantErr: "1:12: kql: expected '|' or ';', found ')'"},
	{name: "operator after list", in: "T | where a in (1) * 2", wantErr: "1:20: kql: expected '|', found '*'"},
	{name: "typed literal across lines", in: "T | where t > datetime // when\n (2024-01-01)", want: "T\n| where t > datetime(2024-01-01T00:00:00Z)"},
	{name: "lexer error surfaces", in: "T | where a == 'x", wantErr: "1:16: kql: unterminated string literal"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse(%q) succeeded, want error %q", tt.in, tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Fatalf("Parse(%q) error:\n got %q\nwant %q", tt.in, err.Error(), tt.wantErr)
				}
				var de *diag.Error
				if !errors.As(err, &de) || de.Source != tt.in {
					t.Errorf("error %#v is not a *diag.Error carrying the source", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("Parse(%q).String():\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseUnsupportedIsClassified(t *testing.T) {
	_, err := Parse("T | make-series x = count() on t step 1h")
	if !diag.IsUnsupported(err) {
		t.Errorf("IsUnsupported(%v) = false", err)
	}
	_, err = Parse("T | frobnicate")
	if diag.IsUnsupported(err) {
		t.Errorf("IsUnsupported(%v) = true for an unknown operator", err)
	}
}

func TestParseLimits(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"too long", "T | where a == \"" + strings.Repeat("x", MaxQueryBytes) + "\"", "1:1: kql: query is too long: 1048593 bytes (max 1048576)"},
		{"deep parens", "T | where " + strings.Repeat("(", 300) + "a" + strings.Repeat(")", 300), "1:211: kql: query is nested too deeply (max 200 levels)"},
		{"deep unary", "T | where " + strings.Repeat("-", 300) + "a", "1:211: kql: query is nested too deeply (max 200 levels)"},
		{"deep dynamic", "T | extend d = dynamic(" + strings.Repeat("[", 300) + strings.Repeat("]", 300) + ")", "1:223: kql: query is nested too deeply (max 200 levels)"},
		{"deep joins", strings.Repeat("T | join (", 250) + "T" + strings.Repeat(") on a", 250), "1:2001: kql: query is nested too deeply (max 200 levels)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Parse error = %v, want %q", err, tt.wantErr)
			}
		})
	}
	// Nesting just inside the limit parses.
	if _, err := Parse("T | where " + strings.Repeat("(", 90) + "a" + strings.Repeat(")", 90)); err != nil {
		t.Errorf("90 levels: %v", err)
	}
}

func TestParseSpans(t *testing.T) {
	src := "let c = 20;\nT\n| where x > c\n| summarize n = count() by bin(t, 1h)"
	q, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	text := func(n Node) string { sp := n.Span(); return src[sp.Start:sp.End] }
	p := q.Body.(*Pipe)
	s := p.Ops[1].(*Summarize)
	checks := []struct {
		n    Node
		want string
	}{
		{q, src},
		{q.Lets[0], "let c = 20"},
		{q.Lets[0].Value, "20"},
		{p, "T\n| where x > c\n| summarize n = count() by bin(t, 1h)"},
		{p.Ops[0], "where x > c"},
		{p.Ops[0].(*Where).Pred, "x > c"},
		{s, "summarize n = count() by bin(t, 1h)"},
		{s.Aggs[0], "n = count()"},
		{s.Aggs[0].Value, "count()"},
		{s.By[0], "bin(t, 1h)"},
		{s.By[0].Value.(*Call).Args[1], "1h"},
	}
	for _, c := range checks {
		if got := text(c.n); got != c.want {
			t.Errorf("span of %T = %q, want %q", c.n, got, c.want)
		}
	}
}
