package exec

import (
	"math"
	"time"

	"vigil/internal/event"
)

func init() {
	register(fn2(add), "+")
	register(fn2(sub), "-")
	register(fn2(mul), "*")
	register(fn2(div), "/")
	register(fn2(mod), "%")
	register(fn1(neg), "neg")
}

// Arithmetic is null when an operand is null or the kinds do not combine.
// long op long is long (wrapping on overflow, as two's complement); a real
// operand makes the result real. Datetimes and timespans combine as
// Kusto's do: datetime±timespan, datetime-datetime, timespan±timespan,
// timespan*number, timespan/number, timespan/timespan (real).

func add(a, b event.Value) event.Value {
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == event.KindLong && kb == event.KindLong:
		return event.Long(a.AsLong() + b.AsLong())
	case a.IsNumber() && b.IsNumber():
		return event.Real(a.AsReal() + b.AsReal())
	case ka == event.KindDatetime && kb == event.KindTimespan:
		return event.DatetimeNanos(a.AsLong() + b.AsLong())
	case ka == event.KindTimespan && kb == event.KindDatetime:
		return event.DatetimeNanos(a.AsLong() + b.AsLong())
	case ka == event.KindTimespan && kb == event.KindTimespan:
		return event.Timespan(time.Duration(a.AsLong() + b.AsLong()))
	}
	return event.Null
}

func sub(a, b event.Value) event.Value {
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == event.KindLong && kb == event.KindLong:
		return event.Long(a.AsLong() - b.AsLong())
	case a.IsNumber() && b.IsNumber():
		return event.Real(a.AsReal() - b.AsReal())
	case ka == event.KindDatetime && kb == event.KindTimespan:
		return event.DatetimeNanos(a.AsLong() - b.AsLong())
	case ka == event.KindDatetime && kb == event.KindDatetime:
		return event.Timespan(time.Duration(a.AsLong() - b.AsLong()))
	case ka == event.KindTimespan && kb == event.KindTimespan:
		return event.Timespan(time.Duration(a.AsLong() - b.AsLong()))
	}
	return event.Null
}

func mul(a, b event.Value) event.Value {
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == event.KindLong && kb == event.KindLong:
		return event.Long(a.AsLong() * b.AsLong())
	case a.IsNumber() && b.IsNumber():
		return event.Real(a.AsReal() * b.AsReal())
	case ka == event.KindTimespan && b.IsNumber():
		return event.Timespan(time.Duration(math.Round(float64(a.AsLong()) * b.AsReal())))
	case a.IsNumber() && kb == event.KindTimespan:
		return event.Timespan(time.Duration(math.Round(a.AsReal() * float64(b.AsLong()))))
	}
	return event.Null
}

func div(a, b event.Value) event.Value {
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == event.KindLong && kb == event.KindLong:
		if b.AsLong() == 0 || (a.AsLong() == math.MinInt64 && b.AsLong() == -1) {
			return event.Null
		}
		return event.Long(a.AsLong() / b.AsLong())
	case a.IsNumber() && b.IsNumber():
		return event.Real(a.AsReal() / b.AsReal())
	case ka == event.KindTimespan && kb == event.KindTimespan:
		return event.Real(float64(a.AsLong()) / float64(b.AsLong()))
	case ka == event.KindTimespan && b.IsNumber():
		if b.AsReal() == 0 {
			return event.Null
		}
		return event.Timespan(time.Duration(math.Round(float64(a.AsLong()) / b.AsReal())))
	}
	return event.Null
}

func mod(a, b event.Value) event.Value {
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == event.KindLong && kb == event.KindLong, ka == event.KindTimespan && kb == event.KindTimespan:
		if b.AsLong() == 0 || b.AsLong() == -1 {
			if b.AsLong() == -1 {
				return sameKind(a, 0)
			}
			return event.Null
		}
		return sameKind(a, a.AsLong()%b.AsLong())
	case a.IsNumber() && b.IsNumber():
		if b.AsReal() == 0 {
			return event.Null
		}
		return event.Real(math.Mod(a.AsReal(), b.AsReal()))
	}
	return event.Null
}

func sameKind(like event.Value, n int64) event.Value {
	if like.Kind() == event.KindTimespan {
		return event.Timespan(time.Duration(n))
	}
	return event.Long(n)
}

func neg(a event.Value) event.Value {
	switch a.Kind() {
	case event.KindLong:
		return event.Long(-a.AsLong())
	case event.KindReal:
		return event.Real(-a.AsReal())
	case event.KindTimespan:
		return event.Timespan(-a.Duration())
	}
	return event.Null
}
