package output

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/alert"
	"vigil/internal/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// testAlerts are built here, not taken from the rules, so that the golden
// files change only when a writer does.
func testAlerts() []*alert.Alert {
	return []*alert.Alert{
		{
			ID: "c0ffee00000000000000000000000001", RuleID: "0f5a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
			RuleName: "Consent denials by app", RuleFormat: "splunk", Severity: "low", RiskScore: 30,
			MITRE: []string{"T1528"}, Message: "alex.wilber@contoso.example refused Contoso Mail Reader",
			Time: at("2024-05-02T10:00:00Z"), FirstSeen: at("2024-05-02T09:15:00Z"), LastSeen: at("2024-05-02T09:15:00Z"),
			Entities: []alert.Entity{{Type: "user", Value: "alex.wilber@contoso.example"}, {Type: "ip", Value: "198.51.100.7"}},
			Rows:     []alert.Row{{{Name: "user", Value: event.String("alex.wilber@contoso.example")}, {Name: "count", Value: event.Long(1)}}},
			Evidence: []event.Origin{{File: "logs/azmon.json", Line: 1, Record: 1}},
			Risks:    []alert.Risk{{Object: "alex.wilber@contoso.example", ObjectType: "user", Field: "user", Score: 30}},
		},
		{
			ID: "c0ffee00000000000000000000000002", RuleID: "d99cf5c3-d660-436c-895b-8a8f8448da23",
			RuleName: "MFA Rejected by User", RuleFormat: "sentinel", Severity: "medium",
			MITRE: []string{"T1078.004"},
			Time:  at("2024-05-02T10:05:00Z"), FirstSeen: at("2024-05-02T09:01:40Z"), LastSeen: at("2024-05-02T09:01:40.483Z"),
			Entities: []alert.Entity{
				{Type: "user", Value: "adele.vance@contoso.example", Identifiers: []alert.Field{{Name: "FullName", Value: event.String("adele.vance@contoso.example")}}},
				{Type: "user", Value: "6e7b768e-07e2-4810-8459-485f84f8f204"},
				{Type: "ip", Value: "203.0.113.50"},
			},
			Evidence: []event.Origin{{File: "logs/azmon.json", Line: 2, Record: 2}}, Truncated: 3,
		},
		{
			ID: "c0ffee00000000000000000000000003", RuleID: "0f5a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
			RuleName: "Consent denials by app", RuleFormat: "splunk", Severity: "low", RiskScore: 30,
			MITRE: []string{"T1528"}, Message: "megan.bowen@contoso.example refused Contoso Mail Reader",
			Time: at("2024-05-02T09:00:00Z"), FirstSeen: at("2024-05-02T08:10:00Z"), LastSeen: at("2024-05-02T08:20:00Z"),
			Entities: []alert.Entity{{Type: "user", Value: "megan.bowen@contoso.example"}},
		},
		{
			ID: "c0ffee00000000000000000000000004", RuleID: "c766bc56-fdca-11ef-b194-f661ea17fbcd",
			RuleName: "Entra ID User Sign-in with Unusual Client", RuleFormat: "elastic", Severity: "high", RiskScore: 73,
			MITRE: []string{"T1078.004", "T1550.001"},
			Time:  at("2024-05-03T00:10:00Z"), FirstSeen: at("2024-05-02T23:58:00Z"), LastSeen: at("2024-05-03T00:02:30Z"),
			Entities: []alert.Entity{
				{Type: "user", Value: "megan.bowen@contoso.example"},
				{Type: "app", Value: "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
				{Type: "ip", Value: "192.0.2.80"},
				{Type: "ip", Value: "2001:db8::80"},
				{Type: "tenant", Value: "5d2f6a1e-3c4b-4e8f-9a7d-1b2c3d4e5f60"},
				{Type: "device", Value: "LAPTOP-7"},
			},
		},
		{
			ID: "c0ffee00000000000000000000000005", RuleID: "crit-1", RuleName: "Break-glass account used",
			RuleFormat: "sentinel", Severity: "critical", Time: at("2024-05-01T23:00:00Z"),
		},
		{
			// Values an attacker chooses: formulas, quotes, new lines and a
			// terminal escape sequence.
			ID: "c0ffee00000000000000000000000006", RuleID: "-inj", RuleName: "=HYPERLINK(\"http://x.example\",\"open\")",
			RuleFormat: "splunk", Severity: "informational", RiskScore: 5,
			Message: "+cmd|' /C calc'!A0",
			Time:    at("2024-05-02T12:00:00Z"), FirstSeen: at("2024-05-02T11:59:00Z"), LastSeen: at("2024-05-02T12:00:00Z"),
			Entities: []alert.Entity{
				{Type: "user", Value: "-2+3@contoso.example"},
				{Type: "ip", Value: "@SUM(1+1)"},
				{Type: "app", Value: "\tTab App"},
				{Type: "app", Value: "\rCR App"},
				{Type: "device", Value: "say \"hi\"\nline two \x1b[31mred"},
			},
		},
	}
}

// golden compares got with the file name of the txtar archive, or rewrites
// it with -update.
func golden(t *testing.T, archive string, got map[string]string, names []string) {
	t.Helper()
	path := filepath.Join("testdata", archive)
	if *update {
		ar := &txtar.Archive{Comment: []byte("Golden output of the " + archive[:len(archive)-len(".txtar")] + " writer; rewrite with go test ./internal/output -update.\n")}
		for _, n := range names {
			ar.Files = append(ar.Files, txtar.File{Name: n, Data: []byte(got[n])})
		}
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, f := range ar.Files {
		want[f.Name] = string(f.Data)
	}
	for _, n := range names {
		w, ok := want[n]
		if !ok {
			t.Errorf("%s: no file %s (run with -update)", path, n)
			continue
		}
		if diff := cmp.Diff(w, got[n]); diff != "" {
			t.Errorf("%s: %s differs (-want +got):\n%s", path, n, diff)
		}
	}
}

func write(t *testing.T, f Format, alerts []*alert.Alert, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, f, alerts, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTable(t *testing.T) {
	cases := []struct {
		name   string
		alerts []*alert.Alert
		opts   Options
	}{
		{"plain", testAlerts(), Options{}},
		{"color", testAlerts(), Options{Color: true}},
		{"limited", testAlerts(), Options{MaxPerRule: 1, MoreHint: "(--output FILE writes them all)"}},
		{"narrow", testAlerts(), Options{Width: 60}},
		{"wide", testAlerts(), Options{Width: 200}},
		{"none", nil, Options{Color: true}},
	}
	got := map[string]string{}
	var names []string
	for _, c := range cases {
		in := testAlerts()
		got[c.name] = write(t, Table, c.alerts, c.opts)
		names = append(names, c.name)
		if c.alerts != nil {
			// The caller's alerts keep their order.
			for i := range in {
				if c.alerts[i].ID != in[i].ID {
					t.Errorf("%s: alert %d reordered", c.name, i)
				}
			}
		}
	}
	golden(t, "table.txtar", got, names)
	if bytes.Contains([]byte(got["plain"]), []byte("\x1b")) {
		t.Errorf("plain table holds an escape sequence")
	}
	if !bytes.Contains([]byte(got["color"]), []byte("\x1b[1;35mCRITICAL\x1b[0m")) {
		t.Errorf("colour table does not colour the critical severity")
	}
}

func TestJSONL(t *testing.T) {
	alerts := testAlerts()
	got := write(t, JSONL, alerts, Options{})
	var want []byte
	for _, a := range alerts {
		want = append(a.AppendJSON(want), '\n')
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("jsonl is not AppendJSON per line (-want +got):\n%s", diff)
	}
	golden(t, "jsonl.txtar", map[string]string{"alerts.jsonl": got}, []string{"alerts.jsonl"})
}

func TestParseFormat(t *testing.T) {
	for _, n := range FormatNames() {
		f, err := ParseFormat(n)
		if err != nil || f.String() != n {
			t.Errorf("ParseFormat(%q) = %v, %v", n, f, err)
		}
	}
	_, err := ParseFormat("yaml")
	if want := `unknown output format "yaml" (want one of table, jsonl, csv, ocsf)`; err == nil || err.Error() != want {
		t.Errorf("ParseFormat(yaml) error = %v, want %s", err, want)
	}
}
