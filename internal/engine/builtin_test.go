package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/event"
)

// TestBuiltinRules runs the detection fixtures of the built-in pack
// (rules/testdata/FORMAT/*.txtar). Each fixture holds input files in any
// export shape (input/…), the id of the rule it is about (rule), and the
// alerts that rule must raise over them (want.jsonl: one JSON object per
// alert, in order; only the members a line names are compared, and objects
// inside are compared the same way, so a fixture states what matters). An
// empty want.jsonl means the rule must raise nothing.
func TestBuiltinRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(moduleRoot(t), "rules", "testdata", "*", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	set, err := LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range set.Rules {
		if !l.OK() {
			t.Fatalf("built-in rule %s: %v", l.File, l.Diags)
		}
	}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file)) + "/" + strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var ruleID string
			var want []string
			tables := map[string]string{}
			for _, f := range ar.Files {
				switch {
				case f.Name == "rule":
					ruleID = strings.TrimSpace(string(f.Data))
				case f.Name == "want.jsonl":
					for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						if line != "" {
							want = append(want, line)
						}
					}
				case strings.HasPrefix(f.Name, "input/"):
					p := filepath.Join(dir, f.Name)
					os.MkdirAll(filepath.Dir(p), 0o755)
					if err := os.WriteFile(p, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				case strings.HasPrefix(f.Name, "table "):
					// "table NAME=input/file" names the table of a file without Type.
					n, p, _ := strings.Cut(strings.TrimPrefix(f.Name, "table "), "=")
					tables[filepath.Join(dir, p)] = n
				}
			}
			inputs, err := filepath.Glob(filepath.Join(dir, "input", "*"))
			if err != nil || len(inputs) == 0 {
				t.Fatalf("fixture has no input files")
			}
			data, err := Read(inputs, ReadOptions{Tables: tables, KeepExtra: true}, func(p Problem) { t.Errorf("input problem: %v", p) })
			if err != nil {
				t.Fatal(err)
			}
			got := huntRule(t, data, set, ruleID)
			// Results must not depend on input order (Graph exports are
			// newest first): the files read the other way round, and the
			// records of each reversed, give the same alerts but for the
			// origins of their evidence.
			rev := &Data{Tables: map[string][]event.Row{}}
			for i := len(data.Events) - 1; i >= 0; i-- {
				rev.Events = append(rev.Events, data.Events[i])
			}
			for name, rows := range data.Tables {
				for i := len(rows) - 1; i >= 0; i-- {
					rev.Tables[name] = append(rev.Tables[name], rows[i])
				}
			}
			if diff := cmp.Diff(withoutEvidence(got), withoutEvidence(huntRule(t, rev, set, ruleID))); diff != "" {
				t.Errorf("alerts depend on input order (-in order +reversed):\n%s", diff)
			}
			if len(got) != len(want) {
				t.Errorf("%d alerts of rule %s, want %d:\n%s", len(got), ruleID, len(want), strings.Join(got, "\n"))
				return
			}
			for i := range want {
				var w, g any
				if err := json.Unmarshal([]byte(want[i]), &w); err != nil {
					t.Fatalf("want.jsonl line %d: %v", i+1, err)
				}
				json.Unmarshal([]byte(got[i]), &g)
				if msg := subset(w, g, "alert"); msg != "" {
					t.Errorf("alert %d: %s\ngot: %s", i+1, msg, got[i])
				}
			}
		})
	}
}

// huntRule runs the rule set over data and returns the alerts of one rule
// as JSON lines.
func huntRule(t *testing.T, data *Data, set *RuleSet, ruleID string) []string {
	h := Hunt(context.Background(), data, set)
	for _, r := range h.Rules {
		if r.Err != nil {
			t.Errorf("rule %s: %v", r.File, r.Err)
		}
	}
	var got []string
	for _, a := range h.Alerts {
		if a.RuleID == ruleID {
			got = append(got, string(a.AppendJSON(nil)))
		}
	}
	return got
}

var evidenceJSON = regexp.MustCompile(`,"evidence":\[.*?\]`)

func withoutEvidence(alerts []string) []string {
	out := make([]string, len(alerts))
	for i, a := range alerts {
		out[i] = evidenceJSON.ReplaceAllString(a, "")
	}
	return out
}

// subset reports how got differs from want, comparing only what want names.
func subset(want, got any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want an object, got %v", path, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s: missing", path, k)
			}
			if msg := subset(wv, gv, path+"."+k); msg != "" {
				return msg
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: want %d elements, got %v", path, len(w), got)
		}
		for i := range w {
			if msg := subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return msg
			}
		}
		return ""
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		return fmt.Sprintf("%s: want %v, got %v", path, want, got)
	}
	return ""
}
