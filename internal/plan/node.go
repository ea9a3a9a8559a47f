package plan

import (
	"fmt"

	"vigil/internal/diag"
	"vigil/internal/event"
)

// Node is a tabular operator of a logical plan. Nodes are plain data: the
// executor compiles them with one type switch. Every node carries the span of
// the query text it was lowered from.
type Node interface {
	// Span returns the byte range of the query text the node came from.
	Span() diag.Span
	// Children returns the nodes this node reads, in order (nil for leaves).
	Children() []Node
	String() string
	isNode()
}

// Scan reads every row of the table named Table, resolved through the
// Resolver (Check) and the executor's Catalog. Fill says how null values in
// the table's columns are presented: FillEmptyString (KQL: strings are never
// null) turns null in string columns into ""; FillUnset and FillNull pass
// values as the table holds them.
type Scan struct {
	Table string
	Fill  Fill
	At    diag.Span
}

// Values is an inline table (KQL datatable, print). Each row has one Value
// per column, of a kind the column's type accepts.
type Values struct {
	Columns Schema
	Rows    [][]event.Value
	At      diag.Span
}

// Filter keeps the rows for which Pred is true; rows where it is false or
// null are dropped (KQL where, SPL where/search, a Kuery query).
type Filter struct {
	Input Node
	Pred  Expr
	At    diag.Span
}

// Extend computes columns and adds them to each row (KQL extend, SPL eval).
// Assignments are evaluated left to right and may use columns assigned
// earlier in the same Extend. Assigning an existing name replaces that column
// in place (same position, new type); a new name is appended.
type Extend struct {
	Input   Node
	Columns []Assign
	At      diag.Span
}

// Project outputs exactly Columns, in order, each evaluated against the input
// row (KQL project, including computed columns `project a = x + 1`).
type Project struct {
	Input   Node
	Columns []Assign
	At      diag.Span
}

// ProjectAway removes columns. Each entry is a column name or a pattern with
// `*` wildcards (any run of characters); a plain name must exist, a pattern
// may match nothing.
type ProjectAway struct {
	Input   Node
	Columns []string
	At      diag.Span
}

// Rename renames columns in place (KQL project-rename). Old must exist and
// New must not name another column of the output.
type Rename struct {
	Input   Node
	Columns []RenamePair
	At      diag.Span
}

// RenamePair renames column Old to New.
type RenamePair struct {
	New, Old string
	At       diag.Span
}

// Reorder moves the columns named by Columns (names or `*` patterns; each
// pattern's matches in input order) to the front, in that order; the other
// columns follow in input order (KQL project-reorder).
type Reorder struct {
	Input   Node
	Columns []string
	At      diag.Span
}

// Aggregate groups rows by the By expressions and computes Aggs per group
// (KQL summarize, SPL stats). Output columns: the By columns in order, then
// each Agg's columns. One output row per distinct key tuple, in order of
// first appearance of the key; keys compare exactly (event.Equal), so "" is
// an ordinary key and null keys form their own group; an empty input gives
// no rows. Without By there is exactly one output row, even for an empty
// input (count() = 0, the other aggregations their empty value), as in Kusto
// and SPL.
//
// SPL stats sets two rules of its own: with DropNullKeys a row whose By
// values include a null (or an empty array) belongs to no group (SPL drops
// results lacking a BY field); with ExpandKeys a By value that is a dynamic
// array puts the row in one group per distinct element (a multivalue BY
// field), several such values giving every combination.
type Aggregate struct {
	Input        Node
	By           []Assign
	Aggs         []Agg
	DropNullKeys bool
	ExpandKeys   bool
	At           diag.Span
}

// Agg is one aggregation of an Aggregate: Func (a catalogue entry of kind
// FuncAggregate) over Args, output as column Name.
//
// arg_max, arg_min and take_any also return other columns of the selected
// row: Carry lists them as assignments evaluated on that row, and CarryAll
// (the `*` of `arg_max(TimeGenerated, *)`) returns every input column whose
// name is not already an output column (a By column, Name, or an earlier
// column), in input order, after Carry.
type Agg struct {
	Name     string
	Func     string
	Args     []Expr
	Carry    []Assign
	CarryAll bool
	At       diag.Span
}

// JoinKind is the kind of a Join.
type JoinKind uint8

// The join kinds, as Kusto defines them. The zero value is invalid so that a
// front-end must choose (KQL's default is innerunique).
const (
	JoinInvalid JoinKind = iota
	JoinInner
	JoinInnerUnique
	JoinLeftOuter
	JoinLeftAnti
	JoinRightAnti
	JoinLeftSemi
	JoinRightSemi
)

var joinKindNames = [...]string{"invalid", "inner", "innerunique", "leftouter", "leftanti", "rightanti", "leftsemi", "rightsemi"}

func (k JoinKind) String() string {
	if int(k) < len(joinKindNames) {
		return joinKindNames[k]
	}
	return fmt.Sprintf("joinkind(%d)", int(k))
}

// ParseJoinKind returns the JoinKind named s (as printed by String).
func ParseJoinKind(s string) (JoinKind, bool) {
	for i, n := range joinKindNames[1:] {
		if n == s {
			return JoinKind(i + 1), true
		}
	}
	return JoinInvalid, false
}

// Clash says how a Join names right columns whose names are already taken by
// left columns. The zero value is invalid: front-ends must say.
type Clash uint8

// The clash policies.
const (
	ClashUnset Clash = iota
	// ClashSuffix (Kusto): a right column whose name is taken gets the
	// smallest integer suffix n ≥ 1 such that name+n is free
	// (UserPrincipalName → UserPrincipalName1). Key columns are not merged:
	// the right key appears suffixed too.
	ClashSuffix
	// Later: ClashRightWins for SPL join/lookup (the right value replaces the
	// left one).
)

func (c Clash) String() string {
	switch c {
	case ClashSuffix:
		return "suffix"
	}
	return "unset"
}

// ParseClash returns the Clash named s (as printed by String).
func ParseClash(s string) (Clash, bool) {
	if s == "suffix" {
		return ClashSuffix, true
	}
	return ClashUnset, false
}

// Fill says what value stands in for a missing value of a column: the right
// columns of an unmatched leftouter row, the columns a union input lacks.
// The zero value is invalid: front-ends must say.
type Fill uint8

// The fill policies.
const (
	FillUnset Fill = iota
	// FillEmptyString (Kusto): string columns get "", all others null;
	// Kusto strings are never null.
	FillEmptyString
	// FillNull (SPL, Kuery): every type gets null.
	FillNull
)

func (f Fill) String() string {
	switch f {
	case FillEmptyString:
		return "empty-string"
	case FillNull:
		return "null"
	}
	return "unset"
}

// ParseFill returns the Fill named s (as printed by String).
func ParseFill(s string) (Fill, bool) {
	for _, f := range []Fill{FillEmptyString, FillNull} {
		if f.String() == s {
			return f, true
		}
	}
	return FillUnset, false
}

// Join joins Left and Right on equality of key column pairs (exact,
// case-sensitive, via event.Equal; null keys never match; "" matches "").
//
// Output rows and order: inner — for each left row in order, one row per
// matching right row in right order; innerunique — the same after keeping
// only the first left row of each key; leftouter — like inner, plus each
// unmatched left row once with the right columns filled per Fill; leftsemi /
// leftanti — left rows (left columns only) with / without a match, once each;
// rightsemi / rightanti — right rows (right columns only) with / without a
// match, in right order. Output schema for inner, innerunique and leftouter:
// all left columns, then all right columns named per Clash.
type Join struct {
	Left, Right Node
	Kind        JoinKind
	On          []JoinKey
	Clash       Clash
	Fill        Fill
	At          diag.Span
}

// JoinKey is one equality of a join condition: left column Left equals right
// column Right (KQL `on X` is JoinKey{X, X}; `on $left.A == $right.B` is
// JoinKey{A, B}).
type JoinKey struct {
	Left, Right string
	At          diag.Span
}

// Union concatenates its inputs' rows, input by input (KQL union). Output
// columns are the union of the inputs' columns by name, in order of first
// appearance (see UnionSchema: a name with several types becomes name_type
// columns, as in Kusto); a column an input lacks is filled per Fill. With Fuzzy (KQL
// isfuzzy=true), Scan inputs of unknown tables are skipped instead of being
// errors, as long as one input remains; an input counts as unknown when its
// subtree scans an unknown table (so `union isfuzzy=true f("A"), f("B")`
// with tabular functions works). With SourceColumn set, the first output
// column of that name holds SourceName of each input (KQL withsource=).
type Union struct {
	Inputs       []Node
	Fuzzy        bool
	Fill         Fill
	SourceColumn string
	At           diag.Span
}

// MvExpand expands dynamic arrays and objects into one row per element (KQL
// mv-expand). Columns are expanded in parallel: an input row gives as many
// rows as its longest collection, shorter ones padded with null. An empty
// array gives no row; a value that is not an array or object (including
// null) keeps the row as it is. Object members expand as single-member
// objects {key: value}. Each column replaces the input column of its Name in
// place, or is appended when no such column exists. Limit > 0 caps the rows
// per input row. ItemIndex, when set, appends a long column with the element
// index.
type MvExpand struct {
	Input     Node
	Columns   []MvColumn
	Limit     int64
	ItemIndex string
	At        diag.Span
}

// MvColumn is one expanded expression of MvExpand. To is the declared element
// type (`to typeof(string)`): cast only — elements of another kind become
// null; TypeUnknown or TypeDynamic keeps elements dynamic.
type MvColumn struct {
	Name string
	Expr Expr
	To   Type
	At   diag.Span
}

// Sort orders rows by Keys (first key first); the sort is stable, so equal
// rows keep their input order.
type Sort struct {
	Input Node
	Keys  []SortKey
	At    diag.Span
}

// SortKey is one sort key. NullsFirst is explicit: front-ends apply their
// language's default (KQL: nulls last for desc, first for asc). Values of
// different kinds order as event.Compare does.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
	At         diag.Span
}

// Top keeps the first N rows in the order of Keys (KQL top N by …).
type Top struct {
	Input Node
	N     int64
	Keys  []SortKey
	At    diag.Span
}

// Limit keeps the first N rows in input order (KQL take/limit).
type Limit struct {
	Input Node
	N     int64
	At    diag.Span
}

// Distinct keeps the first row of each distinct tuple of Columns, output as
// those columns only (KQL distinct A, B). Empty Columns means every column
// (distinct *).
type Distinct struct {
	Input   Node
	Columns []string
	At      diag.Span
}

// Count outputs one row with one long column Name holding the number of input
// rows (KQL count: Name "Count").
type Count struct {
	Input Node
	Name  string
	At    diag.Span
}

// Span implements Node.
func (n *Scan) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Values) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Filter) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Extend) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Project) Span() diag.Span { return n.At }

// Span implements Node.
func (n *ProjectAway) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Rename) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Reorder) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Aggregate) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Join) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Union) Span() diag.Span { return n.At }

// Span implements Node.
func (n *MvExpand) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Sort) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Top) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Limit) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Distinct) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Count) Span() diag.Span { return n.At }

// Children implements Node.
func (n *Scan) Children() []Node { return nil }

// Children implements Node.
func (n *Values) Children() []Node { return nil }

// Children implements Node.
func (n *Filter) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Extend) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Project) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *ProjectAway) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Rename) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Reorder) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Aggregate) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Join) Children() []Node { return []Node{n.Left, n.Right} }

// Children implements Node.
func (n *Union) Children() []Node { return n.Inputs }

// Children implements Node.
func (n *MvExpand) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Sort) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Top) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Limit) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Distinct) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Count) Children() []Node { return []Node{n.Input} }

func (*Scan) isNode()        {}
func (*Values) isNode()      {}
func (*Filter) isNode()      {}
func (*Extend) isNode()      {}
func (*Project) isNode()     {}
func (*ProjectAway) isNode() {}
func (*Rename) isNode()      {}
func (*Reorder) isNode()     {}
func (*Aggregate) isNode()   {}
func (*Join) isNode()        {}
func (*Union) isNode()       {}
func (*MvExpand) isNode()    {}
func (*Sort) isNode()        {}
func (*Top) isNode()         {}
func (*Limit) isNode()       {}
func (*Distinct) isNode()    {}
func (*Count) isNode()       {}
