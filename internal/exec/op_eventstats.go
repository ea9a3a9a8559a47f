package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// eventStatsOp implements EventStats: it materializes its input, feeds each
// row to its group's aggregation states, then emits every row with its
// group's results (null for rows in no group).
type eventStatsOp struct {
	input operator
	by    []evalFn
	aggs  []*aggSpec
	width int
	pos   []int // output position of each aggregation column
}

func (c *compiler) eventStats(n *plan.EventStats) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	inSchema := c.info.Schema(n.Input)
	out := c.info.Schema(n)
	o := &eventStatsOp{input: in, width: len(out)}
	for _, b := range n.By {
		f, err := c.expr(b.Expr, inSchema)
		if err != nil {
			return nil, err
		}
		o.by = append(o.by, f)
	}
	for i := range n.Aggs {
		a := &n.Aggs[i]
		if len(a.Carry) > 0 || a.CarryAll {
			return nil, plan.Errorf(a.At, "not supported yet: eventstats %s with other columns", a.Func)
		}
		spec, err := c.aggSpec(a, inSchema)
		if err != nil {
			return nil, err
		}
		o.aggs = append(o.aggs, spec)
		o.pos = append(o.pos, out.Index(a.Name))
	}
	return o, nil
}

func (o *eventStatsOp) newStates() []aggState {
	st := make([]aggState, len(o.aggs))
	for i, a := range o.aggs {
		st[i] = a.newState()
	}
	return st
}

func (o *eventStatsOp) run(ctx context.Context, emit func([]event.Value) error) error {
	var rows [][]event.Value
	var groups [][]aggState // per row; nil for rows in no group
	index := map[string][]aggState{}
	var all []aggState
	if len(o.by) == 0 {
		all = o.newStates()
	}
	var key []byte
	err := o.input.run(ctx, func(row []event.Value) error {
		st := all
		if len(o.by) > 0 {
			key = key[:0]
			for _, f := range o.by {
				v := f(row)
				if v.IsNull() {
					key = nil
					break
				}
				key = event.AppendKey(key, v)
			}
			if key == nil {
				st = nil
			} else if st = index[string(key)]; st == nil {
				st = o.newStates()
				index[string(key)] = st
			}
		}
		for _, s := range st {
			s.add(row)
		}
		rows = append(rows, copyRow(row))
		groups = append(groups, st)
		return nil
	})
	if err != nil {
		return err
	}
	buf := make([]event.Value, o.width)
	var res []event.Value
	for i, row := range rows {
		n := copy(buf, row)
		clear(buf[n:])
		for j, s := range groups[i] {
			w := o.aggs[j].width()
			if cap(res) < w {
				res = make([]event.Value, w)
			}
			s.result(res[:w])
			buf[o.pos[j]] = res[0]
		}
		if groups[i] == nil {
			for _, p := range o.pos {
				buf[p] = event.Null
			}
		}
		if err := emit(buf); err != nil {
			return err
		}
	}
	return nil
}
