package exec

import (
	"sort"
	"strings"

	"vigil/internal/event"
)

// The spl.* aggregations (semantics in plan/catalog_spl.go). Each takes the
// values of a multivalue argument one by one and ignores nulls.

func init() {
	aggregations["spl.count"] = func(s *aggSpec) aggState { return &splCountState{arg: s.args[0]} }
	aggregations["spl.dc"] = func(s *aggSpec) aggState { return &splSetState{arg: s.args[0], count: true} }
	aggregations["spl.values"] = func(s *aggSpec) aggState { return &splSetState{arg: s.args[0]} }
	aggregations["spl.list"] = func(s *aggSpec) aggState { return &splListState{arg: s.args[0]} }
	aggregations["spl.min"] = func(s *aggSpec) aggState { return &splExtremeState{arg: s.args[0], sign: -1} }
	aggregations["spl.max"] = func(s *aggSpec) aggState { return &splExtremeState{arg: s.args[0], sign: 1} }
	aggregations["spl.avg"] = func(s *aggSpec) aggState { return &splSumState{arg: s.args[0], avg: true} }
	aggregations["spl.sum"] = func(s *aggSpec) aggState { return &splSumState{arg: s.args[0]} }
	aggregations["spl.earliest"] = func(s *aggSpec) aggState { return &splTimedState{arg: s.args[0], time: s.args[1], sign: -1} }
	aggregations["spl.latest"] = func(s *aggSpec) aggState { return &splTimedState{arg: s.args[0], time: s.args[1], sign: 1} }
	aggregations["spl.first"] = func(s *aggSpec) aggState { return &splTimedState{arg: s.args[0]} }
	aggregations["spl.last"] = func(s *aggSpec) aggState { return &splTimedState{arg: s.args[0], last: true} }
}

type splCountState struct {
	arg evalFn
	n   int64
}

func (s *splCountState) add(row []event.Value) { s.n += int64(len(splValues(s.arg(row)))) }

func (s *splCountState) result(out []event.Value) { out[0] = event.Long(s.n) }

// splSetState implements dc (count) and values: distinct values by text.
type splSetState struct {
	arg   evalFn
	count bool
	seen  map[string]event.Value
}

func (s *splSetState) add(row []event.Value) {
	for _, v := range splValues(s.arg(row)) {
		if v.IsNull() {
			continue
		}
		if s.seen == nil {
			s.seen = map[string]event.Value{}
		}
		t := splText(v)
		if _, ok := s.seen[t]; !ok {
			s.seen[t] = v
		}
	}
}

func (s *splSetState) result(out []event.Value) {
	if s.count {
		out[0] = event.Long(int64(len(s.seen)))
		return
	}
	keys := make([]string, 0, len(s.seen))
	for k := range s.seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]event.Value, len(keys))
	for i, k := range keys {
		vals[i] = s.seen[k]
	}
	out[0] = splMV(vals)
}

// splListLimit is SPL's default cap of list().
const splListLimit = 100

type splListState struct {
	arg  evalFn
	vals []event.Value
}

func (s *splListState) add(row []event.Value) {
	for _, v := range splValues(s.arg(row)) {
		if !v.IsNull() && len(s.vals) < splListLimit {
			s.vals = append(s.vals, v)
		}
	}
}

func (s *splListState) result(out []event.Value) {
	out[0] = splMV(append([]event.Value(nil), s.vals...))
}

// splExtremeState implements min and max: numbers win over text.
type splExtremeState struct {
	arg            evalFn
	sign           int
	num, str       event.Value
	hasNum, hasStr bool
	numKey         event.Value
	strText        string // splText(str), kept so it is not made again per row
}

func (s *splExtremeState) add(row []event.Value) {
	for _, v := range splValues(s.arg(row)) {
		if v.IsNull() {
			continue
		}
		if n, ok := splNum(v); ok {
			if !s.hasNum || event.Compare(n, s.numKey)*s.sign > 0 {
				s.num, s.numKey, s.hasNum = v, n, true
			}
			continue
		}
		if t := splText(v); !s.hasStr || strings.Compare(t, s.strText)*s.sign > 0 {
			s.str, s.strText, s.hasStr = v, t, true
		}
	}
}

func (s *splExtremeState) result(out []event.Value) {
	switch {
	case s.hasNum:
		out[0] = s.num
	case s.hasStr:
		out[0] = s.str
	default:
		out[0] = event.Null
	}
}

type splSumState struct {
	arg    evalFn
	avg    bool
	n      int64
	long   int64
	real   float64
	isReal bool
}

func (s *splSumState) add(row []event.Value) {
	for _, v := range splValues(s.arg(row)) {
		n, ok := splNum(v)
		if !ok {
			continue
		}
		s.n++
		s.real += n.AsReal()
		if n.Kind() == event.KindLong {
			s.long += n.AsLong()
		} else {
			s.isReal = true
		}
	}
}

func (s *splSumState) result(out []event.Value) {
	switch {
	case s.n == 0:
		out[0] = event.Null
	case s.avg:
		out[0] = event.Real(s.real / float64(s.n))
	case s.isReal:
		out[0] = event.Real(s.real)
	default:
		out[0] = event.Long(s.long)
	}
}

// splTimedState implements earliest and latest (by the time argument,
// sign ∓1) and first and last (input order).
type splTimedState struct {
	arg, time evalFn
	sign      int
	last      bool
	has       bool
	best      event.Value
	bestTime  event.Value
}

func (s *splTimedState) add(row []event.Value) {
	v := s.arg(row)
	if v.IsNull() {
		return
	}
	if s.time == nil {
		if !s.has || s.last {
			s.best, s.has = v, true
		}
		return
	}
	t := s.time(row)
	if t.IsNull() {
		return
	}
	if s.has && splCompare(t, s.bestTime)*s.sign <= 0 {
		return
	}
	s.best, s.bestTime, s.has = v, t, true
}

func (s *splTimedState) result(out []event.Value) {
	if !s.has {
		out[0] = event.Null
		return
	}
	out[0] = s.best
}
