package normalize

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"vigil/internal/event"
	"vigil/internal/jsontext"
)

// benchRecord returns an Azure Monitor sign-in record of about 4.7 KB, as
// real ones weigh: half of it conditional-access policies, with
// authentication details and processing details.
func benchRecord(i int) string {
	var policies strings.Builder
	names := []string{"Require MFA for all users", "Block legacy authentication", "Require compliant device for admins",
		"Block sign-ins from untrusted countries", "Session lifetime for unmanaged devices", "Require MFA for guests"}
	for j, n := range names {
		if j > 0 {
			policies.WriteByte(',')
		}
		fmt.Fprintf(&policies, `{"id":"7a1f%04d-0000-4000-8000-%012d","displayName":%q,"enforcedGrantControls":["Mfa","RequireCompliantDevice"],"enforcedSessionControls":["SignInFrequency"],"result":"notApplied","conditionsSatisfied":3,"conditionsNotSatisfied":16}`, j, i, n)
	}
	return fmt.Sprintf(`{"time":"2024-05-02T08:%02d:%02d.5520000Z","resourceId":"/tenants/5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60/providers/Microsoft.aadiam","operationName":"Sign-in activity","operationVersion":"1.0","category":"NonInteractiveUserSignInLogs","tenantId":"5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60","resultType":"0","resultSignature":"None","resultDescription":"","durationMs":0,"callerIpAddress":"198.51.%d.%d","correlationId":"c0ffee00-0000-4000-8000-%012d","identity":"User %d","Level":4,"location":"US","properties":{"id":"e1a00000-1111-4222-8333-%012d","createdDateTime":"2024-05-02T08:%02d:%02d.1234567+00:00","userDisplayName":"User %d","userPrincipalName":"user%d@contoso.example","userId":"2c1f4a9e-3b57-4d6e-8a0b-%012d","appId":"1fec8e78-bce4-4aaf-ab1b-5451cc387264","appDisplayName":"Microsoft Teams","ipAddress":"198.51.%d.%d","clientAppUsed":"Mobile Apps and Desktop clients","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.7.00.13456 Chrome/112.0.5615.165 Electron/24.3.0 Safari/537.36","correlationId":"c0ffee00-0000-4000-8000-%012d","conditionalAccessStatus":"success","originalRequestId":"0a1b2c3d-0000-4000-8000-%012d","isInteractive":false,"tokenIssuerName":"","tokenIssuerType":"AzureAD","processingTimeInMilliseconds":112,"riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none","riskEventTypes":[],"riskEventTypes_v2":[],"resourceDisplayName":"Microsoft Graph","resourceId":"00000003-0000-0000-c000-000000000000","resourceTenantId":"5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60","homeTenantId":"5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60","authenticationDetails":[{"authenticationStepDateTime":"2024-05-02T08:00:00Z","authenticationMethod":"Previously satisfied","succeeded":true,"authenticationStepResultDetail":"First factor requirement satisfied by claim in the token","authenticationStepRequirement":"Primary authentication","StatusSequence":0,"RequestSequence":0},{"authenticationStepDateTime":"2024-05-02T08:00:00Z","authenticationMethod":"Previously satisfied","succeeded":true,"authenticationStepResultDetail":"MFA requirement satisfied by claim in the token","authenticationStepRequirement":"Multi-factor authentication"}],"authenticationProcessingDetails":[{"key":"Legacy TLS (TLS 1.0, 1.1, 3DES)","value":"False"},{"key":"Is CAE Token","value":"True"},{"key":"Oauth Scope Info","value":"[\"Calendars.ReadWrite\",\"Files.ReadWrite.All\",\"Mail.ReadWrite\",\"User.Read\"]"}],"authenticationRequirement":"multiFactorAuthentication","authenticationProtocol":"none","originalTransferMethod":"none","incomingTokenType":"primaryRefreshToken","uniqueTokenIdentifier":"ZTE0OTk3YTQtZjg5Mi00YjBiLWIwNTEtZmViZTA1YzJhNDli","servicePrincipalId":"","userType":"Member","flaggedForReview":false,"isTenantRestricted":false,"autonomousSystemNumber":8075,"crossTenantAccessType":"none","status":{"errorCode":0,"additionalDetails":"MFA requirement satisfied by claim in the token"},"deviceDetail":{"deviceId":"9a8b7c6d-0000-4000-8000-%012d","displayName":"LAPTOP-%05d","operatingSystem":"Windows 10","browser":"Edge 124.0.0","isCompliant":true,"isManaged":true,"trustType":"Azure AD joined"},"location":{"city":"Seattle","state":"Washington","countryOrRegion":"US","geoCoordinates":{"latitude":47.6062,"longitude":-122.3321}},"appliedConditionalAccessPolicies":[%s],"networkLocationDetails":[{"networkType":"trustedNamedLocation","networkNames":["HQ egress"]}],"mfaDetail":{"authMethod":"PhoneAppNotification","authDetail":"+X XXXXXXXX97"}}}`,
		i/60%60, i%60, i/250%250, i%250, i, i%5000, i, i/60%60, i%60, i%5000, i%5000, i%5000, i/250%250, i%250, i, i, i%5000, i%5000, policies.String())
}

// BenchFields is the projection the benchmark measures: the canonical
// fields the five seed detections read.
var benchFields = event.NewFieldSet(
	event.FCategory, event.FTenantID, event.FRecordTime, event.FIngestTime, event.FOperationName, event.FResultType,
	event.FCallerIPAddress, event.FCreatedDateTime, event.FUserPrincipalName, event.FUserID, event.FUserType,
	event.FAppID, event.FAppDisplayName, event.FIPAddress, event.FClientAppUsed, event.FIsInteractive,
	event.FAuthenticationProtocol, event.FOriginalTransferMethod, event.FServicePrincipalID, event.FServicePrincipalName,
	event.FAutonomousSystemNumber, event.FStatusErrorCode, event.FStatusFailureReason, event.FStatusAdditionalDetails,
	event.FID,
)

func benchInput(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		b.WriteString(benchRecord(i))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkAzureMonitorNDJSON measures reading and normalizing Azure Monitor
// NDJSON on one goroutine: the splitter cuts records, the normalizer decodes
// them. "projected" decodes the fields the seed rules read, "full" every
// field and the unknown members.
func BenchmarkAzureMonitorNDJSON(b *testing.B) {
	const records = 5000
	in := benchInput(records)
	for _, bc := range []struct {
		name   string
		fields event.FieldSet
		extra  bool
	}{{"projected", benchFields, false}, {"full", event.AllFields, true}} {
		b.Run(bc.name, func(b *testing.B) {
			n := &Normalizer{Fields: bc.fields, KeepExtra: bc.extra}
			var ev event.SignIn
			var row event.Row
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				s := jsontext.NewSplitter(bytes.NewReader(in))
				for {
					rec, err := s.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					ev.Reset()
					if _, err := n.AzureMonitor(rec.Data, &ev, &row); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(len(in))/records, "B/record")
		})
	}
}

func TestBenchRecordIsRealistic(t *testing.T) {
	r := benchRecord(12345)
	if len(r) < 4000 || len(r) > 5500 {
		t.Errorf("record weighs %d bytes, want 4–5.5 KB", len(r))
	}
	n := NewNormalizer()
	var ev event.SignIn
	var row event.Row
	if _, err := n.AzureMonitor([]byte(r), &ev, &row); err != nil || len(n.Problems()) > 0 || len(ev.Extra) > 0 {
		t.Fatalf("err %v, problems %v, unknown members %v", err, n.Problems(), ev.Extra)
	}
}
