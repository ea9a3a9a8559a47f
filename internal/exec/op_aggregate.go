package exec

import (
	"context"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// aggregateOp groups rows by key (hash of the By values) and feeds each
// group's aggregation states. Groups are output in order of first
// appearance, so results never depend on map iteration order.
type aggregateOp struct {
	input operator
	by    []evalFn
	aggs  []*aggSpec
	width int
	// SPL stats rules (plan.Aggregate.DropNullKeys, ExpandKeys); see
	// op_aggregate_spl.go.
	dropNull, expand bool
}

type group struct {
	key    []event.Value
	states []aggState
}

func (c *compiler) aggregate(n *plan.Aggregate) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	inSchema := c.info.Schema(n.Input)
	o := &aggregateOp{input: in, width: len(c.info.Schema(n)), dropNull: n.DropNullKeys, expand: n.ExpandKeys}
	for _, b := range n.By {
		f, err := c.expr(b.Expr, inSchema)
		if err != nil {
			return nil, err
		}
		o.by = append(o.by, f)
	}
	// Output names so far, to expand CarryAll exactly as plan.Check does.
	out := plan.Schema(nil)
	for _, b := range n.By {
		out = append(out, plan.Column{Name: b.Name})
	}
	for i := range n.Aggs {
		a := &n.Aggs[i]
		spec, err := c.aggSpec(a, inSchema)
		if err != nil {
			return nil, err
		}
		out = append(out, plan.Column{Name: a.Name})
		for _, cr := range a.Carry {
			out = append(out, plan.Column{Name: cr.Name})
		}
		if a.CarryAll {
			for j, col := range inSchema {
				if out.Index(col.Name) < 0 {
					out = append(out, col)
					spec.carry = append(spec.carry, column(j))
				}
			}
		}
		o.aggs = append(o.aggs, spec)
	}
	return o, nil
}

func column(i int) evalFn { return func(row []event.Value) event.Value { return row[i] } }

func (o *aggregateOp) newGroup(key []event.Value) *group {
	g := &group{key: key, states: make([]aggState, len(o.aggs))}
	for i, a := range o.aggs {
		g.states[i] = a.newState()
	}
	return g
}

// groupOf returns the group row belongs to, made on first sight, or false
// when the row is in no group or in several (SPL's null and multivalue
// keys, which addSPL has then handled). keyVals and keyBytes are scratch.
func (o *aggregateOp) groupOf(row, keyVals []event.Value, keyBytes *[]byte, index map[string]*group, groups *[]*group) (*group, bool) {
	if len(o.by) == 0 {
		return (*groups)[0], true
	}
	expand := false
	for i, f := range o.by {
		v := f(row)
		if v.IsNull() && o.dropNull {
			return nil, false // SPL: a row without a BY field is in no group
		}
		expand = expand || o.expand && v.Kind() == event.KindArray
		keyVals[i] = v
	}
	if expand {
		o.addSPL(row, index, groups, keyVals)
		return nil, false
	}
	return o.groupFor(keyVals, keyBytes, index, groups), true
}

// groupFor returns the group of the key keyVals, made and listed on first
// sight. keyBytes is scratch.
func (o *aggregateOp) groupFor(keyVals []event.Value, keyBytes *[]byte, index map[string]*group, groups *[]*group) *group {
	b := (*keyBytes)[:0]
	for _, v := range keyVals {
		b = event.AppendKey(b, v)
	}
	*keyBytes = b
	g := index[string(b)]
	if g == nil {
		g = o.newGroup(copyRow(keyVals))
		index[string(b)] = g
		*groups = append(*groups, g)
	}
	return g
}

func (o *aggregateOp) run(ctx context.Context, emit func([]event.Value) error) error {
	var groups []*group
	index := map[string]*group{}
	if len(o.by) == 0 {
		// Without keys there is exactly one group, even for no rows.
		groups = append(groups, o.newGroup(nil))
	}
	var keyBytes []byte
	keyVals := make([]event.Value, len(o.by))
	err := o.input.run(ctx, func(row []event.Value) error {
		g, ok := o.groupOf(row, keyVals, &keyBytes, index, &groups)
		if ok {
			for _, st := range g.states {
				st.add(row)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	buf := make([]event.Value, o.width)
	for _, g := range groups {
		n := copy(buf, g.key)
		for i, s := range g.states {
			s.result(buf[n : n+o.aggs[i].width()])
			n += o.aggs[i].width()
		}
		if err := emit(buf); err != nil {
			return err
		}
	}
	return nil
}
