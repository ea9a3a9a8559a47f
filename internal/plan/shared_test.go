package plan

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
)

// doubling returns the plan of `let t0 = <leaf>; let t1 = union t0, t0; …`
// up to level n: n+1 distinct nodes, 2ⁿ⁺¹-1 once expanded. With join set,
// each level is a self-join instead (`t | join kind=leftsemi t on …`).
func doubling(leaf Node, n int, join bool) Node {
	t := leaf
	for i := 1; i <= n; i++ {
		if join {
			t = &Join{Left: t, Right: t, Kind: JoinLeftSemi, On: []JoinKey{{Left: "IPAddress", Right: "IPAddress"}}, At: at(i)}
		} else {
			t = &Union{Inputs: []Node{t, t}, Fill: FillNull, At: at(i)}
		}
	}
	return t
}

// TestCheckSharedNodes: a node shared by several parents is checked once,
// and the plan's size counts every use, so a doubling let chain is rejected
// at the level where it passes MaxPlanSize after visiting each node once.
// Each node counts 1 + its 6 columns, so level k has 7·(2ᵏ⁺¹-1): level 17
// is the first above 10⁶.
func TestCheckSharedNodes(t *testing.T) {
	tooLarge := fmt.Sprintf("offset 17: query too large: more than %d operators, expressions and columns, counting each use of a shared sub-query", MaxPlanSize)
	tests := []struct {
		name       string
		root       Node
		wantVisits int
		wantProbes int // of missingTable
		wantErr    string
	}{
		{"union 10 levels", doubling(signins(), 10, false), 11, 0, ""},
		{"self-join 10 levels", doubling(signins(), 10, true), 11, 0, ""},
		{"union 40 levels", doubling(signins(), 40, false), 41, 0, tooLarge},
		{"self-join 40 levels", doubling(signins(), 40, true), 41, 0, tooLarge},
		{"fuzzy union of shared inputs", &Union{Inputs: []Node{doubling(&Scan{Table: "Nope"}, 40, true), signins()}, Fuzzy: true, Fill: FillNull}, 2, 42, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(tables)
			_, err := c.node(tt.root)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
			if c.visits != tt.wantVisits || c.probes != tt.wantProbes {
				t.Errorf("checked %d nodes and probed %d, want %d and %d", c.visits, c.probes, tt.wantVisits, tt.wantProbes)
			}
		})
	}
}

// TestTableColumnsSharedNodes: the column walk visits a shared node again
// only for columns not asked of it before, and finds what a walk of the
// expanded tree finds.
func TestTableColumnsSharedNodes(t *testing.T) {
	proj := func(in Node, col string) Node {
		return &Project{Input: in, Columns: []Assign{{Name: col, Expr: Col(col, sp)}}}
	}
	// Both inputs of the join read the shared filter, for different columns.
	shared := &Filter{Input: signins(), Pred: Fn("==", sp, Col("ResultType", sp), str("0"))}
	left := doubling(proj(shared, "IPAddress"), 12, false)
	right := doubling(proj(shared, "UserPrincipalName"), 12, false)
	root := &Join{Left: left, Right: right, Kind: JoinInner, Clash: ClashSuffix, On: []JoinKey{{Left: "IPAddress", Right: "UserPrincipalName"}}}
	info, err := Check(root, tables)
	if err != nil {
		t.Fatal(err)
	}
	w := &needWalker{info: info, tables: map[string]map[string]bool{}, done: map[Node]map[string]bool{}}
	w.walk(root, setOf(info.Schema(root).Names()))
	// root, 2×(12 unions + project), the filter twice (one column each time)
	// and the scan twice.
	if want := 1 + 2*13 + 2 + 2; w.visits != want {
		t.Errorf("walked %d times, want %d", w.visits, want)
	}
	got := TableColumns(root, info)
	want := map[string][]string{"SigninLogs": {"ResultType", "UserPrincipalName", "IPAddress"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TableColumns (-want +got):\n%s", diff)
	}
}

// TestCheckLimits: plans deeper or wider than the limits are "query too
// large" errors at the operator (or assignment) that passes them.
func TestCheckLimits(t *testing.T) {
	var deep Node = signins()
	for i := range 10000 {
		deep = &Filter{Input: deep, Pred: Lit(event.Bool(true), sp), At: at(i)}
	}
	var cols []Assign
	for i := range 2000 {
		cols = append(cols, Assign{Name: fmt.Sprint("c", i), Expr: num(1), At: at(i)})
	}
	var legs []Node
	for i := range 20 {
		legs = append(legs, &Extend{Input: signins(), Columns: cols[i*100 : i*100+100]})
	}
	var wide Schema
	for i := range 2000 {
		wide = append(wide, Column{fmt.Sprint("c", i), TypeLong})
	}
	tooWide := fmt.Sprintf("query too large: more than %d columns", MaxColumns)
	tests := []struct {
		name    string
		root    Node
		wantErr string
	}{
		// Filter 5000 is the 5001st operator from the root.
		{"pipeline of 10000 operators", deep, fmt.Sprintf("offset 4999: query too large: operators nested more than %d deep", MaxPlanDepth)},
		// SigninLogs has 6 columns: assignment 1018 adds the 1025th.
		{"extend of 2000 columns", &Extend{Input: signins(), Columns: cols}, "offset 1018: " + tooWide},
		{"project of 2000 columns", &Project{Input: signins(), Columns: cols}, "offset 1024: " + tooWide},
		{"union of 20 × 106 columns", &Union{Inputs: legs, Fill: FillNull, At: at(7)}, "offset 7: " + tooWide},
		{"datatable of 2000 columns", &Values{Columns: wide, At: at(3)}, "offset 3: " + tooWide},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check(tt.root, tables)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
		})
	}
}
