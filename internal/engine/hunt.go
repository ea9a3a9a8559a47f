package engine

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"vigil/internal/alert"
	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/query/kql"
	"vigil/internal/rule"
	"vigil/internal/schedule"
	"vigil/internal/schema"
)

// Views is the data of a hunt as the rule languages see it: a catalog of
// tables (the Sentinel views of the sign-ins and the exported tables) that
// can be restricted to a time window.
type Views interface {
	exec.Catalog
	Window(from, to time.Time) exec.Catalog
}

// SentinelViews returns the data as Microsoft Sentinel shows it: the sign-ins
// as rows of their Log Analytics tables and the exported tables by name.
func SentinelViews(d *Data) Views { return sentinelViews{schema.New(d.Events, d.Tables)} }

type sentinelViews struct{ *schema.Catalog }

func (v sentinelViews) Window(from, to time.Time) exec.Catalog { return v.Catalog.Window(from, to) }

// RuleRun is what happened to one rule in a hunt.
type RuleRun struct {
	*LoadedRule
	Alerts int
	// Err is a failure while running (after a successful compile).
	Err error
	// Warnings are what the vendor would have shown on the rule without
	// failing it (Elastic: runs that reached max_signals).
	Warnings []string
}

// HuntResult is the outcome of running rules over data.
type HuntResult struct {
	Alerts []*alert.Alert
	Rules  []*RuleRun
}

// Hunt compiles every loaded rule against the views of its format and
// replays its schedule over the time span of the sign-ins. A rule that does
// not compile gets its diagnostics (positioned in its file) and does not run;
// the others still do. Alerts are sorted by time, then rule.
func Hunt(ctx context.Context, data *Data, set *RuleSet) *HuntResult {
	return HuntWith(ctx, data, set, HuntOptions{})
}

// HuntWith is Hunt with options (SPL macros and lookups).
//
// Rules run concurrently, up to opts.Workers at a time (0 means
// GOMAXPROCS): each rule's compile and schedule replay is independent of the
// others', the views they share are immutable once built, and the results
// are gathered in rule order, so the outcome does not depend on the number
// of workers.
func HuntWith(ctx context.Context, data *Data, set *RuleSet, opts HuntOptions) *HuntResult {
	h := &hunt{ctx: ctx, data: data, set: set, evidence: newEvidenceIndex(data.Events), opts: opts}
	h.reach = data.reachOf(set, opts)
	h.first, h.last, h.haveData = data.TimeRange()
	res := &HuntResult{Rules: make([]*RuleRun, len(set.Rules))}
	perRule := make([][]*alert.Alert, len(set.Rules))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(set.Rules)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res.Rules[i], perRule[i] = h.run(i, set.Rules[i])
			}
		}()
	}
	for i := range set.Rules {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, alerts := range perRule {
		res.Alerts = append(res.Alerts, alerts...)
	}
	alert.Sort(res.Alerts)
	return res
}

// run runs one rule. It may run concurrently with the other rules' runs: it
// writes only to l and to what it returns.
func (h *hunt) run(i int, l *LoadedRule) (*RuleRun, []*alert.Alert) {
	run := &RuleRun{LoadedRule: l}
	if !l.OK() {
		return run, nil
	}
	if r := h.data.retain; r != nil && r.set != h.set {
		// The sign-ins this rule needs may not have been kept.
		run.Err = errors.New("the data was read for another rule set (ReadOptions.Retain)")
		return run, nil
	}
	var alerts []*alert.Alert
	var diags diag.List
	switch l.Rule.Format {
	case rule.FormatSentinel:
		alerts, diags, run.Err = h.sentinel(i, l.Rule)
	case rule.FormatSplunk:
		alerts, diags, run.Err = h.splunk(i, l.Rule)
	case rule.FormatElastic:
		alerts, diags, run.Err = h.elastic(l.Rule, &run.Warnings)
	default:
		diags.Add(diag.Unsupported(l.File, diag.Pos{}, l.Rule.Format.String(), l.Rule.Format.String()+" rules"))
	}
	l.Diags = append(l.Diags, diags...)
	if since := h.opts.AlertsSince; !since.IsZero() {
		alerts = slices.DeleteFunc(alerts, func(a *alert.Alert) bool { return a.Time.Before(since) })
	}
	run.Alerts = len(alerts)
	return run, alerts
}

// hunt is the state of one Hunt: the data, and the views of each format,
// built once, on first use, by whichever rule needs them first.
type hunt struct {
	ctx         context.Context
	data        *Data
	set         *RuleSet
	reach       reach // which rules each sign-in can reach, for evidence
	first, last time.Time
	haveData    bool
	evidence    *evidenceIndex
	opts        HuntOptions

	sentinelOnce sync.Once
	sentinelV    Views
	splunkOnce   sync.Once
	splunkS      *splunkHunt
	elasticOnce  sync.Once
	elasticS     *elasticHunt
	stateMu      sync.Mutex // guards opts.State, which is not safe for concurrent use
}

// sentinel runs a Microsoft Sentinel rule.
func (h *hunt) sentinel(bit int, r *rule.Rule) ([]*alert.Alert, diag.List, error) {
	h.sentinelOnce.Do(func() { h.sentinelV = SentinelViews(h.data) })
	root, diags := compile(r.Language, r.Query, r.File, r.Mapper, catalogResolver{h.sentinelV})
	if len(diags) > 0 || !h.haveData {
		return nil, diags, nil
	}
	alerts, err := schedule.Sentinel(h.ctx, r, root, h.sentinelV, schedule.Options{First: h.first, Last: h.last, Evidence: h.evidence.forRule(h.reach, bit)})
	return alerts, nil, err
}

// compile lowers a rule's query into a plan; its diagnostics are positioned
// in the rule file.
func compile(lang, query, file string, mapper diag.Mapper, r plan.Resolver) (plan.Node, diag.List) {
	var list diag.List
	if lang != "kql" {
		list.Add(diag.Unsupported(file, diag.Pos{}, lang, lang+" queries"))
		return nil, list
	}
	root, err := kql.Compile(query, r)
	if err == nil {
		return root, nil
	}
	var de *diag.Error
	if errors.As(err, &de) {
		e := *de
		e.File = file
		if mapper != nil {
			e.Pos = mapper(e.Pos)
		}
		list.Add(&e)
		return nil, list
	}
	list.Add(diag.Errorf(file, diag.Pos{}, lang, "%v", err))
	return nil, list
}

// catalogResolver gives the front-ends the schemas of a catalog's tables.
type catalogResolver struct{ cat exec.Catalog }

func (r catalogResolver) TableSchema(name string) (plan.Schema, bool) {
	t, ok := r.cat.Table(name)
	if !ok {
		return nil, false
	}
	return t.Schema(), true
}

// evidenceIndex finds the sign-ins behind an alert: those in the run's
// window whose user (case-insensitively) or IP address is one of the
// alert's entities. The executor does not trace rows back to events, so
// this is the evidence an investigator would pull first, not a lineage.
type evidenceIndex struct {
	events []event.SignIn
	order  []int // events by time
	times  []int64
}

func newEvidenceIndex(events []event.SignIn) *evidenceIndex {
	x := &evidenceIndex{events: events}
	for i := range events {
		if t, ok := events[i].EventTime(); ok {
			x.order = append(x.order, i)
			x.times = append(x.times, t.UnixNano())
		}
	}
	sort.Sort(byTime{x})
	return x
}

type byTime struct{ x *evidenceIndex }

func (b byTime) Len() int { return len(b.x.order) }
func (b byTime) Less(i, j int) bool {
	if b.x.times[i] != b.x.times[j] {
		return b.x.times[i] < b.x.times[j]
	}
	return b.x.order[i] < b.x.order[j]
}
func (b byTime) Swap(i, j int) {
	b.x.order[i], b.x.order[j] = b.x.order[j], b.x.order[i]
	b.x.times[i], b.x.times[j] = b.x.times[j], b.x.times[i]
}

// entityKeys returns an alert's users (lower-cased) and IP addresses, which
// evidence is matched on.
func entityKeys(a *alert.Alert) (users, ips map[string]bool) {
	users, ips = map[string]bool{}, map[string]bool{}
	for _, e := range a.Entities {
		switch e.Type {
		case "user":
			users[strings.ToLower(e.Value)] = true
		case "ip":
			ips[e.Value] = true
		}
	}
	return users, ips
}

// forRule returns the evidence of rule bit: the sign-ins that pass the
// rule's own filters (see Retention).
func (x *evidenceIndex) forRule(r reach, bit int) func(*alert.Alert, schedule.Run) {
	return func(a *alert.Alert, run schedule.Run) { x.add(a, run, r, bit) }
}

func (x *evidenceIndex) add(a *alert.Alert, run schedule.Run, r reach, bit int) {
	users, ips := entityKeys(a)
	if len(users) == 0 && len(ips) == 0 {
		return
	}
	from, to := run.From.UnixNano(), run.To.UnixNano()
	i := sort.Search(len(x.times), func(i int) bool { return x.times[i] >= from })
	for ; i < len(x.times) && x.times[i] < to; i++ {
		if !r.has(x.order[i], bit) {
			continue
		}
		ev := &x.events[x.order[i]]
		upn, _ := ev.Str(event.FUserPrincipalName)
		ip, _ := ev.Str(event.FIPAddress)
		if users[strings.ToLower(upn)] || (ip != "" && ips[ip]) {
			a.AddEvidence(ev.Origin)
		}
	}
}
