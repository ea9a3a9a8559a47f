package schedule

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/alert"
	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/rule"
)

func TestSplunkRuns(t *testing.T) {
	tests := []struct {
		name                   string
		cron, earliest, latest string
		first, last            string
		want                   []string
	}{
		{
			"ESCU TTP default over data from 08:55 to 10:05",
			"0 * * * *", "-70m@m", "-10m@m", "2024-05-02T08:55:00Z", "2024-05-02T10:05:00Z",
			[]string{"10:00 [08:50, 09:50)", "11:00 [09:50, 10:50)"},
		},
		{
			"an event exactly at a window's end belongs to the next run",
			"0 * * * *", "-70m@m", "-10m@m", "2024-05-02T09:50:00Z", "2024-05-02T09:50:00Z",
			[]string{"11:00 [09:50, 10:50)"},
		},
		{
			"every 15 minutes over the last 20, snapped",
			"*/15 * * * *", "-20m@m", "now", "2024-05-02T09:01:30Z", "2024-05-02T09:02:00Z",
			[]string{"09:15 [08:55, 09:15)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runs, err := SplunkRuns(tc.cron, tc.earliest, tc.latest, ts(tc.first), ts(tc.last))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range runs {
				got = append(got, r.Scheduled.Format("15:04")+" ["+r.From.Format("15:04")+", "+r.To.Format("15:04")+")")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range []struct{ cron, earliest, want string }{
		{"0 * * *", "-1h", `cron "0 * * *": want five fields`},
		{"0 * 1 * *", "-1h", `cron "0 * 1 * *": not supported yet: day, month or weekday other than *`},
		{"61 * * * *", "-1h", `cron "61 * * * *": minute: bad value "61"`},
		{"0 * * * *", "-1fortnight", `earliest_time "-1fortnight": unknown time unit "fortnight"`},
		{"0 * * * *", "-1h@mon", `earliest_time "-1h@mon": not supported yet: snap to "mon"`},
	} {
		_, err := SplunkRuns(tc.cron, tc.earliest, "now", ts("2024-05-02T09:00:00Z"), ts("2024-05-02T10:00:00Z"))
		if err == nil || err.Error() != tc.want {
			t.Errorf("SplunkRuns(%q, %q) error = %v, want %s", tc.cron, tc.earliest, err, tc.want)
		}
	}
}

func TestFillMessage(t *testing.T) {
	row := alert.Row{
		{Name: "user", Value: event.String("alice@contoso.com")},
		{Name: "src", Value: event.Array(event.String("192.0.2.1"), event.String("192.0.2.2"))},
		{Name: "empty", Value: event.Null},
	}
	for _, tc := range []struct{ in, want string }{
		{"User $user$ denied consent", "User alice@contoso.com denied consent"},
		{"from $src$", "from 192.0.2.1, 192.0.2.2"},
		{"$empty$ and $nope$ and $ and $$", "$empty$ and $nope$ and $ and $$"},
		{"no tokens", "no tokens"},
	} {
		if got := FillMessage(tc.in, row); got != tc.want {
			t.Errorf("FillMessage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// windowed is a Source over one table whose column 0 is the time.
type windowed struct{ t *exec.MemTable }

func (w windowed) Window(from, to time.Time) exec.Catalog {
	out := &exec.MemTable{Columns: w.t.Columns}
	for _, r := range w.t.Rows {
		if tm := r[0].Time(); !tm.Before(from) && tm.Before(to) {
			out.Rows = append(out.Rows, r)
		}
	}
	return exec.MemCatalog{"findings": out}
}

func TestSplunkRiskAlerts(t *testing.T) {
	tab := &exec.MemTable{
		Columns: plan.Schema{{Name: "_time", Type: plan.TypeDatetime}, {Name: "user", Type: plan.TypeDynamic}, {Name: "src_ip", Type: plan.TypeString}, {Name: "firstTime", Type: plan.TypeString}, {Name: "lastTime", Type: plan.TypeString}},
		Rows: [][]event.Value{
			{event.Datetime(ts("2024-05-02T09:00:00Z")), event.String("alice@contoso.com"), event.String("192.0.2.1"), event.String("2024-05-02T08:55:00"), event.String("2024-05-02T09:00:00")},
			{event.Datetime(ts("2024-05-02T09:10:00Z")), event.Array(event.String("bob@contoso.com"), event.String("carol@contoso.com")), event.String(""), event.Null, event.String("2024-05-02T09:10:00")},
		},
	}
	r := &rule.Rule{ID: "r1", Name: "Consent", Format: rule.FormatSplunk, Severity: rule.SeverityMedium, Techniques: []string{"T1528"}, Splunk: &rule.Splunk{
		Cron: "0 * * * *", EarliestTime: "-70m@m", LatestTime: "-10m@m",
		RiskMessage:   "User $user$ declined consent",
		RiskObjects:   []rule.RiskObject{{Field: "user", Type: "user", Score: 50}},
		ThreatObjects: []rule.ThreatObject{{Field: "src_ip", Type: "ip_address"}},
	}}
	root := &plan.Scan{Table: "findings"}
	alerts, err := Splunk(context.Background(), r, root, windowed{tab}, Options{First: ts("2024-05-02T09:00:00Z"), Last: ts("2024-05-02T09:10:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range alerts {
		got = append(got, string(a.AppendJSON(nil)))
	}
	if len(got) != 2 {
		t.Fatalf("%d alerts:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, want := range []string{
		`"risk_score":50,"message":"User alice@contoso.com declined consent","risks":[{"object":"alice@contoso.com","object_type":"user","field":"user","score":50}],"mitre":["T1528"],"time":"2024-05-02T10:00:00Z","first_seen":"2024-05-02T08:55:00Z","last_seen":"2024-05-02T09:00:00Z","entities":[{"type":"user","value":"alice@contoso.com"},{"type":"ip","value":"192.0.2.1"}]`,
		`"risk_score":50,"message":"User bob@contoso.com, carol@contoso.com declined consent","risks":[{"object":"bob@contoso.com","object_type":"user","field":"user","score":50},{"object":"carol@contoso.com","object_type":"user","field":"user","score":50}],"mitre":["T1528"],"time":"2024-05-02T10:00:00Z","first_seen":"2024-05-02T09:10:00Z","last_seen":"2024-05-02T09:10:00Z","entities":[{"type":"user","value":"bob@contoso.com"},{"type":"user","value":"carol@contoso.com"}]`,
	} {
		if !strings.Contains(got[i], want) {
			t.Errorf("alert %d:\n%s\nwant it to contain\n%s", i+1, got[i], want)
		}
	}
	if alerts[0].ID == alerts[1].ID {
		t.Errorf("alerts share id %s", alerts[0].ID)
	}
	again, _ := Splunk(context.Background(), r, root, windowed{tab}, Options{First: ts("2024-05-02T09:00:00Z"), Last: ts("2024-05-02T09:10:00Z")})
	if again[0].ID != alerts[0].ID {
		t.Errorf("ids are not deterministic")
	}
}

// counting is a windowed source that can tell empty windows and counts
// the windows it is asked for.
type counting struct {
	windowed
	windows int
}

func (c *counting) Window(from, to time.Time) exec.Catalog {
	c.windows++
	return c.windowed.Window(from, to)
}

func (c *counting) Empty(from, to time.Time) bool {
	for _, r := range c.t.Rows {
		if tm := r[0].Time(); !tm.Before(from) && tm.Before(to) {
			return false
		}
	}
	return true
}

func TestSplunkSkipsEmptyWindows(t *testing.T) {
	tab := &exec.MemTable{
		Columns: plan.Schema{{Name: "_time", Type: plan.TypeDatetime}, {Name: "user", Type: plan.TypeString}},
		Rows: [][]event.Value{
			{event.Datetime(ts("2024-05-02T00:00:00Z")), event.String("a")},
			{event.Datetime(ts("2024-05-03T00:00:00Z")), event.String("b")},
		},
	}
	r := &rule.Rule{ID: "r", Format: rule.FormatSplunk, Splunk: &rule.Splunk{Cron: "0 * * * *", EarliestTime: "-70m@m", LatestTime: "-10m@m"}}
	opts := Options{First: ts("2024-05-02T00:00:00Z"), Last: ts("2024-05-03T00:00:00Z")}
	scan := &plan.Scan{Table: "findings"}
	// 25 hourly runs; a search with nothing on no input runs only over
	// the two windows with events (plus one probe over no events).
	src := &counting{windowed: windowed{tab}}
	alerts, err := Splunk(context.Background(), r, scan, src, opts)
	if err != nil || len(alerts) != 2 || src.windows != 3 {
		t.Errorf("scan: %d alerts, %d windows, err %v; want 2 alerts over 3 windows", len(alerts), src.windows, err)
	}
	// stats count without BY gives a row over no events: every run runs
	// and raises (count 0 included), as Splunk would.
	count := &plan.Aggregate{Input: scan, Aggs: []plan.Agg{{Name: "count", Func: "count"}}}
	src = &counting{windowed: windowed{tab}}
	alerts, err = Splunk(context.Background(), r, count, src, opts)
	if err != nil || len(alerts) != 25 {
		t.Errorf("count: %d alerts, err %v; want 25", len(alerts), err)
	}
}
