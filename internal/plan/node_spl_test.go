package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
)

func TestWildcardCaptures(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          []string
		ok            bool
	}{
		{"properties.*", "properties.status.errorCode", []string{"status.errorCode"}, true},
		{"properties.*", "tenantId", nil, false},
		{"a*b*", "axxbyyb", []string{"xx", "yyb"}, true},
		{"*", "", []string{""}, true},
		{"x", "x", nil, true},
	}
	for _, tt := range tests {
		got, ok := WildcardCaptures(tt.pattern, tt.name)
		if ok != tt.ok || !cmp.Equal(got, tt.want) {
			t.Errorf("WildcardCaptures(%q, %q) = %q, %v", tt.pattern, tt.name, got, ok)
		}
	}
	if got := ReplaceWildcards("pre_*_*", []string{"a", "b"}); got != "pre_a_b" {
		t.Errorf("ReplaceWildcards = %q", got)
	}
}

func TestRenameFieldsSchema(t *testing.T) {
	in := Schema{{"id", TypeString}, {"properties.id", TypeLong}, {"properties.a.b", TypeString}, {"user", TypeString}}
	tests := []struct {
		pairs []RenamePair
		want  string
		src   []int
	}{
		{[]RenamePair{{Old: "properties.*", New: "*"}}, "(id:long, ['a.b']:string, user:string)", []int{1, 2, 3}},
		{[]RenamePair{{Old: "nosuch", New: "user"}}, "(id:string, ['properties.id']:long, ['properties.a.b']:string)", []int{0, 1, 2}},
		{[]RenamePair{{Old: "user", New: "u"}, {Old: "u", New: "v"}}, "(id:string, ['properties.id']:long, ['properties.a.b']:string, v:string)", []int{0, 1, 2, 3}},
		{[]RenamePair{{Old: "x*", New: "y*"}}, "(id:string, ['properties.id']:long, ['properties.a.b']:string, user:string)", []int{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		out, src, err := RenameFieldsSchema(in, tt.pairs)
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want || !cmp.Equal(src, tt.src) {
			t.Errorf("%v: got %s %v, want %s %v", tt.pairs, out, src, tt.want, tt.src)
		}
	}
	if _, _, err := RenameFieldsSchema(in, []RenamePair{{Old: "a*", New: "b", At: at(3)}}); err == nil || err.Error() != "offset 3: wildcards of 'a*' and 'b' do not match" {
		t.Errorf("wildcard mismatch: %v", err)
	}
}

func TestCheckSPLNodes(t *testing.T) {
	scan := func() Node { return signins() }
	tests := []struct {
		name string
		root Node
		want string // schema or error
	}{
		{"fillnulls makes a long column dynamic for a string value", &FillNulls{Input: &Project{Input: scan(), Columns: []Assign{{Name: "w", Expr: Col("Weird Name", sp)}}}, Value: event.String("0")}, "(w:dynamic)"},
		{"fillnulls appends named columns", &FillNulls{Input: &Project{Input: scan(), Columns: []Assign{{Name: "u", Expr: Col("UserPrincipalName", sp)}}}, Value: event.String("0"), Columns: []string{"u", "new"}}, "(u:string, new:string)"},
		{"eventstats appends", &EventStats{Input: &Project{Input: scan(), Columns: []Assign{{Name: "u", Expr: Col("UserPrincipalName", sp)}}}, By: []Assign{{Name: "u", Expr: Col("u", sp)}}, Aggs: []Agg{{Name: "n", Func: "count"}, {Name: "u", Func: "spl.values", Args: []Expr{Col("u", sp)}}}}, "(u:dynamic, n:long)"},
		{"dedup unknown column", &Dedup{Input: scan(), Columns: []string{"nosuch"}, At: at(4)}, "offset 4: unknown column 'nosuch'"},
		{"dedup without columns", &Dedup{Input: scan(), At: at(2)}, "offset 2: dedup needs at least one column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Check(tt.root, tables)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = info.Schema(tt.root).String()
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	f := Format(&Dedup{Input: &FillNulls{Input: &RenameFields{Input: scan(), Columns: []RenamePair{{Old: "properties.*", New: "*"}}}, Value: event.String("0")}, Columns: []string{"a", "b"}, Keep: 2, KeepEmpty: true})
	want := "Dedup a, b keep=2 keepempty\n  FillNulls \"0\" *\n    RenameFields *=properties.*\n      Scan SigninLogs\n"
	if f != want {
		t.Errorf("Format:\n%s\nwant\n%s", f, want)
	}
	if !strings.Contains(Format(&Aggregate{Input: scan(), By: []Assign{{Name: "a", Expr: Col("IPAddress", sp)}}, DropNullKeys: true, ExpandKeys: true}), "drop-null-keys expand-keys") {
		t.Error("Aggregate flags not printed")
	}
}

// TestTableColumnsSPL checks projection push-down through the SPL nodes:
// rule 1's shape reads only the fields the stats needs.
func TestTableColumnsSPL(t *testing.T) {
	tbl := Tables{"T": {{"properties.a", TypeString}, {"properties.b", TypeString}, {"b", TypeString}, {"c", TypeString}, {"d", TypeString}, {"e", TypeString}}}
	var n Node = &Scan{Table: "T"}
	n = &RenameFields{Input: n, Columns: []RenamePair{{Old: "properties.*", New: "*"}}}
	n = &FillNulls{Input: n, Value: event.String("0")}
	n = &Dedup{Input: n, Columns: []string{"c"}}
	n = &EventStats{Input: n, By: []Assign{{Name: "d", Expr: Col("d", sp)}}, Aggs: []Agg{{Name: "n", Func: "count"}}}
	n = &Aggregate{Input: n, By: []Assign{{Name: "a", Expr: Col("a", sp)}, {Name: "b", Expr: Col("b", sp)}}, Aggs: []Agg{{Name: "m", Func: "max", Args: []Expr{Col("n", sp)}}}}
	info, err := Check(n, tbl)
	if err != nil {
		t.Fatal(err)
	}
	got := TableColumns(n, info)["T"]
	want := []string{"properties.a", "properties.b", "c", "d"}
	if !cmp.Equal(got, want) {
		t.Errorf("TableColumns = %v, want %v", got, want)
	}
}
