package plan

import (
	"strings"

	"vigil/internal/event"
)

// Type is the static type of a column or expression.
type Type uint8

// The types of columns and expressions. Kusto's int and long are both Long;
// guid is String. TypeUnknown is the type of an untyped null literal and of
// expressions whose type only the data decides; it is compatible with every
// type.
const (
	TypeUnknown Type = iota
	TypeBool
	TypeLong
	TypeReal
	TypeString
	TypeDatetime
	TypeTimespan
	TypeDynamic
)

var typeNames = [...]string{"unknown", "bool", "long", "real", "string", "datetime", "timespan", "dynamic"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type?"
}

// ParseType returns the Type named s, as printed by Type.String; "int" is
// accepted for TypeLong, "double" for TypeReal, "guid" for TypeString.
func ParseType(s string) (Type, bool) {
	switch strings.ToLower(s) {
	case "int":
		return TypeLong, true
	case "double":
		return TypeReal, true
	case "guid":
		return TypeString, true
	}
	for i, n := range typeNames {
		if n == s {
			return Type(i), true
		}
	}
	return TypeUnknown, false
}

// IsNumeric reports whether t is long or real.
func (t Type) IsNumeric() bool { return t == TypeLong || t == TypeReal }

// Accepts reports whether a Value of kind k may appear in a column of type t:
// null fits every type, arrays and objects need dynamic, and a dynamic or
// unknown column accepts anything.
func (t Type) Accepts(k event.Kind) bool {
	switch t {
	case TypeUnknown, TypeDynamic:
		return true
	}
	return k == event.KindNull || TypeOfKind(k) == t
}

// TypeOfKind returns the column type that holds Values of kind k: arrays and
// objects are dynamic, null is unknown.
func TypeOfKind(k event.Kind) Type {
	switch k {
	case event.KindBool:
		return TypeBool
	case event.KindLong:
		return TypeLong
	case event.KindReal:
		return TypeReal
	case event.KindString:
		return TypeString
	case event.KindDatetime:
		return TypeDatetime
	case event.KindTimespan:
		return TypeTimespan
	case event.KindArray, event.KindObject:
		return TypeDynamic
	}
	return TypeUnknown
}

// Column is a named, typed column of a Schema.
type Column struct {
	Name string
	Type Type
}

// Schema is the ordered list of columns of a table or of a node's output.
// Column names are unique and case-sensitive.
type Schema []Column

// Index returns the position of the column named name, or -1.
func (s Schema) Index(name string) int {
	for i, c := range s {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Names returns the column names in order.
func (s Schema) Names() []string {
	out := make([]string, len(s))
	for i, c := range s {
		out[i] = c.Name
	}
	return out
}

func (s Schema) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, c := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteName(c.Name))
		b.WriteByte(':')
		b.WriteString(c.Type.String())
	}
	b.WriteByte(')')
	return b.String()
}

// Resolver tells Check the schema of each table a plan scans. Sentinel views,
// exported Log Analytics tables and test tables implement it (the executor's
// Catalog is adapted to it).
type Resolver interface {
	// TableSchema returns the schema of the table named name, and false when
	// no such table exists. Table names are case-sensitive.
	TableSchema(name string) (Schema, bool)
}

// Tables is a Resolver over a fixed set of schemas, for tests and for
// front-ends checking a query before any data is loaded.
type Tables map[string]Schema

// TableSchema implements Resolver.
func (t Tables) TableSchema(name string) (Schema, bool) {
	s, ok := t[name]
	return s, ok
}
