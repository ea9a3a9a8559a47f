package kuery

import "vigil/internal/diag"

// Query is a parsed Kuery query. Root is nil for the empty query, which
// matches every document.
type Query struct {
	Root Node
}

// Node is a node of a Kuery syntax tree: *Or, *And, *Not, *Paren,
// *FieldValue, *Range, *Nested, or, inside the value list of a FieldValue,
// *Literal. Every node carries the span of its text.
type Node interface {
	Span() diag.Span
	isNode()
}

// Or is `a or b or …`; it has at least two terms.
type Or struct {
	Terms []Node
	At    diag.Span
}

// And is `a and b and …`; it has at least two terms.
type And struct {
	Terms []Node
	At    diag.Span
}

// Not is `not X`.
type Not struct {
	X  Node
	At diag.Span
}

// Paren is a parenthesised query or value list `(X)`.
type Paren struct {
	X  Node
	At diag.Span
}

// FieldValue is `field: value`. Value is a *Literal, or a value list made
// of *Paren, *Or, *And and *Not over *Literal values. Field is nil for a
// bare value (a search of the default fields).
type FieldValue struct {
	Field *Field
	Value Node
	At    diag.Span
}

// Range is `field op value` with op one of < <= > >=.
type Range struct {
	Field *Field
	Op    string
	Value *Literal
	At    diag.Span
}

// Nested is `field: { query }`.
type Nested struct {
	Field *Field
	Query Node
	At    diag.Span
}

// Field is a field name, quoted or not.
type Field struct {
	Name   string
	Quoted bool
	At     diag.Span
}

// Literal is a value. Text is the value with escapes resolved. Unquoted
// values may hold wildcards: then Wildcard is set and Pattern is the value
// in wildcard syntax, where '*' and '?' are wildcards and a backslash makes
// the next character literal.
type Literal struct {
	Text     string
	Quoted   bool
	Wildcard bool
	Pattern  string
	At       diag.Span
}

// Span implements Node.
func (n *Or) Span() diag.Span { return n.At }

// Span implements Node.
func (n *And) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Not) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Paren) Span() diag.Span { return n.At }

// Span implements Node.
func (n *FieldValue) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Range) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Nested) Span() diag.Span { return n.At }

// Span implements Node.
func (n *Literal) Span() diag.Span { return n.At }

func (*Or) isNode()         {}
func (*And) isNode()        {}
func (*Not) isNode()        {}
func (*Paren) isNode()      {}
func (*FieldValue) isNode() {}
func (*Range) isNode()      {}
func (*Nested) isNode()     {}
func (*Literal) isNode()    {}
