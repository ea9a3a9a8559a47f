package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// mvExpandOp expands arrays and objects into one row per element, several
// columns in parallel (padded with null).
type mvExpandOp struct {
	input     operator
	width     int
	exprs     []evalFn
	pos       []int
	to        []plan.Type
	limit     int64
	itemIdx   int // position of the item index column, or -1
	buf, vals []event.Value
}

func (c *compiler) mvExpand(n *plan.MvExpand) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	inSchema := c.info.Schema(n.Input)
	out := c.info.Schema(n)
	o := &mvExpandOp{input: in, width: len(out), limit: n.Limit, itemIdx: -1}
	for _, m := range n.Columns {
		f, err := c.expr(m.Expr, inSchema)
		if err != nil {
			return nil, err
		}
		o.exprs = append(o.exprs, f)
		o.pos = append(o.pos, out.Index(m.Name))
		o.to = append(o.to, m.To)
	}
	if n.ItemIndex != "" {
		o.itemIdx = out.Index(n.ItemIndex)
	}
	return o, nil
}

func (o *mvExpandOp) run(ctx context.Context, emit func([]event.Value) error) error {
	buf := scratch(&o.buf, o.width)
	vals := scratch(&o.vals, len(o.exprs))
	return o.input.run(ctx, func(row []event.Value) error {
		// A non-collection counts as one element, so a row whose values
		// are all scalars (or null) is kept as it is; all-empty collections
		// give no row.
		n := 0
		for i, f := range o.exprs {
			v := f(row)
			vals[i] = v
			l := 1
			if k := v.Kind(); k == event.KindArray || k == event.KindObject {
				l = v.Len()
			}
			n = max(n, l)
		}
		if n == 0 {
			return nil
		}
		if o.limit > 0 && int64(n) > o.limit {
			n = int(o.limit)
		}
		for j := 0; j < n; j++ {
			c := copy(buf, row)
			clear(buf[c:])
			for i, v := range vals {
				buf[o.pos[i]] = cast(element(v, j), o.to[i])
			}
			if o.itemIdx >= 0 {
				buf[o.itemIdx] = event.Long(int64(j))
			}
			if err := emit(buf); err != nil {
				return err
			}
		}
		return nil
	})
}

// element returns element j of an expanded value: array elements, objects
// as single-member objects, and a non-collection as itself at position 0.
func element(v event.Value, j int) event.Value {
	switch v.Kind() {
	case event.KindArray:
		return v.Elem(j)
	case event.KindObject:
		if j >= v.Len() {
			return event.Null
		}
		return event.Object(event.Member{Key: v.Key(j), Value: v.Elem(j)})
	}
	if j == 0 {
		return v
	}
	return event.Null
}

// cast applies mv-expand's `to typeof(T)`: values of another kind become
// null (no conversion).
func cast(v event.Value, to plan.Type) event.Value {
	if to == plan.TypeUnknown || to == plan.TypeDynamic || to.Accepts(v.Kind()) {
		return v
	}
	return event.Null
}
