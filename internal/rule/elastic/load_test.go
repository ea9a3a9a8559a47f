package elastic

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigil/internal/diag"
	"vigil/internal/rule"
)

const minimal = `[metadata]
creation_date = "2025/01/01"

[rule]
name = "Test rule"
rule_id = "11111111-2222-3333-4444-555555555555"
description = "A test."
risk_score = 21
severity = "low"
type = "query"
language = "kuery"
index = ["logs-azure.signinlogs-*"]
query = '''
event.dataset: "azure.signinlogs"
'''
`

// TestLoadBuiltin: the built-in rules load with the schedule, type and
// fields of the published rules they express.
func TestLoadBuiltin(t *testing.T) {
	for _, tt := range []struct {
		file string
		want rule.Rule
	}{
		{"unusual-client-for-user.toml", rule.Rule{
			ID:         "c766bc56-fdca-11ef-b194-f661ea17fbcd",
			Name:       "Entra ID User Sign-in with Unusual Client",
			Version:    "2025/12/15",
			Format:     rule.FormatElastic,
			Severity:   rule.SeverityMedium,
			RiskScore:  47,
			Tactics:    []string{"Initial Access", "Credential Access"},
			Techniques: []string{"T1078", "T1078.004", "T1528"},
			Language:   "kuery",
			Elastic: &rule.Elastic{
				Type:              rule.ElasticNewTerms,
				Index:             []string{"filebeat-*", "logs-azure.signinlogs-*"},
				From:              9 * time.Minute,
				Interval:          5 * time.Minute,
				MaxSignals:        100,
				TimestampOverride: "event.ingested",
				NewTerms:          []string{"azure.signinlogs.properties.user_principal_name", "azure.signinlogs.properties.app_id"},
				HistoryWindow:     14 * 24 * time.Hour,
			},
		}},
		{"device-code-unusual-user.toml", rule.Rule{
			ID:         "af22d970-7106-45b4-b5e3-460d15333727",
			Name:       "Entra ID OAuth Device Code Grant by Unusual User",
			Version:    "2026/02/26",
			Format:     rule.FormatElastic,
			Severity:   rule.SeverityMedium,
			RiskScore:  47,
			Tactics:    []string{"Initial Access"},
			Techniques: []string{"T1566", "T1566.002", "T1078", "T1078.004"},
			Language:   "kuery",
			Elastic: &rule.Elastic{
				Type:              rule.ElasticNewTerms,
				Index:             []string{"filebeat-*", "logs-azure.signinlogs-*", "logs-azure.activitylogs-*"},
				From:              9 * time.Minute,
				Interval:          5 * time.Minute,
				MaxSignals:        100,
				TimestampOverride: "event.ingested",
				NewTerms:          []string{"azure.signinlogs.properties.user_principal_name"},
				HistoryWindow:     7 * 24 * time.Hour,
			},
		}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "..", "rules", "elastic", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r, diags := Load(tt.file, data)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			if !strings.HasPrefix(r.Query, "event.dataset") || r.Elastic.Note == "" || r.Description == "" {
				t.Errorf("query, note or description not read: %q", r.Query[:min(len(r.Query), 20)])
			}
			ignore := cmpopts.IgnoreFields(rule.Rule{}, "Description", "File", "Query", "Mapper")
			ignoreE := cmpopts.IgnoreFields(rule.Elastic{}, "Note", "InvestigationFields")
			if diff := cmp.Diff(&tt.want, r, ignore, ignoreE); diff != "" {
				t.Errorf("rule (-want +got):\n%s", diff)
			}
		})
	}
}

// TestQueryMapper: positions in the query map to the file, for a
// multi-line string starting on the next line, one starting on the same
// line, and a one-line string.
func TestQueryMapper(t *testing.T) {
	for _, tt := range []struct {
		name, query string
		in, want    diag.Pos
	}{
		{"next line", "query = '''\nevent.dataset: x\n  and y\n'''", diag.Pos{Line: 2, Col: 7}, diag.Pos{Line: 3, Col: 7}},
		{"same line", "query = '''event.dataset: x\n  and y'''", diag.Pos{Line: 1, Col: 3}, diag.Pos{Line: 1, Col: 14}},
		{"same line, second line", "query = '''event.dataset: x\n  and y'''", diag.Pos{Line: 2, Col: 3}, diag.Pos{Line: 2, Col: 3}},
		{"one line", `query = "a: b"`, diag.Pos{Line: 1, Col: 4}, diag.Pos{Line: 1, Col: 13}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(minimal, "query = '''\nevent.dataset: \"azure.signinlogs\"\n'''", tt.query, 1)
			r, diags := Load("r.toml", []byte(text))
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			base := strings.Count(text[:strings.Index(text, "query =")], "\n")
			got := r.Mapper(tt.in)
			got.Line -= base
			if got != tt.want {
				t.Errorf("Mapper(%v) = %v (relative to the query line), want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestLoadErrors: every problem of a file is reported with its position,
// in the order found.
func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(string) string
		want []string
	}{
		{"syntax", func(s string) string { return s + "\nrisk = = 3\n" },
			[]string{"r.toml:17:8: toml: expected value but found '=' instead"}},
		{"no rule table", func(string) string { return "[metadata]\nx = 1\n" },
			[]string{"r.toml: elastic: missing [rule] table"}},
		{"unknown key", func(s string) string {
			return strings.Replace(s, "type = ", "histroy_window = 3\ntype = ", 1)
		}, []string{"r.toml:10:1: elastic: unknown field rule.histroy_window"}},
		{"unknown table", func(s string) string { return s + "\n[rules]\nx = 1\n" },
			[]string{"r.toml:17:1: elastic: unknown table [rules]"}},
		{"bad severity and risk", func(s string) string {
			s = strings.Replace(s, `severity = "low"`, `severity = "urgent"`, 1)
			return strings.Replace(s, "risk_score = 21", "risk_score = 120", 1)
		}, []string{
			"r.toml:9:1: elastic: severity: unknown severity \"urgent\" (want low, medium, high or critical)",
			"r.toml:8:1: elastic: risk_score: want a whole number from 0 to 100, got 120",
		}},
		{"missing fields", func(s string) string {
			s = strings.Replace(s, "name = \"Test rule\"\n", "", 1)
			return strings.Replace(s, "rule_id = \"11111111-2222-3333-4444-555555555555\"\n", "", 1)
		}, []string{
			"r.toml: elastic: missing required field rule.rule_id",
			"r.toml: elastic: missing required field rule.name",
		}},
		{"eql", func(s string) string {
			s = strings.Replace(s, `type = "query"`, `type = "eql"`, 1)
			return strings.Replace(s, `language = "kuery"`, `language = "eql"`, 1)
		}, []string{"r.toml:10:1: elastic: not supported yet: eql rules"}},
		{"esql", func(s string) string {
			s = strings.Replace(s, `type = "query"`, `type = "esql"`, 1)
			return strings.Replace(s, `language = "kuery"`, `language = "esql"`, 1)
		}, []string{"r.toml:10:1: elastic: not supported yet: esql rules"}},
		{"machine learning", func(s string) string {
			return strings.Replace(s, `type = "query"`, `type = "machine_learning"`, 1)
		}, []string{"r.toml:10:1: elastic: not supported yet: machine_learning rules"}},
		{"lucene", func(s string) string {
			return strings.Replace(s, `language = "kuery"`, `language = "lucene"`, 1)
		}, []string{"r.toml:11:1: elastic: not supported yet: lucene queries"}},
		{"unknown type", func(s string) string {
			return strings.Replace(s, `type = "query"`, `type = "quest"`, 1)
		}, []string{"r.toml:10:1: elastic: type: unknown rule type \"quest\" (want query, new_terms or threshold)"}},
		{"bad from and interval", func(s string) string {
			return strings.Replace(s, "type = ", "from = \"now-9x\"\ninterval = \"soon\"\ntype = ", 1)
		}, []string{
			"r.toml:10:1: elastic: from: invalid date \"now-9x\": unknown unit \"x\" (want s, m, h, d or w)",
			"r.toml:11:1: elastic: interval: invalid interval \"soon\": want a whole number and a unit (s, m, h, d, w)",
		}},
		{"from shorter than interval", func(s string) string {
			return strings.Replace(s, "type = ", "from = \"now-2m\"\ntype = ", 1)
		}, []string{"r.toml:10:1: elastic: from: the look-back 2m0s is shorter than the interval 5m0s: runs would miss documents"}},
		{"new terms without table", func(s string) string {
			return strings.Replace(s, `type = "query"`, `type = "new_terms"`, 1)
		}, []string{"r.toml:10:1: elastic: type new_terms needs a [rule.new_terms] table"}},
		{"new terms: four fields, history too short", func(s string) string {
			s = strings.Replace(s, `type = "query"`, `type = "new_terms"`, 1)
			return s + `
[rule.new_terms]
field = "new_terms_fields"
value = ["a", "b", "c", "d"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-5m"
`
		}, []string{
			"r.toml:19:1: elastic: new_terms.value: 4 fields; new terms rules take at most 3",
			"r.toml:22:1: elastic: new_terms.history_window_start: the history start now-5m must be earlier than the rule's from (now-6m)",
		}},
		{"threshold", func(s string) string {
			s = strings.Replace(s, `type = "query"`, `type = "threshold"`, 1)
			return s + "\n[rule.threshold]\nfield = [\"user.name\"]\nvalue = 0\n"
		}, []string{"r.toml:19:1: elastic: threshold.value: want a whole number above 0, got 0"}},
		{"filters", func(s string) string {
			return strings.Replace(s, "type = ", "filters = [{query = {match_phrase = {a = \"b\"}}}]\ntype = ", 1)
		}, []string{"r.toml:10:1: elastic: not supported yet: rule.filters"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Load("r.toml", []byte(tt.edit(minimal)))
			var got []string
			for _, d := range diags {
				got = append(got, d.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestThresholdAndThreat: threshold fields and cardinality, and threat
// entries giving tactics and techniques in file order without repeats.
func TestThresholdAndThreat(t *testing.T) {
	text := strings.Replace(minimal, `type = "query"`, `type = "threshold"`, 1) + `
[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1110"
[[rule.threat.technique.subtechnique]]
id = "T1110.003"
[rule.threat.tactic]
id = "TA0006"
name = "Credential Access"

[rule.threshold]
field = ["source.ip", "user.name"]
value = 25
[[rule.threshold.cardinality]]
field = "user.name"
value = 10
`
	r, diags := Load("r.toml", []byte(text))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := &rule.Threshold{Fields: []string{"source.ip", "user.name"}, Value: 25, CardinalityField: "user.name", CardinalityValue: 10}
	if diff := cmp.Diff(want, r.Elastic.Threshold); diff != "" {
		t.Errorf("threshold (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"T1110", "T1110.003"}, r.Techniques); diff != "" {
		t.Errorf("techniques (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Credential Access"}, r.Tactics); diff != "" {
		t.Errorf("tactics (-want +got):\n%s", diff)
	}
	if r.Elastic.Interval != DefaultInterval || r.Elastic.From != 6*time.Minute || r.Elastic.MaxSignals != DefaultMaxSignals {
		t.Errorf("defaults: interval %s, from %s, max_signals %d", r.Elastic.Interval, r.Elastic.From, r.Elastic.MaxSignals)
	}
}

// FuzzLoad: no input panics, and every diagnostic of a file the TOML
// decoder accepts names the file.
func FuzzLoad(f *testing.F) {
	f.Add(minimal)
	for _, name := range []string{"unusual-client-for-user.toml", "device-code-unusual-user.toml"} {
		if data, err := os.ReadFile(filepath.Join("..", "..", "..", "rules", "elastic", name)); err == nil {
			f.Add(string(data))
		}
	}
	f.Add("[rule]\ntype = \"new_terms\"\n[rule.new_terms]\nvalue = 3\nhistory_window_start = [1]\n")
	f.Add("[rule]\nthreat = [{framework = \"MITRE ATT&CK\", technique = [1]}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		r, diags := Load("f.toml", []byte(text))
		for _, d := range diags {
			if d.File != "f.toml" || d.Msg == "" {
				t.Errorf("bad diagnostic %#v", d)
			}
		}
		if r != nil && r.Mapper != nil {
			r.Mapper(diag.Pos{Line: 3, Col: 4})
		}
	})
}
