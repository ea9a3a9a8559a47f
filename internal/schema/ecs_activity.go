package schema

import (
	"sort"
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// ecsRows is a table of flattened documents.
type ecsRows struct {
	schema plan.Schema
	rows   [][]event.Value
}

// ecsDateFields are the fields of activity-log documents mapped as dates.
var ecsDateFields = map[string]bool{"@timestamp": true, "event.ingested": true, "event.created": true, "event.start": true, "event.end": true}

// ecsFlatten appends the fields of a document value under prefix as dotted
// paths: objects are descended, arrays and scalars are leaves.
func ecsFlatten(out []event.Member, prefix string, v event.Value) []event.Member {
	if v.Kind() != event.KindObject {
		return append(out, event.Member{Key: prefix, Value: v})
	}
	for i := 0; i < v.Len(); i++ {
		name := v.Key(i)
		if prefix != "" {
			name = prefix + "." + name
		}
		out = ecsFlatten(out, name, v.Elem(i))
	}
	return out
}

// newActivityTable flattens the activity-log documents, infers column types
// and orders rows by the timestamp by (rows without one last, in input
// order). It returns the table and the sorted times of its timed rows.
func newActivityTable(docs []event.Row, by ECSTime) (*ecsRows, []int64) {
	type doc struct {
		fields []event.Member
		t      int64
		timed  bool
		idx    int
	}
	kinds := map[string]plan.Type{}
	seen := map[string]bool{}
	ds := make([]doc, 0, len(docs))
	for i, r := range docs {
		var fields []event.Member
		for _, c := range r.Cells {
			v, err := event.ParseJSON(c.Raw)
			if err != nil {
				v = event.String(c.Raw)
			}
			fields = ecsFlatten(fields, c.Name, v)
		}
		d := doc{idx: i}
		for j := range fields {
			f := &fields[j]
			if ecsDateFields[f.Key] {
				f.Value = ecsDate(f.Value)
			}
			if f.Value.IsNull() {
				continue
			}
			t := plan.TypeOfKind(f.Value.Kind())
			switch prev, ok := kinds[f.Key]; {
			case !ok:
				kinds[f.Key] = t
			case prev == t:
			case prev.IsNumeric() && t.IsNumeric():
				kinds[f.Key] = plan.TypeReal
			default:
				kinds[f.Key] = plan.TypeDynamic
			}
			seen[f.Key] = true
		}
		d.fields = fields
		d.t, d.timed = ecsDocTime(fields, by)
		ds = append(ds, d)
	}
	for _, d := range ds {
		for _, f := range d.fields {
			if !seen[f.Key] {
				seen[f.Key] = true
				kinds[f.Key] = plan.TypeUnknown
			}
		}
	}
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	schema := make(plan.Schema, len(names))
	pos := make(map[string]int, len(names))
	for i, n := range names {
		t := kinds[n]
		if t == plan.TypeUnknown {
			t = plan.TypeDynamic
		}
		schema[i] = plan.Column{Name: n, Type: t}
		pos[n] = i
	}
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.timed != b.timed {
			return a.timed
		}
		return a.timed && a.t < b.t
	})
	tab := &ecsRows{schema: schema, rows: make([][]event.Value, len(ds))}
	var times []int64
	for i, d := range ds {
		row := make([]event.Value, len(schema))
		for _, f := range d.fields {
			j := pos[f.Key]
			if t := schema[j].Type; t == plan.TypeReal && f.Value.Kind() == event.KindLong {
				row[j] = event.Real(f.Value.AsReal())
			} else {
				row[j] = f.Value
			}
		}
		tab.rows[i] = row
		if d.timed {
			times = append(times, d.t)
		}
	}
	return tab, times
}

// ecsDate reads a date field: an RFC 3339 string or epoch milliseconds.
func ecsDate(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindString:
		if lo, _, ok := plan.KueryDate(v.Str()); ok {
			if t, err := time.Parse(time.RFC3339Nano, v.Str()); err == nil {
				return event.Datetime(t)
			}
			return event.DatetimeNanos(lo * 1e6)
		}
	case event.KindLong:
		return event.DatetimeNanos(v.AsLong() * 1e6)
	case event.KindDatetime:
		return v
	}
	return event.Null
}

// ecsDocTime is the window time of a flattened document.
func ecsDocTime(fields []event.Member, by ECSTime) (int64, bool) {
	names := []string{"event.ingested", "@timestamp"}
	if by == ECSTimestamp {
		names = names[1:]
	}
	for _, n := range names {
		for _, f := range fields {
			if f.Key == n && f.Value.Kind() == event.KindDatetime {
				return f.Value.Time().UnixNano(), true
			}
		}
	}
	return 0, false
}
