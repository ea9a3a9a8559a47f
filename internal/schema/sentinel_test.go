package schema

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/normalize"
	"vigil/internal/plan"
)

// columnCase is what one column of a sign-in view shows for the fixture
// sign-in: want in every shape, except the shapes listed in except, which
// cannot carry what the column needs (why says what).
type columnCase struct {
	col    string
	want   event.Value
	except map[string]event.Value
	why    string
}

func str(s string) event.Value { return event.String(s) }

func at(s string) event.Value {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return event.Datetime(t)
}

// commonCases are the columns that read the same in SigninLogs and in
// AADNonInteractiveUserSignInLogs.
func commonCases() []columnCase {
	none := str("")
	return []columnCase{
		{col: "TenantId", want: none,
			except: map[string]event.Value{shapeLA: str("0f1e2d3c-4b5a-4697-8877-665544332211"), shapeCSV: str("0f1e2d3c-4b5a-4697-8877-665544332211")},
			why:    "the workspace: only a Log Analytics export knows it"},
		{col: "SourceSystem", want: none,
			except: map[string]event.Value{shapeLA: str("Azure AD"), shapeCSV: str("Azure AD")},
			why:    "no canonical field: kept from Log Analytics exports only"},
		{col: "TimeGenerated", want: at("2024-05-02T09:01:40.483Z"),
			except: map[string]event.Value{shapeGraph: at("2024-05-02T09:01:12Z")},
			why:    "Graph has no record time: createdDateTime stands in"},
		{col: "OperationName", want: str("Sign-in activity"), why: "Graph has no envelope: the constant every sign-in has"},
		{col: "OperationVersion", want: str("1.0"), except: map[string]event.Value{shapeGraph: none}, why: "envelope only"},
		{col: "ResultType", want: str("500121"), why: "a string; from status.errorCode for Graph"},
		{col: "ResultSignature", want: str("None"), except: map[string]event.Value{shapeGraph: none}, why: "envelope only"},
		{col: "ResultDescription", want: str("Authentication failed during strong authentication request."), why: "status.failureReason for Graph"},
		{col: "DurationMs", want: event.Long(0), except: map[string]event.Value{shapeGraph: event.Null}, why: "envelope only; long, so null"},
		{col: "CorrelationId", want: str("c0ffee00-0000-4000-8000-000000000001")},
		{col: "Identity", want: str("Adele Vance"), except: map[string]event.Value{shapeGraph: none}, why: "envelope only"},
		{col: "Level", want: str("4"), except: map[string]event.Value{shapeGraph: none}, why: "envelope only"},
		{col: "Location", want: str("US"), why: "location.countryOrRegion for Graph"},
		{col: "AADTenantId", want: str("5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60"),
			except: map[string]event.Value{shapeGraph: none}, why: "a Graph signIn does not name its tenant"},
		{col: "AppDisplayName", want: str("Microsoft Teams")},
		{col: "AppId", want: str("1fec8e78-bce4-4aaf-ab1b-5451cc387264")},
		{col: "AuthenticationDetails", want: str(`[{"authenticationMethod":"Mobile app notification","succeeded":false,"authenticationStepResultDetail":"MFA denied; Fraud code entered"}]`),
			why: "JSON text in both tables"},
		{col: "AuthenticationProtocol", want: str("none")},
		{col: "AuthenticationRequirement", want: str("multiFactorAuthentication")},
		{col: "AutonomousSystemNumber", want: str("64500"), why: "a string column, though Graph has an int"},
		{col: "ClientAppUsed", want: str("Browser")},
		{col: "ConditionalAccessStatus", want: str("failure")},
		{col: "CreatedDateTime", want: at("2024-05-02T09:01:12Z")},
		{col: "Id", want: str("66ea54eb-6301-4ee5-be62-ff5a759b0100")},
		{col: "IPAddress", want: str("203.0.113.50"), why: "Elastic: from source.address"},
		{col: "ResourceDisplayName", want: str("Microsoft Graph")},
		{col: "ResourceIdentity", want: str("00000003-0000-0000-c000-000000000000"), why: "the GUID of properties.resourceId"},
		{col: "RiskEventTypes_V2", want: str("[]")},
		{col: "UserAgent", want: str("Mozilla/5.0 (Windows NT 10.0)")},
		{col: "UserDisplayName", want: str("Adele Vance")},
		{col: "UserId", want: str("6e7b768e-07e2-4810-8459-485f84f8f204")},
		{col: "UserPrincipalName", want: str("Adele.Vance@contoso.example"), why: "case kept"},
		{col: "UserType", want: str("Member"), why: "capitalised even though Graph writes member"},
	}
}

func TestSigninLogsColumns(t *testing.T) {
	cases := append(commonCases(),
		columnCase{col: "Category", want: str("SignInLogs")},
		columnCase{col: "Type", want: str("SigninLogs")},
		columnCase{col: "ResourceId", want: str("/tenants/5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60/providers/Microsoft.aadiam"),
			except: map[string]event.Value{shapeGraph: str("")}, why: "the record's resource path; envelope only"},
		columnCase{col: "IsInteractive", want: event.Bool(true)},
		columnCase{col: "SignInEventTypes", want: str(`["interactiveUser"]`)},
		columnCase{col: "Status", want: dyn(t, status),
			except: map[string]event.Value{shapeECS: dyn(t, `{"errorCode":500121}`)},
			why:    "dynamic; Elastic drops failureReason and additionalDetails into message"},
		columnCase{col: "DeviceDetail", want: dyn(t, deviceDetail), why: "dynamic"},
		columnCase{col: "LocationDetails", want: dyn(t, locationDetails),
			except: map[string]event.Value{shapeECS: dyn(t, `{"city":"Seattle","state":"Washington","geoCoordinates":{"latitude":47.6,"longitude":-122.3}}`)},
			why:    "dynamic; Elastic drops countryOrRegion"},
		columnCase{col: "ConditionalAccessPolicies", want: dyn(t, caPolicies), why: "dynamic"},
	)
	testColumns(t, interactiveKind, cases)
}

func TestNonInteractiveColumns(t *testing.T) {
	cases := append(commonCases(),
		columnCase{col: "Category", want: str("NonInteractiveUserSignInLogs")},
		columnCase{col: "Type", want: str("AADNonInteractiveUserSignInLogs")},
		columnCase{col: "IsInteractive", want: event.Bool(false)},
		columnCase{col: "SignInEventTypes", want: str(`["nonInteractiveUser"]`)},
		columnCase{col: "Status", want: str(`{"errorCode":500121,"failureReason":"Authentication failed during strong authentication request.","additionalDetails":"MFA denied; Fraud code entered"}`),
			except: map[string]event.Value{shapeECS: str(`{"errorCode":500121}`)},
			why:    "JSON text; Elastic drops failureReason and additionalDetails into message"},
		columnCase{col: "DeviceDetail", want: str(`{"deviceId":"","operatingSystem":"Windows 10","browser":"Edge 124.0.0","isCompliant":false,"isManaged":false}`), why: "JSON text"},
		columnCase{col: "LocationDetails", want: str(`{"city":"Seattle","state":"Washington","countryOrRegion":"US","geoCoordinates":{"latitude":47.6,"longitude":-122.3}}`),
			except: map[string]event.Value{shapeECS: str(`{"city":"Seattle","state":"Washington","geoCoordinates":{"latitude":47.6,"longitude":-122.3}}`)},
			why:    "JSON text; Elastic drops countryOrRegion"},
		columnCase{col: "ConditionalAccessPolicies", want: str(`[{"id":"p1","displayName":"Require MFA","result":"failure"}]`), why: "JSON text"},
	)
	testColumns(t, nonInteractiveKind, cases)
}

// testColumns checks every column of the view of kind k, for the fixture
// read from every shape: the columns in cases as they say, every other
// column empty ("" or null).
func testColumns(t *testing.T, k kind, cases []columnCase) {
	t.Helper()
	byCol := map[string]columnCase{}
	for _, c := range cases {
		byCol[c.col] = c
	}
	schema, _ := New(nil, nil).Columns(k.table)
	for _, c := range cases {
		if schema.Index(c.col) < 0 {
			t.Errorf("case for %s, which %s does not have", c.col, k.table)
		}
	}
	for _, shape := range shapes {
		evs := []event.SignIn{signInFrom(t, shape, k)}
		cat := New(evs, nil)
		rows := scanAll(t, cat, k.table)
		if len(rows) != 1 {
			t.Fatalf("%s: %s has %d rows, want 1", shape, k.table, len(rows))
		}
		got := rowMap(cat, k.table, rows[0])
		for _, col := range schema {
			c, ok := byCol[col.Name]
			want := missing(col.Type)
			if ok {
				want = c.want
				if v, ok := c.except[shape]; ok {
					want = v
				}
			}
			if diff := cmp.Diff(want, got[col.Name], valueCmp); diff != "" {
				t.Errorf("%s from %s: column %s (%s) (-want +got):\n%s", k.table, shape, col.Name, c.why, diff)
			}
		}
	}
}

// TestSameRowFromEveryShape states the point of the views: the shapes that
// carry the whole sign-in (Azure Monitor, Log Analytics JSON and CSV) give
// the same Log Analytics row, but for the workspace columns only an export
// has.
func TestSameRowFromEveryShape(t *testing.T) {
	for _, k := range []kind{interactiveKind, nonInteractiveKind} {
		var first []event.Value
		for _, shape := range []string{shapeAzmon, shapeLA, shapeCSV} {
			ev := signInFrom(t, shape, k)
			ev.Extra = nil // TenantId, SourceSystem
			cat := New([]event.SignIn{ev}, nil)
			row := scanAll(t, cat, k.table)[0]
			if first == nil {
				first = row
				continue
			}
			if diff := cmp.Diff(first, row, valueCmp); diff != "" {
				t.Errorf("%s: %s row differs from the Azure Monitor one (-azmon +%s):\n%s", k.table, shape, shape, diff)
			}
		}
	}
}

// TestDynamicOrString pins the column types that change query semantics
// (SEMANTICS.md §A.3).
func TestDynamicOrString(t *testing.T) {
	cat := New(nil, nil)
	tests := []struct {
		table, col string
		want       plan.Type
	}{
		{SigninLogs, "Status", plan.TypeDynamic},
		{SigninLogs, "DeviceDetail", plan.TypeDynamic},
		{SigninLogs, "LocationDetails", plan.TypeDynamic},
		{SigninLogs, "ConditionalAccessPolicies", plan.TypeDynamic},
		{SigninLogs, "MfaDetail", plan.TypeDynamic},
		{SigninLogs, "AuthenticationDetails", plan.TypeString},
		{SigninLogs, "ResultType", plan.TypeString},
		{SigninLogs, "AutonomousSystemNumber", plan.TypeString},
		{SigninLogs, "IsInteractive", plan.TypeBool},
		{SigninLogs, "TimeGenerated", plan.TypeDatetime},
		{SigninLogs, "ProcessingTimeInMilliseconds", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "Status", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "DeviceDetail", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "LocationDetails", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "ConditionalAccessPolicies", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "MfaDetail", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "AuthenticationDetails", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "ResultType", plan.TypeString},
		{AADNonInteractiveUserSignInLogs, "IsInteractive", plan.TypeBool},
		{AADNonInteractiveUserSignInLogs, "ProcessingTimeInMs", plan.TypeString},
		{AADServicePrincipalSignInLogs, "LocationDetails", plan.TypeString},
		{AADManagedIdentitySignInLogs, "ConditionalAccessPolicies", plan.TypeString},
	}
	for _, tt := range tests {
		s, ok := cat.Columns(tt.table)
		if !ok {
			t.Fatalf("no table %s", tt.table)
		}
		i := s.Index(tt.col)
		if i < 0 {
			t.Errorf("%s has no column %s", tt.table, tt.col)
			continue
		}
		if s[i].Type != tt.want {
			t.Errorf("%s.%s is %v, want %v", tt.table, tt.col, s[i].Type, tt.want)
		}
	}
}

// TestUserTypeAndResultType covers the renderings that differ from the
// canonical values.
func TestUserTypeAndResultType(t *testing.T) {
	tests := []struct {
		name           string
		set            func(ev *event.SignIn)
		userType, code string
	}{
		{"Graph member", func(ev *event.SignIn) { ev.Source = event.SourceGraph; ev.SetStr(event.FUserType, "member") }, "Member", ""},
		{"Graph guest", func(ev *event.SignIn) { ev.Source = event.SourceGraph; ev.SetStr(event.FUserType, "guest") }, "Guest", ""},
		{"a lower-case literal a diagnostic pipeline stored is kept", func(ev *event.SignIn) {
			ev.Source = event.SourceElastic
			ev.SetStr(event.FUserType, "member")
		}, "member", ""},
		{"already capitalised", func(ev *event.SignIn) { ev.SetStr(event.FUserType, "Guest") }, "Guest", ""},
		{"other values kept", func(ev *event.SignIn) { ev.SetStr(event.FUserType, "unknownFutureValue") }, "unknownFutureValue", ""},
		{"absent", func(ev *event.SignIn) {}, "", ""},
		{"resultType wins", func(ev *event.SignIn) {
			ev.SetStr(event.FResultType, "50074")
			ev.SetInt(event.FStatusErrorCode, 500121)
		}, "", "50074"},
		{"errorCode as text", func(ev *event.SignIn) { ev.SetInt(event.FStatusErrorCode, 0) }, "", "0"},
		{"empty resultType", func(ev *event.SignIn) {
			ev.SetStr(event.FResultType, "")
			ev.SetInt(event.FStatusErrorCode, 50126)
		}, "", "50126"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.SignIn
			ev.SetCategory("SignInLogs")
			tt.set(&ev)
			cat := New([]event.SignIn{ev}, nil)
			got := rowMap(cat, SigninLogs, scanAll(t, cat, SigninLogs)[0])
			if diff := cmp.Diff(str(tt.userType), got["UserType"], valueCmp); diff != "" {
				t.Errorf("UserType (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(str(tt.code), got["ResultType"], valueCmp); diff != "" {
				t.Errorf("ResultType (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCategoryRouting: each category's sign-ins are in one view, Microsoft
// service principals with the other service principals, other categories
// nowhere.
func TestCategoryRouting(t *testing.T) {
	cats := []string{"SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs",
		"MicrosoftServicePrincipalSignInLogs", "ManagedIdentitySignInLogs", "ADFSSignInLogs", "signinlogs"}
	var evs []event.SignIn
	for i, c := range cats {
		var ev event.SignIn
		ev.SetCategory(c)
		ev.SetStr(event.FID, c)
		ev.SetTime(event.FCreatedDateTime, time.Date(2024, 5, 2, 9, i, 0, 0, time.UTC), "")
		evs = append(evs, ev)
	}
	cat := New(evs, nil)
	want := map[string][][2]string{
		SigninLogs:                      {{"SignInLogs", "SignInLogs"}, {"signinlogs", "SignInLogs"}},
		AADNonInteractiveUserSignInLogs: {{"NonInteractiveUserSignInLogs", "NonInteractiveUserSignInLogs"}},
		AADServicePrincipalSignInLogs:   {{"ServicePrincipalSignInLogs", "ServicePrincipalSignInLogs"}, {"MicrosoftServicePrincipalSignInLogs", "MicrosoftServicePrincipalSignInLogs"}},
		AADManagedIdentitySignInLogs:    {{"ManagedIdentitySignInLogs", "ManagedIdentitySignInLogs"}},
	}
	for table, w := range want {
		var got [][2]string
		for _, row := range scanAll(t, cat, table) {
			m := rowMap(cat, table, row)
			got = append(got, [2]string{m["Id"].Str(), m["Category"].Str()})
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (id, Category) (-want +got):\n%s", table, diff)
		}
	}
}

// TestUnknownMembers: columns without a canonical field come from what a
// Log Analytics export wrote, converted to the column's type.
func TestUnknownMembers(t *testing.T) {
	var ev event.SignIn
	ev.SetCategory("SignInLogs")
	ev.Extra = []event.Extra{
		{Name: "TenantId", Raw: `"ws-1"`},
		{Name: "IsRisky", Raw: `"True"`},
		{Name: "properties.resourceServicePrincipalId", Raw: `"sp-1"`},
		{Name: "tenantId", Raw: `"not the workspace"`},
	}
	cat := New([]event.SignIn{ev}, nil)
	got := rowMap(cat, SigninLogs, scanAll(t, cat, SigninLogs)[0])
	want := map[string]event.Value{
		"TenantId":                   str("ws-1"),
		"IsRisky":                    event.Bool(true),
		"ResourceServicePrincipalId": str("sp-1"),
		"ResourceGroup":              str(""),
	}
	for col, w := range want {
		if diff := cmp.Diff(w, got[col], valueCmp); diff != "" {
			t.Errorf("%s (-want +got):\n%s", col, diff)
		}
	}
}

// TestServicePrincipalViews: the service-principal and managed-identity
// tables have their own, smaller column sets, with JSON text for the
// objects and no AADTenantId.
func TestServicePrincipalViews(t *testing.T) {
	record := `{"time":"2024-05-02T09:00:00Z","category":"CATEGORY","tenantId":"t1","resultType":"0",
	  "properties":{"id":"ID","appId":"a1","servicePrincipalId":"sp1","servicePrincipalName":"backup-job",
	  "ipAddress":"198.51.100.9","status":{"errorCode":0},"location":{"city":"Dublin","countryOrRegion":"IE"},
	  "appliedConditionalAccessPolicies":[],"resourceServicePrincipalId":"rsp1","federatedCredentialId":"fc1"}}`
	for _, tt := range []struct{ category, table string }{
		{"ServicePrincipalSignInLogs", AADServicePrincipalSignInLogs},
		{"MicrosoftServicePrincipalSignInLogs", AADServicePrincipalSignInLogs},
		{"ManagedIdentitySignInLogs", AADManagedIdentitySignInLogs},
	} {
		n := normalize.NewNormalizer()
		var ev event.SignIn
		var row event.Row
		if _, err := n.AzureMonitor([]byte(strings.ReplaceAll(record, "CATEGORY", tt.category)), &ev, &row); err != nil {
			t.Fatal(err)
		}
		cat := New([]event.SignIn{ev}, nil)
		rows := scanAll(t, cat, tt.table)
		if len(rows) != 1 {
			t.Fatalf("%s: %d rows in %s", tt.category, len(rows), tt.table)
		}
		got := rowMap(cat, tt.table, rows[0])
		want := map[string]event.Value{
			"Id":                         str("ID"),
			"Category":                   str(tt.category),
			"ServicePrincipalId":         str("sp1"),
			"ServicePrincipalName":       str("backup-job"),
			"ResourceServicePrincipalId": str("rsp1"),
			"FederatedCredentialId":      str("fc1"),
			"IPAddress":                  str("198.51.100.9"),
			"LocationDetails":            str(`{"city":"Dublin","countryOrRegion":"IE"}`),
			"ConditionalAccessPolicies":  str("[]"),
			"ResultType":                 str("0"),
			"Location":                   str("IE"),
			"Type":                       str(tt.table),
		}
		for col, w := range want {
			if diff := cmp.Diff(w, got[col], valueCmp); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tt.category, col, diff)
			}
		}
		if _, ok := got["AADTenantId"]; ok {
			t.Errorf("%s has AADTenantId, which the table reference does not list", tt.table)
		}
	}
}

// TestOddData: values that do not convert become null ("" in string
// columns); nothing panics.
func TestOddData(t *testing.T) {
	var ev event.SignIn
	ev.SetCategory("NonInteractiveUserSignInLogs")
	for f := event.Field(0); f < event.NumFields; f++ {
		if f != event.FCategory {
			ev.SetNull(f)
		}
	}
	var bad event.SignIn
	bad.SetCategory("SignInLogs")
	bad.SetStr(event.FAppliedConditionalAccessPolicies, "{not json")
	bad.SetStr(event.FMfaDetail, "[1,")
	bad.Extra = []event.Extra{{Name: "IsRisky", Raw: `"perhaps"`}, {Name: "TenantId", Raw: `{"a":`}}
	cat := New([]event.SignIn{ev, bad}, map[string][]event.Row{
		"Odd": {{Table: "Odd", Cells: []event.Cell{cell("TimeGenerated", `[`), cell("", `1`)}}},
	})
	for _, name := range cat.TableNames() {
		scanAll(t, cat, name)
	}
	got := rowMap(cat, SigninLogs, scanAll(t, cat, SigninLogs)[0])
	for col, w := range map[string]event.Value{
		"ConditionalAccessPolicies": event.Null,
		"MfaDetail":                 event.Null,
		"IsRisky":                   event.Null,
		"TenantId":                  str(`{"a":`),
	} {
		if diff := cmp.Diff(w, got[col], valueCmp); diff != "" {
			t.Errorf("%s (-want +got):\n%s", col, diff)
		}
	}
	ni := rowMap(cat, AADNonInteractiveUserSignInLogs, scanAll(t, cat, AADNonInteractiveUserSignInLogs)[0])
	for col, v := range ni {
		if col != "Category" && col != "Type" && col != "OperationName" && !event.Equal(v, event.Null) && !event.Equal(v, str("")) {
			t.Errorf("all-null sign-in: %s = %v", col, v)
		}
	}
}
