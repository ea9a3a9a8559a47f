// Package spl is vigil's front-end for the Splunk Search Processing Language
// as Splunk ESCU detections use it: a macro expander, a hand-written parser
// producing an AST with a byte span on every node, a printer whose output
// parses back to the same tree, and Lower, which turns a parsed Search into
// the shared logical plan (package plan).
//
//	s, err := spl.Parse(text, macros)      // expand macros, then parse
//	n, err := spl.Lower(s, opts)           // fields, functions → plan.Node
//	n, err := spl.Compile(text, opts)      // both (opts.Macros expands)
//
// # Macros
//
// Backtick calls (`name` and `name(arg, …)`) are expanded textually before
// parsing, recursively, by Expand with a Macros set (Parse with nil
// macros knows none): Builtin holds ESCU's
// definitions (azure_monitor_aad, o365_graph, o365_management_activity,
// azure_audit, security_content_ctime(1), …) and answers every
// `<name>_filter` macro with an empty definition; user definitions (ESCU
// macros/*.yml files, macros.conf stanzas, see LoadMacroYAML,
// LoadMacrosConf and Macros.LoadFile) override them. Positions survive
// expansion: an error inside expanded text points at the outermost macro call
// of the original search.
//
// # Data model: SPL fields as plan columns
//
// A search reads one table, selected by the base search's `sourcetype=X`
// term (the table is named X, e.g. "azure:monitor:aad"). The table's
// columns are the event's fields under their flattened Splunk names
// (`properties.status.errorCode`, `properties.authenticationDetails{}.succeeded`),
// and a null value means that the event lacks the field. A multivalue field
// is a dynamic array value; every SPL function and comparison treats an
// array as the field's values. `_time` may be stored as a datetime (as
// schedules need it): the lowering converts it to epoch seconds (real)
// right after the scan, as SPL sees it. Scans keep nulls (plan.FillNull).
//
// Because a plan has a static schema while SPL fields come and go per event,
// the lowering tracks the columns of each step: a field that no column holds
// is null in every event, so a reference to it lowers to a null literal, a
// `rename` of it removes the target, and `stats … by` it gives no rows.
//
// # Semantics
//
// Lower applies SPL's rules through spl.* entries of the plan catalogue
// (base-search values compared ignoring case and with wildcards, numbers
// matching numeric strings, multivalue fields matching if any value does)
// and the SPL plan nodes (plan.FillNulls, plan.RenameFields, plan.EventStats,
// plan.Dedup, Aggregate with DropNullKeys and ExpandKeys). See SEMANTICS.md
// §C.5.
//
// Decisions where Splunk's documentation leaves room, each covered by a
// test: the base search's OR binds tighter than AND (as in Splunk);
// `f!=v` needs f to exist while `NOT f=v` does not; `index=` terms are left
// to the caller and `earliest=`/`latest=` terms are refused (the schedule
// sets the time range); fillnull's default value is the string "0";
// eventstats treats a multivalue BY field as one key; like() is
// case-sensitive, with % and _; sort orders values that read as numbers
// numerically, before text, and keeps 10000 rows unless given a count;
// `fields` keeps the internal _ fields; lookup keys compare as text,
// case-sensitively, the first matching lookup row wins, OUTPUT overwrites a
// field only for matching events and OUTPUTNEW fills only missing ones;
// bin needs span= (s m h d w units); spath needs a path.
//
// Errors are *diag.Error values with Lang "spl", positioned in the original
// search text (before macro expansion), with Source/Offset set for caret
// snippets, for example
//
//	1:10: spl: expected field name after 'by', found '|'
//
// Commands and functions that SPL has but vigil does not implement yet are
// reported as "not supported yet: <command>" (diag.IsUnsupported). Parse
// refuses texts over MaxSearchBytes and nesting deeper than MaxDepth.
//
// Files: macro.go (expansion and definitions), scan.go (character-level
// scanning), parser.go (commands), parse_expr.go (base search and eval
// expressions), ast.go (nodes), print.go (canonical printing), lower.go and
// lower_expr.go (lowering to the plan).
package spl
