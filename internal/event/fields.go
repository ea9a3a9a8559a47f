package event

// Field identifies one typed field of the canonical sign-in event. Its Name is
// the property path of the Microsoft Graph beta signIn resource
// ("userPrincipalName", "status.errorCode"), or for the facts a Graph object
// does not carry, the names of the diagnostic-record envelope ("category",
// "tenantId", "recordTime", …).
type Field uint8

// FieldType is how a field's value is stored and rendered.
type FieldType uint8

// The field types.
const (
	FString FieldType = iota // text
	FEnum                    // text from an open set of literals, kept as the source spelled it
	FInt                     // 64-bit integer
	FReal                    // float64
	FBool                    // true/false
	FTime                    // instant (UTC nanoseconds) plus the literal the source wrote
	FJSON                    // an array or object kept as its JSON text
)

var fieldTypeNames = [...]string{"string", "enum", "int", "real", "bool", "time", "json"}

func (t FieldType) String() string { return fieldTypeNames[t] }

// The canonical fields. The order is the order of JSON output.
const (
	// Envelope facts.
	FCategory            Field = iota // category (the log category, also Category)
	FTenantID                         // tenantId
	FRecordTime                       // recordTime: diagnostic record "time" / Log Analytics TimeGenerated / Elastic @timestamp
	FIngestTime                       // ingestTime: Elastic event.ingested
	FOperationName                    // operationName
	FOperationVersion                 // operationVersion
	FResultType                       // resultType (the error code as text, as the envelope writes it)
	FResultSignature                  // resultSignature
	FResultDescription                // resultDescription
	FDurationMs                       // durationMs
	FCallerIPAddress                  // callerIpAddress
	FIdentity                         // identity
	FLevel                            // level (text: sources write 4 or "4")
	FRecordLocation                   // recordLocation: envelope "location" / Log Analytics Location (country code)
	FRecordResourceID                 // recordResourceId: envelope "resourceId" (/tenants/…/providers/Microsoft.aadiam)
	FRecordCorrelationID              // recordCorrelationId: envelope "correlationId"

	// Graph beta signIn properties.
	FID
	FCreatedDateTime
	FUserDisplayName
	FUserPrincipalName
	FUserID
	FUserType
	FAppID
	FAppDisplayName
	FIPAddress
	FIPAddressFromResourceProvider
	FClientAppUsed
	FUserAgent
	FCorrelationID
	FConditionalAccessStatus
	FOriginalRequestID
	FIsInteractive
	FAuthenticationProtocol
	FIncomingTokenType
	FOriginalTransferMethod
	FTokenIssuerName
	FTokenIssuerType
	FClientCredentialType
	FProcessingTimeInMilliseconds
	FRiskDetail
	FRiskLevelAggregated
	FRiskLevelDuringSignIn
	FRiskState
	FRiskEventTypes
	FRiskEventTypesV2
	FResourceDisplayName
	FResourceID
	FResourceTenantID
	FHomeTenantID
	FHomeTenantName
	FUniqueTokenIdentifier
	FSessionID
	FAuthenticationRequirement
	FSignInIdentifier
	FSignInIdentifierType
	FAlternateSignInName
	FServicePrincipalID
	FServicePrincipalName
	FServicePrincipalCredentialKeyID
	FServicePrincipalCredentialThumbprint
	FFederatedCredentialID
	FAppOwnerTenantID
	FResourceOwnerTenantID
	FFlaggedForReview
	FIsTenantRestricted
	FIsThroughGlobalSecureAccess
	FGlobalSecureAccessIPAddress
	FAutonomousSystemNumber
	FCrossTenantAccessType
	FSSOExtensionVersion
	FSignInEventTypes
	FStatusErrorCode
	FStatusFailureReason
	FStatusAdditionalDetails
	FDeviceID
	FDeviceDisplayName
	FDeviceOperatingSystem
	FDeviceBrowser
	FDeviceIsCompliant
	FDeviceIsManaged
	FDeviceTrustType
	FLocationCity
	FLocationState
	FLocationCountryOrRegion
	FLocationLatitude
	FLocationLongitude
	FLocationAltitude
	FAppliedConditionalAccessPolicies
	FAuthenticationDetails
	FAuthenticationProcessingDetails
	FAuthenticationRequirementPolicies
	FAuthenticationMethodsUsed
	FAuthenticationContextClassReferences
	FNetworkLocationDetails
	FSessionLifetimePolicies
	FAppliedEventListeners
	FMfaDetail
	FPrivateLinkDetails
	FManagedServiceIdentity
	FAuthenticationAppDeviceDetails
	FAuthenticationAppPolicyEvaluationDetails
	FTokenProtectionStatusDetails
	FConditionalAccessAudiences

	// NumFields is the number of canonical fields.
	NumFields
)

// FieldInfo describes a canonical field.
type FieldInfo struct {
	Name string    // path, "." between object levels: "status.errorCode"
	Type FieldType // storage and rendering
}

var fieldInfo = [NumFields]FieldInfo{
	FCategory:                                 {"category", FEnum},
	FTenantID:                                 {"tenantId", FString},
	FRecordTime:                               {"recordTime", FTime},
	FIngestTime:                               {"ingestTime", FTime},
	FOperationName:                            {"operationName", FString},
	FOperationVersion:                         {"operationVersion", FString},
	FResultType:                               {"resultType", FString},
	FResultSignature:                          {"resultSignature", FString},
	FResultDescription:                        {"resultDescription", FString},
	FDurationMs:                               {"durationMs", FInt},
	FCallerIPAddress:                          {"callerIpAddress", FString},
	FIdentity:                                 {"identity", FString},
	FLevel:                                    {"level", FString},
	FRecordLocation:                           {"recordLocation", FString},
	FRecordResourceID:                         {"recordResourceId", FString},
	FRecordCorrelationID:                      {"recordCorrelationId", FString},
	FID:                                       {"id", FString},
	FCreatedDateTime:                          {"createdDateTime", FTime},
	FUserDisplayName:                          {"userDisplayName", FString},
	FUserPrincipalName:                        {"userPrincipalName", FString},
	FUserID:                                   {"userId", FString},
	FUserType:                                 {"userType", FEnum},
	FAppID:                                    {"appId", FString},
	FAppDisplayName:                           {"appDisplayName", FString},
	FIPAddress:                                {"ipAddress", FString},
	FIPAddressFromResourceProvider:            {"ipAddressFromResourceProvider", FString},
	FClientAppUsed:                            {"clientAppUsed", FString},
	FUserAgent:                                {"userAgent", FString},
	FCorrelationID:                            {"correlationId", FString},
	FConditionalAccessStatus:                  {"conditionalAccessStatus", FEnum},
	FOriginalRequestID:                        {"originalRequestId", FString},
	FIsInteractive:                            {"isInteractive", FBool},
	FAuthenticationProtocol:                   {"authenticationProtocol", FEnum},
	FIncomingTokenType:                        {"incomingTokenType", FEnum},
	FOriginalTransferMethod:                   {"originalTransferMethod", FEnum},
	FTokenIssuerName:                          {"tokenIssuerName", FString},
	FTokenIssuerType:                          {"tokenIssuerType", FEnum},
	FClientCredentialType:                     {"clientCredentialType", FEnum},
	FProcessingTimeInMilliseconds:             {"processingTimeInMilliseconds", FInt},
	FRiskDetail:                               {"riskDetail", FEnum},
	FRiskLevelAggregated:                      {"riskLevelAggregated", FEnum},
	FRiskLevelDuringSignIn:                    {"riskLevelDuringSignIn", FEnum},
	FRiskState:                                {"riskState", FEnum},
	FRiskEventTypes:                           {"riskEventTypes", FJSON},
	FRiskEventTypesV2:                         {"riskEventTypes_v2", FJSON},
	FResourceDisplayName:                      {"resourceDisplayName", FString},
	FResourceID:                               {"resourceId", FString},
	FResourceTenantID:                         {"resourceTenantId", FString},
	FHomeTenantID:                             {"homeTenantId", FString},
	FHomeTenantName:                           {"homeTenantName", FString},
	FUniqueTokenIdentifier:                    {"uniqueTokenIdentifier", FString},
	FSessionID:                                {"sessionId", FString},
	FAuthenticationRequirement:                {"authenticationRequirement", FEnum},
	FSignInIdentifier:                         {"signInIdentifier", FString},
	FSignInIdentifierType:                     {"signInIdentifierType", FEnum},
	FAlternateSignInName:                      {"alternateSignInName", FString},
	FServicePrincipalID:                       {"servicePrincipalId", FString},
	FServicePrincipalName:                     {"servicePrincipalName", FString},
	FServicePrincipalCredentialKeyID:          {"servicePrincipalCredentialKeyId", FString},
	FServicePrincipalCredentialThumbprint:     {"servicePrincipalCredentialThumbprint", FString},
	FFederatedCredentialID:                    {"federatedCredentialId", FString},
	FAppOwnerTenantID:                         {"appOwnerTenantId", FString},
	FResourceOwnerTenantID:                    {"resourceOwnerTenantId", FString},
	FFlaggedForReview:                         {"flaggedForReview", FBool},
	FIsTenantRestricted:                       {"isTenantRestricted", FBool},
	FIsThroughGlobalSecureAccess:              {"isThroughGlobalSecureAccess", FBool},
	FGlobalSecureAccessIPAddress:              {"globalSecureAccessIpAddress", FString},
	FAutonomousSystemNumber:                   {"autonomousSystemNumber", FInt},
	FCrossTenantAccessType:                    {"crossTenantAccessType", FEnum},
	FSSOExtensionVersion:                      {"ssoExtensionVersion", FString},
	FSignInEventTypes:                         {"signInEventTypes", FJSON},
	FStatusErrorCode:                          {"status.errorCode", FInt},
	FStatusFailureReason:                      {"status.failureReason", FString},
	FStatusAdditionalDetails:                  {"status.additionalDetails", FString},
	FDeviceID:                                 {"deviceDetail.deviceId", FString},
	FDeviceDisplayName:                        {"deviceDetail.displayName", FString},
	FDeviceOperatingSystem:                    {"deviceDetail.operatingSystem", FString},
	FDeviceBrowser:                            {"deviceDetail.browser", FString},
	FDeviceIsCompliant:                        {"deviceDetail.isCompliant", FBool},
	FDeviceIsManaged:                          {"deviceDetail.isManaged", FBool},
	FDeviceTrustType:                          {"deviceDetail.trustType", FString},
	FLocationCity:                             {"location.city", FString},
	FLocationState:                            {"location.state", FString},
	FLocationCountryOrRegion:                  {"location.countryOrRegion", FString},
	FLocationLatitude:                         {"location.geoCoordinates.latitude", FReal},
	FLocationLongitude:                        {"location.geoCoordinates.longitude", FReal},
	FLocationAltitude:                         {"location.geoCoordinates.altitude", FReal},
	FAppliedConditionalAccessPolicies:         {"appliedConditionalAccessPolicies", FJSON},
	FAuthenticationDetails:                    {"authenticationDetails", FJSON},
	FAuthenticationProcessingDetails:          {"authenticationProcessingDetails", FJSON},
	FAuthenticationRequirementPolicies:        {"authenticationRequirementPolicies", FJSON},
	FAuthenticationMethodsUsed:                {"authenticationMethodsUsed", FJSON},
	FAuthenticationContextClassReferences:     {"authenticationContextClassReferences", FJSON},
	FNetworkLocationDetails:                   {"networkLocationDetails", FJSON},
	FSessionLifetimePolicies:                  {"sessionLifetimePolicies", FJSON},
	FAppliedEventListeners:                    {"appliedEventListeners", FJSON},
	FMfaDetail:                                {"mfaDetail", FJSON},
	FPrivateLinkDetails:                       {"privateLinkDetails", FJSON},
	FManagedServiceIdentity:                   {"managedServiceIdentity", FJSON},
	FAuthenticationAppDeviceDetails:           {"authenticationAppDeviceDetails", FJSON},
	FAuthenticationAppPolicyEvaluationDetails: {"authenticationAppPolicyEvaluationDetails", FJSON},
	FTokenProtectionStatusDetails:             {"tokenProtectionStatusDetails", FJSON},
	FConditionalAccessAudiences:               {"conditionalAccessAudiences", FJSON},
}

// Info returns the description of f.
func (f Field) Info() FieldInfo { return fieldInfo[f] }

// Name returns the canonical path of f.
func (f Field) String() string { return fieldInfo[f].Name }

var fieldByName = func() map[string]Field {
	m := make(map[string]Field, NumFields)
	for f := Field(0); f < NumFields; f++ {
		m[fieldInfo[f].Name] = f
	}
	return m
}()

// FieldByName returns the field whose canonical path is name.
func FieldByName(name string) (Field, bool) {
	f, ok := fieldByName[name]
	return f, ok
}

// FieldSet is a set of fields, used for presence and for projections (the
// fields a hunt needs decoded).
type FieldSet [2]uint64

// AllFields is the set of every field.
var AllFields = func() (s FieldSet) {
	for f := Field(0); f < NumFields; f++ {
		s.Add(f)
	}
	return
}()

// Add puts f in the set.
func (s *FieldSet) Add(f Field) { s[f>>6] |= 1 << (f & 63) }

// Remove takes f out of the set.
func (s *FieldSet) Remove(f Field) { s[f>>6] &^= 1 << (f & 63) }

// Has reports whether f is in the set.
func (s FieldSet) Has(f Field) bool { return s[f>>6]&(1<<(f&63)) != 0 }

// NewFieldSet returns the set of the given fields.
func NewFieldSet(fs ...Field) FieldSet {
	var s FieldSet
	for _, f := range fs {
		s.Add(f)
	}
	return s
}

// AddSet puts every field of o in the set.
func (s *FieldSet) AddSet(o FieldSet) {
	for i := range s {
		s[i] |= o[i]
	}
}
