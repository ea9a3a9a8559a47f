package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// permuteOp picks input columns by position (ProjectAway, Reorder). Rename
// changes only the schema and compiles to its input operator.
type permuteOp struct {
	input operator
	idx   []int
	buf   []event.Value
}

func (c *compiler) permute(in plan.Node, out plan.Schema) (operator, error) {
	op, err := c.node(in)
	if err != nil {
		return nil, err
	}
	inSchema := c.info.Schema(in)
	idx := make([]int, len(out))
	for i, col := range out {
		idx[i] = inSchema.Index(col.Name)
	}
	return &permuteOp{input: op, idx: idx}, nil
}

func (c *compiler) projectAway(n *plan.ProjectAway) (operator, error) {
	return c.permute(n.Input, c.info.Schema(n))
}

func (c *compiler) reorder(n *plan.Reorder) (operator, error) {
	return c.permute(n.Input, c.info.Schema(n))
}

func (c *compiler) rename(n *plan.Rename) (operator, error) {
	return c.node(n.Input)
}

func (o *permuteOp) run(ctx context.Context, emit func([]event.Value) error) error {
	buf := scratch(&o.buf, len(o.idx))
	return o.input.run(ctx, func(row []event.Value) error {
		for i, j := range o.idx {
			buf[i] = row[j]
		}
		return emit(buf)
	})
}
