package plan

import (
	"vigil/internal/diag"
	"vigil/internal/event"
)

// Expr is a scalar expression: *Literal, *ColumnRef, *Member, *Index or
// *Call. Every expression carries the span of the query text it was lowered
// from. Expressions are pointers so that Info can key types by them; do not
// share one expression value between two places of a plan.
type Expr interface {
	// Span returns the byte range of the query text the expression came from.
	Span() diag.Span
	String() string
	isExpr()
}

// Literal is a constant. Type is the declared type; for a non-null Value it
// must accept the Value's kind (TypeDynamic for dynamic literals such as
// dynamic(["a","b"]) and for dynamic scalars), and for a null Value it names
// the typed null (string(null) is not a thing in KQL, but long(null) is);
// TypeUnknown is an untyped null.
type Literal struct {
	Value event.Value
	Type  Type
	At    diag.Span
}

// ColumnRef names a column of the input row. Names are case-sensitive.
type ColumnRef struct {
	Name string
	At   diag.Span
}

// Member is dynamic member access X.Name or X["Name"] (Kusto
// `Status.additionalDetails`). X must be dynamic (or unknown); the result is
// dynamic; a missing member, or X not an object, gives null.
type Member struct {
	X    Expr
	Name string
	At   diag.Span
}

// Index is dynamic index access X[Index]: with a long index on an array it
// selects element Index (negative counts from the end); with a string index
// on an object it is member access. Out of range or wrong kinds give null.
// The result is dynamic.
type Index struct {
	X     Expr
	Index Expr
	At    diag.Span
}

// Call applies the catalogue function Func (see Lookup) to Args. Operators
// are calls too: `a == b` is Call{Func: "==", Args: [a, b]}, `x in ("a",
// "b")` is Call{Func: "in", Args: [x, "a", "b"]}, `x between (lo .. hi)` is
// Call{Func: "between", Args: [x, lo, hi]}.
type Call struct {
	Func string
	Args []Expr
	At   diag.Span
}

// Span implements Expr.
func (e *Literal) Span() diag.Span { return e.At }

// Span implements Expr.
func (e *ColumnRef) Span() diag.Span { return e.At }

// Span implements Expr.
func (e *Member) Span() diag.Span { return e.At }

// Span implements Expr.
func (e *Index) Span() diag.Span { return e.At }

// Span implements Expr.
func (e *Call) Span() diag.Span { return e.At }

func (*Literal) isExpr()   {}
func (*ColumnRef) isExpr() {}
func (*Member) isExpr()    {}
func (*Index) isExpr()     {}
func (*Call) isExpr()      {}

// Lit returns a literal of v with the type its kind implies (dynamic for
// arrays and objects, unknown for null), at span at.
func Lit(v event.Value, at diag.Span) *Literal {
	return &Literal{Value: v, Type: TypeOfKind(v.Kind()), At: at}
}

// Col returns a reference to column name at span at.
func Col(name string, at diag.Span) *ColumnRef { return &ColumnRef{Name: name, At: at} }

// Fn returns a call of the catalogue function name at span at.
func Fn(name string, at diag.Span, args ...Expr) *Call {
	return &Call{Func: name, Args: args, At: at}
}

// Assign is one output column computed by an expression: `Name = Expr` in
// extend, project and summarize (front-ends name unnamed columns the way
// their language does, e.g. KQL `count_`, `min_TimeGenerated`).
type Assign struct {
	Name string
	Expr Expr
	At   diag.Span
}
