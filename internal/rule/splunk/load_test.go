package splunk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/diag"
	"vigil/internal/rule"
)

func TestLoadBuiltin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "rules", "splunk", "azure_ad_user_consent_denied_for_oauth_application.yml"))
	if err != nil {
		t.Fatal(err)
	}
	r, diags := Load("rule1.yml", data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if r.ID != "bb093c30-d860-4858-a56e-cd0895d5b49c" || r.Version != "12" || r.Format != rule.FormatSplunk || r.Language != "spl" {
		t.Errorf("rule = %+v", r)
	}
	if r.RiskScore != 50 || r.Severity != rule.SeverityMedium || !cmp.Equal(r.Techniques, []string{"T1528"}) {
		t.Errorf("risk %d severity %v techniques %v", r.RiskScore, r.Severity, r.Techniques)
	}
	s := r.Splunk
	want := []rule.RiskObject{{Field: "user", Type: "user", Score: 50}}
	if !cmp.Equal(s.RiskObjects, want) || len(s.ThreatObjects) != 0 || !strings.Contains(s.RiskMessage, "$user$") {
		t.Errorf("rba = %+v %+v %q", s.RiskObjects, s.ThreatObjects, s.RiskMessage)
	}
	if s.Type != "TTP" || s.Cron != DefaultCron || s.EarliestTime != "-70m@m" || s.LatestTime != "-10m@m" {
		t.Errorf("schedule = %+v", s)
	}
	if !strings.HasPrefix(r.Query, "`azure_monitor_aad` operationName=") || len(s.Drilldowns) != 1 || len(s.Tests) != 1 {
		t.Errorf("query %q drilldowns %d tests %d", r.Query, len(s.Drilldowns), len(s.Tests))
	}
	// The search starts on line 18, column 3 of the file.
	if got := r.Mapper(diag.Pos{Line: 2, Col: 3}); got != (diag.Pos{Line: 19, Col: 5}) {
		t.Errorf("mapped 2:3 to %v, want 19:5", got)
	}
}

func TestLoadOlderRiskForm(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "rules", "splunk", "o365_user_consent_denied_for_oauth_application.yml"))
	if err != nil {
		t.Fatal(err)
	}
	r, diags := Load("rule2.yml", data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	s := r.Splunk
	if !cmp.Equal(s.RiskObjects, []rule.RiskObject{{Field: "user", Type: "user", Score: 30}}) ||
		!cmp.Equal(s.ThreatObjects, []rule.ThreatObject{{Field: "src_ip", Type: "ip_address"}}) {
		t.Errorf("risk %+v threat %+v", s.RiskObjects, s.ThreatObjects)
	}
	if r.RiskScore != 30 || r.Severity != rule.SeverityLow || s.RiskMessage != "User $user$ declined consent for an OAuth application" {
		t.Errorf("score %d severity %v message %q", r.RiskScore, r.Severity, s.RiskMessage)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "f.yml: splunk: empty detection file"},
		{"not a mapping", "- a\n", "f.yml:1:1: splunk: want a mapping of detection fields, got a list"},
		{"missing", "name: x\n", "f.yml: splunk: missing required field \"id\"\nf.yml: splunk: missing required field \"search\""},
		{"unknown key", "id: a\nname: x\nsearch: s\nserach: t\n", "f.yml:4:1: splunk: unknown field \"serach\""},
		{"bad type", "id: a\nname: x\nsearch: s\ntype: Weird\n", "f.yml:4:7: splunk: type: unknown detection type \"Weird\" (want TTP, Anomaly, Hunting, Correlation, Baseline or Investigation)"},
		{"bad score", "id: a\nname: x\nsearch: s\nrba:\n  risk_objects:\n  - field: user\n    type: user\n    score: lots\n", "f.yml:8:12: splunk: rba.risk_objects.score: want a whole number from 0 to 100, got \"lots\""},
		{"search list", "id: a\nname: x\nsearch: [a]\n", "f.yml:3:9: splunk: search: want a string, got a list\nf.yml:3:9: splunk: search: empty search"},
		{"yaml", "id: a\n  b: c\n", "f.yml:1:5: yaml: mapping value is not allowed in this context"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := Load("f.yml", []byte(tc.in))
			var got []string
			for _, d := range diags {
				got = append(got, d.Error())
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("got\n%s\nwant\n%s", g, tc.want)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	for _, p := range []string{"azure_ad_user_consent_denied_for_oauth_application.yml", "o365_user_consent_denied_for_oauth_application.yml"} {
		if data, err := os.ReadFile(filepath.Join("..", "..", "..", "rules", "splunk", p)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("id: a\nname: x\nsearch: s\nrba:\n  risk_objects:\n  - field: user\n    score: 5\n"))
	f.Add([]byte("tags: {observable: [{name: u, role: [Victim]}], risk_score: 3}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, diags := Load("f.yml", data)
		for _, d := range diags {
			if d.File != "f.yml" || d.Msg == "" {
				t.Errorf("bad diagnostic %#v", d)
			}
		}
		if r != nil && r.Mapper != nil {
			r.Mapper(diag.Pos{Line: 1, Col: 1})
		}
	})
}
