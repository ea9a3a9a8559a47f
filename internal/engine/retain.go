package engine

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/rule"
	"vigil/internal/schema"
)

// Retention decides, while the data is read, which sign-ins a hunt must
// keep: those that can reach some rule's results. A rule's plan reads each
// sign-in table through a chain of row-local operators first (filters,
// computed columns, projections, renames, mv-expand) before anything that
// looks at several rows (aggregation, join, sort, fillnull, …). A sign-in
// for which every such chain gives no row gives nothing to any operator
// above it, so dropping it changes no result of any run over any window:
// the hunt over the kept sign-ins raises exactly the alerts of the hunt
// over all of them. Most sign-ins fail every rule's filters, so most of the
// memory and of the rules' work is spared (ARCHITECTURE.md "Performance
// design": push the filters down to the reader).
//
// Chains stop below anything that depends on the run (now(), ago()), and,
// for Splunk, below any null literal: a field the views discover only in
// the data (arrays, unknown members) lowers to null against the views of no
// data, so a chain that mentions one cannot be judged early. A rule whose
// plan cannot be made against the views of no data (it reads a watchlist)
// keeps every sign-in.
//
// Which rules each kept sign-in passed is kept too: Sentinel and Splunk
// alerts take their evidence from the sign-ins that passed their own rule's
// filters.
type Retention struct {
	set   *RuleSet
	rules []retainRule
	opts  HuntOptions
	cols  map[rule.Format]map[string][]string // probe columns per format and table
}

type retainRule struct {
	format rule.Format
	all    bool        // keeps every sign-in
	tops   []plan.Node // the row-local chains over sign-in tables, counted
}

// NewRetention analyses the rules of set that can run. The i-th rule of set
// is bit i of the masks Read records.
func NewRetention(set *RuleSet, opts HuntOptions) *Retention {
	r := &Retention{set: set, opts: opts, cols: map[rule.Format]map[string][]string{}}
	probes := map[rule.Format]*schema.Probe{}
	for _, f := range []rule.Format{rule.FormatSentinel, rule.FormatSplunk, rule.FormatElastic} {
		probes[f] = r.probe(f, nil)
	}
	for _, l := range set.Rules {
		rr := retainRule{}
		if l.OK() {
			rr = r.analyse(l.Rule, probes[l.Rule.Format])
		}
		r.rules = append(r.rules, rr)
	}
	return r
}

// analyse finds the row-local chains of a rule's plan.
func (r *Retention) analyse(ru *rule.Rule, probe *schema.Probe) retainRule {
	if probe == nil {
		return retainRule{} // a format hunts do not run
	}
	rr := retainRule{format: ru.Format, all: true}
	root, diags := CompileRule(ru, r.opts)
	if len(diags) > 0 || root == nil {
		return rr
	}
	splunk := ru.Format == rule.FormatSplunk
	var tops []plan.Node
	seen := map[plan.Node]bool{}
	// walk visits n with top, the highest node of the unbroken run of
	// row-local nodes right above it (nil when its parent is not one).
	var walk func(n, top plan.Node)
	walk = func(n, top plan.Node) {
		if sc, ok := n.(*plan.Scan); ok {
			if probe.SignIns(sc.Table) {
				if top == nil {
					top = sc
				}
				if !seen[top] {
					seen[top] = true
					tops = append(tops, &plan.Count{Input: top, Name: "n"})
				}
			}
			return
		}
		switch {
		case !rowLocal(n, splunk):
			top = nil
		case top == nil:
			top = n
		}
		for _, c := range n.Children() {
			walk(c, top)
		}
	}
	walk(root, nil)
	cols := r.cols[ru.Format]
	if cols == nil {
		cols = map[string][]string{}
		r.cols[ru.Format] = cols
	}
	for _, top := range tops {
		info, err := plan.Check(top, probe)
		if err != nil {
			return rr
		}
		for table, cs := range plan.TableColumns(top, info) {
			cols[table] = append(cols[table], cs...)
		}
	}
	rr.all, rr.tops = false, tops
	return rr
}

// rowLocal reports whether n maps each input row to rows of its own,
// independently of the other rows and of the run. A chain through a union
// holds all of the union's inputs: a sign-in is kept when a row of it
// comes out on top, from whichever input.
func rowLocal(n plan.Node, splunk bool) bool {
	var exprs []plan.Expr
	switch n := n.(type) {
	case *plan.Filter:
		exprs = append(exprs, n.Pred)
	case *plan.Extend:
		for _, a := range n.Columns {
			exprs = append(exprs, a.Expr)
		}
	case *plan.Project:
		for _, a := range n.Columns {
			exprs = append(exprs, a.Expr)
		}
	case *plan.MvExpand:
		for _, c := range n.Columns {
			exprs = append(exprs, c.Expr)
		}
	case *plan.ProjectAway, *plan.Rename, *plan.Reorder, *plan.Union:
		// A union passes each row of each input on, its columns matched
		// by name.
	default:
		return false
	}
	for _, e := range exprs {
		if !runIndependent(e, splunk) {
			return false
		}
	}
	return true
}

// runIndependent reports whether e reads no run time, and, for Splunk, has
// no null literal (see Retention).
func runIndependent(e plan.Expr, splunk bool) bool {
	return !plan.ReadsRunTime(e) && !(splunk && hasNull(e))
}

// hasNull reports whether e holds a null literal.
func hasNull(e plan.Expr) bool {
	switch e := e.(type) {
	case *plan.Literal:
		return e.Value.IsNull()
	case *plan.Member:
		return hasNull(e.X)
	case *plan.Index:
		return hasNull(e.X) || hasNull(e.Index)
	case *plan.Call:
		return slices.ContainsFunc(e.Args, hasNull)
	}
	return false
}

// probe returns a probe of the views of no data of format f computing cols.
func (r *Retention) probe(f rule.Format, cols map[string][]string) *schema.Probe {
	empty := &Data{}
	switch f {
	case rule.FormatSentinel:
		return schema.New(nil, nil).Probe(cols)
	case rule.FormatSplunk:
		v := SplunkViews(empty)
		if cols != nil {
			v = v.Needing(cols)
		}
		return v.Probe()
	case rule.FormatElastic:
		v := ECSViews(empty, r.opts.ASN)
		if cols != nil {
			v = v.Needing(cols[schema.ECSSignInLogs])
		}
		return v.Probe()
	}
	return nil
}

// Words is the length of a sign-in's mask of rules, in uint64 words.
func (r *Retention) Words() int { return (len(r.rules) + 63) / 64 }

// Matcher returns a matcher for one reading goroutine. A rule whose chains
// do not compile keeps every sign-in (its hunt reports why).
func (r *Retention) Matcher() *Matcher {
	m := &Matcher{}
	m.onCount = m.count // bound once: Match runs per sign-in read
	probes := map[rule.Format]*schema.Probe{}
	for f, cols := range r.cols {
		probes[f] = r.probe(f, cols)
		m.probes = append(m.probes, probes[f])
	}
	for i, rr := range r.rules {
		mr := matchRule{bit: i, all: rr.all}
		if !rr.all && len(rr.tops) > 0 {
			for _, top := range rr.tops {
				q, err := exec.Compile(top, probes[rr.format], exec.Options{Now: time.Unix(0, 0)})
				if err != nil {
					mr.all, mr.queries = true, nil
					break
				}
				mr.queries = append(mr.queries, q)
			}
		}
		if mr.all || len(mr.queries) > 0 {
			m.rules = append(m.rules, mr)
		}
	}
	return m
}

// Matcher runs the retention of a hunt's rules on sign-ins, one at a time.
// It is not safe for concurrent use: give each goroutine its own.
type Matcher struct {
	probes  []*schema.Probe
	rules   []matchRule
	n       int64                     // the count the last chain gave
	onCount func([]event.Value) error // m.count
}

type matchRule struct {
	bit     int
	all     bool
	queries []*exec.Query
}

func (m *Matcher) count(row []event.Value) error {
	m.n = row[0].AsLong()
	return nil
}

// Match sets in mask the bits of the rules ev can reach and reports whether
// there is any.
func (m *Matcher) Match(ev *event.SignIn, mask []uint64) bool {
	for _, p := range m.probes {
		p.Set(ev)
	}
	any := false
	for i := range m.rules {
		mr := &m.rules[i]
		hit := mr.all
		for _, q := range mr.queries {
			if hit {
				break
			}
			m.n = 0
			// A chain that fails on this sign-in cannot tell: keep it, and
			// let the rule's own run report the error.
			err := q.Run(context.Background(), m.onCount)
			hit = err != nil || m.n > 0
		}
		if hit {
			mask[mr.bit/64] |= 1 << (mr.bit % 64)
			any = true
		}
	}
	for _, p := range m.probes {
		p.Set(nil)
	}
	return any
}

// reach is which rules each sign-in can reach: words uint64 per sign-in,
// bit i for rule i of the set. A nil reach counts every sign-in for every
// rule.
type reach struct {
	masks []uint64
	words int
}

func (r reach) has(i, bit int) bool {
	return r.masks == nil || r.masks[i*r.words+bit/64]&(1<<(bit%64)) != 0
}

// reachOf returns which rules of set each sign-in of d can reach: the masks
// Read recorded, or, when it kept every sign-in (no Retention, as for
// --emit-events or a rule fixture), the same computed here, so that evidence
// means the same whichever way the data was read.
func (d *Data) reachOf(set *RuleSet, opts HuntOptions) reach {
	if d.masks != nil {
		return reach{d.masks, d.words}
	}
	r := NewRetention(set, opts)
	words := r.Words()
	masks := make([]uint64, len(d.Events)*words)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunk := (len(d.Events) + workers - 1) / max(workers, 1)
	var wg sync.WaitGroup
	for lo := 0; lo < len(d.Events); lo += chunk {
		hi := min(lo+chunk, len(d.Events))
		wg.Go(func() {
			m := r.Matcher()
			for i := lo; i < hi; i++ {
				m.Match(&d.Events[i], masks[i*words:(i+1)*words])
			}
		})
	}
	wg.Wait()
	return reach{masks, words}
}
