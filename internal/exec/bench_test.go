package exec

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// benchSignins is a SigninLogs-like table of n rows over 1000 users and 5000
// IPs, 1% of them MFA denials.
func benchSignins(n int) *MemTable {
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	t := &MemTable{Columns: plan.Schema{
		{Name: "TimeGenerated", Type: plan.TypeDatetime},
		{Name: "ResultType", Type: plan.TypeString},
		{Name: "Status", Type: plan.TypeDynamic},
		{Name: "UserPrincipalName", Type: plan.TypeString},
		{Name: "IPAddress", Type: plan.TypeString},
	}}
	declined := event.Object(event.Member{Key: "additionalDetails", Value: event.String("MFA denied; user declined the authentication")})
	ok := event.Object(event.Member{Key: "additionalDetails", Value: event.String("MFA requirement satisfied by claim in the token")})
	for i := range n {
		code, status := "0", ok
		if i%100 == 0 {
			code, status = "500121", declined
		}
		t.Rows = append(t.Rows, []event.Value{
			event.Datetime(t0.Add(time.Duration(i) * time.Second)),
			event.String(code),
			status,
			event.String(fmt.Sprintf("User%d@Contoso.com", i%1000)),
			event.String(fmt.Sprintf("10.0.%d.%d", i%5000/256, i%5000%256)),
		})
	}
	return t
}

// benchRun compiles root against cat, checks once that it outputs want rows,
// then runs it b.N times and reports the rate at which it consumes its in
// input rows.
func benchRun(b *testing.B, root plan.Node, cat Catalog, in, want int) {
	b.Helper()
	q, err := Compile(root, cat, Options{Now: testNow})
	if err != nil {
		b.Fatal(err)
	}
	got := 0
	if err := q.Run(context.Background(), func([]event.Value) error { got++; return nil }); err != nil {
		b.Fatal(err)
	}
	if got != want {
		b.Fatalf("%d output rows, want %d", got, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := q.Run(context.Background(), func([]event.Value) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(in*b.N)/b.Elapsed().Seconds(), "rows/s")
}

const benchRows = 100_000

// BenchmarkFilter measures a where, extend, where chain that keeps the 1% of
// sign-ins that are MFA denials.
func BenchmarkFilter(b *testing.B) {
	cat := MemCatalog{"SigninLogs": benchSignins(benchRows)}
	var n plan.Node = &plan.Filter{Input: &plan.Scan{Table: "SigninLogs"}, Pred: parseExpr(b, `(== ResultType 500121)`)}
	n = &plan.Extend{Input: n, Columns: []plan.Assign{{Name: "d", Expr: parseExpr(b, `(tostring (. Status additionalDetails))`)}}}
	n = &plan.Filter{Input: n, Pred: parseExpr(b, `(or (=~ d "MFA denied; user declined the authentication") (has d "fraud"))`)}
	benchRun(b, n, cat, benchRows, benchRows/100)
}

// BenchmarkFilterHas measures a has term search over a dynamic member that
// matches no row.
func BenchmarkFilterHas(b *testing.B) {
	cat := MemCatalog{"SigninLogs": benchSignins(benchRows)}
	n := &plan.Filter{Input: &plan.Scan{Table: "SigninLogs"}, Pred: parseExpr(b, `(has (tostring (. Status additionalDetails)) "fraud")`)}
	benchRun(b, n, cat, benchRows, 0)
}

// BenchmarkAggregate measures a KQL summarize by user and IP with four
// aggregations.
func BenchmarkAggregate(b *testing.B) {
	cat := MemCatalog{"SigninLogs": benchSignins(benchRows)}
	n := &plan.Aggregate{Input: &plan.Scan{Table: "SigninLogs"},
		By: []plan.Assign{
			{Name: "UserPrincipalName", Expr: parseExpr(b, `(tolower UserPrincipalName)`)},
			{Name: "IPAddress", Expr: plan.Col("IPAddress", noSpan)},
		},
		Aggs: []plan.Agg{
			{Name: "StartTime", Func: "min", Args: []plan.Expr{plan.Col("TimeGenerated", noSpan)}},
			{Name: "EndTime", Func: "max", Args: []plan.Expr{plan.Col("TimeGenerated", noSpan)}},
			{Name: "Count", Func: "count"},
			{Name: "Codes", Func: "make_set", Args: []plan.Expr{plan.Col("ResultType", noSpan)}},
		}}
	benchRun(b, n, cat, benchRows, 5000) // one group per IP, each IP having one user
}

// BenchmarkJoin measures a leftouter join of the sign-ins with a 5000-row
// table on IP address.
func BenchmarkJoin(b *testing.B) {
	signins := benchSignins(benchRows)
	ba := &MemTable{Columns: plan.Schema{{Name: "IPAddress", Type: plan.TypeString}, {Name: "Priority", Type: plan.TypeLong}}}
	for i := range 5000 {
		ba.Rows = append(ba.Rows, []event.Value{signins.Rows[i][4], event.Long(int64(i % 10))})
	}
	cat := MemCatalog{"SigninLogs": signins, "BA": ba}
	n := &plan.Join{Left: &plan.Scan{Table: "SigninLogs"}, Right: &plan.Scan{Table: "BA"},
		Kind: plan.JoinLeftOuter, Clash: plan.ClashSuffix, Fill: plan.FillEmptyString,
		On: []plan.JoinKey{{Left: "IPAddress", Right: "IPAddress"}}}
	benchRun(b, n, cat, benchRows+5000, benchRows) // every IP has one BA row
}

// withColumn returns a copy of t with column c appended, holding v(i) in
// row i.
func withColumn(t *MemTable, c plan.Column, v func(i int) event.Value) *MemTable {
	out := &MemTable{Columns: append(t.Columns[:len(t.Columns):len(t.Columns)], c)}
	for i, row := range t.Rows {
		out.Rows = append(out.Rows, append(row[:len(row):len(row)], v(i)))
	}
	return out
}

// BenchmarkOperator measures each operator type over benchSignins rows held
// in memory, the scan included (Scan alone is the baseline). The
// non-interactive table adds three conditional-access policies to each row;
// the Splunk table, scanned as SPL does, lacks IPAddress (null) in every
// tenth row. in is the number of rows the plan reads, want the number it
// must output.
func BenchmarkOperator(b *testing.B) {
	signins := benchSignins(benchRows)
	policies := mustJSON(b, `[{"id":"1","displayName":"Require MFA for all users","result":"success"},`+
		`{"id":"2","displayName":"Block legacy authentication","result":"notApplied"},`+
		`{"id":"3","displayName":"Require compliant device for admins","result":"notApplied"}]`)
	nonInteractive := withColumn(signins, plan.Column{Name: "ConditionalAccessPolicies", Type: plan.TypeDynamic},
		func(int) event.Value { return policies })
	splunk := benchSignins(benchRows)
	for i, row := range splunk.Rows {
		if i%10 == 5 {
			row[4] = event.Null
		}
	}
	cat := MemCatalog{"SigninLogs": signins, "AADNonInteractiveUserSignInLogs": nonInteractive, "Splunk": splunk}

	kql := func() plan.Node { return &plan.Scan{Table: "SigninLogs", Fill: plan.FillEmptyString} }
	spl := func() plan.Node { return &plan.Scan{Table: "Splunk", Fill: plan.FillNull} }
	col := func(name string) plan.Expr { return plan.Col(name, noSpan) }
	// Splunk rows with an IP: the 5000 (user, IP) pairs less the 500 whose
	// IP is null.
	const splunkPairs = 4500
	for _, bc := range []struct {
		name     string
		root     plan.Node
		in, want int
	}{
		{"Scan", kql(), benchRows, benchRows},
		{"Extend", &plan.Extend{Input: kql(), Columns: []plan.Assign{
			{Name: "Details", Expr: parseExpr(b, `(tostring (. Status additionalDetails))`)},
			{Name: "User", Expr: parseExpr(b, `(tolower UserPrincipalName)`)},
		}}, benchRows, benchRows},
		{"Project", &plan.Project{Input: kql(), Columns: []plan.Assign{
			{Name: "TimeGenerated", Expr: col("TimeGenerated")},
			{Name: "UserPrincipalName", Expr: col("UserPrincipalName")},
			{Name: "IPAddress", Expr: col("IPAddress")},
			{Name: "Code", Expr: parseExpr(b, `(toint ResultType)`)},
		}}, benchRows, benchRows},
		{"ProjectAway", &plan.ProjectAway{Input: kql(), Columns: []string{"Status", "IP*"}}, benchRows, benchRows},
		{"Rename", &plan.Rename{Input: kql(), Columns: []plan.RenamePair{
			{New: "User", Old: "UserPrincipalName"}, {New: "IP", Old: "IPAddress"},
		}}, benchRows, benchRows},
		{"Reorder", &plan.Reorder{Input: kql(), Columns: []string{"UserPrincipalName", "IP*"}}, benchRows, benchRows},
		{"Union", &plan.Union{Inputs: []plan.Node{kql(), &plan.Scan{Table: "AADNonInteractiveUserSignInLogs", Fill: plan.FillEmptyString}},
			Fill: plan.FillEmptyString, SourceColumn: "Type"}, 2 * benchRows, 2 * benchRows},
		{"MvExpand", &plan.MvExpand{Input: &plan.Scan{Table: "AADNonInteractiveUserSignInLogs", Fill: plan.FillEmptyString},
			Columns: []plan.MvColumn{{Name: "ConditionalAccessPolicies", Expr: col("ConditionalAccessPolicies")}}},
			benchRows, 3 * benchRows},
		{"Sort", &plan.Sort{Input: kql(), Keys: []plan.SortKey{
			{Expr: col("UserPrincipalName"), NullsFirst: true}, {Expr: col("TimeGenerated"), Desc: true},
		}}, benchRows, benchRows},
		{"Top", &plan.Top{Input: kql(), N: 10, Keys: []plan.SortKey{{Expr: col("TimeGenerated"), Desc: true}}}, benchRows, 10},
		{"Limit", &plan.Limit{Input: kql(), N: benchRows / 2}, benchRows / 2, benchRows / 2},
		{"Distinct", &plan.Distinct{Input: kql(), Columns: []string{"UserPrincipalName", "IPAddress"}}, benchRows, 5000},
		{"Count", &plan.Count{Input: kql(), Name: "Count"}, benchRows, 1},
		{"FillNulls", &plan.FillNulls{Input: spl(), Value: event.String("unknown")}, benchRows, benchRows},
		{"RenameFields", &plan.RenameFields{Input: spl(), Columns: []plan.RenamePair{
			{Old: "UserPrincipalName", New: "user"}, {Old: "IP*", New: "src_*"},
		}}, benchRows, benchRows},
		{"EventStats", &plan.EventStats{Input: spl(), By: []plan.Assign{{Name: "UserPrincipalName", Expr: col("UserPrincipalName")}},
			Aggs: []plan.Agg{{Name: "count", Func: "count"}, {Name: "ips", Func: "spl.dc", Args: []plan.Expr{col("IPAddress")}}}},
			benchRows, benchRows},
		{"Dedup", &plan.Dedup{Input: spl(), Columns: []string{"UserPrincipalName", "IPAddress"}}, benchRows, splunkPairs},
		{"AggregateSPL", &plan.Aggregate{Input: spl(), DropNullKeys: true, ExpandKeys: true,
			By: []plan.Assign{{Name: "UserPrincipalName", Expr: col("UserPrincipalName")}, {Name: "IPAddress", Expr: col("IPAddress")}},
			Aggs: []plan.Agg{
				{Name: "count", Func: "count"},
				{Name: "firstTime", Func: "spl.min", Args: []plan.Expr{col("TimeGenerated")}},
				{Name: "codes", Func: "spl.values", Args: []plan.Expr{col("ResultType")}},
			}}, benchRows, splunkPairs},
	} {
		b.Run(bc.name, func(b *testing.B) { benchRun(b, bc.root, cat, bc.in, bc.want) })
	}
}
