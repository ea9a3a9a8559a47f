package schema

import (
	"strings"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// The Log Analytics tables of sign-ins.
const (
	SigninLogs                      = "SigninLogs"
	AADNonInteractiveUserSignInLogs = "AADNonInteractiveUserSignInLogs"
	AADServicePrincipalSignInLogs   = "AADServicePrincipalSignInLogs"
	AADManagedIdentitySignInLogs    = "AADManagedIdentitySignInLogs"
)

// TableOf returns the Log Analytics table a sign-in of category c is stored
// in, and false for CategoryOther. Microsoft's own service principals
// (MicrosoftServicePrincipalSignInLogs) have no table of their own in the
// Log Analytics reference: they are shown in AADServicePrincipalSignInLogs,
// keeping their Category, so that a query can still tell them apart.
func TableOf(c event.Category) (string, bool) {
	switch c {
	case event.CategorySignIn:
		return SigninLogs, true
	case event.CategoryNonInteractive:
		return AADNonInteractiveUserSignInLogs, true
	case event.CategoryServicePrincipal, event.CategoryMicrosoftServicePrincipal:
		return AADServicePrincipalSignInLogs, true
	case event.CategoryManagedIdentity:
		return AADManagedIdentitySignInLogs, true
	}
	return "", false
}

// signInTable is the definition of one sign-in view.
type signInTable struct {
	name    string
	schema  plan.Schema
	getters []getter
	needs   []Needs // what each column takes from a sign-in
}

// Column types are written as a compact list: "Name:type" (string when no
// type is given).
//
// Sources: the Log Analytics table reference (azure-monitor-ref/tables,
// 2024) and the table schemas the Azure-Sentinel repository validates its
// content against (.script/tests/KqlvalidationsTests/CustomTables), which
// list the newer Graph properties (OriginalTransferMethod, SessionId, …)
// and AADTenantId in AADNonInteractiveUserSignInLogs. Neither lists
// AADTenantId in the service-principal and managed-identity tables, so
// those views have none. TenantId, the workspace, is in every table.
// Hidden billing columns (_BilledSize, _IsBillable, _ResourceId, …) are
// left out: no input carries them. The order is ours: the envelope first,
// then the sign-in's columns alphabetically, Type last.
var (
	envelopeColumns = "TenantId SourceSystem TimeGenerated:datetime ResourceId OperationName OperationVersion Category ResultType ResultSignature ResultDescription DurationMs:long CorrelationId Resource ResourceGroup ResourceProvider Identity Level Location"

	signinLogsColumns = envelopeColumns + " AADTenantId AlternateSignInName AppDisplayName AppId AppOwnerTenantId AppliedConditionalAccessPolicies AppliedEventListeners:dynamic AuthenticationContextClassReferences AuthenticationDetails AuthenticationMethodsUsed AuthenticationProcessingDetails AuthenticationProtocol AuthenticationRequirement AuthenticationRequirementPolicies AutonomousSystemNumber ClientAppUsed ClientCredentialType ConditionalAccessAudiences ConditionalAccessPolicies:dynamic ConditionalAccessStatus CreatedDateTime:datetime CrossTenantAccessType DeviceDetail:dynamic FlaggedForReview:bool GlobalSecureAccessIpAddress HomeTenantId HomeTenantName Id IPAddress IPAddressFromResourceProvider IncomingTokenType IsInteractive:bool IsRisky:bool IsTenantRestricted:bool IsThroughGlobalSecureAccess:bool LocationDetails:dynamic MfaDetail:dynamic NetworkLocationDetails OriginalRequestId OriginalTransferMethod ProcessingTimeInMilliseconds ResourceDisplayName ResourceIdentity ResourceOwnerTenantId ResourceServicePrincipalId ResourceTenantId RiskDetail RiskEventTypes RiskEventTypes_V2 RiskLevel RiskLevelAggregated RiskLevelDuringSignIn RiskState ServicePrincipalId ServicePrincipalName SessionId SessionLifetimePolicies SignInEventTypes SignInIdentifier SignInIdentifierType Status:dynamic TokenIssuerName TokenIssuerType TokenProtectionStatusDetails UniqueTokenIdentifier UserAgent UserDisplayName UserId UserPrincipalName UserType Type"

	// As SigninLogs, but Status, DeviceDetail, LocationDetails,
	// ConditionalAccessPolicies and MfaDetail are JSON text; no
	// ResourceId, Resource, ResourceProvider, FlaggedForReview,
	// AppliedConditionalAccessPolicies, IPAddressFromResourceProvider,
	// RiskLevel, ServicePrincipalName, SignInIdentifier; processing time
	// is ProcessingTimeInMs.
	nonInteractiveColumns = "TenantId SourceSystem TimeGenerated:datetime OperationName OperationVersion Category ResultType ResultSignature ResultDescription DurationMs:long CorrelationId ResourceGroup Identity Level Location AADTenantId Agent AlternateSignInName AppDisplayName AppId AppOwnerTenantId AppliedEventListeners:dynamic AuthenticationContextClassReferences AuthenticationDetails AuthenticationMethodsUsed AuthenticationProcessingDetails AuthenticationProtocol AuthenticationRequirement AuthenticationRequirementPolicies AuthenticatorAppLocation AutonomousSystemNumber ClientAppUsed ClientCredentialType ClientSessionId ConditionalAccessAudiences ConditionalAccessPolicies ConditionalAccessStatus CreatedDateTime:datetime CrossTenantAccessType DeviceDetail FederatedCredentialId GlobalSecureAccessIpAddress HomeTenantId HomeTenantName Id IPAddress IncomingTokenType IsInteractive:bool IsRisky:bool IsTenantRestricted:bool IsThroughGlobalSecureAccess:bool LocationDetails MfaDetail NetworkLocationDetails OriginalRequestId OriginalTransferMethod ProcessingTimeInMs ResourceDisplayName ResourceIdentity ResourceOwnerTenantId ResourceServicePrincipalId ResourceTenantId RiskDetail RiskEventTypes RiskEventTypes_V2 RiskLevelAggregated RiskLevelDuringSignIn RiskState ServicePrincipalId SessionId SessionLifetimePolicies SignInEventTypes SignInIdentifierType Status TokenIssuerName TokenIssuerType TokenProtectionStatusDetails UniqueTokenIdentifier UserAgent UserDisplayName UserId UserPrincipalName UserType Type"

	// AADServicePrincipalSignInLogs and AADManagedIdentitySignInLogs.
	servicePrincipalColumns = "TenantId SourceSystem TimeGenerated:datetime OperationName OperationVersion Category ResultType ResultSignature ResultDescription DurationMs:long CorrelationId ResourceGroup Identity Level Location AppId AuthenticationContextClassReferences AuthenticationProcessingDetails ConditionalAccessPolicies ConditionalAccessStatus FederatedCredentialId Id IPAddress LocationDetails ResourceDisplayName ResourceIdentity ResourceServicePrincipalId ServicePrincipalCredentialKeyId ServicePrincipalCredentialThumbprint ServicePrincipalId ServicePrincipalName UniqueTokenIdentifier Type"
)

// signInTables are the four views, built once.
var signInTables = map[string]*signInTable{
	SigninLogs:                      newSignInTable(SigninLogs, signinLogsColumns),
	AADNonInteractiveUserSignInLogs: newSignInTable(AADNonInteractiveUserSignInLogs, nonInteractiveColumns),
	AADServicePrincipalSignInLogs:   newSignInTable(AADServicePrincipalSignInLogs, servicePrincipalColumns),
	AADManagedIdentitySignInLogs:    newSignInTable(AADManagedIdentitySignInLogs, servicePrincipalColumns),
}

// parseColumns reads a compact column list.
func parseColumns(list string) plan.Schema {
	var s plan.Schema
	for _, c := range strings.Fields(list) {
		name, typ, _ := strings.Cut(c, ":")
		t := plan.TypeString
		if typ != "" {
			var ok bool
			if t, ok = plan.ParseType(typ); !ok {
				panic("schema: bad column type in " + c) // programming error at init
			}
		}
		s = append(s, plan.Column{Name: name, Type: t})
	}
	return s
}

func newSignInTable(name, list string) *signInTable {
	t := &signInTable{name: name, schema: parseColumns(list)}
	for _, c := range t.schema {
		if c.Name == "Type" {
			v := event.String(name)
			t.getters = append(t.getters, func(*event.SignIn) event.Value { return v })
			t.needs = append(t.needs, Needs{})
			continue
		}
		src, ok := sources[c.Name]
		if !ok {
			panic("schema: no source for column " + name + "." + c.Name) // programming error at init
		}
		if src.special != nil && src.inputs == nil {
			panic("schema: no inputs declared for column " + name + "." + c.Name) // programming error at init
		}
		t.getters = append(t.getters, src.getter(c.Type))
		t.needs = append(t.needs, src.needs())
	}
	return t
}

// Needs returns what computing the columns cols of table takes from the
// sign-ins (see Needs). A sign-in view's columns come from canonical
// fields, groups of them, computed specials (each declares its inputs) or
// unknown members; a column the view does not have needs everything.
// Other tables (IdentityInfo, watchlists, …) are read as rows, which no
// projection touches: they need nothing. The time and category every
// view is ordered and split by are the caller's to add.
func (c *Catalog) Needs(table string, cols []string) Needs {
	t, ok := signInTables[table]
	if !ok {
		return Needs{}
	}
	var n Needs
	for _, col := range cols {
		i := t.schema.Index(col)
		if i < 0 {
			return AllNeeds
		}
		n.Add(t.needs[i])
	}
	return n
}

// fill writes the row of ev into row, which has one slot per column.
func (t *signInTable) fill(ev *event.SignIn, row []event.Value) {
	for i, g := range t.getters {
		row[i] = g(ev)
	}
}
