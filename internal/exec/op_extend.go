package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// extendOp copies each input row into a wider buffer and computes the
// assignments left to right; each writes its column (replacing an input
// column or appending) before the next is evaluated.
type extendOp struct {
	input operator
	width int
	exprs []evalFn
	pos   []int
	buf   []event.Value // the output row, kept from run to run (see scratch)
	sink
}

func (c *compiler) extend(n *plan.Extend) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	schema := append(plan.Schema(nil), c.info.Schema(n.Input)...)
	o := &extendOp{input: in, width: len(c.info.Schema(n))}
	for _, a := range n.Columns {
		f, err := c.expr(a.Expr, schema)
		if err != nil {
			return nil, err
		}
		i := schema.Index(a.Name)
		if i < 0 {
			i = len(schema)
			schema = append(schema, plan.Column{Name: a.Name, Type: c.info.Type(a.Expr)})
		}
		o.exprs = append(o.exprs, f)
		o.pos = append(o.pos, i)
	}
	return o, nil
}

func (o *extendOp) run(ctx context.Context, emit func([]event.Value) error) error {
	scratch(&o.buf, o.width)
	if o.bound == nil {
		o.bound = o.row // a method value allocates: bind it once
	}
	return o.input.run(ctx, o.to(emit))
}

func (o *extendOp) row(row []event.Value) error {
	buf := o.buf
	n := copy(buf, row)
	clear(buf[n:])
	for i, f := range o.exprs {
		buf[o.pos[i]] = f(buf)
	}
	return o.emit(buf)
}
