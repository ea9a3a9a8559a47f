package exec

import (
	"context"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// scanOp reads a Table of the Catalog. With strs set (Fill
// FillEmptyString), null values of those string columns read as "".
type scanOp struct {
	table Table // as found when compiling
	env   *runEnv
	width int
	name  string
	at    diag.Span
	strs  []int
	buf   []event.Value // the filled copy of a row, kept from run to run
	sink
}

func (c *compiler) scan(n *plan.Scan) (operator, error) {
	t, ok := c.cat.Table(n.Table)
	if !ok {
		return nil, plan.Errorf(n.At, "unknown table '%s'", n.Table)
	}
	o := &scanOp{table: t, env: c.env, width: len(c.info.Schema(n)), name: n.Table, at: n.At}
	if n.Fill == plan.FillEmptyString {
		for i, col := range c.info.Schema(n) {
			if col.Type == plan.TypeString {
				o.strs = append(o.strs, i)
			}
		}
	}
	return o, nil
}

var emptyString = event.String("")

func (o *scanOp) run(ctx context.Context, emit func([]event.Value) error) error {
	table := o.table
	if o.env.cat != nil {
		t, ok := o.env.cat.Table(o.name)
		if !ok {
			return plan.Errorf(o.at, "unknown table '%s'", o.name)
		}
		table = t
	}
	if o.bound == nil {
		o.bound = o.row // a method value allocates: bind it once
	}
	return table.Scan(ctx, o.to(emit))
}

func (o *scanOp) row(row []event.Value) error {
	if len(row) != o.width {
		return plan.Errorf(o.at, "table '%s': row has %d values, schema has %d columns", o.name, len(row), o.width)
	}
	for _, i := range o.strs {
		if row[i].IsNull() {
			// The table owns row: fill a copy.
			o.buf = append(o.buf[:0], row...)
			for _, j := range o.strs {
				if o.buf[j].IsNull() {
					o.buf[j] = emptyString
				}
			}
			return o.emit(o.buf)
		}
	}
	return o.emit(row)
}
