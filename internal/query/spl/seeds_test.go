package spl

import (
	"strings"
	"testing"
	"time"

	"vigil/internal/exec"
	"vigil/internal/plan"
)

// The two seed searches, as ESCU publishes them (SEMANTICS.md §D.1, §D.2).
const (
	seed1 = "`azure_monitor_aad` operationName=\"Sign-in activity\" properties.status.errorCode=65004\n" +
		"| rename properties.* as *\n" +
		"| fillnull\n" +
		"| stats count min(_time) as firstTime max(_time) as lastTime\n" +
		"BY dest user src\n" +
		"vendor_account vendor_product appDisplayName\n" +
		"status.failureReason signature\n" +
		"| `security_content_ctime(firstTime)`\n" +
		"| `security_content_ctime(lastTime)`\n" +
		"| `azure_ad_user_consent_denied_for_oauth_application_filter`"
	seed2 = " `o365_graph` status.errorCode=65004 \n" +
		"| rename userPrincipalName as user \n" +
		"| rename ipAddress as src_ip \n" +
		"| stats max(_time) as lastTime by user src_ip appDisplayName status.failureReason \n" +
		"| `security_content_ctime(lastTime)` \n" +
		"| `o365_user_consent_denied_for_oauth_application_filter`"
)

// aadColumns is a hand-built azure:monitor:aad schema: the flattened
// diagnostic record plus the add-on's fields (§A.4).
var aadColumns = plan.Schema{
	{Name: "_time", Type: plan.TypeDatetime},
	{Name: "time", Type: plan.TypeString},
	{Name: "tenantId", Type: plan.TypeString},
	{Name: "operationName", Type: plan.TypeString},
	{Name: "category", Type: plan.TypeString},
	{Name: "callerIpAddress", Type: plan.TypeString},
	{Name: "correlationId", Type: plan.TypeString},
	{Name: "properties.id", Type: plan.TypeString},
	{Name: "properties.correlationId", Type: plan.TypeString},
	{Name: "properties.userPrincipalName", Type: plan.TypeString},
	{Name: "properties.appDisplayName", Type: plan.TypeString},
	{Name: "properties.status.errorCode", Type: plan.TypeLong},
	{Name: "properties.status.failureReason", Type: plan.TypeString},
	{Name: "properties.authenticationDetails{}.succeeded", Type: plan.TypeDynamic},
	{Name: "dest", Type: plan.TypeString},
	{Name: "vendor_account", Type: plan.TypeString},
	{Name: "vendor_product", Type: plan.TypeString},
	{Name: "signature", Type: plan.TypeString},
	{Name: "src", Type: plan.TypeString},
	{Name: "src_ip", Type: plan.TypeString},
	{Name: "user", Type: plan.TypeString},
}

// graphColumns is a hand-built o365:graph:api schema: the Graph signIn
// object flattened.
var graphColumns = plan.Schema{
	{Name: "_time", Type: plan.TypeDatetime},
	{Name: "createdDateTime", Type: plan.TypeString},
	{Name: "userPrincipalName", Type: plan.TypeString},
	{Name: "ipAddress", Type: plan.TypeString},
	{Name: "appDisplayName", Type: plan.TypeString},
	{Name: "status.errorCode", Type: plan.TypeLong},
	{Name: "status.failureReason", Type: plan.TypeString},
	{Name: "user", Type: plan.TypeString},
}

var seedTables = plan.Tables{"azure:monitor:aad": aadColumns, "o365:graph:api": graphColumns}

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// aadConsent returns a sign-in record of alice denying consent (65004) as
// azure:monitor:aad holds it with the add-on's fields, changed by edits
// (a nil value removes a field).
func aadConsent(at time.Time, edits rec) rec {
	r := rec{
		"_time":                           at,
		"time":                            at.Format(time.RFC3339),
		"tenantId":                        "tenant-1",
		"operationName":                   "Sign-in activity",
		"category":                        "SignInLogs",
		"callerIpAddress":                 "198.51.100.7",
		"correlationId":                   "corr-top",
		"properties.id":                   "id-1",
		"properties.correlationId":        "corr-props",
		"properties.userPrincipalName":    "alice@contoso.com",
		"properties.appDisplayName":       "Contoso Mail Reader",
		"properties.status.errorCode":     65004,
		"properties.status.failureReason": "User declined to consent to access the app.",
		"dest":                            "tenant-1",
		"vendor_account":                  "tenant-1",
		"vendor_product":                  "Azure AD",
		"signature":                       "Sign-in activity",
		"src":                             "198.51.100.7",
		"src_ip":                          "198.51.100.7",
		"user":                            "alice@contoso.com",
	}
	return r.with(edits)
}

const rule1Row = "dest=tenant-1 user=alice@contoso.com src=198.51.100.7 vendor_account=tenant-1 vendor_product=Azure AD appDisplayName=Contoso Mail Reader status.failureReason=User declined to consent to access the app. signature=Sign-in activity"

// TestSeedRule1 runs the search of rule 1 over the TP and TN rows of
// SEMANTICS.md §D.1 (TN3, the schedule window, and TN6, another
// sourcetype, are the schedule's and the views' business).
func TestSeedRule1(t *testing.T) {
	tests := []struct {
		name string
		recs []rec
		want []string
	}{
		{"TP1 one denial", []rec{aadConsent(t0, nil)},
			[]string{rule1Row + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00"}},
		{"TP2 two denials 20 minutes apart", []rec{aadConsent(t0.Add(20*time.Minute), nil), aadConsent(t0, nil)},
			[]string{rule1Row + " count=2 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:20:00"}},
		{"TP3 two apps", []rec{aadConsent(t0, nil), aadConsent(t0, rec{"properties.appDisplayName": "Other App"})},
			[]string{
				rule1Row + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00",
				strings.Replace(rule1Row, "Contoso Mail Reader", "Other App", 1) + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00",
			}},
		{"TP4 non-interactive category", []rec{aadConsent(t0, rec{"category": "NonInteractiveUserSignInLogs"})},
			[]string{rule1Row + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00"}},
		{"TP5 one lacks failureReason: fillnull groups it under 0",
			[]rec{aadConsent(t0, rec{"properties.status.failureReason": nil}), aadConsent(t0, nil)},
			[]string{
				strings.Replace(rule1Row, "User declined to consent to access the app.", "0", 1) + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00",
				rule1Row + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00",
			}},
		{"operationName matches ignoring case", []rec{aadConsent(t0, rec{"operationName": "SIGN-IN ACTIVITY"})},
			[]string{strings.Replace(rule1Row, "signature=Sign-in activity", "signature=Sign-in activity", 1) + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00"}},
		{"errorCode as a string matches", []rec{aadConsent(t0, rec{"properties.status.errorCode": "65004"})},
			[]string{rule1Row + " count=1 firstTime=2024-05-01T10:00:00 lastTime=2024-05-01T10:00:00"}},
		{"TN1 consent required 65001", []rec{aadConsent(t0, rec{"properties.status.errorCode": 65001})}, nil},
		{"TN1 admin consent required 90094", []rec{aadConsent(t0, rec{"properties.status.errorCode": 90094})}, nil},
		{"TN2 audit record", []rec{aadConsent(t0, rec{"operationName": "Consent to application", "signature": "Consent to application", "category": "AuditLogs", "properties.status.errorCode": nil})}, nil},
		{"TN4 no appDisplayName anywhere: stats drops everything", []rec{aadConsent(t0, rec{"properties.appDisplayName": nil})}, nil},
		{"TN5 without the add-on's fields", []rec{aadConsent(t0, rec{"dest": nil, "vendor_account": nil, "vendor_product": nil, "signature": nil, "src": nil, "src_ip": nil, "user": nil})}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := exec.MemCatalog{"azure:monitor:aad": memTable(t, aadColumns, tt.recs...)}
			checkRows(t, runSearch(t, seed1, cat, nil), tt.want)
		})
	}
}

// graphConsent returns a Graph signIn of bob denying consent, changed by
// edits.
func graphConsent(at time.Time, edits rec) rec {
	r := rec{
		"_time":                at,
		"createdDateTime":      at.Format(time.RFC3339),
		"userPrincipalName":    "bob@contoso.com",
		"ipAddress":            "203.0.113.9",
		"appDisplayName":       "X",
		"status.errorCode":     65004,
		"status.failureReason": "User declined to consent to access the app.",
	}
	return r.with(edits)
}

const rule2Row = "user=bob@contoso.com src_ip=203.0.113.9 appDisplayName=X status.failureReason=User declined to consent to access the app."

// TestSeedRule2 runs the search of rule 2 over the rows of §D.2.
func TestSeedRule2(t *testing.T) {
	tests := []struct {
		name string
		recs []rec
		want []string
	}{
		{"TP1", []rec{graphConsent(t0, nil)}, []string{rule2Row + " lastTime=2024-05-01T10:00:00"}},
		{"TP2 two IPs", []rec{graphConsent(t0, nil), graphConsent(t0, rec{"ipAddress": "203.0.113.10"})},
			[]string{rule2Row + " lastTime=2024-05-01T10:00:00", strings.Replace(rule2Row, "203.0.113.9", "203.0.113.10", 1) + " lastTime=2024-05-01T10:00:00"}},
		{"TP3 same tuple twice: the later time", []rec{graphConsent(t0, nil), graphConsent(t0.Add(30*time.Minute), nil)},
			[]string{rule2Row + " lastTime=2024-05-01T10:30:00"}},
		{"TN1 no ipAddress", []rec{graphConsent(t0, rec{"ipAddress": nil})}, nil},
		{"TN1 no ipAddress, but a stale src_ip-like user field is replaced", []rec{graphConsent(t0, rec{"userPrincipalName": nil, "user": "stale"})}, nil},
		{"TN2 no failureReason", []rec{graphConsent(t0, rec{"status.failureReason": nil})}, nil},
		{"TN3 success", []rec{graphConsent(t0, rec{"status.errorCode": 0})}, nil},
		{"TN3 consent required", []rec{graphConsent(t0, rec{"status.errorCode": 65001})}, nil},
		{"TN4 UPNs differing by case stay apart", []rec{graphConsent(t0, nil), graphConsent(t0, rec{"userPrincipalName": "BOB@contoso.com"})},
			[]string{rule2Row + " lastTime=2024-05-01T10:00:00", strings.Replace(rule2Row, "bob@", "BOB@", 1) + " lastTime=2024-05-01T10:00:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := exec.MemCatalog{"o365:graph:api": memTable(t, graphColumns, tt.recs...)}
			checkRows(t, runSearch(t, seed2, cat, nil), tt.want)
		})
	}
}

// with applies edits to r: a nil value removes the field.
func (r rec) with(edits rec) rec {
	for k, v := range edits {
		if v == nil {
			delete(r, k)
		} else {
			r[k] = v
		}
	}
	return r
}
