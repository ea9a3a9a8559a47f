package plan

import (
	"fmt"
	"slices"
)

// FuncKind tells scalar functions from aggregations.
type FuncKind uint8

// The kinds of catalogue functions.
const (
	FuncScalar FuncKind = iota + 1
	FuncAggregate
)

func (k FuncKind) String() string {
	if k == FuncAggregate {
		return "aggregate"
	}
	return "scalar"
}

// Func is one entry of the function catalogue: an operator, a scalar function
// or an aggregation, with its arity and result-type rule. The executor
// implements every entry; the catalogue never changes at run time.
type Func struct {
	// Name is how plans call it: "==", "has", "tostring", "make_set", …
	Name string
	Kind FuncKind
	// MinArgs and MaxArgs bound the number of arguments; MaxArgs < 0 means
	// no upper bound.
	MinArgs, MaxArgs int
	// Const lists the argument positions that must be literals (a regex, a
	// size limit, a datetime part).
	Const []int
	// Doc states the semantics the executor implements.
	Doc string
	// RunTime marks a function that reads the run's time (now(), ago()):
	// its value depends on when the query runs, not only on the row.
	RunTime bool

	result func(args []Type) (Type, error)
}

// ResultType returns the type of a call of f with arguments of the given
// types, or an error when the types do not fit.
func (f *Func) ResultType(args []Type) (Type, error) { return f.result(args) }

// Lookup returns the catalogue entry named name. Names are case-sensitive.
func Lookup(name string) (*Func, bool) {
	f, ok := catalogue[name]
	return f, ok
}

// Funcs returns every catalogue entry, sorted by name.
func Funcs() []*Func {
	out := make([]*Func, 0, len(catalogue))
	for _, f := range catalogue {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *Func) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

var catalogue = map[string]*Func{}

func def(name string, kind FuncKind, minArgs, maxArgs int, result func([]Type) (Type, error), doc string, constArgs ...int) {
	if _, dup := catalogue[name]; dup {
		panic("plan: catalogue entry defined twice: " + name) // programming error at init
	}
	catalogue[name] = &Func{Name: name, Kind: kind, MinArgs: minArgs, MaxArgs: maxArgs, Const: constArgs, Doc: doc, result: result}
}

func scalar(name string, minArgs, maxArgs int, result func([]Type) (Type, error), doc string, constArgs ...int) {
	def(name, FuncScalar, minArgs, maxArgs, result, doc, constArgs...)
}

// readsRunTime marks the named entries as reading the run's time.
func readsRunTime(names ...string) {
	for _, n := range names {
		catalogue[n].RunTime = true
	}
}

// ReadsRunTime reports whether e calls a function that reads the run's
// time, so that its value can change from one run to the next.
func ReadsRunTime(e Expr) bool {
	switch e := e.(type) {
	case *Member:
		return ReadsRunTime(e.X)
	case *Index:
		return ReadsRunTime(e.X) || ReadsRunTime(e.Index)
	case *Call:
		if f, ok := catalogue[e.Func]; ok && f.RunTime {
			return true
		}
		for _, a := range e.Args {
			if ReadsRunTime(a) {
				return true
			}
		}
	}
	return false
}

func aggregate(name string, minArgs, maxArgs int, result func([]Type) (Type, error), doc string, constArgs ...int) {
	def(name, FuncAggregate, minArgs, maxArgs, result, doc, constArgs...)
}

// returns gives a result rule with a fixed type.
func returns(t Type) func([]Type) (Type, error) {
	return func([]Type) (Type, error) { return t, nil }
}

// argType gives the type of argument i as the result type.
func argType(i int) func([]Type) (Type, error) {
	return func(args []Type) (Type, error) { return args[i], nil }
}

// common returns the type of the arguments at positions idx: unknown ones are
// ignored, long and real make real, and different types make dynamic (the
// data decides).
func common(args []Type, idx []int) Type {
	out := TypeUnknown
	for _, i := range idx {
		t := args[i]
		switch {
		case t == TypeUnknown || t == out:
		case out == TypeUnknown:
			out = t
		case out.IsNumeric() && t.IsNumeric():
			out = TypeReal
		default:
			out = TypeDynamic
		}
	}
	return out
}

func boolArgs(args []Type) (Type, error) {
	for i, t := range args {
		switch t {
		case TypeBool, TypeUnknown, TypeDynamic:
		default:
			return TypeUnknown, fmt.Errorf("argument %d has type %s, want bool", i+1, t)
		}
	}
	return TypeBool, nil
}

// arithmetic is the result rule of + - * / %.
func arithmetic(op string) func([]Type) (Type, error) {
	return func(args []Type) (Type, error) {
		a, b := args[0], args[1]
		if a == TypeUnknown || b == TypeUnknown {
			return TypeUnknown, nil
		}
		if a == TypeDynamic || b == TypeDynamic {
			return TypeDynamic, nil
		}
		switch {
		case a.IsNumeric() && b.IsNumeric():
			if a == TypeLong && b == TypeLong {
				return TypeLong, nil
			}
			return TypeReal, nil
		case op == "+" && (a == TypeDatetime && b == TypeTimespan || a == TypeTimespan && b == TypeDatetime):
			return TypeDatetime, nil
		case op == "-" && a == TypeDatetime && b == TypeTimespan:
			return TypeDatetime, nil
		case op == "-" && a == TypeDatetime && b == TypeDatetime:
			return TypeTimespan, nil
		case (op == "+" || op == "-" || op == "%") && a == TypeTimespan && b == TypeTimespan:
			return TypeTimespan, nil
		case op == "/" && a == TypeTimespan && b == TypeTimespan:
			return TypeReal, nil
		case (op == "*" || op == "/") && a == TypeTimespan && b.IsNumeric():
			return TypeTimespan, nil
		case op == "*" && a.IsNumeric() && b == TypeTimespan:
			return TypeTimespan, nil
		}
		return TypeUnknown, fmt.Errorf("operator %s is not defined for %s and %s", op, a, b)
	}
}

// betweenTypes is the result rule of between and !between (x, lo, hi).
// Kusto ranges numbers, datetimes or timespans, and takes a timespan right
// bound only after a datetime expression and left bound. Types the data
// decides (unknown, dynamic) and strings (compared as <= does) are left to
// the run.
func betweenTypes(args []Type) (Type, error) {
	x, lo, hi := args[0], args[1], args[2]
	family := func(t Type) string {
		switch {
		case t.IsNumeric():
			return "number"
		case t == TypeDatetime || t == TypeTimespan:
			return t.String()
		}
		return ""
	}
	fits := func(t Type, want string) bool { return family(t) == "" || family(t) == want }
	if hi == TypeTimespan && !(fits(x, "timespan") && fits(lo, "timespan")) {
		if !fits(x, "datetime") || !fits(lo, "datetime") {
			return TypeUnknown, fmt.Errorf("a timespan right bound is the length of a datetime range: the expression and the left bound must be datetimes, found %s and %s", x, lo)
		}
		return TypeBool, nil
	}
	want := ""
	for _, t := range args {
		if f := family(t); f != "" && want == "" {
			want = f
		} else if f != "" && f != want {
			return TypeUnknown, fmt.Errorf("cannot compare %s with %s and %s", x, lo, hi)
		}
	}
	return TypeBool, nil
}

func negate(args []Type) (Type, error) {
	switch args[0] {
	case TypeLong, TypeReal, TypeTimespan, TypeUnknown, TypeDynamic:
		return args[0], nil
	}
	return TypeUnknown, fmt.Errorf("unary minus is not defined for %s", args[0])
}

func sumType(args []Type) (Type, error) {
	switch args[0] {
	case TypeLong, TypeBool:
		return TypeLong, nil
	case TypeReal, TypeTimespan:
		return args[0], nil
	case TypeUnknown, TypeDynamic:
		return TypeReal, nil
	}
	return TypeUnknown, fmt.Errorf("sum is not defined for %s", args[0])
}

func binType(args []Type) (Type, error) {
	switch args[0] {
	case TypeLong, TypeReal, TypeDatetime, TypeTimespan, TypeUnknown:
		return args[0], nil
	case TypeDynamic:
		return TypeUnknown, nil
	}
	return TypeUnknown, fmt.Errorf("bin is not defined for %s", args[0])
}

func caseType(args []Type) (Type, error) {
	if len(args)%2 == 0 {
		return TypeUnknown, fmt.Errorf("case needs predicate/value pairs and a final else value")
	}
	var idx []int
	for i := 1; i < len(args); i += 2 {
		idx = append(idx, i)
	}
	idx = append(idx, len(args)-1)
	return common(args, idx), nil
}

func packType(args []Type) (Type, error) {
	if len(args)%2 != 0 {
		return TypeUnknown, fmt.Errorf("pack needs key/value pairs")
	}
	return TypeDynamic, nil
}

const (
	docStringArg = " The left operand is turned into text as tostring does."
	docNull      = " Null if an operand is null."
)

func init() {
	// Comparison (Kusto semantics).
	for _, op := range []string{"==", "!="} {
		scalar(op, 2, 2, returns(TypeBool), "Kusto equality."+docNull+" Strings compare case-sensitively; a string against a number compares numerically after parsing the string (unparsable gives false for ==, true for !=); long and real compare numerically; dynamic scalars compare by value; values of unrelated kinds are unequal.")
	}
	for _, op := range []string{"<", "<=", ">", ">="} {
		scalar(op, 2, 2, returns(TypeBool), "Kusto ordering."+docNull+" Numbers numerically (a string against a number after parsing it, else null), strings by bytes, datetimes and timespans by time; unrelated kinds give null.")
	}
	scalar("=~", 2, 2, returns(TypeBool), "Whole-string equality ignoring case (Unicode simple folding), no trimming; operands as text.")
	scalar("!~", 2, 2, returns(TypeBool), "Negation of =~.")

	// String predicates (Kusto). The _cs forms are case-sensitive; the others
	// ignore case.
	for _, op := range []string{"has", "!has", "has_cs", "!has_cs"} {
		scalar(op, 2, 2, returns(TypeBool), "Whole-term match: true if the right operand's terms occur as consecutive whole terms of the left operand. A term is a maximal run of Unicode letters and digits; every other rune, including '_', separates terms. has ignores case, has_cs does not; the ! forms negate."+docStringArg)
	}
	scalar("has_any", 2, -1, returns(TypeBool), "True if the left operand has (as has) any of the other arguments; array arguments contribute their elements.")
	scalar("has_all", 2, -1, returns(TypeBool), "True if the left operand has (as has) all of the other arguments; array arguments contribute their elements.")
	for _, op := range []string{"contains", "!contains", "startswith", "!startswith", "endswith", "!endswith"} {
		scalar(op, 2, 2, returns(TypeBool), "Substring / prefix / suffix match ignoring case; the ! forms negate."+docStringArg)
	}
	for _, op := range []string{"contains_cs", "!contains_cs", "startswith_cs", "!startswith_cs", "endswith_cs", "!endswith_cs"} {
		scalar(op, 2, 2, returns(TypeBool), "Case-sensitive substring / prefix / suffix match; the ! forms negate."+docStringArg)
	}
	scalar("in", 2, -1, returns(TypeBool), "Membership: true if the first argument equals (as ==, case-sensitive) any other argument; array arguments contribute their elements. Null first argument gives false.")
	scalar("!in", 2, -1, returns(TypeBool), "Negation of in (null first argument gives true).")
	scalar("in~", 2, -1, returns(TypeBool), "Membership ignoring case for strings, otherwise as in.")
	scalar("!in~", 2, -1, returns(TypeBool), "Negation of in~.")
	scalar("between", 3, 3, betweenTypes, "lo <= x and x <= hi (inclusive), with the ordering of <=; a timespan hi after a datetime lo is the length of the range (x between (a .. 1h) is a <= x <= a+1h, as Kusto documents). Numbers, datetimes and timespans do not mix otherwise."+docNull)
	scalar("!between", 3, 3, betweenTypes, "Negation of between."+docNull)
	scalar("matches regex", 2, 2, returns(TypeBool), "True if the RE2 regular expression (a literal) matches anywhere in the left operand."+docStringArg, 1)

	// Logic, three-valued.
	scalar("and", 2, 2, boolArgs, "Three-valued and: false if either side is false, else null if either is null, else true.")
	scalar("or", 2, 2, boolArgs, "Three-valued or: true if either side is true, else null if either is null, else false.")
	scalar("not", 1, 1, boolArgs, "Negation; not(null) is null.")

	// Arithmetic.
	scalar("+", 2, 2, arithmetic("+"), "Addition of numbers (long+long is long, else real), datetime+timespan, timespan+timespan."+docNull)
	scalar("-", 2, 2, arithmetic("-"), "Subtraction; datetime-datetime is a timespan."+docNull)
	scalar("*", 2, 2, arithmetic("*"), "Multiplication; timespan*number is a timespan."+docNull)
	scalar("/", 2, 2, arithmetic("/"), "Division; long/long truncates toward zero, and long division by zero gives null; timespan/timespan is real."+docNull)
	scalar("%", 2, 2, arithmetic("%"), "Remainder; by zero gives null."+docNull)
	scalar("neg", 1, 1, negate, "Unary minus."+docNull)

	// Conversions.
	scalar("tostring", 1, 1, returns(TypeString), "Text form of the value: a (dynamic) string as its raw text, datetimes ISO 8601, arrays and objects as JSON; null gives \"\".")
	for _, f := range []string{"toint", "tolong"} {
		scalar(f, 1, 1, returns(TypeLong), "Integer value: numbers truncated, strings parsed (integer or decimal), bools 0/1; anything else null.")
	}
	for _, f := range []string{"toreal", "todouble"} {
		scalar(f, 1, 1, returns(TypeReal), "Real value: numbers, parsed strings; anything else null.")
	}
	scalar("todatetime", 1, 1, returns(TypeDatetime), "Datetime value: datetimes, strings parsed as ISO 8601 / RFC 3339 (UTC when no zone); anything else null.")
	scalar("totimespan", 1, 1, returns(TypeTimespan), "Timespan value: timespans, strings in [-][d.]hh:mm:ss[.f] form; anything else null.")
	scalar("tobool", 1, 1, returns(TypeBool), "Bool value: bools, \"true\"/\"false\" in any case, numbers (non-zero is true); anything else null.")
	for _, f := range []string{"todynamic", "parse_json"} {
		scalar(f, 1, 1, returns(TypeDynamic), "A string is parsed as JSON (invalid JSON gives the string itself as a dynamic string); other values become dynamic as they are.")
	}

	// Strings.
	scalar("tolower", 1, 1, returns(TypeString), "Unicode lower case of the text form.")
	scalar("toupper", 1, 1, returns(TypeString), "Unicode upper case of the text form.")
	scalar("strcat", 1, 64, returns(TypeString), "Concatenation of the text forms (null contributes nothing).")
	scalar("strlen", 1, 1, returns(TypeLong), "Number of Unicode code points of the text form.")
	scalar("split", 2, 3, returns(TypeDynamic), "Splits the text at every occurrence of the delimiter into a dynamic array of strings (split(\"\", d) is [\"\"]); with an index i, a one-element array holding part i, or an empty array when out of range.")
	scalar("replace_string", 3, 3, returns(TypeString), "Replaces every occurrence of the lookup text with the rewrite text (an empty lookup leaves the text unchanged).")
	scalar("extract", 3, 3, returns(TypeString), "extract(regex, group, text): the given capture group (0 = whole match) of the first match of the RE2 regex (a literal) in text, or \"\" when there is no match.", 0, 1)

	scalar("replace_regex", 3, 3, returns(TypeString), "replace_regex(text, regex, rewrite): every match of the RE2 regex (a literal) replaced by rewrite, in which \\0…\\9 name capture groups.", 1)
	scalar("replace", 3, 3, returns(TypeString), "Deprecated Kusto form replace(regex, rewrite, text) of replace_regex.", 0)
	scalar("substring", 2, 3, returns(TypeString), "substring(text, start [, length]) in Unicode code points; a negative start counts from 0, out-of-range parts are cut off.")
	scalar("strcat_delim", 3, 64, returns(TypeString), "strcat_delim(delimiter, a, b, …): the text forms joined by the delimiter.")
	scalar("indexof", 2, 2, returns(TypeLong), "Code-point index of the first occurrence of the lookup text (case-sensitive), or -1.")

	// Conditionals and nulls.
	for _, f := range []string{"iff", "iif"} {
		scalar(f, 3, 3, func(args []Type) (Type, error) { return common(args, []int{1, 2}), nil }, "iff(c, a, b): a when c is true, else b (null c gives b).")
	}
	scalar("case", 3, -1, caseType, "case(p1, v1, …, else): the value of the first true predicate, else the last argument.")
	scalar("coalesce", 1, -1, func(args []Type) (Type, error) {
		idx := make([]int, len(args))
		for i := range idx {
			idx[i] = i
		}
		return common(args, idx), nil
	}, "The first argument that is not null and not the empty string.")
	scalar("isempty", 1, 1, returns(TypeBool), "True for null and \"\" (and an empty dynamic string).")
	scalar("isnotempty", 1, 1, returns(TypeBool), "Negation of isempty.")
	scalar("isnull", 1, 1, returns(TypeBool), "True for null; a string (never null in Kusto) is not null.")
	scalar("isnotnull", 1, 1, returns(TypeBool), "Negation of isnull.")

	// Time. "now" is the executor's notion of now (a parameter, so that
	// backtests run at simulated times); it is constant during a query.
	scalar("now", 0, 1, returns(TypeDatetime), "The run's current time, plus the optional timespan offset.")
	scalar("ago", 1, 1, returns(TypeDatetime), "now() minus the timespan.")
	readsRunTime("now", "ago")
	scalar("bin", 2, 2, binType, "Rounds down to a multiple of the bin size: numbers by a number (long with long stays long), timespans by a timespan, datetimes by a timespan counted from 0001-01-01 as Kusto does. A zero, negative or null size gives null.")
	scalar("startofday", 1, 2, returns(TypeDatetime), "Midnight UTC of the datetime's day, optionally offset by a number of days.")
	scalar("datetime_diff", 3, 3, returns(TypeLong), "datetime_diff(part, a, b): the number of part boundaries (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond) between b and a, a-b.", 0)

	scalar("hourofday", 1, 1, returns(TypeLong), "Hour (0–23, UTC) of a datetime.")
	scalar("dayofweek", 1, 1, returns(TypeTimespan), "Days since the preceding Sunday as a timespan (Sunday is 0d, as Kusto).")

	// Dynamic.
	scalar("array_length", 1, 1, returns(TypeLong), "Number of elements of a dynamic array; null for anything else.")
	for _, f := range []string{"pack", "bag_pack"} {
		scalar(f, 0, -1, packType, "pack(k1, v1, …): a dynamic object with the members in order (keys as text).")
	}
	scalar("pack_array", 0, -1, returns(TypeDynamic), "A dynamic array of the arguments.")
	scalar("array_concat", 1, 64, returns(TypeDynamic), "The elements of the array arguments in order, as one array; null if an argument is not an array.")
	scalar("bag_keys", 1, 1, returns(TypeDynamic), "The keys of a dynamic object as an array, in member order; null for anything else.")
	scalar("set_has_element", 2, 2, returns(TypeBool), "True if the dynamic array holds an element equal (as ==) to the value.")

	// Aggregations (Kusto semantics). Null inputs are ignored unless stated.
	aggregate("count", 0, 0, returns(TypeLong), "Number of rows.")
	aggregate("countif", 1, 1, boolArgs2(TypeLong), "Number of rows where the predicate is true.")
	aggregate("dcount", 1, 2, returns(TypeLong), "Exact number of distinct non-null values (the optional accuracy argument is accepted and ignored).", 1)
	aggregate("dcountif", 2, 3, returns(TypeLong), "dcount over the rows where the predicate is true.", 2)
	aggregate("min", 1, 1, argType(0), "Smallest non-null value (event.Compare order); null when there is none.")
	aggregate("max", 1, 1, argType(0), "Largest non-null value (event.Compare order); null when there is none.")
	aggregate("sum", 1, 1, sumType, "Sum of the non-null values: long for long input, real for real, timespan for timespan; null when there is none.")
	aggregate("avg", 1, 1, returns(TypeReal), "Mean of the non-null numeric values as real; null when there is none.")
	aggregate("make_set", 1, 2, returns(TypeDynamic), "Dynamic array of the distinct non-null values in order of first appearance, at most the size limit (default 1048576); an array input contributes its elements.", 1)
	aggregate("make_set_if", 2, 3, returns(TypeDynamic), "make_set over the rows where the predicate is true.", 2)
	aggregate("make_list", 1, 2, returns(TypeDynamic), "Dynamic array of the non-null values in row order, at most the size limit (default 1048576).", 1)
	aggregate("make_list_if", 2, 3, returns(TypeDynamic), "make_list over the rows where the predicate is true.", 2)
	aggregate("make_bag", 1, 2, returns(TypeDynamic), "Dynamic object merging the members of the object inputs; the first value seen for a key wins; non-objects are ignored.", 1)
	aggregate("arg_max", 1, 1, argType(0), "The row with the largest non-null value (first such row on ties): outputs the value and the Carry/CarryAll columns of that row.")
	aggregate("arg_min", 1, 1, argType(0), "The row with the smallest non-null value (first such row on ties), as arg_max.")
	aggregate("take_any", 1, 1, argType(0), "The first non-null value (and the Carry columns of its row).")
}

func boolArgs2(result Type) func([]Type) (Type, error) {
	return func(args []Type) (Type, error) {
		if _, err := boolArgs(args[:1]); err != nil {
			return TypeUnknown, err
		}
		return result, nil
	}
}
