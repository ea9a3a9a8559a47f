// Package schema holds the Microsoft Sentinel views of vigil: the tables a
// Kusto query reads, with the columns and types Log Analytics has.
//
// Catalog (built by New from canonical sign-ins and exported table rows)
// implements exec.Catalog and plan.Resolver. Its sign-in views show every
// canonical event (event.SignIn), whatever shape it was read from, as a row
// of the table of its log category (TableOf): SigninLogs,
// AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs or
// AADManagedIdentitySignInLogs. Rows read from Log Analytics exports
// (event.Row) are tables of their own name: IdentityInfo and
// BehaviorAnalytics with their documented column types, any other table
// (a watchlist, AuditLogs) with types inferred from its values.
// Catalog.Window restricts every table to a TimeGenerated window, as a
// Sentinel scheduled run does.
//
// Column rules of the sign-in views (SEMANTICS.md §A.2, §A.3):
//
//   - Values come from the event's typed fields; dynamic columns are parsed
//     from the JSON text the event stores, or assembled from its fields
//     (Status, DeviceDetail, LocationDetails), leaving out absent and null
//     members so that every shape renders alike.
//   - Types are per table: Status, DeviceDetail, LocationDetails,
//     ConditionalAccessPolicies and MfaDetail are dynamic in SigninLogs
//     and JSON text in the other tables; AuthenticationDetails,
//     AutonomousSystemNumber and ResultType are strings everywhere.
//   - String columns are never null: a missing value is "". Columns of
//     other types are null when the event does not fill them, or when a
//     value does not convert (the normalizer has reported such values).
//   - TimeGenerated is the record time, else createdDateTime; ResultType is
//     resultType, else status.errorCode as text; UserType is Member/Guest
//     capitalised; AADTenantId is the Entra tenant, TenantId the workspace
//     (only a Log Analytics export knows it); Location falls back to
//     location.countryOrRegion, ResultDescription to status.failureReason,
//     OperationName to "Sign-in activity".
//   - Columns with no canonical field (TenantId, SourceSystem, IsRisky,
//     ResourceServicePrincipalId, …) are read from the event's unknown
//     members: the column as a Log Analytics export named it, else the
//     Graph member or the Azure Monitor properties member.
package schema
