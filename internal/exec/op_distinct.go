package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// distinctOp emits the first row of each distinct tuple of its columns, in
// order of first appearance.
type distinctOp struct {
	input operator
	idx   []int
}

func (c *compiler) distinct(n *plan.Distinct) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	inSchema := c.info.Schema(n.Input)
	out := c.info.Schema(n)
	idx := make([]int, len(out))
	for i, col := range out {
		idx[i] = inSchema.Index(col.Name)
	}
	return &distinctOp{input: in, idx: idx}, nil
}

func (o *distinctOp) run(ctx context.Context, emit func([]event.Value) error) error {
	seen := map[string]struct{}{}
	var key []byte
	buf := make([]event.Value, len(o.idx))
	return o.input.run(ctx, func(row []event.Value) error {
		key = key[:0]
		for i, j := range o.idx {
			buf[i] = row[j]
			key = event.AppendKey(key, row[j])
		}
		if _, dup := seen[string(key)]; dup {
			return nil
		}
		seen[string(key)] = struct{}{}
		return emit(buf)
	})
}
