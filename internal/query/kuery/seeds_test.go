package kuery_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/normalize"
	"vigil/internal/plan"
	"vigil/internal/query/kuery"
	"vigil/internal/schema"
)

// The queries of the seed rules 4 and 5 (../shared/seeds), as the rules
// carry them.
const (
	rule4Query = `event.dataset: "azure.signinlogs" and event.category: "authentication"
    and azure.signinlogs.properties.is_interactive: false
    and azure.signinlogs.properties.user_type: "Member"
    and not azure.signinlogs.properties.client_app_used: "Browser"
    and not source.as.organization.name: "MICROSOFT-CORP-MSN-AS-BLOCK"
    and not azure.signinlogs.properties.app_id: (
        "1b3c667f-cde3-4090-b60b-3d2abd0117f0" or
        "26a7ee05-5602-4d76-a7ba-eae8b7b67941" or
        "4b0964e4-58f1-47f4-a552-e2e1fc56dcd7" or
        "ecd6b820-32c2-49b6-98a6-444530e5a77a" or
        "268761a2-03f3-40df-8a8b-c3db24145b6b" or
        "fc0f3af4-6835-4174-b806-f7db311fd2f3" or
        "de50c81f-5f80-4771-b66b-cebd28ccdfc1" or
        "ab9b8c07-8f02-4f72-87fa-80105867a763" or
        "6f7e0f60-9401-4f5b-98e2-cf15bd5fd5e3" or
        "d7b530a4-7680-4c23-a8bf-c52c121d2e87" or
        "52c2e0b5-c7b6-4d11-a89c-21e42bcec444" or
        "38aa3b87-a06d-4817-b275-7a316988d93b" or
        "27922004-5251-4030-b22d-91ecd9a37ea4" or
        "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223" or
        "cab96880-db5b-4e15-90a7-f3f1d62ffe39" or
        "3a4d129e-7f50-4e0d-a7fd-033add0a29f4" or
        "29d9ed98-a469-4536-ade2-f981bc1d605e" or
        "c0ab8ce9-e9a0-42e7-b064-33d422df41f1" or
        "9ea1ad79-fdb6-4f9a-8bc3-2b70f96e34c7" or
        "4813382a-8fa7-425e-ab75-3b753aab3abb" or
        "08e18876-6177-487e-b8b5-cf950c1e598c" or
        "0ec893e0-5785-4de6-99da-4ed124e5296c" or
        "d3590ed6-52b3-4102-aeff-aad2292ab01c" or
        "0dc2408a-bbc0-4238-871e-13b372f0200f" or
        "4813382a-8fa7-425e-ab75-3b753aab3abb" or
        "af124e86-4e96-495a-b70a-90f90ab96707" or
        "e9c51622-460d-4d3d-952d-966a5b1da34c" or
        "ecd6b820-32c2-49b6-98a6-444530e5a77a" or
        "f44b1140-bc5e-48c6-8dc0-5cf5a53c0e34" or
        "e2ef5054-0287-4db6-afa3-013d96881fd3"
    )`

	rule5Query = `event.dataset:(azure.activitylogs or azure.signinlogs)
    and (
        azure.signinlogs.properties.authentication_protocol:deviceCode or
        azure.signinlogs.properties.original_transfer_method:deviceCodeFlow or
        azure.activitylogs.properties.authentication_protocol:deviceCode
    )
    and event.outcome:success
    and azure.signinlogs.properties.user_type:*
    and not azure.signinlogs.properties.app_id:(
        "29d9ed98-a469-4536-ade2-f981bc1d605e" or
        "d5a56ea4-7369-46b8-a538-c370805301bf" or
        "80faf920-1908-4b52-b5ef-a8e7bedfc67a" or
        "97877f11-0fc6-4aee-b1ff-febb0519dd00" or
        "245e1dee-74ef-4257-a8c8-8208296e1dfd" or
        "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223" or
        "74bcdadc-2fdc-4bb3-8459-76d06952a0e9" or
        "4813382a-8fa7-425e-ab75-3b753aab3abb" or
        "a850aaae-d5a5-4e82-877c-ce54ff916282"
    )`
)

// signIn is one Azure Monitor sign-in record: a non-interactive Member
// sign-in of alice with the Azure CLI from a non-Microsoft network,
// successful, by device code; mods replace properties (nil deletes one).
func signIn(t *testing.T, id string, mods map[string]any) event.SignIn {
	t.Helper()
	props := map[string]any{
		"id":                     id,
		"createdDateTime":        "2024-05-02T09:00:00Z",
		"userPrincipalName":      "alice@contoso.com",
		"userType":               "Member",
		"appId":                  "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
		"isInteractive":          false,
		"clientAppUsed":          "Mobile Apps and Desktop clients",
		"ipAddress":              "203.0.113.9",
		"autonomousSystemNumber": 64500,
		"authenticationProtocol": "deviceCode",
		"originalTransferMethod": "none",
		"status":                 map[string]any{"errorCode": 0},
	}
	for k, v := range mods {
		if v == nil {
			delete(props, k)
			continue
		}
		props[k] = v
	}
	rec := map[string]any{
		"time": "2024-05-02T09:00:30Z", "category": "NonInteractiveUserSignInLogs",
		"operationName": "Sign-in activity", "tenantId": "tenant-1", "properties": props,
	}
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var ev event.SignIn
	var row event.Row
	if isRow, err := normalize.NewNormalizer().AzureMonitor(data, &ev, &row); err != nil || isRow {
		t.Fatalf("normalize: %v", err)
	}
	return ev
}

// matching runs a seed query over the given tables of an ECS catalog and
// returns the event.id (sign-ins) or _id (activity documents) of the
// matching rows.
func matching(t *testing.T, query string, cat *schema.ECS, tables ...string) []string {
	t.Helper()
	var input plan.Node
	if len(tables) == 1 {
		input = &plan.Scan{Table: tables[0], Fill: plan.FillNull}
	} else {
		u := &plan.Union{Fill: plan.FillNull}
		for _, tab := range tables {
			u.Inputs = append(u.Inputs, &plan.Scan{Table: tab, Fill: plan.FillNull})
		}
		input = u
	}
	f, err := kuery.Compile(query, input, cat)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	res, err := exec.Run(context.Background(), f, cat, exec.Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, row := range res.Rows {
		for _, col := range []string{"event.id", "_id"} {
			if i := res.Columns.Index(col); i >= 0 && row[i].Kind() == event.KindString {
				ids = append(ids, row[i].Str())
				break
			}
		}
	}
	return ids
}

// TestRule4Query checks the query of rule 4 against the rows of §D.4 that
// the query decides (the new-terms part is the schedule's).
func TestRule4Query(t *testing.T) {
	evs := []event.SignIn{
		signIn(t, "TP1 new pair", nil),
		signIn(t, "TP6 failure", map[string]any{"status": map[string]any{"errorCode": 50173, "failureReason": "Fresh auth token is needed."}}),
		signIn(t, "TN2 interactive", map[string]any{"isInteractive": true}),
		signIn(t, "TN3 guest", map[string]any{"userType": "Guest"}),
		signIn(t, "TN3 no user type", map[string]any{"userType": nil}),
		signIn(t, "TN4 browser", map[string]any{"clientAppUsed": "Browser"}),
		signIn(t, "TN5 excluded app", map[string]any{"appId": "d7b530a4-7680-4c23-a8bf-c52c121d2e87"}),
		signIn(t, "TN6 microsoft network", map[string]any{"autonomousSystemNumber": 8075}),
		signIn(t, "edge: excluded app in upper case", map[string]any{"appId": "D7B530A4-7680-4C23-A8BF-C52C121D2E87"}),
		signIn(t, "edge: no app id passes the query", map[string]any{"appId": nil}),
		signIn(t, "edge: no ASN passes the query", map[string]any{"autonomousSystemNumber": nil}),
	}
	cat := schema.NewECS(evs, nil, schema.ECSOptions{})
	got := matching(t, rule4Query, cat, schema.ECSTables([]string{"filebeat-*", "logs-azure.signinlogs-*"})...)
	want := []string{"TP1 new pair", "TP6 failure", "edge: excluded app in upper case", "edge: no app id passes the query", "edge: no ASN passes the query"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("matching rows\n got %q\nwant %q", got, want)
	}
}

// TestRule5Query checks the query of rule 5 against the rows of §D.5 that
// the query decides, over both datasets its index patterns name.
func TestRule5Query(t *testing.T) {
	evs := []event.SignIn{
		signIn(t, "TP1 device code", nil),
		signIn(t, "TP2 transfer method", map[string]any{"authenticationProtocol": "none", "originalTransferMethod": "deviceCodeFlow"}),
		signIn(t, "TP5 guest", map[string]any{"userType": "Guest"}),
		signIn(t, "edge: an empty user type is removed by the pipeline", map[string]any{"userType": ""}),
		signIn(t, "TN1 failure", map[string]any{"status": map[string]any{"errorCode": 70018}}),
		signIn(t, "TN2 service principal", map[string]any{"userType": nil}),
		signIn(t, "TN3 excluded app", map[string]any{"appId": "29d9ed98-a469-4536-ade2-f981bc1d605e"}),
		signIn(t, "TN6 protocol case", map[string]any{"authenticationProtocol": "DeviceCode"}),
		signIn(t, "TN6 old transfer literal", map[string]any{"authenticationProtocol": "none", "originalTransferMethod": "Device code flow"}),
	}
	activity := `{"_id": "TN5 activity log", "@timestamp": "2024-05-02T09:00:00Z",
		"event": {"dataset": "azure.activitylogs", "outcome": "success"},
		"azure": {"activitylogs": {"properties": {"authentication_protocol": "deviceCode"}}}}`
	var ev event.SignIn
	var row event.Row
	isRow, err := normalize.NewNormalizer().Elastic([]byte(activity), &ev, &row)
	if err != nil || !isRow {
		t.Fatalf("activity document: isRow=%v err=%v", isRow, err)
	}
	cat := schema.NewECS(evs, map[string][]event.Row{row.Table: {row}}, schema.ECSOptions{})
	tables := schema.ECSTables([]string{"filebeat-*", "logs-azure.signinlogs-*", "logs-azure.activitylogs-*"})
	if len(tables) != 2 {
		t.Fatalf("index patterns give tables %v", tables)
	}
	got := matching(t, rule5Query, cat, tables...)
	want := []string{"TP1 device code", "TP2 transfer method", "TP5 guest"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("matching rows\n got %q\nwant %q", got, want)
	}
	// One filter per table, then a union, gives the same rows.
	q, err := kuery.Parse(rule5Query)
	if err != nil {
		t.Fatal(err)
	}
	root, err := kuery.LowerTables(q, rule5Query, tables, cat)
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Run(context.Background(), root, cat, exec.Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != len(want) {
		t.Errorf("LowerTables: %d rows, want %d", len(res.Rows), len(want))
	}
	// The activity branch alone does see the document: only user_type
	// keeps it out.
	if got := matching(t, `azure.activitylogs.properties.authentication_protocol: deviceCode and event.outcome: success`, cat, tables...); len(got) != 1 || got[0] != "TN5 activity log" {
		t.Errorf("activity branch matched %q", got)
	}
}

// TestSeedQueriesPrintRoundTrip checks that the printer keeps the seed
// queries' meaning.
func TestSeedQueriesPrintRoundTrip(t *testing.T) {
	for _, q := range []string{rule4Query, rule5Query} {
		parsed, err := kuery.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		again, err := kuery.Parse(kuery.Print(parsed))
		if err != nil {
			t.Fatal(err)
		}
		if kuery.Print(again) != kuery.Print(parsed) {
			t.Errorf("round trip changed %q", kuery.Print(parsed))
		}
	}
}
