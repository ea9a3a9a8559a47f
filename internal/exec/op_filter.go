package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// filterOp keeps the rows whose predicate is true; false and null drop the
// row.
type filterOp struct {
	input operator
	pred  evalFn
	sink  // the current run's emit (see sink)
}

func (c *compiler) filter(n *plan.Filter) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	pred, err := c.expr(n.Pred, c.info.Schema(n.Input))
	if err != nil {
		return nil, err
	}
	return &filterOp{input: in, pred: pred}, nil
}

func (o *filterOp) run(ctx context.Context, emit func([]event.Value) error) error {
	if o.bound == nil {
		o.bound = o.row // a method value allocates: bind it once
	}
	return o.input.run(ctx, o.to(emit))
}

func (o *filterOp) row(row []event.Value) error {
	if isTrue(o.pred(row)) {
		return o.emit(row)
	}
	return nil
}
