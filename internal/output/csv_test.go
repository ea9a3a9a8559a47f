package output

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestSafeCell(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"alice@contoso.example", "alice@contoso.example"},
		{"=1+1", "'=1+1"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(1+1)", "'@SUM(1+1)"},
		{"\tTab", "'\tTab"},
		{"\rCR", "'\rCR"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{`say "hi"`, `say "hi"`},
		{"line\nbreak", "line\nbreak"},
	}
	for _, c := range cases {
		if got := SafeCell(c.in); got != c.want {
			t.Errorf("SafeCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCSV(t *testing.T) {
	got := write(t, CSV, testAlerts(), Options{})
	golden(t, "csv.txtar", map[string]string{"timeline.csv": got}, []string{"timeline.csv"})

	rows, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatalf("the timeline does not read back as CSV: %v", err)
	}
	if len(rows) != len(testAlerts())+1 {
		t.Fatalf("got %d rows, want a header and %d alerts", len(rows), len(testAlerts()))
	}
	for i, r := range rows {
		if len(r) != len(CSVHeader) {
			t.Errorf("row %d has %d cells, want %d", i, len(r), len(CSVHeader))
		}
		for j, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("row %d cell %s starts with %q: a spreadsheet would run it", i, CSVHeader[j], c[0])
			}
		}
		if i > 1 && r[0] < rows[i-1][0] {
			t.Errorf("row %d (%s) is before row %d (%s): not a timeline", i, r[0], i-1, rows[i-1][0])
		}
	}
	// The injection alert's cells keep their text behind the quote,
	// embedded quotes and new lines included.
	var inj []string
	for _, r := range rows {
		if r[len(r)-1] == "c0ffee00000000000000000000000006" {
			inj = r
		}
	}
	if inj == nil {
		t.Fatal("no row of the injection alert")
	}
	want := map[string]string{
		"rule_name":      `'=HYPERLINK("http://x.example","open")`,
		"rule_id":        "'-inj",
		"message":        "'+cmd|' /C calc'!A0",
		"users":          "'-2+3@contoso.example",
		"ips":            "'@SUM(1+1)",
		"apps":           "'\tTab App; \rCR App",
		"other_entities": "device:say \"hi\"\nline two \x1b[31mred",
		"risk_score":     "5",
		"evidence":       "0",
	}
	for j, name := range CSVHeader {
		if w, ok := want[name]; ok && inj[j] != w {
			t.Errorf("%s = %q, want %q", name, inj[j], w)
		}
	}
}
