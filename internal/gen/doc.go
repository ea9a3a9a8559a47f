// Package gen generates a synthetic Entra ID tenant's sign-in logs, with
// labelled attack scenarios, in every export shape vigil reads.
//
// No public log holds the attacks vigil's detections look for, so gen makes
// them: a tenant of users (Tenant) working in their own time zones, signing
// in interactively a few times a day and non-interactively (token refreshes
// of Teams, Outlook, OneDrive, the browser, the broker) ten or more times as
// often, through real first-party applications, from corporate egress, home
// ISPs, mobile carriers and Microsoft's own network, with conditional-access
// policies, authentication details and now and then a failure with a real
// error code. Matching IdentityInfo and BehaviorAnalytics tables are written
// as Log Analytics JSON rows.
//
// Into that traffic Generate injects attack scenarios (consent phishing,
// MFA fatigue, token replay, device-code phishing) and near-misses that
// resemble them but must not raise an alert, and writes their ground truth
// to a label file (Label): for each labelled sign-in, the built-in rule that
// should fire on it, or "none".
//
// Output is deterministic for a seed (Options.Seed): every random choice
// comes from math/rand/v2 PCG sources seeded from it and from the user, day
// and hour at hand, so a run can be regenerated hour by hour without
// keeping anything in memory. Records are appended as JSON (or CSV) by hand
// into reused buffers and streamed to buffered, optionally gzip-compressed
// files: memory stays flat however many records are written.
//
// The files are written as each pipeline writes them (Shape), one file per
// day (and per category where the pipeline separates them):
//
//	graph             signIns-DATE.json, signIns-nonInteractive-DATE.json: Graph beta
//	                  API pages of up to 1000 sign-ins, newest first, each page with
//	                  the @odata.nextLink of the next
//	azmon             SignInLogs-DATE.json, NonInteractiveUserSignInLogs-DATE.json:
//	                  {"records":[…]} batches of 100, one a line, as Event Hubs deliver them
//	loganalytics      SigninLogs-DATE.json, AADNonInteractiveUserSignInLogs-DATE.json:
//	                  JSON arrays of rows with PascalCase, typed columns (dynamic
//	                  columns are objects in SigninLogs, JSON text in the other table)
//	loganalytics-csv  the same tables as the portal's CSV export
//	ecs               logs-azure.signinlogs-DATE.ndjson: documents as the Elastic
//	                  integration indexes them (snake_case properties, source.as.*,
//	                  event.ingested a little after @timestamp)
//
// plus IdentityInfo.json and BehaviorAnalytics.json (Log Analytics rows, one
// a line, with a Type column) and LabelFile, whose name starts with a dot so
// that "vigil hunt DIR" passes it over.
//
// What the labels promise. A label's Rule fires on its sign-in when the data
// is read in the rule's own source (Label.Source): the Splunk consent rule
// reads Azure Monitor records (a Graph export has no envelope, so its
// tenantId and callerIpAddress are missing there), the Sentinel MFA rule
// needs status.additionalDetails, which the Elastic pipeline folds into
// message. The background traffic is built not to trip the rules once the
// history windows are full: no background consent denial, MFA decline or
// device-code sign-in, and every user signs in with the same clients every
// working day. Before that, the new_terms rules (Elastic "unusual client"
// and "device code by unusual user") see every user and client for the
// first time and raise alerts that are not labelled: that is the rules'
// warm-up, not an attack; scenarios start after HistoryDays for that reason.
package gen
