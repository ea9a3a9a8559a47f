// Package output writes a hunt's alerts in the formats of
// `vigil hunt --format`: the terminal [Table] grouped by rule and severity,
// [JSONL] (the alert's own JSON lines form, [alert.Alert.AppendJSON]), a
// [CSV] timeline safe to open in a spreadsheet, and [OCSF] Detection
// Findings (class_uid 2004), one JSON object per line.
//
// [Write] picks the writer for a [Format]; [Options] carries what some
// formats need (colour and width for the table, vigil's version for OCSF).
// The JSON lines writers stream one alert at a time ([AppendOCSF] is the
// per-alert form); the table groups and the CSV timeline sorts, so they look
// at every alert first. No writer modifies the alerts or their order in the
// caller's slice.
package output
