// Package jsontext is vigil's JSON scanner: a pull decoder over one complete
// JSON value held in memory (Decoder) and a streaming splitter that cuts a byte
// stream into records without decoding them (Splitter).
//
// It exists because the readers need three things no general decoder gives
// together: object keys matched exactly (Log Analytics `Status` and Graph
// `status` are different fields; encoding/json matches case-insensitively),
// values decoded only when a caller asks for them (skipping the rest of a 5 KB
// sign-in is most of the work), and byte offsets on every error.
//
// Duplicate keys are passed through in document order, so a caller that
// assigns fields as it sees them gets "last one wins".
package jsontext
