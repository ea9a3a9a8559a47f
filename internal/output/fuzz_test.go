package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vigil/internal/alert"
)

// FuzzWriters writes an alert made of arbitrary strings in every format:
// no writer panics, the CSV reads back to the safe form of each value, the
// plain table holds no escape sequence and every OCSF line is JSON.
func FuzzWriters(f *testing.F) {
	f.Add("=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "-2+3@contoso.example", "@SUM(1)", "low", 100)
	f.Add("rule", "say \"hi\"\nline two", "\tuser", "\r10.0.0.1", "critical", 20)
	f.Add("\x1b[31mred\u202e", "", "", "", "", 0)
	f.Fuzz(func(t *testing.T, ruleName, message, user, ip, severity string, width int) {
		a := &alert.Alert{
			ID: "id", RuleID: "r", RuleName: ruleName, RuleFormat: "splunk", Severity: severity,
			Message: message, MITRE: []string{"T1528", ip},
			Time:     time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC),
			Entities: []alert.Entity{{Type: "user", Value: user}, {Type: "ip", Value: ip}, {Type: message, Value: ruleName}},
		}
		alerts := []*alert.Alert{a, a}

		var b bytes.Buffer
		if err := WriteCSV(&b, alerts); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatalf("CSV does not read back: %v", err)
		}
		// encoding/csv reads \r\n inside a quoted field as \n.
		norm := func(s string) string { return strings.ReplaceAll(SafeCell(s), "\r\n", "\n") }
		if got, want := rows[1][4], norm(ruleName); got != want {
			t.Errorf("rule_name cell = %q, want %q", got, want)
		}
		for _, r := range rows {
			for _, c := range r {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("unsafe cell %q", c)
				}
			}
		}

		b.Reset()
		if err := WriteTable(&b, alerts, Options{Width: width % 300}); err != nil {
			t.Fatal(err)
		}
		if bytes.ContainsRune(b.Bytes(), 0x1b) {
			t.Errorf("plain table holds ESC:\n%s", b.String())
		}

		b.Reset()
		if err := WriteOCSF(&b, alerts, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte("\n")) {
			if !json.Valid(line) {
				t.Errorf("OCSF line is not JSON: %s", line)
			}
		}
	})
}
