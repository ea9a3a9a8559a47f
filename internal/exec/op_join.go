package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// joinOp is a hash join. For the left-driven kinds (inner, innerunique,
// leftouter, leftsemi, leftanti) it builds a hash table of the right side
// and streams the left side; for rightsemi and rightanti it builds the left
// side and streams the right side. Keys compare exactly (event.AppendKey);
// a null key never matches.
type joinOp struct {
	kind        plan.JoinKind
	left, right operator
	leftKeys    []int
	rightKeys   []int
	leftWidth   int
	rightFill   []event.Value // right columns of an unmatched leftouter row
}

func (c *compiler) join(n *plan.Join) (operator, error) {
	left, err := c.node(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := c.node(n.Right)
	if err != nil {
		return nil, err
	}
	ls, rs := c.info.Schema(n.Left), c.info.Schema(n.Right)
	o := &joinOp{kind: n.Kind, left: left, right: right, leftWidth: len(ls)}
	for _, k := range n.On {
		o.leftKeys = append(o.leftKeys, ls.Index(k.Left))
		o.rightKeys = append(o.rightKeys, rs.Index(k.Right))
	}
	for _, col := range rs {
		o.rightFill = append(o.rightFill, fill(n.Fill, col.Type))
	}
	return o, nil
}

// appendJoinKey appends the key of row to dst; ok is false when a key value
// is null (such rows never match).
func appendJoinKey(dst []byte, row []event.Value, idx []int) ([]byte, bool) {
	for _, i := range idx {
		if row[i].IsNull() {
			return dst, false
		}
		dst = event.AppendKey(dst, row[i])
	}
	return dst, true
}

// build materializes the rows of op and indexes them by key, keeping input
// order within each key.
func build(ctx context.Context, op operator, keys []int) (rows [][]event.Value, index map[string][]int32, err error) {
	index = map[string][]int32{}
	var key []byte
	err = op.run(ctx, func(row []event.Value) error {
		var ok bool
		key, ok = appendJoinKey(key[:0], row, keys)
		r := copyRow(row)
		rows = append(rows, r)
		if ok {
			index[string(key)] = append(index[string(key)], int32(len(rows)-1))
		}
		return nil
	})
	return rows, index, err
}

func (o *joinOp) run(ctx context.Context, emit func([]event.Value) error) error {
	if o.kind == plan.JoinRightSemi || o.kind == plan.JoinRightAnti {
		return o.runRight(ctx, emit)
	}
	rights, index, err := build(ctx, o.right, o.rightKeys)
	if err != nil {
		return err
	}
	var key []byte
	buf := make([]event.Value, o.leftWidth+len(o.rightFill))
	var seen map[string]struct{}
	if o.kind == plan.JoinInnerUnique {
		seen = map[string]struct{}{}
	}
	return o.left.run(ctx, func(row []event.Value) error {
		var ok bool
		key, ok = appendJoinKey(key[:0], row, o.leftKeys)
		var matches []int32
		if ok {
			matches = index[string(key)]
		}
		switch o.kind {
		case plan.JoinLeftSemi:
			if len(matches) > 0 {
				return emit(row)
			}
			return nil
		case plan.JoinLeftAnti:
			if len(matches) == 0 {
				return emit(row)
			}
			return nil
		case plan.JoinInnerUnique:
			if !ok {
				return nil
			}
			if _, dup := seen[string(key)]; dup {
				return nil
			}
			seen[string(key)] = struct{}{}
		}
		copy(buf, row)
		if len(matches) == 0 {
			if o.kind != plan.JoinLeftOuter {
				return nil
			}
			copy(buf[o.leftWidth:], o.rightFill)
			return emit(buf)
		}
		for _, m := range matches {
			copy(buf[o.leftWidth:], rights[m])
			if err := emit(buf); err != nil {
				return err
			}
		}
		return nil
	})
}

// runRight implements rightsemi and rightanti: right rows, in right order,
// with or without a matching left row.
func (o *joinOp) runRight(ctx context.Context, emit func([]event.Value) error) error {
	_, index, err := build(ctx, o.left, o.leftKeys)
	if err != nil {
		return err
	}
	var key []byte
	return o.right.run(ctx, func(row []event.Value) error {
		var ok bool
		key, ok = appendJoinKey(key[:0], row, o.rightKeys)
		matched := ok && len(index[string(key)]) > 0
		if matched == (o.kind == plan.JoinRightSemi) {
			return emit(row)
		}
		return nil
	})
}
