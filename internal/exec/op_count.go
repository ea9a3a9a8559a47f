package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// countOp outputs the number of input rows.
type countOp struct {
	input operator
	n     int64
	out   []event.Value
	sink
}

func (c *compiler) count(n *plan.Count) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	return &countOp{input: in}, nil
}

func (o *countOp) run(ctx context.Context, emit func([]event.Value) error) error {
	o.n = 0
	if o.bound == nil {
		o.bound = o.row // a method value allocates: bind it once
	}
	if err := o.input.run(ctx, o.to(nil)); err != nil {
		return err
	}
	out := scratch(&o.out, 1)
	out[0] = event.Long(o.n)
	return emit(out)
}

func (o *countOp) row([]event.Value) error {
	o.n++
	return nil
}
