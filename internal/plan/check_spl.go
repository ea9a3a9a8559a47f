package plan

import (
	"strconv"
	"strings"
)

// checkSPL checks the SPL nodes (node_spl.go); ok is false for other nodes.
func (c *checker) checkSPL(n Node) (s Schema, ok bool, err error) {
	switch n := n.(type) {
	case *FillNulls:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, true, err
		}
		out := append(Schema(nil), in...)
		fix := func(i int) {
			if !out[i].Type.Accepts(n.Value.Kind()) {
				out[i].Type = TypeDynamic
			}
		}
		if len(n.Columns) == 0 {
			for i := range out {
				fix(i)
			}
			return out, true, nil
		}
		for _, name := range n.Columns {
			if name == "" {
				return nil, true, Errorf(n.At, "empty column name")
			}
			if i := out.Index(name); i >= 0 {
				fix(i)
			} else {
				out = append(out, Column{name, TypeOfKind(n.Value.Kind())})
			}
		}
		return out, true, nil
	case *RenameFields:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, true, err
		}
		out, _, err := RenameFieldsSchema(in, n.Columns)
		return out, true, err
	case *EventStats:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, true, err
		}
		// The By columns are not output: give them names no Agg can take.
		by := make([]Assign, len(n.By))
		for i, b := range n.By {
			by[i] = Assign{Name: "\x00by" + strconv.Itoa(i), Expr: b.Expr, At: b.At}
		}
		agg, err := c.aggregate(&Aggregate{Input: n.Input, By: by, Aggs: n.Aggs, At: n.At})
		if err != nil {
			return nil, true, err
		}
		out := append(Schema(nil), in...)
		for _, col := range agg[len(n.By):] {
			if i := out.Index(col.Name); i >= 0 {
				out[i].Type = col.Type
			} else {
				out = append(out, col)
			}
		}
		return out, true, nil
	case *Dedup:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, true, err
		}
		if len(n.Columns) == 0 {
			return nil, true, Errorf(n.At, "dedup needs at least one column")
		}
		if n.Keep < 0 {
			return nil, true, Errorf(n.At, "negative row count %d", n.Keep)
		}
		for _, name := range n.Columns {
			if in.Index(name) < 0 {
				return nil, true, Errorf(n.At, "unknown column '%s'", name)
			}
		}
		return in, true, nil
	}
	return nil, false, nil
}

// headerSPL prints the SPL nodes for Format; ok is false for other nodes.
func headerSPL(b *strings.Builder, n Node) bool {
	switch n := n.(type) {
	case *FillNulls:
		b.WriteString("FillNulls ")
		b.WriteString(formatValue(n.Value, TypeOfKind(n.Value.Kind())))
		if len(n.Columns) > 0 {
			b.WriteString(" ")
			writeNames(b, n.Columns)
		} else {
			b.WriteString(" *")
		}
	case *RenameFields:
		b.WriteString("RenameFields ")
		for i, p := range n.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			writeNames(b, []string{p.New})
			b.WriteString("=")
			writeNames(b, []string{p.Old})
		}
	case *EventStats:
		b.WriteString("EventStats ")
		writeAggs(b, n.Aggs)
		if len(n.By) > 0 {
			b.WriteString(" by ")
			writeAssigns(b, n.By)
		}
	case *Dedup:
		b.WriteString("Dedup ")
		writeNames(b, n.Columns)
		if n.Keep > 1 {
			b.WriteString(" keep=" + strconv.FormatInt(n.Keep, 10))
		}
		if n.KeepEmpty {
			b.WriteString(" keepempty")
		}
		if n.Consecutive {
			b.WriteString(" consecutive")
		}
	default:
		return false
	}
	return true
}

func writeAggs(b *strings.Builder, aggs []Agg) {
	for i, a := range aggs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteName(a.Name))
		b.WriteString("=")
		b.WriteString(a.Func)
		b.WriteString("(")
		writeExprs(b, a.Args)
		b.WriteString(")")
	}
}
