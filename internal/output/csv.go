package output

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"vigil/internal/alert"
)

// CSVHeader is the header row of the CSV timeline.
var CSVHeader = []string{
	"time", "severity", "rule_format", "rule_id", "rule_name", "risk_score",
	"first_seen", "last_seen", "users", "ips", "apps", "other_entities",
	"message", "evidence", "id",
}

// entitySep joins the values of one entity column: values such as
// application names hold spaces, none holds a semicolon and a space.
const entitySep = "; "

// WriteCSV writes the alerts as a timeline: a header row, then one row per
// alert in time order (then rule id, then alert id). Entity columns list
// values separated by "; ", other_entities as type:value; evidence counts the
// events behind the alert, those left out included; risk_score and zero
// times are empty cells.
//
// Every cell is made safe to open in a spreadsheet ([SafeCell]).
func WriteCSV(w io.Writer, alerts []*alert.Alert) error {
	sorted := append([]*alert.Alert(nil), alerts...)
	alert.Sort(sorted)
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	rec := make([]string, len(CSVHeader))
	for _, a := range sorted {
		var users, ips, apps, other []string
		for _, e := range a.Entities {
			switch e.Type {
			case "user":
				users = append(users, e.Value)
			case "ip":
				ips = append(ips, e.Value)
			case "app":
				apps = append(apps, e.Value)
			default:
				other = append(other, e.Type+":"+e.Value)
			}
		}
		risk := ""
		if a.RiskScore > 0 {
			risk = strconv.Itoa(a.RiskScore)
		}
		rec = append(rec[:0],
			csvTime(a.Time), a.Severity, a.RuleFormat, a.RuleID, a.RuleName, risk,
			csvTime(a.FirstSeen), csvTime(a.LastSeen),
			strings.Join(users, entitySep), strings.Join(ips, entitySep),
			strings.Join(apps, entitySep), strings.Join(other, entitySep),
			a.Message, strconv.Itoa(len(a.Evidence)+a.Truncated), a.ID)
		for i := range rec {
			rec[i] = SafeCell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// SafeCell neutralises a cell that a spreadsheet would read as a formula:
// one starting with =, +, -, @, a tab or a carriage return gets a leading
// single quote, so it is shown as the text it is. Log values are chosen by
// whoever signs in (a user agent, an application name), so an alert's cells
// are untrusted.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
