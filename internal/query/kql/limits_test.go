package kql

import (
	"fmt"
	"strings"
	"testing"

	"vigil/internal/plan"
)

// doublingLets returns `let t0 = leaf; let t1 = <step of t0>; …; tn`, where
// step gives the value of t_i from the name of t_(i-1): each level uses the
// one below twice, so the query doubles per level.
func doublingLets(leaf string, n int, step func(prev string) string, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "let t0 = %s;\n", leaf)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "let t%d = %s;\n", i, step(fmt.Sprintf("t%d", i-1)))
	}
	fmt.Fprintf(&b, body, n)
	return b.String()
}

// TestLowerSizeLimits: queries of a few hundred bytes to a few hundred
// kilobytes that double as they expand end in a "query too large" error at
// the let or call where they pass the limit, instead of running for ever.
// Work is bounded by counting: each shared sub-plan is lowered and checked
// once (see plan's TestCheckSharedNodes), so these return at once.
func TestLowerSizeLimits(t *testing.T) {
	union := func(p string) string { return "union " + p + ", " + p }
	semiJoin := func(p string) string { return p + " | join kind=leftsemi " + p + " on UserPrincipalName" }
	selfJoin := func(p string) string { return p + " | join kind=inner " + p + " on UserPrincipalName" }
	var in strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&in, "%q, ", fmt.Sprint("u", i))
	}
	bigBody := "() { SigninLogs | where UserPrincipalName in (" + strings.TrimSuffix(in.String(), ", ") + ") }"
	callTwice := func(p string) string { return "() { union " + p + "(), " + p + "() }" }
	tooLarge := fmt.Sprintf("query too large: more than %d operators, expressions and columns, counting each use of a shared sub-query", plan.MaxPlanSize)
	tooWide := fmt.Sprintf("query too large: more than %d columns", plan.MaxColumns)
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"union doubling, 10 levels", doublingLets("SigninLogs", 10, union, "t%d | count"), ""},
		// Each union counts 1 + its 12 columns: t16 (line 17, col 11) is the
		// first above the limit.
		{"union doubling, 40 levels", doublingLets("SigninLogs", 40, union, "t%d | count"), "17:11: kql: " + tooLarge},
		{"semi-join doubling, 40 levels", doublingLets("SigninLogs", 40, semiJoin, "t%d"), "17:17: kql: " + tooLarge},
		{"fuzzy union over a doubling", doublingLets("SigninLogs", 40, union, "union isfuzzy=true Nope, t%d"), "17:11: kql: " + tooLarge},
		// An inner self-join doubles the columns: 12·2⁷ at t7.
		{"self-join doubling, 40 levels", doublingLets("SigninLogs", 40, selfJoin, "t%d"), "8:15: kql: " + tooWide},
		// 16 copies of a 260 kB body pass MaxExpandedText; the error is at
		// the call that passes it (line 2, col 21: `t0()` in t1).
		{"large function called from a doubling chain", doublingLets(bigBody, 8, callTwice, "t%d()"),
			fmt.Sprintf("2:21: kql: query too large: lets and functions expand to more than %d bytes of query text", MaxExpandedText)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.in, testTables)
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

// TestScansUnknownTableShared: the fuzzy union's probe for unknown tables
// visits each node of a shared plan once.
func TestScansUnknownTableShared(t *testing.T) {
	src := doublingLets("SigninLogs", 30, func(p string) string { return "union " + p + ", " + p }, "union isfuzzy=true (t%d | take 1), Nope")
	q, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	l := &lowerer{src: src, r: testTables}
	sc := l.bindLets(q, nil)
	l.tabular(q.Body, sc)
	// The take and the 31 let nodes, once each.
	if l.visits != 32 {
		t.Errorf("visited %d nodes, want 32", l.visits)
	}
}

// TestParseHeightLimit: chains of left-associative operators count one
// level per operator, so that a long chain, however it is nested, cannot
// make the walks after the parser (each recursive) overflow the stack.
func TestParseHeightLimit(t *testing.T) {
	const extend = "SigninLogs | extend x = " // 24 bytes
	tooDeep := fmt.Sprintf("kql: expression is nested too deeply (max %d levels, counting each operator of a chain)", MaxHeight)
	tests := []struct {
		name, in, wantErr string
	}{
		{"chain under the limit", extend + strings.Repeat("1+", MaxHeight-1) + "1", ""},
		// The first operand is one level, each `+` one more: the 4000th `+`
		// (column 24 + 2·4000) passes the limit.
		{"chain of +", extend + strings.Repeat("1+", 100000) + "1", "1:8024: " + tooDeep},
		{"chain of or", "SigninLogs | where " + strings.Repeat("true or ", 100000) + "true", fmt.Sprintf("1:%d: ", 20+8*3999+5) + tooDeep},
		{"member chain", extend + "Status" + strings.Repeat(".a", 100000), fmt.Sprintf("1:%d: ", 25+6+2*3999) + tooDeep},
		// Chains nested in parentheses add up: 150 levels of 30 `+` each
		// are 4,500 levels, though no chain is longer than 30.
		{"nested chains", extend + strings.Repeat("(", 150) + "1" + strings.Repeat(strings.Repeat("+1", 30)+")", 150), "1:8002: " + tooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
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
