package normalize

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/event"
)

// render is the event as --emit-events writes it, without its origin.
func render(ev *event.SignIn) string {
	s := string(ev.AppendJSON(nil))
	i := strings.LastIndex(s, `"origin":`)
	return strings.TrimSuffix(s[:i], ",") + "}"
}

// renderRow writes a row as the golden files do.
func renderRow(row *event.Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "row of %s:", row.Table)
	for _, c := range row.Cells {
		fmt.Fprintf(&b, " %s=%s", c.Name, c.Raw)
	}
	return b.String()
}

// renderProblems lists the member problems of the last record.
func renderProblems(n *Normalizer) []string {
	var out []string
	for _, p := range n.Problems() {
		out = append(out, fmt.Sprintf("byte %d: %v", p.Offset, p))
	}
	return out
}

func renderErr(err error) string {
	var re *RecordError
	if errors.As(err, &re) {
		return fmt.Sprintf("error at byte %d: %v", re.Offset, re)
	}
	return fmt.Sprintf("error of type %T: %v", err, err)
}

// la normalizes one Log Analytics JSON row and renders what came out: the
// event, or the row, or the record error.
func la(t testing.TB, n *Normalizer, data, table string) (out string, problems []string) {
	t.Helper()
	var ev event.SignIn
	var row event.Row
	isRow, err := n.LogAnalytics([]byte(data), table, &ev, &row)
	switch {
	case err != nil:
		return renderErr(err), renderProblems(n)
	case isRow:
		return renderRow(&row), renderProblems(n)
	}
	return render(&ev), renderProblems(n)
}

// TestLogAnalyticsColumns is the column map of the sign-in tables: each
// column, as SigninLogs writes it (dynamic columns as objects) and as the
// other sign-in tables write it (dynamic columns as JSON text), fills its
// canonical field.
func TestLogAnalyticsColumns(t *testing.T) {
	tests := []struct {
		name string
		in   string // members of a SigninLogs row, without the braces
		want string // the event
	}{
		{"TimeGenerated is the record time",
			`"TimeGenerated":"2024-05-14T08:23:02.4417Z"`,
			`{"category":"SignInLogs","recordTime":"2024-05-14T08:23:02.4417Z"}`},
		{"AADTenantId is the tenant; TenantId is the workspace, unknown",
			`"TenantId":"w-1","AADTenantId":"t-1"`,
			`{"category":"SignInLogs","tenantId":"t-1","unknown":{"TenantId":"w-1"}}`},
		{"envelope columns",
			`"OperationName":"Sign-in activity","OperationVersion":"1.0","ResultSignature":"None","ResultDescription":"Invalid username or password.","Identity":"Mara","Location":"NL"`,
			`{"category":"SignInLogs","operationName":"Sign-in activity","operationVersion":"1.0","resultSignature":"None","resultDescription":"Invalid username or password.","identity":"Mara","recordLocation":"NL"}`},
		{"ResultType is a string column",
			`"ResultType":"50126"`,
			`{"category":"SignInLogs","resultType":"50126"}`},
		{"ResultType written as a number keeps its text",
			`"ResultType":0`,
			`{"category":"SignInLogs","resultType":"0"}`},
		{"Level and DurationMs",
			`"Level":"4","DurationMs":0`,
			`{"category":"SignInLogs","durationMs":0,"level":"4"}`},
		{"DurationMs as text",
			`"DurationMs":"12"`,
			`{"category":"SignInLogs","durationMs":12}`},
		{"Category column is the category literal",
			`"Category":"SignInLogs"`,
			`{"category":"SignInLogs"}`},
		{"CreatedDateTime",
			`"CreatedDateTime":"2024-05-14T08:20:51.1234567Z"`,
			`{"category":"SignInLogs","createdDateTime":"2024-05-14T08:20:51.1234567Z"}`},
		{"identity columns",
			`"Id":"s-1","UserPrincipalName":"mara.velde@contoso.example","UserId":"u-1","UserDisplayName":"Mara","UserType":"Member","AlternateSignInName":"mara","SignInIdentifier":"mara.velde@contoso.example","SignInIdentifierType":"userPrincipalName"`,
			`{"category":"SignInLogs","id":"s-1","userDisplayName":"Mara","userPrincipalName":"mara.velde@contoso.example","userId":"u-1","userType":"Member","signInIdentifier":"mara.velde@contoso.example","signInIdentifierType":"userPrincipalName","alternateSignInName":"mara"}`},
		{"app and resource columns",
			`"AppId":"a-1","AppDisplayName":"Azure Portal","ResourceDisplayName":"Microsoft Graph","ResourceIdentity":"00000003-0000-0000-c000-000000000000","ResourceTenantId":"t-1","HomeTenantId":"t-1"`,
			`{"category":"SignInLogs","appId":"a-1","appDisplayName":"Azure Portal","resourceDisplayName":"Microsoft Graph","resourceId":"00000003-0000-0000-c000-000000000000","resourceTenantId":"t-1","homeTenantId":"t-1"}`},
		{"ResourceId holding the record's resource path",
			`"ResourceId":"/tenants/t-1/providers/Microsoft.aadiam"`,
			`{"category":"SignInLogs","recordResourceId":"/tenants/t-1/providers/Microsoft.aadiam"}`},
		{"ResourceId holding the resource signed in to",
			`"ResourceId":"00000003-0000-0000-c000-000000000000"`,
			`{"category":"SignInLogs","resourceId":"00000003-0000-0000-c000-000000000000"}`},
		{"IPAddress, IPAddressFromResourceProvider",
			`"IPAddress":"203.0.113.47","IPAddressFromResourceProvider":"198.51.100.9"`,
			`{"category":"SignInLogs","ipAddress":"203.0.113.47","ipAddressFromResourceProvider":"198.51.100.9"}`},
		{"AutonomousSystemNumber is a string column",
			`"AutonomousSystemNumber":"1136"`,
			`{"category":"SignInLogs","autonomousSystemNumber":1136}`},
		{"IsInteractive is a bool column",
			`"IsInteractive":true,"FlaggedForReview":false`,
			`{"category":"SignInLogs","isInteractive":true,"flaggedForReview":false}`},
		{"protocol and token columns",
			`"AuthenticationProtocol":"deviceCode","OriginalTransferMethod":"deviceCodeFlow","IncomingTokenType":"none","TokenIssuerType":"AzureAD","TokenIssuerName":"","ClientAppUsed":"Mobile Apps and Desktop clients","UserAgent":"Mozilla/5.0","AuthenticationRequirement":"multiFactorAuthentication"`,
			`{"category":"SignInLogs","clientAppUsed":"Mobile Apps and Desktop clients","userAgent":"Mozilla/5.0","authenticationProtocol":"deviceCode","incomingTokenType":"none","originalTransferMethod":"deviceCodeFlow","tokenIssuerName":"","tokenIssuerType":"AzureAD","authenticationRequirement":"multiFactorAuthentication"}`},
		{"ProcessingTimeInMilliseconds (SigninLogs spelling)",
			`"ProcessingTimeInMilliseconds":"187"`,
			`{"category":"SignInLogs","processingTimeInMilliseconds":187}`},
		{"ProcessingTimeInMs (the other tables' spelling)",
			`"ProcessingTimeInMs":"42"`,
			`{"category":"SignInLogs","processingTimeInMilliseconds":42}`},
		{"risk columns",
			`"RiskDetail":"none","RiskLevelAggregated":"low","RiskLevelDuringSignIn":"medium","RiskState":"atRisk","RiskEventTypes":"[\"unfamiliarFeatures\"]","RiskEventTypes_V2":"[\"unfamiliarFeatures\"]"`,
			`{"category":"SignInLogs","riskDetail":"none","riskLevelAggregated":"low","riskLevelDuringSignIn":"medium","riskState":"atRisk","riskEventTypes":["unfamiliarFeatures"],"riskEventTypes_v2":["unfamiliarFeatures"]}`},
		{"session and correlation columns",
			`"CorrelationId":"c-1","OriginalRequestId":"r-1","UniqueTokenIdentifier":"QUJD","SessionId":"x-1","CrossTenantAccessType":"none","ConditionalAccessStatus":"failure"`,
			`{"category":"SignInLogs","correlationId":"c-1","conditionalAccessStatus":"failure","originalRequestId":"r-1","uniqueTokenIdentifier":"QUJD","sessionId":"x-1","crossTenantAccessType":"none"}`},
		{"service principal columns",
			`"ServicePrincipalId":"sp-1","ServicePrincipalName":"backup-runner","ServicePrincipalCredentialKeyId":"k-1","ServicePrincipalCredentialThumbprint":"","FederatedCredentialId":"f-1"`,
			`{"category":"SignInLogs","servicePrincipalId":"sp-1","servicePrincipalName":"backup-runner","servicePrincipalCredentialKeyId":"k-1","servicePrincipalCredentialThumbprint":"","federatedCredentialId":"f-1"}`},
		{"Status as a dynamic object",
			`"Status":{"errorCode":500121,"failureReason":"Authentication failed during strong authentication request.","additionalDetails":"MFA denied; user declined the authentication"}`,
			`{"category":"SignInLogs","status":{"errorCode":500121,"failureReason":"Authentication failed during strong authentication request.","additionalDetails":"MFA denied; user declined the authentication"}}`},
		{"Status as JSON text",
			`"Status":"{\"errorCode\":0,\"additionalDetails\":\"MFA requirement satisfied by claim in the token\"}"`,
			`{"category":"SignInLogs","status":{"errorCode":0,"additionalDetails":"MFA requirement satisfied by claim in the token"}}`},
		{"DeviceDetail as a dynamic object",
			`"DeviceDetail":{"deviceId":"d-1","displayName":"NB-07","operatingSystem":"Windows 10","browser":"Edge 124.0.0","isCompliant":true,"isManaged":true,"trustType":"Azure AD joined"}`,
			`{"category":"SignInLogs","deviceDetail":{"deviceId":"d-1","displayName":"NB-07","operatingSystem":"Windows 10","browser":"Edge 124.0.0","isCompliant":true,"isManaged":true,"trustType":"Azure AD joined"}}`},
		{"DeviceDetail as JSON text",
			`"DeviceDetail":"{\"operatingSystem\":\"Ios\",\"isCompliant\":false}"`,
			`{"category":"SignInLogs","deviceDetail":{"operatingSystem":"Ios","isCompliant":false}}`},
		{"LocationDetails as a dynamic object",
			`"LocationDetails":{"city":"Utrecht","state":"Utrecht","countryOrRegion":"NL","geoCoordinates":{"latitude":52.0907,"longitude":5.1214}}`,
			`{"category":"SignInLogs","location":{"city":"Utrecht","state":"Utrecht","countryOrRegion":"NL","geoCoordinates":{"latitude":52.0907,"longitude":5.1214}}}`},
		{"LocationDetails as JSON text",
			`"LocationDetails":"{\"city\":\"Utrecht\",\"geoCoordinates\":{\"latitude\":52.0907}}"`,
			`{"category":"SignInLogs","location":{"city":"Utrecht","geoCoordinates":{"latitude":52.0907}}}`},
		{"ConditionalAccessPolicies as a dynamic array",
			`"ConditionalAccessPolicies":[{"id":"p-1","displayName":"Require MFA","result":"failure"}]`,
			`{"category":"SignInLogs","appliedConditionalAccessPolicies":[{"id":"p-1","displayName":"Require MFA","result":"failure"}]}`},
		{"ConditionalAccessPolicies as JSON text",
			`"ConditionalAccessPolicies":"[{\"id\":\"p-1\", \"result\":\"notApplied\"}]"`,
			`{"category":"SignInLogs","appliedConditionalAccessPolicies":[{"id":"p-1","result":"notApplied"}]}`},
		{"AppliedConditionalAccessPolicies, undocumented, is unknown",
			`"AppliedConditionalAccessPolicies":"[]"`,
			`{"category":"SignInLogs","unknown":{"AppliedConditionalAccessPolicies":"[]"}}`},
		{"AuthenticationDetails is JSON text in every table",
			`"AuthenticationDetails":"[{\"authenticationMethod\":\"Password\",\"succeeded\":true,\"StatusSequence\":0}]"`,
			`{"category":"SignInLogs","authenticationDetails":[{"authenticationMethod":"Password","succeeded":true,"StatusSequence":0}]}`},
		{"MfaDetail as object and the other JSON text columns",
			`"MfaDetail":{"authMethod":"PhoneAppNotification"},"AuthenticationProcessingDetails":"[{\"key\":\"Is CAE Token\",\"value\":\"False\"}]","AuthenticationRequirementPolicies":"[]","NetworkLocationDetails":"[{\"networkType\":\"trustedNamedLocation\"}]","SessionLifetimePolicies":"[]","AppliedEventListeners":[],"AuthenticationContextClassReferences":"[]","SignInEventTypes":"[\"interactiveUser\"]"`,
			`{"category":"SignInLogs","signInEventTypes":["interactiveUser"],"authenticationProcessingDetails":[{"key":"Is CAE Token","value":"False"}],"authenticationRequirementPolicies":[],"authenticationContextClassReferences":[],"networkLocationDetails":[{"networkType":"trustedNamedLocation"}],"sessionLifetimePolicies":[],"appliedEventListeners":[],"mfaDetail":{"authMethod":"PhoneAppNotification"}}`},
		{"an empty string is absent in a column that is not a string",
			`"AutonomousSystemNumber":"","IsInteractive":"","AuthenticationDetails":"","Status":"","DeviceDetail":"","CreatedDateTime":""`,
			`{"category":"SignInLogs"}`},
		{"an empty string is kept in a string column",
			`"UserType":"","IPAddress":""`,
			`{"category":"SignInLogs","userType":"","ipAddress":""}`},
		{"null is an explicit null",
			`"UserId":null,"IsInteractive":null,"Status":null`,
			`{"category":"SignInLogs","userId":null,"isInteractive":null}`},
		{"columns without a canonical field are kept",
			`"SourceSystem":"Azure AD","Resource":"Microsoft.aadiam","ResourceGroup":"Microsoft.aadiam","IsRisky":false,"_BilledSize":6120.0,"_IsBillable":"True","ResourceServicePrincipalId":"e-1"`,
			`{"category":"SignInLogs","unknown":{"SourceSystem":"Azure AD","Resource":"Microsoft.aadiam","ResourceGroup":"Microsoft.aadiam","IsRisky":false,"_BilledSize":6120.0,"_IsBillable":"True","ResourceServicePrincipalId":"e-1"}}`},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := la(t, n, `{`+tt.in+`,"Type":"SigninLogs"}`, "")
			if len(problems) > 0 {
				t.Errorf("problems: %q", problems)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestLogAnalyticsTables is how a row's table is found and what a row of
// each kind of table becomes.
func TestLogAnalyticsTables(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		table string // --table NAME=PATH
		want  string
	}{
		{"Type before the columns", `{"Type":"SigninLogs","Id":"s-1"}`, "",
			`{"category":"SignInLogs","id":"s-1"}`},
		{"Type after the columns", `{"Id":"s-1","Type":"SigninLogs"}`, "",
			`{"category":"SignInLogs","id":"s-1"}`},
		{"no Category: the category of SigninLogs", `{"Id":"s-1","Type":"SigninLogs"}`, "",
			`{"category":"SignInLogs","id":"s-1"}`},
		{"no Category: the category of AADNonInteractiveUserSignInLogs", `{"Id":"s-1","Type":"AADNonInteractiveUserSignInLogs"}`, "",
			`{"category":"NonInteractiveUserSignInLogs","id":"s-1"}`},
		{"no Category: the category of AADServicePrincipalSignInLogs", `{"Id":"s-1","Type":"AADServicePrincipalSignInLogs"}`, "",
			`{"category":"ServicePrincipalSignInLogs","id":"s-1"}`},
		{"no Category: the category of AADManagedIdentitySignInLogs", `{"Id":"s-1","Type":"AADManagedIdentitySignInLogs"}`, "",
			`{"category":"ManagedIdentitySignInLogs","id":"s-1"}`},
		{"an empty Category: the category of the table", `{"Category":"","Type":"AADManagedIdentitySignInLogs"}`, "",
			`{"category":"ManagedIdentitySignInLogs"}`},
		{"the Category column wins over the table", `{"Category":"MicrosoftServicePrincipalSignInLogs","Type":"AADServicePrincipalSignInLogs"}`, "",
			`{"category":"MicrosoftServicePrincipalSignInLogs"}`},
		{"no Type: the table named with --table", `{"Id":"s-1"}`, "AADNonInteractiveUserSignInLogs",
			`{"category":"NonInteractiveUserSignInLogs","id":"s-1"}`},
		{"no Type: the --table name in another case", `{"Id":"s-1"}`, "signinlogs",
			`{"category":"SignInLogs","id":"s-1"}`},
		{"the Type column wins over --table", `{"Id":"s-1","Type":"SigninLogs"}`, "AADNonInteractiveUserSignInLogs",
			`{"category":"SignInLogs","id":"s-1"}`},
		{"no Type and no --table", `{"Id":"s-1"}`, "",
			`error at byte 0: the row has no Type column: name its table with --table NAME=PATH`},
		{"an empty Type and no --table", `{"Id":"s-1","Type":""}`, "",
			`error at byte 0: the row has no Type column: name its table with --table NAME=PATH`},
		{"another table: a row with every column, Type included",
			`{"TimeGenerated":"2024-05-14T06:00:00Z","AccountUPN":"Mara.Velde@contoso.example","GroupMembership":["Finance"],"IsAccountEnabled":true,"Type":"IdentityInfo"}`, "",
			`row of IdentityInfo: TimeGenerated="2024-05-14T06:00:00Z" AccountUPN="Mara.Velde@contoso.example" GroupMembership=["Finance"] IsAccountEnabled=true Type="IdentityInfo"`},
		{"another table whose columns look like sign-in columns",
			`{"Id":"Directory_1","Category":"ApplicationManagement","InitiatedBy":"{\"user\":{\"userPrincipalName\":\"a@b\"}}","Type":"AuditLogs"}`, "",
			`row of AuditLogs: Id="Directory_1" Category="ApplicationManagement" InitiatedBy="{\"user\":{\"userPrincipalName\":\"a@b\"}}" Type="AuditLogs"`},
		{"a watchlist named with --table",
			`{"SearchKey":"203.0.113.47","Label":"egress"}`, "Watchlist_TrustedIPs",
			`row of Watchlist_TrustedIPs: SearchKey="203.0.113.47" Label="egress"`},
		{"a Type that is not a string is an unknown member", `{"Id":"s-1","Type":7}`, "SigninLogs",
			`{"category":"SignInLogs","id":"s-1","unknown":{"Type":7}}`},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := la(t, n, tt.in, tt.table)
			if len(problems) > 0 {
				t.Errorf("problems: %q", problems)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestLogAnalyticsRowEmptiesEvent: a row of another table leaves no field
// of the speculative sign-in decode behind, and keeps the origin.
func TestLogAnalyticsRowEmptiesEvent(t *testing.T) {
	n := NewNormalizer()
	ev := event.SignIn{Origin: event.Origin{File: "x.json", Record: 3}}
	var row event.Row
	isRow, err := n.LogAnalytics([]byte(`{"UserPrincipalName":"a@b","IsInteractive":"maybe","Type":"BehaviorAnalytics"}`), "", &ev, &row)
	if err != nil || !isRow {
		t.Fatalf("isRow %v, err %v", isRow, err)
	}
	if got := ev.Present(); got != (event.FieldSet{}) || len(ev.Extra) != 0 || ev.Origin.Record != 3 {
		t.Errorf("event after a row: present %v, extra %v, origin %v", got, ev.Extra, ev.Origin)
	}
	if len(n.Problems()) != 0 {
		t.Errorf("problems of the speculative decode kept: %v", n.Problems())
	}
}

// TestLogAnalyticsProblems: values of the wrong type are problems naming
// the column (and the member inside a dynamic column) and where the value
// is; the value is kept as an unknown member.
func TestLogAnalyticsProblems(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		problems []string
	}{
		{"a boolean that is not one",
			`{"IsInteractive":"maybe","Type":"SigninLogs"}`,
			`{"category":"SignInLogs","unknown":{"IsInteractive":"maybe"}}`,
			[]string{`byte 17: IsInteractive: want true or false, got string "maybe"`}},
		{"an ASN that is not a number",
			`{"AutonomousSystemNumber":"AS1136","Type":"SigninLogs"}`,
			`{"category":"SignInLogs","unknown":{"AutonomousSystemNumber":"AS1136"}}`,
			[]string{`byte 26: AutonomousSystemNumber: want an integer, got string "AS1136"`}},
		{"a time that is not one",
			`{"TimeGenerated":"yesterday","Type":"SigninLogs"}`,
			`{"category":"SignInLogs","unknown":{"TimeGenerated":"yesterday"}}`,
			[]string{`byte 17: TimeGenerated: want a time, got string "yesterday"`}},
		{"an error code that is not a number, inside a dynamic object",
			`{"Status":{"errorCode":"x"},"Type":"SigninLogs"}`,
			`{"category":"SignInLogs","unknown":{"Status.errorCode":"x"}}`,
			[]string{`byte 23: Status.errorCode: want an integer, got string "x"`}},
		{"dynamic text that is not JSON",
			`{"Status":"failure","Type":"SigninLogs"}`,
			`{"category":"SignInLogs","unknown":{"Status":"failure"}}`,
			[]string{`byte 10: Status: want an object or JSON text of one, got string "failure"`}},
		{"JSON text column that is not an array or object",
			`{"AuthenticationDetails":"Password","Type":"SigninLogs"}`,
			`{"category":"SignInLogs","unknown":{"AuthenticationDetails":"Password"}}`,
			[]string{`byte 25: AuthenticationDetails: want an array or object, got string "Password"`}},
		{"an object in a string column",
			`{"UserPrincipalName":{"a":1},"Type":"SigninLogs"}`,
			`{"category":"SignInLogs","unknown":{"UserPrincipalName":{"a":1}}}`,
			[]string{`byte 21: UserPrincipalName: want a string, got an object`}},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := la(t, n, tt.in, "")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLogAnalyticsMalformed: a row that is not JSON, or not an object, is a
// record error with the offset of the fault.
func TestLogAnalyticsMalformed(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"Id":"s-1","Type":"SigninLogs"`, `error at byte 31: malformed JSON: unexpected end of input, want ',' or '}'`},
		{`{"Id":"s-1" "Type":"SigninLogs"}`, `error at byte 12: malformed JSON: unexpected '"', want ',' or '}'`},
		{`{"Id":"s-1","Type":"SigninLogs"} x`, `error at byte 33: malformed JSON: unexpected 'x' after the end of the value`},
		{`["SigninLogs"]`, `error at byte 0: the record is a JSON array, not an object`},
		// Members read before the fault in JSON text stay read (tree.go).
		{`{"Status":"{\"errorCode\":0","Type":"SigninLogs"}`, `{"category":"SignInLogs","status":{"errorCode":0},"unknown":{"Status":"{\"errorCode\":0"}}`},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		got, _ := la(t, n, tt.in, "")
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// csvRow normalizes one CSV row.
func csvRow(t testing.TB, n *Normalizer, header, cells []string, table string) (string, []string) {
	t.Helper()
	var ev event.SignIn
	var row event.Row
	isRow, err := n.LogAnalyticsCSV(header, cells, table, &ev, &row)
	switch {
	case err != nil:
		return renderErr(err), renderProblems(n)
	case isRow:
		return renderRow(&row), renderProblems(n)
	}
	return render(&ev), renderProblems(n)
}

// TestLogAnalyticsCSV is the portal's CSV export: the same columns, every
// value as text.
func TestLogAnalyticsCSV(t *testing.T) {
	tests := []struct {
		name     string
		header   string // comma-separated
		cells    []string
		table    string
		want     string
		problems []string
	}{
		{"the bracketed suffix of a header is not part of the name",
			"TimeGenerated [UTC],CreatedDateTime [UTC],Type",
			[]string{"4/19/2021, 12:13:19.483 PM", "4/19/2021, 12:12:58.100 PM", "SigninLogs"}, "",
			`{"category":"SignInLogs","recordTime":"2021-04-19T12:13:19.483Z","createdDateTime":"2021-04-19T12:12:58.1Z"}`, nil},
		{"times: AM, PM, no fraction, ISO",
			"TimeGenerated [UTC],CreatedDateTime [UTC],Type",
			[]string{"1/2/2024, 12:05:09 AM", "2024-01-02T00:05:01.5Z", "SigninLogs"}, "",
			`{"category":"SignInLogs","recordTime":"2024-01-02T00:05:09Z","createdDateTime":"2024-01-02T00:05:01.5Z"}`, nil},
		{"booleans are True and False",
			"IsInteractive,FlaggedForReview,Type",
			[]string{"True", "False", "SigninLogs"}, "",
			`{"category":"SignInLogs","isInteractive":true,"flaggedForReview":false}`, nil},
		{"numbers and strings",
			"ResultType,AutonomousSystemNumber,DurationMs,Level,UserPrincipalName,Type",
			[]string{"50126", "1136", "0", "4", "mara.velde@contoso.example", "SigninLogs"}, "",
			`{"category":"SignInLogs","resultType":"50126","durationMs":0,"level":"4","userPrincipalName":"mara.velde@contoso.example","autonomousSystemNumber":1136}`, nil},
		{"dynamic columns are JSON text",
			"Status,LocationDetails,ConditionalAccessPolicies,Type",
			[]string{`{"errorCode":50126,"failureReason":"Invalid username or password."}`, `{"city":"Utrecht","geoCoordinates":{"latitude":52.09}}`, `[{"id":"p-1","result":"notApplied"}]`, "SigninLogs"}, "",
			`{"category":"SignInLogs","status":{"errorCode":50126,"failureReason":"Invalid username or password."},"location":{"city":"Utrecht","geoCoordinates":{"latitude":52.09}},"appliedConditionalAccessPolicies":[{"id":"p-1","result":"notApplied"}]}`, nil},
		{"empty cells are absent, in string columns too",
			"UserType,IsInteractive,Status,Category,Type",
			[]string{"", "", "", "", "AADNonInteractiveUserSignInLogs"}, "",
			`{"category":"NonInteractiveUserSignInLogs"}`, nil},
		{"columns without a canonical field are kept as strings",
			"TenantId,SourceSystem,_BilledSize,Type",
			[]string{"w-1", "Azure AD", "6120", "SigninLogs"}, "",
			`{"category":"SignInLogs","unknown":{"TenantId":"w-1","SourceSystem":"Azure AD","_BilledSize":"6120"}}`, nil},
		{"no Type column: the table named with --table",
			"UserPrincipalName",
			[]string{"a@b"}, "AADManagedIdentitySignInLogs",
			`{"category":"ManagedIdentitySignInLogs","userPrincipalName":"a@b"}`, nil},
		{"no Type column and no --table",
			"UserPrincipalName",
			[]string{"a@b"}, "",
			`error at byte 0: the row has no Type column: name its table with --table NAME=PATH`, nil},
		{"another table: cells as JSON strings, empty ones kept",
			"TimeGenerated [UTC],AccountUPN,GroupMembership,BlastRadius,Type",
			[]string{"5/14/2024, 6:00:00.000 AM", "Mara.Velde@contoso.example", `["Finance"]`, "", "IdentityInfo"}, "",
			`row of IdentityInfo: TimeGenerated="5/14/2024, 6:00:00.000 AM" AccountUPN="Mara.Velde@contoso.example" GroupMembership="[\"Finance\"]" BlastRadius="" Type="IdentityInfo"`, nil},
		{"wrong types are problems naming the column, at offset 0",
			"IsInteractive,AutonomousSystemNumber,Status,Type",
			[]string{"Yes", "AS1136", "{bad", "SigninLogs"}, "",
			`{"category":"SignInLogs","unknown":{"IsInteractive":"Yes","AutonomousSystemNumber":"AS1136","Status":"{bad"}}`,
			[]string{
				`byte 0: IsInteractive: want true or false, got string "Yes"`,
				`byte 0: AutonomousSystemNumber: want an integer, got string "AS1136"`,
				`byte 0: Status: want an object or JSON text of one, got string "{bad"`,
			}},
		{"a row with more cells than the header",
			"UserPrincipalName,Type",
			[]string{"a@b", "SigninLogs", "x"}, "",
			`error at byte 0: the row has 3 cells but the header names 2 columns`, nil},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := csvRow(t, n, strings.Split(tt.header, ","), tt.cells, tt.table)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLogAnalyticsCSVMatchesJSON: a CSV row and the JSON row with the same
// values (dynamic columns as JSON text) give the same event.
func TestLogAnalyticsCSVMatchesJSON(t *testing.T) {
	header := []string{"TimeGenerated [UTC]", "IsInteractive", "Status", "AuthenticationDetails", "AutonomousSystemNumber", "UserPrincipalName", "Type"}
	cells := []string{"2024-05-14T08:23:02.441Z", "False", `{"errorCode":0}`, `[{"succeeded":true}]`, "1136", "mara@contoso.example", "AADNonInteractiveUserSignInLogs"}
	js := `{"TimeGenerated":"2024-05-14T08:23:02.441Z","IsInteractive":false,"Status":"{\"errorCode\":0}","AuthenticationDetails":"[{\"succeeded\":true}]","AutonomousSystemNumber":"1136","UserPrincipalName":"mara@contoso.example","Type":"AADNonInteractiveUserSignInLogs"}`
	n := NewNormalizer()
	fromCSV, _ := csvRow(t, n, header, cells, "")
	fromJSON, _ := la(t, n, js, "")
	if diff := cmp.Diff(fromJSON, fromCSV); diff != "" {
		t.Errorf("(-json +csv):\n%s", diff)
	}
}

// TestLogAnalyticsProjection: columns outside the projection are skipped,
// whatever their form, and the category is always set.
func TestLogAnalyticsProjection(t *testing.T) {
	n := NewNormalizer()
	n.Fields = event.NewFieldSet(event.FUserPrincipalName, event.FStatusErrorCode)
	n.KeepExtra = false
	got, problems := la(t, n, `{"UserPrincipalName":"a@b","IsInteractive":"maybe","AutonomousSystemNumber":"","ResourceId":"/tenants/x","Status":"{\"errorCode\":50126,\"failureReason\":\"x\"}","TenantId":"w","Type":"AADNonInteractiveUserSignInLogs"}`, "")
	if want := `{"category":"NonInteractiveUserSignInLogs","userPrincipalName":"a@b","status":{"errorCode":50126}}`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if len(problems) != 0 {
		t.Errorf("problems of skipped columns: %q", problems)
	}
}

// laCSVHeader is the header FuzzLogAnalytics cuts its CSV rows against.
var laCSVHeader = []string{"TimeGenerated [UTC]", "IsInteractive", "Status", "LocationDetails", "AuthenticationDetails", "AutonomousSystemNumber", "ResourceId", "Category", "Type"}

// FuzzLogAnalytics: no input panics, a record error's offset is within the
// record, and a problem's offset is within the record too. The same bytes
// are also read as a CSV row, split at commas.
func FuzzLogAnalytics(f *testing.F) {
	for _, file := range []string{"json_tables", "json_named_by_table"} {
		ar, err := txtar.ParseFile(filepath.Join("testdata", "shapes", "loganalytics_"+file+".txtar"))
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if af.Name == "input" {
				for _, line := range bytes.Split(af.Data, []byte("\n")) {
					f.Add(line, "")
				}
			}
		}
	}
	f.Add([]byte(`{"Status":"{\"errorCode\":\"1\"}","LocationDetails":"{\"geoCoordinates\":\"{}\"}","Type":"SigninLogs"}`), "")
	f.Add([]byte(`{"Id":"x"}`), "AADServicePrincipalSignInLogs")
	f.Add([]byte(`True,{"errorCode":1},[],,SigninLogs`), "IdentityInfo")
	f.Fuzz(func(t *testing.T, data []byte, table string) {
		n := NewNormalizer()
		var ev event.SignIn
		var row event.Row
		_, err := n.LogAnalytics(data, table, &ev, &row)
		var re *RecordError
		if err != nil && (!errors.As(err, &re) || re.Offset < 0 || re.Offset > len(data)) {
			t.Fatalf("error %v (%T) not a RecordError within %d bytes", err, err, len(data))
		}
		for _, p := range n.Problems() {
			if p.Offset < 0 || p.Offset > len(data) {
				t.Fatalf("problem %v at %d, outside %d bytes", p, p.Offset, len(data))
			}
		}
		_ = ev.AppendJSON(nil)

		cells := strings.Split(string(data), ",")
		for len(cells) < len(laCSVHeader) {
			cells = append(cells, "")
		}
		ev.Reset()
		_, err = n.LogAnalyticsCSV(laCSVHeader, cells[:len(laCSVHeader)], table, &ev, &row)
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("CSV error %v (%T) not a RecordError", err, err)
		}
		_ = ev.AppendJSON(nil)
	})
}
