package exec

import (
	"context"
	"slices"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// sortOp materializes its input and emits it stably sorted by its keys; with
// limit >= 0 (Top) only the first limit rows.
type sortOp struct {
	input operator
	keys  []evalFn
	desc  []bool
	nulls []bool // nulls first
	limit int64
}

func (c *compiler) sortKeys(in plan.Node, keys []plan.SortKey, limit int64) (operator, error) {
	op, err := c.node(in)
	if err != nil {
		return nil, err
	}
	o := &sortOp{input: op, limit: limit}
	for _, k := range keys {
		f, err := c.expr(k.Expr, c.info.Schema(in))
		if err != nil {
			return nil, err
		}
		o.keys = append(o.keys, f)
		o.desc = append(o.desc, k.Desc)
		o.nulls = append(o.nulls, k.NullsFirst)
	}
	return o, nil
}

func (c *compiler) sort(n *plan.Sort) (operator, error) { return c.sortKeys(n.Input, n.Keys, -1) }

func (c *compiler) top(n *plan.Top) (operator, error) { return c.sortKeys(n.Input, n.Keys, n.N) }

type sortRow struct {
	row  []event.Value
	keys []event.Value
}

func (o *sortOp) run(ctx context.Context, emit func([]event.Value) error) error {
	var rows []sortRow
	err := o.input.run(ctx, func(row []event.Value) error {
		r := sortRow{row: copyRow(row), keys: make([]event.Value, len(o.keys))}
		for i, k := range o.keys {
			r.keys[i] = k(row)
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(rows, func(a, b sortRow) int {
		for i := range o.keys {
			if c := o.compareKey(i, a.keys[i], b.keys[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	if o.limit >= 0 && int64(len(rows)) > o.limit {
		rows = rows[:o.limit]
	}
	for _, r := range rows {
		if err := emit(r.row); err != nil {
			return err
		}
	}
	return nil
}

// compareKey orders two values of sort key i: nulls where the key says,
// other values by event.Compare, reversed for descending keys.
func (o *sortOp) compareKey(i int, a, b event.Value) int {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return 0
	case an || bn:
		first := o.nulls[i]
		if an == first {
			return -1
		}
		return 1
	}
	c := event.Compare(a, b)
	if o.desc[i] {
		return -c
	}
	return c
}
