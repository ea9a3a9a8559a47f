package schema

import (
	"context"
	"math"
	"slices"
	"sort"
	"time"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
)

// entry places one row in TimeGenerated order: its time (Unix nanoseconds)
// and its position in the input.
type entry struct {
	time int64
	idx  int
}

// sortEntries sorts by time, ties by input position, so that the order of a
// table never depends on anything but its rows.
func sortEntries(es []entry) {
	slices.SortFunc(es, func(a, b entry) int {
		switch {
		case a.time < b.time:
			return -1
		case a.time > b.time:
			return 1
		}
		return a.idx - b.idx
	})
}

// signInRows are the sign-ins of one view: those with a TimeGenerated in
// time order (times[i] is the time of evs[i]), then those without one in
// input order.
type signInRows struct {
	def   *signInTable
	evs   []*event.SignIn
	times []int64
}

// Catalog is the Sentinel workspace vigil queries: the four sign-in views
// over canonical events (SigninLogs, AADNonInteractiveUserSignInLogs,
// AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs), and the
// tables read from Log Analytics exports (IdentityInfo, BehaviorAnalytics,
// watchlists, AuditLogs, …), by their case-sensitive names. It implements
// exec.Catalog and plan.Resolver.
//
// A Catalog is immutable and safe for concurrent use; Window returns a
// restricted copy that shares its rows.
type Catalog struct {
	signIns  map[string]*signInRows
	tables   map[string]*rowTable
	windowed bool
	from, to int64 // the window, [from, to) in Unix nanoseconds
	probs    *problems
}

// New builds the catalog of the sign-ins evs and the exported rows of
// tables (rows grouped by table name, as engine.Data holds them). The
// catalog keeps pointers into evs and must not outlive changes to it.
//
// Each sign-in is a row of the view of its category (TableOf); sign-ins of
// other categories are in no view. The four views and IdentityInfo and
// BehaviorAnalytics always exist, empty when there is no data, so that
// rules reading them run. Rows of a table named like a sign-in view are
// ignored: sign-ins are read as events, never as rows.
//
// Exported tables are typed and converted here, once: IdentityInfo and
// BehaviorAnalytics with their documented column types, any other table
// with types inferred from its values. A cell that does not convert to
// its column's type is null ("" in a string column) and reported by
// Problems. Sign-in rows are built from their events during each Scan.
//
// Every table lists its rows in TimeGenerated order, ties in input order,
// and the rows without a TimeGenerated last, in input order.
func New(evs []event.SignIn, tables map[string][]event.Row) *Catalog {
	c := &Catalog{
		signIns: map[string]*signInRows{},
		tables:  map[string]*rowTable{},
		from:    math.MinInt64,
		to:      math.MaxInt64,
		probs:   &problems{},
	}
	var timed, untimed = map[string][]entry{}, map[string][]entry{}
	for name, def := range signInTables {
		c.signIns[name] = &signInRows{def: def}
	}
	for i := range evs {
		name, ok := TableOf(evs[i].Category)
		if !ok {
			continue
		}
		if t, ok := timeOf(&evs[i]); ok {
			timed[name] = append(timed[name], entry{time: t, idx: i})
		} else {
			untimed[name] = append(untimed[name], entry{idx: i})
		}
	}
	for name, rows := range c.signIns {
		es := timed[name]
		sortEntries(es)
		rows.evs = make([]*event.SignIn, 0, len(es)+len(untimed[name]))
		rows.times = make([]int64, len(es))
		for j, e := range es {
			rows.evs = append(rows.evs, &evs[e.idx])
			rows.times[j] = e.time
		}
		for _, e := range untimed[name] {
			rows.evs = append(rows.evs, &evs[e.idx])
		}
	}
	for _, name := range []string{IdentityInfo, BehaviorAnalytics} {
		if _, ok := tables[name]; !ok {
			c.tables[name] = newRowTable(name, nil, c.probs)
		}
	}
	names := make([]string, 0, len(tables))
	for name := range tables {
		names = append(names, name)
	}
	sort.Strings(names) // problems in a stable order
	for _, name := range names {
		if _, isView := signInTables[name]; isView {
			continue
		}
		c.tables[name] = newRowTable(name, tables[name], c.probs)
	}
	return c
}

// Window returns a catalog whose every table shows only the rows with a
// TimeGenerated in [from, to): from inclusive, to exclusive. Sentinel runs
// a scheduled rule over every table it reads, IdentityInfo and
// BehaviorAnalytics included, restricted to the lookback ending at the run
// (SEMANTICS.md §C.3); Microsoft does not document the boundaries, and a
// half-open window makes back-to-back runs (queryFrequency equal to
// queryPeriod) see each row exactly once, as exec.Window does. Rows without
// a TimeGenerated (a sign-in with neither record time nor creation time, an
// exported row without a parsable one, a table without the column) are
// outside every window. A window of a windowed catalog is the intersection
// of the two.
func (c *Catalog) Window(from, to time.Time) *Catalog {
	w := *c
	w.windowed = true
	if f := from.UnixNano(); f > w.from {
		w.from = f
	}
	if t := to.UnixNano(); t < w.to {
		w.to = t
	}
	return &w
}

// bounds returns the range of row positions inside the window, given the
// sorted times of the timed rows and the total number of rows.
func (c *Catalog) bounds(times []int64, n int) (lo, hi int) {
	if !c.windowed {
		return 0, n
	}
	if c.from >= c.to {
		return 0, 0
	}
	lo, _ = slices.BinarySearch(times, c.from)
	hi, _ = slices.BinarySearch(times, c.to)
	return lo, hi
}

// Problems returns the cells of exported tables that did not convert to
// their column's type (at most the first 100) and how many there were.
func (c *Catalog) Problems() ([]Problem, int) { return c.probs.list, c.probs.count }

// TableNames returns the names of the catalog's tables, sorted.
func (c *Catalog) TableNames() []string {
	names := make([]string, 0, len(c.signIns)+len(c.tables))
	for n := range c.signIns {
		names = append(names, n)
	}
	for n := range c.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Columns returns the columns of the table named name, in order, and false
// when there is no such table. The caller must not modify the schema.
func (c *Catalog) Columns(name string) (plan.Schema, bool) {
	if t, ok := c.signIns[name]; ok {
		return t.def.schema, true
	}
	if t, ok := c.tables[name]; ok {
		return t.schema, true
	}
	return nil, false
}

// TableSchema implements plan.Resolver.
func (c *Catalog) TableSchema(name string) (plan.Schema, bool) { return c.Columns(name) }

// Table implements exec.Catalog.
func (c *Catalog) Table(name string) (exec.Table, bool) {
	if t, ok := c.signIns[name]; ok {
		lo, hi := c.bounds(t.times, len(t.evs))
		return &signInView{def: t.def, evs: t.evs[lo:hi]}, true
	}
	if t, ok := c.tables[name]; ok {
		lo, hi := c.bounds(t.times, len(t.rows))
		return &exec.MemTable{Columns: t.schema, Rows: t.rows[lo:hi]}, true
	}
	return nil, false
}

// signInView is a sign-in view restricted to a window: its rows are built
// from the events during Scan, in one buffer reused from row to row.
type signInView struct {
	def *signInTable
	evs []*event.SignIn
}

// Schema implements exec.Table.
func (v *signInView) Schema() plan.Schema { return v.def.schema }

// Scan implements exec.Table. The row passed to fn is rebuilt in place for
// the next sign-in, as the exec.Table contract allows.
func (v *signInView) Scan(ctx context.Context, fn func(row []event.Value) error) error {
	row := make([]event.Value, len(v.def.schema))
	for i, ev := range v.evs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		v.def.fill(ev, row)
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

var (
	_ exec.Catalog  = (*Catalog)(nil)
	_ plan.Resolver = (*Catalog)(nil)
)
