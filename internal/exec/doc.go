// Package exec runs logical plans (package plan) over tables of typed values
// (event.Value). It never imports a query front-end.
//
// A caller provides a Catalog that maps table names to Tables (a schema and
// a way to scan rows) and Options with the run's "now", then either calls
// Run for all result rows or Compile once and Query.Run to stream them:
//
//	res, err := exec.Run(ctx, root, catalog, exec.Options{Now: runTime})
//
// Compile checks the plan (plan.Check) and turns every node into a runtime
// operator with one type switch (compiler.node); operators live one per file
// (op_filter.go, op_join.go, …) and push rows to their consumer. Scalar
// functions and operators of the plan catalogue are implemented in fn_*.go
// (one family per file), aggregations in agg.go; TestCatalogueImplemented
// keeps the two in step with the catalogue.
//
// Results are deterministic: rows flow in input order, groups and distinct
// rows come out in order of first appearance, make_set/make_list keep first
// seen order, joins emit matches in right-side order, and sorts are stable.
// Nothing depends on Go map iteration order. Errors found while compiling are
// *plan.Error values positioned at the plan node or expression at fault.
package exec
