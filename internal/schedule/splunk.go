package schedule

// This file emulates Splunk ESCU scheduled searches with risk-based
// alerting (SEMANTICS.md §C.5).

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigil/internal/alert"
	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/rule"
)

// SplunkRuns returns the runs of a scheduled search with the given cron
// expression and relative earliest/latest times whose windows hold any time
// in [first, last]. A run scheduled at T sees _time in
// [earliest(T), latest(T)) and runs at T (now() is T). ESCU's default,
// cron "0 * * * *" over [-70m@m, -10m@m), gives back-to-back hourly
// windows, so every event is seen by exactly one run.
//
// Cron expressions are read in the subset scheduled detections use: five
// fields, minute and hour each "*", a number, a comma list of numbers or
// "*/N", day of month, month and day of week "*". Relative times are
// "now", or [+|-]N unit [@snap] with units s, m, h, d, w (and their long
// forms) and snaps to the same units.
func SplunkRuns(cron, earliest, latest string, first, last time.Time) ([]Run, error) {
	c, err := parseCron(cron)
	if err != nil {
		return nil, err
	}
	from, err := parseRelative(earliest)
	if err != nil {
		return nil, fmt.Errorf("earliest_time %q: %w", earliest, err)
	}
	to, err := parseRelative(latest)
	if err != nil {
		return nil, fmt.Errorf("latest_time %q: %w", latest, err)
	}
	if last.Before(first) {
		return nil, nil
	}
	// How far back a window reaches from its run, with room for snapping.
	ref := first.Truncate(time.Minute)
	reach := ref.Sub(from(ref)) + 8*24*time.Hour
	end := last.Add(reach)
	var runs []Run
	for t := ref; !t.After(end); t = t.Add(time.Minute) {
		if !c.matches(t) {
			continue
		}
		f, e := from(t), to(t)
		if !f.Before(e) || !e.After(first) || f.After(last) {
			continue
		}
		runs = append(runs, Run{Scheduled: t, From: f, To: e, Now: t})
		if len(runs) > maxRuns {
			return nil, fmt.Errorf("the data spans more than %d runs of schedule %q", maxRuns, cron)
		}
	}
	return runs, nil
}

// maxRuns bounds the runs of one backtest (ten years of hourly runs).
const maxRuns = 10 * 366 * 24

// cronSpec is a parsed cron expression: the minutes and hours it fires at.
type cronSpec struct {
	minutes, hours [60]bool
}

func (c *cronSpec) matches(t time.Time) bool {
	t = t.UTC()
	return c.minutes[t.Minute()] && c.hours[t.Hour()]
}

func parseCron(s string) (*cronSpec, error) {
	f := strings.Fields(s)
	if len(f) != 5 {
		return nil, fmt.Errorf("cron %q: want five fields", s)
	}
	for _, x := range f[2:] {
		if x != "*" {
			return nil, fmt.Errorf("cron %q: not supported yet: day, month or weekday other than *", s)
		}
	}
	c := &cronSpec{}
	if err := cronField(f[0], 60, c.minutes[:]); err != nil {
		return nil, fmt.Errorf("cron %q: minute: %w", s, err)
	}
	if err := cronField(f[1], 24, c.hours[:]); err != nil {
		return nil, fmt.Errorf("cron %q: hour: %w", s, err)
	}
	return c, nil
}

func cronField(s string, n int, set []bool) error {
	switch {
	case s == "*":
		for i := 0; i < n; i++ {
			set[i] = true
		}
		return nil
	case strings.HasPrefix(s, "*/"):
		step, err := strconv.Atoi(s[2:])
		if err != nil || step <= 0 || step > n {
			return fmt.Errorf("bad step %q", s)
		}
		for i := 0; i < n; i += step {
			set[i] = true
		}
		return nil
	}
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v >= n {
			return fmt.Errorf("bad value %q", p)
		}
		set[v] = true
	}
	return nil
}

// parseRelative reads a Splunk relative time modifier into a function of
// the run's time.
func parseRelative(s string) (func(time.Time) time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "now" {
		return func(t time.Time) time.Time { return t }, nil
	}
	off, snap, hasSnap := strings.Cut(s, "@")
	var d time.Duration
	if off != "" {
		sign := time.Duration(1)
		switch off[0] {
		case '-':
			sign = -1
			off = off[1:]
		case '+':
			off = off[1:]
		}
		i := 0
		for i < len(off) && off[i] >= '0' && off[i] <= '9' {
			i++
		}
		n := 1
		if i > 0 {
			n, _ = strconv.Atoi(off[:i])
		}
		u, ok := timeUnit(off[i:])
		if !ok {
			return nil, fmt.Errorf("unknown time unit %q", off[i:])
		}
		d = sign * time.Duration(n) * u
	}
	var su time.Duration
	if hasSnap {
		var ok bool
		if su, ok = timeUnit(snap); !ok || su > 24*time.Hour {
			return nil, fmt.Errorf("not supported yet: snap to %q", snap)
		}
	}
	return func(t time.Time) time.Time {
		t = t.Add(d).UTC()
		if su > 0 {
			t = t.Truncate(su)
		}
		return t
	}, nil
}

func timeUnit(u string) (time.Duration, bool) {
	switch u {
	case "s", "sec", "secs", "second", "seconds":
		return time.Second, true
	case "m", "min", "mins", "minute", "minutes":
		return time.Minute, true
	case "h", "hr", "hrs", "hour", "hours":
		return time.Hour, true
	case "d", "day", "days":
		return 24 * time.Hour, true
	case "w", "week", "weeks":
		return 7 * 24 * time.Hour, true
	}
	return 0, false
}

// EmptySource is a Source that can tell whether a window holds no rows in
// any table a search reads.
type EmptySource interface {
	Source
	// Empty reports whether every table the search reads is empty in
	// [from, to).
	Empty(from, to time.Time) bool
}

// Splunk replays the ESCU detection r, whose search lowered to root, over
// src and returns its alerts in run order: one per result row of each run,
// with the row's risk events (one per risk object and value, scored as the
// rule says), the risk message filled in from the row, and entities from
// the risk and threat objects.
func Splunk(ctx context.Context, r *rule.Rule, root plan.Node, src Source, opts Options) ([]*alert.Alert, error) {
	s := r.Splunk
	if s == nil {
		return nil, fmt.Errorf("rule %s is not a Splunk detection", r.ID)
	}
	runs, err := SplunkRuns(s.Cron, s.EarliestTime, s.LatestTime, opts.First, opts.Last)
	if err != nil {
		return nil, err
	}
	// A search that gives nothing over no events gives nothing over any
	// window without events: skip those runs (years of hourly runs over
	// sparse data). A search that does give rows on no input (stats count
	// without BY) runs every time, as Splunk runs it.
	skipEmpty := false
	e, canSkip := src.(EmptySource)
	if canSkip && len(runs) > 0 {
		res, err := exec.Run(ctx, root, src.Window(runs[0].From, runs[0].From), exec.Options{Now: runs[0].Now})
		skipEmpty = err == nil && len(res.Rows) == 0
	}
	var alerts []*alert.Alert
	var q reusable
	for _, run := range runs {
		if skipEmpty && e.Empty(run.From, run.To) {
			continue
		}
		res, err := q.run(ctx, root, src.Window(run.From, run.To), run.Now)
		if err != nil {
			return alerts, fmt.Errorf("run at %s: %w", run.Scheduled.Format(time.RFC3339), err)
		}
		for _, vals := range res.Rows {
			a := splunkAlert(r, run, res.Columns, vals)
			if opts.Evidence != nil {
				opts.Evidence(a, run)
			}
			alerts = append(alerts, a)
		}
	}
	return alerts, nil
}

// splunkAlert builds the alert of one result row.
func splunkAlert(r *rule.Rule, run Run, cols plan.Schema, vals []event.Value) *alert.Alert {
	s := r.Splunk
	row := make(alert.Row, len(vals))
	key := []byte{}
	for i, v := range vals {
		row[i] = alert.Field{Name: cols[i].Name, Value: v}
		key = append(key, cols[i].Name...)
		key = append(key, '=')
		key = v.AppendJSON(key)
		key = append(key, ';')
	}
	a := &alert.Alert{
		ID:         alert.MakeID(r.ID, run.Scheduled.UTC().Format(time.RFC3339), string(key)),
		RuleID:     r.ID,
		RuleName:   r.Name,
		RuleFormat: r.Format.String(),
		Severity:   r.Severity.String(),
		MITRE:      r.Techniques,
		Time:       run.Now,
		Rows:       []alert.Row{row},
		Message:    FillMessage(s.RiskMessage, row),
	}
	for _, o := range s.RiskObjects {
		for _, v := range fieldValues(row, o.Field) {
			a.Risks = append(a.Risks, alert.Risk{Object: v, ObjectType: o.Type, Field: o.Field, Score: o.Score})
			a.RiskScore = max(a.RiskScore, o.Score)
			a.AddEntity(alert.Entity{Type: riskEntityType(o.Type), Value: v})
		}
	}
	for _, o := range s.ThreatObjects {
		for _, v := range fieldValues(row, o.Field) {
			a.AddEntity(alert.Entity{Type: threatEntityType(o.Type), Value: v})
		}
	}
	// The span is the row's firstTime and lastTime, as ESCU searches name
	// them (epoch seconds, or text after security_content_ctime); a row
	// with one of them gets it for both, a row with neither the window.
	first, okF := rowTime(row, "firstTime")
	last, okL := rowTime(row, "lastTime")
	switch {
	case okF && okL:
		a.FirstSeen, a.LastSeen = first, last
	case okF:
		a.FirstSeen, a.LastSeen = first, first
	case okL:
		a.FirstSeen, a.LastSeen = last, last
	default:
		a.FirstSeen, a.LastSeen = run.From, run.To
	}
	return a
}

// FillMessage fills a risk message template: each $field$ becomes the
// row's value of field, several values joined by ", ". A token naming no
// field of the row, or one without a value, is left as written.
func FillMessage(tmpl string, row alert.Row) string {
	if !strings.Contains(tmpl, "$") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '$')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i+1:], '$')
		if j < 0 {
			break
		}
		name := tmpl[i+1 : i+1+j]
		b.WriteString(tmpl[:i])
		if vals := fieldValues(row, name); name != "" && len(vals) > 0 {
			b.WriteString(strings.Join(vals, ", "))
		} else {
			b.WriteString(tmpl[i : i+j+2])
		}
		tmpl = tmpl[i+j+2:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// fieldValues returns the non-empty text values of a row's field: one per
// value of a multivalue field.
func fieldValues(row alert.Row, name string) []string {
	v, ok := lookup(row, name)
	if !ok || v.IsNull() {
		return nil
	}
	if v.Kind() == event.KindArray {
		var out []string
		for _, e := range v.Elems() {
			if s := e.Text(); s != "" && !e.IsNull() {
				out = append(out, s)
			}
		}
		return out
	}
	if s := v.Text(); s != "" {
		return []string{s}
	}
	return nil
}

// rowTime reads a time column: a datetime, epoch seconds, or the text
// security_content_ctime writes (%Y-%m-%dT%H:%M:%S, UTC).
func rowTime(row alert.Row, name string) (time.Time, bool) {
	v, ok := lookup(row, name)
	if !ok {
		return time.Time{}, false
	}
	switch v.Kind() {
	case event.KindDatetime:
		return v.Time(), true
	case event.KindLong, event.KindReal:
		sec := v.AsReal()
		return time.Unix(0, int64(sec*1e9)).UTC(), true
	case event.KindString:
		for _, layout := range []string{"2006-01-02T15:04:05", time.RFC3339Nano, "01/02/2006 15:04:05"} {
			if t, err := time.Parse(layout, v.Str()); err == nil {
				return t.UTC(), true
			}
		}
		if sec, err := strconv.ParseFloat(v.Str(), 64); err == nil {
			return time.Unix(0, int64(sec*1e9)).UTC(), true
		}
	}
	return time.Time{}, false
}

// riskEntityType maps an ESCU risk object type to an alert entity type.
func riskEntityType(t string) string {
	switch strings.ToLower(t) {
	case "user":
		return "user"
	case "system":
		return "device"
	}
	return "other"
}

// threatEntityType maps an ESCU threat object type to an alert entity type.
func threatEntityType(t string) string {
	switch strings.ToLower(t) {
	case "ip_address", "ip":
		return "ip"
	}
	return strings.ToLower(t)
}
