package exec

import (
	"math"
	"math/bits"
	"strings"
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

func init() {
	register(nowBuilder, "now")
	register(agoBuilder, "ago")
	register(fn2(bin), "bin")
	register(startOfDayBuilder, "startofday")
	register(datetimeDiffBuilder, "datetime_diff")
	register(fn1(hourOfDay), "hourofday")
	register(fn1(dayOfWeek), "dayofweek")
}

func hourOfDay(v event.Value) event.Value {
	if v.Kind() != event.KindDatetime {
		return event.Null
	}
	return event.Long(int64(v.Time().Hour()))
}

func dayOfWeek(v event.Value) event.Value {
	if v.Kind() != event.KindDatetime {
		return event.Null
	}
	return event.Timespan(time.Duration(v.Time().Weekday()) * day)
}

// now() is the run's time (Options.Now), constant for the whole run, plus
// an optional timespan offset.
func nowBuilder(c *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	env := c.env
	if len(args) == 0 {
		return func([]event.Value) event.Value { return env.now }, nil
	}
	off := args[0]
	return func(row []event.Value) event.Value { return add(env.now, off(row)) }, nil
}

// ago(d) is now() - d.
func agoBuilder(c *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	env, d := c.env, args[0]
	return func(row []event.Value) event.Value { return sub(env.now, d(row)) }, nil
}

// kustoEpochSeconds is 0001-01-01T00:00:00Z in Unix seconds.
// Kusto bins datetimes from that origin (a Monday), which matters for bins
// that do not divide a day, such as 7d.
var kustoEpochSeconds = int64(-62135596800)

// floorMod returns x mod m in [0, m) for m > 0.
func floorMod(x, m int64) int64 {
	r := x % m
	if r < 0 {
		r += m
	}
	return r
}

// originOffset returns (Kusto origin in ns) mod size, computed without
// overflow.
func originOffset(size int64) int64 {
	a := uint64(floorMod(kustoEpochSeconds, size))
	b := uint64(floorMod(int64(time.Second), size))
	hi, lo := bits.Mul64(a, b)
	_, r := bits.Div64(hi%uint64(size), lo, uint64(size))
	return int64(r)
}

// bin rounds x down to a multiple of size: numbers by a number (long with
// long stays long), timespans by a timespan, datetimes by a timespan counted
// from Kusto's origin 0001-01-01. A zero, negative or null size gives null.
func bin(x, size event.Value) event.Value {
	switch {
	case x.Kind() == event.KindLong && size.Kind() == event.KindLong:
		s := size.AsLong()
		if s <= 0 {
			return event.Null
		}
		return event.Long(x.AsLong() - floorMod(x.AsLong(), s))
	case x.IsNumber() && size.IsNumber():
		s := size.AsReal()
		if s <= 0 {
			return event.Null
		}
		return event.Real(math.Floor(x.AsReal()/s) * s)
	case x.Kind() == event.KindTimespan && size.Kind() == event.KindTimespan:
		s := size.AsLong()
		if s <= 0 {
			return event.Null
		}
		return event.Timespan(time.Duration(x.AsLong() - floorMod(x.AsLong(), s)))
	case x.Kind() == event.KindDatetime && size.Kind() == event.KindTimespan:
		s := size.AsLong()
		if s <= 0 {
			return event.Null
		}
		t := x.AsLong()
		off := floorMod(floorMod(t, s)-originOffset(s), s)
		return event.DatetimeNanos(t - off)
	}
	return event.Null
}

const day = 24 * time.Hour

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func startOfDayBuilder(_ *compiler, _ *plan.Call, args []evalFn) (evalFn, error) {
	x := args[0]
	var off evalFn
	if len(args) == 2 {
		off = args[1]
	}
	return func(row []event.Value) event.Value {
		v := x(row)
		if v.Kind() != event.KindDatetime {
			return event.Null
		}
		t := startOfDay(v.Time())
		if off != nil {
			o := off(row)
			if o.Kind() != event.KindLong {
				return event.Null
			}
			t = t.AddDate(0, 0, int(o.AsLong()))
		}
		return event.Datetime(t)
	}, nil
}

// datetimeParts maps the part names of datetime_diff (and their Kusto
// aliases) to the function counting boundaries.
var datetimeParts = map[string]func(a, b time.Time) int64{
	"year": func(a, b time.Time) int64 { return int64(a.Year() - b.Year()) },
	"quarter": func(a, b time.Time) int64 {
		return int64(a.Year()*4+(int(a.Month())-1)/3) - int64(b.Year()*4+(int(b.Month())-1)/3)
	},
	"month": func(a, b time.Time) int64 {
		return int64(a.Year()*12+int(a.Month())) - int64(b.Year()*12+int(b.Month()))
	},
	// Weeks start on Sunday, as Kusto's startofweek.
	"week": func(a, b time.Time) int64 {
		sw := func(t time.Time) time.Time { return startOfDay(t).AddDate(0, 0, -int(t.Weekday())) }
		return int64(sw(a).Sub(sw(b)) / (7 * day))
	},
	"day":         func(a, b time.Time) int64 { return int64(startOfDay(a).Sub(startOfDay(b)) / day) },
	"hour":        unitDiff(time.Hour),
	"minute":      unitDiff(time.Minute),
	"second":      unitDiff(time.Second),
	"millisecond": unitDiff(time.Millisecond),
	"microsecond": unitDiff(time.Microsecond),
	"nanosecond":  unitDiff(time.Nanosecond),
}

func unitDiff(unit time.Duration) func(a, b time.Time) int64 {
	return func(a, b time.Time) int64 {
		fa := a.UnixNano() - floorMod(a.UnixNano(), int64(unit))
		fb := b.UnixNano() - floorMod(b.UnixNano(), int64(unit))
		return (fa - fb) / int64(unit)
	}
}

func datetimeDiffBuilder(_ *compiler, call *plan.Call, args []evalFn) (evalFn, error) {
	p, _ := constArg(call, 0)
	name := strings.ToLower(text(p))
	switch name {
	case "years":
		name = "year"
	case "months":
		name = "month"
	case "weeks":
		name = "week"
	case "days":
		name = "day"
	case "hours":
		name = "hour"
	case "minutes":
		name = "minute"
	case "seconds":
		name = "second"
	}
	diff, ok := datetimeParts[name]
	if !ok {
		return nil, plan.Errorf(call.Args[0].Span(), "datetime_diff: unknown part %q", text(p))
	}
	a, b := args[1], args[2]
	return func(row []event.Value) event.Value {
		x, y := a(row), b(row)
		if x.Kind() != event.KindDatetime || y.Kind() != event.KindDatetime {
			return event.Null
		}
		return event.Long(diff(x.Time(), y.Time()))
	}, nil
}
