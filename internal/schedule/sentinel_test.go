package schedule

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/query/kql"
	"vigil/internal/rule"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSentinelRuns(t *testing.T) {
	tests := []struct {
		name         string
		freq, period time.Duration
		first, last  string
		want         []string // scheduled: [from, to) now
	}{
		{
			"hourly over two hours of data",
			time.Hour, time.Hour, "2024-05-02T08:10:00Z", "2024-05-02T09:59:59Z",
			[]string{
				"09:00 [08:00, 09:00) now 09:05",
				"10:00 [09:00, 10:00) now 10:05",
			},
		},
		{
			"an event exactly on a slot belongs to the next window",
			time.Hour, time.Hour, "2024-05-02T09:00:00Z", "2024-05-02T09:00:00Z",
			[]string{"10:00 [09:00, 10:00) now 10:05"},
		},
		{
			"a period longer than the frequency sees data in several runs",
			time.Hour, 3 * time.Hour, "2024-05-02T08:30:00Z", "2024-05-02T08:30:00Z",
			[]string{
				"09:00 [06:00, 09:00) now 09:05",
				"10:00 [07:00, 10:00) now 10:05",
				"11:00 [08:00, 11:00) now 11:05",
			},
		},
		{"no frequency", 0, time.Hour, "2024-05-02T08:30:00Z", "2024-05-02T08:30:00Z", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range SentinelRuns(tt.freq, tt.period, ts(tt.first), ts(tt.last)) {
			got = append(got, fmt.Sprintf("%s [%s, %s) now %s", r.Scheduled.Format("15:04"), r.From.Format("15:04"), r.To.Format("15:04"), r.Now.Format("15:04")))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// resolver gives the KQL front-end the schemas of a catalog's tables.
type resolver struct{ cat exec.Catalog }

func (r resolver) TableSchema(name string) (plan.Schema, bool) {
	t, ok := r.cat.Table(name)
	if !ok {
		return nil, false
	}
	return t.Schema(), true
}

// memSource windows in-memory tables on TimeGenerated.
type memSource struct{ cat exec.MemCatalog }

func (m memSource) Window(from, to time.Time) exec.Catalog {
	return exec.Window(m.cat, "TimeGenerated", from, to)
}

func signins(rows ...[]event.Value) *exec.MemTable {
	return &exec.MemTable{
		Columns: plan.Schema{
			{Name: "TimeGenerated", Type: plan.TypeDatetime},
			{Name: "UserPrincipalName", Type: plan.TypeString},
			{Name: "IPAddress", Type: plan.TypeString},
			{Name: "ResultType", Type: plan.TypeString},
		},
		Rows: rows,
	}
}

func row(at, upn, ip, result string) []event.Value {
	return []event.Value{event.Datetime(ts(at)), event.String(upn), event.String(ip), event.String(result)}
}

func testRule(perResult bool) *rule.Rule {
	return &rule.Rule{
		ID: "r1", Name: "Denials", Format: rule.FormatSentinel, Severity: rule.SeverityMedium, Techniques: []string{"T1078.004"},
		Language: "kql",
		Query:    "SigninLogs | where ResultType == 500121 | summarize Count = count(), Last = max(TimeGenerated) by UserPrincipalName, IPAddress",
		Sentinel: &rule.Sentinel{
			QueryFrequency: time.Hour, QueryPeriod: time.Hour, TriggerOperator: rule.OpGreaterThan, TriggerThreshold: 0,
			AlertPerResult: perResult,
			Entities: []rule.EntityMapping{
				{Type: "Account", Fields: []rule.FieldMapping{{Identifier: "FullName", Column: "UserPrincipalName"}}},
				{Type: "IP", Fields: []rule.FieldMapping{{Identifier: "Address", Column: "IPAddress"}}},
			},
			CustomDetails: []rule.Detail{{Name: "Attempts", Column: "Count"}},
		},
	}
}

func TestSentinelBacktest(t *testing.T) {
	src := memSource{exec.MemCatalog{"SigninLogs": signins(
		row("2024-05-02T08:10:00Z", "alice@contoso.example", "203.0.113.5", "500121"),
		row("2024-05-02T08:20:00Z", "alice@contoso.example", "203.0.113.5", "500121"),
		row("2024-05-02T08:30:00Z", "bob@contoso.example", "", "500121"),
		row("2024-05-02T09:15:00Z", "carol@contoso.example", "198.51.100.1", "0"),
		row("2024-05-02T10:40:00Z", "dave@contoso.example", "198.51.100.2", "500121"),
	)}}
	render := func(r *rule.Rule) []string {
		root, err := kql.Compile(r.Query, resolver{src.cat})
		if err != nil {
			t.Fatal(err)
		}
		alerts, err := Sentinel(context.Background(), r, root, src, Options{First: ts("2024-05-02T08:10:00Z"), Last: ts("2024-05-02T10:40:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range alerts {
			var ents []string
			for _, e := range a.Entities {
				ents = append(ents, e.Type+"="+e.Value)
			}
			out = append(out, fmt.Sprintf("%s %s rows=%d span=%s..%s entities=%s details=%s",
				a.Time.Format("15:04"), a.Severity, len(a.Rows), a.FirstSeen.Format("15:04"), a.LastSeen.Format("15:04"),
				strings.Join(ents, ","), a.Details[0].Value.Text()))
		}
		return out
	}
	// One alert per run by default, holding every row; the 09:00–10:00 run
	// has no denial and raises nothing. bob's row has no IP: no IP entity.
	want := []string{
		"09:05 medium rows=2 span=08:20..08:30 entities=user=alice@contoso.example,ip=203.0.113.5,user=bob@contoso.example details=[2,1]",
		"11:05 medium rows=1 span=10:40..10:40 entities=user=dave@contoso.example,ip=198.51.100.2 details=[1]",
	}
	if diff := cmp.Diff(want, render(testRule(false))); diff != "" {
		t.Errorf("single alert per run (-want +got):\n%s", diff)
	}
	want = []string{
		"09:05 medium rows=1 span=08:20..08:20 entities=user=alice@contoso.example,ip=203.0.113.5 details=[2]",
		"09:05 medium rows=1 span=08:30..08:30 entities=user=bob@contoso.example details=[1]",
		"11:05 medium rows=1 span=10:40..10:40 entities=user=dave@contoso.example,ip=198.51.100.2 details=[1]",
	}
	if diff := cmp.Diff(want, render(testRule(true))); diff != "" {
		t.Errorf("alert per result (-want +got):\n%s", diff)
	}
}

func TestAlertPerResultCap(t *testing.T) {
	var rows [][]event.Value
	for i := range 160 {
		rows = append(rows, row("2024-05-02T08:10:00Z", fmt.Sprintf("u%03d@contoso.example", i), "203.0.113.5", "500121"))
	}
	src := memSource{exec.MemCatalog{"SigninLogs": signins(rows...)}}
	r := testRule(true)
	root, err := kql.Compile(r.Query, resolver{src.cat})
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := Sentinel(context.Background(), r, root, src, Options{First: ts("2024-05-02T08:10:00Z"), Last: ts("2024-05-02T08:10:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != MaxAlertsPerRun || len(alerts[MaxAlertsPerRun-1].Rows) != 11 {
		t.Fatalf("%d alerts, the last with %d rows; want 150, the last with 11", len(alerts), len(alerts[len(alerts)-1].Rows))
	}
	ids := map[string]bool{}
	for _, a := range alerts {
		ids[a.ID] = true
	}
	if len(ids) != len(alerts) {
		t.Error("alert ids are not unique")
	}
}
