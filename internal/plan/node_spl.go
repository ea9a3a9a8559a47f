package plan

import (
	"vigil/internal/diag"
	"vigil/internal/event"
)

// The nodes SPL needs beyond the shared ones (SEMANTICS.md §C.5). SPL events
// lack fields rather than hold nulls, so these nodes treat a null value as
// "the field is missing" and a dynamic array as a multivalue field.

// FillNulls replaces null values by Value (SPL fillnull). With Columns empty
// it works on the whole result set, a pipeline breaker: every column with a
// non-null value in at least one row gets Value in the rows where it is null;
// a column null in every row stays null (fillnull does not create fields).
// With Columns set, exactly those columns are filled in every row, and a
// name that is not a column is appended (holding Value everywhere). A filled
// column keeps its type when the type accepts Value, else becomes dynamic.
type FillNulls struct {
	Input   Node
	Value   event.Value
	Columns []string
	At      diag.Span
}

// RenameFields renames columns with SPL's rules (SPL rename): pairs apply in
// order, and Old and New may hold `*` wildcards, as many in each (`properties.*
// as *`): every column matching Old, in input order, is renamed to New with
// each `*` replaced by the text the corresponding `*` of Old matched (the
// shortest match, left to right). A column already named like the target is
// replaced: the target takes the source's value in every row, null
// included. A plain Old that names no column removes the column named New
// (renaming a missing field removes the target's values); a pattern that
// matches nothing changes nothing. Renamed columns keep their position.
type RenameFields struct {
	Input   Node
	Columns []RenamePair
	At      diag.Span
}

// EventStats computes aggregations per group like Aggregate and appends
// them to every input row (SPL eventstats), a pipeline breaker: the output
// is the input rows in order with one column per Agg (an Agg named like an
// input column replaces it in place). A row whose By values include a null
// belongs to no group and gets null aggregates; By values compare as whole
// values (a multivalue BY field is one key).
type EventStats struct {
	Input Node
	By    []Assign
	Aggs  []Agg
	At    diag.Span
}

// Dedup keeps the first Keep rows of each distinct tuple of the Columns'
// values, in input order (SPL dedup). Rows in which any of Columns is null
// are dropped, unless KeepEmpty, which keeps all of them. With Consecutive,
// only rows whose tuple equals the previous row's are removed. Values
// compare exactly (event.Equal); Keep 0 means 1.
type Dedup struct {
	Input       Node
	Columns     []string
	Keep        int64
	KeepEmpty   bool
	Consecutive bool
	At          diag.Span
}

// Span implements Node.
func (n *FillNulls) Span() diag.Span { return n.At }

// Span implements Node.
func (n *RenameFields) Span() diag.Span { return n.At }

// Span implements Node.
func (n *EventStats) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Dedup) Span() diag.Span { return n.At }

// Children implements Node.
func (n *FillNulls) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *RenameFields) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *EventStats) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Dedup) Children() []Node { return []Node{n.Input} }

// String implements Node: the plan tree rooted at n (see Format).
func (n *FillNulls) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *RenameFields) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *EventStats) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Dedup) String() string { return Format(n) }

func (*FillNulls) isNode()    {}
func (*RenameFields) isNode() {}
func (*EventStats) isNode()   {}
func (*Dedup) isNode()        {}

// WildcardCaptures matches name against pattern, in which each `*` stands
// for any run of characters (the shortest that lets the rest match, left to
// right), and returns the text each `*` matched.
func WildcardCaptures(pattern, name string) ([]string, bool) {
	star := -1
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' {
			star = i
			break
		}
	}
	if star < 0 {
		return nil, pattern == name
	}
	if len(name) < star || name[:star] != pattern[:star] {
		return nil, false
	}
	rest, tail := name[star:], pattern[star+1:]
	for k := 0; k <= len(rest); k++ {
		if caps, ok := WildcardCaptures(tail, rest[k:]); ok {
			return append([]string{rest[:k]}, caps...), true
		}
	}
	return nil, false
}

// ReplaceWildcards replaces the `*`s of pattern by caps, in order.
func ReplaceWildcards(pattern string, caps []string) string {
	out := make([]byte, 0, len(pattern))
	k := 0
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' && k < len(caps) {
			out = append(out, caps[k]...)
			k++
			continue
		}
		out = append(out, pattern[i])
	}
	return string(out)
}

func countStars(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '*' {
			n++
		}
	}
	return n
}

// RenameFieldsSchema applies the pairs of a RenameFields to the schema in
// and returns the output schema and, for each output column, the position
// of the input column it holds.
func RenameFieldsSchema(in Schema, pairs []RenamePair) (Schema, []int, error) {
	out := append(Schema(nil), in...)
	src := make([]int, len(in))
	for i := range src {
		src[i] = i
	}
	remove := func(i int) {
		out = append(out[:i], out[i+1:]...)
		src = append(src[:i], src[i+1:]...)
	}
	for _, p := range pairs {
		if p.Old == "" || p.New == "" {
			return nil, nil, Errorf(p.At, "empty column name")
		}
		if countStars(p.Old) != countStars(p.New) {
			return nil, nil, Errorf(p.At, "wildcards of '%s' and '%s' do not match", p.Old, p.New)
		}
		if countStars(p.Old) == 0 {
			i := out.Index(p.Old)
			if i < 0 {
				if j := out.Index(p.New); j >= 0 {
					remove(j)
				}
				continue
			}
			renameAt(&out, &src, i, p.New)
			continue
		}
		// Match against the columns as they are before this pair.
		var names []string
		for _, c := range out {
			names = append(names, c.Name)
		}
		for _, name := range names {
			caps, ok := WildcardCaptures(p.Old, name)
			if !ok {
				continue
			}
			if i := out.Index(name); i >= 0 {
				renameAt(&out, &src, i, ReplaceWildcards(p.New, caps))
			}
		}
	}
	return out, src, nil
}

// renameAt renames column i to name, removing another column of that name.
func renameAt(out *Schema, src *[]int, i int, name string) {
	if j := out.Index(name); j >= 0 && j != i {
		*out = append((*out)[:j], (*out)[j+1:]...)
		*src = append((*src)[:j], (*src)[j+1:]...)
		if j < i {
			i--
		}
	}
	(*out)[i].Name = name
}
