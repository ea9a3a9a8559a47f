package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// unionOp runs its inputs one after the other, mapping each input's columns
// onto the union schema and filling the columns an input lacks.
type unionOp struct {
	inputs []unionInput
	width  int
	buf    []event.Value
	emit   func([]event.Value) error // the current run's (see sink)
}

type unionInput struct {
	op     operator
	pos    []int                     // output position of each input column
	filled []event.Value             // the output row template: fill values, source name
	row    func([]event.Value) error // passes a row on, made once
}

func (c *compiler) union(n *plan.Union) (operator, error) {
	out := c.info.Schema(n)
	o := &unionOp{width: len(out)}
	var schemas []plan.Schema
	for i, in := range n.Inputs {
		if c.info.Skipped(in) {
			continue
		}
		op, err := c.node(in)
		if err != nil {
			return nil, err
		}
		ui := unionInput{op: op, filled: make([]event.Value, len(out))}
		for j, col := range out {
			ui.filled[j] = fill(n.Fill, col.Type)
		}
		if n.SourceColumn != "" {
			ui.filled[0] = event.String(plan.SourceName(in, i))
		}
		o.inputs = append(o.inputs, ui)
		schemas = append(schemas, c.info.Schema(in))
	}
	_, pos := plan.UnionSchema(schemas, n.SourceColumn)
	for i := range o.inputs {
		o.inputs[i].pos = pos[i]
	}
	return o, nil
}

func (o *unionOp) run(ctx context.Context, emit func([]event.Value) error) error {
	scratch(&o.buf, o.width)
	o.emit = emit
	for i := range o.inputs {
		in := &o.inputs[i]
		if in.row == nil {
			in.row = func(row []event.Value) error {
				copy(o.buf, in.filled)
				for i, v := range row {
					o.buf[in.pos[i]] = v
				}
				return o.emit(o.buf)
			}
		}
		if err := in.op.run(ctx, in.row); err != nil {
			return err
		}
	}
	return nil
}
