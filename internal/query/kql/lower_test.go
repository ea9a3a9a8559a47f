package kql

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"vigil/internal/diag"
	"vigil/internal/plan"
)

// testTables is the fake schema catalogue of the lowering tests: a few
// columns of the Sentinel tables with Log Analytics types.
var testTables = plan.Tables{
	"SigninLogs": {
		{Name: "TimeGenerated", Type: plan.TypeDatetime}, {Name: "ResultType", Type: plan.TypeString},
		{Name: "ResultDescription", Type: plan.TypeString}, {Name: "Status", Type: plan.TypeDynamic},
		{Name: "UserPrincipalName", Type: plan.TypeString}, {Name: "UserId", Type: plan.TypeString},
		{Name: "AADTenantId", Type: plan.TypeString}, {Name: "IPAddress", Type: plan.TypeString},
		{Name: "AppDisplayName", Type: plan.TypeString}, {Name: "LocationDetails", Type: plan.TypeDynamic},
		{Name: "ConditionalAccessPolicies", Type: plan.TypeDynamic}, {Name: "RiskLevelDuringSignIn", Type: plan.TypeString},
	},
	"AADNonInteractiveUserSignInLogs": {
		{Name: "TimeGenerated", Type: plan.TypeDatetime}, {Name: "ResultType", Type: plan.TypeString},
		{Name: "Status", Type: plan.TypeString}, {Name: "UserPrincipalName", Type: plan.TypeString},
		{Name: "UserId", Type: plan.TypeString}, {Name: "IPAddress", Type: plan.TypeString},
		{Name: "AppDisplayName", Type: plan.TypeString},
	},
	"IdentityInfo": {
		{Name: "TimeGenerated", Type: plan.TypeDatetime}, {Name: "AccountUPN", Type: plan.TypeString},
		{Name: "Tags", Type: plan.TypeString}, {Name: "JobTitle", Type: plan.TypeString},
		{Name: "GroupMembership", Type: plan.TypeDynamic}, {Name: "AssignedRoles", Type: plan.TypeDynamic},
		{Name: "UserType", Type: plan.TypeString}, {Name: "IsAccountEnabled", Type: plan.TypeBool},
	},
	"BehaviorAnalytics": {
		{Name: "TimeGenerated", Type: plan.TypeDatetime}, {Name: "ActivityType", Type: plan.TypeString},
		{Name: "SourceIPAddress", Type: plan.TypeString}, {Name: "UsersInsights", Type: plan.TypeDynamic},
		{Name: "DevicesInsights", Type: plan.TypeDynamic}, {Name: "ActivityInsights", Type: plan.TypeDynamic},
		{Name: "InvestigationPriority", Type: plan.TypeLong},
	},
}

var lowerTests = []struct {
	name    string
	in      string
	want    string // plan.Format of the lowered plan
	wantErr string
}{
	{name: "let scalar folded", in: "let cutoff = 20; SigninLogs | where ResultType == cutoff | take 5",
		want: "Limit 5\n  Filter (ResultType == 20)\n    Scan SigninLogs\n"},
	{name: "let tabular expanded", in: "let s = SigninLogs | where IPAddress != \"\"; s | count",
		want: "Count Count\n  Filter (IPAddress != \"\")\n    Scan SigninLogs\n"},
	{name: "let shadows table lexically", in: "let SigninLogs = SigninLogs | take 1; SigninLogs",
		want: "Limit 1\n  Scan SigninLogs\n"},
	{name: "scalar function", in: "let norm = (s:string) { tolower(trimmed(s)) }; SigninLogs", want: "Scan SigninLogs\n"},
	{name: "scalar function call", in: "let norm = (s:string, suffix:string = \"@x\") { strcat(tolower(s), suffix) }; SigninLogs | extend u = norm(UserPrincipalName)",
		want: "Extend u=strcat(tolower(UserPrincipalName), \"@x\")\n  Scan SigninLogs\n"},
	{name: "default names", in: "SigninLogs | summarize count(), dcount(UserId), max(TimeGenerated), make_set(IPAddress), countif(ResultType == \"0\"), arg_max(TimeGenerated, AppDisplayName) by bin(TimeGenerated, 1h), Status.errorCode",
		want: "Aggregate count_=count(), dcount_UserId=dcount(UserId), max_TimeGenerated=max(TimeGenerated), set_IPAddress=make_set(IPAddress), countif_=countif((ResultType == \"0\")), TimeGenerated1=arg_max(TimeGenerated; AppDisplayName) by TimeGenerated=bin(TimeGenerated, timespan(01:00:00)), Status_errorCode=Status.errorCode\n  Scan SigninLogs\n"},
	{name: "deprecated aliases", in: "SigninLogs | where notempty(UserId) | summarize makeset(IPAddress) by floor(TimeGenerated, 1d)",
		want: "Aggregate set_IPAddress=make_set(IPAddress) by TimeGenerated=bin(TimeGenerated, timespan(1.00:00:00))\n  Filter isnotempty(UserId)\n    Scan SigninLogs\n"},
	{name: "column names for expressions", in: "SigninLogs | extend tolower(UserPrincipalName), Status.errorCode, LocationDetails[\"city\"] | project Column1, strlen(IPAddress)",
		want: "Project Column1, Column2=strlen(IPAddress)\n  Extend Column1=tolower(UserPrincipalName), Status_errorCode=Status.errorCode, LocationDetails_city=LocationDetails[\"city\"]\n    Scan SigninLogs\n"},
	{name: "sort defaults", in: "SigninLogs | sort by TimeGenerated, UserId asc, IPAddress desc nulls first | top 3 by UserId",
		want: "Top 3 by UserId desc nulls-last\n  Sort TimeGenerated desc nulls-last, UserId asc nulls-first, IPAddress desc nulls-first\n    Scan SigninLogs\n"},
	{name: "join kinds and keys", in: "SigninLogs | join (IdentityInfo) on $left.UserPrincipalName == $right.AccountUPN | join kind=leftanti (BehaviorAnalytics | project IPAddress = SourceIPAddress) on IPAddress",
		want: "Join kind=leftanti on IPAddress==IPAddress clash=suffix fill=empty-string\n  Join kind=innerunique on UserPrincipalName==AccountUPN clash=suffix fill=empty-string\n    Scan SigninLogs\n    Scan IdentityInfo\n  Project IPAddress=SourceIPAddress\n    Scan BehaviorAnalytics\n"},
	{name: "right left order", in: "SigninLogs | join kind=inner IdentityInfo on $right.AccountUPN == $left.UserPrincipalName",
		want: "Join kind=inner on UserPrincipalName==AccountUPN clash=suffix fill=empty-string\n  Scan SigninLogs\n  Scan IdentityInfo\n"},
	{name: "fuzzy union drops missing tables", in: "let f = (t:string) { table(t) | where ResultType == \"0\" }; union isfuzzy=true withsource=Src f(\"SigninLogs\"), f(\"Nope\"), Nope2",
		want: "Union fuzzy source=Src fill=empty-string\n  Filter (ResultType == \"0\")\n    Scan SigninLogs\n  Scan Nope2\n"},
	{name: "union operator", in: "SigninLogs | union AADNonInteractiveUserSignInLogs | distinct UserId",
		want: "Distinct UserId\n  Union fill=empty-string\n    Scan SigninLogs\n    Scan AADNonInteractiveUserSignInLogs\n"},
	{name: "mv-expand", in: "SigninLogs | mv-expand with_itemindex=i CA = ConditionalAccessPolicies to typeof(dynamic), LocationDetails limit 5",
		want: "MvExpand CA=ConditionalAccessPolicies to dynamic, LocationDetails=LocationDetails itemindex=i limit 5\n  Scan SigninLogs\n"},
	{name: "project variants", in: "SigninLogs | project-away Status, *Details | project-rename UPN = UserPrincipalName | project-reorder UPN, IP* | project-keep U*, TimeGenerated",
		want: "Project UPN, TimeGenerated, UserId\n  Reorder UPN, IP*\n    Rename UPN=UserPrincipalName\n      ProjectAway Status, *Details\n        Scan SigninLogs\n"},
	{name: "operators", in: "SigninLogs | where UserPrincipalName !has \"x\" and IPAddress in~ (\"A\") and AppDisplayName notcontains \"y\" and ResultType <> \"0\" and TimeGenerated between (ago(1d) .. now()) and UserId matches regex \"^a\" and not(isempty(UserId))",
		want: ""},
	{name: "dynamic list", in: "let apps = dynamic([\"a\", \"b\"]); SigninLogs | where AppDisplayName in (apps) or AppDisplayName has_any (apps)",
		want: "Filter ((AppDisplayName in (dynamic([\"a\",\"b\"]))) or (AppDisplayName has_any (dynamic([\"a\",\"b\"]))))\n  Scan SigninLogs\n"},
	{name: "negative literal folded", in: "SigninLogs | where TimeGenerated > ago(-1d) and TimeGenerated < now(+1h)",
		want: ""},

	{name: "datatable", in: "let Bad = datatable(IP:string, Score:real) [\"1.2.3.4\", 5, \"5.6.7.8\", -1.5]; SigninLogs | join kind=inner (Bad | project IPAddress = IP, Score) on IPAddress",
		want: "Join kind=inner on IPAddress==IPAddress clash=suffix fill=empty-string\n  Scan SigninLogs\n  Project IPAddress=IP, Score\n    Values (IP:string, Score:real) [\"1.2.3.4\", 5.0] [\"5.6.7.8\", -1.5]\n"},
	{name: "datatable type mismatch", in: "datatable(n:long) [\"x\"]", wantErr: "1:20: kql: datatable: column 'n' holds long values, found '\"x\"'"},
	{name: "datatable needs constants", in: "datatable(n:long) [1 + 1]", wantErr: "1:20: kql: datatable: expected a constant, found '1 + 1'"},
	{name: "column_ifexists", in: "SigninLogs | extend a = column_ifexists(\"UserId\", \"\"), b = column_ifexists(\"NoSuchColumn\", \"none\")",
		want: "Extend a=UserId, b=\"none\"\n  Scan SigninLogs\n"},
	{name: "column_ifexists needs constant", in: "SigninLogs | extend a = column_ifexists(UserId, \"\")", wantErr: "1:41: kql: column_ifexists: the column name must be a constant string"},
	{name: "unknown table", in: "SignInLogs | take 1", wantErr: "1:1: kql: unknown table 'SignInLogs'"},
	{name: "unknown column", in: "SigninLogs\n| where UserPrincpalName == \"a\"", wantErr: "2:9: kql: unknown column 'UserPrincpalName'"},
	{name: "unknown function", in: "SigninLogs | extend x = frob(1)", wantErr: "1:25: kql: unknown function 'frob'"},
	{name: "unsupported function", in: "SigninLogs | extend x = parse_url(IPAddress)", wantErr: "1:25: kql: not supported yet: parse_url()"},
	{name: "unsupported aggregation", in: "SigninLogs | summarize percentile(TimeGenerated, 50)", wantErr: "1:24: kql: not supported yet: percentile()"},
	{name: "aggregation outside summarize", in: "SigninLogs | where count() > 1", wantErr: "1:20: kql: aggregation 'count' is only allowed in summarize"},
	{name: "expression over aggregation", in: "SigninLogs | summarize n = count() * 2, max(TimeGenerated), Ratio = todouble(countif(ResultType != \"0\")) / count(), arg_max(TimeGenerated, *) by UserId",
		want: "Project UserId, n, max_TimeGenerated, Ratio, TimeGenerated, ResultType, ResultDescription, Status, UserPrincipalName, AADTenantId, IPAddress, AppDisplayName, LocationDetails, ConditionalAccessPolicies, RiskLevelDuringSignIn\n  Extend n=(__agg1 * 2), Ratio=(todouble(__agg2) / __agg3)\n    Aggregate __agg1=count(), max_TimeGenerated=max(TimeGenerated), __agg2=countif((ResultType != \"0\")), __agg3=count(), TimeGenerated=arg_max(TimeGenerated; *) by UserId\n      Scan SigninLogs\n"},
	{name: "nested aggregations", in: "SigninLogs | summarize n = max(count())", wantErr: "1:32: kql: aggregation 'count' is only allowed in summarize"},
	{name: "unsupported aggregation in expression", in: "SigninLogs | summarize n = 1 + stdev(1)", wantErr: "1:32: kql: not supported yet: stdev()"},
	{name: "not an aggregation", in: "SigninLogs | summarize n = tolower(UserId)", wantErr: "1:28: kql: summarize: expected an aggregation, found 'tolower(UserId)'"},
	{name: "unsupported join kind", in: "SigninLogs | join kind=fullouter (IdentityInfo) on UserId", wantErr: "1:19: kql: not supported yet: join kind=fullouter"},
	{name: "join key missing", in: "SigninLogs | join (IdentityInfo) on UserId", wantErr: "1:37: kql: unknown column 'UserId' on the right side of the join"},
	{name: "tabular in in", in: "let vips = IdentityInfo | where JobTitle == \"CEO\" | project AccountUPN; SigninLogs | where UserPrincipalName in (vips) and IPAddress != \"\" and tolower(UserId) !in (IdentityInfo | distinct AccountUPN)",
		want: "Filter (IPAddress != \"\")\n  ProjectAway in_key_\n    Join kind=leftanti on in_key_==AccountUPN clash=suffix fill=empty-string\n      Extend in_key_=tolower(UserId)\n        Join kind=leftsemi on UserPrincipalName==AccountUPN clash=suffix fill=empty-string\n          Scan SigninLogs\n          Project AccountUPN\n            Filter (JobTitle == \"CEO\")\n              Scan IdentityInfo\n      Distinct AccountUPN\n        Scan IdentityInfo\n"},
	{name: "tabular function in in", in: "let admins = (role:string) { IdentityInfo | where AssignedRoles has role | project AccountUPN }; SigninLogs | where UserPrincipalName in (admins(\"Global Administrator\"))",
		want: "Join kind=leftsemi on UserPrincipalName==AccountUPN clash=suffix fill=empty-string\n  Scan SigninLogs\n  Project AccountUPN\n    Filter (AssignedRoles has \"Global Administrator\")\n      Scan IdentityInfo\n"},
	{name: "tabular in under or", in: "SigninLogs | where UserId in (IdentityInfo | project AccountUPN) or IPAddress == \"\"", wantErr: "1:31: kql: not supported yet: tabular expression in 'in'"},
	{name: "tabular in~", in: "SigninLogs | where UserId in~ (IdentityInfo | project AccountUPN)", wantErr: "1:32: kql: not supported yet: tabular expression in 'in~'"},
	{name: "take needs constant", in: "SigninLogs | take UserId", wantErr: "1:19: kql: take: expected a constant non-negative integer, found 'UserId'"},
	{name: "function arity", in: "let f = (a:string) { a }; SigninLogs | extend x = f(1, 2)", wantErr: "1:51: kql: function 'f' takes 1 arguments, got 2"},
	{name: "function without args", in: "let f = () { SigninLogs }; f", wantErr: "1:28: kql: 'f' is a function: call it as f()"},
	{name: "tabular let as scalar", in: "let t = SigninLogs | take 1; SigninLogs | where UserId == t", wantErr: "1:59: kql: 't' is a tabular expression, not a scalar"},
	{name: "scalar as table", in: "let x = 1; x | take 1", wantErr: "1:9: kql: expected a tabular expression, found '1'"},
	{name: "function not recursive", in: "let f = () { f() }; SigninLogs | extend x = f()", wantErr: "1:14: kql: unknown function 'f'"},
	{name: "table needs constant", in: "SigninLogs | join (table(UserId)) on UserId", wantErr: "1:26: kql: table: the table name must be a constant string"},
	{name: "left outside join", in: "SigninLogs | where $left.UserId == \"\"", wantErr: "1:20: kql: $left is only allowed in join conditions"},
	{name: "fuzzy union of nothing", in: "union isfuzzy=true Nope | take 1", wantErr: "1:1: kql: no table of the fuzzy union exists"},
	{name: "type error from plan", in: "SigninLogs | where TimeGenerated + 1", wantErr: "1:20: kql: +: operator + is not defined for datetime and long"},
	{name: "wildcard union", in: "union Signin*", wantErr: "1:7: kql: not supported yet: wildcard table names in union"},
	{name: "take_any star", in: "SigninLogs | summarize take_any(*)", wantErr: "1:33: kql: not supported yet: take_any(*)"},
	{name: "unsupported bagexpansion", in: "SigninLogs | mv-expand bagexpansion=array Status", wantErr: "1:24: kql: not supported yet: mv-expand bagexpansion=array"},
	{name: "unsupported hasprefix", in: "SigninLogs | where UserId hasprefix \"a\"", wantErr: "1:20: kql: not supported yet: operator hasprefix"},
}

func TestLower(t *testing.T) {
	for _, tt := range lowerTests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Compile(tt.in, testTables)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Compile(%q) succeeded:\n%s\nwant error %q", tt.in, plan.Format(n), tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Fatalf("Compile(%q) error:\n got %q\nwant %q", tt.in, err.Error(), tt.wantErr)
				}
				var de *diag.Error
				if !errors.As(err, &de) || de.Source != tt.in {
					t.Errorf("error %#v is not a *diag.Error carrying the source", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.in, err)
			}
			if got := plan.Format(n); tt.want != "" && got != tt.want {
				t.Errorf("Compile(%q):\n got:\n%s\nwant:\n%s", tt.in, got, tt.want)
			}
		})
	}
}

func TestLowerUnsupportedIsClassified(t *testing.T) {
	_, err := Compile("SigninLogs | extend x = parse_url(IPAddress)", testTables)
	if !diag.IsUnsupported(err) {
		t.Errorf("IsUnsupported(%v) = false", err)
	}
}

func TestLowerInlineLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("let f0 = (x:long) { x };\n")
	for i := 1; i <= MaxInlineDepth+5; i++ {
		b.WriteString("let f" + strconv.Itoa(i) + " = (x:long) { f" + strconv.Itoa(i-1) + "(x) };\n")
	}
	b.WriteString("SigninLogs | extend y = f" + strconv.Itoa(MaxInlineDepth+5) + "(1)")
	_, err := Compile(b.String(), testTables)
	if err == nil || !strings.Contains(err.Error(), "expanded too deeply") {
		t.Fatalf("err = %v, want an expansion depth error", err)
	}
}

// TestGoldenLower lowers every parsable testdata/*.txtar query against
// testTables and compares the plan (section "plan") or the error (section
// "lower-error").
func TestGoldenLower(t *testing.T) {
	for _, g := range loadGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			q, err := Parse(g.query)
			if err != nil {
				return
			}
			n, err := Lower(q, g.query, testTables)
			if err != nil {
				checkSection(t, g, "lower-error", err.Error()+"\n")
				return
			}
			checkSection(t, g, "plan", plan.Format(n))
		})
	}
}

// TestLowerMFARejectedSchema checks the output columns of rule 3 end to end:
// summarize keys first, join clashes suffixed with 1 (SEMANTICS.md §C.4).
func TestLowerMFARejectedSchema(t *testing.T) {
	var query string
	for _, g := range loadGoldens(t) {
		if g.name == "mfa_rejected_by_user" {
			query = g.query
		}
	}
	n, err := Compile(query, testTables)
	if err != nil {
		t.Fatal(err)
	}
	info, err := plan.Check(n, testTables)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(info.Schema(n).Names(), ", ")
	want := "UserPrincipalName, UserId, AADTenantId, IPAddress, StartTime, EndTIme, Name, UPNSuffix, " +
		"AccountUPN, Tags, GroupMembership, AssignedRoles, UserType, UserAccountControl, UserPrincipalName1, " +
		"IPAddress1, UsersInsights, DevicesInsights, IPInvestigationPriority, UEBARiskScore"
	if got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
}

func TestLowerExpansionLimit(t *testing.T) {
	// Each function calls the previous one twice: 2^20 expansions if nothing
	// stopped it.
	var b strings.Builder
	b.WriteString("let f0 = (x:long) { x };\n")
	for i := 1; i <= 20; i++ {
		b.WriteString("let f" + strconv.Itoa(i) + " = (x:long) { f" + strconv.Itoa(i-1) + "(x) + f" + strconv.Itoa(i-1) + "(x) };\n")
	}
	b.WriteString("SigninLogs | extend y = f20(1)")
	_, err := Compile(b.String(), testTables)
	if err == nil || !strings.Contains(err.Error(), "expanded too often") {
		t.Fatalf("err = %v, want an expansion count error", err)
	}
	// A tabular let used many times is lowered once and shared.
	q := "let a = SigninLogs | take 1;\nlet b = a | union a;\nlet c = b | union b;\nlet d = c | union c;\nd | union d"
	if _, err := Compile(q, testTables); err != nil {
		t.Fatal(err)
	}
}
