package engine

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"vigil/internal/alert"
	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/query/spl"
	"vigil/internal/rule"
	"vigil/internal/schedule"
	"vigil/internal/schema"
)

// HuntOptions tune a hunt.
type HuntOptions struct {
	// Macros are the SPL macros Splunk searches expand; nil means ESCU's
	// built-in set (see LoadMacros).
	Macros *spl.Macros
	// Lookups are the tables of SPL's lookup command by lookup name (see
	// LoadLookups).
	Lookups map[string]*spl.LookupTable
	// Workers bounds how many rules run at once; 0 means GOMAXPROCS.
	Workers int
	// CommonOptions: state, ASN database, --alerts-since (elastic.go).
	CommonOptions
}

// LoadLookups reads CSV lookup files, by lookup name (--lookup NAME=PATH).
func LoadLookups(paths map[string]string) (map[string]*spl.LookupTable, error) {
	out := map[string]*spl.LookupTable{}
	for name, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("lookup %s: %w", name, err)
		}
		t, err := spl.ReadLookupCSV(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("lookup %s: reading %s: %w", name, p, err)
		}
		out[name] = t
	}
	return out, nil
}

// LoadMacros returns ESCU's built-in macros overridden by the definitions
// in paths: ESCU macros/*.yml files, macros.conf files, or directories of
// them, later ones overriding earlier ones.
func LoadMacros(paths []string) (*spl.Macros, error) {
	m := spl.Builtin()
	for _, p := range paths {
		if err := m.LoadFile(p); err != nil {
			return nil, fmt.Errorf("reading macros: %w", err)
		}
	}
	return m, nil
}

// SplunkViews returns the data as a Splunk index shows it: every sign-in as
// an event of sourcetype azure:monitor:aad and of o365:graph:api.
func SplunkViews(d *Data) *schema.Splunk { return schema.NewSplunk(d.Events, schema.SplunkOptions{}) }

// splunkHunt is the Splunk state of one hunt, built on first use.
type splunkHunt struct {
	views       *schema.Splunk
	first, last time.Time
	haveData    bool
	macros      *spl.Macros
}

// splunkSource adapts the Splunk views to schedule.EmptySource for a
// search reading tables.
type splunkSource struct {
	v      *schema.Splunk
	tables []string
}

func (s splunkSource) Window(from, to time.Time) exec.Catalog { return s.v.Window(from, to) }

func (s splunkSource) Empty(from, to time.Time) bool {
	for _, t := range s.tables {
		if len(s.v.Events(t, from, to)) > 0 {
			return false
		}
	}
	return true
}

// splunk runs a Splunk ESCU detection: its search, macros expanded,
// compiled against the Splunk views and replayed on ESCU's schedule over
// the time span of the views' _time.
func (h *hunt) splunk(bit int, r *rule.Rule) ([]*alert.Alert, diag.List, error) {
	h.splunkOnce.Do(func() {
		s := &splunkHunt{views: SplunkViews(h.data), macros: h.opts.Macros}
		if s.macros == nil {
			s.macros = spl.Builtin()
		}
		s.first, s.last, s.haveData = h.data.splunkSpan(s.views)
		h.splunkS = s
	})
	s := h.splunkS
	var diags diag.List
	if r.Splunk == nil {
		return nil, diags, fmt.Errorf("rule %s is not a Splunk detection", r.ID)
	}
	switch r.Splunk.Type {
	case "", "TTP", "Anomaly":
	default:
		diags.Add(diag.Unsupported(r.File, diag.Pos{}, "splunk", r.Splunk.Type+" detections (only TTP and Anomaly detections are scheduled)"))
		return nil, diags, nil
	}
	root, diags := compileSPL(r, s.macros, s.views, h.opts.Lookups)
	if len(diags) > 0 || !s.haveData {
		return nil, diags, nil
	}
	tables := scannedTables(root)
	ev := splunkEvidence{views: s.views, tables: tables, data: h.data, reach: h.reach, bit: bit}
	// Scans build only the columns the search reads.
	views := s.views
	if info, err := plan.Check(root, s.views); err == nil {
		views = s.views.Needing(plan.TableColumns(root, info))
	}
	alerts, err := schedule.Splunk(h.ctx, r, root, splunkSource{views, tables}, schedule.Options{First: s.first, Last: s.last, Evidence: ev.add})
	return alerts, nil, err
}

// scannedTables returns the tables a plan scans, in order of first use.
func scannedTables(n plan.Node) []string {
	var out []string
	var walk func(plan.Node)
	walk = func(n plan.Node) {
		if sc, ok := n.(*plan.Scan); ok && !slices.Contains(out, sc.Table) {
			out = append(out, sc.Table)
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(n)
	return out
}

// splunkEvidence finds the sign-ins behind a Splunk finding: the events of
// the sourcetypes the search reads, in the run's _time window, whose user
// (the UPN, ignoring case) or IP address (the sign-in's or the record's
// caller) is one of the finding's entities. Like the Sentinel evidence, it
// is what an investigator would pull first, not a lineage.
type splunkEvidence struct {
	views  *schema.Splunk
	tables []string
	data   *Data
	reach  reach
	bit    int // the rule's: see evidenceIndex.forRule
}

func (x splunkEvidence) add(a *alert.Alert, run schedule.Run) {
	users, ips := entityKeys(a)
	if len(users) == 0 && len(ips) == 0 {
		return
	}
	seen := map[*event.SignIn]bool{}
	for _, t := range x.tables {
		for _, ev := range x.views.Events(t, run.From, run.To) {
			if seen[ev] || !x.reach.has(x.data.indexOf(ev), x.bit) {
				continue
			}
			upn, _ := ev.Str(event.FUserPrincipalName)
			ip, _ := ev.Str(event.FIPAddress)
			caller, _ := ev.Str(event.FCallerIPAddress)
			if users[strings.ToLower(upn)] || (ip != "" && ips[ip]) || (caller != "" && ips[caller]) {
				seen[ev] = true
				a.AddEvidence(ev.Origin)
			}
		}
	}
}

// compileSPL expands and parses a detection's search and lowers it into a
// plan against the Splunk views; diagnostics are positioned in the rule
// file.
func compileSPL(r *rule.Rule, macros *spl.Macros, res plan.Resolver, lookups map[string]*spl.LookupTable) (plan.Node, diag.List) {
	var list diag.List
	fail := func(err error) (plan.Node, diag.List) {
		var de *diag.Error
		if errors.As(err, &de) {
			e := *de
			e.File = r.File
			if r.Mapper != nil && e.Pos.IsValid() {
				e.Pos = r.Mapper(e.Pos)
			}
			list.Add(&e)
			return nil, list
		}
		list.Add(diag.Errorf(r.File, diag.Pos{}, "spl", "%v", err))
		return nil, list
	}
	root, err := spl.Compile(r.Query, spl.Options{Tables: res, Lookups: lookups, Macros: macros})
	if err != nil {
		return fail(err)
	}
	return root, nil
}
