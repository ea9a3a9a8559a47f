package plan

import (
	"strconv"
	"time"
)

// The kuery.* entries implement Elastic Kuery's matching (SEMANTICS.md §C.2)
// over the ECS views. Unlike the Kusto entries they are two-valued: a
// missing (null) field never matches and the result is never null, so that
// `not field: v` is true for documents lacking the field, as Elasticsearch's
// must_not is. Every entry treats an array as a multi-valued field: it
// matches if any element matches.
func init() {
	scalar("kuery.match", 2, 2, returns(TypeBool), "kuery.match(field, text): Kuery `field: value` without wildcards. Text against a string element: exact, case-sensitive equality (keyword term query). Against a bool: \"true\" matches true, \"false\" and \"\" match false. Against a number: the text parsed as a number compares numerically. Against a datetime (truncated to milliseconds, as Elasticsearch stores dates): the text as a date is an inclusive range covering the components it leaves out (\"2024-05-01\" is that whole day); epoch milliseconds are accepted. Arrays match if any element matches; null, objects and unparsable text never match.", 1)
	scalar("kuery.wildcard", 2, 2, returns(TypeBool), "kuery.wildcard(field, pattern): Kuery unquoted value with wildcards, a case-sensitive wildcard query on keyword elements: '*' matches any run of characters, '?' exactly one, a backslash makes the next character literal. Only string elements (or elements of an array) can match.", 1)
	scalar("kuery.exists", 1, 1, returns(TypeBool), "kuery.exists(field): Kuery `field: *`, an exists query: true when the field holds a value, the empty string included; an array counts when it has a non-null element; null and empty arrays do not exist.")
	scalar("kuery.range", 3, 3, returns(TypeBool), "kuery.range(field, op, text): Kuery `field < value` and <=, >, >= (op is a literal). Numbers compare numerically with the text parsed as a number; datetimes with the text as a date rounded as Elasticsearch does (gt and lte round a partial date up to the end of its last component, gte and lt down); strings by bytes. Arrays match if any element matches; null never does.", 1, 2)
	scalar("kuery.path", 2, 2, returns(TypeDynamic), "kuery.path(object, path): the values at the dotted path (a literal, \"a.b\") inside a dynamic object, descending through arrays at every level the way Elasticsearch flattens an object field, as one array; null when there are none. Lets a Kuery field name a leaf inside a dynamic column.", 1)
}

// KueryDate parses the text of a Kuery date value as the kuery.* entries
// read it: RFC 3339 (a missing zone is UTC) down to any precision from the
// year ("2024", "2024-05", "2024-05-01", "2024-05-01T10", "2024-05-01T10:30",
// "2024-05-01T10:30:00", fractions of a second), or epoch milliseconds. It
// returns the first and last millisecond (since the Unix epoch) the text
// covers: "2024-05-01" covers that whole day, a full timestamp one
// millisecond.
func KueryDate(s string) (lo, hi int64, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && (len(s) > 4 || s[0] == '-') {
		return ms, ms, true
	}
	for _, l := range kueryDateLayouts {
		t, err := time.Parse(l.layout, s)
		if err != nil {
			continue
		}
		lo = t.UnixMilli()
		switch l.unit {
		case 'y':
			hi = t.AddDate(1, 0, 0).UnixMilli() - 1
		case 'M':
			hi = t.AddDate(0, 1, 0).UnixMilli() - 1
		case 'd':
			hi = t.AddDate(0, 0, 1).UnixMilli() - 1
		case 'h':
			hi = t.Add(time.Hour).UnixMilli() - 1
		case 'm':
			hi = t.Add(time.Minute).UnixMilli() - 1
		default:
			hi = lo
		}
		return lo, hi, true
	}
	return 0, 0, false
}

// kueryDateLayouts are tried in order; unit is the last component the
// layout gives ('s' for seconds and finer). Go accepts a fraction after the
// seconds even when the layout has none.
var kueryDateLayouts = []struct {
	layout string
	unit   byte
}{
	{time.RFC3339Nano, 's'},
	{"2006-01-02T15:04:05", 's'},
	{"2006-01-02T15:04Z07:00", 'm'},
	{"2006-01-02T15:04", 'm'},
	{"2006-01-02T15", 'h'},
	{"2006-01-02", 'd'},
	{"2006-01", 'M'},
	{"2006", 'y'},
}
