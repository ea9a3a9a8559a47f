package exec

import (
	"math"
	"strconv"
	"strings"
	"time"

	"vigil/internal/event"
)

func init() {
	register(fn1(toStringValue), "tostring")
	register(fn1(toLong), "toint", "tolong")
	register(fn1(toReal), "toreal", "todouble")
	register(fn1(toDatetime), "todatetime")
	register(fn1(toTimespan), "totimespan")
	register(fn1(toBool), "tobool")
	register(fn1(toDynamic), "todynamic", "parse_json")
}

// text is the Kusto text form of v (tostring): a (dynamic) string is its raw
// text, null is "" (Kusto strings are never null), other values as
// event.Value.AppendText renders them.
func text(v event.Value) string {
	switch v.Kind() {
	case event.KindString:
		return v.Str()
	case event.KindNull:
		return ""
	}
	return v.Text()
}

func toStringValue(v event.Value) event.Value {
	if v.Kind() == event.KindString {
		return v
	}
	return event.String(text(v))
}

// parseNumber parses s as a long when it is an integer, else as a real. It
// accepts what strconv accepts for base-10 numbers, without surrounding
// space.
func parseNumber(s string) (event.Value, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return event.Long(n), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "xXpP_") {
		return event.Null, false
	}
	return event.Real(f), true
}

func toLong(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindLong:
		return v
	case event.KindBool:
		return event.Long(v.AsLong())
	case event.KindReal:
		f := v.AsReal()
		if math.IsNaN(f) || math.IsInf(f, 0) || f >= 9.3e18 || f <= -9.3e18 {
			return event.Null
		}
		return event.Long(int64(f))
	case event.KindString:
		n, ok := parseNumber(v.Str())
		if !ok {
			return event.Null
		}
		return toLong(n)
	}
	return event.Null
}

func toReal(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindReal:
		return v
	case event.KindLong, event.KindBool:
		return event.Real(float64(v.AsLong()))
	case event.KindString:
		n, ok := parseNumber(v.Str())
		if !ok {
			return event.Null
		}
		return event.Real(n.AsReal())
	}
	return event.Null
}

var datetimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDatetime parses the ISO 8601 / RFC 3339 forms logs use; a time
// without zone is UTC.
func parseDatetime(s string) (time.Time, bool) {
	for _, layout := range datetimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func toDatetime(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindDatetime:
		return v
	case event.KindString:
		if t, ok := parseDatetime(strings.TrimSpace(v.Str())); ok {
			return event.Datetime(t)
		}
	}
	return event.Null
}

// parseTimespan parses [-][d.]hh:mm[:ss[.fffffff]].
func parseTimespan(s string) (time.Duration, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var days int64
	if dot, colon := strings.IndexByte(s, '.'), strings.IndexByte(s, ':'); dot >= 0 && colon > dot {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil {
			return 0, false
		}
		days, s = d, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || m > 59 {
		return 0, false
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if len(parts) == 3 {
		sec, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || sec < 0 || sec >= 60 {
			return 0, false
		}
		d += time.Duration(math.Round(sec * 1e9))
	}
	if neg {
		d = -d
	}
	return d, true
}

func toTimespan(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindTimespan:
		return v
	case event.KindString:
		if d, ok := parseTimespan(strings.TrimSpace(v.Str())); ok {
			return event.Timespan(d)
		}
	}
	return event.Null
}

func toBool(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindBool:
		return v
	case event.KindLong, event.KindReal:
		return event.Bool(v.AsReal() != 0)
	case event.KindString:
		switch strings.ToLower(v.Str()) {
		case "true":
			return vTrue
		case "false":
			return vFalse
		}
	}
	return event.Null
}

func toDynamic(v event.Value) event.Value {
	if v.Kind() != event.KindString {
		return v
	}
	d, err := event.ParseJSON(v.Str())
	if err != nil {
		return v
	}
	return d
}
