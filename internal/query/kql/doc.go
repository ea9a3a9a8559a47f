// Package kql is vigil's front-end for the Kusto Query Language as Microsoft
// Sentinel analytic rules use it: a hand-written lexer, a recursive-descent
// parser producing an AST with a byte span on every node, a printer whose
// output parses back to the same tree, and Lower, which turns a parsed Query
// into the shared logical plan (package plan).
//
// The primary types are Query (let statements and one tabular expression),
// the Expr and Operator node interfaces, and Pipe (a source followed by
// tabular operators such as Where, Summarize or Join).
//
//	q, err := kql.Parse(text)            // syntax only
//	n, err := kql.Lower(q, text, tables) // names, functions, types → plan.Node
//	n, err := kql.Compile(text, tables)  // both
//
// Errors are *diag.Error values with Lang "kql", a line:col position relative
// to the query text and Source/Offset set for caret snippets, for example
//
//	3:7: kql: expected 'by', found 'bi'
//
// A loader that embeds the query in a rule file sets File and maps Pos with a
// diag.Mapper. Operators, functions and literals that Kusto has but vigil
// does not implement yet are reported as "not supported yet: <feature>" (see
// diag.IsUnsupported), never skipped and never a panic. Parse refuses texts
// over MaxQueryBytes and nesting deeper than MaxDepth.
//
// The parser knows syntax only: which functions and aggregations exist,
// which names are columns, tables or let bindings, and which columns a table
// has are decided by Lower, which expands lets and user-defined functions in
// place, maps Kusto operators and functions to plan catalogue entries,
// applies Kusto's naming rules (count_, max_TimeGenerated, Column1, join
// suffixes) and validates the result with plan.Check against a
// plan.Resolver of table schemas.
//
// Files: lexer.go (tokens), parser.go (statements and tabular operators),
// parse_expr.go (scalar expressions and literals), ast.go (nodes), print.go
// (canonical printing), lower.go, lower_expr.go, lower_where.go and
// lower_summarize.go (lowering to the plan).
package kql
