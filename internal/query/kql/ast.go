package kql

import (
	"time"

	"vigil/internal/diag"
)

// Node is implemented by every AST node. Span returns the node's byte range in
// the parsed text; String returns the node in canonical KQL (see print.go).
type Node interface {
	Span() diag.Span
	String() string
}

// Expr is a scalar or tabular expression: literals, column references,
// operators, calls, and pipelines (Pipe) of tabular operators.
type Expr interface {
	Node
	exprNode()
}

// Operator is a tabular operator that follows a '|' in a pipeline.
type Operator interface {
	Node
	operatorNode()
}

// Query is a parsed query or function body: let statements followed by one
// expression (tabular for a query, tabular or scalar for a function body).
type Query struct {
	Range diag.Span
	Lets  []*Let
	Body  Expr
}

// Let is a let statement: `let Name = Value`. Value is a *FuncDef for
// user-defined functions, a tabular expression or a scalar expression.
type Let struct {
	Range diag.Span
	Name  *Ident
	Value Expr
}

// FuncDef is a user-defined function: `(t:string, n:long = 5) { body }`.
type FuncDef struct {
	Range  diag.Span
	Params []*Param
	Body   *Query
}

// Param is a function parameter: `Name:Type` with an optional default value.
type Param struct {
	Range   diag.Span
	Name    *Ident
	Type    *TypeRef
	Default Expr // nil when absent
}

// TypeRef is a parameter type: a scalar type name (Name, lower case as
// written), or a tabular schema `(*)` / `(a:string, *)` when Tabular is set.
type TypeRef struct {
	Range   diag.Span
	Name    string
	Tabular bool
	Star    bool     // the schema accepts any other column
	Columns []*Param // declared columns of a tabular type (no defaults)
}

// Pipe is a tabular pipeline `Source | op | op …`. Source is nil only when the
// pipeline starts with a union (`union A, B | …`); then Ops[0] is the *Union.
type Pipe struct {
	Range  diag.Span
	Source Expr
	Ops    []Operator
}

// DataTable is an inline table `datatable(a:string, n:long) ["x", 1, "y", 2]`:
// Values holds the cells row by row.
type DataTable struct {
	Range   diag.Span
	Columns []*Param
	Values  []Expr
}

// Ident is a name: a column, table, let binding or function, `$left`/`$right`,
// or a bracketed name such as `['Display Name']` (Name holds the bare text).
type Ident struct {
	Range diag.Span
	Name  string
}

// Pattern is a column or table name that may contain '*' wildcards, as in
// `project-away *_s` or `union Signin*`.
type Pattern struct {
	Range    diag.Span
	Text     string
	Wildcard bool // Text contains wildcards; false for a plain (maybe bracketed) name
}

// StringLit is a string literal; Value is the decoded text.
type StringLit struct {
	Range diag.Span
	Value string
}

// LongLit is an integer literal. Type is "" for a plain number and the type
// name for a typed literal such as `int(5)` or `long(-1)`.
type LongLit struct {
	Range diag.Span
	Value int64
	Type  string
}

// RealLit is a real literal; Type is "" or the typed-literal name ("real",
// "double").
type RealLit struct {
	Range diag.Span
	Value float64
	Type  string
}

// BoolLit is `true`, `false` or `bool(…)` (Type "bool").
type BoolLit struct {
	Range diag.Span
	Value bool
	Type  string
}

// NullLit is a typed null such as `long(null)` or `datetime(null)`; inside a
// dynamic literal Type is "" for a bare `null`.
type NullLit struct {
	Range diag.Span
	Type  string
}

// DatetimeLit is `datetime(…)`, in UTC with 100 ns precision.
type DatetimeLit struct {
	Range diag.Span
	Value time.Time
}

// TimespanLit is a timespan such as `1h`, `1.5d` or `timespan(01:30:00)`,
// with 100 ns (tick) precision.
type TimespanLit struct {
	Range diag.Span
	Value time.Duration
}

// GuidLit is `guid(…)`; Value is the text between the parentheses.
type GuidLit struct {
	Range diag.Span
	Value string
}

// DynamicLit is `dynamic(…)`. Value is an *ArrayLit, *ObjectLit, a scalar
// literal or a *NullLit with empty Type.
type DynamicLit struct {
	Range diag.Span
	Value Expr
}

// ArrayLit is a JSON-like array inside a dynamic literal.
type ArrayLit struct {
	Range diag.Span
	Elems []Expr
}

// ObjectLit is a JSON-like property bag inside a dynamic literal; Keys and
// Values are parallel.
type ObjectLit struct {
	Range  diag.Span
	Keys   []string
	Values []Expr
}

// Paren is a parenthesised expression.
type Paren struct {
	Range diag.Span
	X     Expr
}

// Unary is a prefix `-` or `+`.
type Unary struct {
	Range diag.Span
	Op    string
	X     Expr
}

// Binary is a binary operator: `or`, `and`, comparisons, string operators
// (`has`, `!contains`, `matches regex`, …) and arithmetic. Op is the operator
// as written in canonical form (`matches regex` with one space).
type Binary struct {
	Range diag.Span
	Op    string
	L, R  Expr
}

// In is a list operator: `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`
// with a parenthesised list whose elements may be scalars, dynamic arrays or
// tabular expressions.
type In struct {
	Range diag.Span
	Op    string
	X     Expr
	List  []Expr
}

// Between is `X between (Lo .. Hi)` or `X !between (Lo .. Hi)`.
type Between struct {
	Range  diag.Span
	Not    bool
	X      Expr
	Lo, Hi Expr
}

// Member is a property access `X.Name` or `X.['Name']`; `X["Name"]` is an
// Index with a string key.
type Member struct {
	Range diag.Span
	X     Expr
	Name  *Ident
}

// Index is `X[Index]`: an array element or a property by string key.
type Index struct {
	Range diag.Span
	X     Expr
	Index Expr
}

// Call is a function call `Fn(Args…)`: scalar functions, aggregations,
// user-defined functions and tabular functions like `table(t)` alike.
type Call struct {
	Range diag.Span
	Fn    *Ident
	Args  []Expr
}

// Star is a `*` argument, as in `arg_max(TimeGenerated, *)` or `distinct *`.
type Star struct {
	Range diag.Span
}

// Assign is an optionally named expression in a column list:
// `Name = Value` or just `Value` (Name nil).
type Assign struct {
	Range diag.Span
	Name  *Ident
	Value Expr
}

// OpParam is an operator parameter such as `kind=leftouter`,
// `isfuzzy=true`, `withsource=Table` or `hint.strategy=broadcast`.
type OpParam struct {
	Range diag.Span
	Name  string
	Value Expr
}

// Where is `where Pred` (Keyword "where") or its alias `filter`.
type Where struct {
	Range   diag.Span
	Keyword string
	Pred    Expr
}

// Extend is `extend a = x, y`.
type Extend struct {
	Range diag.Span
	Cols  []*Assign
}

// Project is `project a, b = x`.
type Project struct {
	Range diag.Span
	Cols  []*Assign
}

// ProjectAway is `project-away a, b*`.
type ProjectAway struct {
	Range diag.Span
	Cols  []*Pattern
}

// ProjectKeep is `project-keep a, b*`.
type ProjectKeep struct {
	Range diag.Span
	Cols  []*Pattern
}

// ProjectReorder is `project-reorder a, b*` (without ordering options).
type ProjectReorder struct {
	Range diag.Span
	Cols  []*Pattern
}

// ProjectRename is `project-rename New = Old, …`; each Assign has a Name
// (the new name) and an *Ident Value (the old name).
type ProjectRename struct {
	Range diag.Span
	Cols  []*Assign
}

// Summarize is `summarize Aggs by By`.
type Summarize struct {
	Range  diag.Span
	Params []*OpParam // hint.* parameters
	Aggs   []*Assign
	By     []*Assign
}

// Join is `join kind=K (Right) on Conds`. Each condition is an *Ident (same
// column on both sides) or a *Binary `==` between `$left.A` and `$right.B`.
type Join struct {
	Range  diag.Span
	Params []*OpParam // kind=… and hint.*=…
	Right  Expr
	On     []Expr
}

// Kind returns the join kind as written, or "innerunique" (Kusto's default)
// when the join has no kind parameter.
func (j *Join) Kind() string {
	for _, p := range j.Params {
		if p.Name == "kind" {
			if id, ok := p.Value.(*Ident); ok {
				return id.Name
			}
		}
	}
	return "innerunique"
}

// Union is `union [params] Legs…`, as an operator or as a pipeline source.
type Union struct {
	Range  diag.Span
	Params []*OpParam // kind, isfuzzy, withsource
	Legs   []Expr
}

// MvExpand is `mv-expand` (Keyword "mv-expand") or the legacy `mvexpand`.
type MvExpand struct {
	Range   diag.Span
	Keyword string
	Params  []*OpParam // bagexpansion, with_itemindex
	Items   []*MvExpandItem
	Limit   Expr // nil when absent
}

// MvExpandItem is one expanded column: `[Name =] Value [to typeof(ToType)]`.
type MvExpandItem struct {
	Range  diag.Span
	Name   *Ident
	Value  Expr
	ToType string // "" when absent
}

// Sort is `sort by …` (Keyword "sort") or `order by …` (Keyword "order").
type Sort struct {
	Range   diag.Span
	Keyword string
	Keys    []*SortKey
}

// SortKey is `X [asc|desc] [nulls first|last]`; Order and Nulls are "" when
// not written.
type SortKey struct {
	Range diag.Span
	X     Expr
	Order string
	Nulls string
}

// Top is `top N by Key`.
type Top struct {
	Range diag.Span
	N     Expr
	Key   *SortKey
}

// Take is `take N` (Keyword "take") or `limit N` (Keyword "limit").
type Take struct {
	Range   diag.Span
	Keyword string
	N       Expr
}

// Distinct is `distinct a, b` or `distinct *` (Cols holds one *Star).
type Distinct struct {
	Range diag.Span
	Cols  []Expr
}

// Count is the `count` operator.
type Count struct {
	Range diag.Span
}

// Span methods.

// Span returns the node's byte range.
func (n *Query) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Let) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *FuncDef) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Param) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *TypeRef) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Pipe) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *DataTable) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Ident) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Pattern) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *StringLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *LongLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *RealLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *BoolLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *NullLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *DatetimeLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *TimespanLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *GuidLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *DynamicLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *ArrayLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *ObjectLit) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Paren) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Unary) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Binary) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *In) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Between) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Member) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Index) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Call) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Star) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Assign) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *OpParam) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Where) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Extend) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Project) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *ProjectAway) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *ProjectKeep) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *ProjectReorder) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *ProjectRename) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Summarize) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Join) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Union) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *MvExpand) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *MvExpandItem) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Sort) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *SortKey) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Top) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Take) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Distinct) Span() diag.Span { return n.Range }

// Span returns the node's byte range.
func (n *Count) Span() diag.Span { return n.Range }

func (*FuncDef) exprNode()     {}
func (*Pipe) exprNode()        {}
func (*DataTable) exprNode()   {}
func (*Ident) exprNode()       {}
func (*Pattern) exprNode()     {}
func (*StringLit) exprNode()   {}
func (*LongLit) exprNode()     {}
func (*RealLit) exprNode()     {}
func (*BoolLit) exprNode()     {}
func (*NullLit) exprNode()     {}
func (*DatetimeLit) exprNode() {}
func (*TimespanLit) exprNode() {}
func (*GuidLit) exprNode()     {}
func (*DynamicLit) exprNode()  {}
func (*ArrayLit) exprNode()    {}
func (*ObjectLit) exprNode()   {}
func (*Paren) exprNode()       {}
func (*Unary) exprNode()       {}
func (*Binary) exprNode()      {}
func (*In) exprNode()          {}
func (*Between) exprNode()     {}
func (*Member) exprNode()      {}
func (*Index) exprNode()       {}
func (*Call) exprNode()        {}
func (*Star) exprNode()        {}

func (*Where) operatorNode()          {}
func (*Extend) operatorNode()         {}
func (*Project) operatorNode()        {}
func (*ProjectAway) operatorNode()    {}
func (*ProjectKeep) operatorNode()    {}
func (*ProjectReorder) operatorNode() {}
func (*ProjectRename) operatorNode()  {}
func (*Summarize) operatorNode()      {}
func (*Join) operatorNode()           {}
func (*Union) operatorNode()          {}
func (*MvExpand) operatorNode()       {}
func (*Sort) operatorNode()           {}
func (*Top) operatorNode()            {}
func (*Take) operatorNode()           {}
func (*Distinct) operatorNode()       {}
func (*Count) operatorNode()          {}
