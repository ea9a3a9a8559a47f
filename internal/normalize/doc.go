// Package normalize turns one record of an input shape into the canonical
// sign-in event (event.SignIn), or, for records that are not sign-ins, into a
// row of a named table (event.Row). There is one file per shape; they share
// one table-driven decoder (tree.go) that maps each shape's field paths to
// canonical fields, converts types, keeps unknown members, and decodes only
// the fields a hunt needs (the projection).
//
// A Normalizer is not safe for concurrent use; give each worker its own.
package normalize
