package spl

import (
	"strings"
	"testing"
	"time"

	"vigil/internal/exec"
	"vigil/internal/plan"
)

// evColumns is the schema of the "ev" test sourcetype.
var evColumns = plan.Schema{
	{Name: "_time", Type: plan.TypeDatetime},
	{Name: "_raw", Type: plan.TypeString},
	{Name: "user", Type: plan.TypeString},
	{Name: "app", Type: plan.TypeString},
	{Name: "code", Type: plan.TypeDynamic},
	{Name: "mv", Type: plan.TypeDynamic},
	{Name: "tenantId", Type: plan.TypeString},
	{Name: "properties.tenantId", Type: plan.TypeString},
	{Name: "properties.status.errorCode", Type: plan.TypeLong},
	{Name: "properties.details{}.ok", Type: plan.TypeDynamic},
	{Name: "json", Type: plan.TypeString},
}

type semanticsCase struct {
	name   string
	search string
	recs   []rec
	want   []string
}

func runCases(t *testing.T, tests []semanticsCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := exec.MemCatalog{"ev": memTable(t, evColumns, tt.recs...)}
			checkRows(t, runSearch(t, tt.search, cat, testLookups), tt.want)
		})
	}
}

var testLookups = map[string]*LookupTable{
	"apps": {Columns: []string{"app", "owner", "risk"}, Rows: [][]string{{"mail", "it", "low"}, {"crm", "sales", "high"}, {"mail", "other", "x"}}},
}

// TestBaseSearch covers the base-search rows of SEMANTICS.md §C.5: field
// names case-sensitive, values ignoring case, numbers matching numeric
// strings, multivalue fields matching if any value does.
func TestBaseSearch(t *testing.T) {
	recs := []rec{
		{"user": "Alice", "code": 65004, "mv": []any{"a", "B"}, "_raw": "login failed for Alice"},
		{"user": "bob", "code": "65004", "app": "mail"},
		{"user": "carol", "code": "65004.0", "mv": "c"},
		{"user": "dave", "code": 500121},
	}
	tests := []semanticsCase{
		{"value ignores case", `sourcetype=ev user=ALICE | table user`, recs, []string{"user=Alice"}},
		{"field name is case-sensitive", `sourcetype=ev User=alice | table user`, recs, nil},
		{"number matches numbers and numeric strings", `sourcetype=ev code=65004 | table user`, recs, []string{"user=Alice", "user=bob", "user=carol"}},
		{"quoted number matches too", `sourcetype=ev code="65004" | table user`, recs, []string{"user=Alice", "user=bob", "user=carol"}},
		{"multivalue matches if any value does", `sourcetype=ev mv=b | table user`, recs, []string{"user=Alice"}},
		{"wildcards", `sourcetype=ev user=*O* | table user`, recs, []string{"user=bob", "user=carol"}},
		{"field=* needs the field", `sourcetype=ev app=* | table user`, recs, []string{"user=bob"}},
		{"!= excludes events lacking the field", `sourcetype=ev app!=crm | table user`, recs, []string{"user=bob"}},
		{"NOT includes events lacking the field", `sourcetype=ev NOT app=mail | table user`, recs, []string{"user=Alice", "user=carol", "user=dave"}},
		{"OR binds tighter than implicit AND", `sourcetype=ev code=65004 user=bob OR user=carol | table user`, recs, []string{"user=bob", "user=carol"}},
		{"parentheses and AND", `sourcetype=ev (user=alice AND code=65004) OR user=dave | table user`, recs, []string{"user=Alice", "user=dave"}},
		{"IN", `sourcetype=ev user IN (BOB, "dave") | table user`, recs, []string{"user=bob", "user=dave"}},
		{"comparisons are numeric", `sourcetype=ev code>70000 | table user`, recs, []string{"user=dave"}},
		{"NOT of a comparison keeps events lacking the field", `sourcetype=ev NOT app<z | table user`, recs, []string{"user=Alice", "user=carol", "user=dave"}},
		{"free text searches _raw ignoring case", `sourcetype=ev FAILED | table user`, recs, []string{"user=Alice"}},
		{"index is the caller's business", `index=main sourcetype=ev user=dave | table user`, recs, []string{"user=dave"}},
		{"search command", `sourcetype=ev | search user=bob OR user=dave | table user`, recs, []string{"user=bob", "user=dave"}},
	}
	runCases(t, tests)
}

// TestRename covers `rename`, with wildcards and the overwrite rules.
func TestRename(t *testing.T) {
	recs := []rec{
		{"tenantId": "top", "properties.tenantId": "inner", "properties.status.errorCode": 1, "properties.details{}.ok": []any{true, false}},
		{"tenantId": "top2", "properties.status.errorCode": 2},
	}
	tests := []semanticsCase{
		{"prefix stripped, target overwritten (null included)", `sourcetype=ev | rename properties.* as * | table tenantId status.errorCode details{}.ok`, recs,
			[]string{"tenantId=inner status.errorCode=1 details{}.ok=[true,false]", "status.errorCode=2"}},
		{"missing source removes the target", `sourcetype=ev | rename nosuch as tenantId | table tenantId user`, recs, []string{"", ""}},
		{"plain rename", `sourcetype=ev | rename tenantId as "Tenant Id" | table "Tenant Id"`, recs, []string{"Tenant Id=top", "Tenant Id=top2"}},
		{"several pairs in order", `sourcetype=ev | rename tenantId as a, a as b | table b`, recs, []string{"b=top", "b=top2"}},
	}
	runCases(t, tests)
}

// TestFillnull covers fillnull's dataset-wide scope.
func TestFillnull(t *testing.T) {
	recs := []rec{{"user": "a", "app": "mail"}, {"user": "b"}}
	tests := []semanticsCase{
		{"fills fields present in some result, not absent ones", `sourcetype=ev | fillnull | table user app code`, recs,
			[]string{"user=a app=mail", "user=b app=0"}},
		{"scope is the current result set", `sourcetype=ev user=b | fillnull | table user app`, recs, []string{"user=b"}},
		{"value and named fields are created", `sourcetype=ev | fillnull value=NA app code | table user app code`, recs,
			[]string{"user=a app=mail code=NA", "user=b app=NA code=NA"}},
	}
	runCases(t, tests)
}

// TestStats covers stats and eventstats: dropped results, multivalue BY,
// case-sensitive groups and the functions.
func TestStats(t *testing.T) {
	t1 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	recs := []rec{
		{"_time": t1, "user": "a", "app": "mail", "code": 3, "mv": []any{"x", "y"}},
		{"_time": t1.Add(time.Minute), "user": "A", "app": "crm", "code": "10", "mv": "x"},
		{"_time": t1.Add(2 * time.Minute), "user": "a", "code": 5},
		{"_time": t1.Add(3 * time.Minute), "user": "a", "app": "mail", "code": "abc"},
	}
	tests := []semanticsCase{
		{"results lacking a BY field are dropped; groups are case-sensitive", `sourcetype=ev | stats count by user app`, recs,
			[]string{"user=a app=mail count=2", "user=A app=crm count=1"}},
		{"a missing BY field gives no rows", `sourcetype=ev | stats count by nosuch`, recs, nil},
		{"one group per value of a multivalue BY field", `sourcetype=ev | stats count by mv`, recs, []string{"mv=x count=2", "mv=y count=1"}},
		{"without BY one row, even for no results", `sourcetype=ev user=nobody | stats count`, recs, []string{"count=0"}},
		{"functions", `sourcetype=ev | stats count(app) as apps dc(user) values(app) list(code) min(code) max(code) sum(code) avg(code) by user`, recs,
			[]string{"user=a apps=2 dc(user)=1 values(app)=mail list(code)=[3,5,abc] min(code)=3 max(code)=5 sum(code)=8 avg(code)=4",
				"user=A apps=1 dc(user)=1 values(app)=crm list(code)=10 min(code)=10 max(code)=10 sum(code)=10 avg(code)=10"}},
		{"time functions", `sourcetype=ev | stats earliest(code) as e latest(code) as l first(code) as f last(code) as la min(_time) as t`, recs,
			[]string{"e=3 l=abc f=3 la=abc t=1714557600"}},
		{"values are sorted and distinct", `sourcetype=ev | stats values(mv) as v values(user) as u`, recs, []string{"v=[x,y] u=[A,a]"}},
		{"eventstats appends to every row", `sourcetype=ev | eventstats count as n by user | table user n`, recs,
			[]string{"user=a n=3", "user=A n=1", "user=a n=3", "user=a n=3"}},
		{"eventstats: a multivalue BY field is one key", `sourcetype=ev | eventstats count as n by mv | table mv n`, recs,
			[]string{"mv=[x,y] n=1", "mv=x n=1", "", ""}},
		{"eventstats: no group for a missing BY value", `sourcetype=ev | eventstats count as n by app | table user app n`, recs,
			[]string{"user=a app=mail n=2", "user=A app=crm n=1", "user=a", "user=a app=mail n=2"}},
	}
	runCases(t, tests)
}

// TestCommands covers the other commands.
func TestCommands(t *testing.T) {
	t1 := time.Date(2024, 5, 1, 10, 17, 42, 0, time.UTC)
	recs := []rec{
		{"_time": t1, "user": "a", "app": "mail", "_raw": "user=a src=10.0.0.1 port=22", "json": `{"x":{"y":[{"z":1},{"z":2}]},"k":"v"}`},
		{"_time": t1.Add(time.Hour), "user": "b", "app": "crm", "_raw": "user=b src=10.0.0.2", "mv": "p,q"},
		{"_time": t1.Add(2 * time.Hour), "user": "a", "_raw": "nothing"},
	}
	tests := []semanticsCase{
		{"where and eval", `sourcetype=ev | eval n=len(user) + 1, m=n * 2 | where m > 3 AND user="a" | table user n m`, recs,
			[]string{"user=a n=2 m=4", "user=a n=2 m=4"}},
		{"where is case-sensitive", `sourcetype=ev | where user="A" | table user`, recs, nil},
		{"bin span", `sourcetype=ev | bin span=1h _time as hour | table hour`, recs,
			[]string{"hour=1714557600", "hour=1714561200", "hour=1714564800"}},
		{"bucket span in days", `sourcetype=ev | bucket _time span=1d | stats count by _time`, recs, []string{"_time=1714521600 count=3"}},
		{"table and fields", `sourcetype=ev | fields user app | fields - app _raw | table *`, recs,
			[]string{"user=a _time=1714558662", "user=b _time=1714562262", "user=a _time=1714565862"}},
		{"dedup", `sourcetype=ev | dedup user | table user app`, recs, []string{"user=a app=mail", "user=b app=crm"}},
		{"dedup drops results lacking the field unless keepempty", `sourcetype=ev | dedup app keepempty=true | table user`, recs, []string{"user=a", "user=b", "user=a"}},
		{"dedup N", `sourcetype=ev | dedup 2 user | table user`, recs, []string{"user=a", "user=b", "user=a"}},
		{"rex named groups", `sourcetype=ev | rex "src=(?<src>[\d.]+)( port=(?<port>\d+))?" | table user src port`, recs,
			[]string{"user=a src=10.0.0.1 port=22", "user=b src=10.0.0.2", "user=a"}},
		{"rex field=", `sourcetype=ev | rex field=user "(?<first>.)" | table first`, recs, []string{"first=a", "first=b", "first=a"}},
		{"spath", `sourcetype=ev | spath input=json path=x.y{}.z output=zs | spath input=json k | table zs k`, recs,
			[]string{"zs=[1,2] k=v", "", ""}},
		{"convert ctime with the default format", `sourcetype=ev | head 1 | convert ctime(_time) as t | table t`, recs, []string{"t=05/01/2024 10:17:42"}},
		{"sort descending and head", `sourcetype=ev | sort - _time | head 2 | table user`, recs, []string{"user=a", "user=b"}},
		{"sort reads numbers numerically", `sourcetype=ev | eval n=case(user="a" AND isnull(app), "10", user="a", "9", true(), "x") | sort n | table n`, recs, []string{"n=9", "n=10", "n=x"}},
		{"sort ascending by two keys", `sourcetype=ev | sort 0 user, -_time | table user app`, recs, []string{"user=a", "user=a app=mail", "user=b app=crm"}},
		{"makemv and mvexpand", `sourcetype=ev | makemv delim="," mv | mvexpand mv | table user mv`, recs,
			[]string{"user=a", "user=b mv=p", "user=b mv=q", "user=a"}},
		{"lookup with OUTPUT: first matching row", `sourcetype=ev | lookup apps app OUTPUT owner AS team | table user team`, recs,
			[]string{"user=a team=it", "user=b team=sales", "user=a"}},
		{"lookup OUTPUTNEW fills only missing fields", `sourcetype=ev | eval owner=if(user="a", "keep", null()) | lookup apps app OUTPUTNEW owner | table user owner`, recs,
			[]string{"user=a owner=keep", "user=b owner=sales", "user=a owner=keep"}},
		{"lookup without an output list", `sourcetype=ev | lookup apps app | table app owner risk`, recs,
			[]string{"app=mail owner=it risk=low", "app=crm owner=sales risk=high", ""}},
		{"security_content_ctime", "sourcetype=ev | stats min(_time) as firstTime | `security_content_ctime(firstTime)`", recs,
			[]string{"firstTime=2024-05-01T10:17:42"}},
	}
	runCases(t, tests)
}

// TestEvalFunctions covers the eval functions, one expression each, on
// the event user=a app=mail mv=[x,y,z] code="42".
func TestEvalFunctions(t *testing.T) {
	recs := []rec{{"_time": time.Date(2024, 5, 1, 10, 17, 42, 0, time.UTC), "user": "a", "app": "mail", "mv": []any{"x", "y", "z"}, "code": "42"}}
	tests := []struct{ expr, want string }{
		{`if(user="a", "yes", "no")`, "yes"},
		{`case(user="b", 1, app="mail", 2, true(), 3)`, "2"},
		{`case(user="b", 1)`, ""},
		{`len(coalesce(nosuch, "", app))`, "0"},
		{`coalesce(nosuch, app)`, "mail"},
		{`mvindex(mv, 1)`, "y"},
		{`mvindex(mv, -1)`, "z"},
		{`mvindex(mv, 0, 1)`, "[x,y]"},
		{`mvcount(mv)`, "3"},
		{`mvcount(nosuch)`, ""},
		{`if(match(app, "^ma"), 1, 0)`, "1"},
		{`if(like(app, "m_i%"), 1, 0)`, "1"},
		{`if(like(app, "MAIL"), 1, 0)`, "0"},
		{`if(isnull(nosuch) AND isnotnull(app), 1, 0)`, "1"},
		{`split("a,b,c", ",")`, "[a,b,c]"},
		{`replace(app, "(a)(i)", "\2\1")`, "mial"},
		{`upper(app) . "-" . lower("X")`, "MAIL-x"},
		{`len(app)`, "4"},
		{`substr(app, 2, 2)`, "ai"},
		{`substr(app, -3)`, "ail"},
		{`tostring(1.5)`, "1.5"},
		{`tonumber(code) + 1`, "43"},
		{`tonumber("ff", 16)`, "255"},
		{`tonumber("x")`, ""},
		{`code + 1`, "43"},
		{`app + "box"`, "mailbox"},
		{`7 / 2`, "3.5"},
		{`round(2.567, 2)`, "2.57"},
		{`round(2.5)`, "3"},
		{`strftime(_time, "%Y-%m-%d %H:%M:%S %a %b %j")`, "2024-05-01 10:17:42 Wed May 122"},
		{`strptime("2024-05-01T10:00:00", "%Y-%m-%dT%H:%M:%S")`, "1714557600"},
		{`now()`, "1714564800"},
		{`relative_time(now(), "-70m@m")`, "1714560600"},
		{`relative_time(now(), "@d")`, "1714521600"},
		{`relative_time(now(), "-1w@w1")`, "1713744000"},
		{`if(user="a" XOR app="mail", 1, 0)`, "0"},
		{`if(NOT user="b", 1, 0)`, "1"},
		{`null()`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			cat := exec.MemCatalog{"ev": memTable(t, evColumns, recs...)}
			got := runSearch(t, "sourcetype=ev | eval x="+tt.expr+" | table x", cat, nil)
			want := ""
			if tt.want != "" {
				want = "x=" + tt.want
			}
			if len(got) != 1 || got[0] != want {
				t.Errorf("got %q, want %q", strings.Join(got, "\n"), want)
			}
		})
	}
}
