package ruletest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"vigil/internal/alert"
	"vigil/internal/engine"
	"vigil/internal/event"
)

// Options tune Run.
type Options struct {
	// Hunt are the options of the hunt (SPL macros and lookups, the ASN
	// database); its state is always fresh.
	Hunt engine.HuntOptions
	// CheckOrder hunts the inputs a second time, files and records in
	// reverse order, and fails the fixture when the alerts differ but for
	// the origins of their evidence: results must not depend on input
	// order (Graph exports are newest first).
	CheckOrder bool
	// CheckRetention reads the inputs a second time keeping only the
	// sign-ins the rule can reach (engine.Retention, as vigil hunt reads)
	// and fails the fixture when the alerts differ but for their evidence,
	// or when that evidence is not among the full hunt's.
	CheckRetention bool
}

// Result is the outcome of one fixture.
type Result struct {
	Fixture *Fixture
	// Rule is the rule under test; nil when the set has no rule of the
	// fixture's id.
	Rule *engine.LoadedRule
	// Got are the alerts the rule raised, as JSON lines (the evidence
	// files named as in the fixture).
	Got []string
	// Err is set when the fixture could not be run: its rule is missing
	// or does not compile, or an input could not be written or read.
	Err error
	// Problems are the problems met reading the inputs; each fails the
	// fixture.
	Problems []string
	// Mismatches say how the alerts differ from want.jsonl, one entry per
	// alert (several lines each); empty when they agree.
	Mismatches []string
}

// Passed reports whether the fixture passed.
func (r *Result) Passed() bool {
	return r.Err == nil && len(r.Problems) == 0 && len(r.Mismatches) == 0
}

// Diff describes a failure for a reader: what could not run, the input
// problems, and for each alert that differs, each member that differs and
// the alert as raised. It is "" when the fixture passed.
func (r *Result) Diff() string {
	var b strings.Builder
	if r.Err != nil {
		fmt.Fprintf(&b, "%v\n", r.Err)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "input problem: %s\n", p)
	}
	for _, m := range r.Mismatches {
		b.WriteString(m)
		b.WriteByte('\n')
	}
	return b.String()
}

// Run hunts the fixture's inputs with the rule of its id from set (the last
// one loaded with that id, so a rule given after the built-in pack
// replaces it) and compares its alerts with want.jsonl.
func Run(ctx context.Context, f *Fixture, set *engine.RuleSet, opts Options) *Result {
	res := &Result{Fixture: f}
	for _, l := range set.Rules {
		if l.Rule != nil && l.Rule.ID == f.RuleID {
			res.Rule = l
		}
	}
	switch {
	case res.Rule == nil:
		res.Err = fmt.Errorf("no rule with id %s is loaded", f.RuleID)
		return res
	case !res.Rule.OK():
		res.Err = fmt.Errorf("rule %s does not load:\n%v", f.RuleID, res.Rule.Diags)
		return res
	}
	dir, err := os.MkdirTemp("", "vigil-fixture-")
	if err != nil {
		res.Err = err
		return res
	}
	defer os.RemoveAll(dir)
	files, tables, err := f.write(dir)
	if err != nil {
		res.Err = err
		return res
	}
	rel := func(name string) string {
		if r, err := filepath.Rel(dir, name); err == nil && filepath.IsLocal(r) {
			return filepath.ToSlash(r)
		}
		return name
	}
	data, err := engine.Read(files, engine.ReadOptions{Tables: tables, KeepExtra: true}, func(p engine.Problem) {
		p.File = rel(p.File)
		res.Problems = append(res.Problems, p.Error())
	})
	if err != nil {
		res.Err = fmt.Errorf("reading the inputs: %w", err)
		return res
	}
	alerts, err := hunt(ctx, data, res.Rule, opts.Hunt)
	if err != nil {
		res.Err = err
		return res
	}
	for _, a := range alerts {
		for i := range a.Evidence {
			a.Evidence[i].File = rel(a.Evidence[i].File)
		}
		res.Got = append(res.Got, string(a.AppendJSON(nil)))
	}
	if opts.CheckOrder {
		reversed, err := hunt(ctx, reverse(data), res.Rule, opts.Hunt)
		if err != nil {
			res.Err = err
			return res
		}
		if a, b := WithoutEvidence(alerts), WithoutEvidence(reversed); !slices.Equal(a, b) {
			res.Mismatches = append(res.Mismatches, "the alerts depend on input order: read in reverse order, the inputs give\n"+indent(strings.Join(b, "\n"))+"\ninstead of\n"+indent(strings.Join(a, "\n")))
		}
	}
	if opts.CheckRetention {
		if err := checkRetention(ctx, files, tables, res.Rule, opts.Hunt, alerts, rel); err != nil {
			res.Mismatches = append(res.Mismatches, err.Error())
		}
	}
	res.Mismatches = append(res.Mismatches, diff(f, res.Got)...)
	return res
}

// checkRetention hunts files again, read keeping only the sign-ins l can
// reach, and compares with the alerts of the full hunt (whose evidence
// files rel has named).
func checkRetention(ctx context.Context, files []string, tables map[string]string, l *engine.LoadedRule, opts engine.HuntOptions, full []*alert.Alert, rel func(string) string) error {
	lr := *l
	lr.Diags = slices.Clip(lr.Diags)
	set := &engine.RuleSet{Rules: []*engine.LoadedRule{&lr}}
	opts.State = nil
	data, err := engine.Read(files, engine.ReadOptions{Tables: tables, KeepExtra: true, Retain: engine.NewRetention(set, opts)}, nil)
	if err != nil {
		return fmt.Errorf("reading the inputs with retention: %w", err)
	}
	h := engine.HuntWith(ctx, data, set, opts)
	if r := h.Rules[0]; len(r.Diags) > 0 || r.Err != nil {
		return fmt.Errorf("hunting with retention: %v %v", r.Diags, r.Err)
	}
	a, b := WithoutEvidence(full), WithoutEvidence(h.Alerts)
	if !slices.Equal(a, b) {
		return fmt.Errorf("keeping only the sign-ins the rule can reach (%d of %d) changes the alerts to\n%s\ninstead of\n%s",
			len(data.Events), data.SignIns(), indent(strings.Join(b, "\n")), indent(strings.Join(a, "\n")))
	}
	for i, al := range h.Alerts {
		for _, o := range al.Evidence {
			if o.File = rel(o.File); !slices.Contains(full[i].Evidence, o) {
				return fmt.Errorf("with retention, alert %s has evidence %v the full hunt does not", al.ID, o)
			}
		}
	}
	return nil
}

// write writes the fixture's inputs under dir and returns their paths and
// the --table names by path.
func (f *Fixture) write(dir string) ([]string, map[string]string, error) {
	var files []string
	tables := map[string]string{}
	for _, in := range f.Inputs {
		p := filepath.Join(dir, filepath.FromSlash(in.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(p, in.Data, 0o644); err != nil {
			return nil, nil, err
		}
		files = append(files, p)
		if t, ok := f.Tables[in.Name]; ok {
			tables[p] = t
		}
	}
	return files, tables, nil
}

// hunt runs one rule over data. The rule is copied so that the hunt's
// diagnostics do not stay on the caller's rule set.
func hunt(ctx context.Context, data *engine.Data, l *engine.LoadedRule, opts engine.HuntOptions) ([]*alert.Alert, error) {
	lr := *l
	lr.Diags = slices.Clip(lr.Diags)
	opts.State = nil // a fixture's history starts empty
	h := engine.HuntWith(ctx, data, &engine.RuleSet{Rules: []*engine.LoadedRule{&lr}}, opts)
	r := h.Rules[0]
	if len(r.Diags) > 0 {
		return nil, fmt.Errorf("rule %s does not compile:\n%v", lr.Rule.ID, r.Diags)
	}
	if r.Err != nil {
		return nil, fmt.Errorf("rule %s: %w", lr.Rule.ID, r.Err)
	}
	return h.Alerts, nil
}

// reverse returns data with its sign-ins and the rows of each table in
// reverse order.
func reverse(data *engine.Data) *engine.Data {
	rev := &engine.Data{Tables: map[string][]event.Row{}}
	for i := len(data.Events) - 1; i >= 0; i-- {
		rev.Events = append(rev.Events, data.Events[i])
	}
	for name, rows := range data.Tables {
		for i := len(rows) - 1; i >= 0; i-- {
			rev.Tables[name] = append(rev.Tables[name], rows[i])
		}
	}
	return rev
}

// WithoutEvidence returns alerts as JSON lines without their evidence,
// which names the input files and so differs between readings of the same
// data: what two hunts compare.
func WithoutEvidence(alerts []*alert.Alert) []string {
	out := make([]string, len(alerts))
	for i, a := range alerts {
		c := *a
		c.Evidence, c.Truncated = nil, 0
		out[i] = string(c.AppendJSON(nil))
	}
	return out
}

// diff compares the alerts got with the fixture's want.jsonl, alert by
// alert in order.
func diff(f *Fixture, got []string) []string {
	var out []string
	if len(got) != len(f.Want) {
		out = append(out, fmt.Sprintf("rule %s raised %d alert(s), want %d", f.RuleID, len(got), len(f.Want)))
	}
	for i := range max(len(got), len(f.Want)) {
		switch {
		case i >= len(f.Want):
			out = append(out, fmt.Sprintf("alert %d: not wanted\n  got:  %s", i+1, got[i]))
		case i >= len(got):
			w := f.Want[i]
			out = append(out, fmt.Sprintf("alert %d: not raised\n  want: %s (%s)", i+1, w.JSON, w.where(f)))
		default:
			var g any
			if err := json.Unmarshal([]byte(got[i]), &g); err != nil {
				out = append(out, fmt.Sprintf("alert %d: %v", i+1, err))
				continue
			}
			w := f.Want[i]
			msgs := compare(w.v, g, "", nil)
			if len(msgs) == 0 {
				continue
			}
			out = append(out, fmt.Sprintf("alert %d: differs from %s\n%s\n  got:  %s", i+1, w.where(f), indent(strings.Join(msgs, "\n")), got[i]))
		}
	}
	return out
}

// where names the line of a want in its fixture.
func (w Want) where(f *Fixture) string { return fmt.Sprintf("%s:%d", f.Name, w.Line) }

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }
