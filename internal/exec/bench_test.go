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

func benchRun(b *testing.B, root plan.Node, cat Catalog) {
	b.Helper()
	q, err := Compile(root, cat, Options{Now: testNow})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := q.Run(context.Background(), func([]event.Value) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

const benchRows = 100_000

func BenchmarkFilter(b *testing.B) {
	cat := MemCatalog{"SigninLogs": benchSignins(benchRows)}
	var n plan.Node = &plan.Filter{Input: &plan.Scan{Table: "SigninLogs"}, Pred: parseExpr(b, `(== ResultType 500121)`)}
	n = &plan.Extend{Input: n, Columns: []plan.Assign{{Name: "d", Expr: parseExpr(b, `(tostring (. Status additionalDetails))`)}}}
	n = &plan.Filter{Input: n, Pred: parseExpr(b, `(or (=~ d "MFA denied; user declined the authentication") (has d "fraud"))`)}
	benchRun(b, n, cat)
}

func BenchmarkFilterHas(b *testing.B) {
	cat := MemCatalog{"SigninLogs": benchSignins(benchRows)}
	n := &plan.Filter{Input: &plan.Scan{Table: "SigninLogs"}, Pred: parseExpr(b, `(has (tostring (. Status additionalDetails)) "fraud")`)}
	benchRun(b, n, cat)
}

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
	benchRun(b, n, cat)
}

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
	benchRun(b, n, cat)
}
