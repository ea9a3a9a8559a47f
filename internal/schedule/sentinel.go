// Package schedule replays vendors' rule schedules over the time span of a
// hunt's data (a backtest): which runs a rule would have had, what each run
// saw, and which alerts each run raised. This file emulates Microsoft
// Sentinel scheduled rules (SEMANTICS.md §C.3).
package schedule

import (
	"context"
	"fmt"
	"strings"
	"time"

	"vigil/internal/alert"
	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/rule"
)

// Source is the data a schedule runs over.
type Source interface {
	// Window returns the tables restricted to rows whose TimeGenerated is in
	// [from, to).
	Window(from, to time.Time) exec.Catalog
}

// SentinelDelay is how long after its scheduled time Sentinel runs a
// scheduled rule, to let late data arrive.
const SentinelDelay = 5 * time.Minute

// MaxAlertsPerRun is Sentinel's limit of alerts per run with AlertPerResult
// grouping: the last one summarises the rows left over.
const MaxAlertsPerRun = 150

// maxEntities is Sentinel's limit of entities per alert.
const maxEntities = 500

// Run is one scheduled run of a rule.
type Run struct {
	Scheduled time.Time // the run's slot on the schedule
	From, To  time.Time // the TimeGenerated window it sees: [From, To)
	Now       time.Time // the time the query runs at (now(), ago())
}

// SentinelRuns returns the runs of a rule with the given frequency and period
// whose windows hold any time in [first, last]. Runs are placed on multiples
// of the frequency since the Unix epoch (a 1h rule runs on the hour): a real
// rule's slots depend on when it was enabled, and whole multiples make a
// backtest repeatable. Run k sees TimeGenerated in [T-period, T), T its
// scheduled time, and runs at T+5m (SentinelDelay); so data is looked at
// once per run whose window holds it, and overlapping windows
// (period > frequency) see an event several times, as Sentinel does.
func SentinelRuns(freq, period time.Duration, first, last time.Time) []Run {
	if freq <= 0 || period <= 0 || last.Before(first) {
		return nil
	}
	start := first.Truncate(freq).Add(freq) // first slot whose window holds first
	var runs []Run
	for t := start; !t.Add(-period).After(last); t = t.Add(freq) {
		runs = append(runs, Run{Scheduled: t, From: t.Add(-period), To: t, Now: t.Add(SentinelDelay)})
	}
	return runs
}

// Options tune a Sentinel backtest.
type Options struct {
	// First and Last bound the data's time span.
	First, Last time.Time
	// Evidence, when set, is asked for the origins of events behind each
	// alert raised by a run.
	Evidence func(a *alert.Alert, run Run)
}

// Sentinel replays rule r, whose query lowered to root, over src and returns
// its alerts in run order.
func Sentinel(ctx context.Context, r *rule.Rule, root plan.Node, src Source, opts Options) ([]*alert.Alert, error) {
	s := r.Sentinel
	if s == nil {
		return nil, fmt.Errorf("rule %s is not a Sentinel rule", r.ID)
	}
	var alerts []*alert.Alert
	var q reusable
	for _, run := range SentinelRuns(s.QueryFrequency, s.QueryPeriod, opts.First, opts.Last) {
		res, err := q.run(ctx, root, src.Window(run.From, run.To), run.Now)
		if err != nil {
			return alerts, fmt.Errorf("run at %s: %w", run.Scheduled.Format(time.RFC3339), err)
		}
		if !s.TriggerOperator.Fires(len(res.Rows), s.TriggerThreshold) {
			continue
		}
		for _, a := range sentinelAlerts(r, run, res) {
			if opts.Evidence != nil {
				opts.Evidence(a, run)
			}
			alerts = append(alerts, a)
		}
	}
	return alerts, nil
}

// sentinelAlerts turns a run's result into alerts: one for the whole result
// by default, one per row with AlertPerResult (at most MaxAlertsPerRun, the
// last summarising the rest).
func sentinelAlerts(r *rule.Rule, run Run, res *exec.Result) []*alert.Alert {
	rows := make([]alert.Row, len(res.Rows))
	for i, vals := range res.Rows {
		row := make(alert.Row, len(vals))
		for j, v := range vals {
			row[j] = alert.Field{Name: res.Columns[j].Name, Value: v}
		}
		rows[i] = row
	}
	slot := run.Scheduled.UTC().Format(time.RFC3339)
	if !r.Sentinel.AlertPerResult {
		return []*alert.Alert{newAlert(r, run, rows, alert.MakeID(r.ID, slot))}
	}
	var out []*alert.Alert
	for i := 0; i < len(rows); i++ {
		group := rows[i : i+1]
		if len(out) == MaxAlertsPerRun-1 && len(rows) > MaxAlertsPerRun {
			group = rows[i:] // the last alert holds the rest
			i = len(rows)
		}
		out = append(out, newAlert(r, run, group, alert.MakeID(r.ID, slot, fmt.Sprint(len(out)))))
	}
	return out
}

func newAlert(r *rule.Rule, run Run, rows []alert.Row, id string) *alert.Alert {
	a := &alert.Alert{
		ID:         id,
		RuleID:     r.ID,
		RuleName:   r.Name,
		RuleFormat: r.Format.String(),
		Severity:   r.Severity.String(),
		RiskScore:  r.RiskScore,
		MITRE:      r.Techniques,
		Time:       run.Now,
		Rows:       rows,
	}
	// The alert's span is that of the datetimes in its rows (StartTime,
	// EndTime, TimeGenerated…), or the run's window when they hold none.
	for _, row := range rows {
		for _, f := range row {
			if f.Value.Kind() != event.KindDatetime {
				continue
			}
			t := f.Value.Time()
			if a.FirstSeen.IsZero() || t.Before(a.FirstSeen) {
				a.FirstSeen = t
			}
			if t.After(a.LastSeen) {
				a.LastSeen = t
			}
		}
	}
	if a.FirstSeen.IsZero() {
		a.FirstSeen, a.LastSeen = run.From, run.To
	}
	for _, row := range rows {
		for _, m := range r.Sentinel.Entities {
			if len(a.Entities) >= maxEntities {
				break
			}
			if e, ok := entity(m, row); ok {
				a.AddEntity(e)
			}
		}
	}
	for _, d := range r.Sentinel.CustomDetails {
		var vals []event.Value
		for _, row := range rows {
			if v, ok := lookup(row, d.Column); ok && !v.IsNull() && !containsValue(vals, v) {
				vals = append(vals, v)
			}
		}
		a.Details = append(a.Details, alert.Field{Name: d.Name, Value: event.Array(vals...)})
	}
	return a
}

func containsValue(vals []event.Value, v event.Value) bool {
	for _, x := range vals {
		if event.Equal(x, v) {
			return true
		}
	}
	return false
}

func lookup(row alert.Row, column string) (event.Value, bool) {
	for _, f := range row {
		if f.Name == column {
			return f.Value, true
		}
	}
	return event.Null, false
}

// entity builds the entity a mapping gives for a row. Identifiers whose
// column is missing, null or empty are skipped, and a mapping with none
// left gives no entity, as Sentinel does.
func entity(m rule.EntityMapping, row alert.Row) (alert.Entity, bool) {
	e := alert.Entity{Type: alert.EntityType(m.Type)}
	ids := map[string]string{}
	for _, f := range m.Fields {
		v, ok := lookup(row, f.Column)
		if !ok || v.IsNull() {
			continue
		}
		s := v.Text()
		if s == "" {
			continue
		}
		e.Identifiers = append(e.Identifiers, alert.Field{Name: f.Identifier, Value: event.String(s)})
		ids[f.Identifier] = s
	}
	if len(e.Identifiers) == 0 {
		return e, false
	}
	e.Value = entityValue(m.Type, ids, e.Identifiers)
	return e, true
}

// entityValue picks the value that names an entity: for an account its UPN
// (FullName, else Name@UPNSuffix, else Name, else an object id), for an IP
// its address, for a host its name, for an application its id; else the
// first identifier.
func entityValue(typ string, ids map[string]string, order []alert.Field) string {
	pick := func(names ...string) string {
		for _, n := range names {
			if v := ids[n]; v != "" {
				return v
			}
		}
		return ""
	}
	var v string
	switch strings.ToLower(typ) {
	case "account":
		v = pick("FullName")
		if v == "" && ids["Name"] != "" && ids["UPNSuffix"] != "" {
			v = ids["Name"] + "@" + ids["UPNSuffix"]
		}
		if v == "" {
			v = pick("Name", "AadUserId", "ObjectGuid", "Sid", "DisplayName")
		}
	case "ip":
		v = pick("Address")
	case "host":
		v = pick("FullName", "HostName", "AzureID", "DnsDomain")
	case "cloudapplication":
		v = pick("AppId", "Name", "InstanceName")
	case "azureresource":
		v = pick("ResourceId")
	}
	if v == "" {
		v = order[0].Value.Text()
	}
	return v
}

// reusable compiles a plan on its first run and runs the compiled query for
// every later window: the windows of a source share their schemas, and
// compiling per run cost more than running over an hour of sign-ins.
type reusable struct {
	q *exec.Query
}

func (r *reusable) run(ctx context.Context, root plan.Node, cat exec.Catalog, now time.Time) (*exec.Result, error) {
	if r.q == nil {
		q, err := exec.Compile(root, cat, exec.Options{Now: now})
		if err != nil {
			return nil, err
		}
		r.q = q
	}
	return r.q.RunAt(ctx, cat, now)
}
