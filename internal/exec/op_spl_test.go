package exec

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// splInput: u is a user (null in one row), m a multivalue field, p.x and x
// clash after a prefix rename, z is null everywhere.
func splInput(t testing.TB) MemCatalog {
	return MemCatalog{"S": table(plan.Schema{
		{Name: "u", Type: plan.TypeString},
		{Name: "m", Type: plan.TypeDynamic},
		{Name: "x", Type: plan.TypeString},
		{Name: "p.x", Type: plan.TypeString},
		{Name: "p.y", Type: plan.TypeLong},
		{Name: "z", Type: plan.TypeString},
	},
		[]any{"a", mustJSON(t, `["k1","k2","k1"]`), "top", "inner", 1, nil},
		[]any{nil, mustJSON(t, `["k2"]`), "top2", nil, 2, nil},
		[]any{"a", "k3", nil, "in3", nil, nil},
	)}
}

func TestSPLOperators(t *testing.T) {
	scan := func() plan.Node { return &plan.Scan{Table: "S", Fill: plan.FillNull} }
	tests := []struct {
		name string
		root plan.Node
		cols []string
		want []string
	}{
		{"fillnulls over the result set skips columns null everywhere",
			&plan.FillNulls{Input: scan(), Value: event.String("0")},
			[]string{"u", "m", "x", "p.x", "p.y", "z"},
			[]string{`"a" | dynamic(["k1","k2","k1"]) | "top" | "inner" | 1 | null`, `"0" | dynamic(["k2"]) | "top2" | "0" | 2 | null`, `"a" | "k3" | "0" | "in3" | "0" | null`}},
		{"fillnulls of named columns creates them",
			&plan.FillNulls{Input: scan(), Value: event.String("-"), Columns: []string{"z", "new"}},
			[]string{"u", "m", "x", "p.x", "p.y", "z", "new"},
			[]string{`"a" | dynamic(["k1","k2","k1"]) | "top" | "inner" | 1 | "-" | "-"`, `null | dynamic(["k2"]) | "top2" | null | 2 | "-" | "-"`, `"a" | "k3" | null | "in3" | null | "-" | "-"`}},
		{"renamefields with a wildcard replaces the target, nulls included",
			&plan.RenameFields{Input: scan(), Columns: []plan.RenamePair{{Old: "p.*", New: "*"}}},
			[]string{"u", "m", "x", "y", "z"},
			[]string{`"a" | dynamic(["k1","k2","k1"]) | "inner" | 1 | null`, `null | dynamic(["k2"]) | null | 2 | null`, `"a" | "k3" | "in3" | null | null`}},
		{"renamefields of a missing column removes the target",
			&plan.RenameFields{Input: scan(), Columns: []plan.RenamePair{{Old: "nosuch", New: "x"}, {Old: "u", New: "user"}}},
			[]string{"user", "m", "p.x", "p.y", "z"},
			[]string{`"a" | dynamic(["k1","k2","k1"]) | "inner" | 1 | null`, `null | dynamic(["k2"]) | null | 2 | null`, `"a" | "k3" | "in3" | null | null`}},
		{"aggregate drops null keys and expands multivalue keys",
			&plan.Aggregate{Input: scan(), By: []plan.Assign{{Name: "u", Expr: plan.Col("u", noSpan)}, {Name: "m", Expr: plan.Col("m", noSpan)}},
				Aggs: []plan.Agg{{Name: "n", Func: "count"}}, DropNullKeys: true, ExpandKeys: true},
			[]string{"u", "m", "n"}, []string{`"a" | "k1" | 1`, `"a" | "k2" | 1`, `"a" | "k3" | 1`}},
		{"aggregate keeps today's behaviour by default",
			&plan.Aggregate{Input: scan(), By: []plan.Assign{{Name: "u", Expr: plan.Col("u", noSpan)}}, Aggs: []plan.Agg{{Name: "n", Func: "count"}}},
			[]string{"u", "n"}, []string{`"a" | 2`, `null | 1`}},
		{"eventstats appends, null keys get null",
			&plan.EventStats{Input: scan(), By: []plan.Assign{{Name: "u", Expr: plan.Col("u", noSpan)}}, Aggs: []plan.Agg{{Name: "n", Func: "count"}, {Name: "x", Func: "spl.values", Args: []plan.Expr{plan.Col("p.x", noSpan)}}}},
			[]string{"u", "m", "x", "p.x", "p.y", "z", "n"},
			[]string{`"a" | dynamic(["k1","k2","k1"]) | dynamic(["in3","inner"]) | "inner" | 1 | null | 2`, `null | dynamic(["k2"]) | null | null | 2 | null | null`, `"a" | "k3" | dynamic(["in3","inner"]) | "in3" | null | null | 2`}},
		{"dedup drops rows lacking a column",
			&plan.Dedup{Input: scan(), Columns: []string{"u"}},
			[]string{"u", "m", "x", "p.x", "p.y", "z"}, []string{`"a" | dynamic(["k1","k2","k1"]) | "top" | "inner" | 1 | null`}},
		{"dedup keepempty and keep",
			&plan.Dedup{Input: scan(), Columns: []string{"u"}, Keep: 2, KeepEmpty: true},
			[]string{"u", "m", "x", "p.x", "p.y", "z"},
			[]string{`"a" | dynamic(["k1","k2","k1"]) | "top" | "inner" | 1 | null`, `null | dynamic(["k2"]) | "top2" | null | 2 | null`, `"a" | "k3" | null | "in3" | null | null`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.root, splInput(t))
			if diff := cmp.Diff(tc.cols, res.Columns.Names()); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, rowsText(res)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSPLFunctions(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`(spl.search "65004" 65004)`, "true"},
		{`(spl.search 65004.0 "65004")`, "true"},
		{`(spl.search "Sign-In Activity" "sign-in*")`, "true"},
		{`(spl.search null "*")`, "false"},
		{`(spl.== "a" "A")`, "false"},
		{`(spl.== "10" 10.0)`, "true"},
		{`(spl.< "9" "10")`, "true"},
		{`(spl.< "b" "a")`, "false"},
		{`(spl.== null 1)`, "null"},
		{`(spl.like "abc" "a%c")`, "true"},
		{`(spl.coalesce null "" "x")`, `""`},
		{`(spl.mvcount "x")`, "1"},
		{`(spl.epoch (todatetime "2024-05-01T10:00:00.5Z"))`, "1.7145576005e+09"}, // a real; SPL text forms print it 1714557600.5
		{`(spl.ctime 1714557600 "%Y-%m-%dT%H:%M:%S")`, `"2024-05-01T10:00:00"`},
		{`(spl.ctime "abc" "%Y")`, `"abc"`},
		{`(spl.bin 1714557999 3600)`, "1714557600"},
		{`(spl./ 6 3)`, "2"},
		{`(spl.+ "a" 1)`, `"a1"`},
		{`(spl.strptime "05/01/2024 10:00" "%m/%d/%Y %H:%M")`, "1714557600"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			root := &plan.Project{Input: &plan.Values{Rows: [][]event.Value{{}}}, Columns: []plan.Assign{{Name: "v", Expr: parseExpr(t, tt.expr)}}}
			res := run(t, root, MemCatalog{})
			if got := show(res.Rows[0][0]); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
