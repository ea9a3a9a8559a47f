package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// fillNullsOp implements FillNulls. Over the whole result set (no columns
// named) it materializes its input to learn which columns have a value
// somewhere; with columns named it streams.
type fillNullsOp struct {
	input operator
	value event.Value
	width int
	pos   []int // columns to fill; nil: decided from the data
}

func (c *compiler) fillNulls(n *plan.FillNulls) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	o := &fillNullsOp{input: in, value: n.Value, width: len(c.info.Schema(n))}
	if len(n.Columns) > 0 {
		out := c.info.Schema(n)
		for _, name := range n.Columns {
			o.pos = append(o.pos, out.Index(name))
		}
	}
	return o, nil
}

func (o *fillNullsOp) run(ctx context.Context, emit func([]event.Value) error) error {
	if o.pos != nil {
		buf := make([]event.Value, o.width)
		return o.input.run(ctx, func(row []event.Value) error {
			n := copy(buf, row)
			clear(buf[n:])
			for _, i := range o.pos {
				if buf[i].IsNull() {
					buf[i] = o.value
				}
			}
			return emit(buf)
		})
	}
	var rows [][]event.Value
	present := make([]bool, o.width)
	err := o.input.run(ctx, func(row []event.Value) error {
		for i, v := range row {
			if !v.IsNull() {
				present[i] = true
			}
		}
		rows = append(rows, copyRow(row))
		return nil
	})
	if err != nil {
		return err
	}
	for _, row := range rows {
		for i, v := range row {
			if present[i] && v.IsNull() {
				row[i] = o.value
			}
		}
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}
