package plan

// walkSPL propagates column needs through the SPL nodes (node_spl.go); it
// reports false for other nodes.
func (w *needWalker) walkSPL(n Node, need map[string]bool) bool {
	switch n := n.(type) {
	case *FillNulls:
		// Each column is filled on its own; appended columns read nothing.
		w.walk(n.Input, clone(need))
	case *RenameFields:
		out, src, err := RenameFieldsSchema(w.info.Schema(n.Input), n.Columns)
		if err != nil {
			w.walk(n.Input, setOf(w.info.Schema(n.Input).Names()))
			return true
		}
		in := map[string]bool{}
		inSchema := w.info.Schema(n.Input)
		for i, col := range out {
			if need[col.Name] {
				in[inSchema[src[i]].Name] = true
			}
		}
		w.walk(n.Input, in)
	case *EventStats:
		in := clone(need)
		for _, a := range n.Aggs {
			delete(in, a.Name)
		}
		for _, b := range n.By {
			refs(in, b.Expr)
		}
		for _, a := range n.Aggs {
			for _, e := range a.Args {
				refs(in, e)
			}
		}
		w.walk(n.Input, in)
	case *Dedup:
		in := clone(need)
		for _, c := range n.Columns {
			in[c] = true
		}
		w.walk(n.Input, in)
	default:
		return false
	}
	return true
}
