package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vigil/internal/diag"
)

// Info is what Check learned about a plan: the output schema of every node,
// the type of every expression, and which Scan inputs a fuzzy Union skips.
type Info struct {
	schemas map[Node]Schema
	types   map[Expr]Type
	skipped map[Node]bool
}

// Schema returns the output schema of node n of the checked plan.
func (in *Info) Schema(n Node) Schema { return in.schemas[n] }

// Type returns the type of expression e of the checked plan.
func (in *Info) Type(e Expr) Type { return in.types[e] }

// Skipped reports whether n is an input of a fuzzy Union that reads a table
// the Resolver does not know, and is therefore left out.
func (in *Info) Skipped(n Node) bool { return in.skipped[n] }

// Check validates the plan rooted at root against the table schemas of r and
// infers the schema of every node and the type of every expression. The
// first problem found is returned as an *Error positioned at the node or
// expression at fault.
//
// A plan may share a node between several parents (a KQL tabular let used
// twice, a self-join): each node is checked once. The executor runs a shared
// node once per use, so Check also bounds the plan as if every use were a
// copy: more than MaxPlanSize nodes and expressions counted that way is a
// "query too large" error, at the first node whose inputs reach the limit.
// Without it a query of a few hundred bytes that doubles a let forty times
// would run its scans 2⁴⁰ times; with it, every walk over a checked plan
// visits at most MaxPlanSize elements even if it does not remember shared
// nodes.
func Check(root Node, r Resolver) (*Info, error) {
	c := newChecker(r)
	if _, err := c.node(root); err != nil {
		return nil, err
	}
	return c.info, nil
}

// Limits on the size of a plan (see Check), far above what vendor content
// needs and low enough that checking, compiling and printing a plan stay
// linear in the query text.
const (
	// MaxPlanSize bounds the operators, expressions and output columns of
	// a plan, each use of a shared node counted again. The rules vendors
	// publish have a few hundred; a 1 MiB query of literals has a few
	// hundred thousand.
	MaxPlanSize = 1_000_000
	// MaxColumns bounds the output columns of one operator. The widest
	// vendor view has 124 (Elastic's sign-in documents); joins of several
	// tables stay under a thousand.
	MaxColumns = 1024
	// MaxPlanDepth bounds the longest chain of operators from the root to
	// a leaf (a pipeline of N operators is N deep). Vendor rules are a few
	// dozen deep; walks over a plan recurse once per level, so this bounds
	// their stacks too.
	MaxPlanDepth = 5000
)

type checker struct {
	r       Resolver
	info    *Info
	size    map[Node]int  // expanded size of each checked node, at most MaxPlanSize
	own     int           // expressions of the node being checked, itself included
	depth   int           // of the node being checked below the root
	missing map[Node]bool // memoises missingTable
	visits  int           // nodes checked, for tests: each once
	probes  int           // nodes missingTable looked at, for tests: each once
}

func newChecker(r Resolver) *checker {
	return &checker{
		r:       r,
		info:    &Info{schemas: map[Node]Schema{}, types: map[Expr]Type{}, skipped: map[Node]bool{}},
		size:    map[Node]int{},
		missing: map[Node]bool{},
	}
}

func (c *checker) node(n Node) (Schema, error) {
	if n == nil {
		return nil, &Error{Msg: "missing input"}
	}
	if s, ok := c.info.schemas[n]; ok {
		return s, nil
	}
	c.visits++
	if c.depth >= MaxPlanDepth {
		return nil, Errorf(n.Span(), "query too large: operators nested more than %d deep", MaxPlanDepth)
	}
	outer := c.own
	c.own = 1
	c.depth++
	s, err := c.node1(n)
	c.depth--
	size := c.own
	c.own = outer
	if err != nil {
		return nil, err
	}
	if len(s) > MaxColumns {
		return nil, tooWide(n.Span())
	}
	size += len(s)
	for _, in := range n.Children() {
		size += c.size[in] // 0 for a skipped input, which never runs
	}
	if size > MaxPlanSize {
		return nil, Errorf(n.Span(), "query too large: more than %d operators, expressions and columns, counting each use of a shared sub-query", MaxPlanSize)
	}
	c.info.schemas[n] = s
	c.size[n] = size
	return s, nil
}

// tooWide is the error of an operator whose output passes MaxColumns.
// Operators that add columns one by one stop at the limit, so that checking
// one stays linear in its columns.
func tooWide(at diag.Span) error {
	return Errorf(at, "query too large: more than %d columns", MaxColumns)
}

func (c *checker) node1(n Node) (Schema, error) {
	switch n := n.(type) {
	case *Scan:
		s, ok := c.r.TableSchema(n.Table)
		if !ok {
			return nil, Errorf(n.At, "unknown table '%s'", n.Table)
		}
		if err := checkUnique(n.At, s); err != nil {
			return nil, err
		}
		return s, nil
	case *Values:
		if err := checkUnique(n.At, n.Columns); err != nil {
			return nil, err
		}
		for i, row := range n.Rows {
			if len(row) != len(n.Columns) {
				return nil, Errorf(n.At, "row %d has %d values, want %d", i+1, len(row), len(n.Columns))
			}
			for j, v := range row {
				if !n.Columns[j].Type.Accepts(v.Kind()) {
					return nil, Errorf(n.At, "row %d: column '%s' of type %s cannot hold a %s value", i+1, n.Columns[j].Name, n.Columns[j].Type, v.Kind())
				}
			}
		}
		return n.Columns, nil
	case *Filter:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		t, err := c.expr(n.Pred, in)
		if err != nil {
			return nil, err
		}
		if !boolish(t) {
			return nil, Errorf(n.Pred.Span(), "filter predicate has type %s, want bool", t)
		}
		return in, nil
	case *Extend:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		out := append(Schema(nil), in...)
		for _, a := range n.Columns {
			t, err := c.assign(a, out)
			if err != nil {
				return nil, err
			}
			if i := out.Index(a.Name); i >= 0 {
				out[i].Type = t
			} else if out = append(out, Column{a.Name, t}); len(out) > MaxColumns {
				return nil, tooWide(a.At)
			}
		}
		return out, nil
	case *Project:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		out := make(Schema, 0, len(n.Columns))
		for _, a := range n.Columns {
			t, err := c.assign(a, in)
			if err != nil {
				return nil, err
			}
			if out.Index(a.Name) >= 0 {
				return nil, Errorf(a.At, "duplicate column '%s'", a.Name)
			}
			if out = append(out, Column{a.Name, t}); len(out) > MaxColumns {
				return nil, tooWide(a.At)
			}
		}
		return out, nil
	case *ProjectAway:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		drop := make([]bool, len(in))
		for _, p := range n.Columns {
			idx, err := matchColumns(n.At, in, p)
			if err != nil {
				return nil, err
			}
			for _, i := range idx {
				drop[i] = true
			}
		}
		var out Schema
		for i, col := range in {
			if !drop[i] {
				out = append(out, col)
			}
		}
		return out, nil
	case *Rename:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		out := append(Schema(nil), in...)
		for _, p := range n.Columns {
			i := out.Index(p.Old)
			if i < 0 {
				return nil, Errorf(p.At, "unknown column '%s'", p.Old)
			}
			if j := out.Index(p.New); j >= 0 && j != i {
				return nil, Errorf(p.At, "column '%s' already exists", p.New)
			}
			if p.New == "" {
				return nil, Errorf(p.At, "empty column name")
			}
			out[i].Name = p.New
		}
		return out, nil
	case *Reorder:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		taken := make([]bool, len(in))
		var out Schema
		for _, p := range n.Columns {
			idx, err := matchColumns(n.At, in, p)
			if err != nil {
				return nil, err
			}
			for _, i := range idx {
				if !taken[i] {
					taken[i] = true
					out = append(out, in[i])
				}
			}
		}
		for i, col := range in {
			if !taken[i] {
				out = append(out, col)
			}
		}
		return out, nil
	case *Aggregate:
		return c.aggregate(n)
	case *Join:
		return c.join(n)
	case *Union:
		return c.union(n)
	case *MvExpand:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		if len(n.Columns) == 0 {
			return nil, Errorf(n.At, "mv-expand needs at least one column")
		}
		if n.Limit < 0 {
			return nil, Errorf(n.At, "negative row limit %d", n.Limit)
		}
		out := append(Schema(nil), in...)
		for _, m := range n.Columns {
			t, err := c.expr(m.Expr, in)
			if err != nil {
				return nil, err
			}
			if t != TypeDynamic && t != TypeUnknown {
				return nil, Errorf(m.Expr.Span(), "mv-expand needs a dynamic value, got %s", t)
			}
			if m.Name == "" {
				return nil, Errorf(m.At, "empty column name")
			}
			to := m.To
			if to == TypeUnknown {
				to = TypeDynamic
			}
			if i := out.Index(m.Name); i >= 0 {
				out[i].Type = to
			} else if out = append(out, Column{m.Name, to}); len(out) > MaxColumns {
				return nil, tooWide(m.At)
			}
		}
		if n.ItemIndex != "" {
			if out.Index(n.ItemIndex) >= 0 {
				return nil, Errorf(n.At, "column '%s' already exists", n.ItemIndex)
			}
			out = append(out, Column{n.ItemIndex, TypeLong})
		}
		return out, nil
	case *Sort:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		return in, c.sortKeys(n.Keys, in)
	case *Top:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		if n.N < 0 {
			return nil, Errorf(n.At, "negative row count %d", n.N)
		}
		return in, c.sortKeys(n.Keys, in)
	case *Limit:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		if n.N < 0 {
			return nil, Errorf(n.At, "negative row count %d", n.N)
		}
		return in, nil
	case *Distinct:
		in, err := c.node(n.Input)
		if err != nil {
			return nil, err
		}
		if len(n.Columns) == 0 {
			return in, nil
		}
		var out Schema
		for _, name := range n.Columns {
			i := in.Index(name)
			if i < 0 {
				return nil, Errorf(n.At, "unknown column '%s'", name)
			}
			if out.Index(name) >= 0 {
				return nil, Errorf(n.At, "duplicate column '%s'", name)
			}
			out = append(out, in[i])
		}
		return out, nil
	case *Count:
		if _, err := c.node(n.Input); err != nil {
			return nil, err
		}
		if n.Name == "" {
			return nil, Errorf(n.At, "empty column name")
		}
		return Schema{{n.Name, TypeLong}}, nil
	}
	if s, ok, err := c.checkSPL(n); ok {
		return s, err
	}
	return nil, unsupported(n.Span(), fmt.Sprintf("plan node %T", n))
}

func boolish(t Type) bool { return t == TypeBool || t == TypeUnknown || t == TypeDynamic }

func checkUnique(at diag.Span, s Schema) error {
	seen := make(map[string]bool, len(s))
	for _, col := range s {
		if col.Name == "" {
			return Errorf(at, "empty column name")
		}
		if seen[col.Name] {
			return Errorf(at, "duplicate column '%s'", col.Name)
		}
		seen[col.Name] = true
	}
	return nil
}

// matchColumns returns the positions of the columns named by p, a name or a
// pattern with * wildcards. A plain name must exist.
func matchColumns(at diag.Span, s Schema, p string) ([]int, error) {
	if !strings.Contains(p, "*") {
		i := s.Index(p)
		if i < 0 {
			return nil, Errorf(at, "unknown column '%s'", p)
		}
		return []int{i}, nil
	}
	var out []int
	for i, col := range s {
		if MatchWildcard(p, col.Name) {
			out = append(out, i)
		}
	}
	return out, nil
}

// MatchWildcard reports whether name matches pattern, in which each `*`
// stands for any run of characters (possibly empty) and everything else
// matches itself, case-sensitively.
func MatchWildcard(pattern, name string) bool {
	first, rest, ok := strings.Cut(pattern, "*")
	if !ok {
		return pattern == name
	}
	if !strings.HasPrefix(name, first) {
		return false
	}
	name = name[len(first):]
	for {
		// The leftmost match of each middle part leaves the most room for
		// the parts after it, so no backtracking is needed: O(len(name) ·
		// len(pattern)) at worst, and no allocation.
		mid, after, more := strings.Cut(rest, "*")
		if !more {
			return strings.HasSuffix(name, mid)
		}
		i := strings.Index(name, mid)
		if i < 0 {
			return false
		}
		name, rest = name[i+len(mid):], after
	}
}

func (c *checker) assign(a Assign, in Schema) (Type, error) {
	if a.Name == "" {
		return TypeUnknown, Errorf(a.At, "empty column name")
	}
	if a.Expr == nil {
		return TypeUnknown, Errorf(a.At, "column '%s' has no expression", a.Name)
	}
	return c.expr(a.Expr, in)
}

func (c *checker) sortKeys(keys []SortKey, in Schema) error {
	for _, k := range keys {
		if k.Expr == nil {
			return Errorf(k.At, "sort key has no expression")
		}
		if _, err := c.expr(k.Expr, in); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) aggregate(n *Aggregate) (Schema, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	var out Schema
	add := func(at diag.Span, name string, t Type) error {
		if name == "" {
			return Errorf(at, "empty column name")
		}
		if out.Index(name) >= 0 {
			return Errorf(at, "duplicate column '%s'", name)
		}
		if out = append(out, Column{name, t}); len(out) > MaxColumns {
			return tooWide(at)
		}
		return nil
	}
	for _, b := range n.By {
		t, err := c.assign(b, in)
		if err != nil {
			return nil, err
		}
		if err := add(b.At, b.Name, t); err != nil {
			return nil, err
		}
	}
	for i := range n.Aggs {
		a := &n.Aggs[i]
		f, ok := Lookup(a.Func)
		if !ok {
			return nil, Errorf(a.At, "unknown aggregation '%s'", a.Func)
		}
		if f.Kind != FuncAggregate {
			return nil, Errorf(a.At, "'%s' is not an aggregation", a.Func)
		}
		types, err := c.args(a.At, f, a.Args, in)
		if err != nil {
			return nil, err
		}
		t, err := f.ResultType(types)
		if err != nil {
			return nil, Errorf(a.At, "%s: %v", a.Func, err)
		}
		if err := add(a.At, a.Name, t); err != nil {
			return nil, err
		}
		if len(a.Carry) > 0 || a.CarryAll {
			switch a.Func {
			case "arg_max", "arg_min", "take_any":
			default:
				return nil, Errorf(a.At, "%s cannot return other columns", a.Func)
			}
		}
		for _, cr := range a.Carry {
			t, err := c.assign(cr, in)
			if err != nil {
				return nil, err
			}
			if err := add(cr.At, cr.Name, t); err != nil {
				return nil, err
			}
		}
		if a.CarryAll {
			for _, col := range in {
				if out.Index(col.Name) < 0 {
					out = append(out, col)
				}
			}
		}
	}
	return out, nil
}

func (c *checker) join(n *Join) (Schema, error) {
	left, err := c.node(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := c.node(n.Right)
	if err != nil {
		return nil, err
	}
	if n.Kind == JoinInvalid || n.Kind > JoinRightSemi {
		return nil, Errorf(n.At, "join kind not set")
	}
	if len(n.On) == 0 {
		return nil, Errorf(n.At, "join needs at least one key")
	}
	for _, k := range n.On {
		li, ri := left.Index(k.Left), right.Index(k.Right)
		if li < 0 {
			return nil, Errorf(k.At, "unknown column '%s' on the left side of the join", k.Left)
		}
		if ri < 0 {
			return nil, Errorf(k.At, "unknown column '%s' on the right side of the join", k.Right)
		}
		lt, rt := left[li].Type, right[ri].Type
		if lt != rt && lt != TypeUnknown && rt != TypeUnknown && lt != TypeDynamic && rt != TypeDynamic {
			return nil, Errorf(k.At, "join key types differ: '%s' is %s, '%s' is %s", k.Left, lt, k.Right, rt)
		}
	}
	switch n.Kind {
	case JoinLeftSemi, JoinLeftAnti:
		return left, nil
	case JoinRightSemi, JoinRightAnti:
		return right, nil
	}
	if n.Clash != ClashSuffix {
		return nil, Errorf(n.At, "join column clash policy not set")
	}
	if n.Kind == JoinLeftOuter && n.Fill != FillEmptyString && n.Fill != FillNull {
		return nil, Errorf(n.At, "join fill policy not set")
	}
	return JoinSchema(left, right, n.Clash), nil
}

// JoinSchema returns the output schema of an inner, innerunique or leftouter
// join: the left columns, then the right columns renamed per clash.
func JoinSchema(left, right Schema, clash Clash) Schema {
	out := append(make(Schema, 0, len(left)+len(right)), left...)
	taken := make(map[string]bool, len(left)+len(right)) // out's names and right's
	for _, col := range left {
		taken[col.Name] = true
	}
	inRight := make(map[string]bool, len(right))
	for _, col := range right {
		inRight[col.Name] = true
	}
	for _, col := range right {
		name := col.Name
		if taken[name] {
			for i := 1; ; i++ {
				cand := name + strconv.Itoa(i)
				if !taken[cand] && !inRight[cand] {
					name = cand
					break
				}
			}
		}
		taken[name] = true
		out = append(out, Column{name, col.Type})
	}
	return out
}

func (c *checker) union(n *Union) (Schema, error) {
	if len(n.Inputs) == 0 {
		return nil, Errorf(n.At, "union needs at least one input")
	}
	if n.Fill != FillEmptyString && n.Fill != FillNull {
		return nil, Errorf(n.At, "union fill policy not set")
	}
	var inputs []Schema
	for _, in := range n.Inputs {
		if n.Fuzzy && c.missingTable(in) {
			c.info.skipped[in] = true
			continue
		}
		s, err := c.node(in)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, s)
	}
	if len(inputs) == 0 {
		return nil, Errorf(n.At, "no table of the fuzzy union exists")
	}
	out, _ := UnionSchema(inputs, n.SourceColumn)
	if err := checkUnique(n.At, out); err != nil {
		return nil, err
	}
	return out, nil
}

// UnionSchema returns the output schema of a Union over inputs with the
// given schemas (skipped inputs left out), and for each input the output
// position of each of its columns. Columns match by name, in order of first
// appearance. A name that appears with several types becomes one column per
// type, named name_type (Kusto: LocationDetails_string,
// LocationDetails_dynamic), at the place of the name's first appearance. A
// column of unknown type joins the name's first typed column. With
// sourceColumn set it is the first output column.
func UnionSchema(inputs []Schema, sourceColumn string) (Schema, [][]int) {
	type variant struct {
		name  string
		types []Type // distinct known types in order of appearance
	}
	var order []*variant
	byName := map[string]*variant{}
	for _, s := range inputs {
		for _, col := range s {
			v := byName[col.Name]
			if v == nil {
				v = &variant{name: col.Name}
				byName[col.Name] = v
				order = append(order, v)
			}
			if col.Type != TypeUnknown && !slices.Contains(v.types, col.Type) {
				v.types = append(v.types, col.Type)
			}
		}
	}
	var out Schema
	if sourceColumn != "" {
		out = append(out, Column{sourceColumn, TypeString})
	}
	first := map[string]int{} // output position of each name's first variant
	for _, v := range order {
		first[v.name] = len(out)
		switch len(v.types) {
		case 0:
			out = append(out, Column{v.name, TypeUnknown})
		case 1:
			out = append(out, Column{v.name, v.types[0]})
		default:
			for _, t := range v.types {
				out = append(out, Column{v.name + "_" + t.String(), t})
			}
		}
	}
	pos := make([][]int, len(inputs))
	for i, s := range inputs {
		pos[i] = make([]int, len(s))
		for j, col := range s {
			v := byName[col.Name]
			p := first[col.Name]
			if len(v.types) > 1 && col.Type != TypeUnknown {
				p += slices.Index(v.types, col.Type)
			}
			pos[i][j] = p
		}
	}
	return out, pos
}

// missingTable reports whether the subtree n scans a table the Resolver
// does not know (a fuzzy union inside n counts only when all its inputs do).
func (c *checker) missingTable(n Node) bool {
	if n == nil {
		return false
	}
	m, ok := c.missing[n]
	if !ok {
		m = c.missingTable1(n)
		c.missing[n] = m
	}
	return m
}

func (c *checker) missingTable1(n Node) bool {
	c.probes++
	switch n := n.(type) {
	case *Scan:
		_, known := c.r.TableSchema(n.Table)
		return !known
	case *Union:
		if n.Fuzzy {
			for _, in := range n.Inputs {
				if !c.missingTable(in) {
					return false
				}
			}
			return len(n.Inputs) > 0
		}
	}
	for _, in := range n.Children() {
		if c.missingTable(in) {
			return true
		}
	}
	return false
}

// SourceName is the name a Union with SourceColumn gives the rows of input
// i: the table name when the input reads exactly one table (directly or
// through filters, extends, …), else "union_argI".
func SourceName(in Node, i int) string {
	var tables []string
	seen := map[Node]bool{}
	var walk func(n Node)
	walk = func(n Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if s, ok := n.(*Scan); ok {
			if !slices.Contains(tables, s.Table) {
				tables = append(tables, s.Table)
			}
			return
		}
		if n != nil {
			for _, c := range n.Children() {
				walk(c)
			}
		}
	}
	walk(in)
	if len(tables) == 1 {
		return tables[0]
	}
	return "union_arg" + strconv.Itoa(i)
}

func (c *checker) args(at diag.Span, f *Func, args []Expr, in Schema) ([]Type, error) {
	if len(args) < f.MinArgs || (f.MaxArgs >= 0 && len(args) > f.MaxArgs) {
		return nil, Errorf(at, "%s: %s", f.Name, arityText(f, len(args)))
	}
	types := make([]Type, len(args))
	for i, a := range args {
		if a == nil {
			return nil, Errorf(at, "%s: argument %d is missing", f.Name, i+1)
		}
		t, err := c.expr(a, in)
		if err != nil {
			return nil, err
		}
		types[i] = t
	}
	for _, i := range f.Const {
		if i < len(args) {
			if _, ok := args[i].(*Literal); !ok {
				return nil, Errorf(args[i].Span(), "%s: argument %d must be a constant", f.Name, i+1)
			}
		}
	}
	return types, nil
}

func arityText(f *Func, got int) string {
	switch {
	case f.MaxArgs == f.MinArgs:
		return fmt.Sprintf("want %d arguments, got %d", f.MinArgs, got)
	case f.MaxArgs < 0:
		return fmt.Sprintf("want at least %d arguments, got %d", f.MinArgs, got)
	}
	return fmt.Sprintf("want %d to %d arguments, got %d", f.MinArgs, f.MaxArgs, got)
}

func (c *checker) expr(e Expr, in Schema) (Type, error) {
	c.own++
	t, err := c.expr1(e, in)
	if err != nil {
		return TypeUnknown, err
	}
	c.info.types[e] = t
	return t, nil
}

func (c *checker) expr1(e Expr, in Schema) (Type, error) {
	switch e := e.(type) {
	case *Literal:
		if !e.Type.Accepts(e.Value.Kind()) {
			return TypeUnknown, Errorf(e.At, "literal of type %s cannot hold a %s value", e.Type, e.Value.Kind())
		}
		return e.Type, nil
	case *ColumnRef:
		i := in.Index(e.Name)
		if i < 0 {
			return TypeUnknown, Errorf(e.At, "unknown column '%s'", e.Name)
		}
		return in[i].Type, nil
	case *Member:
		t, err := c.expr(e.X, in)
		if err != nil {
			return TypeUnknown, err
		}
		if t != TypeDynamic && t != TypeUnknown {
			return TypeUnknown, Errorf(e.At, "member access '.%s' needs a dynamic value, got %s", e.Name, t)
		}
		return TypeDynamic, nil
	case *Index:
		t, err := c.expr(e.X, in)
		if err != nil {
			return TypeUnknown, err
		}
		if t != TypeDynamic && t != TypeUnknown {
			return TypeUnknown, Errorf(e.At, "index access needs a dynamic value, got %s", t)
		}
		it, err := c.expr(e.Index, in)
		if err != nil {
			return TypeUnknown, err
		}
		switch it {
		case TypeLong, TypeString, TypeUnknown, TypeDynamic:
		default:
			return TypeUnknown, Errorf(e.Index.Span(), "index has type %s, want long or string", it)
		}
		return TypeDynamic, nil
	case *Call:
		f, ok := Lookup(e.Func)
		if !ok {
			return TypeUnknown, Errorf(e.At, "unknown function '%s'", e.Func)
		}
		if f.Kind == FuncAggregate {
			return TypeUnknown, Errorf(e.At, "aggregation '%s' used outside an aggregate", e.Func)
		}
		types, err := c.args(e.At, f, e.Args, in)
		if err != nil {
			return TypeUnknown, err
		}
		t, err := f.ResultType(types)
		if err != nil {
			return TypeUnknown, Errorf(e.At, "%s: %v", e.Func, err)
		}
		return t, nil
	case nil:
		return TypeUnknown, &Error{Msg: "missing expression"}
	}
	return TypeUnknown, unsupported(e.Span(), fmt.Sprintf("expression %T", e))
}
