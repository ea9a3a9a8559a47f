package plan

import "slices"

// TableColumns returns, for every table the checked plan scans, the columns
// of that table the plan can read (projection push-down: readers decode only
// these fields). Each list is in table schema order. The answer is
// conservative: a column is listed whenever it may reach the output or an
// expression; `*` forms (arg_max(x, *), distinct *, wildcard patterns) keep
// every column they could see. Columns read outside the plan — such as the
// time column a schedule filters each table on — are the caller's to add.
// info must come from Check of the same plan.
func TableColumns(root Node, info *Info) map[string][]string {
	w := &needWalker{info: info, tables: map[string]map[string]bool{}, done: map[Node]map[string]bool{}}
	w.walk(root, setOf(info.Schema(root).Names()))
	out := map[string][]string{}
	for table, need := range w.tables {
		var cols []string
		for _, c := range w.schemas[table] {
			if need[c.Name] {
				cols = append(cols, c.Name)
			}
		}
		out[table] = cols
	}
	return out
}

type needWalker struct {
	info    *Info
	tables  map[string]map[string]bool
	schemas map[string]Schema
	done    map[Node]map[string]bool // the needs already propagated from each node
	visits  int                      // walk1 calls, for tests
}

func setOf(names []string) map[string]bool {
	s := make(map[string]bool, len(names))
	for _, n := range names {
		s[n] = true
	}
	return s
}

// refs adds the columns e reads to need.
func refs(need map[string]bool, e Expr) {
	switch e := e.(type) {
	case *ColumnRef:
		need[e.Name] = true
	case *Member:
		refs(need, e.X)
	case *Index:
		refs(need, e.X)
		refs(need, e.Index)
	case *Call:
		for _, a := range e.Args {
			refs(need, a)
		}
	}
}

func clone(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// walk records that the output columns need of node n are needed and
// propagates the requirement to n's inputs. A node shared by several parents
// is walked again only for the columns no earlier walk asked of it: what a
// node needs of its inputs is the union of what each of its output columns
// needs, so walking the new columns alone adds all that is missing, and each
// node is walked at most once per output column.
func (w *needWalker) walk(n Node, need map[string]bool) {
	if w.info.Skipped(n) {
		return
	}
	if done, ok := w.done[n]; ok {
		var fresh map[string]bool
		for c := range need {
			if !done[c] {
				if fresh == nil {
					fresh = map[string]bool{}
				}
				fresh[c] = true
				done[c] = true
			}
		}
		if fresh == nil {
			return
		}
		need = fresh
	} else {
		w.done[n] = clone(need)
	}
	w.visits++
	w.walk1(n, need)
}

func (w *needWalker) walk1(n Node, need map[string]bool) {
	all := func(in Node) map[string]bool { return setOf(w.info.Schema(in).Names()) }
	switch n := n.(type) {
	case *Scan:
		if w.tables[n.Table] == nil {
			w.tables[n.Table] = map[string]bool{}
			if w.schemas == nil {
				w.schemas = map[string]Schema{}
			}
			w.schemas[n.Table] = w.info.Schema(n)
		}
		for c := range need {
			w.tables[n.Table][c] = true
		}
	case *Values:
	case *Filter:
		need = clone(need)
		refs(need, n.Pred)
		w.walk(n.Input, need)
	case *Extend:
		need = clone(need)
		for _, a := range n.Columns {
			delete(need, a.Name)
		}
		for _, a := range n.Columns {
			refs(need, a.Expr)
		}
		w.walk(n.Input, need)
	case *Project:
		in := map[string]bool{}
		for _, a := range n.Columns {
			if need[a.Name] {
				refs(in, a.Expr)
			}
		}
		w.walk(n.Input, in)
	case *ProjectAway:
		w.walk(n.Input, need)
	case *Reorder:
		w.walk(n.Input, need)
	case *Rename:
		in := clone(need)
		for _, p := range slices.Backward(n.Columns) {
			if in[p.New] {
				delete(in, p.New)
				in[p.Old] = true
			}
		}
		w.walk(n.Input, in)
	case *Aggregate:
		in := map[string]bool{}
		for _, b := range n.By {
			refs(in, b.Expr)
		}
		for _, a := range n.Aggs {
			for _, e := range a.Args {
				refs(in, e)
			}
			for _, c := range a.Carry {
				refs(in, c.Expr)
			}
			if a.CarryAll {
				in = all(n.Input)
			}
		}
		w.walk(n.Input, in)
	case *Join:
		ls, rs := w.info.Schema(n.Left), w.info.Schema(n.Right)
		left, right := map[string]bool{}, map[string]bool{}
		switch n.Kind {
		case JoinLeftSemi, JoinLeftAnti:
			left = clone(need)
		case JoinRightSemi, JoinRightAnti:
			right = clone(need)
		default:
			out := w.info.Schema(n)
			for i, c := range out {
				if !need[c.Name] {
					continue
				}
				if i < len(ls) {
					left[ls[i].Name] = true
				} else {
					right[rs[i-len(ls)].Name] = true
				}
			}
		}
		for _, k := range n.On {
			left[k.Left] = true
			right[k.Right] = true
		}
		w.walk(n.Left, left)
		w.walk(n.Right, right)
	case *Union:
		var kept []Node
		var schemas []Schema
		for _, in := range n.Inputs {
			if !w.info.Skipped(in) {
				kept = append(kept, in)
				schemas = append(schemas, w.info.Schema(in))
			}
		}
		out, pos := UnionSchema(schemas, n.SourceColumn)
		for i, in := range kept {
			inNeed := map[string]bool{}
			for j, col := range schemas[i] {
				if need[out[pos[i][j]].Name] {
					inNeed[col.Name] = true
				}
			}
			w.walk(in, inNeed)
		}
	case *MvExpand:
		need = clone(need)
		for _, m := range n.Columns {
			delete(need, m.Name)
		}
		for _, m := range n.Columns {
			refs(need, m.Expr)
		}
		w.walk(n.Input, need)
	case *Sort:
		need = clone(need)
		for _, k := range n.Keys {
			refs(need, k.Expr)
		}
		w.walk(n.Input, need)
	case *Top:
		need = clone(need)
		for _, k := range n.Keys {
			refs(need, k.Expr)
		}
		w.walk(n.Input, need)
	case *Limit:
		w.walk(n.Input, need)
	case *Distinct:
		if len(n.Columns) == 0 {
			w.walk(n.Input, all(n.Input))
		} else {
			w.walk(n.Input, setOf(n.Columns))
		}
	case *Count:
		w.walk(n.Input, map[string]bool{})
	default:
		if w.walkSPL(n, need) {
			return
		}
		for _, in := range n.Children() {
			w.walk(in, all(in))
		}
	}
}
