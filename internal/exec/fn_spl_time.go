package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// SPL time functions. SPL times are epoch seconds; datetimes are accepted
// wherever a time is expected. Everything is UTC (the engine's search time
// zone).

func init() {
	register(fn1(splEpoch), "spl.epoch")
	register(splNowBuilder, "spl.now")
	register(fn2(func(t, f event.Value) event.Value {
		tm, ok := splTime(t)
		if !ok || f.IsNull() {
			return event.Null
		}
		return event.String(strftime(tm, splText(f)))
	}), "spl.strftime")
	register(fn2(splStrptime), "spl.strptime")
	register(fn2(splRelativeTime), "spl.relative_time")
	register(splCtimeBuilder, "spl.ctime")
}

// splEpoch converts a datetime to epoch seconds (long when whole).
func splEpoch(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindDatetime:
		ns := v.Time().UnixNano()
		if ns%1e9 == 0 {
			return event.Long(ns / 1e9)
		}
		return event.Real(float64(ns) / 1e9)
	case event.KindLong, event.KindReal:
		return v
	}
	return event.Null
}

// splTime reads v as a time: a datetime, or epoch seconds.
func splTime(v event.Value) (time.Time, bool) {
	if v.Kind() == event.KindDatetime {
		return v.Time().UTC(), true
	}
	n, ok := splNum(v)
	if !ok {
		return time.Time{}, false
	}
	f := n.AsReal()
	if math.IsNaN(f) || math.Abs(f) > 1e11 {
		return time.Time{}, false
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64(math.Round((f-sec)*1e9))).UTC(), true
}

func timeValue(t time.Time) event.Value { return splEpoch(event.Datetime(t)) }

func splNowBuilder(c *compiler, _ *plan.Call, _ []evalFn) (evalFn, error) {
	env := c.env
	return func([]event.Value) event.Value { return splEpoch(env.now) }, nil
}

func splCtimeBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	f, ok := constArg(call, 1)
	if !ok || f.Kind() != event.KindString {
		return nil, plan.Errorf(call.At, "spl.ctime: the format must be a string literal")
	}
	format, x := f.Str(), args[0]
	return func(row []event.Value) event.Value {
		v := x(row)
		vals := splValues(v)
		if len(vals) == 0 {
			return v
		}
		out := make([]event.Value, len(vals))
		for i, e := range vals {
			if t, ok := splTime(e); ok {
				out[i] = event.String(strftime(t, format))
			} else {
				out[i] = e
			}
		}
		return splMV(out)
	}, nil
}

// strftime formats t with C strftime directives and Splunk's subsecond
// extensions (%3N, %6N, %9N, %Q).
func strftime(t time.Time, format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		d := format[i]
		if d >= '1' && d <= '9' && i+1 < len(format) && format[i+1] == 'N' {
			n := int(d - '0')
			ns := fmt.Sprintf("%09d", t.Nanosecond())
			b.WriteString(ns[:min(n, 9)])
			i++
			continue
		}
		switch d {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%02d", h)
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'b', 'h':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case 'Q':
			fmt.Fprintf(&b, "%03d", t.Nanosecond()/1e6)
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(d)
		}
	}
	return b.String()
}

// strptimeLayout turns strftime directives into a Go time layout.
var strptimeLayout = strings.NewReplacer(
	"%Y", "2006", "%y", "06", "%m", "01", "%d", "02", "%e", "_2", "%H", "15",
	"%I", "03", "%M", "04", "%S", "05", "%p", "PM", "%b", "Jan", "%h", "Jan",
	"%B", "January", "%a", "Mon", "%A", "Monday", "%j", "002", "%z", "-0700",
	"%Z", "MST", "%3N", "000", "%6N", "000000", "%9N", "000000000", "%N", "000000000",
	"%Q", "000", "%T", "15:04:05", "%F", "2006-01-02", "%%", "%",
)

func splStrptime(s, f event.Value) event.Value {
	if s.IsNull() || f.IsNull() {
		return event.Null
	}
	text, format := splText(s), splText(f)
	if format == "%s" {
		n, ok := splNum(s)
		if !ok {
			return event.Null
		}
		return n
	}
	t, err := time.Parse(strptimeLayout.Replace(format), text)
	if err != nil {
		return event.Null
	}
	return timeValue(t.UTC())
}

// splRelativeTime applies a Splunk time modifier ("-70m@m", "@d", "+1d")
// to t.
func splRelativeTime(tv, spec event.Value) event.Value {
	t, ok := splTime(tv)
	if !ok || spec.IsNull() {
		return event.Null
	}
	t, ok = relativeTime(t, splText(spec))
	if !ok {
		return event.Null
	}
	return timeValue(t)
}

// relativeTime moves t by the time modifier s (offsets and @ snaps).
func relativeTime(t time.Time, s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "now" || s == "" {
		return t, true
	}
	s = strings.TrimPrefix(s, "now")
	for s != "" {
		switch s[0] {
		case '+', '-':
			sign := 1
			if s[0] == '-' {
				sign = -1
			}
			s = s[1:]
			j := 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n := 1
			if j > 0 {
				v, err := strconv.Atoi(s[:j])
				if err != nil {
					return t, false
				}
				n = v
			}
			s = s[j:]
			unit, rest := timeUnit(s)
			if unit == "" {
				return t, false
			}
			s = rest
			n *= sign
			switch unit {
			case "s":
				t = t.Add(time.Duration(n) * time.Second)
			case "m":
				t = t.Add(time.Duration(n) * time.Minute)
			case "h":
				t = t.Add(time.Duration(n) * time.Hour)
			case "d":
				t = t.AddDate(0, 0, n)
			case "w":
				t = t.AddDate(0, 0, 7*n)
			case "mon":
				t = t.AddDate(0, n, 0)
			case "q":
				t = t.AddDate(0, 3*n, 0)
			case "y":
				t = t.AddDate(n, 0, 0)
			}
		case '@':
			s = s[1:]
			unit, rest := timeUnit(s)
			if unit == "" {
				return t, false
			}
			s = rest
			y, mo, d := t.Date()
			switch unit {
			case "s":
				t = t.Truncate(time.Second)
			case "m":
				t = t.Truncate(time.Minute)
			case "h":
				t = t.Truncate(time.Hour)
			case "d":
				t = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
			case "w":
				wd := 0
				if s != "" && s[0] >= '0' && s[0] <= '7' {
					wd = int(s[0]-'0') % 7
					s = s[1:]
				}
				t = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
				back := (int(t.Weekday()) - wd + 7) % 7
				t = t.AddDate(0, 0, -back)
			case "mon":
				t = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
			case "q":
				t = time.Date(y, mo-(mo-1)%3, 1, 0, 0, 0, 0, time.UTC)
			case "y":
				t = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			}
		default:
			return t, false
		}
	}
	return t, true
}

// timeUnit reads a time unit at the start of s and returns its canonical
// name (s m h d w mon q y) and the rest of s.
func timeUnit(s string) (string, string) {
	j := 0
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
		j++
	}
	switch strings.ToLower(s[:j]) {
	case "s", "sec", "secs", "second", "seconds":
		return "s", s[j:]
	case "m", "min", "mins", "minute", "minutes":
		return "m", s[j:]
	case "h", "hr", "hrs", "hour", "hours":
		return "h", s[j:]
	case "d", "day", "days":
		return "d", s[j:]
	case "w", "week", "weeks":
		return "w", s[j:]
	case "mon", "month", "months":
		return "mon", s[j:]
	case "q", "qtr", "qtrs", "quarter", "quarters":
		return "q", s[j:]
	case "y", "yr", "yrs", "year", "years":
		return "y", s[j:]
	}
	return "", s
}
