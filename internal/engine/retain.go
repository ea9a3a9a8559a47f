package engine

import (
	"context"
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
	switch e := e.(type) {
	case *plan.Literal:
		return !(splunk && e.Value.IsNull())
	case *plan.Member:
		return runIndependent(e.X, splunk)
	case *plan.Index:
		return runIndependent(e.X, splunk) && runIndependent(e.Index, splunk)
	case *plan.Call:
		switch e.Func {
		case "now", "ago", "spl.now":
			return false
		}
		for _, a := range e.Args {
			if !runIndependent(a, splunk) {
				return false
			}
		}
	}
	return true
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
	m := &Matcher{probes: map[rule.Format]*schema.Probe{}}
	for f, cols := range r.cols {
		m.probes[f] = r.probe(f, cols)
	}
	for i, rr := range r.rules {
		mr := matchRule{bit: i, all: rr.all}
		if !rr.all && len(rr.tops) > 0 {
			mr.probe = m.probes[rr.format]
			for _, top := range rr.tops {
				q, err := exec.Compile(top, mr.probe, exec.Options{Now: time.Unix(0, 0)})
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
	probes map[rule.Format]*schema.Probe
	rules  []matchRule
}

type matchRule struct {
	bit     int
	all     bool
	probe   *schema.Probe
	queries []*exec.Query
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
			_ = q.Run(context.Background(), func(row []event.Value) error {
				hit = row[0].AsLong() > 0
				return nil
			})
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
