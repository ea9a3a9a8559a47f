package exec

import (
	"context"
	"errors"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// limitOp passes the first n rows and then stops its input.
type limitOp struct {
	input operator
	n     int64
}

func (c *compiler) limit(n *plan.Limit) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	return &limitOp{input: in, n: n.N}, nil
}

func (o *limitOp) run(ctx context.Context, emit func([]event.Value) error) error {
	if o.n == 0 {
		return nil
	}
	var seen int64
	err := o.input.run(ctx, func(row []event.Value) error {
		seen++
		if err := emit(row); err != nil {
			return err
		}
		if seen >= o.n {
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) && seen >= o.n {
		return nil
	}
	return err
}
