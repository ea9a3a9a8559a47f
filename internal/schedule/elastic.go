package schedule

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"vigil/internal/alert"
	"vigil/internal/event"
	"vigil/internal/rule"
	"vigil/internal/state"
)

// This file emulates the Elastic detection engine (SEMANTICS.md §C.1):
// a rule runs every Interval over [now-From, now], inclusive at both ends,
// on its timestamp (the override field, else @timestamp). Query rules alert
// on every matching document; new_terms rules on term tuples not seen in
// the history window; threshold rules on groups whose count reaches the
// threshold. Alert ids are deterministic, so the overlap of consecutive
// windows raises nothing twice, as Elastic's alerts index deduplicates.
//
// The query is evaluated once per hunt, not once per run: the schedule
// takes the matching documents and replays the runs over them, in time
// order, keeping per term tuple its latest occurrence (and, across hunts,
// its occurrences in a state.Table) instead of searching the history again
// at every run.

// ElasticDoc is one document that matches an Elastic rule's query.
type ElasticDoc struct {
	// Time is the document's time for the rule: its timestamp override
	// (event.ingested) when it has one, else @timestamp; Unix nanoseconds.
	Time int64
	// ID is the document's id (_id); with Index it names the document in
	// alert ids.
	ID    string
	Index string
	// Values are the values of ElasticInput.Fields, in order; null when the
	// document lacks the field, an array for a multi-valued field.
	Values []event.Value
	Origin event.Origin
}

// ElasticInput is what an Elastic schedule runs over: the documents that
// match the rule's query, in any order, and the names of their Values.
// Fields must name the rule's new-terms or threshold fields, and may name
// more (entity fields, investigation fields), which alerts carry as the
// row of their source document.
type ElasticInput struct {
	Fields []string
	Docs   []ElasticDoc
}

// EntityField says which document field gives an alert entity of a type
// (user, app, ip, tenant).
type EntityField struct {
	Type, Field string
}

// ElasticOptions tune an Elastic backtest.
type ElasticOptions struct {
	// State holds the occurrences of the rule's term tuples (new_terms
	// rules) that earlier hunts saw, at the resolution HistoryGap; on
	// return it holds this hunt's too, pruned to HistoryRetention. Nil
	// means an empty, in-memory history.
	State state.Table
	// AlertsSince, when set, drops the alerts of runs before it; earlier
	// documents still count as history and in windows.
	AlertsSince time.Time
	// Entities are the fields alerts take their entities from.
	Entities []EntityField
}

// ElasticResult is the outcome of an Elastic backtest.
type ElasticResult struct {
	Alerts []*alert.Alert
	// Runs is the number of scheduled runs whose window held a document.
	Runs int
	// Warnings are the runs that reached max_signals and left alerts out,
	// as Elastic reports them on the rule, and history the state no longer
	// holds.
	Warnings []string
	// AlreadyRaised counts the alerts of new_terms runs whose source
	// document an earlier hunt sharing the state held, not this one: that
	// hunt raised them, and they are not raised again.
	AlreadyRaised int
}

// ElasticRun is one scheduled run of an Elastic rule: it sees the
// documents whose time is in [From, To] (both inclusive) and runs at To.
type ElasticRun struct {
	From, To int64 // Unix nanoseconds
}

// ElasticRuns returns the runs of a rule with the given interval and
// look-back whose windows hold any time in [first, last] (Unix
// nanoseconds). Runs are placed on multiples of the interval since the
// Unix epoch, as for Sentinel rules: a real rule's runs depend on when it
// was enabled, and whole multiples make a backtest repeatable.
func ElasticRuns(interval, lookback time.Duration, first, last int64) []ElasticRun {
	if interval <= 0 || last < first {
		return nil
	}
	iv := int64(interval)
	k := ceilDiv(first, iv)
	var runs []ElasticRun
	for to := k * iv; to-int64(lookback) <= last; to += iv {
		runs = append(runs, ElasticRun{From: to - int64(lookback), To: to})
	}
	return runs
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

// Elastic replays the Elastic rule r over the documents matching its query.
func Elastic(r *rule.Rule, in ElasticInput, opts ElasticOptions) (*ElasticResult, error) {
	e := r.Elastic
	if e == nil {
		return nil, fmt.Errorf("rule %s is not an Elastic rule", r.ID)
	}
	if e.Interval <= 0 {
		return nil, fmt.Errorf("rule %s: interval %s is not positive", r.ID, e.Interval)
	}
	s := &elasticSched{r: r, in: in, opts: opts, emitted: map[string]bool{}, res: &ElasticResult{}}
	s.docs = make([]int, len(in.Docs))
	for i := range s.docs {
		s.docs[i] = i
	}
	// Time order, ties by id and origin, so that results never depend on
	// the order of the input.
	slices.SortFunc(s.docs, func(i, j int) int {
		a, b := &in.Docs[i], &in.Docs[j]
		switch {
		case a.Time != b.Time:
			return cmp.Compare(a.Time, b.Time)
		case a.ID != b.ID:
			return strings.Compare(a.ID, b.ID)
		case a.Origin.File != b.Origin.File:
			return strings.Compare(a.Origin.File, b.Origin.File)
		case a.Origin.Record != b.Origin.Record:
			return cmp.Compare(a.Origin.Record, b.Origin.Record)
		}
		return cmp.Compare(i, j)
	})
	s.times = make([]int64, len(s.docs))
	for i, d := range s.docs {
		s.times[i] = in.Docs[d].Time
	}
	if len(s.docs) == 0 {
		return s.res, nil
	}
	var err error
	switch e.Type {
	case rule.ElasticQuery:
		s.query()
	case rule.ElasticNewTerms:
		err = s.newTerms()
	case rule.ElasticThreshold:
		err = s.threshold()
	default:
		err = fmt.Errorf("rule %s: not supported yet: %s rules", r.ID, e.Type)
	}
	return s.res, err
}

// elasticSched is one backtest of one rule.
type elasticSched struct {
	r       *rule.Rule
	in      ElasticInput
	opts    ElasticOptions
	docs    []int   // indexes into in.Docs, in time order
	times   []int64 // times[i] is the time of docs[i]
	emitted map[string]bool
	res     *ElasticResult
}

// runs returns the runs over the documents' time span.
func (s *elasticSched) runs() []ElasticRun {
	e := s.r.Elastic
	return ElasticRuns(e.Interval, e.From, s.times[0], s.times[len(s.times)-1])
}

// window returns the range [lo, hi) of s.docs whose time is in [from, to].
func (s *elasticSched) window(run ElasticRun) (lo, hi int) {
	lo = sort.Search(len(s.times), func(i int) bool { return s.times[i] >= run.From })
	hi = sort.Search(len(s.times), func(i int) bool { return s.times[i] > run.To })
	return lo, hi
}

// raise reports whether a run raises the alert with the given id: not when
// an earlier run raised it (Elastic's alerts index keeps one document per
// id). It records the id as raised; the caller then builds the alert and
// passes it to report.
func (s *elasticSched) raise(id string) bool {
	if s.emitted[id] {
		return false
	}
	s.emitted[id] = true
	return true
}

// report adds an alert raised by run, unless the run is before
// AlertsSince: such an alert is not reported but still counts as raised.
func (s *elasticSched) report(run ElasticRun, a *alert.Alert) {
	if !s.opts.AlertsSince.IsZero() && run.To < s.opts.AlertsSince.UnixNano() {
		return
	}
	s.res.Alerts = append(s.res.Alerts, a)
}

// truncated records a run that had more alerts than max_signals.
func (s *elasticSched) truncated(run ElasticRun, n int) {
	s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("run at %s reached max_signals (%d): %d alert(s) were not created",
		time.Unix(0, run.To).UTC().Format(time.RFC3339), s.r.Elastic.MaxSignals, n-s.r.Elastic.MaxSignals))
}

// query runs a query rule: every document in a run's window is an alert,
// at most max_signals per run, oldest first; the document's id makes the
// alert id, so a document in two windows alerts once.
func (s *elasticSched) query() {
	max := s.r.Elastic.MaxSignals
	for _, run := range s.runs() {
		lo, hi := s.window(run)
		if lo == hi {
			continue
		}
		s.res.Runs++
		if hi-lo > max {
			s.truncated(run, hi-lo)
			hi = lo + max
		}
		for _, d := range s.docs[lo:hi] {
			doc := &s.in.Docs[d]
			if id := alert.MakeID(doc.Index, doc.ID, s.r.ID); s.raise(id) {
				s.report(run, s.newAlert(run, id, doc))
			}
		}
	}
}

// newAlert builds an alert of the rule raised at run about the source
// document doc.
func (s *elasticSched) newAlert(run ElasticRun, id string, doc *ElasticDoc) *alert.Alert {
	r := s.r
	t := time.Unix(0, doc.Time).UTC()
	a := &alert.Alert{
		ID:         id,
		RuleID:     r.ID,
		RuleName:   r.Name,
		RuleFormat: r.Format.String(),
		Severity:   r.Severity.String(),
		RiskScore:  r.RiskScore,
		MITRE:      r.Techniques,
		Time:       time.Unix(0, run.To).UTC(),
		FirstSeen:  t,
		LastSeen:   t,
	}
	if doc == nil {
		return a
	}
	row := make(alert.Row, 0, len(s.in.Fields))
	for i, f := range s.in.Fields {
		if !doc.Values[i].IsNull() {
			row = append(row, alert.Field{Name: f, Value: doc.Values[i]})
		}
	}
	a.Rows = []alert.Row{row}
	for _, ef := range s.opts.Entities {
		i := slices.Index(s.in.Fields, ef.Field)
		if i < 0 {
			continue
		}
		for _, v := range elems(doc.Values[i]) {
			if txt := v.Text(); txt != "" {
				a.AddEntity(alert.Entity{Type: ef.Type, Value: txt, Identifiers: []alert.Field{{Name: ef.Field, Value: v}}})
			}
		}
	}
	a.AddEvidence(doc.Origin)
	return a
}

// elems returns the values of a field as Elasticsearch indexes them: the
// distinct non-null scalar elements of an array, or the value itself.
// Objects are not terms.
func elems(v event.Value) []event.Value {
	switch v.Kind() {
	case event.KindNull, event.KindObject:
		return nil
	case event.KindArray:
		var out []event.Value
		for _, x := range v.Elems() {
			if x.IsNull() || x.Kind() == event.KindObject || x.Kind() == event.KindArray {
				continue
			}
			if !slices.ContainsFunc(out, func(y event.Value) bool { return event.Equal(x, y) }) {
				out = append(out, x)
			}
		}
		return out
	}
	return []event.Value{v}
}

// tuple is one term tuple of a document: its values in field order and
// their key.
type tuple struct {
	key    string
	values []event.Value
}

// tuples returns the term tuples of a document for the fields at idx: the
// cartesian product of each field's values, none when a field has no
// value (a composite aggregation skips documents missing a source).
func tuples(doc *ElasticDoc, idx []int) []tuple { return appendTuples(nil, doc, idx) }

// appendTuples appends the term tuples of a document to dst.
func appendTuples(dst []tuple, doc *ElasticDoc, idx []int) []tuple {
	// Most documents have one value per field: one tuple, one allocation
	// for its values.
	single := true
	for _, i := range idx {
		switch doc.Values[i].Kind() {
		case event.KindNull, event.KindObject:
			return dst
		case event.KindArray:
			single = false
		}
	}
	if single {
		t := tuple{values: make([]event.Value, len(idx))}
		var buf [128]byte
		key := buf[:0]
		for j, i := range idx {
			t.values[j] = doc.Values[i]
			key = event.AppendKey(key, doc.Values[i])
		}
		t.key = string(key)
		return append(dst, t)
	}
	out := []tuple{{}}
	for _, i := range idx {
		vals := elems(doc.Values[i])
		if len(vals) == 0 {
			return dst
		}
		next := make([]tuple, 0, len(out)*len(vals))
		for _, t := range out {
			for _, v := range vals {
				next = append(next, tuple{values: append(slices.Clip(t.values), v)})
			}
		}
		out = next
	}
	var buf []byte
	for i := range out {
		buf = buf[:0]
		for _, v := range out[i].values {
			buf = event.AppendKey(buf, v)
		}
		out[i].key = string(buf)
	}
	return append(dst, out...)
}

// fieldIndexes returns the positions of names in the input's fields.
func (s *elasticSched) fieldIndexes(names []string) ([]int, error) {
	idx := make([]int, len(names))
	for j, n := range names {
		idx[j] = slices.Index(s.in.Fields, n)
		if idx[j] < 0 {
			return nil, fmt.Errorf("rule %s: field %s is not among the document fields", s.r.ID, n)
		}
	}
	return idx, nil
}

// HistoryRetention is how long a state table keeps a new_terms rule's
// occurrences beyond its history window, counted back from the newest one:
// hunting data older than that (an earlier week after a later one) still
// sees the history an earlier hunt recorded, up to 90 days back.
const HistoryRetention = 90 * 24 * time.Hour

// HistoryGap returns the resolution a state table needs for the new_terms
// rule r (state.Table): a run asks whether a term occurred in [to-history,
// to-lookback], a stretch of history − lookback.
func HistoryGap(r *rule.Rule) int64 {
	return max(int64(r.Elastic.HistoryWindow-r.Elastic.From), 0)
}

// newTerms runs a new_terms rule (SEMANTICS.md §C.1). A run [from, to]
// alerts on each tuple of its window with no occurrence in [to-history,
// from]: its first time in [to-history, to] is after from. The alert's
// source document is the tuple's earliest document in the window; its id
// hashes that document, the rule and the tuple, so a later run that still
// finds the tuple new (its first document inside both windows) raises the
// same id.
//
// History is this hunt's documents and the occurrences that the state
// (opts.State) holds from earlier hunts, however their data relates in
// time: the state answers exactly whether a tuple occurred in a stretch
// (state.Table). A tuple whose earliest occurrence in the window is one of
// an earlier hunt's is not alerted again: that hunt saw it first, and
// raised its alert if it was new (ElasticResult.AlreadyRaised counts
// them). So hunting the parts of some data one after another with one
// state raises the alerts of one hunt over all of it, each by the hunt
// that holds its source document, and hunting the same data again raises
// the same alerts with the same ids. This hunt's occurrences are added to
// the state at the end.
func (s *elasticSched) newTerms() error {
	e := s.r.Elastic
	idx, err := s.fieldIndexes(e.NewTerms)
	if err != nil {
		return err
	}
	tab := s.opts.State
	if tab == nil {
		tab, _ = state.NewMem().Rule(s.r.ID, HistoryGap(s.r))
	}
	// The tuples of s.docs[p] are flat[starts[p]:starts[p+1]].
	flat := make([]tuple, 0, len(s.docs))
	starts := make([]int, len(s.docs)+1)
	for p, d := range s.docs {
		flat = appendTuples(flat, &s.in.Docs[d], idx)
		starts[p+1] = len(flat)
	}
	docTuples := func(p int) []tuple { return flat[starts[p]:starts[p+1]] }
	type candidate struct {
		pos int // position in s.docs of the tuple's first document in the window
		t   *tuple
	}
	// latest holds this hunt's latest occurrence of each tuple up to the
	// current run's from: documents are absorbed in time order.
	latest := map[string]int64{}
	type earlier struct {
		key   string
		first int64
	}
	already := map[earlier]bool{}
	seen := map[string]bool{}
	var fresh []candidate
	absorbed := 0
	runs := s.runs()
	if h := tab.Horizon(); h != 0 && runs[0].To-int64(e.HistoryWindow) < h {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the state keeps this rule's history from %s on: runs before %s may call terms new that an earlier hunt saw before then",
			fmtTime(h), fmtTime(h+int64(e.HistoryWindow))))
	}
	for _, run := range runs {
		for absorbed < len(s.docs) && s.times[absorbed] <= run.From {
			for _, t := range docTuples(absorbed) {
				latest[t.key] = s.times[absorbed]
			}
			absorbed++
		}
		lo, hi := s.window(run)
		if lo == hi {
			continue
		}
		s.res.Runs++
		hstart := run.To - int64(e.HistoryWindow)
		clear(seen)
		fresh = fresh[:0]
		for p := lo; p < hi; p++ {
			ts := docTuples(p)
			for j := range ts {
				t := &ts[j]
				if seen[t.key] {
					continue
				}
				seen[t.key] = true
				if l, ok := latest[t.key]; ok && l >= hstart {
					continue // in this hunt's history
				}
				if tab.Seen(t.key, hstart, run.From) {
					continue // in an earlier hunt's history
				}
				// New. No span of the tuple meets [hstart, from], so First
				// is its earliest occurrence in the state after from.
				if first, ok := tab.First(t.key, hstart); ok && first < s.times[p] {
					already[earlier{t.key, first}] = true
					continue
				}
				fresh = append(fresh, candidate{pos: p, t: t})
			}
		}
		if len(fresh) == 0 {
			continue
		}
		// Elastic pages through new terms in the order of their values;
		// max_signals keeps the first ones.
		slices.SortFunc(fresh, func(a, b candidate) int { return compareTuples(a.t.values, b.t.values) })
		if len(fresh) > e.MaxSignals {
			s.truncated(run, len(fresh))
			fresh = fresh[:e.MaxSignals]
		}
		for _, c := range fresh {
			doc := &s.in.Docs[s.docs[c.pos]]
			id := alert.MakeID(doc.Index, doc.ID, s.r.ID, c.t.key)
			if !s.raise(id) {
				continue
			}
			a := s.newAlert(run, id, doc)
			a.Details = append(a.Details, alert.Field{Name: "new_terms", Value: event.Array(c.t.values...)})
			s.report(run, a)
		}
	}
	s.res.AlreadyRaised = len(already)
	for p := range s.docs {
		for _, t := range docTuples(p) {
			tab.Add(t.key, s.times[p])
		}
	}
	if newest, ok := tab.Newest(); ok {
		tab.Prune(newest - int64(e.HistoryWindow) - int64(HistoryRetention))
	}
	return nil
}

func fmtTime(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339) }

func compareTuples(a, b []event.Value) int {
	for i := range a {
		if c := event.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// threshold runs a threshold rule: per run, the window's documents are
// grouped by the threshold fields (a document lacking one is in no group;
// a multi-valued field puts it in one group per value), and each group
// whose count reaches the threshold value, and whose number of distinct
// values of the cardinality field reaches the cardinality value, is an
// alert. As Elastic does with its threshold history, documents of a group
// up to the latest one of an alert already raised for that group are not
// counted again, so overlapping windows do not alert twice on the same
// documents. Groups are ordered by count, largest first, for max_signals.
func (s *elasticSched) threshold() error {
	e := s.r.Elastic
	th := e.Threshold
	if th == nil {
		return fmt.Errorf("rule %s: threshold rule without a threshold", s.r.ID)
	}
	idx, err := s.fieldIndexes(th.Fields)
	if err != nil {
		return err
	}
	card := -1
	if th.CardinalityField != "" {
		c, err := s.fieldIndexes([]string{th.CardinalityField})
		if err != nil {
			return err
		}
		card = c[0]
	}
	type group struct {
		t           tuple
		count       int
		first, last int   // positions in s.docs
		evidence    []int // positions in s.docs, at most alert.MaxEvidence
		distinct    map[string]bool
	}
	lastAlerted := map[string]int64{}
	for _, run := range s.runs() {
		lo, hi := s.window(run)
		if lo == hi {
			continue
		}
		s.res.Runs++
		groups := map[string]*group{}
		var order []*group
		for p := lo; p < hi; p++ {
			doc := &s.in.Docs[s.docs[p]]
			for _, t := range tuples(doc, idx) {
				if at, ok := lastAlerted[t.key]; ok && s.times[p] <= at {
					continue
				}
				g := groups[t.key]
				if g == nil {
					g = &group{t: t, first: p, distinct: map[string]bool{}}
					groups[t.key] = g
					order = append(order, g)
				}
				g.count++
				g.last = p
				if len(g.evidence) < alert.MaxEvidence {
					g.evidence = append(g.evidence, p)
				}
				if card >= 0 {
					for _, v := range elems(doc.Values[card]) {
						g.distinct[string(event.AppendKey(nil, v))] = true
					}
				}
			}
		}
		var hits []*group
		for _, g := range order {
			if g.count >= th.Value && (card < 0 || len(g.distinct) >= th.CardinalityValue) {
				hits = append(hits, g)
			}
		}
		slices.SortStableFunc(hits, func(a, b *group) int {
			if a.count != b.count {
				return b.count - a.count
			}
			return compareTuples(a.t.values, b.t.values)
		})
		if len(hits) > e.MaxSignals {
			s.truncated(run, len(hits))
			hits = hits[:e.MaxSignals]
		}
		for _, g := range hits {
			lastT := s.times[g.last]
			lastAlerted[g.t.key] = lastT
			id := alert.MakeID(s.r.ID, g.t.key, strconv.FormatInt(lastT, 10))
			if !s.raise(id) {
				continue
			}
			a := s.newAlert(run, id, &s.in.Docs[s.docs[g.first]])
			// The group, not its first document, is what the alert is
			// about: keep the entities and fields of the group's terms.
			a.Entities = slices.DeleteFunc(a.Entities, func(en alert.Entity) bool {
				return !slices.Contains(th.Fields, en.Identifiers[0].Name)
			})
			row := make(alert.Row, len(g.t.values))
			for j, v := range g.t.values {
				row[j] = alert.Field{Name: th.Fields[j], Value: v}
			}
			a.Rows = []alert.Row{row}
			a.Evidence = a.Evidence[:0]
			for _, p := range g.evidence {
				a.AddEvidence(s.in.Docs[s.docs[p]].Origin)
			}
			a.Truncated = g.count - len(g.evidence)
			a.FirstSeen = time.Unix(0, s.times[g.first]).UTC()
			a.LastSeen = time.Unix(0, lastT).UTC()
			result := []event.Member{{Key: "count", Value: event.Long(int64(g.count))}}
			terms := make([]event.Value, len(g.t.values))
			for j, v := range g.t.values {
				terms[j] = event.Object(event.Member{Key: "field", Value: event.String(th.Fields[j])}, event.Member{Key: "value", Value: v})
			}
			result = append(result, event.Member{Key: "terms", Value: event.Array(terms...)})
			if card >= 0 {
				result = append(result, event.Member{Key: "cardinality", Value: event.Long(int64(len(g.distinct)))})
			}
			a.Details = append(a.Details, alert.Field{Name: "threshold_result", Value: event.Object(result...)})
			s.report(run, a)
		}
	}
	return nil
}
