package exec

import (
	"context"
	"slices"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// sortOp materializes its input and emits it stably sorted by its keys; with
// limit >= 0 (Top) only the first limit rows.
type sortOp struct {
	input operator
	keys  []evalFn
	desc  []bool
	nulls []bool // nulls first
	limit int64
}

func (c *compiler) sortKeys(in plan.Node, keys []plan.SortKey, limit int64) (operator, error) {
	op, err := c.node(in)
	if err != nil {
		return nil, err
	}
	o := &sortOp{input: op, limit: limit}
	for _, k := range keys {
		f, err := c.expr(k.Expr, c.info.Schema(in))
		if err != nil {
			return nil, err
		}
		o.keys = append(o.keys, f)
		o.desc = append(o.desc, k.Desc)
		o.nulls = append(o.nulls, k.NullsFirst)
	}
	return o, nil
}

func (c *compiler) sort(n *plan.Sort) (operator, error) { return c.sortKeys(n.Input, n.Keys, -1) }

func (c *compiler) top(n *plan.Top) (operator, error) { return c.sortKeys(n.Input, n.Keys, n.N) }

type sortRow struct {
	row  []event.Value
	keys []event.Value
	seq  int // input position: ties keep input order
}

// cmp orders rows by their keys, ties by input position, which makes the
// order total and the sort stable.
func (o *sortOp) cmp(a, b *sortRow) int {
	for i := range o.keys {
		if c := o.compareKey(i, a.keys[i], b.keys[i]); c != 0 {
			return c
		}
	}
	return a.seq - b.seq
}

func (o *sortOp) run(ctx context.Context, emit func([]event.Value) error) error {
	if o.limit >= 0 {
		return o.runTop(ctx, emit)
	}
	var rows []sortRow
	err := o.input.run(ctx, func(row []event.Value) error {
		r := sortRow{row: copyRow(row), keys: make([]event.Value, len(o.keys)), seq: len(rows)}
		for i, k := range o.keys {
			r.keys[i] = k(row)
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(rows, func(a, b sortRow) int { return o.cmp(&a, &b) })
	for _, r := range rows {
		if err := emit(r.row); err != nil {
			return err
		}
	}
	return nil
}

// runTop keeps the best limit rows seen so far in a heap whose root is the
// worst of them, so that a row that cannot make the cut costs its keys and
// one comparison, and only kept rows are copied.
func (o *sortOp) runTop(ctx context.Context, emit func([]event.Value) error) error {
	if o.limit == 0 {
		return o.input.run(ctx, func([]event.Value) error { return nil })
	}
	h := &topHeap{o: o}
	cand := sortRow{keys: make([]event.Value, len(o.keys))}
	seq := 0
	err := o.input.run(ctx, func(row []event.Value) error {
		for i, k := range o.keys {
			cand.keys[i] = k(row)
		}
		cand.seq = seq
		seq++
		if int64(len(h.rows)) < o.limit {
			h.push(sortRow{row: copyRow(row), keys: slices.Clone(cand.keys), seq: cand.seq})
			return nil
		}
		if o.cmp(&cand, &h.rows[0]) >= 0 {
			return nil // no better than the worst kept row
		}
		worst := &h.rows[0]
		worst.row = append(worst.row[:0], row...)
		copy(worst.keys, cand.keys)
		worst.seq = cand.seq
		h.down(0)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(h.rows, func(a, b sortRow) int { return o.cmp(&a, &b) })
	for _, r := range h.rows {
		if err := emit(r.row); err != nil {
			return err
		}
	}
	return nil
}

// topHeap is a max-heap of rows by sortOp.cmp: the root is the row that
// sorts last.
type topHeap struct {
	o    *sortOp
	rows []sortRow
}

func (h *topHeap) worse(i, j int) bool { return h.o.cmp(&h.rows[i], &h.rows[j]) > 0 }

func (h *topHeap) push(r sortRow) {
	h.rows = append(h.rows, r)
	for i := len(h.rows) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.worse(i, p) {
			break
		}
		h.rows[i], h.rows[p] = h.rows[p], h.rows[i]
		i = p
	}
}

func (h *topHeap) down(i int) {
	n := len(h.rows)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.worse(r, l) {
			m = r
		}
		if !h.worse(m, i) {
			return
		}
		h.rows[i], h.rows[m] = h.rows[m], h.rows[i]
		i = m
	}
}

// compareKey orders two values of sort key i: nulls where the key says,
// other values by event.Compare, reversed for descending keys.
func (o *sortOp) compareKey(i int, a, b event.Value) int {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return 0
	case an || bn:
		first := o.nulls[i]
		if an == first {
			return -1
		}
		return 1
	}
	c := event.Compare(a, b)
	if o.desc[i] {
		return -c
	}
	return c
}
