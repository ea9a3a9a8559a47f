package exec

import (
	"bytes"
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// dedupOp implements Dedup: it counts the rows seen per key tuple.
type dedupOp struct {
	input       operator
	idx         []int
	keep        int64
	keepEmpty   bool
	consecutive bool
}

func (c *compiler) dedup(n *plan.Dedup) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	inSchema := c.info.Schema(n.Input)
	o := &dedupOp{input: in, keep: max(n.Keep, 1), keepEmpty: n.KeepEmpty, consecutive: n.Consecutive}
	for _, name := range n.Columns {
		o.idx = append(o.idx, inSchema.Index(name))
	}
	return o, nil
}

func (o *dedupOp) run(ctx context.Context, emit func([]event.Value) error) error {
	seen := map[string]int64{}
	var key, prev []byte
	hasPrev := false
	return o.input.run(ctx, func(row []event.Value) error {
		key = key[:0]
		for _, i := range o.idx {
			if row[i].IsNull() {
				if o.keepEmpty {
					return emit(row)
				}
				return nil
			}
			key = event.AppendKey(key, row[i])
		}
		if o.consecutive {
			dup := hasPrev && bytes.Equal(prev, key)
			prev, hasPrev = append(prev[:0], key...), true
			if dup {
				return nil
			}
			return emit(row)
		}
		if seen[string(key)] >= o.keep {
			return nil
		}
		seen[string(key)]++
		return emit(row)
	})
}
