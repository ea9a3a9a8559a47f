package exec

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// rule3Query is the query of the seed rule "MFA Rejected by User" v2.0.3
// (SEMANTICS.md §D.3), with the let inlined the way a front-end folds it.
// The hand-built plan below carries spans into this text.
const rule3Query = `SigninLogs
| where ResultType == 500121
| extend additionalDetails_ = tostring(Status.additionalDetails)
| extend UserPrincipalName = tolower(UserPrincipalName)
| where additionalDetails_ =~ "MFA denied; user declined the authentication" or additionalDetails_ has "fraud"
| summarize StartTime = min(TimeGenerated), EndTIme = max(TimeGenerated) by UserPrincipalName, UserId, AADTenantId, IPAddress
| extend Name = tostring(split(UserPrincipalName,'@',0)[0]), UPNSuffix = tostring(split(UserPrincipalName,'@',1)[0])
| join kind=leftouter (
    IdentityInfo
    | summarize LatestReportTime = arg_max(TimeGenerated, *) by AccountUPN
    | project AccountUPN, Tags, JobTitle, GroupMembership, AssignedRoles, UserType, IsAccountEnabled
    | summarize
        Tags = make_set(Tags, 1000),
        GroupMembership = make_set(GroupMembership, 1000),
        AssignedRoles = make_set(AssignedRoles, 1000),
        UserType = make_set(UserType, 1000),
        UserAccountControl = make_set(UserType, 1000)
        by AccountUPN
    | extend UserPrincipalName=tolower(AccountUPN)
) on UserPrincipalName
| join kind=leftouter (
    BehaviorAnalytics
    | where ActivityType in ("FailedLogOn", "LogOn")
    | where isnotempty(SourceIPAddress)
    | project UsersInsights, DevicesInsights, ActivityInsights, InvestigationPriority, SourceIPAddress
    | project-rename IPAddress = SourceIPAddress
    | summarize
        UsersInsights = make_set(UsersInsights, 1000),
        DevicesInsights = make_set(DevicesInsights, 1000),
        IPInvestigationPriority = sum(InvestigationPriority)
        by IPAddress)
on IPAddress
| extend UEBARiskScore = IPInvestigationPriority
| where UEBARiskScore > 20
| sort by UEBARiskScore desc
`

// at returns the span of the n-th (0-based) occurrence of s in the query.
func at(s string, n int) diag.Span {
	off := 0
	for i := 0; ; i++ {
		j := strings.Index(rule3Query[off:], s)
		if j < 0 {
			return diag.Span{}
		}
		if i == n {
			return diag.Span{Start: off + j, End: off + j + len(s)}
		}
		off += j + len(s)
	}
}

func col(name string, n int) *plan.ColumnRef { return plan.Col(name, at(name, n)) }

func str(s string) *plan.Literal { return plan.Lit(event.String(s), at(`"`+s+`"`, 0)) }

func long(n int64, text string) *plan.Literal { return plan.Lit(event.Long(n), at(text, 0)) }

// rule3Plan is the plan a KQL front-end should lower rule3Query into.
func rule3Plan() plan.Node {
	signins := &plan.Scan{Table: "SigninLogs", Fill: plan.FillEmptyString, At: at("SigninLogs", 0)}
	var n plan.Node = &plan.Filter{Input: signins, At: at("where ResultType == 500121", 0),
		Pred: plan.Fn("==", at("ResultType == 500121", 0), col("ResultType", 0), long(500121, "500121"))}
	n = &plan.Extend{Input: n, At: at("extend additionalDetails_", 0), Columns: []plan.Assign{{
		Name: "additionalDetails_", At: at("additionalDetails_", 0),
		Expr: plan.Fn("tostring", at("tostring(Status.additionalDetails)", 0),
			&plan.Member{X: col("Status", 0), Name: "additionalDetails", At: at("Status.additionalDetails", 0)}),
	}}}
	n = &plan.Extend{Input: n, At: at("extend UserPrincipalName", 0), Columns: []plan.Assign{{
		Name: "UserPrincipalName", At: at("UserPrincipalName", 0),
		Expr: plan.Fn("tolower", at("tolower(UserPrincipalName)", 0), col("UserPrincipalName", 1)),
	}}}
	n = &plan.Filter{Input: n, At: at("where additionalDetails_", 0),
		Pred: plan.Fn("or", at("or", 0),
			plan.Fn("=~", at("=~", 0), col("additionalDetails_", 1), str("MFA denied; user declined the authentication")),
			plan.Fn("has", at("has", 0), col("additionalDetails_", 2), str("fraud")))}
	n = &plan.Aggregate{Input: n, At: at("summarize StartTime", 0),
		Aggs: []plan.Agg{
			{Name: "StartTime", Func: "min", Args: []plan.Expr{col("TimeGenerated", 0)}, At: at("min(TimeGenerated)", 0)},
			{Name: "EndTIme", Func: "max", Args: []plan.Expr{col("TimeGenerated", 1)}, At: at("max(TimeGenerated)", 0)},
		},
		By: []plan.Assign{
			{Name: "UserPrincipalName", Expr: col("UserPrincipalName", 2)},
			{Name: "UserId", Expr: col("UserId", 0)},
			{Name: "AADTenantId", Expr: col("AADTenantId", 0)},
			{Name: "IPAddress", Expr: col("IPAddress", 0)},
		}}
	splitPart := func(i int64, occurrence int) plan.Expr {
		sp := at("split(UserPrincipalName,'@',", occurrence)
		return plan.Fn("tostring", sp, &plan.Index{At: sp,
			X:     plan.Fn("split", sp, col("UserPrincipalName", 3+occurrence), plan.Lit(event.String("@"), sp), plan.Lit(event.Long(i), sp)),
			Index: plan.Lit(event.Long(0), sp)})
	}
	n = &plan.Extend{Input: n, At: at("extend Name", 0), Columns: []plan.Assign{
		{Name: "Name", Expr: splitPart(0, 0)},
		{Name: "UPNSuffix", Expr: splitPart(1, 1)},
	}}

	makeSet := func(name, arg string, occurrence int) plan.Agg {
		sp := at("make_set("+arg, occurrence)
		return plan.Agg{Name: name, Func: "make_set", At: sp,
			Args: []plan.Expr{plan.Col(arg, sp), plan.Lit(event.Long(1000), sp)}}
	}
	var ii plan.Node = &plan.Scan{Table: "IdentityInfo", Fill: plan.FillEmptyString, At: at("IdentityInfo", 0)}
	ii = &plan.Aggregate{Input: ii, At: at("summarize LatestReportTime", 0),
		Aggs: []plan.Agg{{Name: "LatestReportTime", Func: "arg_max", CarryAll: true,
			Args: []plan.Expr{col("TimeGenerated", 2)}, At: at("arg_max(TimeGenerated, *)", 0)}},
		By: []plan.Assign{{Name: "AccountUPN", Expr: col("AccountUPN", 0)}}}
	var cols []plan.Assign
	for _, c := range []string{"AccountUPN", "Tags", "JobTitle", "GroupMembership", "AssignedRoles", "UserType", "IsAccountEnabled"} {
		cols = append(cols, plan.Assign{Name: c, Expr: plan.Col(c, at("project AccountUPN", 0))})
	}
	ii = &plan.Project{Input: ii, Columns: cols, At: at("project AccountUPN", 0)}
	ii = &plan.Aggregate{Input: ii, At: at("summarize\n        Tags", 0),
		Aggs: []plan.Agg{
			makeSet("Tags", "Tags", 0),
			makeSet("GroupMembership", "GroupMembership", 0),
			makeSet("AssignedRoles", "AssignedRoles", 0),
			makeSet("UserType", "UserType", 0),
			makeSet("UserAccountControl", "UserType", 1),
		},
		By: []plan.Assign{{Name: "AccountUPN", Expr: plan.Col("AccountUPN", at("by AccountUPN\n", 0))}}}
	ii = &plan.Extend{Input: ii, At: at("extend UserPrincipalName=", 0), Columns: []plan.Assign{{
		Name: "UserPrincipalName", Expr: plan.Fn("tolower", at("tolower(AccountUPN)", 0), plan.Col("AccountUPN", at("tolower(AccountUPN)", 0)))}}}
	n = &plan.Join{Left: n, Right: ii, Kind: plan.JoinLeftOuter, Clash: plan.ClashSuffix, Fill: plan.FillEmptyString,
		On: []plan.JoinKey{{Left: "UserPrincipalName", Right: "UserPrincipalName", At: at("on UserPrincipalName", 0)}},
		At: at("join kind=leftouter", 0)}

	var ba plan.Node = &plan.Scan{Table: "BehaviorAnalytics", Fill: plan.FillEmptyString, At: at("BehaviorAnalytics", 0)}
	ba = &plan.Filter{Input: ba, At: at("where ActivityType", 0),
		Pred: plan.Fn("in", at("in (", 0), col("ActivityType", 0), str("FailedLogOn"), str("LogOn"))}
	ba = &plan.Filter{Input: ba, At: at("where isnotempty", 0),
		Pred: plan.Fn("isnotempty", at("isnotempty(SourceIPAddress)", 0), col("SourceIPAddress", 0))}
	cols = nil
	for _, c := range []string{"UsersInsights", "DevicesInsights", "ActivityInsights", "InvestigationPriority", "SourceIPAddress"} {
		cols = append(cols, plan.Assign{Name: c, Expr: plan.Col(c, at("project UsersInsights", 0))})
	}
	ba = &plan.Project{Input: ba, Columns: cols, At: at("project UsersInsights", 0)}
	ba = &plan.Rename{Input: ba, At: at("project-rename", 0),
		Columns: []plan.RenamePair{{New: "IPAddress", Old: "SourceIPAddress", At: at("IPAddress = SourceIPAddress", 0)}}}
	ba = &plan.Aggregate{Input: ba, At: at("summarize\n        UsersInsights", 0),
		Aggs: []plan.Agg{
			makeSet("UsersInsights", "UsersInsights", 0),
			makeSet("DevicesInsights", "DevicesInsights", 0),
			{Name: "IPInvestigationPriority", Func: "sum", At: at("sum(InvestigationPriority)", 0),
				Args: []plan.Expr{plan.Col("InvestigationPriority", at("sum(InvestigationPriority)", 0))}},
		},
		By: []plan.Assign{{Name: "IPAddress", Expr: plan.Col("IPAddress", at("by IPAddress)", 0))}}}
	n = &plan.Join{Left: n, Right: ba, Kind: plan.JoinLeftOuter, Clash: plan.ClashSuffix, Fill: plan.FillEmptyString,
		On: []plan.JoinKey{{Left: "IPAddress", Right: "IPAddress", At: at("on IPAddress", 0)}},
		At: at("join kind=leftouter", 1)}
	n = &plan.Extend{Input: n, At: at("extend UEBARiskScore", 0), Columns: []plan.Assign{{
		Name: "UEBARiskScore", Expr: plan.Col("IPInvestigationPriority", at("= IPInvestigationPriority", 0))}}}
	n = &plan.Filter{Input: n, At: at("where UEBARiskScore", 0),
		Pred: plan.Fn(">", at("UEBARiskScore > 20", 0), plan.Col("UEBARiskScore", at("UEBARiskScore > 20", 0)), long(20, "20\n"))}
	return &plan.Sort{Input: n, At: at("sort by", 0), Keys: []plan.SortKey{{
		Expr: plan.Col("UEBARiskScore", at("UEBARiskScore desc", 0)), Desc: true, NullsFirst: false}}}
}

// rule3Tables is a fixture covering TP1–TP4 and TN1–TN5, TN7 of §D.3; all
// rows lie inside the run's window (restricting tables to the window is the
// schedule's job, not the plan's).
func rule3Tables(t testing.TB) MemCatalog {
	base := time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return base.Add(time.Duration(min) * time.Minute) }
	status := func(details string) event.Value {
		return event.Object(event.Member{Key: "errorCode", Value: event.Long(500121)},
			event.Member{Key: "additionalDetails", Value: event.String(details)})
	}
	const declined = "MFA denied; user declined the authentication"
	const tenant = "t-1"
	signins := table(plan.Schema{
		{Name: "TimeGenerated", Type: plan.TypeDatetime},
		{Name: "ResultType", Type: plan.TypeString},
		{Name: "Status", Type: plan.TypeDynamic},
		{Name: "UserPrincipalName", Type: plan.TypeString},
		{Name: "UserId", Type: plan.TypeString},
		{Name: "AADTenantId", Type: plan.TypeString},
		{Name: "IPAddress", Type: plan.TypeString},
	},
		// TP1 + TP3: declined, two case variants of one UPN → one group
		[]any{at(5), "500121", status(declined), "alice@contoso.com", "u-alice", tenant, "10.0.0.1"},
		[]any{at(20), "500121", status(declined), "Alice@Contoso.com", "u-alice", tenant, "10.0.0.1"},
		// TN4: fraud, but the IP's BehaviorAnalytics sum is exactly 20
		[]any{at(6), "500121", status("MFA denied; Fraud code entered"), "bob@contoso.com", "u-bob", tenant, "10.0.0.2"},
		// TP2: fraud term, BA sum 21
		[]any{at(7), "500121", status("MFA denied; Fraud code entered"), "carol@contoso.com", "u-carol", tenant, "10.0.0.3"},
		// TN1: neither condition
		[]any{at(8), "500121", status("MFA denied; user did not respond to mobile app notification"), "dave@contoso.com", "u-dave", tenant, "10.0.0.1"},
		// TN2: "fraudulent" is not the term "fraud"
		[]any{at(9), "500121", status("MFA denied; fraudulent"), "erin@contoso.com", "u-erin", tenant, "10.0.0.1"},
		// TN3: trailing period, =~ is whole-string
		[]any{at(10), "500121", status(declined + "."), "frank@contoso.com", "u-frank", tenant, "10.0.0.1"},
		// TN7: other result code
		[]any{at(11), "50074", status(declined), "gina@contoso.com", "u-gina", tenant, "10.0.0.1"},
		// TN5: no BehaviorAnalytics rows for the IP (only a lower-case "logon")
		[]any{at(12), "500121", status(declined), "henry@contoso.com", "u-henry", tenant, "10.0.0.9"},
		// TP4: =~ ignores case
		[]any{at(13), "500121", status("MFA DENIED; User Declined The Authentication"), "ivan@contoso.com", "u-ivan", tenant, "10.0.0.3"},
	)
	identity := table(plan.Schema{
		{Name: "TimeGenerated", Type: plan.TypeDatetime},
		{Name: "AccountUPN", Type: plan.TypeString},
		{Name: "Tags", Type: plan.TypeString},
		{Name: "JobTitle", Type: plan.TypeString},
		{Name: "GroupMembership", Type: plan.TypeDynamic},
		{Name: "AssignedRoles", Type: plan.TypeDynamic},
		{Name: "UserType", Type: plan.TypeString},
		{Name: "IsAccountEnabled", Type: plan.TypeBool},
	},
		[]any{at(1), "Alice@Contoso.com", "old", "Engineer", mustJSON(t, `["g1"]`), mustJSON(t, `[]`), "Member", true},
		[]any{at(30), "Alice@Contoso.com", "vip", "Engineer", mustJSON(t, `["g1","g2"]`), mustJSON(t, `["Global Administrator"]`), "Member", true},
		[]any{at(2), "carol@contoso.com", "", "Analyst", mustJSON(t, `[]`), mustJSON(t, `[]`), "Guest", true},
	)
	behavior := table(plan.Schema{
		{Name: "TimeGenerated", Type: plan.TypeDatetime},
		{Name: "ActivityType", Type: plan.TypeString},
		{Name: "SourceIPAddress", Type: plan.TypeString},
		{Name: "UsersInsights", Type: plan.TypeDynamic},
		{Name: "DevicesInsights", Type: plan.TypeDynamic},
		{Name: "ActivityInsights", Type: plan.TypeDynamic},
		{Name: "InvestigationPriority", Type: plan.TypeLong},
	},
		// 10.0.0.1: 10 + 9 + 6 = 25 (TP1); the lower-case "logon" row does not count
		[]any{at(1), "LogOn", "10.0.0.1", mustJSON(t, `{"IsDormantAccount":false}`), mustJSON(t, `{"Browser":"Edge"}`), mustJSON(t, `{}`), 10},
		[]any{at(2), "FailedLogOn", "10.0.0.1", mustJSON(t, `{"IsDormantAccount":false}`), mustJSON(t, `{"Browser":"Chrome"}`), mustJSON(t, `{}`), 9},
		[]any{at(3), "LogOn", "10.0.0.1", mustJSON(t, `{"IsNewAccount":true}`), mustJSON(t, `{"Browser":"Edge"}`), mustJSON(t, `{}`), 6},
		[]any{at(4), "logon", "10.0.0.1", mustJSON(t, `{}`), mustJSON(t, `{}`), mustJSON(t, `{}`), 100},
		// 10.0.0.2: exactly 20 (TN4)
		[]any{at(5), "LogOn", "10.0.0.2", mustJSON(t, `{}`), mustJSON(t, `{}`), mustJSON(t, `{}`), 10},
		[]any{at(6), "FailedLogOn", "10.0.0.2", mustJSON(t, `{}`), mustJSON(t, `{}`), mustJSON(t, `{}`), 10},
		// 10.0.0.3: 21 (TP2, TP4)
		[]any{at(7), "FailedLogOn", "10.0.0.3", mustJSON(t, `{}`), mustJSON(t, `{}`), mustJSON(t, `{}`), 21},
		// 10.0.0.9: only a lower-case activity type (TN5), and an empty IP row
		[]any{at(8), "logon", "10.0.0.9", mustJSON(t, `{}`), mustJSON(t, `{}`), mustJSON(t, `{}`), 50},
		[]any{at(9), "LogOn", "", mustJSON(t, `{}`), mustJSON(t, `{}`), mustJSON(t, `{}`), 50},
	)
	return MemCatalog{"SigninLogs": signins, "IdentityInfo": identity, "BehaviorAnalytics": behavior}
}

func TestRule3MFARejectedByUser(t *testing.T) {
	res, err := Run(context.Background(), rule3Plan(), rule3Tables(t), Options{Now: time.Date(2024, 5, 1, 12, 5, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(plan.Positioned(err, "rule3.kql", "kql", rule3Query))
	}
	wantCols := []string{
		"UserPrincipalName", "UserId", "AADTenantId", "IPAddress", "StartTime", "EndTIme", "Name", "UPNSuffix",
		"AccountUPN", "Tags", "GroupMembership", "AssignedRoles", "UserType", "UserAccountControl", "UserPrincipalName1",
		"IPAddress1", "UsersInsights", "DevicesInsights", "IPInvestigationPriority", "UEBARiskScore",
	}
	if diff := cmp.Diff(wantCols, res.Columns.Names()); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	pick := func(row []event.Value, names ...string) string {
		var parts []string
		for _, n := range names {
			parts = append(parts, n+"="+show(row[res.Columns.Index(n)]))
		}
		return strings.Join(parts, " ")
	}
	var got []string
	for _, row := range res.Rows {
		got = append(got, pick(row, "UserPrincipalName", "IPAddress", "UEBARiskScore", "Name", "UPNSuffix", "StartTime", "EndTIme", "Tags"))
	}
	want := []string{
		// TP1 + TP3: one group for both case variants, lower-cased UPN, 25 > 20
		`UserPrincipalName="alice@contoso.com" IPAddress="10.0.0.1" UEBARiskScore=25 Name="alice" UPNSuffix="contoso.com" StartTime=datetime(2024-05-01T11:05:00Z) EndTIme=datetime(2024-05-01T11:20:00Z) Tags=dynamic(["vip"])`,
		// TP2 (fraud term) and TP4 (=~ ignores case); no IdentityInfo for ivan
		`UserPrincipalName="carol@contoso.com" IPAddress="10.0.0.3" UEBARiskScore=21 Name="carol" UPNSuffix="contoso.com" StartTime=datetime(2024-05-01T11:07:00Z) EndTIme=datetime(2024-05-01T11:07:00Z) Tags=dynamic([""])`,
		`UserPrincipalName="ivan@contoso.com" IPAddress="10.0.0.3" UEBARiskScore=21 Name="ivan" UPNSuffix="contoso.com" StartTime=datetime(2024-05-01T11:13:00Z) EndTIme=datetime(2024-05-01T11:13:00Z) Tags=null`,
		// TN1–TN5, TN7 give no row; TN4 (bob, sum exactly 20) is dropped by the strict >
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestRule3Positions checks that errors in the hand-built plan point into
// the query text, as they will for lowered queries.
func TestRule3Positions(t *testing.T) {
	cat := rule3Tables(t)
	delete(cat, "BehaviorAnalytics")
	_, err := Run(context.Background(), rule3Plan(), cat, Options{Now: testNow})
	got := plan.Positioned(err, "rule3.kql", "kql", rule3Query).Error()
	if want := "rule3.kql:22:5: kql: unknown table 'BehaviorAnalytics'"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

// TestRule3TableColumns checks projection push-down on the rule: the
// columns each table must provide.
func TestRule3TableColumns(t *testing.T) {
	root := rule3Plan()
	info, err := plan.Check(root, resolver{rule3Tables(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"SigninLogs": {"TimeGenerated", "ResultType", "Status", "UserPrincipalName", "UserId", "AADTenantId", "IPAddress"},
		// arg_max(TimeGenerated, *) keeps every column
		"IdentityInfo": {"TimeGenerated", "AccountUPN", "Tags", "JobTitle", "GroupMembership", "AssignedRoles", "UserType", "IsAccountEnabled"},
		// ActivityInsights is projected but never reaches the output
		"BehaviorAnalytics": {"ActivityType", "SourceIPAddress", "UsersInsights", "DevicesInsights", "InvestigationPriority"},
	}
	if diff := cmp.Diff(want, plan.TableColumns(root, info)); diff != "" {
		t.Errorf("table columns (-want +got):\n%s", diff)
	}
}

// TestRule3Window covers TN8: a denial 70 minutes before the run lies
// outside the 1h queryPeriod, which the schedule applies to every table with
// Window.
func TestRule3Window(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	cat := rule3Tables(t)
	signins := cat["SigninLogs"].(*MemTable)
	late := copyRow(signins.Rows[0]) // alice's TP1 row, moved to kate
	late[0] = event.Datetime(now.Add(-70 * time.Minute))
	late[3], late[4] = event.String("kate@contoso.com"), event.String("u-kate")
	signins.Rows = append(signins.Rows, late)

	users := func(c Catalog) []string {
		res, err := Run(context.Background(), rule3Plan(), c, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range res.Rows {
			out = append(out, row[0].Str())
		}
		return out
	}
	if diff := cmp.Diff([]string{"alice@contoso.com", "kate@contoso.com", "carol@contoso.com", "ivan@contoso.com"}, users(cat)); diff != "" {
		t.Errorf("without a window (-want +got):\n%s", diff)
	}
	windowed := Window(cat, "TimeGenerated", now.Add(-time.Hour), now)
	if diff := cmp.Diff([]string{"alice@contoso.com", "carol@contoso.com", "ivan@contoso.com"}, users(windowed)); diff != "" {
		t.Errorf("with the 1h window (-want +got):\n%s", diff)
	}
}
