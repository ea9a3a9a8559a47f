// Package kuery is the front-end of Elastic's Kibana Query Language
// (Kuery), the language of Elastic detection rules with language = "kuery":
// a lexer, a recursive-descent parser producing an AST with a span on every
// node (Parse), a printer whose output parses back to the same tree (Print),
// and Lower, which turns a query into a plan.Filter over an ECS table
// (package schema, ECS views) using the kuery.* entries of the plan
// catalogue.
//
// Supported: `field: value` with quoted and unquoted values, wildcards `*`
// and `?` in unquoted values, `field: *` (exists), value lists
// `field: (a or b and not c)`, `not`, `and`, `or` (keywords in any case),
// parentheses, ranges `field < v`, `<=`, `>`, `>=`, and nested queries
// `field: { query }`. Precedence: not binds tighter than and, and tighter
// than or.
//
// Semantics (SEMANTICS.md §C.2), decided by the type of the field's column:
//
//   - string (keyword): exact and case-sensitive; an unquoted value with
//     `*` or `?` is a case-sensitive wildcard match; a quoted `*` is a
//     literal star;
//   - bool: `true` / `false` (quoted or not; "" is false, as Elasticsearch
//     coerces it);
//   - long and real: numeric equality with the value parsed as a number;
//   - datetime: equality is the inclusive range the value covers
//     (`@timestamp: 2024-05-01` is the whole day), ranges round as
//     Elasticsearch does;
//   - dynamic (arrays such as event.category): any element matches;
//   - a field the table lacks matches nothing, so `not field: x` is true for
//     documents without the field, as is `not field: x` for a null field.
//
// A field naming a leaf inside a dynamic column
// (azure.signinlogs.properties.applied_conditional_access_policies.result)
// reads every value at that path (kuery.path). Nested queries prefix their
// fields with the nested field's name; since the ECS views have no nested
// type, conditions on one nested object are not required to hold for the
// same array element.
//
// Not supported yet, reported as "not supported yet: …" errors: values
// without a field (searching the default fields), wildcards in field names,
// unquoted values with spaces, and CIDR notation for IP fields. Text fields
// are matched like keywords (no analysis).
//
// Errors are *diag.Error values reading `line:col: kuery: message`, with
// lines 1-based and columns counted in runes.
package kuery
