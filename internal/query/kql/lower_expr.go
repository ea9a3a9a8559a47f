package kql

import (
	"slices"
	"strconv"

	"vigil/internal/diag"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// opNames maps Kusto operator spellings to catalogue names where they
// differ.
var opNames = map[string]string{
	"<>": "!=", "notcontains": "!contains", "notcontains_cs": "!contains_cs",
}

// funcAliases maps Kusto aliases and deprecated names to the catalogue entry
// with the same semantics (and, for aggregations, the same default column
// names).
var funcAliases = map[string]string{
	"floor": "bin", "notempty": "isnotempty", "notnull": "isnotnull",
	"makeset": "make_set", "makelist": "make_list",
}

// canonical returns the catalogue name of the Kusto function name.
func canonical(name string) string {
	if alias, ok := funcAliases[name]; ok {
		return alias
	}
	return name
}

// scalar lowers a scalar expression.
func (l *lowerer) scalar(e Expr, sc *scope) plan.Expr {
	switch e := e.(type) {
	case *Ident:
		return l.ident(e, sc)
	case *StringLit:
		return lit(event.String(e.Value), plan.TypeString, e.Range)
	case *LongLit:
		return lit(event.Long(e.Value), plan.TypeLong, e.Range)
	case *RealLit:
		return lit(event.Real(e.Value), plan.TypeReal, e.Range)
	case *BoolLit:
		return lit(event.Bool(e.Value), plan.TypeBool, e.Range)
	case *DatetimeLit:
		return lit(event.Datetime(e.Value), plan.TypeDatetime, e.Range)
	case *TimespanLit:
		return lit(event.Timespan(e.Value), plan.TypeTimespan, e.Range)
	case *GuidLit:
		return lit(event.String(e.Value), plan.TypeString, e.Range)
	case *NullLit:
		t, ok := plan.ParseType(kqlTypeName(e.Type))
		if !ok {
			l.unsupported(e.Range, e.Type+"(null)")
		}
		return lit(event.Null, t, e.Range)
	case *DynamicLit:
		return lit(dynValue(e.Value), plan.TypeDynamic, e.Range)
	case *Paren:
		return l.scalar(e.X, sc)
	case *Unary:
		return l.unary(e, sc)
	case *Binary:
		name := e.Op
		if alias, ok := opNames[name]; ok {
			name = alias
		}
		if _, ok := plan.Lookup(name); !ok {
			l.unsupported(e.Range, "operator "+e.Op)
		}
		return plan.Fn(name, e.Range, l.scalar(e.L, sc), l.scalar(e.R, sc))
	case *In:
		args := []plan.Expr{l.scalar(e.X, sc)}
		for _, x := range e.List {
			if l.isTabular(x, sc) {
				l.unsupported(x.Span(), "tabular expression in '"+e.Op+"'")
			}
			args = append(args, l.scalar(x, sc))
		}
		return plan.Fn(e.Op, e.Range, args...)
	case *Between:
		name := "between"
		if e.Not {
			name = "!between"
		}
		return plan.Fn(name, e.Range, l.scalar(e.X, sc), l.scalar(e.Lo, sc), l.scalar(e.Hi, sc))
	case *Member:
		return &plan.Member{X: l.scalar(e.X, sc), Name: e.Name.Name, At: e.Range}
	case *Index:
		return &plan.Index{X: l.scalar(e.X, sc), Index: l.scalar(e.Index, sc), At: e.Range}
	case *Call:
		return l.call(e, sc)
	case *Star:
		l.failf(e.Range, "'*' is only allowed in arg_max, arg_min and distinct")
	case *Pipe:
		l.failf(e.Range, "expected a scalar expression, found a tabular expression")
	}
	l.failf(e.Span(), "expected a scalar expression, found '%s'", clip(l.text(e)))
	return nil
}

func lit(v event.Value, t plan.Type, at diag.Span) *plan.Literal {
	return &plan.Literal{Value: v, Type: t, At: at}
}

// ident lowers a name: a let binding or parameter (expanded in place), or
// else a column.
func (l *lowerer) ident(e *Ident, sc *scope) plan.Expr {
	if e.Name == "$left" || e.Name == "$right" {
		l.failf(e.Range, "%s is only allowed in join conditions", e.Name)
	}
	b := sc.lookup(e.Name)
	if b == nil {
		return plan.Col(e.Name, e.Range)
	}
	if b.fn != nil {
		l.failf(e.Range, "'%s' is a function: call it as %s()", e.Name, e.Name)
	}
	if l.isTabular(b.value, b.scope) {
		l.failf(e.Range, "'%s' is a tabular expression, not a scalar", e.Name)
	}
	var x plan.Expr
	l.expand(e.Range, b.value.Span(), func() { x = l.scalar(b.value, b.scope) })
	if c, ok := x.(*plan.Literal); ok {
		c.At = e.Range // a folded constant points at its use
	}
	return x
}

// isTabular reports whether e is evidently a tabular expression: a pipeline,
// a datatable, a table(…) or materialize(…) call, or a name or user-defined
// function bound to one.
func (l *lowerer) isTabular(e Expr, sc *scope) bool {
	for depth := 0; depth < MaxInlineDepth; depth++ {
		switch x := e.(type) {
		case *Pipe, *DataTable:
			return true
		case *Paren:
			e = x.X
			continue
		case *Call:
			b := sc.lookup(x.Fn.Name)
			if b == nil {
				return x.Fn.Name == "table" || x.Fn.Name == "materialize"
			}
			if b.fn != nil {
				e, sc = b.fn.Body.Body, l.bindLets(b.fn.Body, b.scope)
				continue
			}
		case *Ident:
			if b := sc.lookup(x.Name); b != nil && b.value != nil {
				e, sc = b.value, b.scope
				continue
			}
		}
		return false
	}
	return false
}

func (l *lowerer) unary(e *Unary, sc *scope) plan.Expr {
	x := l.scalar(e.X, sc)
	if e.Op == "+" {
		return x
	}
	if c, ok := x.(*plan.Literal); ok && !c.Value.IsNull() {
		switch c.Value.Kind() {
		case event.KindLong:
			return lit(event.Long(-c.Value.AsLong()), c.Type, e.Range)
		case event.KindReal:
			return lit(event.Real(-c.Value.AsReal()), c.Type, e.Range)
		case event.KindTimespan:
			return lit(event.Timespan(-c.Value.Duration()), c.Type, e.Range)
		}
	}
	return plan.Fn("neg", e.Range, x)
}

// dynValue converts the content of a dynamic literal.
func dynValue(e Expr) event.Value {
	switch e := e.(type) {
	case *ArrayLit:
		elems := make([]event.Value, len(e.Elems))
		for i, x := range e.Elems {
			elems[i] = dynValue(x)
		}
		return event.Array(elems...)
	case *ObjectLit:
		members := make([]event.Member, len(e.Keys))
		for i, k := range e.Keys {
			members[i] = event.Member{Key: k, Value: dynValue(e.Values[i])}
		}
		return event.Object(members...)
	case *StringLit:
		return event.String(e.Value)
	case *GuidLit:
		return event.String(e.Value)
	case *LongLit:
		return event.Long(e.Value)
	case *RealLit:
		return event.Real(e.Value)
	case *BoolLit:
		return event.Bool(e.Value)
	case *DatetimeLit:
		return event.Datetime(e.Value)
	case *TimespanLit:
		return event.Timespan(e.Value)
	}
	return event.Null
}

// call lowers a scalar function call: a user-defined function (expanded in
// place) or a catalogue function.
func (l *lowerer) call(c *Call, sc *scope) plan.Expr {
	name := c.Fn.Name
	if b := sc.lookup(name); b != nil {
		if b.fn == nil {
			l.failf(c.Fn.Range, "'%s' is not a function", name)
		}
		var x plan.Expr
		l.expand(c.Range, b.fn.Body.Range, func() {
			body := b.fn.Body
			fsc := l.bindLets(body, l.bindArgs(c, b, sc))
			if l.isTabular(body.Body, fsc) {
				l.failf(c.Range, "function '%s' returns a table, not a scalar", name)
			}
			x = l.scalar(body.Body, fsc)
		})
		return x
	}
	switch name {
	case "table", "materialize":
		l.failf(c.Range, "%s() returns a table, not a scalar", name)
	case "column_ifexists":
		return l.columnIfExists(c, sc)
	}
	if l.aggSink != nil && isAggregation(name) {
		return l.aggSink(c)
	}
	name = canonical(name)
	f, ok := plan.Lookup(name)
	if !ok {
		if knownKusto(name) {
			l.unsupported(c.Range, name+"()")
		}
		l.failf(c.Fn.Range, "unknown function '%s'", name)
	}
	if f.Kind == plan.FuncAggregate {
		l.failf(c.Range, "aggregation '%s' is only allowed in summarize", name)
	}
	return plan.Fn(name, c.Range, l.args(c, sc)...)
}

// columnIfExists resolves column_ifexists(name, default) against the
// schema of the operator's input: the column when it exists, else default.
func (l *lowerer) columnIfExists(c *Call, sc *scope) plan.Expr {
	if len(c.Args) != 2 {
		l.failf(c.Range, "column_ifexists: want 2 arguments, got %d", len(c.Args))
	}
	name, ok := l.scalar(c.Args[0], sc).(*plan.Literal)
	if !ok || name.Value.Kind() != event.KindString {
		l.failf(c.Args[0].Span(), "column_ifexists: the column name must be a constant string")
	}
	if l.input == nil {
		l.failf(c.Range, "column_ifexists is only allowed inside a tabular operator")
	}
	if l.schemaOf(l.input).Index(name.Value.Str()) >= 0 {
		return plan.Col(name.Value.Str(), c.Range)
	}
	return l.scalar(c.Args[1], sc)
}

func (l *lowerer) args(c *Call, sc *scope) []plan.Expr {
	out := make([]plan.Expr, len(c.Args))
	for i, a := range c.Args {
		out[i] = l.scalar(a, sc)
	}
	return out
}

// assigns lowers the columns of extend or project, naming unnamed ones as
// Kusto does (see derivedName, freshName).
func (l *lowerer) assigns(in plan.Node, cols []*Assign, sc *scope) []plan.Assign {
	out := make([]plan.Assign, 0, len(cols))
	var taken []string
	for _, a := range cols {
		x := l.scalar(a.Value, sc)
		var name string
		switch {
		case a.Name != nil:
			name = a.Name.Name
		case derivedName(a.Value) != "":
			name = unique(derivedName(a.Value), taken)
		default:
			name = l.freshName(in, taken)
		}
		taken = append(taken, name)
		out = append(out, plan.Assign{Name: name, Expr: x, At: a.Range})
	}
	return out
}

// derivedName is the column name Kusto gives an unnamed expression that
// refers to a column: the column's own name, with member and index steps
// joined by '_' (`Status.errorCode` is Status_errorCode, `a[0]` is a_0).
// Other expressions have no derived name ("").
func derivedName(e Expr) string {
	switch e := e.(type) {
	case *Ident:
		if e.Name != "$left" && e.Name != "$right" {
			return e.Name
		}
	case *Paren:
		return derivedName(e.X)
	case *Member:
		if d := derivedName(e.X); d != "" && d != "$left" {
			return d + "_" + e.Name.Name
		}
	case *Index:
		d := derivedName(e.X)
		if d == "" {
			return ""
		}
		switch k := e.Index.(type) {
		case *StringLit:
			return d + "_" + k.Value
		case *LongLit:
			return d + "_" + strconv.FormatInt(k.Value, 10)
		}
	}
	return ""
}

// unique returns name, or when an earlier column of the same operator took
// it, name with the smallest integer suffix that is free (TimeGenerated1).
func unique(name string, taken []string) string {
	cand := name
	for i := 1; slices.Contains(taken, cand); i++ {
		cand = name + strconv.Itoa(i)
	}
	return cand
}

// freshName returns Column1, Column2, …: the first such name that is neither
// an input column nor in taken.
func (l *lowerer) freshName(in plan.Node, taken []string) string {
	var schema plan.Schema
	if in != nil {
		schema = l.schemaOf(in)
	}
	for i := 1; ; i++ {
		name := "Column" + strconv.Itoa(i)
		used := schema.Index(name) >= 0
		for _, t := range taken {
			used = used || t == name
		}
		if !used {
			return name
		}
	}
}

// knownFunctions are Kusto scalar functions that vigil does not implement
// yet: calling one is "not supported yet" rather than "unknown function".
var knownFunctions = setOf(
	"abs", "acos", "around", "array_concat", "array_iff", "array_index_of", "array_reverse",
	"array_slice", "array_sort_asc", "array_sort_desc", "array_split", "array_sum", "asin",
	"atan", "atan2", "bag_has_key", "bag_keys", "bag_merge", "bag_pack_columns", "bag_remove_keys",
	"base64_decode_toarray", "base64_decode_tostring", "base64_encode_tostring", "beta_cdf",
	"bin_at", "bin_auto", "binary_and", "binary_not", "binary_or", "binary_shift_left",
	"binary_shift_right", "binary_xor", "bitset_count_ones", "ceiling",
	"cos", "countof", "current_cluster_endpoint", "current_database", "current_principal",
	"cursor_after", "datetime_add", "datetime_local_to_utc", "datetime_part",
	"datetime_utc_to_local", "dayofmonth", "dayofweek", "dayofyear", "degrees",
	"dynamic_to_json", "endofday", "endofmonth", "endofweek", "endofyear", "exp", "exp10",
	"exp2", "extract_all", "extract_json", "extractjson", "format_bytes", "format_datetime",
	"format_ipv4", "format_ipv4_mask", "format_timespan", "gamma", "geo_distance_2points",
	"geo_info_from_ip_address", "getmonth", "gettype", "getyear", "gzip_compress_to_base64_string",
	"gzip_decompress_from_base64_string", "has_any_index", "has_ipv4", "has_ipv4_prefix", "hash",
	"hash_combine", "hash_many", "hash_md5", "hash_sha1", "hash_sha256", "hash_xxhash64",
	"hourofday", "indexof", "indexof_regex", "ingestion_time", "ipv4_compare",
	"ipv4_is_in_any_range", "ipv4_is_in_range", "ipv4_is_match", "ipv4_is_private",
	"ipv4_netmask_suffix", "ipv6_compare", "ipv6_is_in_any_range", "ipv6_is_in_range",
	"ipv6_is_match", "isascii", "isfinite", "isinf", "isnan", "isutf8", "jaccard_index", "log",
	"log10", "log2", "loggamma", "make_datetime", "make_string", "make_timespan", "max_of",
	"min_of", "monthofyear", "new_guid", "next", "not_empty", "pack_all", "pack_dictionary",
	"parse_command_line", "parse_csv", "parse_ipv4", "parse_ipv4_mask", "parse_ipv6",
	"parse_ipv6_mask", "parse_path", "parse_url", "parse_urlquery", "parse_user_agent",
	"parse_version", "parse_xml", "percentile_array_tdigest", "percentile_tdigest", "pi", "pow",
	"prev", "punycode_from_string", "punycode_to_string", "radians", "rand", "range",
	"regex_quote", "repeat", "replace", "replace_regex", "reverse", "round", "row_cumsum",
	"row_number", "row_rank_dense", "row_rank_min", "row_window_session", "series_stats",
	"set_difference", "set_intersect", "set_union", "sign", "sin", "split_quoted", "sqrt",
	"startofmonth", "startofweek", "startofyear", "strcat_array", "strcat_delim", "strcmp",
	"string_size", "strrep", "substring", "tan", "tdigest_merge", "todecimal", "toguid", "tohex",
	"toscalar", "totitle", "translate", "treepath", "trim", "trim_end", "trim_start", "typeof",
	"unicode_codepoints_from_string", "unicode_codepoints_to_string",
	"unixtime_microseconds_todatetime", "unixtime_milliseconds_todatetime",
	"unixtime_nanoseconds_todatetime", "unixtime_seconds_todatetime", "url_decode",
	"url_encode", "url_encode_component", "week_of_year", "welch_test", "zip",
)

// knownKusto reports whether name is a Kusto function or aggregation vigil
// does not implement yet.
func knownKusto(name string) bool { return knownFunctions[name] || knownAggregations[name] }

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
