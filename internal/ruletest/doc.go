// Package ruletest runs detection fixtures: unit tests for rules, written by
// the people who write the rules. The built-in pack's own fixtures
// (rules/testdata/FORMAT/*.txtar) are run by `go test ./internal/engine` and
// by `vigil rules test`; detection engineers run theirs with
// `vigil rules test --rules MYRULES MYFIXTURES` in their CI.
//
// # Fixture format
//
// A fixture is a txtar archive, as Go's own tests write them: free text up to
// the first file header, then files, each introduced by a line
// "-- NAME --". The free text says what the fixture is about. The files:
//
//	rule            the id of the rule under test (one line)
//	input/NAME      an input file, in any export shape `vigil hunt` reads
//	                (Graph, Azure Monitor, Log Analytics JSON or CSV,
//	                Elastic documents); several are read in name order, and
//	                rows of tables (IdentityInfo, BehaviorAnalytics, …)
//	                go with them as in a hunt
//	table NAME=input/FILE
//	                (an empty file) the rows of input/FILE, which carry no
//	                Type column, belong to table NAME, as with
//	                `vigil hunt --table`
//	want.jsonl      the alerts the rule must raise over the inputs, one
//	                JSON object per line, in the order of the alerts (by
//	                time, then rule); empty when the rule must raise nothing
//
// Each line of want.jsonl is compared with the alert in the same place as
// a subset: only the members the line names are compared, objects inside are
// compared the same way, arrays element by element (their lengths must
// agree), and numbers, strings, booleans and null must be equal. So a
// fixture states what matters about an alert ({"severity":"medium",
// "entities":[{"value":"alice@contoso.com"}]}) and survives changes to the
// rest. The alerts are the objects `vigil hunt --output` writes; the file of
// their evidence is the input's name in the fixture ("input/signins.json").
//
// Every problem met while reading the inputs fails the fixture: a fixture's
// data is meant to be clean.
//
// # Running
//
// Parse (or ParseFile, Find, Builtin) reads fixtures; Run hunts a fixture's
// inputs with the rule of its id from an engine.RuleSet and returns a
// Result: whether it passed, and if not, a Diff that says which alert
// differs where.
package ruletest
