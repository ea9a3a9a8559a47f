package exec

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

var noSpan = diag.Span{}

// table builds an in-memory table from a schema and rows written as Go
// values: string, int (long), float64 (real), bool, time.Time, nil (null),
// or event.Value.
func table(schema plan.Schema, rows ...[]any) *MemTable {
	t := &MemTable{Columns: schema}
	for _, r := range rows {
		row := make([]event.Value, len(r))
		for i, x := range r {
			row[i] = value(x)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func value(x any) event.Value {
	switch x := x.(type) {
	case nil:
		return event.Null
	case string:
		return event.String(x)
	case int:
		return event.Long(int64(x))
	case float64:
		return event.Real(x)
	case bool:
		return event.Bool(x)
	case time.Time:
		return event.Datetime(x)
	case time.Duration:
		return event.Timespan(x)
	case event.Value:
		return x
	}
	panic("test table: unsupported Go value") // test-only helper, fixed input
}

// rowsText renders result rows one per line, values by show, separated by
// " | ".
func rowsText(res *Result) []string {
	var out []string
	for _, row := range res.Rows {
		parts := make([]string, len(row))
		for i, v := range row {
			parts[i] = show(v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out
}

func run(t *testing.T, root plan.Node, cat Catalog) *Result {
	t.Helper()
	res, err := Run(context.Background(), root, cat, Options{Now: testNow})
	if err != nil {
		t.Fatalf("run: %v\nplan:\n%s", err, plan.Format(root))
	}
	return res
}

// aggInput: k is the group key; x has nulls; "" is an ordinary key.
func aggInput(t testing.TB) *MemTable {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return table(plan.Schema{
		{Name: "k", Type: plan.TypeString},
		{Name: "x", Type: plan.TypeLong},
		{Name: "s", Type: plan.TypeString},
		{Name: "t", Type: plan.TypeDatetime},
		{Name: "arr", Type: plan.TypeDynamic},
		{Name: "bag", Type: plan.TypeDynamic},
		{Name: "r", Type: plan.TypeReal},
	},
		[]any{"a", 1, "p", t0, mustJSON(t, `["u","v"]`), mustJSON(t, `{"a":1}`), 1.5},
		[]any{"a", nil, "q", t0.Add(2 * time.Hour), mustJSON(t, `["v"]`), mustJSON(t, `{"a":2,"b":3}`), nil},
		[]any{"a", 3, "p", t0.Add(time.Hour), nil, nil, 2.5},
		[]any{"b", nil, "", t0, mustJSON(t, `[]`), mustJSON(t, `[1]`), nil},
		[]any{"", 2, "r", t0, mustJSON(t, `["w"]`), nil, 4.0},
		[]any{"a", 3, "z", t0.Add(-time.Hour), nil, nil, nil},
	)
}

func TestAggregations(t *testing.T) {
	tests := []struct {
		fn   string
		args []string
		want []string // one line per group: k | result
	}{
		{"count", nil, []string{`"a" | 4`, `"b" | 1`, `"" | 1`}},
		{"countif", []string{`(> x 1)`}, []string{`"a" | 2`, `"b" | 0`, `"" | 1`}},
		{"dcount", []string{`x`}, []string{`"a" | 2`, `"b" | 0`, `"" | 1`}},
		{"dcount", []string{`s`, `1`}, []string{`"a" | 3`, `"b" | 1`, `"" | 1`}},
		{"dcountif", []string{`s`, `(isnotnull x)`}, []string{`"a" | 2`, `"b" | 0`, `"" | 1`}},
		// min/max/sum ignore nulls; an all-null group gives null
		{"min", []string{`x`}, []string{`"a" | 1`, `"b" | null`, `"" | 2`}},
		{"max", []string{`x`}, []string{`"a" | 3`, `"b" | null`, `"" | 2`}},
		{"max", []string{`t`}, []string{`"a" | datetime(2024-05-01T12:00:00Z)`, `"b" | datetime(2024-05-01T10:00:00Z)`, `"" | datetime(2024-05-01T10:00:00Z)`}},
		{"min", []string{`s`}, []string{`"a" | "p"`, `"b" | ""`, `"" | "r"`}},
		{"sum", []string{`x`}, []string{`"a" | 7`, `"b" | null`, `"" | 2`}},
		{"sum", []string{`r`}, []string{`"a" | 4.0`, `"b" | null`, `"" | 4.0`}},
		{"avg", []string{`x`}, []string{`"a" | 2.3333333333333335`, `"b" | null`, `"" | 2.0`}},
		// make_set: distinct non-null values in first-seen order; arrays
		// contribute their elements
		{"make_set", []string{`x`}, []string{`"a" | dynamic([1,3])`, `"b" | dynamic([])`, `"" | dynamic([2])`}},
		{"make_set", []string{`s`, `2`}, []string{`"a" | dynamic(["p","q"])`, `"b" | dynamic([""])`, `"" | dynamic(["r"])`}},
		{"make_set", []string{`arr`}, []string{`"a" | dynamic(["u","v"])`, `"b" | dynamic([])`, `"" | dynamic(["w"])`}},
		{"make_set_if", []string{`s`, `(> x 1)`}, []string{`"a" | dynamic(["p","z"])`, `"b" | dynamic([])`, `"" | dynamic(["r"])`}},
		{"make_list", []string{`x`}, []string{`"a" | dynamic([1,3,3])`, `"b" | dynamic([])`, `"" | dynamic([2])`}},
		{"make_list", []string{`arr`}, []string{`"a" | dynamic([["u","v"],["v"]])`, `"b" | dynamic([[]])`, `"" | dynamic([["w"]])`}},
		{"make_list_if", []string{`x`, `(== s "p")`, `1`}, []string{`"a" | dynamic([1])`, `"b" | dynamic([])`, `"" | dynamic([])`}},
		{"make_bag", []string{`bag`}, []string{`"a" | dynamic({"a":1,"b":3})`, `"b" | dynamic({})`, `"" | dynamic({})`}},
		{"take_any", []string{`x`}, []string{`"a" | 1`, `"b" | null`, `"" | 2`}},
		{"arg_max", []string{`x`}, []string{`"a" | 3`, `"b" | null`, `"" | 2`}},
		{"arg_min", []string{`t`}, []string{`"a" | datetime(2024-05-01T09:00:00Z)`, `"b" | datetime(2024-05-01T10:00:00Z)`, `"" | datetime(2024-05-01T10:00:00Z)`}},
	}
	for _, tc := range tests {
		name := tc.fn + "(" + strings.Join(tc.args, ", ") + ")"
		t.Run(name, func(t *testing.T) {
			var args []plan.Expr
			for _, a := range tc.args {
				args = append(args, parseExpr(t, a))
			}
			root := &plan.Aggregate{
				Input: &plan.Scan{Table: "T"},
				By:    []plan.Assign{{Name: "k", Expr: plan.Col("k", noSpan)}},
				Aggs:  []plan.Agg{{Name: "v", Func: tc.fn, Args: args}},
			}
			got := rowsText(run(t, root, MemCatalog{"T": aggInput(t)}))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAggregateShapes(t *testing.T) {
	cat := MemCatalog{"T": aggInput(t), "Empty": &MemTable{Columns: aggInput(t).Columns}}
	tests := []struct {
		name string
		root plan.Node
		want []string
	}{
		{
			// arg_max(x, *): the max row's columns after the by keys; ties
			// keep the first row (x=3 at 11:00, not the one at 09:00)
			name: "arg_max star",
			root: &plan.Aggregate{
				Input: &plan.Scan{Table: "T"},
				By:    []plan.Assign{{Name: "k", Expr: plan.Col("k", noSpan)}},
				Aggs:  []plan.Agg{{Name: "Latest", Func: "arg_max", Args: []plan.Expr{plan.Col("t", noSpan)}, CarryAll: true}},
			},
			want: []string{
				`"a" | datetime(2024-05-01T12:00:00Z) | null | "q" | datetime(2024-05-01T12:00:00Z) | dynamic(["v"]) | dynamic({"a":2,"b":3}) | null`,
				`"b" | datetime(2024-05-01T10:00:00Z) | null | "" | datetime(2024-05-01T10:00:00Z) | dynamic([]) | dynamic([1]) | null`,
				`"" | datetime(2024-05-01T10:00:00Z) | 2 | "r" | datetime(2024-05-01T10:00:00Z) | dynamic(["w"]) | null | 4.0`,
			},
		},
		{
			name: "arg_max ties keep first",
			root: &plan.Aggregate{
				Input: &plan.Scan{Table: "T"},
				By:    []plan.Assign{{Name: "k", Expr: plan.Col("k", noSpan)}},
				Aggs: []plan.Agg{{Name: "x", Func: "arg_max", Args: []plan.Expr{plan.Col("x", noSpan)},
					Carry: []plan.Assign{{Name: "t", Expr: plan.Col("t", noSpan)}}}},
			},
			want: []string{
				`"a" | 3 | datetime(2024-05-01T11:00:00Z)`,
				`"b" | null | null`,
				`"" | 2 | datetime(2024-05-01T10:00:00Z)`,
			},
		},
		{
			name: "no by over empty input gives one row",
			root: &plan.Aggregate{
				Input: &plan.Scan{Table: "Empty"},
				Aggs: []plan.Agg{
					{Name: "n", Func: "count"},
					{Name: "m", Func: "max", Args: []plan.Expr{plan.Col("x", noSpan)}},
					{Name: "set", Func: "make_set", Args: []plan.Expr{plan.Col("s", noSpan)}},
				},
			},
			want: []string{`0 | null | dynamic([])`},
		},
		{
			name: "by over empty input gives no rows",
			root: &plan.Aggregate{
				Input: &plan.Scan{Table: "Empty"},
				By:    []plan.Assign{{Name: "k", Expr: plan.Col("k", noSpan)}},
				Aggs:  []plan.Agg{{Name: "n", Func: "count"}},
			},
			want: nil,
		},
		{
			name: "null long keys form their own group",
			root: &plan.Aggregate{
				Input: &plan.Scan{Table: "T"},
				By:    []plan.Assign{{Name: "x", Expr: plan.Col("x", noSpan)}},
				Aggs:  []plan.Agg{{Name: "n", Func: "count"}},
			},
			want: []string{`1 | 1`, `null | 2`, `3 | 2`, `2 | 1`},
		},
		{
			name: "computed keys",
			root: &plan.Aggregate{
				Input: &plan.Scan{Table: "T"},
				By:    []plan.Assign{{Name: "hour", Expr: parseExpr(t, `(bin t (ts "2h"))`)}},
				Aggs:  []plan.Agg{{Name: "n", Func: "count"}},
			},
			want: []string{`datetime(2024-05-01T10:00:00Z) | 4`, `datetime(2024-05-01T12:00:00Z) | 1`, `datetime(2024-05-01T08:00:00Z) | 1`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rowsText(run(t, tc.root, cat))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func joinTables() MemCatalog {
	return MemCatalog{
		"L": table(plan.Schema{{Name: "k", Type: plan.TypeString}, {Name: "a", Type: plan.TypeLong}},
			[]any{"x", 1}, []any{"y", 2}, []any{"x", 3}, []any{"", 4}, []any{"X", 5}),
		"R": table(plan.Schema{{Name: "k", Type: plan.TypeString}, {Name: "b", Type: plan.TypeString}, {Name: "a", Type: plan.TypeLong}},
			[]any{"x", "r1", 10}, []any{"x", "r2", 20}, []any{"", "r3", 30}, []any{"z", "r4", 40}),
	}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		kind plan.JoinKind
		fill plan.Fill
		cols []string
		want []string
	}{
		{plan.JoinInner, plan.FillEmptyString, []string{"k", "a", "k1", "b", "a1"}, []string{
			`"x" | 1 | "x" | "r1" | 10`,
			`"x" | 1 | "x" | "r2" | 20`,
			`"x" | 3 | "x" | "r1" | 10`,
			`"x" | 3 | "x" | "r2" | 20`,
			`"" | 4 | "" | "r3" | 30`,
		}},
		// innerunique keeps the first left row of each key
		{plan.JoinInnerUnique, plan.FillEmptyString, []string{"k", "a", "k1", "b", "a1"}, []string{
			`"x" | 1 | "x" | "r1" | 10`,
			`"x" | 1 | "x" | "r2" | 20`,
			`"" | 4 | "" | "r3" | 30`,
		}},
		// leftouter: unmatched rows once, right strings "" and others null
		{plan.JoinLeftOuter, plan.FillEmptyString, []string{"k", "a", "k1", "b", "a1"}, []string{
			`"x" | 1 | "x" | "r1" | 10`,
			`"x" | 1 | "x" | "r2" | 20`,
			`"y" | 2 | "" | "" | null`,
			`"x" | 3 | "x" | "r1" | 10`,
			`"x" | 3 | "x" | "r2" | 20`,
			`"" | 4 | "" | "r3" | 30`,
			`"X" | 5 | "" | "" | null`,
		}},
		{plan.JoinLeftOuter, plan.FillNull, []string{"k", "a", "k1", "b", "a1"}, []string{
			`"x" | 1 | "x" | "r1" | 10`,
			`"x" | 1 | "x" | "r2" | 20`,
			`"y" | 2 | null | null | null`,
			`"x" | 3 | "x" | "r1" | 10`,
			`"x" | 3 | "x" | "r2" | 20`,
			`"" | 4 | "" | "r3" | 30`,
			`"X" | 5 | null | null | null`,
		}},
		{plan.JoinLeftSemi, plan.FillUnset, []string{"k", "a"}, []string{`"x" | 1`, `"x" | 3`, `"" | 4`}},
		{plan.JoinLeftAnti, plan.FillUnset, []string{"k", "a"}, []string{`"y" | 2`, `"X" | 5`}},
		{plan.JoinRightSemi, plan.FillUnset, []string{"k", "b", "a"}, []string{`"x" | "r1" | 10`, `"x" | "r2" | 20`, `"" | "r3" | 30`}},
		{plan.JoinRightAnti, plan.FillUnset, []string{"k", "b", "a"}, []string{`"z" | "r4" | 40`}},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String()+"/"+tc.fill.String(), func(t *testing.T) {
			root := &plan.Join{
				Left: &plan.Scan{Table: "L"}, Right: &plan.Scan{Table: "R"},
				Kind: tc.kind, On: []plan.JoinKey{{Left: "k", Right: "k"}},
				Clash: plan.ClashSuffix, Fill: tc.fill,
			}
			res := run(t, root, joinTables())
			if diff := cmp.Diff(tc.cols, res.Columns.Names()); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, rowsText(res)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinNullKeysNeverMatch(t *testing.T) {
	schema := plan.Schema{{Name: "k", Type: plan.TypeLong}}
	cat := MemCatalog{"A": table(schema, []any{nil}, []any{1}), "B": table(schema, []any{nil}, []any{1})}
	root := &plan.Join{Left: &plan.Scan{Table: "A"}, Right: &plan.Scan{Table: "B"}, Kind: plan.JoinInner,
		On: []plan.JoinKey{{Left: "k", Right: "k"}}, Clash: plan.ClashSuffix, Fill: plan.FillEmptyString}
	if diff := cmp.Diff([]string{`1 | 1`}, rowsText(run(t, root, cat))); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestJoinClashSuffixSkipsTakenNames(t *testing.T) {
	got := plan.JoinSchema(
		plan.Schema{{Name: "a"}, {Name: "a1"}},
		plan.Schema{{Name: "a"}, {Name: "b"}},
		plan.ClashSuffix).Names()
	if diff := cmp.Diff([]string{"a", "a1", "a2", "b"}, got); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

func TestUnion(t *testing.T) {
	cat := MemCatalog{
		"A": table(plan.Schema{{Name: "x", Type: plan.TypeLong}, {Name: "s", Type: plan.TypeString}}, []any{1, "a"}),
		"B": table(plan.Schema{{Name: "y", Type: plan.TypeLong}, {Name: "x", Type: plan.TypeLong}}, []any{7, 2}),
		"C": table(plan.Schema{{Name: "s", Type: plan.TypeDynamic}}, []any{mustJSON(t, `{"k":1}`)}),
	}
	tests := []struct {
		name string
		root *plan.Union
		cols []string
		want []string
	}{
		{"columns by name, strings filled with empty",
			&plan.Union{Inputs: []plan.Node{&plan.Scan{Table: "A"}, &plan.Scan{Table: "B"}}, Fill: plan.FillEmptyString},
			[]string{"x", "s", "y"}, []string{`1 | "a" | null`, `2 | "" | 7`}},
		{"fill null",
			&plan.Union{Inputs: []plan.Node{&plan.Scan{Table: "A"}, &plan.Scan{Table: "B"}}, Fill: plan.FillNull},
			[]string{"x", "s", "y"}, []string{`1 | "a" | null`, `2 | null | 7`}},
		{"a name with two types splits into name_type columns",
			&plan.Union{Inputs: []plan.Node{&plan.Scan{Table: "A"}, &plan.Scan{Table: "C"}}, Fill: plan.FillEmptyString},
			[]string{"x", "s_string", "s_dynamic"}, []string{`1 | "a" | null`, `null | "" | dynamic({"k":1})`}},
		{"fuzzy skips unknown tables, withsource",
			&plan.Union{Inputs: []plan.Node{&plan.Scan{Table: "Missing"}, &plan.Scan{Table: "B"}}, Fuzzy: true, Fill: plan.FillEmptyString, SourceColumn: "Src"},
			[]string{"Src", "y", "x"}, []string{`"B" | 7 | 2`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.root, cat)
			if diff := cmp.Diff(tc.cols, res.Columns.Names()); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, rowsText(res)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMvExpand(t *testing.T) {
	cat := MemCatalog{"T": table(plan.Schema{{Name: "id", Type: plan.TypeLong}, {Name: "a", Type: plan.TypeDynamic}, {Name: "b", Type: plan.TypeDynamic}},
		[]any{1, mustJSON(t, `["x","y"]`), mustJSON(t, `[10]`)},
		[]any{2, mustJSON(t, `[]`), mustJSON(t, `[]`)},
		[]any{3, nil, mustJSON(t, `[]`)},
		[]any{4, mustJSON(t, `{"k":1,"m":"v"}`), nil},
		[]any{5, mustJSON(t, `"scalar"`), nil},
	)}
	tests := []struct {
		name string
		root *plan.MvExpand
		want []string
	}{
		{"parallel, padded, empty dropped, scalar kept",
			&plan.MvExpand{Input: &plan.Scan{Table: "T"}, Columns: []plan.MvColumn{
				{Name: "a", Expr: plan.Col("a", noSpan)}, {Name: "b", Expr: plan.Col("b", noSpan)}}},
			[]string{
				`1 | "x" | 10`, `1 | "y" | null`,
				`3 | null | null`,
				`4 | dynamic({"k":1}) | null`, `4 | dynamic({"m":"v"}) | null`,
				`5 | "scalar" | null`,
			}},
		{"to typeof(long), item index, limit",
			&plan.MvExpand{Input: &plan.Scan{Table: "T"}, Columns: []plan.MvColumn{
				{Name: "e", Expr: plan.Col("a", noSpan), To: plan.TypeString}}, ItemIndex: "i", Limit: 1},
			[]string{
				`1 | dynamic(["x","y"]) | dynamic([10]) | "x" | 0`,
				`3 | null | dynamic([]) | null | 0`,
				`4 | dynamic({"k":1,"m":"v"}) | null | null | 0`,
				`5 | "scalar" | null | "scalar" | 0`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowsText(run(t, tc.root, cat))); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSortTopLimitDistinctCount(t *testing.T) {
	cat := MemCatalog{"T": table(plan.Schema{{Name: "n", Type: plan.TypeLong}, {Name: "s", Type: plan.TypeString}},
		[]any{2, "b"}, []any{nil, "n"}, []any{3, "a"}, []any{2, "a"}, []any{1, "c"})}
	key := func(desc, nullsFirst bool) []plan.SortKey {
		return []plan.SortKey{{Expr: plan.Col("n", noSpan), Desc: desc, NullsFirst: nullsFirst}}
	}
	scan := func() plan.Node { return &plan.Scan{Table: "T"} }
	tests := []struct {
		name string
		root plan.Node
		want []string
	}{
		{"desc nulls last, stable", &plan.Sort{Input: scan(), Keys: key(true, false)},
			[]string{`3 | "a"`, `2 | "b"`, `2 | "a"`, `1 | "c"`, `null | "n"`}},
		{"asc nulls first", &plan.Sort{Input: scan(), Keys: key(false, true)},
			[]string{`null | "n"`, `1 | "c"`, `2 | "b"`, `2 | "a"`, `3 | "a"`}},
		{"two keys", &plan.Sort{Input: scan(), Keys: append(key(true, false), plan.SortKey{Expr: plan.Col("s", noSpan)})},
			[]string{`3 | "a"`, `2 | "a"`, `2 | "b"`, `1 | "c"`, `null | "n"`}},
		{"top", &plan.Top{Input: scan(), N: 2, Keys: key(false, false)},
			[]string{`1 | "c"`, `2 | "b"`}},
		{"limit", &plan.Limit{Input: scan(), N: 2}, []string{`2 | "b"`, `null | "n"`}},
		{"limit 0", &plan.Limit{Input: scan(), N: 0}, nil},
		{"limit of limit", &plan.Limit{Input: &plan.Limit{Input: scan(), N: 3}, N: 2}, []string{`2 | "b"`, `null | "n"`}},
		{"distinct column", &plan.Distinct{Input: scan(), Columns: []string{"s"}}, []string{`"b"`, `"n"`, `"a"`, `"c"`}},
		{"distinct star", &plan.Distinct{Input: &plan.Project{Input: scan(), Columns: []plan.Assign{{Name: "n", Expr: plan.Col("n", noSpan)}}}},
			[]string{`2`, `null`, `3`, `1`}},
		{"count", &plan.Count{Input: scan(), Name: "Count"}, []string{`5`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowsText(run(t, tc.root, cat))); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestColumnOperators(t *testing.T) {
	cat := MemCatalog{"T": table(plan.Schema{{Name: "a", Type: plan.TypeLong}, {Name: "b", Type: plan.TypeString}, {Name: "c1", Type: plan.TypeLong}, {Name: "c2", Type: plan.TypeLong}},
		[]any{1, "x", 10, 20})}
	scan := func() plan.Node { return &plan.Scan{Table: "T"} }
	tests := []struct {
		name string
		root plan.Node
		cols []string
		want []string
	}{
		{"extend replaces in place and sees earlier assignments",
			&plan.Extend{Input: scan(), Columns: []plan.Assign{
				{Name: "b", Expr: parseExpr(t, `(toupper b)`)},
				{Name: "d", Expr: parseExpr(t, `(+ a 1)`)},
				{Name: "e", Expr: parseExpr(t, `(* d 10)`)}}},
			[]string{"a", "b", "c1", "c2", "d", "e"}, []string{`1 | "X" | 10 | 20 | 2 | 20`}},
		{"project computes",
			&plan.Project{Input: scan(), Columns: []plan.Assign{{Name: "b", Expr: plan.Col("b", noSpan)}, {Name: "z", Expr: parseExpr(t, `(+ c1 c2)`)}}},
			[]string{"b", "z"}, []string{`"x" | 30`}},
		{"project-away with wildcard",
			&plan.ProjectAway{Input: scan(), Columns: []string{"c*", "a"}},
			[]string{"b"}, []string{`"x"`}},
		{"rename in place",
			&plan.Rename{Input: scan(), Columns: []plan.RenamePair{{New: "B", Old: "b"}}},
			[]string{"a", "B", "c1", "c2"}, []string{`1 | "x" | 10 | 20`}},
		{"reorder",
			&plan.Reorder{Input: scan(), Columns: []string{"c*", "b"}},
			[]string{"c1", "c2", "b", "a"}, []string{`10 | 20 | "x" | 1`}},
		{"print is a Project over one empty row",
			&plan.Project{Input: &plan.Values{Rows: [][]event.Value{{}}}, Columns: []plan.Assign{{Name: "x", Expr: parseExpr(t, `(+ 1 2)`)}}},
			[]string{"x"}, []string{`3`}},
		{"filter drops false and null",
			&plan.Filter{Input: &plan.Values{Columns: plan.Schema{{Name: "v", Type: plan.TypeLong}},
				Rows: [][]event.Value{{event.Long(25)}, {event.Null}, {event.Long(20)}}}, Pred: parseExpr(t, `(> v 20)`)},
			[]string{"v"}, []string{`25`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.root, cat)
			if diff := cmp.Diff(tc.cols, res.Columns.Names()); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, rowsText(res)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	cat := joinTables()
	tests := []struct {
		name string
		root plan.Node
		want string
	}{
		{"unknown table", &plan.Scan{Table: "Nope", At: diag.Span{Start: 3}}, "offset 3: unknown table 'Nope'"},
		{"join kind unset", &plan.Join{Left: &plan.Scan{Table: "L"}, Right: &plan.Scan{Table: "R"}, On: []plan.JoinKey{{Left: "k", Right: "k"}}, At: diag.Span{Start: 7}},
			"offset 7: join kind not set"},
		{"join clash unset", &plan.Join{Left: &plan.Scan{Table: "L"}, Right: &plan.Scan{Table: "R"}, Kind: plan.JoinInner, On: []plan.JoinKey{{Left: "k", Right: "k"}}},
			"offset 0: join column clash policy not set"},
		{"leftouter fill unset", &plan.Join{Left: &plan.Scan{Table: "L"}, Right: &plan.Scan{Table: "R"}, Kind: plan.JoinLeftOuter, Clash: plan.ClashSuffix, On: []plan.JoinKey{{Left: "k", Right: "k"}}},
			"offset 0: join fill policy not set"},
		{"join key type", &plan.Join{Left: &plan.Scan{Table: "L"}, Right: &plan.Scan{Table: "R"}, Kind: plan.JoinInner, Clash: plan.ClashSuffix,
			On: []plan.JoinKey{{Left: "a", Right: "b", At: diag.Span{Start: 9}}}},
			"offset 9: join key types differ: 'a' is long, 'b' is string"},
		{"make_set limit", &plan.Aggregate{Input: &plan.Scan{Table: "L"}, Aggs: []plan.Agg{{Name: "s", Func: "make_set",
			Args: []plan.Expr{plan.Col("k", noSpan), plan.Lit(event.Long(0), diag.Span{Start: 12})}}}},
			"offset 12: make_set: size limit must be a positive integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.root, cat, Options{Now: testNow})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Run(context.Background(), &plan.Scan{Table: "L"}, cat, Options{}); err == nil || err.Error() != "exec: options: now is not set" {
		t.Errorf("missing now: error = %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, &plan.Scan{Table: "L"}, joinTables(), Options{Now: testNow})
	if err != context.Canceled {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestScanFill(t *testing.T) {
	cat := MemCatalog{"T": table(plan.Schema{{Name: "s", Type: plan.TypeString}, {Name: "n", Type: plan.TypeLong}},
		[]any{nil, nil}, []any{"x", 1})}
	tests := []struct {
		fill plan.Fill
		want []string // s | n | s == ""
	}{
		// KQL: a null string reads as "", other types keep null
		{plan.FillEmptyString, []string{`"" | null | true`, `"x" | 1 | false`}},
		{plan.FillUnset, []string{`null | null | null`, `"x" | 1 | false`}},
	}
	for _, tc := range tests {
		root := &plan.Extend{Input: &plan.Scan{Table: "T", Fill: tc.fill},
			Columns: []plan.Assign{{Name: "eq", Expr: parseExpr(t, `(== s "")`)}}}
		if diff := cmp.Diff(tc.want, rowsText(run(t, root, cat))); diff != "" {
			t.Errorf("fill %v (-want +got):\n%s", tc.fill, diff)
		}
	}
}

func TestWindow(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC)
	cat := MemCatalog{
		"T": table(plan.Schema{{Name: "TimeGenerated", Type: plan.TypeDatetime}, {Name: "n", Type: plan.TypeLong}},
			[]any{t0.Add(-time.Second), 1}, []any{t0, 2}, []any{t0.Add(59 * time.Minute), 3}, []any{t0.Add(time.Hour), 4}, []any{nil, 5}),
		"NoTime": table(plan.Schema{{Name: "n", Type: plan.TypeLong}}, []any{6}),
	}
	w := Window(cat, "TimeGenerated", t0, t0.Add(time.Hour))
	got := rowsText(run(t, &plan.Project{Input: &plan.Scan{Table: "T"}, Columns: []plan.Assign{{Name: "n", Expr: plan.Col("n", noSpan)}}}, w))
	if diff := cmp.Diff([]string{`2`, `3`}, got); diff != "" {
		t.Errorf("window [from, to) (-want +got):\n%s", diff)
	}
	if got := rowsText(run(t, &plan.Scan{Table: "NoTime"}, w)); !cmp.Equal(got, []string{`6`}) {
		t.Errorf("table without the time column: %v", got)
	}
	if _, ok := w.Table("Missing"); ok {
		t.Error("missing tables stay missing")
	}
}

// TestTopIsSortThenLimit checks the bounded heap of Top against its
// definition, a stable sort cut to N rows, on random rows full of ties and
// nulls, for every N from 0 past the row count.
func TestTopIsSortThenLimit(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	var rows [][]any
	for i := range 60 {
		var n any = rnd.IntN(5)
		if rnd.IntN(6) == 0 {
			n = nil
		}
		rows = append(rows, []any{n, []string{"a", "b", "c"}[rnd.IntN(3)], i})
	}
	cat := MemCatalog{"T": table(plan.Schema{{Name: "n", Type: plan.TypeLong}, {Name: "s", Type: plan.TypeString}, {Name: "i", Type: plan.TypeLong}}, rows...)}
	scan := func() plan.Node { return &plan.Scan{Table: "T"} }
	keySets := map[string][]plan.SortKey{
		"n desc nulls last": {{Expr: plan.Col("n", noSpan), Desc: true}},
		"n asc nulls first": {{Expr: plan.Col("n", noSpan), NullsFirst: true}},
		"s then n desc":     {{Expr: plan.Col("s", noSpan)}, {Expr: plan.Col("n", noSpan), Desc: true}},
	}
	for name, keys := range keySets {
		sorted := rowsText(run(t, &plan.Sort{Input: scan(), Keys: keys}, cat))
		for n := range int64(len(rows) + 2) {
			got := rowsText(run(t, &plan.Top{Input: scan(), N: n, Keys: keys}, cat))
			want := sorted[:min(n, int64(len(sorted)))]
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s, top %d (-sort+limit +top):\n%s", name, n, diff)
			}
		}
	}
}

// TestRunAt runs one compiled query at other times over other catalogs of
// the same schema: each run must give what compiling for it would, now()
// and ago() included, and a plain Run afterwards still reads the catalog and
// time the query was compiled with.
func TestRunAt(t *testing.T) {
	schema := plan.Schema{{Name: "t", Type: plan.TypeDatetime}, {Name: "s", Type: plan.TypeString}}
	at := func(h int) time.Time { return testNow.Add(time.Duration(h) * time.Hour) }
	cats := []MemCatalog{
		{"T": table(schema, []any{at(-3), "a"}, []any{at(-1), "b"})},
		{"T": table(schema, []any{at(1), "c"}, []any{at(2), "d"}, []any{at(5), "e"})},
		{"T": table(schema)},
	}
	// T | where t > ago(2h) | extend now = now()
	root := &plan.Extend{
		Input:   &plan.Filter{Input: &plan.Scan{Table: "T"}, Pred: parseExpr(t, `(> t (ago (ts "2h")))`)},
		Columns: []plan.Assign{{Name: "now", Expr: parseExpr(t, `(now)`)}},
	}
	q, err := Compile(root, cats[0], Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for i, cat := range cats {
		for _, now := range []time.Time{testNow, at(3), at(6)} {
			want, err := Run(context.Background(), root, cat, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got, err := q.RunAt(context.Background(), cat, now)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(rowsText(want), rowsText(got)); diff != "" {
				t.Errorf("catalog %d at %s (-compiled for it +RunAt):\n%s", i, now.Format(time.RFC3339), diff)
			}
		}
	}
	if diff := cmp.Diff(rowsText(run(t, root, cats[0])), mustRows(t, q)); diff != "" {
		t.Errorf("Run after RunAt (-want +got):\n%s", diff)
	}
}

func mustRows(t *testing.T, q *Query) []string {
	t.Helper()
	res, err := q.Rows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rowsText(res)
}
