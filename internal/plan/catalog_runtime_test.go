package plan

import (
	"testing"

	"vigil/internal/diag"
	"vigil/internal/event"
)

// TestReadsRunTime: an expression reads the run's time when it calls
// now(), ago() or spl.now anywhere in it, member and index accesses
// included.
func TestReadsRunTime(t *testing.T) {
	var at diag.Span
	ts := Lit(event.Timespan(3600e9), at)
	tests := []struct {
		name string
		e    Expr
		want bool
	}{
		{"column", Col("TimeGenerated", at), false},
		{"comparison of columns", Fn(">", at, Col("a", at), Lit(event.Long(1), at)), false},
		{"now()", Fn("now", at), true},
		{"ago() under a comparison", Fn(">", at, Col("TimeGenerated", at), Fn("ago", at, ts)), true},
		{"spl.now under arithmetic", Fn("spl.-", at, Fn("spl.now", at), Lit(event.Long(60), at)), true},
		{"inside an index", &Index{X: Col("d", at), Index: Fn("now", at), At: at}, true},
		{"inside a member", &Member{X: Fn("todynamic", at, Fn("now", at)), Name: "x", At: at}, true},
		{"a function of the row only", Fn("tolower", at, Col("UserPrincipalName", at)), false},
	}
	for _, tc := range tests {
		if got := ReadsRunTime(tc.e); got != tc.want {
			t.Errorf("%s: ReadsRunTime = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, f := range Funcs() {
		want := f.Name == "now" || f.Name == "ago" || f.Name == "spl.now"
		if f.RunTime != want {
			t.Errorf("%s: RunTime = %v, want %v", f.Name, f.RunTime, want)
		}
	}
}
