package plan

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/diag"
	"vigil/internal/event"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var sp = diag.Span{}

func at(start int) diag.Span { return diag.Span{Start: start, End: start + 1} }

func str(s string) *Literal { return Lit(event.String(s), sp) }

func num(n int64) *Literal { return Lit(event.Long(n), sp) }

var tables = Tables{
	"SigninLogs": {
		{"TimeGenerated", TypeDatetime},
		{"ResultType", TypeString},
		{"Status", TypeDynamic},
		{"UserPrincipalName", TypeString},
		{"IPAddress", TypeString},
		{"Weird Name", TypeLong},
	},
	"BehaviorAnalytics": {
		{"SourceIPAddress", TypeString},
		{"InvestigationPriority", TypeLong},
	},
}

func signins() Node { return &Scan{Table: "SigninLogs"} }

// planCases are hand-built plans whose printed form and output schema are
// kept in testdata/plans/NAME.txtar (rewritten with go test -update).
var planCases = map[string]func() Node{
	"filter-extend-project": func() Node {
		var n Node = &Filter{Input: signins(), Pred: Fn("and", sp,
			Fn("==", sp, Col("ResultType", sp), num(500121)),
			Fn("has", sp, &Member{X: Col("Status", sp), Name: "additionalDetails"}, str("fraud")))}
		n = &Extend{Input: n, Columns: []Assign{
			{Name: "UserPrincipalName", Expr: Fn("tolower", sp, Col("UserPrincipalName", sp))},
			{Name: "Detail", Expr: Fn("tostring", sp, &Member{X: Col("Status", sp), Name: "odd key"})},
			{Name: "First", Expr: &Index{X: Fn("split", sp, Col("UserPrincipalName", sp), str("@")), Index: num(0)}},
			{Name: "Since", Expr: Fn("-", sp, Fn("now", sp), Col("TimeGenerated", sp))},
		}}
		n = &Project{Input: n, Columns: []Assign{
			{Name: "UserPrincipalName", Expr: Col("UserPrincipalName", sp)},
			{Name: "Weird Name", Expr: Col("Weird Name", sp)},
			{Name: "InList", Expr: Fn("in~", sp, Col("IPAddress", sp), str("a"), str("b"))},
			{Name: "Between", Expr: Fn("between", sp, Col("TimeGenerated", sp),
				Lit(event.Datetime(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)), sp), Fn("now", sp))},
			{Name: "Maybe", Expr: Fn("iff", sp, Lit(event.Bool(true), sp), &Literal{Type: TypeLong}, Lit(event.Real(2), sp))},
			{Name: "List", Expr: &Literal{Value: event.Array(event.String("x"), event.Long(1)), Type: TypeDynamic}},
			{Name: "Detail", Expr: Col("Detail", sp)},
			{Name: "First", Expr: Col("First", sp)},
			{Name: "Since", Expr: Col("Since", sp)},
		}}
		return n
	},
	"aggregate-join-sort": func() Node {
		var left Node = &Aggregate{Input: signins(),
			By: []Assign{{Name: "IPAddress", Expr: Col("IPAddress", sp)}, {Name: "Hour", Expr: Fn("bin", sp, Col("TimeGenerated", sp), Lit(event.Timespan(time.Hour), sp))}},
			Aggs: []Agg{
				{Name: "Count", Func: "count"},
				{Name: "Latest", Func: "arg_max", Args: []Expr{Col("TimeGenerated", sp)}, CarryAll: true},
			}}
		var right Node = &Rename{Input: &Scan{Table: "BehaviorAnalytics"}, Columns: []RenamePair{{New: "IPAddress", Old: "SourceIPAddress"}}}
		right = &Aggregate{Input: right, By: []Assign{{Name: "IPAddress", Expr: Col("IPAddress", sp)}},
			Aggs: []Agg{{Name: "Priority", Func: "sum", Args: []Expr{Col("InvestigationPriority", sp)}}}}
		var n Node = &Join{Left: left, Right: right, Kind: JoinLeftOuter, Clash: ClashSuffix, Fill: FillEmptyString,
			On: []JoinKey{{Left: "IPAddress", Right: "IPAddress"}}}
		n = &Sort{Input: n, Keys: []SortKey{{Expr: Col("Priority", sp), Desc: true}, {Expr: Col("Count", sp), NullsFirst: true}}}
		return &Top{Input: n, N: 3, Keys: []SortKey{{Expr: Col("Hour", sp)}}}
	},
	"union-mvexpand-misc": func() Node {
		var n Node = &Union{Inputs: []Node{signins(), &Scan{Table: "Missing"}, &Values{
			Columns: Schema{{"UserPrincipalName", TypeString}, {"Extra", TypeDynamic}},
			Rows:    [][]event.Value{{event.String("a"), event.Array(event.Long(1))}, {event.String("b"), event.Null}},
		}}, Fuzzy: true, Fill: FillEmptyString, SourceColumn: "Type"}
		n = &MvExpand{Input: n, Columns: []MvColumn{{Name: "Extra", Expr: Col("Extra", sp), To: TypeLong}}, ItemIndex: "i", Limit: 10}
		n = &ProjectAway{Input: n, Columns: []string{"Weird*", "Status"}}
		n = &Reorder{Input: n, Columns: []string{"i", "User*"}}
		n = &Distinct{Input: n, Columns: []string{"i", "UserPrincipalName"}}
		n = &Limit{Input: n, N: 5}
		return &Count{Input: n, Name: "Count"}
	},
}

func TestGoldenPlans(t *testing.T) {
	for name, build := range planCases {
		t.Run(name, func(t *testing.T) {
			root := build()
			info, err := Check(root, tables)
			if err != nil {
				t.Fatal(err)
			}
			schemas := ""
			var walk func(n Node)
			walk = func(n Node) {
				for _, c := range n.Children() {
					walk(c)
				}
				if !info.Skipped(n) {
					schemas += header(n)[:len(header(n))-len(headerTail(n))] + info.Schema(n).String() + "\n"
				}
			}
			walk(root)
			got := map[string]string{"plan": root.String(), "schemas": schemas}
			path := filepath.Join("testdata", "plans", name+".txtar")
			if *update {
				ar := &txtar.Archive{Comment: []byte("Generated by go test -update; plan built in TestGoldenPlans. schemas: node kind and output schema, inputs first.\n")}
				ar.Files = append(ar.Files, txtar.File{Name: "plan", Data: []byte(got["plan"])}, txtar.File{Name: "schemas", Data: []byte(got["schemas"])})
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			for _, f := range ar.Files {
				if diff := cmp.Diff(string(f.Data), got[f.Name]); diff != "" {
					t.Errorf("%s: section %s (-golden +got):\n%s", path, f.Name, diff)
				}
			}
		})
	}
}

// headerTail is the part of a node's header after its kind word, so the
// schema listing shows "Filter (…schema…)".
func headerTail(n Node) string {
	h := header(n)
	for i, r := range h {
		if r == ' ' {
			return h[i:]
		}
	}
	return ""
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name string
		root Node
		want string
	}{
		{"unknown table", &Scan{Table: "Nope", At: at(4)}, "offset 4: unknown table 'Nope'"},
		{"unknown column", &Filter{Input: signins(), Pred: Fn("==", at(1), Col("Nope", at(9)), num(1))}, "offset 9: unknown column 'Nope'"},
		{"predicate not bool", &Filter{Input: signins(), Pred: Col("IPAddress", at(6))}, "offset 6: filter predicate has type string, want bool"},
		{"member on string", &Extend{Input: signins(), Columns: []Assign{{Name: "x", Expr: &Member{X: Col("IPAddress", sp), Name: "y", At: at(3)}}}},
			"offset 3: member access '.y' needs a dynamic value, got string"},
		{"aggregation in scalar context", &Extend{Input: signins(), Columns: []Assign{{Name: "x", Expr: Fn("count", at(2))}}},
			"offset 2: aggregation 'count' used outside an aggregate"},
		{"scalar as aggregation", &Aggregate{Input: signins(), Aggs: []Agg{{Name: "x", Func: "tolower", Args: []Expr{Col("IPAddress", sp)}, At: at(5)}}},
			"offset 5: 'tolower' is not an aggregation"},
		{"unknown aggregation", &Aggregate{Input: signins(), Aggs: []Agg{{Name: "x", Func: "percentile", At: at(5)}}},
			"offset 5: unknown aggregation 'percentile'"},
		{"carry on sum", &Aggregate{Input: signins(), Aggs: []Agg{{Name: "x", Func: "sum", Args: []Expr{Col("Weird Name", sp)}, CarryAll: true, At: at(5)}}},
			"offset 5: sum cannot return other columns"},
		{"duplicate output", &Aggregate{Input: signins(), By: []Assign{{Name: "x", Expr: Col("IPAddress", sp)}}, Aggs: []Agg{{Name: "x", Func: "count", At: at(8)}}},
			"offset 8: duplicate column 'x'"},
		{"const arg", &Aggregate{Input: signins(), Aggs: []Agg{{Name: "s", Func: "make_set", Args: []Expr{Col("IPAddress", sp), Col("Weird Name", at(11))}}}},
			"offset 11: make_set: argument 2 must be a constant"},
		{"arity", &Extend{Input: signins(), Columns: []Assign{{Name: "x", Expr: Fn("iff", at(2), Lit(event.Bool(true), sp))}}},
			"offset 2: iff: want 3 arguments, got 1"},
		{"literal kind", &Extend{Input: signins(), Columns: []Assign{{Name: "x", Expr: &Literal{Value: event.String("a"), Type: TypeLong, At: at(7)}}}},
			"offset 7: literal of type long cannot hold a string value"},
		{"rename missing", &Rename{Input: signins(), Columns: []RenamePair{{New: "a", Old: "b", At: at(3)}}}, "offset 3: unknown column 'b'"},
		{"rename clash", &Rename{Input: signins(), Columns: []RenamePair{{New: "IPAddress", Old: "ResultType", At: at(3)}}}, "offset 3: column 'IPAddress' already exists"},
		{"project-away missing", &ProjectAway{Input: signins(), Columns: []string{"Nope"}, At: at(2)}, "offset 2: unknown column 'Nope'"},
		{"join kind", &Join{Left: signins(), Right: signins(), On: []JoinKey{{"IPAddress", "IPAddress", sp}}, At: at(1)}, "offset 1: join kind not set"},
		{"join no keys", &Join{Left: signins(), Right: signins(), Kind: JoinInner, At: at(1)}, "offset 1: join needs at least one key"},
		{"join right key", &Join{Left: signins(), Right: &Scan{Table: "BehaviorAnalytics"}, Kind: JoinInner, On: []JoinKey{{"IPAddress", "IPAddress", at(9)}}},
			"offset 9: unknown column 'IPAddress' on the right side of the join"},
		{"union fill", &Union{Inputs: []Node{signins()}, At: at(1)}, "offset 1: union fill policy not set"},
		{"union unknown table not fuzzy", &Union{Inputs: []Node{&Scan{Table: "Missing", At: at(6)}}, Fill: FillNull}, "offset 6: unknown table 'Missing'"},
		{"fuzzy union of nothing", &Union{Inputs: []Node{&Scan{Table: "Missing"}}, Fuzzy: true, Fill: FillNull, At: at(1)}, "offset 1: no table of the fuzzy union exists"},
		{"union source column clash", &Union{Inputs: []Node{signins()}, Fill: FillNull, SourceColumn: "IPAddress", At: at(8)},
			"offset 8: duplicate column 'IPAddress'"},
		{"mv-expand non-dynamic", &MvExpand{Input: signins(), Columns: []MvColumn{{Name: "x", Expr: Col("IPAddress", at(4))}}}, "offset 4: mv-expand needs a dynamic value, got string"},
		{"values row width", &Values{Columns: Schema{{"a", TypeLong}}, Rows: [][]event.Value{{}}, At: at(2)}, "offset 2: row 1 has 0 values, want 1"},
		{"negative limit", &Limit{Input: signins(), N: -1, At: at(3)}, "offset 3: negative row count -1"},
		{"arithmetic types", &Extend{Input: signins(), Columns: []Assign{{Name: "x", Expr: Fn("+", at(4), Col("TimeGenerated", sp), Col("TimeGenerated", sp))}}},
			"offset 4: +: operator + is not defined for datetime and datetime"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(tc.root, tables)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %q\nwant %q", err.Error(), tc.want)
			}
		})
	}
}

func TestErrorDiag(t *testing.T) {
	text := "SigninLogs\n| where Nope == 1"
	_, err := Check(&Filter{Input: signins(), Pred: Fn("==", sp, Col("Nope", diag.Span{Start: 19, End: 23}), num(1))}, tables)
	got := Positioned(err, "rule.yaml", "kql", text)
	if want := "rule.yaml:2:9: kql: unknown column 'Nope'"; got.Error() != want {
		t.Errorf("error = %q, want %q", got.Error(), want)
	}
	var de *diag.Error
	if d, ok := got.(*diag.Error); ok {
		de = d
	}
	if de == nil || de.Snippet() != "| where Nope == 1\n        ^" {
		t.Errorf("snippet = %q", de.Snippet())
	}
	if !diag.IsUnsupported(unsupported(sp, "x")) {
		t.Error("unsupported errors must be recognised by diag.IsUnsupported")
	}
}

func TestMatchWildcard(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "", true},
		{"a*", "abc", true},
		{"a*", "ba", false},
		{"*c", "abc", true},
		{"a*c", "ac", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxcyyb", false},
		{"properties.*", "properties.status.errorCode", true},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"ab*ba", "aba", false},
		{"a**b", "ab", true},
		{strings.Repeat("a*", 10000) + "b", strings.Repeat("a", 20000), false},
		{strings.Repeat("*a", 10000), strings.Repeat("a", 10000), true},
	}
	for _, tc := range tests {
		if got := MatchWildcard(tc.pattern, tc.name); got != tc.want {
			t.Errorf("MatchWildcard(%.20q, %.20q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
	// Column patterns are matched against every column of a schema: no
	// allocation per match.
	p, name := strings.Repeat("a*", 1000), strings.Repeat("ab", 1000)
	if n := testing.AllocsPerRun(10, func() { MatchWildcard(p, name) }); n != 0 {
		t.Errorf("MatchWildcard allocates %v times per match, want 0", n)
	}
}

func TestEnums(t *testing.T) {
	for k := JoinInner; k <= JoinRightSemi; k++ {
		if got, ok := ParseJoinKind(k.String()); !ok || got != k {
			t.Errorf("ParseJoinKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	for _, f := range []Fill{FillEmptyString, FillNull} {
		if got, ok := ParseFill(f.String()); !ok || got != f {
			t.Errorf("ParseFill(%q) = %v, %v", f.String(), got, ok)
		}
	}
	if got, ok := ParseClash("suffix"); !ok || got != ClashSuffix {
		t.Errorf("ParseClash(suffix) = %v, %v", got, ok)
	}
	if _, ok := ParseJoinKind("invalid"); ok {
		t.Error("ParseJoinKind accepted the invalid kind")
	}
	for ty := TypeUnknown; ty <= TypeDynamic; ty++ {
		if got, ok := ParseType(ty.String()); !ok || got != ty {
			t.Errorf("ParseType(%q) = %v, %v", ty.String(), got, ok)
		}
	}
	for s, want := range map[string]Type{"int": TypeLong, "double": TypeReal, "guid": TypeString} {
		if got, _ := ParseType(s); got != want {
			t.Errorf("ParseType(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCatalogueEntries(t *testing.T) {
	for _, f := range Funcs() {
		if f.Doc == "" {
			t.Errorf("%s has no doc", f.Name)
		}
		if f.MaxArgs >= 0 && f.MaxArgs < f.MinArgs {
			t.Errorf("%s: max args %d < min args %d", f.Name, f.MaxArgs, f.MinArgs)
		}
	}
	if _, ok := Lookup("has"); !ok {
		t.Error("has is missing")
	}
}

func TestTableColumns(t *testing.T) {
	tests := []struct {
		name string
		root Node
		want map[string][]string
	}{
		{"count reads no column", &Count{Input: signins(), Name: "n"}, map[string][]string{"SigninLogs": nil}},
		{"filter then project",
			&Project{Input: &Filter{Input: signins(), Pred: Fn("==", sp, Col("ResultType", sp), num(1))},
				Columns: []Assign{{Name: "u", Expr: Fn("tolower", sp, Col("UserPrincipalName", sp))}}},
			map[string][]string{"SigninLogs": {"ResultType", "UserPrincipalName"}}},
		{"rename maps back, extend replaces",
			&Distinct{Input: &Extend{
				Input:   &Rename{Input: &Scan{Table: "BehaviorAnalytics"}, Columns: []RenamePair{{New: "IP", Old: "SourceIPAddress"}}},
				Columns: []Assign{{Name: "InvestigationPriority", Expr: num(1)}}},
				Columns: []string{"IP", "InvestigationPriority"}},
			map[string][]string{"BehaviorAnalytics": {"SourceIPAddress"}}},
		{"union with a name of two types",
			&Project{Input: &Union{Inputs: []Node{signins(), &Rename{Input: &Scan{Table: "BehaviorAnalytics"}, Columns: []RenamePair{{New: "IPAddress", Old: "InvestigationPriority"}}}}, Fill: FillNull},
				Columns: []Assign{{Name: "p", Expr: Col("IPAddress_long", sp)}}},
			map[string][]string{"SigninLogs": nil, "BehaviorAnalytics": {"InvestigationPriority"}}},
		{"fuzzy union skips missing tables, passes needs to each input",
			&Project{Input: &Union{Inputs: []Node{signins(), &Scan{Table: "Missing"}, &Scan{Table: "BehaviorAnalytics"}}, Fuzzy: true, Fill: FillNull},
				Columns: []Assign{{Name: "IPAddress", Expr: Col("IPAddress", sp)}, {Name: "p", Expr: Col("InvestigationPriority", sp)}}},
			map[string][]string{"SigninLogs": {"IPAddress"}, "BehaviorAnalytics": {"InvestigationPriority"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Check(tc.root, tables)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, TableColumns(tc.root, info)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
