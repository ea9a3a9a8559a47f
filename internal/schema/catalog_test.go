package schema

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
)

var base = time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC)

func minutes(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }

// signIn returns an interactive sign-in with id and a record time n
// minutes after base (no time when n < 0).
func signIn(id string, n int) event.SignIn {
	var ev event.SignIn
	ev.SetCategory("SignInLogs")
	ev.SetStr(event.FID, id)
	if n >= 0 {
		ev.SetTime(event.FRecordTime, minutes(n), "")
	}
	return ev
}

// cell makes a Row cell from a column name and the JSON text of its value.
func cell(name, raw string) event.Cell { return event.Cell{Name: name, Raw: raw} }

// ids scans table and returns the values of column col, as text.
func ids(t *testing.T, cat *Catalog, table, col string) []string {
	t.Helper()
	var out []string
	for _, row := range scanAll(t, cat, table) {
		out = append(out, rowMap(cat, table, row)[col].Text())
	}
	return out
}

// TestOrder: rows come in TimeGenerated order, ties in input order, rows
// without a time last; createdDateTime stands in for a missing record
// time.
func TestOrder(t *testing.T) {
	created := signIn("created-at-5", -1)
	created.SetTime(event.FCreatedDateTime, minutes(5), "")
	evs := []event.SignIn{signIn("b-10", 10), signIn("none-1", -1), signIn("a-10", 10), signIn("c-0", 0), created, signIn("none-2", -1)}
	cat := New(evs, nil)
	want := []string{"c-0", "created-at-5", "b-10", "a-10", "none-1", "none-2"}
	if diff := cmp.Diff(want, ids(t, cat, SigninLogs, "Id")); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestWindow: a window is [from, to) — from inclusive, to exclusive — on
// every table, IdentityInfo and BehaviorAnalytics included; rows without a
// TimeGenerated are in no window.
func TestWindow(t *testing.T) {
	evs := []event.SignIn{signIn("at-0", 0), signIn("at-30", 30), signIn("at-59", 59), signIn("at-60", 60), signIn("no-time", -1)}
	identity := func(upn, tg string) event.Row {
		return event.Row{Table: IdentityInfo, Cells: []event.Cell{cell("TimeGenerated", tg), cell("AccountUPN", `"`+upn+`"`)}}
	}
	tables := map[string][]event.Row{
		IdentityInfo: {
			identity("before", `"2024-05-02T08:59:59.9999999Z"`),
			identity("at-0", `"2024-05-02T09:00:00Z"`),
			identity("at-60", `"2024-05-02T10:00:00Z"`),
			identity("no-time", `""`),
		},
		"Watchlist": {
			{Table: "Watchlist", Cells: []event.Cell{cell("TimeGenerated", `"2024-05-02T09:10:00Z"`), cell("Key", `"in"`)}},
			{Table: "Watchlist", Cells: []event.Cell{cell("TimeGenerated", `"2024-05-02T11:10:00Z"`), cell("Key", `"out"`)}},
		},
		"NoTime": {{Table: "NoTime", Cells: []event.Cell{cell("Key", `"x"`)}}},
	}
	cat := New(evs, tables)

	hour := cat.Window(minutes(0), minutes(60))
	checks := []struct {
		cat        *Catalog
		table, col string
		want       []string
		what       string
	}{
		{cat, SigninLogs, "Id", []string{"at-0", "at-30", "at-59", "at-60", "no-time"}, "no window: every row"},
		{hour, SigninLogs, "Id", []string{"at-0", "at-30", "at-59"}, "from is in, to is out, no time is out"},
		{hour, IdentityInfo, "AccountUPN", []string{"at-0"}, "IdentityInfo is restricted too"},
		{hour, "Watchlist", "Key", []string{"in"}, "any table with a TimeGenerated"},
		{hour, "NoTime", "Key", nil, "a table without TimeGenerated has no row in a window"},
		{hour.Window(minutes(30), minutes(90)), SigninLogs, "Id", []string{"at-30", "at-59"}, "windows intersect"},
		{cat.Window(minutes(60), minutes(0)), SigninLogs, "Id", nil, "an empty window"},
		{cat.Window(minutes(59), minutes(59)), SigninLogs, "Id", nil, "from == to is empty"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, ids(t, c.cat, c.table, c.col)); diff != "" {
			t.Errorf("%s: %s (-want +got):\n%s", c.what, c.table, diff)
		}
	}
	// The unwindowed catalog is unchanged by its windows.
	if got := len(ids(t, cat, IdentityInfo, "AccountUPN")); got != 4 {
		t.Errorf("IdentityInfo has %d rows after windowing a copy, want 4", got)
	}
}

// TestBackToBackWindows: consecutive hourly windows see each row once.
func TestBackToBackWindows(t *testing.T) {
	var evs []event.SignIn
	for m := 0; m < 180; m += 15 {
		evs = append(evs, signIn("x", m))
	}
	cat := New(evs, nil)
	total := 0
	for h := 0; h < 3; h++ {
		total += len(scanAll(t, cat.Window(minutes(60*h), minutes(60*(h+1))), SigninLogs))
	}
	if total != len(evs) {
		t.Errorf("three hourly windows saw %d rows, want %d", total, len(evs))
	}
}

func TestTableNamesAndResolver(t *testing.T) {
	cat := New(nil, map[string][]event.Row{
		"AuditLogs":      {{Table: "AuditLogs", Cells: []event.Cell{cell("OperationName", `"Consent to application"`)}}},
		SigninLogs:       {{Table: SigninLogs, Cells: []event.Cell{cell("Id", `"ignored"`)}}},
		"HighValueUsers": nil,
	})
	want := []string{AADManagedIdentitySignInLogs, AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs,
		"AuditLogs", BehaviorAnalytics, "HighValueUsers", IdentityInfo, SigninLogs}
	if diff := cmp.Diff(want, cat.TableNames()); diff != "" {
		t.Errorf("TableNames (-want +got):\n%s", diff)
	}
	if rows := scanAll(t, cat, SigninLogs); len(rows) != 0 {
		t.Errorf("rows of a table named like a view were shown: %v", rows)
	}
	var r plan.Resolver = cat
	s, ok := r.TableSchema("AuditLogs")
	if !ok || s.String() != "(OperationName:string, Type:string)" {
		t.Errorf("TableSchema(AuditLogs) = %v, %v", s, ok)
	}
	if _, ok := r.TableSchema("signinlogs"); ok {
		t.Error("table names must be case-sensitive")
	}
}

// TestScanContract: Scan stops at fn's error, honours cancellation, and
// reuses one row buffer.
func TestScanContract(t *testing.T) {
	evs := []event.SignIn{signIn("a", 0), signIn("b", 1), signIn("c", 2)}
	tab, _ := New(evs, nil).Table(SigninLogs)
	stop := errors.New("stop")
	n := 0
	if err := tab.Scan(context.Background(), func([]event.Value) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Scan returned %v after %d rows, want stop after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tab.Scan(ctx, func([]event.Value) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Scan with a cancelled context returned %v", err)
	}
}

// TestExecutorReadsViews runs a query through the executor: the catalog is an
// exec.Catalog, and Status is dynamic in SigninLogs.
func TestExecutorReadsViews(t *testing.T) {
	denied := signIn("denied", 10)
	denied.SetStr(event.FResultType, "500121")
	denied.SetInt(event.FStatusErrorCode, 500121)
	denied.SetStr(event.FStatusAdditionalDetails, "MFA denied; user declined the authentication")
	ok := signIn("ok", 20)
	ok.SetInt(event.FStatusErrorCode, 0)
	cat := New([]event.SignIn{denied, ok}, nil)
	// SigninLogs | where ResultType == "500121" | project Id, d = tostring(Status.additionalDetails)
	q := &plan.Project{
		Input: &plan.Filter{
			Input: &plan.Scan{Table: SigninLogs},
			Pred: &plan.Call{Func: "==", Args: []plan.Expr{
				&plan.ColumnRef{Name: "ResultType"}, &plan.Literal{Value: event.String("500121"), Type: plan.TypeString}}},
		},
		Columns: []plan.Assign{
			{Name: "Id", Expr: &plan.ColumnRef{Name: "Id"}},
			{Name: "d", Expr: &plan.Call{Func: "tostring", Args: []plan.Expr{
				&plan.Member{X: &plan.ColumnRef{Name: "Status"}, Name: "additionalDetails"}}}},
		},
	}
	res, err := exec.Run(context.Background(), q, cat.Window(minutes(0), minutes(60)), exec.Options{Now: minutes(65)})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, row := range res.Rows {
		got = append(got, []string{row[0].Text(), row[1].Text()})
	}
	want := [][]string{{"denied", "MFA denied; user declined the authentication"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
