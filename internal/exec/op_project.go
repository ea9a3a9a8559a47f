package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// projectOp computes a new row of expressions over each input row (Project).
type projectOp struct {
	input operator
	exprs []evalFn
	buf   []event.Value
}

func (c *compiler) project(n *plan.Project) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	o := &projectOp{input: in}
	for _, a := range n.Columns {
		f, err := c.expr(a.Expr, c.info.Schema(n.Input))
		if err != nil {
			return nil, err
		}
		o.exprs = append(o.exprs, f)
	}
	return o, nil
}

func (o *projectOp) run(ctx context.Context, emit func([]event.Value) error) error {
	buf := scratch(&o.buf, len(o.exprs))
	return o.input.run(ctx, func(row []event.Value) error {
		for i, f := range o.exprs {
			buf[i] = f(row)
		}
		return emit(buf)
	})
}
