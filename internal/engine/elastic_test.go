package engine

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/rule"
	"vigil/internal/state"
)

const (
	unusualClient = "c766bc56-fdca-11ef-b194-f661ea17fbcd"
	deviceCode    = "af22d970-7106-45b4-b5e3-460d15333727"
)

// signIn is a non-interactive Member sign-in of upn with app, as an Azure
// Monitor record: what rule 4 matches.
func signIn(id, at, upn, app string) string {
	return fmt.Sprintf(`{"time": %q, "category": "NonInteractiveUserSignInLogs", "operationName": "Sign-in activity", "tenantId": "t1", "resultType": "0", "properties": {"id": %q, "createdDateTime": %q, "userPrincipalName": %q, "appId": %q, "ipAddress": "203.0.113.10", "isInteractive": false, "userType": "Member", "clientAppUsed": "Mobile Apps and Desktop clients", "autonomousSystemNumber": 14061, "status": {"errorCode": 0}}}`,
		at, id, at, upn, app)
}

func readLines(t *testing.T, lines ...string) *Data {
	t.Helper()
	p := filepath.Join(t.TempDir(), "signins.json")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := Read([]string{p}, ReadOptions{KeepExtra: true}, func(p Problem) { t.Errorf("input problem: %v", p) })
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// newTermsOf returns the rule's alerts as "time new_terms" lines.
func newTermsOf(res *HuntResult, ruleID string) []string {
	var out []string
	for _, a := range res.Alerts {
		if a.RuleID != ruleID {
			continue
		}
		terms := ""
		for _, d := range a.Details {
			if d.Name == "new_terms" {
				terms = string(d.Value.AppendJSON(nil))
			}
		}
		out = append(out, a.Time.UTC().Format(time.RFC3339)+" "+terms)
	}
	return out
}

// TestElasticRulesCompile: the built-in Elastic rules compile against the
// ECS view and run without diagnostics or warnings.
func TestElasticRulesCompile(t *testing.T) {
	set, err := LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	res := Hunt(context.Background(), readLines(t, signIn("a", "2024-05-01T10:00:00Z", "alice@contoso.com", "app1")), set)
	n := 0
	for _, r := range res.Rules {
		if r.Rule == nil || r.Rule.Format != rule.FormatElastic {
			continue
		}
		n++
		if len(r.Diags) > 0 || r.Err != nil || len(r.Warnings) > 0 {
			t.Errorf("%s: diagnostics %v, error %v, warnings %q", r.File, r.Diags, r.Err, r.Warnings)
		}
	}
	if n != 2 {
		t.Errorf("%d built-in Elastic rules ran, want 2", n)
	}
}

// TestElasticStateNextWeek: a second hunt with the same state directory,
// over the following week, raises only the alerts that are new against
// the first hunt; pairs last seen more than 14 days before are new again.
func TestElasticStateNextWeek(t *testing.T) {
	set, err := LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hunt := func(lines ...string) []string {
		t.Helper()
		st, err := state.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		res := HuntWith(context.Background(), readLines(t, lines...), set, HuntOptions{CommonOptions: CommonOptions{State: st}})
		if err := st.Commit(); err != nil {
			t.Fatal(err)
		}
		return newTermsOf(res, unusualClient)
	}
	week1 := hunt(
		signIn("w1a", "2024-05-01T10:01:00Z", "alice@contoso.com", "app1"),
		signIn("w1b", "2024-05-02T10:01:00Z", "bob@contoso.com", "app1"),
		signIn("w1c", "2024-05-06T10:01:00Z", "alice@contoso.com", "app2"),
	)
	want1 := []string{
		`2024-05-01T10:05:00Z ["alice@contoso.com","app1"]`,
		`2024-05-02T10:05:00Z ["bob@contoso.com","app1"]`,
		`2024-05-06T10:05:00Z ["alice@contoso.com","app2"]`,
	}
	if diff := cmp.Diff(want1, week1); diff != "" {
		t.Errorf("week 1 (-want +got):\n%s", diff)
	}
	week2 := hunt(
		signIn("w2a", "2024-05-08T10:01:00Z", "alice@contoso.com", "app1"), // seen 7 days before
		signIn("w2b", "2024-05-09T10:01:00Z", "bob@contoso.com", "app2"),   // new pair
		signIn("w2c", "2024-05-13T10:01:00Z", "alice@contoso.com", "app2"), // seen 7 days before
		signIn("w2d", "2024-05-14T10:01:00Z", "alice@contoso.com", "app2"),
	)
	want2 := []string{`2024-05-09T10:05:00Z ["bob@contoso.com","app2"]`}
	if diff := cmp.Diff(want2, week2); diff != "" {
		t.Errorf("week 2 (-want +got):\n%s", diff)
	}
	// Later, bob+app1 (last seen 2024-05-02) is new again; alice+app2
	// (last seen 2024-05-14) is not.
	week5 := hunt(
		signIn("w5a", "2024-05-24T10:01:00Z", "bob@contoso.com", "app1"),
		signIn("w5b", "2024-05-24T10:02:00Z", "alice@contoso.com", "app2"),
	)
	want5 := []string{`2024-05-24T10:05:00Z ["bob@contoso.com","app1"]`}
	if diff := cmp.Diff(want5, week5); diff != "" {
		t.Errorf("week 5 (-want +got):\n%s", diff)
	}
	// The state keeps what the rule's 14 days of history and 90 days more
	// before the latest data need: all four pairs.
	st, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Any gap at least the one the table is kept at opens it as it is.
	if tab, _ := st.Rule(unusualClient, math.MaxInt64); tab.Len() != 4 {
		t.Errorf("state holds %d pairs for rule 4, want 4", tab.Len())
	}
}

// TestAlertsSince: alerts before --alerts-since are not reported, but the
// earlier data is still history.
func TestAlertsSince(t *testing.T) {
	set, err := LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	data := readLines(t,
		signIn("a", "2024-05-01T10:01:00Z", "alice@contoso.com", "app1"),
		signIn("b", "2024-05-03T10:01:00Z", "alice@contoso.com", "app1"),
		signIn("c", "2024-05-03T10:02:00Z", "bob@contoso.com", "app1"),
	)
	since := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	res := HuntWith(context.Background(), data, set, HuntOptions{CommonOptions: CommonOptions{AlertsSince: since}})
	want := []string{`2024-05-03T10:05:00Z ["bob@contoso.com","app1"]`}
	if diff := cmp.Diff(want, newTermsOf(res, unusualClient)); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	for _, a := range res.Alerts {
		if a.Time.Before(since) {
			t.Errorf("alert of %s at %s, before --alerts-since", a.RuleID, a.Time)
		}
	}
}

// TestDeviceCodeActivityBranch: rule 5's activity-logs branch is evaluated
// as written: an activity-log document that did carry a sign-in user type
// and UPN would alert (real ones never do, SEMANTICS.md §D.5).
func TestDeviceCodeActivityBranch(t *testing.T) {
	set, err := LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"@timestamp": "2024-05-20T09:08:30Z", "_id": "act-1", "event": {"dataset": "azure.activitylogs", "outcome": "success"}, "azure": {"activitylogs": {"properties": {"authentication_protocol": "deviceCode"}}, "signinlogs": {"properties": {"user_principal_name": "bob@contoso.com", "user_type": "Member"}}}}`
	res := Hunt(context.Background(), readLines(t, doc), set)
	want := []string{`2024-05-20T09:10:00Z ["bob@contoso.com"]`}
	if diff := cmp.Diff(want, newTermsOf(res, deviceCode)); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
}

// TestElasticRuleFiles: a query rule and a threshold rule from TOML files
// run end to end, and a Kuery error is reported at its line:col in the
// rule file.
func TestElasticRuleFiles(t *testing.T) {
	dir := t.TempDir()
	head := "[rule]\nname = %q\nrule_id = %q\ndescription = \"test\"\nrisk_score = 21\nseverity = \"low\"\nlanguage = \"kuery\"\nindex = [\"logs-azure.signinlogs-*\"]\n"
	files := map[string]string{
		"query.toml": fmt.Sprintf(head, "Any bob sign-in", "q-1") + "type = \"query\"\nquery = '''\nazure.signinlogs.properties.user_principal_name: \"bob@contoso.com\"\n'''\n",
		"threshold.toml": fmt.Sprintf(head, "Many sign-ins", "t-1") + "type = \"threshold\"\nquery = '''\nevent.outcome: success\n'''\n" +
			"[rule.threshold]\nfield = [\"azure.signinlogs.properties.user_principal_name\"]\nvalue = 3\n",
		"broken.toml": fmt.Sprintf(head, "Broken", "b-1") + "type = \"query\"\nquery = '''\nevent.outcome: success and\n  (user.name: x\n'''\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := LoadRules([]string{dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	data := readLines(t,
		signIn("a", "2024-05-01T10:01:00Z", "alice@contoso.com", "app1"),
		signIn("b", "2024-05-01T10:02:00Z", "alice@contoso.com", "app2"),
		signIn("c", "2024-05-01T10:03:00Z", "alice@contoso.com", "app1"),
		signIn("d", "2024-05-01T10:04:00Z", "bob@contoso.com", "app1"),
	)
	res := Hunt(context.Background(), data, set)
	got := map[string]int{}
	for _, a := range res.Alerts {
		got[a.RuleID]++
	}
	if diff := cmp.Diff(map[string]int{"q-1": 1, "t-1": 1}, got); diff != "" {
		t.Errorf("alerts per rule (-want +got):\n%s", diff)
	}
	var diags []string
	for _, r := range res.Rules {
		for _, d := range r.Diags {
			diags = append(diags, d.Error())
		}
	}
	want := []string{filepath.Join(dir, "broken.toml") + ":13:1: kuery: expected ')', found end of query"}
	if diff := cmp.Diff(want, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}
