package schema

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
)

// Probe is a catalog that holds one sign-in at a time: each sign-in table
// has the current sign-in's row when the full catalog would list it there,
// and no row otherwise; every other table is empty. Running the row-local
// part of a rule's plan (its filters and computed columns over a scan) on a
// Probe tells, while the data is read, whether a sign-in can reach the
// rule's results at all (see engine's retention).
//
// A Probe computes only the columns it was made for (the Needing of the
// catalog it came from, or the cols given) and fills a table's row once per
// sign-in however many plans scan it. It is not safe for concurrent use.
type Probe struct {
	ev     *event.SignIn
	gen    uint64 // counts Set calls: rows are filled once per sign-in set
	tables map[string]*probeTable
	empty  map[string]plan.Schema
}

type probeTable struct {
	p      *Probe
	schema plan.Schema
	fill   func(ev *event.SignIn, row []event.Value) bool
	row    []event.Value
	gen    uint64 // the Probe.gen row was filled for
	has    bool   // whether it is a row of this table
}

// Set makes ev the probe's sign-in. Setting the same pointer again (a
// buffer reused for the next sign-in) counts as a new sign-in.
func (p *Probe) Set(ev *event.SignIn) {
	p.ev = ev
	p.gen++
}

// Table implements exec.Catalog.
func (p *Probe) Table(name string) (exec.Table, bool) {
	if t, ok := p.tables[name]; ok {
		return t, true
	}
	if s, ok := p.empty[name]; ok {
		return &exec.MemTable{Columns: s}, true
	}
	return nil, false
}

// TableSchema implements plan.Resolver.
func (p *Probe) TableSchema(name string) (plan.Schema, bool) {
	if t, ok := p.tables[name]; ok {
		return t.schema, true
	}
	s, ok := p.empty[name]
	return s, ok
}

// Schema implements exec.Table.
func (t *probeTable) Schema() plan.Schema { return t.schema }

// Scan implements exec.Table: the current sign-in's row, if it has one here.
func (t *probeTable) Scan(_ context.Context, fn func(row []event.Value) error) error {
	ev := t.p.ev
	if ev == nil {
		return nil
	}
	if t.gen != t.p.gen {
		t.gen, t.has = t.p.gen, t.fill(ev, t.row)
	}
	if !t.has {
		return nil
	}
	return fn(t.row)
}

func (p *Probe) add(name string, schema plan.Schema, fill func(*event.SignIn, []event.Value) bool) {
	p.tables[name] = &probeTable{p: p, schema: schema, fill: fill, row: make([]event.Value, len(schema))}
}

func newProbe() *Probe {
	return &Probe{tables: map[string]*probeTable{}, empty: map[string]plan.Schema{}}
}

// Probe returns a probe of the Sentinel views that computes, for each
// sign-in table, the columns cols names for it (all of them when the table
// is not in cols). Exported tables are empty, with their schemas.
func (c *Catalog) Probe(cols map[string][]string) *Probe {
	p := newProbe()
	for name, t := range c.signIns {
		def := t.def
		need := make([]bool, len(def.schema))
		want, some := cols[name]
		for i, col := range def.schema {
			need[i] = !some
			for _, w := range want {
				if w == col.Name {
					need[i] = true
				}
			}
		}
		p.add(name, def.schema, func(ev *event.SignIn, row []event.Value) bool {
			if tn, ok := TableOf(ev.Category); !ok || tn != name {
				return false
			}
			for i, g := range def.getters {
				if need[i] {
					row[i] = g(ev)
				} else {
					row[i] = event.Null
				}
			}
			return true
		})
	}
	for name, t := range c.tables {
		p.empty[name] = t.schema
	}
	return p
}

// Probe returns a probe of the Splunk views: every sign-in is an event of
// each sourcetype. Make it from Needing to compute only the columns a plan
// reads.
func (s *Splunk) Probe() *Probe {
	p := newProbe()
	for name, v := range s.views {
		f := &flat{index: v.index, fieldCol: &v.fieldCol, vals: make([][]string, len(v.schema)), need: v.need, prefixes: v.prefixes}
		typ := event.String(v.name)
		p.add(name, v.schema, func(ev *event.SignIn, row []event.Value) bool {
			v.fill(ev, f, row)
			row[v.typeCol] = typ
			return true
		})
	}
	return p
}

// Probe returns a probe of the ECS tables: a sign-in of a sign-in category
// is a document of the sign-in table, with its autonomous system looked up
// as NewECS does. Make it from Needing to compute only the columns a plan
// reads. The activity-log table is empty.
func (c *ECS) Probe() *Probe {
	p := newProbe()
	need := c.need
	p.add(ECSSignInLogs, ecsSignInSchema, func(ev *event.SignIn, row []event.Value) bool {
		e, ok := newECSEvent(ev, c.asn)
		if !ok {
			return false
		}
		drop := ecsDropsEmpty(ev)
		for j := range ecsSignInColumns {
			if need == nil || need[j] {
				row[j] = ecsValue(j, &e, drop)
			} else {
				row[j] = event.Null
			}
		}
		return true
	})
	p.empty[ECSActivityLogs] = c.activity.schema
	return p
}

// SignIns reports whether name is a table the probe fills from sign-ins.
func (p *Probe) SignIns(name string) bool {
	_, ok := p.tables[name]
	return ok
}
