package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigil/internal/engine"
	"vigil/internal/event"
	"vigil/internal/ruletest"
)

// read reads files decoding fields (and unknown members when extra).
func read(t *testing.T, files []string, tables map[string]string, fields event.FieldSet, extra bool) *engine.Data {
	t.Helper()
	data, err := engine.Read(files, engine.ReadOptions{Tables: tables, Fields: fields, KeepExtra: extra}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// huntJSON hunts data with set and returns the alerts as JSON lines.
func huntJSON(t *testing.T, data *engine.Data, set *engine.RuleSet) []string {
	t.Helper()
	// A copy of the rules, so that the hunts' diagnostics stay apart.
	var rules []*engine.LoadedRule
	for _, l := range set.Rules {
		c := *l
		c.Diags = slices.Clip(c.Diags)
		rules = append(rules, &c)
	}
	res := engine.HuntWith(context.Background(), data, &engine.RuleSet{Rules: rules}, engine.HuntOptions{})
	for _, r := range res.Rules {
		if len(r.Diags) > 0 || r.Err != nil {
			t.Fatalf("rule %s: %v %v", r.File, r.Diags, r.Err)
		}
	}
	out := make([]string, len(res.Alerts))
	for i, a := range res.Alerts {
		out[i] = string(a.AppendJSON(nil))
	}
	return out
}

// checkProjection hunts files with every field and with the projection of
// the whole set and of each rule alone, and requires the same alerts. It
// returns the alerts of the whole set per rule file.
func checkProjection(t *testing.T, files []string, tables map[string]string, set *engine.RuleSet) map[string]int {
	t.Helper()
	full := read(t, files, tables, event.AllFields, true)
	type proj struct {
		fields event.FieldSet
		extra  bool
	}
	projected := map[proj]*engine.Data{}
	sets := []*engine.RuleSet{set}
	for _, l := range set.Rules {
		sets = append(sets, &engine.RuleSet{Rules: []*engine.LoadedRule{l}})
	}
	counts := map[string]int{}
	for _, s := range sets {
		want := huntJSON(t, full, s)
		fields, extra := engine.Projection(s, engine.HuntOptions{})
		p := proj{fields, extra}
		if projected[p] == nil {
			projected[p] = read(t, files, tables, fields, extra)
		}
		got := huntJSON(t, projected[p], s)
		name := "all rules"
		if len(s.Rules) == 1 {
			name = s.Rules[0].File
			counts[name] = len(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the projection changes the alerts:\n got %d:\n%s\nwant %d:\n%s", name, len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
		}
	}
	return counts
}

func builtinSet(t *testing.T) *engine.RuleSet {
	t.Helper()
	set, err := engine.LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestProjectionBuiltin checks that the built-in pack does not need every
// field: its projection is what makes hunts fast.
func TestProjectionBuiltin(t *testing.T) {
	fields, _ := engine.Projection(builtinSet(t), engine.HuntOptions{})
	if fields == event.AllFields {
		t.Fatal("the built-in pack's projection is every field")
	}
	for _, f := range []event.Field{event.FRecordTime, event.FCreatedDateTime, event.FIngestTime, event.FCategory, event.FUserPrincipalName, event.FIPAddress, event.FCallerIPAddress, event.FStatusErrorCode} {
		if !fields.Has(f) {
			t.Errorf("the projection lacks %s", f)
		}
	}
	if fields.Has(event.FAppliedConditionalAccessPolicies) {
		t.Error("the projection has appliedConditionalAccessPolicies, which no built-in rule reads")
	}
}

// TestProjectionEverything checks the rules whose needs cannot be told:
// a Sentinel query of a table only the data brings, an SPL search whose
// results carry fields it does not name.
func TestProjectionEverything(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("watchlist.yaml", "id: 11111111-1111-1111-1111-111111111111\nname: w\nseverity: Low\nqueryFrequency: 1h\nqueryPeriod: 1h\ntriggerOperator: gt\ntriggerThreshold: 0\nquery: |\n  MyWatchlist | take 1\n")
	write("spl.yml", "name: s\nid: 22222222-2222-2222-2222-222222222222\ntype: TTP\nsearch: |-\n  `azure_monitor_aad` properties.status.errorCode=65004\n  | rename properties.* as *\n")
	for _, name := range []string{"watchlist.yaml", "spl.yml"} {
		set, err := engine.LoadRules([]string{filepath.Join(dir, name)}, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Rules) != 1 || !set.Rules[0].OK() {
			t.Fatalf("%s: %v", name, set.Rules[0].Diags)
		}
		if fields, extra := engine.Projection(set, engine.HuntOptions{}); fields != event.AllFields || !extra {
			t.Errorf("%s: the projection is not everything", name)
		}
	}
}

// TestProjectionFixtures hunts the input of every built-in fixture with
// every built-in rule, with and without the projection.
func TestProjectionFixtures(t *testing.T) {
	fixtures, err := ruletest.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set := builtinSet(t)
	for _, f := range fixtures {
		name := strings.TrimSuffix(strings.TrimPrefix(f.Name, "builtin:testdata/"), ".txtar")
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			tables := map[string]string{}
			for _, in := range f.Inputs {
				p := filepath.Join(dir, filepath.FromSlash(in.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, in.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, p)
				if tb, ok := f.Tables[in.Name]; ok {
					tables[p] = tb
				}
			}
			checkProjection(t, files, tables, set)
		})
	}
}

// TestProjectionSplunkRename checks a search that reads an array's field
// under the name a wildcard rename gives it: the views over no data have
// no such column, the data does.
func TestProjectionSplunkRename(t *testing.T) {
	dir := t.TempDir()
	rulePath := filepath.Join(dir, "rename.yml")
	ruleText := "name: r\nid: 33333333-3333-3333-3333-333333333333\ntype: TTP\nsearch: |-\n" +
		"  `azure_monitor_aad` properties.status.errorCode=65004\n" +
		"  | rename properties.* as *\n" +
		"  | stats count by userPrincipalName authenticationDetails{}.authenticationMethod\n"
	record := `{"records":[{"time":"2024-05-02T09:13:31Z","operationName":"Sign-in activity","category":"SignInLogs","tenantId":"t1","callerIpAddress":"198.51.100.7",` +
		`"properties":{"id":"s1","createdDateTime":"2024-05-02T09:01:11Z","userPrincipalName":"alice@contoso.example","ipAddress":"198.51.100.7",` +
		`"status":{"errorCode":65004},"authenticationDetails":[{"authenticationMethod":"Password","succeeded":false}]}}]}`
	input := filepath.Join(dir, "azmon.json")
	for p, text := range map[string]string{rulePath: ruleText, input: record} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := engine.LoadRules([]string{rulePath}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !set.Rules[0].OK() {
		t.Fatal(set.Rules[0].Diags)
	}
	fields, _ := engine.Projection(set, engine.HuntOptions{})
	if !fields.Has(event.FAuthenticationDetails) {
		t.Error("the projection lacks authenticationDetails")
	}
	if fields.Has(event.FAppliedConditionalAccessPolicies) {
		t.Error("the projection has appliedConditionalAccessPolicies, which the search does not read")
	}
	if n := checkProjection(t, []string{input}, nil, set); n[rulePath] != 1 {
		t.Errorf("%d alerts, want 1", n[rulePath])
	}
}
