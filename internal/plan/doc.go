// Package plan is the logical query plan of vigil: the one intermediate
// representation that every query language (Kusto, SPL, Kuery, later Sigma
// and ES|QL) lowers into and that package exec runs. Plans are plain data —
// no Run methods, no reference to a front-end or to the executor.
//
// # Contract for front-ends
//
// A front-end builds a tree of Node values (pointers to Scan, Values, Filter,
// Extend, Project, ProjectAway, Rename, Reorder, Aggregate, Join, Union,
// MvExpand, Sort, Top, Limit, Distinct, Count, and for SPL FillNulls,
// RenameFields, EventStats, Dedup) whose scalar expressions are
// Expr values (pointers to Literal, ColumnRef, Member, Index, Call), then
// calls Check with a Resolver of table schemas. Check infers every node's
// output Schema and every expression's Type and reports the first problem as
// an *Error carrying the diag.Span of the offending node or expression; the
// front-end (which has the query text) turns it into a line:col diagnostic
// with Error.Diag or Positioned. Every Node and Expr must carry the span of
// the text it was lowered from, so errors found by Check or at run time
// point into the query.
//
// The plan never guesses a language's semantics; the front-end says:
//
//   - Function semantics are catalogue entries (Lookup, Funcs). Operators
//     are entries too: `a =~ b` is Call{Func: "=~"}. Unprefixed names have
//     Kusto semantics (strings never null, `has` on whole terms ignoring
//     case, `string == number` compared numerically, null sticky in
//     comparisons and arithmetic). Where another language differs it gets
//     its own entry (by convention prefixed "spl." or "kuery.", e.g. a
//     case-sensitive keyword match) — never a flag on a shared entry.
//     Aliases (iif/iff, todouble/toreal, parse_json/todynamic,
//     bag_pack/pack) are separate entries with the same semantics.
//   - Output column names are explicit: every Assign and Agg names its
//     column (KQL's `count_`, `min_X`, `Column1` defaults are the KQL
//     front-end's business).
//   - Join.Kind, Join.Clash (KQL: ClashSuffix, right columns renamed X1, X2,
//     …) and Join.Fill / Union.Fill (KQL: FillEmptyString, strings never
//     null) have invalid zero values, so forgetting them is a Check error.
//     Scan.Fill = FillEmptyString makes null strings of a table read as ""
//     (KQL sets it on every Scan; SPL and Kuery keep nulls).
//   - SortKey.NullsFirst is explicit (KQL: asc → nulls first, desc → nulls
//     last).
//   - Constants are folded by the front-end: `let cutoff = 20;` becomes a
//     Literal; tabular lets and functions are expanded into the tree
//     (sharing a subtree is allowed: a Node may appear twice).
//   - `print` and `datatable` are Values (print x = 1 is a Project over
//     Values with no columns and one empty row).
//   - "now" is not a value in the plan: now() and ago() read the run's time,
//     which the executor takes as a parameter.
//
// # Lowering Kusto, at a glance
//
//	T                          Scan{Table: "T", Fill: FillEmptyString}
//	a OP b                     Call{Func: OP, Args: [a, b]} for == != < <= > >= =~ !~
//	                           has !has has_cs !has_cs contains !contains contains_cs
//	                           !contains_cs startswith !startswith startswith_cs
//	                           !startswith_cs endswith !endswith endswith_cs !endswith_cs
//	                           and or + - * / %
//	a matches regex "r"        Call{Func: "matches regex", Args: [a, "r"]}
//	x in (a, b)                Call{Func: "in", Args: [x, a, b]}; also !in in~ !in~ has_any has_all
//	x between (a .. b)         Call{Func: "between", Args: [x, a, b]}; also !between
//	-x, not(x)                 Call{Func: "neg"}, Call{Func: "not"}
//	dynamic([1,"a"])           Literal{Value: event.ParseJSON(…), Type: TypeDynamic}
//	1h, datetime(2024-05-01)   Literal of kind timespan / datetime
//	x.y, x["y"], x[0]          Member{X: x, Name: "y"} twice, Index{X: x, Index: 0}
//	where p                    Filter{Pred: p}
//	extend a = e               Extend{Columns: [{a, e}]}
//	project a, b = e           Project{Columns: [{a, Col(a)}, {b, e}]}
//	project-away / -reorder    ProjectAway / Reorder (names or * patterns)
//	project-rename A = B       Rename{Columns: [{New: A, Old: B}]}
//	summarize c = count() by k Aggregate{By: [{k, Col(k)}], Aggs: [{Name: c, Func: "count"}]}
//	arg_max(t, *)              Agg{Func: "arg_max", Args: [t], CarryAll: true}
//	join kind=K (R) on X       Join{Kind: K, On: [{X, X}], Clash: ClashSuffix, Fill: FillEmptyString}
//	union isfuzzy=true A, B    Union{Inputs: [A, B], Fuzzy: true, Fill: FillEmptyString}
//	mv-expand x to typeof(T)   MvExpand{Columns: [{x, Col(x), T}]}
//	sort by x [desc]           Sort{Keys: [{x, Desc: true, NullsFirst: false}]}
//	top n by x / take n        Top{N: n, Keys: …} / Limit{N: n}
//	distinct a, b / count      Distinct{Columns: [a, b]} / Count{Name: "Count"}
//	print x = e, datatable     Project over Values{Rows: [[]]}, Values
//
// Types: Type names column and expression types (bool, long, real, string,
// datetime, timespan, dynamic, and unknown for untyped nulls); values are
// event.Value. Kusto int and long are both TypeLong.
//
// # SPL (node_spl.go, catalog_spl.go)
//
// SPL events lack fields instead of holding nulls, and a field may hold
// several values: the SPL front-end reads a null as a missing field and a
// dynamic array as a multivalue field, and lowers to
//
//	stats … by f               Aggregate{…, DropNullKeys: true, ExpandKeys: true}
//	eventstats … by f          EventStats{By, Aggs} (aggregates appended to every row)
//	dedup [N] f …              Dedup{Columns, Keep, KeepEmpty, Consecutive}
//	fillnull [value=v] [f …]   FillNulls{Value, Columns} (no columns: the whole
//	                           result set, a pipeline breaker)
//	rename properties.* as *   RenameFields (wildcards, target replaced)
//	field=value, eval, where   spl.* catalogue entries (spl.search, spl.==, …)
//
// The zero values of Aggregate's DropNullKeys and ExpandKeys keep the Kusto
// behaviour.
//
// # Extension points (not built yet)
//
//   - Elastic rule types: NewTerms and Threshold nodes above a Filter whose
//     predicate is the lowered Kuery query (kuery.* catalogue entries).
//   - Join clash policies for SPL (right wins), more join kinds (rightouter,
//     fullouter), mv-expand bag expansion kinds.
//
// Format (and each Node's String) prints a plan as an indented tree for
// golden tests. TableColumns tells readers which columns of each table a
// checked plan can read (projection push-down).
package plan
