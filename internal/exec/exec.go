package exec

import (
	"context"
	"errors"
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// Table is a source of rows for Scan nodes.
//
// Scan calls fn once per row, in an order that does not change between calls
// (results are deterministic only if the table is). Each row has exactly one
// Value per schema column, of a kind the column's type accepts. The row
// slice belongs to the Table and is valid only during the call: fn neither
// keeps nor modifies it. Scan stops and returns fn's error as soon as fn
// returns one, and should return ctx.Err() when ctx is cancelled. Scan may be
// called more than once per run (a table scanned twice in one query) and
// from one goroutine at a time.
type Table interface {
	Schema() plan.Schema
	Scan(ctx context.Context, fn func(row []event.Value) error) error
}

// Catalog maps table names (case-sensitive) to tables. The Sentinel views of
// canonical events, exported Log Analytics tables, and in-memory test tables
// implement it; a schedule restricts each table to a run's time window by
// wrapping the Catalog.
type Catalog interface {
	// Table returns the table named name and true, or false when there is no
	// such table.
	Table(name string) (Table, bool)
}

// MemTable is an in-memory Table.
type MemTable struct {
	Columns plan.Schema
	Rows    [][]event.Value
}

// Schema implements Table.
func (t *MemTable) Schema() plan.Schema { return t.Columns }

// Scan implements Table.
func (t *MemTable) Scan(ctx context.Context, fn func(row []event.Value) error) error {
	for i, row := range t.Rows {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

// MemCatalog is a Catalog of in-memory (or any) tables by name.
type MemCatalog map[string]Table

// Table implements Catalog.
func (c MemCatalog) Table(name string) (Table, bool) {
	t, ok := c[name]
	return t, ok
}

// resolver adapts a Catalog to plan.Resolver.
type resolver struct{ cat Catalog }

func (r resolver) TableSchema(name string) (plan.Schema, bool) {
	t, ok := r.cat.Table(name)
	if !ok {
		return nil, false
	}
	return t.Schema(), true
}

// Options are the parameters of one run of a plan.
type Options struct {
	// Now is the time now() and ago() see: the scheduled time of the run in a
	// backtest, the wall clock in a live run. It must be set.
	Now time.Time
}

// Query is a plan compiled against a Catalog, ready to run. A Query runs one
// goroutine at a time; compile one Query per concurrent run.
type Query struct {
	root   operator
	schema plan.Schema
	env    *runEnv
}

// runEnv is what a run of a compiled query reads besides its rows: the
// run's time and, for RunAt, the catalog its scans read. Operators and
// functions hold a pointer to it, so that one compiled query serves runs at
// many times over many windows.
type runEnv struct {
	now event.Value
	cat Catalog // nil: the tables found when compiling
}

// Result is the complete output of a run: the schema and the rows in order.
type Result struct {
	Columns plan.Schema
	Rows    [][]event.Value
}

// Compile checks the plan rooted at root against cat (plan.Check) and
// compiles it into operators. Errors are *plan.Error values positioned at the
// node or expression at fault.
func Compile(root plan.Node, cat Catalog, opts Options) (*Query, error) {
	if opts.Now.IsZero() {
		return nil, errors.New("exec: options: now is not set")
	}
	info, err := plan.Check(root, resolver{cat})
	if err != nil {
		return nil, err
	}
	env := &runEnv{now: event.Datetime(opts.Now)}
	c := &compiler{info: info, cat: cat, env: env}
	op, err := c.node(root)
	if err != nil {
		return nil, err
	}
	return &Query{root: op, schema: info.Schema(root), env: env}, nil
}

// Schema returns the columns of the query's output rows.
func (q *Query) Schema() plan.Schema { return q.schema }

// Run runs the query, calling fn for each output row in order. The row
// slice is valid only during the call; fn must copy what it keeps. Run
// returns fn's first error, or ctx.Err() when cancelled.
func (q *Query) Run(ctx context.Context, fn func(row []event.Value) error) error {
	return q.root.run(ctx, fn)
}

// RunAt runs the query as of now over cat instead of the catalog and time it
// was compiled with, and collects all output rows: a schedule compiles a rule
// once and runs it for every window. cat must have the tables the query
// scans, with the schemas of the catalog it was compiled against (a window
// of that catalog does).
func (q *Query) RunAt(ctx context.Context, cat Catalog, now time.Time) (*Result, error) {
	saved := *q.env
	q.env.cat, q.env.now = cat, event.Datetime(now)
	defer func() { *q.env = saved }()
	return q.Rows(ctx)
}

// Rows runs the query and collects all output rows.
func (q *Query) Rows(ctx context.Context) (*Result, error) {
	res := &Result{Columns: q.schema}
	err := q.Run(ctx, func(row []event.Value) error {
		res.Rows = append(res.Rows, copyRow(row))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Run compiles the plan rooted at root against cat and returns all its rows.
func Run(ctx context.Context, root plan.Node, cat Catalog, opts Options) (*Result, error) {
	q, err := Compile(root, cat, opts)
	if err != nil {
		return nil, err
	}
	return q.Rows(ctx)
}

// operator is the runtime form of a plan node. run produces the node's rows
// in order, calling emit for each; the row is valid only during the call and
// must not be modified by emit. run stops at emit's first error and returns
// it.
type operator interface {
	run(ctx context.Context, emit func(row []event.Value) error) error
}

// errStop is returned by emit functions of operators that need no more rows
// (Limit); the operator that returned it swallows it.
var errStop = errors.New("stop")

// scratch returns *buf with length n, made on first use: an operator's
// per-row buffer, kept from one run to the next because a compiled query
// may run once per window or once per sign-in (engine's retention). An
// operator occurs once in its query, and a query runs one goroutine at a
// time and never inside one of its own operators' runs, so the buffer is
// never shared.
func scratch(buf *[]event.Value, n int) []event.Value {
	if len(*buf) != n {
		*buf = make([]event.Value, n)
	}
	return *buf
}

// sink holds the emit function of an operator's current run and the
// operator's row method bound once, so that a run allocates no closure: a
// row-local chain runs once per sign-in while reading (engine's
// retention). Like scratch buffers this relies on an operator never running
// inside its own run.
type sink struct {
	emit  func([]event.Value) error
	bound func([]event.Value) error
}

// to records emit for this run and returns the bound row method.
func (s *sink) to(emit func([]event.Value) error) func([]event.Value) error {
	s.emit = emit
	return s.bound
}

func copyRow(row []event.Value) []event.Value {
	return append([]event.Value(nil), row...)
}

// compiler turns checked plan nodes into operators.
type compiler struct {
	info *plan.Info
	cat  Catalog
	env  *runEnv
}

func (c *compiler) node(n plan.Node) (operator, error) {
	switch n := n.(type) {
	case *plan.Scan:
		return c.scan(n)
	case *plan.Values:
		return &valuesOp{rows: n.Rows}, nil
	case *plan.Filter:
		return c.filter(n)
	case *plan.Extend:
		return c.extend(n)
	case *plan.Project:
		return c.project(n)
	case *plan.ProjectAway:
		return c.projectAway(n)
	case *plan.Rename:
		return c.rename(n)
	case *plan.Reorder:
		return c.reorder(n)
	case *plan.Aggregate:
		return c.aggregate(n)
	case *plan.Join:
		return c.join(n)
	case *plan.Union:
		return c.union(n)
	case *plan.MvExpand:
		return c.mvExpand(n)
	case *plan.Sort:
		return c.sort(n)
	case *plan.Top:
		return c.top(n)
	case *plan.Limit:
		return c.limit(n)
	case *plan.Distinct:
		return c.distinct(n)
	case *plan.Count:
		return c.count(n)
	case *plan.FillNulls:
		return c.fillNulls(n)
	case *plan.RenameFields:
		return c.renameFields(n)
	case *plan.EventStats:
		return c.eventStats(n)
	case *plan.Dedup:
		return c.dedup(n)
	}
	return nil, plan.Errorf(n.Span(), "not supported yet: plan node %T", n)
}

// fill returns the value that stands in for a missing value of a column of
// type t under policy f.
func fill(f plan.Fill, t plan.Type) event.Value {
	if f == plan.FillEmptyString && t == plan.TypeString {
		return event.String("")
	}
	return event.Null
}
