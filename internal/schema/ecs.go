package schema

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"vigil/internal/enrich"
	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
)

// The Elastic datasets vigil shows, and the ECS tables holding them. A
// table is named after the data stream its documents would be indexed in
// (the data stream name without its namespace).
const (
	SignInDataset   = "azure.signinlogs"
	ActivityDataset = "azure.activitylogs"

	// ECSSignInLogs is the table of every canonical sign-in as the Elastic
	// azure integration indexes it (SEMANTICS.md §A.7).
	ECSSignInLogs = "logs-azure.signinlogs"
	// ECSActivityLogs is the table of the Elastic documents of the
	// azure.activitylogs dataset read as input, flattened to dotted field
	// paths.
	ECSActivityLogs = "logs-azure.activitylogs"
)

// ECSTime says which timestamp an ECS catalog orders and windows its rows
// by.
type ECSTime uint8

// The timestamps of ECS windows.
const (
	// ECSIngested is Elastic's timestamp override with fallback:
	// event.ingested, else @timestamp (rules 4 and 5, SEMANTICS.md §A.8).
	ECSIngested ECSTime = iota
	// ECSTimestamp is @timestamp.
	ECSTimestamp
)

// String returns the field the timestamp is read from ("event.ingested",
// "@timestamp").
func (t ECSTime) String() string {
	if t == ECSTimestamp {
		return "@timestamp"
	}
	return "event.ingested"
}

// ECSOptions configure NewECS.
type ECSOptions struct {
	// ASN gives source.as.number and source.as.organization.name; nil
	// means enrich.Builtin(), the record's own autonomousSystemNumber.
	ASN enrich.ASN
	// Time is the timestamp rows are ordered and windowed by.
	Time ECSTime
}

// ECS is the Elastic side of vigil: the documents the Elastic azure
// integration would have indexed, as tables an Elastic rule's Kuery query
// runs on (package kuery). Its tables are
//
//   - ECSSignInLogs ("logs-azure.signinlogs"): every canonical sign-in of
//     a sign-in category (whatever shape it came from) as the
//     azure.signinlogs document: one column per flattened ECS field path
//     (see ECSDocument and the package documentation);
//   - ECSActivityLogs ("logs-azure.activitylogs"): the Elastic documents of
//     the azure.activitylogs dataset read as input, their fields flattened
//     to dotted paths, types inferred from the values (@timestamp and
//     event.ingested are dates).
//
// Column types: keyword → string, boolean → bool, long → long, float →
// real, date → datetime, arrays and objects → dynamic. A field a document
// lacks is null (Kuery keeps nulls). The pipeline removes empty values
// (empty strings, and empty arrays and objects at every depth) before it
// derives fields from them, so for a sign-in read from any other shape an
// empty value is null here too; an Elastic document read as input keeps
// the values Elastic stored, "" included.
//
// Rows are listed in the order of the catalog's timestamp (ECSOptions.Time),
// ties in input order, rows without that timestamp last. Window restricts
// every table to an inclusive time range by binary search.
//
// An ECS catalog is immutable and safe for concurrent use; it implements
// exec.Catalog and plan.Resolver.
type ECS struct {
	signIns  []ecsEvent
	signT    []int64 // window times of the timed sign-ins, sorted
	activity *ecsRows
	actT     []int64
	asn      enrich.ASN
	timeBy   ECSTime
	windowed bool
	from, to int64  // inclusive, Unix nanoseconds
	need     []bool // columns of the sign-in table to compute; nil = all
	ids      *ecsIDs
}

// ecsIDs indexes the documents by id, built on first use and shared by
// the windows of a catalog.
type ecsIDs struct {
	once     sync.Once
	signIns  map[string]int // event.id → position in signIns
	activity map[string]int // _id → row of the activity table
}

// NewECS builds the ECS catalog of the sign-ins evs and of the exported
// rows of tables (grouped by table name, as engine.Data holds them; the
// rows of table "azure.activitylogs" are the activity-log documents). The
// autonomous system of each sign-in is looked up once, here: an Elastic
// document's own source.as (Elastic's lookup when it indexed it) wins over
// opts.ASN. The catalog keeps pointers into evs.
func NewECS(evs []event.SignIn, tables map[string][]event.Row, opts ECSOptions) *ECS {
	asn := opts.ASN
	if asn == nil {
		asn = enrich.Builtin()
	}
	c := &ECS{asn: asn, timeBy: opts.Time, from: math.MinInt64, to: math.MaxInt64, ids: &ecsIDs{}}
	type entry struct {
		t   int64
		idx int
	}
	var timed []entry
	var untimed []int
	var all []ecsEvent
	for i := range evs {
		ev := &evs[i]
		e, ok := newECSEvent(ev, asn)
		if !ok {
			continue // the pipeline drops other categories
		}
		if t, ok := c.eventTime(ev); ok {
			timed = append(timed, entry{t, len(all)})
		} else {
			untimed = append(untimed, len(all))
		}
		all = append(all, e)
	}
	sort.SliceStable(timed, func(i, j int) bool { return timed[i].t < timed[j].t })
	c.signIns = make([]ecsEvent, 0, len(all))
	c.signT = make([]int64, len(timed))
	for i, e := range timed {
		c.signIns = append(c.signIns, all[e.idx])
		c.signT[i] = e.t
	}
	for _, i := range untimed {
		c.signIns = append(c.signIns, all[i])
	}
	c.activity, c.actT = newActivityTable(tables[ActivityDataset], opts.Time)
	return c
}

// newECSEvent returns the document of a sign-in, its autonomous system
// looked up (a document's own source.as wins), or false for a sign-in of a
// category the pipeline drops.
func newECSEvent(ev *event.SignIn, asn enrich.ASN) (ecsEvent, bool) {
	cat, _ := ecsCategory(ev)
	if !strings.HasSuffix(cat, "SignInLogs") {
		return ecsEvent{}, false
	}
	e := ecsEvent{ev: ev}
	if as, ok := ecsDocAS(ev); ok {
		e.as, e.hasAS = as, true
	} else if ip, ok := ecsSourceIP(ev); ok {
		n, _ := ev.Int(event.FAutonomousSystemNumber)
		e.as, e.hasAS = asn.Lookup(ip, n)
	} else if n, ok := ev.Int(event.FAutonomousSystemNumber); ok {
		e.as, e.hasAS = asn.Lookup("", n)
	}
	return e, true
}

// eventTime is the window time of a sign-in.
func (c *ECS) eventTime(ev *event.SignIn) (int64, bool) {
	if c.timeBy == ECSIngested {
		if t, ok := ev.Time(event.FIngestTime); ok {
			return t.UnixNano(), true
		}
	}
	return ecsTime(ev)
}

// ASNSource says where source.as.* come from (enrich.ASN.Source).
func (c *ECS) ASNSource() string { return c.asn.Source() }

// TimeBy returns the timestamp the catalog orders and windows rows by.
func (c *ECS) TimeBy() ECSTime { return c.timeBy }

// Window returns a catalog whose tables show only the rows whose timestamp
// (ECSOptions.Time) lies in [from, to], both ends included, as Elastic's
// range on the timestamp override is. Rows without that timestamp are in no
// window. A window of a windowed catalog is the intersection of the two.
func (c *ECS) Window(from, to time.Time) *ECS {
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

// Span returns the earliest and latest timestamp of the catalog's rows
// (both tables, ignoring any window), and false when no row has one: the
// time span a backtest replays.
func (c *ECS) Span() (first, last time.Time, ok bool) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, ts := range [][]int64{c.signT, c.actT} {
		if len(ts) > 0 {
			lo = min(lo, ts[0])
			hi = max(hi, ts[len(ts)-1])
		}
	}
	if lo > hi {
		return time.Time{}, time.Time{}, false
	}
	return time.Unix(0, lo).UTC(), time.Unix(0, hi).UTC(), true
}

// bounds returns the positions of the rows inside the window.
func (c *ECS) bounds(times []int64, n int) (lo, hi int) {
	if !c.windowed {
		return 0, n
	}
	if c.from > c.to {
		return 0, 0
	}
	lo, _ = slices.BinarySearch(times, c.from)
	hi, found := slices.BinarySearch(times, c.to)
	for found && hi < len(times) && times[hi] == c.to {
		hi++
	}
	return lo, hi
}

// TableNames returns the names of the catalog's tables, sorted.
func (c *ECS) TableNames() []string { return []string{ECSActivityLogs, ECSSignInLogs} }

// Columns returns the columns of the table named name, and false when there
// is no such table. The caller must not modify the schema.
func (c *ECS) Columns(name string) (plan.Schema, bool) {
	switch name {
	case ECSSignInLogs:
		return ecsSignInSchema, true
	case ECSActivityLogs:
		return c.activity.schema, true
	}
	return nil, false
}

// TableSchema implements plan.Resolver.
func (c *ECS) TableSchema(name string) (plan.Schema, bool) { return c.Columns(name) }

// Table implements exec.Catalog.
func (c *ECS) Table(name string) (exec.Table, bool) {
	switch name {
	case ECSSignInLogs:
		lo, hi := c.bounds(c.signT, len(c.signIns))
		return &ecsSignInTable{evs: c.signIns[lo:hi], need: c.need}, true
	case ECSActivityLogs:
		lo, hi := c.bounds(c.actT, len(c.activity.rows))
		return &exec.MemTable{Columns: c.activity.schema, Rows: c.activity.rows[lo:hi]}, true
	}
	return nil, false
}

// ECSTables returns the ECS tables the index patterns of an Elastic rule
// read ("logs-azure.signinlogs-*" → ECSSignInLogs; "filebeat-*" and
// "logs-*" → both), sorted. Patterns are matched, with their '*'
// wildcards, against each table's data stream in the default namespace
// and against Filebeat's index names.
func ECSTables(index []string) []string {
	var out []string
	for _, t := range []struct{ table, stream string }{
		{ECSActivityLogs, "logs-azure.activitylogs-default"},
		{ECSSignInLogs, "logs-azure.signinlogs-default"},
	} {
		for _, p := range index {
			p = strings.TrimSpace(p)
			if plan.MatchWildcard(p, t.stream) || plan.MatchWildcard(p, "filebeat-8.0.0") {
				out = append(out, t.table)
				break
			}
		}
	}
	return out
}

// Needing returns a catalog whose sign-in table computes only the named
// columns and leaves the others null, keeping its schema: a plan that
// reads a few fields (plan.TableColumns of the checked plan) then skips
// building the rest, JSON columns above all. Use the full catalog to
// render whole documents (ECSDocument). Unknown names are ignored.
func (c *ECS) Needing(columns []string) *ECS {
	w := *c
	w.need = make([]bool, len(ecsSignInColumns))
	for _, name := range columns {
		if i := ecsSignInSchema.Index(name); i >= 0 {
			w.need[i] = true
		}
	}
	return &w
}

// Needs returns what computing the columns cols of table takes from the
// sign-ins (see Needs): for the sign-in table, what each column declares
// (source.as.* count the autonomous-system lookup NewECS makes); a column
// it does not have needs everything. The activity table is read as
// documents, which no projection touches: it needs nothing. The time and
// category the view is ordered and filtered by are the caller's to add.
func (c *ECS) Needs(table string, cols []string) Needs {
	if table != ECSSignInLogs {
		return Needs{}
	}
	var n Needs
	for _, name := range cols {
		i := ecsSignInSchema.Index(name)
		if i < 0 {
			return AllNeeds
		}
		n.Add(ecsSignInColumns[i].in)
	}
	return n
}

// ecsSignInTable is the sign-in table restricted to a window; rows are
// built from the events during Scan.
type ecsSignInTable struct {
	evs  []ecsEvent
	need []bool
}

// Schema implements exec.Table.
func (t *ecsSignInTable) Schema() plan.Schema { return ecsSignInSchema }

// Scan implements exec.Table. The row passed to fn is rebuilt in place for
// the next sign-in, as the exec.Table contract allows.
func (t *ecsSignInTable) Scan(ctx context.Context, fn func(row []event.Value) error) error {
	row := make([]event.Value, len(ecsSignInColumns))
	for i := range t.evs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e := &t.evs[i]
		drop := ecsDropsEmpty(e.ev)
		for j := range ecsSignInColumns {
			if t.need == nil || t.need[j] {
				row[j] = ecsValue(j, e, drop)
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

// Document returns the whole document of table whose id is id (event.id
// for sign-ins, _id for activity-log documents), whatever the catalog's
// window or Needing restriction: the evidence an alert carries. The first
// document with the id wins.
func (c *ECS) Document(table, id string) (event.Value, bool) {
	c.ids.once.Do(func() {
		c.ids.signIns = map[string]int{}
		for i := range c.signIns {
			if s, ok := c.signIns[i].ev.Str(event.FID); ok && s != "" {
				if _, dup := c.ids.signIns[s]; !dup {
					c.ids.signIns[s] = i
				}
			}
		}
		c.ids.activity = map[string]int{}
		if j := c.activity.schema.Index("_id"); j >= 0 {
			for i, row := range c.activity.rows {
				if row[j].Kind() == event.KindString {
					if _, dup := c.ids.activity[row[j].Str()]; !dup {
						c.ids.activity[row[j].Str()] = i
					}
				}
			}
		}
	})
	switch table {
	case ECSSignInLogs:
		i, ok := c.ids.signIns[id]
		if !ok {
			return event.Null, false
		}
		row := make([]event.Value, len(ecsSignInColumns))
		e := &c.signIns[i]
		for j := range ecsSignInColumns {
			row[j] = ecsValue(j, e, ecsDropsEmpty(e.ev))
		}
		return ECSDocument(ecsSignInSchema, row), true
	case ECSActivityLogs:
		i, ok := c.ids.activity[id]
		if !ok {
			return event.Null, false
		}
		return ECSDocument(c.activity.schema, c.activity.rows[i]), true
	}
	return event.Null, false
}

// ECSRowTime returns the timestamp Elastic's timestamp override with
// fallback gives a row of an ECS table with columns cols: event.ingested,
// else @timestamp.
func ECSRowTime(cols plan.Schema, row []event.Value) (time.Time, bool) {
	for _, name := range []string{"event.ingested", "@timestamp"} {
		if i := cols.Index(name); i >= 0 && i < len(row) && row[i].Kind() == event.KindDatetime {
			return row[i].Time(), true
		}
	}
	return time.Time{}, false
}

var (
	_ exec.Catalog  = (*ECS)(nil)
	_ plan.Resolver = (*ECS)(nil)
)
