package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// countOp outputs the number of input rows.
type countOp struct {
	input operator
}

func (c *compiler) count(n *plan.Count) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	return &countOp{input: in}, nil
}

func (o *countOp) run(ctx context.Context, emit func([]event.Value) error) error {
	var n int64
	if err := o.input.run(ctx, func([]event.Value) error { n++; return nil }); err != nil {
		return err
	}
	return emit([]event.Value{event.Long(n)})
}
