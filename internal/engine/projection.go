package engine

import (
	"reflect"
	"strings"

	"vigil/internal/event"
	"vigil/internal/plan"
	"vigil/internal/query/spl"
	"vigil/internal/rule"
	"vigil/internal/schema"
)

// huntFields are the fields a hunt reads from every sign-in whatever its
// rules: the times the views and schedules order and window by (record
// time, creation time, Elastic's ingest time), the category that puts a
// sign-in in its views, the id Elastic alerts find their sign-in by, and
// what evidence is matched on (the user, the sign-in's and the caller's IP
// address). The hunt's summary reads category and the times too. Reading
// itself derives the category of a record that has none (a Graph signIn,
// an Elastic document without one) from signInEventTypes and
// isInteractive, and tells a sign-in from a stray object by its id, times,
// user and app id.
var huntFields = event.NewFieldSet(
	event.FRecordTime, event.FCreatedDateTime, event.FIngestTime,
	event.FCategory, event.FID,
	event.FUserPrincipalName, event.FIPAddress, event.FCallerIPAddress,
	event.FSignInEventTypes, event.FIsInteractive, event.FAppID,
)

// Projection returns what reading must keep of each sign-in for a hunt of
// set with opts to raise the same alerts as over fully decoded sign-ins:
// the canonical fields to decode and whether to keep unknown members (for
// ReadOptions.Fields and KeepExtra). It compiles every rule that can run
// against the views of its format over no data (as CompileRule does),
// collects the columns its plan reads (plan.TableColumns; for Elastic rules
// the columns their filters test and their alerts show) and asks each view
// what those columns are computed from, then adds what the hunt itself
// reads (times, category, evidence fields). A rule that does not compile
// over no data (a watchlist only the data brings), or whose columns cannot
// be told, makes the answer everything.
func Projection(set *RuleSet, opts HuntOptions) (fields event.FieldSet, keepExtra bool) {
	need := schema.Needs{Fields: huntFields}
	empty := &Data{}
	var sentinel *schema.Catalog
	var splunk *schema.Splunk
	var ecs *schema.ECS
	for _, l := range set.Rules {
		if !l.OK() {
			continue
		}
		r := l.Rule
		var n schema.Needs
		switch r.Format {
		case rule.FormatSentinel:
			if sentinel == nil {
				sentinel = schema.New(nil, nil)
			}
			n = sentinelNeeds(r, opts, sentinel)
		case rule.FormatSplunk:
			if splunk == nil {
				splunk = SplunkViews(empty)
			}
			n = splunkNeeds(r, opts, splunk)
		case rule.FormatElastic:
			if ecs == nil {
				ecs = ECSViews(empty, opts.ASN)
			}
			n = elasticNeeds(r, opts, ecs)
		default:
			n = schema.AllNeeds
		}
		if n.All() {
			return event.AllFields, true
		}
		need.Add(n)
	}
	return need.Fields, need.Extra
}

// tableNeeds asks a view what the columns of each table a plan reads are
// computed from.
func tableNeeds(cols map[string][]string, view func(table string, cols []string) schema.Needs) schema.Needs {
	var n schema.Needs
	for table, cs := range cols {
		n.Add(view(table, cs))
	}
	return n
}

// sentinelNeeds is what a Sentinel rule's plan reads from the sign-ins.
func sentinelNeeds(r *rule.Rule, opts HuntOptions, cat *schema.Catalog) schema.Needs {
	root, diags := CompileRule(r, opts)
	if len(diags) > 0 {
		return schema.AllNeeds
	}
	info, err := plan.Check(root, cat)
	if err != nil {
		return schema.AllNeeds
	}
	return tableNeeds(plan.TableColumns(root, info), cat.Needs)
}

// elasticNeeds is what an Elastic rule reads from the sign-ins: the
// columns its query's filters test and the fields its alerts show, the
// columns the hunt builds (see elastic).
func elasticNeeds(r *rule.Rule, opts HuntOptions, ecs *schema.ECS) schema.Needs {
	root, diags := CompileRule(r, opts)
	if len(diags) > 0 {
		return schema.AllNeeds
	}
	var n schema.Needs
	for _, table := range scannedTables(root) {
		schemaCols, ok := ecs.Columns(table)
		if !ok {
			return schema.AllNeeds
		}
		// The hunt builds only these columns (ECS.Needing), and names
		// the table does not have are left out there too.
		var cols []string
		for _, c := range append(predicateColumns(root, nil), elasticFields(r)...) {
			if schemaCols.Index(c) >= 0 {
				cols = append(cols, c)
			}
		}
		n.Add(ecs.Needs(table, cols))
	}
	return n
}

// splunkProbe is the name of the columns splunkNeeds adds to tell whether
// columns a search does not name reach its results.
const splunkProbe = "vigil_projection_probe"

// splunkNeeds is what a Splunk search reads from the sign-ins. The Splunk
// views' columns depend on the data (the fields arrays, objects and unknown
// members flatten to), and a search compiled over no data reads a field no
// column holds as null, so the plan over no data does not show every column
// the plan over the data reads. The search is therefore compiled against
// the views over no data widened by every name the search writes (fields,
// option values, string literals), the names its wildcard renames could
// have renamed to those, and probe columns shaped like the fields the data
// could bring. Columns it reads map to fields through the view; a probe it
// reads (a search whose results carry fields it does not name, such as
// one without stats or with `fields -`), or a wildcard field list other
// than a rename, makes the answer everything.
func splunkNeeds(r *rule.Rule, opts HuntOptions, views *schema.Splunk) schema.Needs {
	if _, diags := CompileRule(r, opts); len(diags) > 0 {
		return schema.AllNeeds
	}
	macros := opts.Macros
	if macros == nil {
		macros = spl.Builtin()
	}
	s, err := spl.Parse(r.Query, macros)
	if err != nil {
		return schema.AllNeeds
	}
	names, renames, ok := splNames(s)
	if !ok {
		return schema.AllNeeds
	}
	probes := []string{"properties." + splunkProbe, "properties." + splunkProbe + "{}.x", splunkProbe, splunkProbe + "{}.x"}
	for _, p := range renames {
		probes = append(probes, strings.Replace(p[0], "*", splunkProbe, 1))
	}
	for _, p := range probes {
		names[p] = true
	}
	// The names the wildcard renames could have renamed to a name the
	// search writes: each rename applies once, so undo them from the last
	// to the first. Such a column, when the data has it, replaces the one
	// of the target's name: the search is compiled without them and with
	// them, and reads the union.
	more := map[string]bool{}
	for i := len(renames) - 1; i >= 0; i-- {
		var add []string
		for _, set := range []map[string]bool{names, more} {
			for n := range set {
				if old, ok := unrename(renames[i][0], renames[i][1], n); ok && !names[old] && !more[old] {
					add = append(add, old)
				}
			}
		}
		for _, old := range add {
			more[old] = true
		}
	}
	n, ok := splunkPlanNeeds(r, opts, macros, widened{views: views, names: names})
	if !ok {
		return schema.AllNeeds
	}
	if len(more) > 0 {
		for name := range names {
			more[name] = true
		}
		m, ok := splunkPlanNeeds(r, opts, macros, widened{views: views, names: more})
		if !ok {
			return schema.AllNeeds
		}
		n.Add(m)
	}
	return n
}

// splunkPlanNeeds compiles a search against widened views and returns
// what the columns its plan reads take; ok is false when it does not
// compile or reads a probe column.
func splunkPlanNeeds(r *rule.Rule, opts HuntOptions, macros *spl.Macros, wide widened) (schema.Needs, bool) {
	root, err := spl.Compile(r.Query, spl.Options{Tables: wide, Lookups: opts.Lookups, Macros: macros})
	if err != nil {
		return schema.Needs{}, false
	}
	info, err := plan.Check(root, wide)
	if err != nil {
		return schema.Needs{}, false
	}
	cols := plan.TableColumns(root, info)
	for _, cs := range cols {
		for _, c := range cs {
			if strings.Contains(c, splunkProbe) {
				return schema.Needs{}, false
			}
		}
	}
	return tableNeeds(cols, wide.views.Needs), true
}

// widened is the Splunk views with more columns: names a search may read
// that the views over no data do not have.
type widened struct {
	views *schema.Splunk
	names map[string]bool
}

// TableSchema implements plan.Resolver.
func (w widened) TableSchema(name string) (plan.Schema, bool) {
	s, ok := w.views.TableSchema(name)
	if !ok {
		return nil, false
	}
	out := append(plan.Schema(nil), s...)
	for n := range w.names {
		if n == "" || out.Index(n) >= 0 {
			continue
		}
		t := plan.TypeString
		if strings.Contains(n, "{}") {
			t = plan.TypeDynamic
		}
		out = append(out, plan.Column{Name: n, Type: t})
	}
	return out, true
}

// splNames collects every name a parsed search writes where a field may
// be named (fields, eval field references, option values, string
// literals) and its wildcard renames as (old, new) patterns, in the order
// of the search. ok is false
// when a field list holds a wildcard outside a rename, or a rename's
// wildcards cannot be undone (more than one, or on one side only).
func splNames(s *spl.Search) (names map[string]bool, renames [][2]string, ok bool) {
	names = map[string]bool{"_raw": true}
	ok = true
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if !ok {
			return
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return
			}
			switch x := v.Interface().(type) {
			case *spl.Expansion:
				return
			case *spl.RenamePair:
				o, n := x.Old.Name, x.New.Name
				if !strings.Contains(o, "*") && !strings.Contains(n, "*") {
					names[o], names[n] = true, true
					return
				}
				if strings.Count(o, "*") != 1 || strings.Count(n, "*") != 1 {
					ok = false
					return
				}
				renames = append(renames, [2]string{o, n})
				return
			case *spl.Field:
				if strings.Contains(x.Name, "*") {
					ok = false
				}
				names[x.Name] = true
				return
			case *spl.FieldRef:
				if strings.Contains(x.Name, "*") {
					ok = false
				}
				names[x.Name] = true
				return
			case *spl.Option:
				names[x.Value] = true
				return
			case *spl.StringLit:
				names[x.Value] = true
				return
			}
			walk(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(s))
	return names, renames, ok
}

// unrename returns the name that renaming with the one-wildcard patterns
// old AS new turns into name, and false when new does not match name.
func unrename(old, new, name string) (string, bool) {
	pre, suf, _ := strings.Cut(new, "*")
	if len(name) < len(pre)+len(suf) || !strings.HasPrefix(name, pre) || !strings.HasSuffix(name, suf) {
		return "", false
	}
	return strings.Replace(old, "*", name[len(pre):len(name)-len(suf)], 1), true
}
