package schema

import (
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/normalize"
)

// The fixtures are one sign-in — Adele's MFA prompt answered with the fraud
// code — written in every input shape vigil reads, interactive or not. The
// Graph, Azure Monitor and Elastic records are templates: CATEGORY,
// INTERACTIVE and EVENTTYPE are filled per kind of sign-in.

const graphRecord = `{
  "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
  "createdDateTime": "2024-05-02T09:01:12Z",
  "userDisplayName": "Adele Vance",
  "userPrincipalName": "Adele.Vance@contoso.example",
  "userId": "6e7b768e-07e2-4810-8459-485f84f8f204",
  "userType": "member",
  "appId": "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
  "appDisplayName": "Microsoft Teams",
  "ipAddress": "203.0.113.50",
  "clientAppUsed": "Browser",
  "userAgent": "Mozilla/5.0 (Windows NT 10.0)",
  "correlationId": "c0ffee00-0000-4000-8000-000000000001",
  "conditionalAccessStatus": "failure",
  "isInteractive": INTERACTIVE,
  "authenticationProtocol": "none",
  "autonomousSystemNumber": 64500,
  "resourceDisplayName": "Microsoft Graph",
  "resourceId": "00000003-0000-0000-c000-000000000000",
  "authenticationRequirement": "multiFactorAuthentication",
  "signInEventTypes": ["EVENTTYPE"],
  "riskEventTypes_v2": [],
  "status": {"errorCode": 500121, "failureReason": "Authentication failed during strong authentication request.", "additionalDetails": "MFA denied; Fraud code entered"},
  "deviceDetail": {"deviceId": "", "operatingSystem": "Windows 10", "browser": "Edge 124.0.0", "isCompliant": false, "isManaged": false},
  "location": {"city": "Seattle", "state": "Washington", "countryOrRegion": "US", "geoCoordinates": {"latitude": 47.6, "longitude": -122.3}},
  "appliedConditionalAccessPolicies": [{"id": "p1", "displayName": "Require MFA", "result": "failure"}],
  "authenticationDetails": [{"authenticationMethod": "Mobile app notification", "succeeded": false, "authenticationStepResultDetail": "MFA denied; Fraud code entered"}]
}`

const azmonRecord = `{
  "time": "2024-05-02T09:01:40.4830000Z",
  "resourceId": "/tenants/5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60/providers/Microsoft.aadiam",
  "operationName": "Sign-in activity",
  "operationVersion": "1.0",
  "category": "CATEGORY",
  "tenantId": "5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60",
  "resultType": "500121",
  "resultSignature": "None",
  "resultDescription": "Authentication failed during strong authentication request.",
  "durationMs": 0,
  "callerIpAddress": "203.0.113.50",
  "correlationId": "c0ffee00-0000-4000-8000-000000000001",
  "identity": "Adele Vance",
  "Level": 4,
  "location": "US",
  "properties": {
    "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
    "createdDateTime": "2024-05-02T09:01:12Z",
    "userDisplayName": "Adele Vance",
    "userPrincipalName": "Adele.Vance@contoso.example",
    "userId": "6e7b768e-07e2-4810-8459-485f84f8f204",
    "userType": "Member",
    "appId": "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    "appDisplayName": "Microsoft Teams",
    "ipAddress": "203.0.113.50",
    "clientAppUsed": "Browser",
    "userAgent": "Mozilla/5.0 (Windows NT 10.0)",
    "correlationId": "c0ffee00-0000-4000-8000-000000000001",
    "conditionalAccessStatus": "failure",
    "isInteractive": INTERACTIVE,
    "authenticationProtocol": "none",
    "autonomousSystemNumber": 64500,
    "resourceDisplayName": "Microsoft Graph",
    "resourceId": "00000003-0000-0000-c000-000000000000",
    "authenticationRequirement": "multiFactorAuthentication",
    "signInEventTypes": ["EVENTTYPE"],
    "riskEventTypes_v2": [],
    "status": {"errorCode": 500121, "failureReason": "Authentication failed during strong authentication request.", "additionalDetails": "MFA denied; Fraud code entered"},
    "deviceDetail": {"deviceId": "", "operatingSystem": "Windows 10", "browser": "Edge 124.0.0", "isCompliant": false, "isManaged": false},
    "location": {"city": "Seattle", "state": "Washington", "countryOrRegion": "US", "geoCoordinates": {"latitude": 47.6, "longitude": -122.3}},
    "appliedConditionalAccessPolicies": [{"id": "p1", "displayName": "Require MFA", "result": "failure"}],
    "authenticationDetails": [{"authenticationMethod": "Mobile app notification", "succeeded": false, "authenticationStepResultDetail": "MFA denied; Fraud code entered"}]
  }
}`

// elasticRecord is the document the azure integration's signinlogs
// pipeline makes of azmonRecord: snake_case properties, failureReason and
// additionalDetails merged into message, location moved to geo.*
// (country_name holding the state), ipAddress to source.address.
const elasticRecord = `{
  "@timestamp": "2024-05-02T09:01:40.483Z",
  "event": {"dataset": "azure.signinlogs", "duration": 0, "outcome": "failure", "action": "Sign-in activity"},
  "message": "Authentication failed during strong authentication request. (MFA denied; Fraud code entered)",
  "log": {"level": "4"},
  "geo": {"city_name": "Seattle", "country_name": "Washington", "country_iso_code": "US", "location": {"lat": 47.6, "lon": -122.3}},
  "source": {"address": "203.0.113.50", "ip": "203.0.113.50"},
  "user_agent": {"original": "Mozilla/5.0 (Windows NT 10.0)"},
  "azure": {
    "tenant_id": "5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60",
    "correlation_id": "c0ffee00-0000-4000-8000-000000000001",
    "resource": {"id": "/tenants/5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60/providers/Microsoft.aadiam"},
    "signinlogs": {
      "category": "CATEGORY",
      "operation_name": "Sign-in activity",
      "operation_version": "1.0",
      "result_type": "500121",
      "result_signature": "None",
      "result_description": "Authentication failed during strong authentication request.",
      "identity": "Adele Vance",
      "properties": {
        "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
        "created_at": "2024-05-02T09:01:12Z",
        "user_display_name": "Adele Vance",
        "user_principal_name": "Adele.Vance@contoso.example",
        "user_id": "6e7b768e-07e2-4810-8459-485f84f8f204",
        "user_type": "Member",
        "app_id": "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
        "app_display_name": "Microsoft Teams",
        "client_app_used": "Browser",
        "correlation_id": "c0ffee00-0000-4000-8000-000000000001",
        "conditional_access_status": "failure",
        "is_interactive": INTERACTIVE,
        "authentication_protocol": "none",
        "autonomous_system_number": 64500,
        "resource_display_name": "Microsoft Graph",
        "resource_id": "00000003-0000-0000-c000-000000000000",
        "authentication_requirement": "multiFactorAuthentication",
        "sign_in_event_types": ["EVENTTYPE"],
        "risk_event_types_v2": [],
        "status": {"error_code": 500121},
        "device_detail": {"device_id": "", "operating_system": "Windows 10", "browser": "Edge 124.0.0", "is_compliant": false, "is_managed": false},
        "applied_conditional_access_policies": [{"id": "p1", "display_name": "Require MFA", "result": "failure"}],
        "authentication_details": [{"authentication_method": "Mobile app notification", "succeeded": false, "authentication_step_result_detail": "MFA denied; Fraud code entered"}]
      }
    }
  }
}`

// laCell is one column of the Log Analytics row of the fixture: its JSON
// value in a JSON export, and its text in a CSV export. dyn marks the
// columns that are dynamic in SigninLogs and JSON text in the other
// tables: json then holds the JSON document.
type laCell struct {
	col, json, csv string
	dyn            bool
}

func laCells(table, category, interactive, eventType string) []laCell {
	return []laCell{
		{col: "TenantId", json: `"0f1e2d3c-4b5a-4697-8877-665544332211"`, csv: "0f1e2d3c-4b5a-4697-8877-665544332211"},
		{col: "SourceSystem", json: `"Azure AD"`, csv: "Azure AD"},
		{col: "TimeGenerated", json: `"2024-05-02T09:01:40.483Z"`, csv: "5/2/2024, 9:01:40.483 AM"},
		{col: "ResourceId", json: `"/tenants/5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60/providers/Microsoft.aadiam"`, csv: "/tenants/5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60/providers/Microsoft.aadiam"},
		{col: "OperationName", json: `"Sign-in activity"`, csv: "Sign-in activity"},
		{col: "OperationVersion", json: `"1.0"`, csv: "1.0"},
		{col: "Category", json: strconv.Quote(category), csv: category},
		{col: "ResultType", json: `"500121"`, csv: "500121"},
		{col: "ResultSignature", json: `"None"`, csv: "None"},
		{col: "ResultDescription", json: `"Authentication failed during strong authentication request."`, csv: "Authentication failed during strong authentication request."},
		{col: "DurationMs", json: `0`, csv: "0"},
		{col: "CorrelationId", json: `"c0ffee00-0000-4000-8000-000000000001"`, csv: "c0ffee00-0000-4000-8000-000000000001"},
		{col: "Identity", json: `"Adele Vance"`, csv: "Adele Vance"},
		{col: "Level", json: `"4"`, csv: "4"},
		{col: "Location", json: `"US"`, csv: "US"},
		{col: "AADTenantId", json: `"5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60"`, csv: "5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60"},
		{col: "AppDisplayName", json: `"Microsoft Teams"`, csv: "Microsoft Teams"},
		{col: "AppId", json: `"1fec8e78-bce4-4aaf-ab1b-5451cc387264"`, csv: "1fec8e78-bce4-4aaf-ab1b-5451cc387264"},
		{col: "AuthenticationDetails", json: strconv.Quote(authDetails), csv: authDetails},
		{col: "AuthenticationProtocol", json: `"none"`, csv: "none"},
		{col: "AuthenticationRequirement", json: `"multiFactorAuthentication"`, csv: "multiFactorAuthentication"},
		{col: "AutonomousSystemNumber", json: `"64500"`, csv: "64500"},
		{col: "ClientAppUsed", json: `"Browser"`, csv: "Browser"},
		{col: "ConditionalAccessPolicies", json: caPolicies, dyn: true},
		{col: "ConditionalAccessStatus", json: `"failure"`, csv: "failure"},
		{col: "CreatedDateTime", json: `"2024-05-02T09:01:12Z"`, csv: "5/2/2024, 9:01:12.000 AM"},
		{col: "DeviceDetail", json: deviceDetail, dyn: true},
		{col: "Id", json: `"66ea54eb-6301-4ee5-be62-ff5a759b0100"`, csv: "66ea54eb-6301-4ee5-be62-ff5a759b0100"},
		{col: "IPAddress", json: `"203.0.113.50"`, csv: "203.0.113.50"},
		{col: "IsInteractive", json: interactive, csv: map[string]string{"true": "True", "false": "False"}[interactive]}, // the portal writes True/False
		{col: "LocationDetails", json: locationDetails, dyn: true},
		{col: "ResourceDisplayName", json: `"Microsoft Graph"`, csv: "Microsoft Graph"},
		{col: "ResourceIdentity", json: `"00000003-0000-0000-c000-000000000000"`, csv: "00000003-0000-0000-c000-000000000000"},
		{col: "RiskEventTypes_V2", json: `"[]"`, csv: "[]"},
		{col: "SignInEventTypes", json: strconv.Quote(`["` + eventType + `"]`), csv: `["` + eventType + `"]`},
		{col: "Status", json: status, dyn: true},
		{col: "UserAgent", json: `"Mozilla/5.0 (Windows NT 10.0)"`, csv: "Mozilla/5.0 (Windows NT 10.0)"},
		{col: "UserDisplayName", json: `"Adele Vance"`, csv: "Adele Vance"},
		{col: "UserId", json: `"6e7b768e-07e2-4810-8459-485f84f8f204"`, csv: "6e7b768e-07e2-4810-8459-485f84f8f204"},
		{col: "UserPrincipalName", json: `"Adele.Vance@contoso.example"`, csv: "Adele.Vance@contoso.example"},
		{col: "UserType", json: `"Member"`, csv: "Member"},
		{col: "Type", json: strconv.Quote(table), csv: table},
	}
}

// The dynamic values as Log Analytics exports write them (with spaces, as
// the portal does; views render compact JSON).
const (
	authDetails     = `[{"authenticationMethod": "Mobile app notification", "succeeded": false, "authenticationStepResultDetail": "MFA denied; Fraud code entered"}]`
	caPolicies      = `[{"id": "p1", "displayName": "Require MFA", "result": "failure"}]`
	deviceDetail    = `{"deviceId": "", "operatingSystem": "Windows 10", "browser": "Edge 124.0.0", "isCompliant": false, "isManaged": false}`
	locationDetails = `{"city": "Seattle", "state": "Washington", "countryOrRegion": "US", "geoCoordinates": {"latitude": 47.6, "longitude": -122.3}}`
	status          = `{"errorCode": 500121, "failureReason": "Authentication failed during strong authentication request.", "additionalDetails": "MFA denied; Fraud code entered"}`
)

// laJSON writes the Log Analytics row as a JSON export: dynamic columns as
// objects in SigninLogs, as JSON text elsewhere.
func laJSON(cells []laCell, dynAsText bool) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(c.col))
		b.WriteByte(':')
		if c.dyn && dynAsText {
			b.WriteString(strconv.Quote(c.json))
		} else {
			b.WriteString(c.json)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// laCSV writes the Log Analytics row as the portal's CSV export, header
// first.
func laCSV(cells []laCell) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	var header, row []string
	for _, c := range cells {
		name := c.col
		text := c.csv
		if c.dyn {
			text = c.json
		}
		if name == "TimeGenerated" || name == "CreatedDateTime" {
			name += " [UTC]"
		}
		header = append(header, name)
		row = append(row, text)
	}
	w.Write(header)
	w.Write(row)
	w.Flush()
	return b.String()
}

// The input shapes.
const (
	shapeGraph = "graph"
	shapeAzmon = "azure-monitor"
	shapeLA    = "log-analytics-json"
	shapeCSV   = "log-analytics-csv"
	shapeECS   = "elastic"
)

var shapes = []string{shapeGraph, shapeAzmon, shapeLA, shapeCSV, shapeECS}

// kind is the kind of sign-in the fixture is written as.
type kind struct {
	table, category, interactive, eventType string
}

var (
	interactiveKind    = kind{SigninLogs, "SignInLogs", "true", "interactiveUser"}
	nonInteractiveKind = kind{AADNonInteractiveUserSignInLogs, "NonInteractiveUserSignInLogs", "false", "nonInteractiveUser"}
)

// signInFrom normalizes the fixture written in shape as a sign-in of kind k.
func signInFrom(t testing.TB, shape string, k kind) event.SignIn {
	t.Helper()
	return signInWith(t, shape, k, normalize.NewNormalizer())
}

// signInWith is signInFrom with a normalizer (a projection).
func signInWith(t testing.TB, shape string, k kind, n *normalize.Normalizer) event.SignIn {
	t.Helper()
	fill := strings.NewReplacer("CATEGORY", k.category, "INTERACTIVE", k.interactive, "EVENTTYPE", k.eventType)
	var ev event.SignIn
	var row event.Row
	var isRow bool
	var err error
	switch shape {
	case shapeGraph:
		err = n.Graph([]byte(fill.Replace(graphRecord)), &ev)
	case shapeAzmon:
		isRow, err = n.AzureMonitor([]byte(fill.Replace(azmonRecord)), &ev, &row)
	case shapeECS:
		isRow, err = n.Elastic([]byte(fill.Replace(elasticRecord)), &ev, &row)
	case shapeLA:
		data := laJSON(laCells(k.table, k.category, k.interactive, k.eventType), k.table != SigninLogs)
		isRow, err = n.LogAnalytics([]byte(data), "", &ev, &row)
	case shapeCSV:
		recs, cerr := csv.NewReader(strings.NewReader(laCSV(laCells(k.table, k.category, k.interactive, k.eventType)))).ReadAll()
		if cerr != nil {
			t.Fatal(cerr)
		}
		isRow, err = n.LogAnalyticsCSV(recs[0], recs[1], "", &ev, &row)
	default:
		t.Fatalf("unknown shape %s", shape)
	}
	if err != nil || isRow {
		t.Fatalf("%s: normalize: isRow=%v err=%v", shape, isRow, err)
	}
	if ps := n.Problems(); len(ps) > 0 {
		t.Fatalf("%s: normalize problems: %v", shape, ps)
	}
	return ev
}

// scanAll returns every row of a table of cat, copied.
func scanAll(t testing.TB, cat *Catalog, table string) [][]event.Value {
	t.Helper()
	tab, ok := cat.Table(table)
	if !ok {
		t.Fatalf("no table %s", table)
	}
	var rows [][]event.Value
	err := tab.Scan(context.Background(), func(row []event.Value) error {
		if len(row) != len(tab.Schema()) {
			t.Fatalf("%s: row has %d values, schema %d columns", table, len(row), len(tab.Schema()))
		}
		for i, c := range tab.Schema() {
			if c.Type == 0 || !c.Type.Accepts(row[i].Kind()) {
				t.Errorf("%s.%s: %v does not fit type %v", table, c.Name, row[i], c.Type)
			}
			if c.Type.String() == "string" && row[i].IsNull() {
				t.Errorf("%s.%s: null in a string column", table, c.Name)
			}
		}
		rows = append(rows, append([]event.Value(nil), row...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// rowMap returns a row by column name.
func rowMap(cat *Catalog, table string, row []event.Value) map[string]event.Value {
	s, _ := cat.Columns(table)
	m := make(map[string]event.Value, len(s))
	for i, c := range s {
		m[c.Name] = row[i]
	}
	return m
}

// valueCmp compares Values exactly; diffs print them readably.
var valueCmp = cmp.Comparer(event.Equal)

// dyn is the dynamic value of a JSON text.
func dyn(t testing.TB, text string) event.Value {
	t.Helper()
	v, err := event.ParseJSON(text)
	if err != nil {
		t.Fatalf("bad JSON in test: %v", err)
	}
	return v
}
