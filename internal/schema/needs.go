package schema

import "vigil/internal/event"

// Needs is what computing some columns of a view takes from the sign-ins:
// the canonical fields to decode and whether the unknown members
// (event.SignIn.Extra) must be kept. A reader that decodes only these
// (engine.ReadOptions Fields and KeepExtra) gives the same values in those
// columns as a full decode. The zero Needs needs nothing.
type Needs struct {
	Fields event.FieldSet
	Extra  bool
}

// AllNeeds is everything: every field and the unknown members, the answer
// for a column whose inputs are not known.
var AllNeeds = Needs{Fields: event.AllFields, Extra: true}

// needs returns the Needs of the given fields.
func needs(fs ...event.Field) Needs { return Needs{Fields: event.NewFieldSet(fs...)} }

// needsExtra returns the Needs of the given fields and the unknown members.
func needsExtra(fs ...event.Field) Needs {
	n := needs(fs...)
	n.Extra = true
	return n
}

// Add puts what o needs into n.
func (n *Needs) Add(o Needs) {
	n.Fields.AddSet(o.Fields)
	n.Extra = n.Extra || o.Extra
}

// All reports whether n is everything.
func (n Needs) All() bool { return n.Extra && n.Fields == event.AllFields }
