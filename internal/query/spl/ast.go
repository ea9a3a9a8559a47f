package spl

import "vigil/internal/diag"

// Node is any node of the AST. Spans are byte offsets into the expanded
// search text (Search.Expansion maps them to the written search).
type Node interface {
	Span() diag.Span
	String() string
}

// Command is one command of the pipeline: *SearchCmd, *Where, *Eval,
// *Rename, *Fillnull, *Stats, *Bin, *Table, *Fields, *Dedup, *Rex, *Spath,
// *Convert, *Sort, *Head, *Mvexpand, *Makemv or *Lookup.
type Command interface {
	Node
	command()
}

// SearchExpr is a base-search expression: *Term, *Compare, *InList, *Not,
// *And, *Or or *Group.
type SearchExpr interface {
	Node
	searchExpr()
}

// Expr is an eval expression: *FieldRef, *StringLit, *NumberLit, *Call,
// *Binary, *Unary or *Paren.
type Expr interface {
	Node
	expr()
}

// Search is a parsed search: its pipeline of commands, and the expansion
// that produced the parsed text.
type Search struct {
	Commands  []Command
	Expansion *Expansion
	Range     diag.Span
}

// Field names a field; Quoted remembers "…" or '…' quoting for printing.
type Field struct {
	Name   string
	Quoted bool
	Range  diag.Span
}

// Option is a key=value argument of a command (span=1h, max=1).
type Option struct {
	Key    string
	Value  string
	Quoted bool
	Range  diag.Span
}

// SearchCmd is the base search or a `search` command. Keyword is "search"
// when written, "" for the implicit first command. Expr is nil for an empty
// search.
type SearchCmd struct {
	Keyword string
	Expr    SearchExpr
	Range   diag.Span
}

// Term is a free-text search term (possibly with * wildcards).
type Term struct {
	Text   string
	Quoted bool
	Range  diag.Span
}

// Compare is `field OP value` of a base search, OP one of = != < <= > >=.
type Compare struct {
	Field *Field
	Op    string
	Value *Term
	Range diag.Span
}

// InList is `field IN (v1, v2, …)`.
type InList struct {
	Field  *Field
	Values []*Term
	Range  diag.Span
}

// Not is `NOT x`.
type Not struct {
	X     SearchExpr
	Range diag.Span
}

// And is a conjunction; Implicit when written by juxtaposition.
type And struct {
	L, R     SearchExpr
	Implicit bool
	Range    diag.Span
}

// Or is a disjunction.
type Or struct {
	L, R  SearchExpr
	Range diag.Span
}

// Group is a parenthesized search expression.
type Group struct {
	X     SearchExpr
	Range diag.Span
}

// Where is `where <eval expression>`.
type Where struct {
	Pred  Expr
	Range diag.Span
}

// Eval is `eval f = e, g = e2`.
type Eval struct {
	Assigns []*EvalAssign
	Range   diag.Span
}

// EvalAssign is one `field = expression` of eval.
type EvalAssign struct {
	Field *Field
	Value Expr
	Range diag.Span
}

// Rename is `rename a AS b, c* AS d*`.
type Rename struct {
	Pairs []*RenamePair
	Range diag.Span
}

// RenamePair is one `old AS new`; names may hold * wildcards.
type RenamePair struct {
	Old, New *Field
	Range    diag.Span
}

// Fillnull is `fillnull [value=v] [field …]`.
type Fillnull struct {
	Value  *Option
	Fields []*Field
	Range  diag.Span
}

// Stats is `stats` or `eventstats`: aggregations and an optional BY list.
type Stats struct {
	Keyword string
	Aggs    []*Agg
	By      []*Field
	Range   diag.Span
}

// Agg is one aggregation `func(field) [AS name]`; Arg is nil for `count`.
type Agg struct {
	Func  string
	Arg   *Field
	As    *Field
	Range diag.Span
}

// Bin is `bin` or `bucket`: options (span=…) and a field with an optional
// AS name.
type Bin struct {
	Keyword string
	Options []*Option
	Field   *Field
	As      *Field
	Range   diag.Span
}

// Table is `table f …` (names may hold wildcards).
type Table struct {
	Fields []*Field
	Range  diag.Span
}

// Fields is `fields [+|-] f …`.
type Fields struct {
	Remove bool
	Plus   bool
	Fields []*Field
	Range  diag.Span
}

// Dedup is `dedup [N] f … [keepempty=bool] [consecutive=bool]`.
type Dedup struct {
	N       int64
	Fields  []*Field
	Options []*Option
	Range   diag.Span
}

// Rex is `rex [field=f] "regex"` extracting named groups.
type Rex struct {
	Options []*Option
	Regex   string
	Range   diag.Span
}

// Spath is `spath [input=f] [output=f] [path=p | p]`.
type Spath struct {
	Options []*Option
	Path    string
	Range   diag.Span
}

// Convert is `convert [timeformat=…] ctime(f) [AS g] …`.
type Convert struct {
	Options []*Option
	Funcs   []*ConvertFunc
	Range   diag.Span
}

// ConvertFunc is one conversion of convert.
type ConvertFunc struct {
	Func  string
	Field *Field
	As    *Field
	Range diag.Span
}

// Sort is `sort [N] [+|-]f …`. Limit is -1 when not written.
type Sort struct {
	Limit int64
	Keys  []*SortKey
	Range diag.Span
}

// SortKey is one key of sort.
type SortKey struct {
	Desc  bool
	Sign  bool // written with an explicit + or -
	Field *Field
	Range diag.Span
}

// Head is `head [N]`; N is -1 when not written (10).
type Head struct {
	N     int64
	Range diag.Span
}

// Mvexpand is `mvexpand f [limit=N]`.
type Mvexpand struct {
	Field   *Field
	Options []*Option
	Range   diag.Span
}

// Makemv is `makemv [delim=","] f`.
type Makemv struct {
	Options []*Option
	Field   *Field
	Range   diag.Span
}

// Lookup is `lookup name f [AS g] … [OUTPUT|OUTPUTNEW o [AS p] …]`.
type Lookup struct {
	Table   string
	Keys    []*LookupField
	Output  string // "", "OUTPUT" or "OUTPUTNEW"
	Outputs []*LookupField
	Range   diag.Span
}

// LookupField is `field [AS name]` of lookup: Field is the lookup table's
// column, As the event's field.
type LookupField struct {
	Field *Field
	As    *Field
	Range diag.Span
}

// FieldRef is a field in an eval expression.
type FieldRef struct {
	Name   string
	Quoted bool
	Range  diag.Span
}

// StringLit is a double-quoted string.
type StringLit struct {
	Value string
	Range diag.Span
}

// NumberLit is a number as written.
type NumberLit struct {
	Text  string
	Range diag.Span
}

// Call is a function call.
type Call struct {
	Func  string
	Args  []Expr
	Range diag.Span
}

// Binary is `L Op R`: Op is one of OR XOR AND = == != < <= > >= LIKE + - * /
// % and "." (concatenation); keywords upper case.
type Binary struct {
	Op    string
	L, R  Expr
	Range diag.Span
}

// Unary is `NOT x` or `-x`.
type Unary struct {
	Op    string
	X     Expr
	Range diag.Span
}

// Paren is a parenthesized expression.
type Paren struct {
	X     Expr
	Range diag.Span
}

// Span implements Node.
func (n *Search) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Field) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Option) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *SearchCmd) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Term) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Compare) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *InList) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Not) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *And) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Or) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Group) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Where) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Eval) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *EvalAssign) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Rename) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *RenamePair) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Fillnull) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Stats) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Agg) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Bin) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Table) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Fields) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Dedup) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Rex) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Spath) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Convert) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *ConvertFunc) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Sort) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *SortKey) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Head) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Mvexpand) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Makemv) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Lookup) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *LookupField) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *FieldRef) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *StringLit) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *NumberLit) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Call) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Binary) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Unary) Span() diag.Span { return n.Range }

// Span implements Node.
func (n *Paren) Span() diag.Span { return n.Range }

func (*SearchCmd) command() {}
func (*Where) command()     {}
func (*Eval) command()      {}
func (*Rename) command()    {}
func (*Fillnull) command()  {}
func (*Stats) command()     {}
func (*Bin) command()       {}
func (*Table) command()     {}
func (*Fields) command()    {}
func (*Dedup) command()     {}
func (*Rex) command()       {}
func (*Spath) command()     {}
func (*Convert) command()   {}
func (*Sort) command()      {}
func (*Head) command()      {}
func (*Mvexpand) command()  {}
func (*Makemv) command()    {}
func (*Lookup) command()    {}

func (*Term) searchExpr()    {}
func (*Compare) searchExpr() {}
func (*InList) searchExpr()  {}
func (*Not) searchExpr()     {}
func (*And) searchExpr()     {}
func (*Or) searchExpr()      {}
func (*Group) searchExpr()   {}

func (*FieldRef) expr()  {}
func (*StringLit) expr() {}
func (*NumberLit) expr() {}
func (*Call) expr()      {}
func (*Binary) expr()    {}
func (*Unary) expr()     {}
func (*Paren) expr()     {}
