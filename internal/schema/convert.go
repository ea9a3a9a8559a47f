package schema

import (
	"math"
	"strconv"
	"strings"

	"vigil/internal/event"
	"vigil/internal/plan"
)

var emptyString = event.String("")

// convert turns the raw JSON text of an exported cell (event.Cell.Raw, or an
// unknown member of a sign-in) into a Value of type t. CSV cells arrive as
// JSON strings and are read as text of the type: "True" is a bool, "10" a
// long, JSON text a dynamic value, "5/2/2024, 9:00:00.000 AM" a datetime.
// An empty string or a JSON null is a missing value. A missing value is ""
// in a string column and null in any other; a value that does not convert
// is the same, and ok is false.
func convert(raw string, t plan.Type) (v event.Value, ok bool) {
	j, err := event.ParseJSON(raw)
	if err != nil {
		// Not JSON at all: take it as text.
		j = event.String(raw)
	}
	if t == plan.TypeString {
		if j.IsNull() {
			return emptyString, true
		}
		if j.Kind() == event.KindString {
			return j, true
		}
		return event.String(j.Text()), true
	}
	if j.IsNull() || (j.Kind() == event.KindString && strings.TrimSpace(j.Str()) == "") {
		return event.Null, true
	}
	switch t {
	case plan.TypeDynamic, plan.TypeUnknown:
		if j.Kind() == event.KindString {
			// Dynamic columns exported as text (CSV, or a JSON export of
			// a table storing JSON in a string).
			if inner, err := event.ParseJSON(j.Str()); err == nil && isContainer(inner) {
				return inner, true
			}
		}
		return j, true
	case plan.TypeBool:
		switch j.Kind() {
		case event.KindBool:
			return j, true
		case event.KindLong:
			if n := j.AsLong(); n == 0 || n == 1 {
				return event.Bool(n == 1), true
			}
		case event.KindString:
			switch strings.ToLower(strings.TrimSpace(j.Str())) {
			case "true", "1":
				return event.Bool(true), true
			case "false", "0":
				return event.Bool(false), true
			}
		}
	case plan.TypeLong:
		switch j.Kind() {
		case event.KindLong:
			return j, true
		case event.KindReal:
			if f := j.AsReal(); f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				return event.Long(int64(f)), true
			}
		case event.KindString:
			s := strings.TrimSpace(j.Str())
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return event.Long(n), true
			}
			if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				return event.Long(int64(f)), true
			}
		}
	case plan.TypeReal:
		switch j.Kind() {
		case event.KindLong, event.KindReal:
			return event.Real(j.AsReal()), true
		case event.KindString:
			if f, err := strconv.ParseFloat(strings.TrimSpace(j.Str()), 64); err == nil {
				return event.Real(f), true
			}
		}
	case plan.TypeDatetime:
		if j.Kind() == event.KindString {
			if tm, ok := event.ParseTime(j.Str()); ok {
				return event.Datetime(tm), true
			}
		}
	}
	return event.Null, false
}

func isContainer(v event.Value) bool {
	return v.Kind() == event.KindArray || v.Kind() == event.KindObject
}

// inference collects what the values of one column of an exported table
// say about its type (see infer).
type inference struct {
	name    string
	kinds   [event.KindObject + 1]bool
	allTime bool // every string value parses as a time
	seen    bool // some value that is neither null nor ""
}

func newInference(name string) *inference { return &inference{name: name, allTime: true} }

func (in *inference) add(raw string) {
	j, err := event.ParseJSON(raw)
	if err != nil {
		j = event.String(raw)
	}
	if j.IsNull() || (j.Kind() == event.KindString && j.Str() == "") {
		return
	}
	in.seen = true
	in.kinds[j.Kind()] = true
	if j.Kind() == event.KindString {
		if _, ok := event.ParseTime(j.Str()); !ok {
			in.allTime = false
		}
	}
}

// isTimeName reports whether a column's name says it holds times:
// TimeGenerated, or a name ending in DateTime or Time.
func isTimeName(name string) bool {
	return name == "TimeGenerated" || strings.HasSuffix(name, "DateTime") || strings.HasSuffix(name, "Time")
}

// infer returns the type of a column from its values: JSON strings make a
// string column (a datetime one when the column's name says it holds times
// and every value parses as one), integers a long, other numbers a real,
// booleans a bool, arrays and objects a dynamic. A column whose values are
// of several kinds is dynamic (longs and reals together are real); a column
// with no value but null and "" is a string.
func (in *inference) infer() plan.Type {
	if !in.seen {
		return plan.TypeString
	}
	var kinds []event.Kind
	for k, ok := range in.kinds {
		if ok {
			kinds = append(kinds, event.Kind(k))
		}
	}
	if len(kinds) == 2 && kinds[0] == event.KindLong && kinds[1] == event.KindReal {
		return plan.TypeReal
	}
	if len(kinds) > 1 {
		return plan.TypeDynamic
	}
	switch kinds[0] {
	case event.KindString:
		if in.allTime && isTimeName(in.name) {
			return plan.TypeDatetime
		}
		return plan.TypeString
	case event.KindLong:
		return plan.TypeLong
	case event.KindReal:
		return plan.TypeReal
	case event.KindBool:
		return plan.TypeBool
	}
	return plan.TypeDynamic
}
