package normalize

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/event"
)

// ecs normalizes one Elastic document and renders what came out.
func ecs(t testing.TB, n *Normalizer, data string) (out string, problems []string) {
	t.Helper()
	var ev event.SignIn
	var row event.Row
	isRow, err := n.Elastic([]byte(data), &ev, &row)
	switch {
	case err != nil:
		return renderErr(err), renderProblems(n)
	case isRow:
		return renderRow(&row), renderProblems(n)
	}
	return render(&ev), renderProblems(n)
}

// TestSnakeCase: the ECS names of canonical fields are the pipeline's
// snake case of their Graph names, and camelCase undoes it for the keys the
// pipeline writes.
func TestSnakeCase(t *testing.T) {
	tests := []struct{ graph, ecs string }{
		{"userPrincipalName", "user_principal_name"},
		{"ipAddress", "ip_address"},
		{"riskEventTypes_v2", "risk_event_types_v2"},
		{"riskLevelDuringSignIn", "risk_level_during_sign_in"}, // renamed to …_signin afterwards
		{"IPAddress", "ipaddress"},
		{"homeTenantID", "home_tenant_id"},
		{"StatusSequence", "status_sequence"},
		{"id", "id"},
	}
	for _, tt := range tests {
		if got := snakeCase(tt.graph); got != tt.ecs {
			t.Errorf("snakeCase(%q) = %q, want %q", tt.graph, got, tt.ecs)
		}
		if got := snakeCase(camelCase(tt.ecs)); got != tt.ecs {
			t.Errorf("snakeCase(camelCase(%q)) = %q", tt.ecs, got)
		}
	}
	for _, k := range []string{"conditions_not_satisfied", "_x", "a_", "a__b", "risk_event_types_v2", "Is CAE Token", `q"_x`, "é_b"} {
		got, want := string(appendCamelQuoted(nil, []byte(k))), string(appendQuoted(nil, camelCase(k)))
		if got != want {
			t.Errorf("appendCamelQuoted(%q) = %s, want %s", k, got, want)
		}
	}
	if got := camelCase("conditions_not_satisfied"); got != "conditionsNotSatisfied" {
		t.Errorf("camelCase = %q", got)
	}
}

// doc wraps azure.signinlogs members in a document of the data stream.
func doc(signinlogs string) string {
	return `{"azure":{"signinlogs":{` + signinlogs + `}},"event":{"dataset":"azure.signinlogs"}}`
}

// props wraps azure.signinlogs.properties members in a document.
func props(properties string) string {
	return doc(`"category":"SignInLogs","properties":{` + properties + `}`)
}

const signIn = `{"category":"SignInLogs",`
const datasetKept = `"unknown":{"event.dataset":"azure.signinlogs"}}`

// TestElasticFields is the field map of an azure.signinlogs document.
func TestElasticFields(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"@timestamp is the record time, event.ingested the ingest time",
			`{"@timestamp":"2024-05-14T08:23:02.441Z","event":{"dataset":"azure.signinlogs","ingested":"2024-05-14T08:29:40Z","kind":"event"},"azure":{"signinlogs":{"category":"SignInLogs"}}}`,
			signIn + `"recordTime":"2024-05-14T08:23:02.441Z","ingestTime":"2024-05-14T08:29:40Z","unknown":{"event.dataset":"azure.signinlogs","event.kind":"event"}}`},
		{"event.duration in nanoseconds is durationMs",
			`{"event":{"duration":12000000},"azure":{"signinlogs":{"category":"SignInLogs"}}}`,
			signIn + `"durationMs":12}`},
		{"azure.signinlogs envelope members",
			doc(`"category":"NonInteractiveUserSignInLogs","operation_name":"Sign-in activity","operation_version":"1.0","result_type":"50126","result_signature":"None","result_description":"Invalid username or password.","identity":"Mara","caller_ip_address":"203.0.113.47"`),
			`{"category":"NonInteractiveUserSignInLogs","operationName":"Sign-in activity","operationVersion":"1.0","resultType":"50126","resultSignature":"None","resultDescription":"Invalid username or password.","callerIpAddress":"203.0.113.47","identity":"Mara",` + datasetKept},
		{"tenant, correlation and resource under azure",
			`{"azure":{"tenant_id":"t-1","correlation_id":"c-1","resource":{"id":"/tenants/t-1/providers/Microsoft.aadiam","provider":"Microsoft.aadiam"},"signinlogs":{"category":"SignInLogs"}}}`,
			signIn + `"tenantId":"t-1","recordResourceId":"/tenants/t-1/providers/Microsoft.aadiam","recordCorrelationId":"c-1","unknown":{"azure.resource.provider":"Microsoft.aadiam"}}`},
		{"log.level and geo.country_iso_code",
			`{"log":{"level":"4"},"geo":{"country_iso_code":"NL"},"azure":{"signinlogs":{"category":"SignInLogs"}}}`,
			signIn + `"level":"4","recordLocation":"NL"}`},
		{"geo is the sign-in's location; geo.country_name holds the state",
			`{"geo":{"city_name":"Utrecht","country_name":"Utrecht (province)","location":{"lat":52.09,"lon":5.12},"region_name":"x"},"azure":{"signinlogs":{"category":"SignInLogs"}}}`,
			signIn + `"location":{"city":"Utrecht","state":"Utrecht (province)","geoCoordinates":{"latitude":52.09,"longitude":5.12}},"unknown":{"geo.region_name":"x"}}`},
		{"user_agent.original is the user agent",
			`{"user_agent":{"original":"Mozilla/5.0","name":"Edge"},"azure":{"signinlogs":{"category":"SignInLogs"}}}`,
			signIn + `"userAgent":"Mozilla/5.0","unknown":{"user_agent.name":"Edge"}}`},
		{"properties in snake case",
			props(`"id":"s-1","user_principal_name":"mara@contoso.example","user_id":"u-1","user_display_name":"Mara","user_type":"Member","app_id":"a-1","app_display_name":"Azure CLI","client_app_used":"Mobile Apps and Desktop clients","is_interactive":true,"authentication_protocol":"deviceCode","original_transfer_method":"deviceCodeFlow","incoming_token_type":"none","token_issuer_type":"AzureAD","autonomous_system_number":1136,"cross_tenant_access_type":"none","home_tenant_id":"t-1","resource_tenant_id":"t-1","resource_id":"r-1","resource_display_name":"Microsoft Graph","service_principal_id":"sp-1","flagged_for_review":false,"is_tenant_restricted":false,"unique_token_identifier":"QUJD","original_request_id":"o-1","correlation_id":"c-1","conditional_access_status":"success","authentication_requirement":"singleFactorAuthentication"`),
			signIn + `"id":"s-1","userDisplayName":"Mara","userPrincipalName":"mara@contoso.example","userId":"u-1","userType":"Member","appId":"a-1","appDisplayName":"Azure CLI","clientAppUsed":"Mobile Apps and Desktop clients","correlationId":"c-1","conditionalAccessStatus":"success","originalRequestId":"o-1","isInteractive":true,"authenticationProtocol":"deviceCode","incomingTokenType":"none","originalTransferMethod":"deviceCodeFlow","tokenIssuerType":"AzureAD","resourceDisplayName":"Microsoft Graph","resourceId":"r-1","resourceTenantId":"t-1","homeTenantId":"t-1","uniqueTokenIdentifier":"QUJD","authenticationRequirement":"singleFactorAuthentication","servicePrincipalId":"sp-1","flaggedForReview":false,"isTenantRestricted":false,"autonomousSystemNumber":1136,"crossTenantAccessType":"none",` + datasetKept},
		{"the pipeline's renames: created_at, processing_time_ms, risk_level_during_signin",
			props(`"created_at":"2024-05-14T08:20:51.1234567+00:00","processing_time_ms":187,"risk_level_during_signin":"none","risk_level_aggregated":"none","risk_state":"none","risk_detail":"none","risk_event_types_v2":["unfamiliarFeatures"]`),
			signIn + `"createdDateTime":"2024-05-14T08:20:51.1234567Z","processingTimeInMilliseconds":187,"riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none","riskEventTypes_v2":["unfamiliarFeatures"],` + datasetKept},
		{"status.error_code; the failure reason only in message",
			props(`"status":{"error_code":500121}`)[:len(props(`"status":{"error_code":500121}`))-1] + `,"message":"Authentication failed during strong authentication request. (MFA denied; user declined the authentication)"}`,
			signIn + `"status":{"errorCode":500121},"unknown":{"event.dataset":"azure.signinlogs","message":"Authentication failed during strong authentication request. (MFA denied; user declined the authentication)"}}`},
		{"status members an older pipeline kept",
			props(`"status":{"error_code":50126,"failure_reason":"Invalid username or password.","additional_details":"x"}`),
			signIn + `"status":{"errorCode":50126,"failureReason":"Invalid username or password.","additionalDetails":"x"},` + datasetKept},
		{"device_detail",
			props(`"device_detail":{"browser":"Edge 18.19042","device_id":"d-1","display_name":"NB-07","is_compliant":true,"is_managed":true,"operating_system":"Windows 10","trust_type":"Azure AD joined"}`),
			signIn + `"deviceDetail":{"deviceId":"d-1","displayName":"NB-07","operatingSystem":"Windows 10","browser":"Edge 18.19042","isCompliant":true,"isManaged":true,"trustType":"Azure AD joined"},` + datasetKept},
		{"arrays of objects come back with camel-case keys",
			props(`"applied_conditional_access_policies":[{"conditions_not_satisfied":0,"display_name":"Require MFA","enforced_grant_controls":["Mfa"],"id":"p-1","result":"success"}],"authentication_details":[{"authentication_step_date_time":"2024-05-14T08:21:30Z","status_sequence":0,"succeeded":false}]`),
			signIn + `"appliedConditionalAccessPolicies":[{"conditionsNotSatisfied":0,"displayName":"Require MFA","enforcedGrantControls":["Mfa"],"id":"p-1","result":"success"}],"authenticationDetails":[{"authenticationStepDateTime":"2024-05-14T08:21:30Z","statusSequence":0,"succeeded":false}],` + datasetKept},
		{"authentication_processing_details: the pipeline's map back to [{key, value}]",
			props(`"authentication_processing_details":{"Legacy TLS (TLS 1.0, 1.1, 3DES)":"False","Is CAE Token":"True"}`),
			signIn + `"authenticationProcessingDetails":[{"key":"Legacy TLS (TLS 1.0, 1.1, 3DES)","value":"False"},{"key":"Is CAE Token","value":"True"}],` + datasetKept},
		{"ipAddress from properties wins over source.address",
			`{"source":{"address":"192.0.2.1","ip":"192.0.2.1"},"azure":{"signinlogs":{"category":"SignInLogs","properties":{"ip_address":"203.0.113.47"}}}}`,
			signIn + `"ipAddress":"203.0.113.47","unknown":{"source":{"address":"192.0.2.1","ip":"192.0.2.1"}}}`},
		{"ipAddress from source.address when properties have none",
			`{"azure":{"signinlogs":{"category":"SignInLogs","properties":{"id":"s-1"}}},"source":{"ip":"203.0.113.47","address":"203.0.113.47","as":{"number":1136}}}`,
			signIn + `"id":"s-1","ipAddress":"203.0.113.47","unknown":{"source":{"ip":"203.0.113.47","address":"203.0.113.47","as":{"number":1136}}}}`},
		{"derived ECS fields are unknown members",
			`{"azure":{"signinlogs":{"category":"SignInLogs"}},"user":{"name":"mara","domain":"contoso.example"},"related":{"ip":["203.0.113.47"]},"cloud":{"provider":"azure"},"ecs":{"version":"8.11.0"},"tags":["preserve_original_event"],"data_stream":{"dataset":"azure.signinlogs","namespace":"default"}}`,
			signIn + `"unknown":{"user":{"name":"mara","domain":"contoso.example"},"related":{"ip":["203.0.113.47"]},"cloud":{"provider":"azure"},"ecs":{"version":"8.11.0"},"tags":["preserve_original_event"],"data_stream.dataset":"azure.signinlogs","data_stream.namespace":"default"}}`},
		{"no category: decided from is_interactive",
			`{"event":{"dataset":"azure.signinlogs"},"azure":{"signinlogs":{"properties":{"is_interactive":false}}}}`,
			`{"category":"NonInteractiveUserSignInLogs","isInteractive":false,` + datasetKept},
		{"a category the pipeline accepts but vigil does not know is kept",
			doc(`"category":"ADFSSignInLogs"`),
			`{"category":"ADFSSignInLogs",` + datasetKept},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := ecs(t, n, tt.in)
			if len(problems) > 0 {
				t.Errorf("problems: %q", problems)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestElasticDocuments: _source or a search hit, the data stream, and
// documents that are no sign-ins.
func TestElasticDocuments(t *testing.T) {
	source := `{"@timestamp":"2024-05-14T11:04:09Z","azure":{"signinlogs":{"category":"SignInLogs","properties":{"id":"s-1"}}},"event":{"dataset":"azure.signinlogs"}}`
	tests := []struct {
		name, in, want string
	}{
		{"a _source document", source,
			signIn + `"recordTime":"2024-05-14T11:04:09Z","id":"s-1",` + datasetKept},
		{"a search hit: _source unwrapped, the hit's members kept",
			`{"_index":".ds-logs-azure.signinlogs-default-2024.05.14-000001","_id":"QmRj","_score":1.0,"_source":` + source + `}`,
			signIn + `"recordTime":"2024-05-14T11:04:09Z","id":"s-1","unknown":{"_index":".ds-logs-azure.signinlogs-default-2024.05.14-000001","_id":"QmRj","_score":1.0,"event.dataset":"azure.signinlogs"}}`},
		{"a hit with _source first",
			`{"_source":` + source + `,"_id":"QmRj"}`,
			signIn + `"recordTime":"2024-05-14T11:04:09Z","id":"s-1","unknown":{"event.dataset":"azure.signinlogs","_id":"QmRj"}}`},
		{"another dataset is a row of that dataset",
			`{"@timestamp":"2024-05-14T12:00:00Z","azure":{"activitylogs":{"operation_name":"MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE"}},"event":{"dataset":"azure.activitylogs"}}`,
			`row of azure.activitylogs: @timestamp="2024-05-14T12:00:00Z" azure={"activitylogs":{"operation_name":"MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE"}} event={"dataset":"azure.activitylogs"}`},
		{"another dataset named by data_stream.dataset, in a hit",
			`{"_id":"x","_source":{"data_stream":{"dataset":"azure.auditlogs","type":"logs"},"message":"m"}}`,
			`row of azure.auditlogs: _id="x" data_stream={"dataset":"azure.auditlogs","type":"logs"} message="m"`},
		{"no dataset but azure.signinlogs: a sign-in",
			`{"azure":{"signinlogs":{"category":"ServicePrincipalSignInLogs"}}}`,
			`{"category":"ServicePrincipalSignInLogs"}`},
		{"no dataset and nothing of a sign-in",
			`{"message":"hello"}`,
			`error at byte 0: the document has no event.dataset, no data_stream.dataset and no azure.signinlogs fields`},
		{"malformed JSON", `{"azure":{"signinlogs":{"category":"SignInLogs"}}`,
			`error at byte 49: malformed JSON: unexpected end of input, want ',' or '}'`},
		{"malformed JSON inside an array member",
			props(`"applied_conditional_access_policies":[{"id":"p-1",}]`),
			`error at byte 113: malformed JSON: unexpected '}', want a value after ','`},
		{"not an object", `"azure.signinlogs"`,
			`error at byte 0: the record is a JSON string, not an object`},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := ecs(t, n, tt.in)
			if len(problems) > 0 {
				t.Errorf("problems: %q", problems)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestElasticProblems: members of the wrong type are problems with their
// full path in the document, kept as unknown members.
func TestElasticProblems(t *testing.T) {
	tests := []struct {
		name, in, want string
		problems       []string
	}{
		{"an error code as text",
			props(`"status":{"error_code":"500121"}`),
			signIn + `"unknown":{"azure.signinlogs.properties.status.error_code":"500121","event.dataset":"azure.signinlogs"}}`,
			[]string{`byte 85: azure.signinlogs.properties.status.error_code: want an integer, got string "500121"`}},
		{"a boolean as text",
			props(`"is_interactive":"True"`),
			signIn + `"unknown":{"azure.signinlogs.properties.is_interactive":"True","event.dataset":"azure.signinlogs"}}`,
			[]string{`byte 79: azure.signinlogs.properties.is_interactive: want true or false, got string "True"`}},
		{"policies that are not an array",
			props(`"applied_conditional_access_policies":"none"`),
			signIn + `"unknown":{"azure.signinlogs.properties.applied_conditional_access_policies":"none","event.dataset":"azure.signinlogs"}}`,
			[]string{`byte 100: azure.signinlogs.properties.applied_conditional_access_policies: want an array or object, got string "none"`}},
		{"a time that is not one",
			`{"@timestamp":"now","azure":{"signinlogs":{"category":"SignInLogs"}}}`,
			signIn + `"unknown":{"@timestamp":"now"}}`,
			[]string{`byte 14: @timestamp: want a time, got string "now"`}},
	}
	n := NewNormalizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := ecs(t, n, tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestElasticProjection: members outside the projection are skipped,
// source.address included.
func TestElasticProjection(t *testing.T) {
	n := NewNormalizer()
	n.Fields = event.NewFieldSet(event.FUserPrincipalName, event.FStatusErrorCode)
	n.KeepExtra = false
	got, problems := ecs(t, n, `{"source":{"address":"192.0.2.1"},"event":{"dataset":"azure.signinlogs","duration":"x"},"azure":{"signinlogs":{"category":"SignInLogs","properties":{"user_principal_name":"a@b","is_interactive":"True","applied_conditional_access_policies":[{"display_name":"x"}],"authentication_processing_details":{"k":"v"},"status":{"error_code":0}}}}}`)
	if want := `{"category":"SignInLogs","userPrincipalName":"a@b","status":{"errorCode":0}}`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if len(problems) != 0 {
		t.Errorf("problems of skipped members: %q", problems)
	}
}

// FuzzElastic: no input panics, and a record error's or a problem's offset
// is within the record.
func FuzzElastic(f *testing.F) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "shapes", "elastic_documents.txtar"))
	if err != nil {
		f.Fatal(err)
	}
	for _, af := range ar.Files {
		if af.Name == "input" {
			for _, line := range bytes.Split(af.Data, []byte("\n")) {
				f.Add(line)
			}
		}
	}
	f.Add([]byte(props(`"authentication_processing_details":{"a":[1,{"b_c":2}]},"risk_event_types_v2":"x"`)))
	f.Add([]byte(`{"_source":{"_source":{"event":{"dataset":"azure.activitylogs"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := NewNormalizer()
		var ev event.SignIn
		var row event.Row
		_, err := n.Elastic(data, &ev, &row)
		var re *RecordError
		if err != nil && (!errors.As(err, &re) || re.Offset < 0 || re.Offset > len(data)) {
			t.Fatalf("error %v (%T) not a RecordError within %d bytes", err, err, len(data))
		}
		for _, p := range n.Problems() {
			if p.Offset < 0 || p.Offset > len(data) || !strings.Contains(p.Error(), ":") {
				t.Fatalf("problem %v at %d, outside %d bytes", p, p.Offset, len(data))
			}
		}
		_ = ev.AppendJSON(nil)
	})
}
