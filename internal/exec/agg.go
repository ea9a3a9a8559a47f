package exec

import (
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// aggSpec is a compiled aggregation: its arguments, the columns it carries
// (arg_max and friends) and a constructor of per-group states.
type aggSpec struct {
	fn    string
	args  []evalFn
	carry []evalFn
	limit int // size limit of make_set, make_list, make_bag
	state func(s *aggSpec) aggState
}

// width is the number of output columns of the aggregation.
func (s *aggSpec) width() int { return 1 + len(s.carry) }

func (s *aggSpec) newState() aggState { return s.state(s) }

// aggState accumulates one group. add sees every row of the group (valid
// only during the call); result writes width() values.
type aggState interface {
	add(row []event.Value)
	result(out []event.Value)
}

// defaultSetSize is Kusto's default and maximum size of make_set/make_list.
const defaultSetSize = 1048576

// aggregations implements the aggregate entries of the plan catalogue.
var aggregations = map[string]func(s *aggSpec) aggState{
	"count":   func(*aggSpec) aggState { return &countState{} },
	"countif": func(s *aggSpec) aggState { return &countState{pred: s.args[0]} },
	"dcount":  func(s *aggSpec) aggState { return &dcountState{arg: s.args[0], seen: map[string]struct{}{}} },
	"dcountif": func(s *aggSpec) aggState {
		return &dcountState{arg: s.args[0], pred: s.args[1], seen: map[string]struct{}{}}
	},
	"min":      func(s *aggSpec) aggState { return &extremeState{arg: s.args[0], sign: -1} },
	"max":      func(s *aggSpec) aggState { return &extremeState{arg: s.args[0], sign: 1} },
	"arg_min":  func(s *aggSpec) aggState { return &extremeState{arg: s.args[0], sign: -1, carry: s.carry} },
	"arg_max":  func(s *aggSpec) aggState { return &extremeState{arg: s.args[0], sign: 1, carry: s.carry} },
	"take_any": func(s *aggSpec) aggState { return &extremeState{arg: s.args[0], carry: s.carry} },
	"sum":      func(s *aggSpec) aggState { return &sumState{arg: s.args[0]} },
	"avg":      func(s *aggSpec) aggState { return &avgState{arg: s.args[0]} },
	"make_set": func(s *aggSpec) aggState {
		return &listState{arg: s.args[0], limit: s.limit, distinct: true}
	},
	"make_set_if": func(s *aggSpec) aggState {
		return &listState{arg: s.args[0], pred: s.args[1], limit: s.limit, distinct: true}
	},
	"make_list":    func(s *aggSpec) aggState { return &listState{arg: s.args[0], limit: s.limit} },
	"make_list_if": func(s *aggSpec) aggState { return &listState{arg: s.args[0], pred: s.args[1], limit: s.limit} },
	"make_bag":     func(s *aggSpec) aggState { return &bagState{arg: s.args[0], limit: s.limit} },
}

func (c *compiler) aggSpec(a *plan.Agg, in plan.Schema) (*aggSpec, error) {
	state, ok := aggregations[a.Func]
	if !ok {
		return nil, plan.Errorf(a.At, "not supported yet: aggregation '%s'", a.Func)
	}
	args, err := c.exprs(a.Args, in)
	if err != nil {
		return nil, err
	}
	s := &aggSpec{fn: a.Func, args: args, state: state, limit: defaultSetSize}
	for _, cr := range a.Carry {
		f, err := c.expr(cr.Expr, in)
		if err != nil {
			return nil, err
		}
		s.carry = append(s.carry, f)
	}
	limitArg := -1
	switch a.Func {
	case "make_set", "make_list", "make_bag":
		limitArg = 1
	case "make_set_if", "make_list_if":
		limitArg = 2
	}
	if limitArg >= 0 && limitArg < len(a.Args) {
		v := a.Args[limitArg].(*plan.Literal).Value // plan.Check made sure it is a literal
		if v.Kind() != event.KindLong || v.AsLong() <= 0 {
			return nil, plan.Errorf(a.Args[limitArg].Span(), "%s: size limit must be a positive integer", a.Func)
		}
		s.limit = int(min(v.AsLong(), defaultSetSize))
	}
	return s, nil
}

// countState implements count and countif.
type countState struct {
	pred evalFn
	n    int64
}

func (s *countState) add(row []event.Value) {
	if s.pred == nil || isTrue(s.pred(row)) {
		s.n++
	}
}

func (s *countState) result(out []event.Value) { out[0] = event.Long(s.n) }

// dcountState counts distinct non-null values exactly (Kusto estimates with
// HyperLogLog; an exact count is within its error bounds).
type dcountState struct {
	arg, pred evalFn
	seen      map[string]struct{}
	key       []byte
}

func (s *dcountState) add(row []event.Value) {
	if s.pred != nil && !isTrue(s.pred(row)) {
		return
	}
	v := s.arg(row)
	if v.IsNull() {
		return
	}
	s.key = event.AppendKey(s.key[:0], v)
	if _, ok := s.seen[string(s.key)]; !ok {
		s.seen[string(s.key)] = struct{}{}
	}
}

func (s *dcountState) result(out []event.Value) { out[0] = event.Long(int64(len(s.seen))) }

// extremeState implements min, max (sign ±1, no carry), arg_min, arg_max
// (with carried columns of the selected row) and take_any (sign 0: the first
// non-null value). Nulls are ignored; the first row wins ties.
type extremeState struct {
	arg     evalFn
	sign    int
	carry   []evalFn
	has     bool
	best    event.Value
	carried []event.Value
}

func (s *extremeState) add(row []event.Value) {
	v := s.arg(row)
	if v.IsNull() {
		return
	}
	if s.has && (s.sign == 0 || event.Compare(v, s.best)*s.sign <= 0) {
		return
	}
	s.has, s.best = true, v
	if len(s.carry) > 0 {
		if s.carried == nil {
			s.carried = make([]event.Value, len(s.carry))
		}
		for i, f := range s.carry {
			s.carried[i] = f(row)
		}
	}
}

func (s *extremeState) result(out []event.Value) {
	out[0] = s.best
	for i := range s.carry {
		if s.carried != nil {
			out[1+i] = s.carried[i]
		} else {
			out[1+i] = event.Null
		}
	}
}

// sumState sums numbers (long stays long unless a real appears) or
// timespans; other kinds are ignored.
type sumState struct {
	arg    evalFn
	kind   event.Kind // KindNull until a value is seen
	long   int64
	real   float64
	isReal bool
}

func (s *sumState) add(row []event.Value) {
	v := s.arg(row)
	switch v.Kind() {
	case event.KindLong, event.KindBool:
		if s.kind == event.KindTimespan {
			return
		}
		s.kind = event.KindLong
		s.long += v.AsLong()
		s.real += float64(v.AsLong())
	case event.KindReal:
		if s.kind == event.KindTimespan {
			return
		}
		s.kind, s.isReal = event.KindLong, true
		s.real += v.AsReal()
	case event.KindTimespan:
		if s.kind == event.KindLong {
			return
		}
		s.kind = event.KindTimespan
		s.long += v.AsLong()
	}
}

func (s *sumState) result(out []event.Value) {
	switch {
	case s.kind == event.KindNull:
		out[0] = event.Null
	case s.kind == event.KindTimespan:
		out[0] = event.Timespan(time.Duration(s.long))
	case s.isReal:
		out[0] = event.Real(s.real)
	default:
		out[0] = event.Long(s.long)
	}
}

// avgState averages numbers as real.
type avgState struct {
	arg evalFn
	sum float64
	n   int64
}

func (s *avgState) add(row []event.Value) {
	if v := s.arg(row); v.IsNumber() {
		s.sum += v.AsReal()
		s.n++
	}
}

func (s *avgState) result(out []event.Value) {
	if s.n == 0 {
		out[0] = event.Null
		return
	}
	out[0] = event.Real(s.sum / float64(s.n))
}

// listState implements make_list and make_set (distinct): non-null values
// in order of first appearance, at most limit; make_set drops duplicates and
// takes the elements of array inputs.
type listState struct {
	arg, pred evalFn
	limit     int
	distinct  bool
	set       map[string]struct{} // allocated on the first value
	elems     []event.Value
	key       []byte
}

func (s *listState) add(row []event.Value) {
	if len(s.elems) >= s.limit || (s.pred != nil && !isTrue(s.pred(row))) {
		return
	}
	v := s.arg(row)
	if s.distinct && v.Kind() == event.KindArray {
		for _, e := range v.Elems() {
			s.addOne(e)
		}
		return
	}
	s.addOne(v)
}

func (s *listState) addOne(v event.Value) {
	if v.IsNull() || len(s.elems) >= s.limit {
		return
	}
	if s.distinct {
		if s.set == nil {
			s.set = map[string]struct{}{}
		}
		s.key = event.AppendKey(s.key[:0], v)
		if _, dup := s.set[string(s.key)]; dup {
			return
		}
		s.set[string(s.key)] = struct{}{}
	}
	s.elems = append(s.elems, v)
}

func (s *listState) result(out []event.Value) {
	out[0] = event.Array(append([]event.Value(nil), s.elems...)...)
}

// bagState merges object inputs; the first value of a key wins.
type bagState struct {
	arg     evalFn
	limit   int
	members []event.Member
	keys    map[string]struct{}
}

func (s *bagState) add(row []event.Value) {
	v := s.arg(row)
	if v.Kind() != event.KindObject {
		return
	}
	if s.keys == nil {
		s.keys = map[string]struct{}{}
	}
	for i := 0; i < v.Len() && len(s.members) < s.limit; i++ {
		k := v.Key(i)
		if _, dup := s.keys[k]; dup {
			continue
		}
		s.keys[k] = struct{}{}
		s.members = append(s.members, event.Member{Key: k, Value: v.Elem(i)})
	}
}

func (s *bagState) result(out []event.Value) { out[0] = event.Object(s.members...) }
