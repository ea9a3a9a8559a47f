package plan

// The spl.* entries implement SPL's semantics (SEMANTICS.md §C.5) where they
// differ from Kusto's. SPL values are text that may read as numbers: an
// operand "reads as a number" when it is a number or a string that parses
// as one, and comparisons and arithmetic use the numeric reading when both
// sides have one. A dynamic array is a multivalue field: predicates match if
// any value matches, scalar functions apply to each value unless stated.
// A null is a missing field. A multivalue result with one value is that
// value; with none it is null.
func init() {
	const numText = " Numbers (and strings that read as numbers) compare numerically when both sides read as numbers, otherwise the text forms compare."
	scalar("spl.search", 2, 2, returns(TypeBool), "spl.search(field, pattern): base-search `field=pattern`. The pattern (a literal) matches a value ignoring case; `*` matches any run of characters; without wildcards a pattern that reads as a number also matches a value numerically equal to it (65004 matches \"65004\" and 65004.0). True if any value matches; a null field never matches.", 1)
	for _, op := range []string{"spl.==", "spl.!="} {
		scalar(op, 2, 2, returns(TypeBool), "SPL eval/where equality, case-sensitive."+numText+" Null if either side is null; a multivalue left side is equal if any value is (!= negates).")
	}
	for _, op := range []string{"spl.<", "spl.<=", "spl.>", "spl.>="} {
		scalar(op, 2, 2, returns(TypeBool), "SPL ordering."+numText+" Strings compare by bytes. True if any value of a multivalue left side satisfies it; null if either side is null.")
	}
	scalar("spl.like", 2, 2, returns(TypeBool), "like(x, pattern): SQL LIKE, case-sensitive: % matches any run of characters, _ exactly one; any value of a multivalue field. Null x gives false.")
	scalar("spl.match", 2, 2, returns(TypeBool), "match(x, regex): true if the RE2 regex (a literal) matches anywhere in any value of x. Null x gives false.", 1)
	scalar("spl.if", 3, 3, func(args []Type) (Type, error) { return common(args, []int{1, 2}), nil }, "if(c, a, b): a when c is true, else b (null c gives b).")
	scalar("spl.case", 2, -1, func(args []Type) (Type, error) {
		idx := []int{}
		for i := 1; i < len(args); i += 2 {
			idx = append(idx, i)
		}
		return common(args, idx), nil
	}, "case(c1, v1, c2, v2, …): the value after the first true condition; null when none is true (SPL has no else: write true(), v).")
	scalar("spl.coalesce", 1, -1, returns(TypeDynamic), "The first argument that is not null; unlike Kusto, the empty string counts as a value.")
	scalar("spl.isnull", 1, 1, returns(TypeBool), "True when the field is missing (null).")
	scalar("spl.isnotnull", 1, 1, returns(TypeBool), "True when the field has a value (an empty string included).")
	scalar("spl.mvindex", 2, 3, returns(TypeDynamic), "mvindex(x, start [, end]): the value at 0-based index start (negative counts from the end) of the values of x; with end, the values start..end inclusive. Out of range or null gives null.")
	scalar("spl.mvcount", 1, 1, returns(TypeLong), "Number of values: 1 for a single value, the length of a multivalue field, null for null.")
	scalar("spl.split", 2, 2, returns(TypeDynamic), "split(x, delim): the text cut at every delim into a multivalue; an empty delim splits into characters. Null gives null.")
	scalar("spl.replace", 3, 3, returns(TypeDynamic), "replace(x, regex, replacement): every match of the RE2 regex (a literal) replaced; \\1…\\9 in the replacement name groups. Applied to each value; null gives null.", 1)
	scalar("spl.lower", 1, 1, returns(TypeDynamic), "Unicode lower case of each value; null gives null.")
	scalar("spl.upper", 1, 1, returns(TypeDynamic), "Unicode upper case of each value; null gives null.")
	scalar("spl.len", 1, 1, returns(TypeLong), "Number of characters of the text form; null gives null.")
	scalar("spl.substr", 2, 3, returns(TypeDynamic), "substr(x, start [, length]): characters from the 1-based start (negative counts from the end); null gives null.")
	scalar("spl.tostring", 1, 1, returns(TypeDynamic), "The text form of each value (numbers without exponent, bools as true/false); null gives null.")
	scalar("spl.tonumber", 1, 2, returns(TypeDynamic), "tonumber(x [, base]): the number x reads as (base 2–36 for integers, default 10); null when it does not read as one.")
	scalar("spl.strftime", 2, 2, returns(TypeDynamic), "strftime(t, format): epoch seconds (or a datetime) formatted in UTC with strftime directives (%Y %m %d %H %M %S %y %b %B %a %A %j %p %I %e %z %Z %s %3N %6N %9N %Q %T %F %%); null when t is not a time.")
	scalar("spl.strptime", 2, 2, returns(TypeDynamic), "strptime(s, format): the text parsed with the strftime directives of format (UTC unless %z), as epoch seconds; null when it does not parse.")
	scalar("spl.now", 0, 0, returns(TypeDynamic), "The run's time as epoch seconds.")
	readsRunTime("spl.now")
	scalar("spl.relative_time", 2, 2, returns(TypeDynamic), "relative_time(t, spec): epoch seconds t moved by a Splunk time modifier such as -70m@m, +1d, @d, -1w@w0 (units s m h d w mon q y; snaps @unit, @w0–@w6), in UTC; null on a bad spec.")
	scalar("spl.round", 1, 2, returns(TypeDynamic), "round(x [, digits]): x rounded half away from zero; with 0 digits a long. Null when x does not read as a number.")
	for _, op := range []string{"spl.+", "spl.-", "spl.*", "spl./", "spl.%"} {
		scalar(op, 2, 2, returns(TypeDynamic), "SPL arithmetic on operands that read as numbers (integers stay integers; / gives an integer only when exact; division by zero is null). + on two operands of which one does not read as a number concatenates their text. Null when an operand is null or unusable.")
	}
	scalar("spl.neg", 1, 1, returns(TypeDynamic), "Unary minus of a value that reads as a number, else null.")
	scalar("spl.concat", 2, 2, returns(TypeDynamic), "The `.` operator: the text forms joined; null when either side is null.")
	scalar("spl.epoch", 1, 1, returns(TypeDynamic), "Epoch seconds of a datetime (a long when whole, else real); numbers pass through; anything else null. The SPL front-end applies it to a datetime _time column.")
	scalar("spl.ctime", 2, 2, returns(TypeDynamic), "convert ctime: a value that reads as epoch seconds (or a datetime) formatted with the strftime format (a literal) in UTC; other values unchanged.", 1)
	scalar("spl.bin", 2, 2, returns(TypeDynamic), "bin span: the value that reads as a number rounded down to a multiple of the span (seconds for _time); null otherwise.")
	scalar("spl.rex", 3, 3, returns(TypeDynamic), "spl.rex(x, regex, group): the named group of the first match of the RE2 regex (a literal; (?<name>…) groups) in the first value of x; null without a match.", 1, 2)
	scalar("spl.spath", 2, 2, returns(TypeDynamic), "spl.spath(x, path): the values at the spath path (a literal: a.b, a{}.b for every element of an array, a{2}.b for the second) of x read as JSON; objects and arrays at the end of the path as JSON text; null when there are none.", 1)

	// Aggregations. Each takes the values of a multivalue argument one by one
	// and ignores nulls.
	aggregate("spl.count", 1, 1, returns(TypeLong), "count(x): the number of values of x (each value of a multivalue counts).")
	aggregate("spl.dc", 1, 1, returns(TypeLong), "dc(x): the number of distinct values by text form.")
	aggregate("spl.values", 1, 1, returns(TypeDynamic), "values(x): the distinct values by text form, sorted by text (byte order), as a multivalue.")
	aggregate("spl.list", 1, 1, returns(TypeDynamic), "list(x): the values in input order, at most 100, as a multivalue.")
	aggregate("spl.min", 1, 1, returns(TypeDynamic), "min(x): the numerically smallest value among values that read as numbers; when none does, the smallest text.")
	aggregate("spl.max", 1, 1, returns(TypeDynamic), "max(x): the numerically largest value among values that read as numbers; when none does, the largest text.")
	aggregate("spl.avg", 1, 1, returns(TypeReal), "avg(x): the mean of the values that read as numbers; null when none does.")
	aggregate("spl.sum", 1, 1, returns(TypeDynamic), "sum(x): the sum of the values that read as numbers (a long when all are integers); null when none does.")
	aggregate("spl.earliest", 2, 2, returns(TypeDynamic), "spl.earliest(x, _time): the value of x in the row with the smallest time among rows where x has a value (first such row on ties).")
	aggregate("spl.latest", 2, 2, returns(TypeDynamic), "spl.latest(x, _time): the value of x in the row with the largest time among rows where x has a value (first such row on ties).")
	aggregate("spl.first", 1, 1, returns(TypeDynamic), "first(x): the first value of x in input order.")
	aggregate("spl.last", 1, 1, returns(TypeDynamic), "last(x): the last value of x in input order.")
}
