package schema

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/jsontext"
	"vigil/internal/plan"
)

// The Splunk sourcetypes vigil shows sign-ins under (SEMANTICS.md §A.4,
// §A.5).
const (
	// AzureMonitorAAD is the Splunk Add-on for Microsoft Cloud Services'
	// sourcetype of Azure Monitor diagnostic records read from an Event
	// Hub: every sign-in, as its diagnostic record.
	AzureMonitorAAD = "azure:monitor:aad"
	// O365GraphAPI is the sourcetype of Microsoft Graph signIn objects:
	// every sign-in, as its Graph object.
	O365GraphAPI = "o365:graph:api"
)

// The Splunk views' contract with the SPL front-end. A Splunk event is a set
// of named fields, each holding one or more text values; the views are
// tables whose columns are those fields (the union over the data, plus the
// fields every event of the sourcetype may have), so:
//
//   - a column is named by the field's flattened name exactly as Splunk
//     writes it ("properties.status.errorCode",
//     "properties.authenticationDetails{}.succeeded");
//   - a field an event does not have is null in its row;
//   - a field that comes from a JSON array (its name has "{}") is of type
//     dynamic and holds a string when the event has one value, an array
//     of strings when it has several (a Splunk multivalue field); every
//     other field is of type string. JSON numbers and booleans are their
//     JSON text ("65004", "true"), as KV_MODE=json extracts them. JSON nulls
//     and empty arrays give no value (UNVERIFIED: Splunk may keep a JSON
//     null as the text "null");
//   - _time is of type datetime, the event's time (the SPL lowering turns
//     it into epoch seconds, as SPL sees _time, right after the scan);
//   - sourcetype is the table's name, source the file the sign-in was read
//     from.
const (
	// SplunkTime is the column of an event's time.
	SplunkTime = "_time"
)

// SplunkOptions tune the Splunk views.
type SplunkOptions struct {
	// TAFields are the add-on fields of azure:monitor:aad events; nil
	// means DefaultAADFields.
	TAFields []TAField
}

// Splunk is the Splunk index vigil searches: every canonical sign-in as an
// event of each sourcetype (AzureMonitorAAD, O365GraphAPI), by sourcetype
// name. It implements exec.Catalog and plan.Resolver.
//
// Which sign-ins feed which sourcetype: every sign-in feeds both, whatever
// shape it was read from, since both pipelines see every sign-in of a
// tenant. Each view renders what that pipeline would have stored, from the
// facts the source carried and no others: a sign-in read from a Graph
// export has no diagnostic-record envelope (time, tenantId,
// callerIpAddress, operationName, category, …), so its azure:monitor:aad
// event lacks those fields and the add-on fields computed from them (dest,
// src, signature, …); a Log Analytics export carries no callerIpAddress, so
// neither src nor src_ip. Nothing is invented.
//
// _time of azure:monitor:aad is the record time (the envelope's "time",
// Log Analytics TimeGenerated, Elastic @timestamp), else createdDateTime.
// _time of o365:graph:api is createdDateTime, else the record time:
// SEMANTICS.md §A.5 leaves the add-on's timestamp field UNVERIFIED; the
// signIn object's only time is createdDateTime, which is what a timestamp
// extraction on the object can find.
//
// A Splunk is immutable and safe for concurrent use; Window returns a
// restricted copy that shares its events.
type Splunk struct {
	views    map[string]*splunkView
	windowed bool
	from, to int64 // [from, to) in Unix nanoseconds
}

// splunkView is one sourcetype: its columns and its events in _time order.
// Events without a _time are in no window but in the unwindowed view.
type splunkView struct {
	name   string
	schema plan.Schema
	index  map[string]int
	render func(ev *event.SignIn, f *flat)
	ta     []taField
	// fieldCol is the column of each canonical field's flattened name
	// (-1: none), so that rows are filled without looking names up.
	fieldCol [event.NumFields]int
	evs      []*event.SignIn
	times    []int64
	timeCol  int
	srcCol   int
	// need, when set, holds the columns scans build (see Needing), and
	// prefixes the names of the JSON fields worth flattening for them.
	need     []bool
	prefixes map[string]bool
	typeCol  int
}

// taField is a TAField with the columns it reads resolved.
type taField struct {
	col  int
	expr TAExpr
}

// NewSplunk builds the Splunk views of the sign-ins evs. It keeps pointers
// into evs, which must not change while the views are in use.
func NewSplunk(evs []event.SignIn, opts SplunkOptions) *Splunk {
	ta := opts.TAFields
	if ta == nil {
		ta = DefaultAADFields()
	}
	s := &Splunk{views: map[string]*splunkView{}, from: math.MinInt64, to: math.MaxInt64}
	s.views[AzureMonitorAAD] = newSplunkView(AzureMonitorAAD, evs, renderAAD, aadTime, aadStatic(), ta)
	s.views[O365GraphAPI] = newSplunkView(O365GraphAPI, evs, renderGraph, graphTime, graphStatic(), nil)
	return s
}

func newSplunkView(name string, evs []event.SignIn, render func(*event.SignIn, *flat), timeOf func(*event.SignIn) (int64, bool), static []string, ta []TAField) *splunkView {
	v := &splunkView{name: name, render: render}
	names := map[string]bool{}
	for _, n := range static {
		names[n] = true
	}
	for _, f := range ta {
		names[f.Name] = true
	}
	var timed, untimed []entry
	// Only arrays, objects and unknown members name fields beyond the
	// static ones: find them without rendering the rest.
	f := &flat{discover: names}
	for i := range evs {
		render(&evs[i], f)
		if t, ok := timeOf(&evs[i]); ok {
			timed = append(timed, entry{time: t, idx: i})
		} else {
			untimed = append(untimed, entry{idx: i})
		}
	}
	sortEntries(timed)
	for _, e := range timed {
		v.evs = append(v.evs, &evs[e.idx])
		v.times = append(v.times, e.time)
	}
	for _, e := range untimed {
		v.evs = append(v.evs, &evs[e.idx])
	}
	cols := make([]string, 0, len(names)+3)
	for n := range names {
		if n != SplunkTime && n != "sourcetype" && n != "source" {
			cols = append(cols, n)
		}
	}
	sort.Strings(cols)
	v.schema = plan.Schema{{Name: SplunkTime, Type: plan.TypeDatetime}, {Name: "sourcetype", Type: plan.TypeString}, {Name: "source", Type: plan.TypeString}}
	for _, n := range cols {
		t := plan.TypeString
		if strings.Contains(n, "{}") {
			t = plan.TypeDynamic
		}
		v.schema = append(v.schema, plan.Column{Name: n, Type: t})
	}
	v.index = make(map[string]int, len(v.schema))
	for i, c := range v.schema {
		v.index[c.Name] = i
	}
	v.timeCol, v.typeCol, v.srcCol = 0, 1, 2
	for _, f := range ta {
		v.ta = append(v.ta, taField{col: v.index[f.Name], expr: f.Expr})
	}
	names0 := aadPropNames
	if name == O365GraphAPI {
		names0 = graphPropNames
	}
	for fl := range v.fieldCol {
		v.fieldCol[fl] = -1
		if j, ok := v.index[names0[fl]]; ok && names0[fl] != "" {
			v.fieldCol[fl] = j
		}
	}
	return v
}

// Needing returns the views restricted to the columns each table's reader
// needs (plan.TableColumns of a compiled search, by sourcetype): scans build
// only those columns — and the raw fields the add-on fields among them are
// computed from — and leave the others null, and flatten only the JSON
// fields that hold needed columns. Most of a sign-in's bytes are in arrays
// no search reads, so this is most of a scan's cost. Tables not in cols are
// unchanged.
func (s *Splunk) Needing(cols map[string][]string) *Splunk {
	w := *s
	w.views = make(map[string]*splunkView, len(s.views))
	for name, v := range s.views {
		need, ok := cols[name]
		if !ok {
			w.views[name] = v
			continue
		}
		nv := *v
		nv.need = make([]bool, len(v.schema))
		nv.prefixes = map[string]bool{}
		mark := func(c string) {
			if j, ok := v.index[c]; ok {
				nv.need[j] = true
			}
			for i := 0; i < len(c); i++ {
				if c[i] == '.' || c[i] == '{' {
					nv.prefixes[c[:i]] = true
				}
			}
			// Unknown members are flattened under their own path, with or
			// without the properties. prefix.
			if rest, ok := strings.CutPrefix(c, "properties."); ok {
				for i := 0; i < len(rest); i++ {
					if rest[i] == '.' || rest[i] == '{' {
						nv.prefixes[rest[:i]] = true
					}
				}
			}
		}
		for _, c := range need {
			mark(c)
		}
		nv.need[v.timeCol], nv.need[v.typeCol], nv.need[v.srcCol] = true, true, true
		for _, ta := range v.ta {
			if nv.need[ta.col] {
				ta.expr.fields(mark)
			}
		}
		w.views[name] = &nv
	}
	return &w
}

// Needs returns what computing the columns cols of the sourcetype table
// takes from the sign-ins (see Needs): the canonical field a column is
// flattened from (for an array or object field, every column under its
// name), the raw fields of the add-on fields among cols, and the times
// _time is taken from. Columns of other names are not computed from any
// field. Unknown members are always needed: they are flattened under their
// own names, and a member of the wrong type is kept as one under its
// field's name, so any column may hold them. The o365:graph:api view also
// reads operationName to tell a Graph record from a diagnostic record. A
// sourcetype the views do not have needs everything.
func (s *Splunk) Needs(table string, cols []string) Needs {
	v, ok := s.views[table]
	if !ok {
		return AllNeeds
	}
	n := needsExtra(event.FRecordTime, event.FCreatedDateTime, event.FOperationName)
	names := &aadPropNames
	if table == O365GraphAPI {
		names = &graphPropNames
	}
	seen := map[string]bool{}
	var mark func(c string)
	mark = func(c string) {
		if seen[c] {
			return
		}
		seen[c] = true
		if table == AzureMonitorAAD {
			for _, e := range aadEnvelope {
				if e.name == c {
					n.Fields.Add(e.field)
				}
			}
		}
		for fl := event.FID; fl < event.NumFields; fl++ {
			name := names[fl]
			if c == name || fl.Info().Type == event.FJSON && len(c) > len(name) && strings.HasPrefix(c, name) && (c[len(name)] == '.' || c[len(name)] == '{') {
				n.Fields.Add(fl)
			}
		}
		for _, ta := range v.ta {
			if v.schema[ta.col].Name == c {
				ta.expr.fields(mark)
			}
		}
	}
	for _, c := range cols {
		mark(c)
	}
	return n
}

// Window returns the views restricted to events whose _time is in
// [from, to): ESCU's earliest_time is inclusive, latest_time exclusive.
// Events without a _time are outside every window. A window of a windowed
// Splunk is the intersection of the two.
func (s *Splunk) Window(from, to time.Time) *Splunk {
	w := *s
	w.windowed = true
	if f := from.UnixNano(); f > w.from {
		w.from = f
	}
	if t := to.UnixNano(); t < w.to {
		w.to = t
	}
	return &w
}

// Span returns the earliest and latest _time over every sourcetype, and
// false when no event has one.
func (s *Splunk) Span() (first, last time.Time, ok bool) {
	for _, v := range s.views {
		if len(v.times) == 0 {
			continue
		}
		lo, hi := time.Unix(0, v.times[0]).UTC(), time.Unix(0, v.times[len(v.times)-1]).UTC()
		if !ok || lo.Before(first) {
			first = lo
		}
		if !ok || hi.After(last) {
			last = hi
		}
		ok = true
	}
	return first, last, ok
}

// Events returns the sign-ins that are events of sourcetype in the window
// [from, to) of _time, in _time order. The slice is shared with s.
func (s *Splunk) Events(sourcetype string, from, to time.Time) []*event.SignIn {
	v, ok := s.views[sourcetype]
	if !ok || !from.Before(to) {
		return nil
	}
	lo, _ := slices.BinarySearch(v.times, from.UnixNano())
	hi, _ := slices.BinarySearch(v.times, to.UnixNano())
	return v.evs[lo:hi]
}

// TableSchema implements plan.Resolver.
func (s *Splunk) TableSchema(name string) (plan.Schema, bool) {
	v, ok := s.views[name]
	if !ok {
		return nil, false
	}
	return v.schema, true
}

// Table implements exec.Catalog.
func (s *Splunk) Table(name string) (exec.Table, bool) {
	v, ok := s.views[name]
	if !ok {
		return nil, false
	}
	evs := v.evs
	if s.windowed {
		if s.from >= s.to {
			evs = nil
		} else {
			lo, _ := slices.BinarySearch(v.times, s.from)
			hi, _ := slices.BinarySearch(v.times, s.to)
			evs = v.evs[lo:hi]
		}
	}
	return &splunkTable{view: v, evs: evs}, true
}

// splunkTable is a view restricted to a window; rows are built during Scan.
type splunkTable struct {
	view *splunkView
	evs  []*event.SignIn
}

// Schema implements exec.Table.
func (t *splunkTable) Schema() plan.Schema { return t.view.schema }

// Scan implements exec.Table. The row passed to fn is rebuilt in place for
// the next event, as the exec.Table contract allows.
func (t *splunkTable) Scan(ctx context.Context, fn func(row []event.Value) error) error {
	v := t.view
	row := make([]event.Value, len(v.schema))
	f := &flat{index: v.index, fieldCol: &v.fieldCol, vals: make([][]string, len(v.schema)), need: v.need, prefixes: v.prefixes}
	typ := event.String(v.name)
	for i, ev := range t.evs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		v.fill(ev, f, row)
		row[v.typeCol] = typ
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

// fill writes the row of ev.
func (v *splunkView) fill(ev *event.SignIn, f *flat, row []event.Value) {
	for i := range row {
		row[i] = event.Null
	}
	f.reset()
	v.render(ev, f)
	// A field the event lacks has no value (nil), never the empty slice
	// reset leaves behind from the event before: aliases stay null,
	// coalesce and ifnull look past it.
	get := func(name string) []string {
		if j, ok := v.index[name]; ok && len(f.vals[j]) > 0 {
			return f.vals[j]
		}
		return nil
	}
	for _, j := range f.touched {
		vals := f.vals[j]
		if len(vals) > 1 && v.schema[j].Type != plan.TypeDynamic {
			vals = vals[len(vals)-1:] // a key given twice: the last one wins
		}
		row[j] = mvValue(vals)
	}
	for _, ta := range v.ta {
		if v.need != nil && !v.need[ta.col] {
			continue
		}
		if vals := ta.expr.eval(get); len(vals) > 0 {
			if len(vals) > 1 && v.schema[ta.col].Type != plan.TypeDynamic {
				vals = vals[:1]
			}
			row[ta.col] = mvValue(vals)
		}
	}
	if t, ok := v.timeOf(ev); ok {
		row[v.timeCol] = event.DatetimeNanos(t)
	}
	row[v.srcCol] = event.String(ev.Origin.File)
}

func (v *splunkView) timeOf(ev *event.SignIn) (int64, bool) {
	if v.name == O365GraphAPI {
		return graphTime(ev)
	}
	return aadTime(ev)
}

// mvValue is the Value of a field's values: one string, or an array of
// several.
func mvValue(vals []string) event.Value {
	if len(vals) == 1 {
		return event.String(vals[0])
	}
	elems := make([]event.Value, len(vals))
	for i, s := range vals {
		elems[i] = event.String(s)
	}
	return event.Array(elems...)
}

// flat receives an event flattened the way Splunk's KV_MODE=json does. It
// either collects the values of a view's columns (index set: vals[j] are
// the values of column j, touched the columns that have some), or, when
// discover is set, only the names of the fields that arrays, objects and
// unknown members give.
type flat struct {
	index    map[string]int
	fieldCol *[event.NumFields]int
	vals     [][]string
	touched  []int

	discover map[string]bool
	path     []byte // the name walk is at
	dec      jsontext.Decoder

	need     []bool          // columns to build; nil: all
	prefixes map[string]bool // JSON fields to flatten; nil: all
}

func (f *flat) reset() {
	for _, j := range f.touched {
		f.vals[j] = f.vals[j][:0]
	}
	f.touched = f.touched[:0]
}

func (f *flat) add(name, val string) {
	if f.discover != nil {
		f.discover[name] = true
		return
	}
	if j, ok := f.index[name]; ok {
		f.addCol(j, val)
	}
}

func (f *flat) addCol(j int, val string) {
	if f.need != nil && !f.need[j] {
		return
	}
	if len(f.vals[j]) == 0 {
		f.touched = append(f.touched, j)
	}
	f.vals[j] = append(f.vals[j], val)
}

// walk flattens the JSON value at d under the name in f.path, which it
// restores: object members as name.key, array elements as name{}, scalars as
// their JSON text (strings unescaped). Nulls give nothing. It reads the text
// as it is, without building Values: most of a sign-in's bytes are in these
// arrays, and most of their fields are read by no search.
func (f *flat) walk(d *jsontext.Decoder) {
	n := len(f.path)
	switch d.Peek() {
	case jsontext.Object:
		d.Object()
		for d.NextKey() {
			f.path = append(append(f.path[:n], '.'), d.Key()...)
			f.walk(d)
		}
	case jsontext.Array:
		d.Array()
		f.path = append(f.path[:n], '{', '}')
		for d.NextElem() {
			f.walk(d)
		}
	case jsontext.Null:
		d.Null()
	case jsontext.String:
		s, _ := d.Str()
		f.leaf(s)
	default:
		f.leaf(d.Raw())
	}
	f.path = f.path[:n]
}

// leaf records the value of the field named by f.path.
func (f *flat) leaf(text []byte) {
	if f.discover != nil {
		if !f.discover[string(f.path)] {
			f.discover[string(f.path)] = true
		}
		return
	}
	if j, ok := f.index[string(f.path)]; ok && (f.need == nil || f.need[j]) {
		f.addCol(j, string(text))
	}
}

// aadEnvelope are the diagnostic record's envelope members and the
// canonical fields they come from.
var aadEnvelope = []struct {
	name  string
	field event.Field
}{
	{"time", event.FRecordTime},
	{"resourceId", event.FRecordResourceID},
	{"operationName", event.FOperationName},
	{"operationVersion", event.FOperationVersion},
	{"category", event.FCategory},
	{"tenantId", event.FTenantID},
	{"resultType", event.FResultType},
	{"resultSignature", event.FResultSignature},
	{"resultDescription", event.FResultDescription},
	{"durationMs", event.FDurationMs},
	{"callerIpAddress", event.FCallerIPAddress},
	{"correlationId", event.FRecordCorrelationID},
	{"identity", event.FIdentity},
	{"Level", event.FLevel},
	{"location", event.FRecordLocation},
}

// aadStatic are the fields every azure:monitor:aad view has, whatever the
// data: the envelope and the properties of every scalar canonical field.
func aadStatic() []string {
	var out []string
	for _, e := range aadEnvelope {
		out = append(out, e.name)
	}
	for f := event.FID; f < event.NumFields; f++ {
		if f.Info().Type != event.FJSON {
			out = append(out, "properties."+f.String())
		}
	}
	return out
}

// graphStatic is the same for o365:graph:api.
func graphStatic() []string {
	var out []string
	for f := event.FID; f < event.NumFields; f++ {
		if f.Info().Type != event.FJSON {
			out = append(out, f.String())
		}
	}
	return out
}

// aadPropNames and graphPropNames are the flattened names of the
// canonical Graph fields in each view ("" for envelope fields).
var aadPropNames, graphPropNames = func() (a, g [event.NumFields]string) {
	for fl := event.FID; fl < event.NumFields; fl++ {
		a[fl], g[fl] = "properties."+fl.String(), fl.String()
	}
	return
}()

// renderAAD flattens the diagnostic record of a sign-in.
func renderAAD(ev *event.SignIn, f *flat) {
	if f.discover == nil {
		for _, e := range aadEnvelope {
			if s, ok := fieldText(ev, e.field, true); ok {
				f.add(e.name, s)
			}
		}
	}
	renderProperties(ev, f, &aadPropNames, true)
	for _, x := range ev.Extra {
		// Members of an Azure Monitor record vigil has no field for keep
		// their record path; those of other shapes have no place in it.
		if strings.HasPrefix(x.Name, "properties.") {
			addRaw(f, x.Name, x.Raw)
		}
	}
}

// renderGraph flattens the Graph signIn object of a sign-in.
func renderGraph(ev *event.SignIn, f *flat) {
	renderProperties(ev, f, &graphPropNames, false)
	graphShape := !ev.Has(event.FRecordTime) && !ev.Has(event.FOperationName)
	for _, x := range ev.Extra {
		switch {
		case strings.HasPrefix(x.Name, "properties."):
			addRaw(f, strings.TrimPrefix(x.Name, "properties."), x.Raw)
		case graphShape && x.Name != "" && x.Name[0] >= 'a' && x.Name[0] <= 'z':
			// A Graph record's own members (camelCase); Log Analytics
			// columns are PascalCase and Elastic ones are dotted
			// snake_case under azure., so neither is taken here.
			if !strings.Contains(x.Name, ".") {
				addRaw(f, x.Name, x.Raw)
			}
		}
	}
}

// addRaw flattens the JSON text raw under name. The decoder only reads its
// input, so the string's bytes are used in place.
func addRaw(f *flat, name, raw string) {
	if raw == "" || (f.prefixes != nil && f.discover == nil && !f.prefixes[name]) {
		return
	}
	f.dec.Reset(unsafe.Slice(unsafe.StringData(raw), len(raw)))
	f.path = append(f.path[:0], name...)
	f.walk(&f.dec)
}

// renderProperties flattens the sign-in's Graph properties under prefix.
// Azure Monitor records write userType capitalised (Member, Guest), Graph
// in lower case.
func renderProperties(ev *event.SignIn, f *flat, names *[event.NumFields]string, azmon bool) {
	for fl := event.FID; fl < event.NumFields; fl++ {
		if !ev.Has(fl) || ev.IsNull(fl) {
			continue
		}
		name := names[fl]
		if fl.Info().Type == event.FJSON {
			s, _ := ev.Str(fl)
			addRaw(f, name, s)
			continue
		}
		if f.discover != nil {
			continue // a static name
		}
		s, ok := fieldText(ev, fl, azmon)
		if !ok {
			continue
		}
		if fl == event.FUserType {
			s, _ = ev.UserType(!azmon)
		}
		if j := f.fieldCol[fl]; j >= 0 {
			f.addCol(j, s)
		}
	}
}

// fieldText is the JSON text Splunk extracts for a scalar canonical field:
// strings as written, numbers and booleans as JSON writes them, times as
// the literal the source wrote (ISO 8601 when there is none).
func fieldText(ev *event.SignIn, fl event.Field, azmon bool) (string, bool) {
	switch fl.Info().Type {
	case event.FString, event.FEnum, event.FJSON:
		if fl == event.FCategory && ev.Category != event.CategoryOther {
			return ev.Category.String(), true
		}
		return ev.Str(fl)
	case event.FInt:
		n, ok := ev.Int(fl)
		return strconv.FormatInt(n, 10), ok
	case event.FReal:
		r, ok := ev.Real(fl)
		return strconv.FormatFloat(r, 'g', -1, 64), ok
	case event.FBool:
		b, ok := ev.Bool(fl)
		return strconv.FormatBool(b), ok
	case event.FTime:
		if s, ok := ev.TimeLiteral(fl); ok && s != "" {
			return s, true
		}
		t, ok := ev.Time(fl)
		if !ok {
			return "", false
		}
		return event.Datetime(t).Text(), true
	}
	return "", false
}

// aadTime is the _time of a sign-in's azure:monitor:aad event.
// SplunkTimes returns the _time of a sign-in as an event of each
// sourcetype: azure:monitor:aad, then o365:graph:api.
func SplunkTimes(ev *event.SignIn) (aad int64, aadOK bool, graph int64, graphOK bool) {
	aad, aadOK = aadTime(ev)
	graph, graphOK = graphTime(ev)
	return
}

func aadTime(ev *event.SignIn) (int64, bool) {
	if t, ok := ev.Time(event.FRecordTime); ok {
		return t.UnixNano(), true
	}
	if t, ok := ev.Time(event.FCreatedDateTime); ok {
		return t.UnixNano(), true
	}
	return 0, false
}

// graphTime is the _time of a sign-in's o365:graph:api event.
func graphTime(ev *event.SignIn) (int64, bool) {
	if t, ok := ev.Time(event.FCreatedDateTime); ok {
		return t.UnixNano(), true
	}
	if t, ok := ev.Time(event.FRecordTime); ok {
		return t.UnixNano(), true
	}
	return 0, false
}

var (
	_ exec.Catalog  = (*Splunk)(nil)
	_ plan.Resolver = (*Splunk)(nil)
)
