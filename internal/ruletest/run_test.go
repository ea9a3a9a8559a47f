package ruletest

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/engine"
)

func loadWatch(t *testing.T) (*engine.RuleSet, *Fixture) {
	t.Helper()
	set, err := engine.LoadRules([]string{"testdata/watch.yaml"}, true)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFile("testdata/watch.txtar")
	if err != nil {
		t.Fatal(err)
	}
	return set, f
}

func TestRunPasses(t *testing.T) {
	set, f := loadWatch(t)
	res := Run(context.Background(), f, set, Options{CheckOrder: true})
	if !res.Passed() {
		t.Fatalf("fixture failed:\n%s", res.Diff())
	}
	if res.Diff() != "" {
		t.Errorf("Diff of a pass = %q, want none", res.Diff())
	}
	if len(res.Got) != 1 || !strings.Contains(res.Got[0], `"evidence":[{"file":"input/signins.json","line":1,"record":1}]`) {
		t.Errorf("alerts %q, want one with its evidence named as in the fixture", res.Got)
	}
}

var alertID = regexp.MustCompile(`"id":"[0-9a-f]{32}"`)

// TestRunFails: the diff says which alert differs where, and what is
// missing or too much.
func TestRunFails(t *testing.T) {
	set, f := loadWatch(t)
	f.Want[0].v["severity"] = "low"
	f.Want[0].v["rows"] = []any{map[string]any{"Reason": "joiner"}}
	f.Want = append(f.Want, Want{Line: 99, JSON: `{"rule_id":"x"}`, v: map[string]any{"rule_id": "x"}})
	res := Run(context.Background(), f, set, Options{})
	if res.Passed() {
		t.Fatal("fixture passed")
	}
	want := `rule 0a0a0a0a-0000-4000-8000-000000000001 raised 1 alert(s), want 2
alert 1: differs from testdata/watch.txtar:12
  rows[0].Reason: want "joiner", got "leaver"
  severity: want "low", got "high"
  got:  {"id":"ID","rule_id":"0a0a0a0a-0000-4000-8000-000000000001","rule_name":"Watched user signs in","rule_format":"sentinel","severity":"high","mitre":[],"time":"2024-05-02T08:05:00Z","first_seen":"2024-05-02T07:00:00Z","last_seen":"2024-05-02T08:00:00Z","entities":[{"type":"user","value":"alex@contoso.example","identifiers":{"FullName":"alex@contoso.example"}}],"rows":[{"UserPrincipalName":"alex@contoso.example","Reason":"leaver"}],"evidence":[{"file":"input/signins.json","line":1,"record":1}]}
alert 2: not raised
  want: {"rule_id":"x"} (testdata/watch.txtar:99)
`
	got := alertID.ReplaceAllString(res.Diff(), `"id":"ID"`)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}

	// An alert that is not wanted.
	f.Want = nil
	res = Run(context.Background(), f, set, Options{})
	if got := res.Diff(); !strings.HasPrefix(got, "rule 0a0a0a0a-0000-4000-8000-000000000001 raised 1 alert(s), want 0\nalert 1: not wanted\n  got:  {") {
		t.Errorf("Diff = %q", got)
	}
}

// TestRunCannot: a fixture fails when its rule is missing or does not
// compile, and on every problem in its inputs.
func TestRunCannot(t *testing.T) {
	set, f := loadWatch(t)
	ctx := context.Background()

	g := *f
	g.RuleID = "nope"
	if got, want := Run(ctx, &g, set, Options{}).Diff(), "no rule with id nope is loaded\n"; got != want {
		t.Errorf("missing rule: Diff = %q, want %q", got, want)
	}

	g = *f
	g.Inputs = append([]Input{{Name: "input/0.json", Data: []byte("{\"time\":\n")}}, f.Inputs...)
	res := Run(ctx, &g, set, Options{})
	if len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0], "input/0.json:") || res.Passed() {
		t.Errorf("bad input: problems %q, passed %v; want one problem in input/0.json, a failure", res.Problems, res.Passed())
	}

	dir := t.TempDir()
	rule := strings.Replace(readFile(t, "testdata/watch.yaml"), "| project UserPrincipalName, Reason", "| project Nope", 1)
	if err := os.WriteFile(dir+"/watch.yaml", []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	broken, err := engine.LoadRules([]string{dir + "/watch.yaml"}, true)
	if err != nil {
		t.Fatal(err)
	}
	got := Run(ctx, f, broken, Options{}).Diff()
	if want := "rule 0a0a0a0a-0000-4000-8000-000000000001 does not compile:\n" + dir + "/watch.yaml:11:13: kql: "; !strings.HasPrefix(got, want) {
		t.Errorf("broken rule: Diff = %q, want it to start with %q", got, want)
	}
	if len(broken.Rules[0].Diags) != 0 {
		t.Errorf("Run left diagnostics on the caller's rule set: %v", broken.Rules[0].Diags)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
