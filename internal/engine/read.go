package engine

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"vigil/internal/event"
	"vigil/internal/input"
	"vigil/internal/jsontext"
	"vigil/internal/normalize"
	"vigil/internal/poison"
	"vigil/internal/schema"
)

// ReadOptions configure Read.
type ReadOptions struct {
	// Format forces the shape of JSON files; ShapeUnknown detects it per
	// file from its first record. CSV files are always Log Analytics CSV.
	Format input.Shape
	// Tables names the table of Log Analytics rows that carry no Type
	// column, per file path (--table NAME=PATH).
	Tables map[string]string
	// Strict makes the first problem fatal.
	Strict bool
	// Workers is the number of decoding goroutines; 0 means GOMAXPROCS.
	Workers int
	// Fields is the projection of canonical fields to decode; the zero set
	// means all of them.
	Fields event.FieldSet
	// KeepExtra keeps members that have no canonical field.
	KeepExtra bool
	// Progress, when set, is kept up to date while Read runs.
	Progress *Progress
	// Retain, when set, keeps only the sign-ins some rule can reach (see
	// Retention) and records which rules each one can reach.
	Retain *Retention
	// MaxRecord is the largest JSON record, in bytes, that is read; 0
	// means jsontext.MaxRecord (64 MiB). A larger one is a problem
	// (ReasonTooLarge) and is skipped to the end of its line without being
	// held in memory.
	MaxRecord int
}

// Progress counts what a Read has done so far. Its methods may be called
// from another goroutine while Read runs, to show progress.
type Progress struct {
	cur    atomic.Pointer[progressFile] // the file being read, or the last one
	events atomic.Int64
}

// progressFile is a file and the bytes of the files read before it, swapped
// in whole so that Bytes never goes back.
type progressFile struct {
	f    *input.File
	base int64
}

// Bytes is how many bytes of the input files on disk were read so far.
func (p *Progress) Bytes() int64 {
	if c := p.cur.Load(); c != nil {
		return c.base + c.f.BytesRead()
	}
	return 0
}

// Events is how many sign-ins were read so far.
func (p *Progress) Events() int64 { return p.events.Load() }

// Problem is bad input met while reading: a record that could not be read, or
// a member of one that could not be used. Reading goes on after it.
type Problem struct {
	File   string
	Line   int   // 1-based line, 0 when unknown
	Record int   // 1-based record number in the file, 0 when not tied to one
	Offset int64 // byte offset in the decompressed file, -1 when unknown
	Reason string
	Msg    string
}

// The reasons problems are counted under in the summary.
const (
	ReasonMalformed  = "malformed JSON"
	ReasonNotJSON    = "not JSON"
	ReasonTruncated  = "truncated input"
	ReasonReadError  = "read error"
	ReasonNotObject  = "record is not an object"
	ReasonUnknown    = "unknown shape"
	ReasonWrongType  = "member of the wrong type"
	ReasonNoTable    = "no table name"
	ReasonEmpty      = "empty file"
	ReasonBinary     = "binary file"
	ReasonNotExport  = "not an export"
	ReasonOpen       = "cannot open"
	ReasonBadCSV     = "malformed CSV"
	ReasonTooLarge   = "record too large"
	ReasonBadRecord  = "unreadable record"
	ReasonBadText    = "invalid UTF-8"
	ReasonBadSummary = "other"
)

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Record > 0 {
		fmt.Fprintf(&b, "record %d: ", p.Record)
	}
	if p.Line == 0 && p.Offset >= 0 {
		fmt.Fprintf(&b, "byte %d: ", p.Offset)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// FileInfo is what Read learnt about one file.
type FileInfo struct {
	Name     string
	Shape    input.Shape
	Gzip     bool
	UTF16    bool
	Records  int   // records met, good or bad
	Events   int   // sign-ins read (kept or not, see ReadOptions.Retain)
	Rows     int   // rows of other tables read
	Problems int   // problems met
	Bytes    int64 // bytes read from disk
}

// Data is everything Read produced.
type Data struct {
	Events []event.SignIn
	// masks, when Read ran a Retention, holds for each kept sign-in the
	// rules it can reach: words uint64 per sign-in, bit i for rule i of
	// the set. It is nil when every sign-in was kept.
	masks []uint64
	words int
	// Dropped counts the sign-ins read but not kept (Retention).
	Dropped int
	// Categories counts the sign-ins read, kept or not, by their category
	// as the source wrote it.
	Categories map[string]int
	// spans are the time ranges of every sign-in read, kept or not, when
	// Read ran a Retention: a schedule covers all the data read.
	spans  *spans
	retain *Retention

	Tables   map[string][]event.Row
	Files    []FileInfo
	Problems int            // problems met in all
	Reasons  map[string]int // problems per reason
	Bytes    int64          // bytes read from disk in all
}

// TableNames returns the names of the tables read, sorted.
func (d *Data) TableNames() []string {
	names := make([]string, 0, len(d.Tables))
	for n := range d.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Retained reports whether Read kept only the sign-ins some rule can reach
// (ReadOptions.Retain).
func (d *Data) Retained() bool { return d.retain != nil }

// SignIns is the number of sign-ins read, kept or not.
func (d *Data) SignIns() int { return len(d.Events) + d.Dropped }

// indexOf returns the position in d.Events of ev, which must point into it
// (the views hold such pointers).
func (d *Data) indexOf(ev *event.SignIn) int {
	return int((uintptr(unsafe.Pointer(ev)) - uintptr(unsafe.Pointer(&d.Events[0]))) / unsafe.Sizeof(d.Events[0]))
}

// spans are the time ranges of the sign-ins read (Unix nanoseconds): of
// their event time (record time, else creation time; Sentinel's
// TimeGenerated and the _time of azure:monitor:aad) and of o365:graph:api's
// _time.
type spans struct {
	event, graph span
}

type span struct {
	first, last int64
	ok          bool
}

func (s *span) add(t int64) {
	if !s.ok || t < s.first {
		s.first = t
	}
	if !s.ok || t > s.last {
		s.last = t
	}
	s.ok = true
}

func (s *span) merge(o span) {
	if o.ok {
		s.add(o.first)
		s.add(o.last)
	}
}

func (s *spans) add(ev *event.SignIn) {
	aad, aadOK, graph, graphOK := schema.SplunkTimes(ev)
	if aadOK {
		s.event.add(aad)
	}
	if graphOK {
		s.graph.add(graph)
	}
}

func (s span) times() (first, last time.Time, ok bool) {
	if !s.ok {
		return time.Time{}, time.Time{}, false
	}
	return time.Unix(0, s.first).UTC(), time.Unix(0, s.last).UTC(), true
}

// splunkSpan returns the span of _time of the Splunk views of the data.
func (d *Data) splunkSpan(v *schema.Splunk) (first, last time.Time, ok bool) {
	if d.spans == nil {
		return v.Span()
	}
	s := d.spans.event
	s.merge(d.spans.graph)
	return s.times()
}

// TimeRange returns the earliest and latest event time (record time, else
// creation time) of the sign-ins read.
func (d *Data) TimeRange() (first, last time.Time, ok bool) {
	if d.spans != nil {
		return d.spans.event.times()
	}
	for i := range d.Events {
		t, has := d.Events[i].EventTime()
		if !has {
			continue
		}
		if !ok || t.Before(first) {
			first = t
		}
		if !ok || t.After(last) {
			last = t
		}
		ok = true
	}
	return first, last, ok
}

// ErrStrict is returned (wrapped around the problem) when Strict stops Read.
var ErrStrict = errors.New("stopped at the first problem (--strict)")

// Read reads files (see input.Expand) into canonical events and tables,
// decoding records in parallel while keeping their order. Every problem is
// passed to report as it is met (report may be nil) and counted; without
// Strict, reading goes on after it. The returned error is non-nil only when
// Strict stopped reading.
func Read(files []string, opts ReadOptions, report func(Problem)) (*Data, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Fields == (event.FieldSet{}) {
		opts.Fields = event.AllFields
	}
	r := &reader{opts: opts, report: report, data: &Data{Tables: map[string][]event.Row{}, Reasons: map[string]int{}, Categories: map[string]int{}}}
	if opts.Retain != nil {
		r.words = opts.Retain.Words()
		r.matchers = make(chan *Matcher, opts.Workers)
		for range opts.Workers {
			r.matchers <- opts.Retain.Matcher()
		}
	}
	defer r.flatten()
	for _, name := range files {
		if err := r.file(name); err != nil {
			return r.data, err
		}
	}
	return r.data, nil
}

type reader struct {
	opts   ReadOptions
	report func(Problem)
	data   *Data
	info   *FileInfo
	failed error // set when Strict stops reading

	// Events are collected per batch and joined once at the end, rather
	// than appended to one slice that grows and copies as it goes.
	batches [][]event.SignIn
	masks   [][]uint64
	events  int
	words   int
	spans   spans

	matchers chan *Matcher // one per worker, reused from file to file
}

// flatten joins the collected batches into Data.Events.
func (r *reader) flatten() {
	r.data.Events = make([]event.SignIn, 0, r.events)
	for _, b := range r.batches {
		r.data.Events = append(r.data.Events, b...)
	}
	r.batches = nil
	if r.opts.Retain != nil {
		r.data.masks = make([]uint64, 0, r.events*r.words)
		for _, m := range r.masks {
			r.data.masks = append(r.data.masks, m...)
		}
		r.data.words = r.words
		r.data.spans = &r.spans
		r.data.retain = r.opts.Retain
		r.masks = nil
	}
}

// problem records p; it returns false when reading must stop.
func (r *reader) problem(p Problem) bool {
	r.data.Problems++
	r.data.Reasons[p.Reason]++
	if r.info != nil {
		r.info.Problems++
	}
	if r.report != nil {
		r.report(p)
	}
	if r.opts.Strict && r.failed == nil {
		r.failed = fmt.Errorf("%w: %w", ErrStrict, p)
	}
	return r.failed == nil
}

func (r *reader) file(name string) error {
	r.data.Files = append(r.data.Files, FileInfo{Name: name})
	r.info = &r.data.Files[len(r.data.Files)-1]
	f, err := input.Open(name)
	if err != nil {
		reason := ReasonOpen
		switch {
		case errors.Is(err, input.ErrEmpty):
			reason = ReasonEmpty
		case errors.Is(err, input.ErrBinary):
			reason = ReasonBinary
		case errors.Is(err, input.ErrNotExport):
			reason = ReasonNotExport
		}
		msg := err.Error()
		var pe interface{ Unwrap() error }
		if errors.As(err, &pe) && reason == ReasonOpen {
			msg = strings.TrimPrefix(msg, "open "+name+": ")
		}
		r.problem(Problem{File: name, Offset: -1, Reason: reason, Msg: msg})
		return r.failed
	}
	defer f.Close()
	if pr := r.opts.Progress; pr != nil {
		pr.cur.Store(&progressFile{f: f, base: pr.Bytes()})
	}
	r.info.Gzip, r.info.UTF16 = f.Gzip, f.UTF16
	p := newPipeline(r, f)
	if f.Framing == input.FramingCSV {
		r.info.Shape = input.ShapeLogAnalyticsCSV
		p.csv(f.Reader())
	} else {
		r.info.Shape = r.opts.Format
		p.json(f.Reader())
	}
	p.close()
	r.info.Records += p.records
	r.info.Bytes = f.BytesRead()
	r.data.Bytes += r.info.Bytes
	return r.failed
}

// A batch is a run of records decoded by one worker.
type batch struct {
	shape input.Shape
	table string // table name for rows without Type
	data  []byte // the records' bytes, back to back
	recs  []rec
	// CSV
	header []string
	cells  [][]string

	// results
	events   []event.SignIn
	masks    []uint64 // with Retain: words per kept event
	spans    spans    // with Retain: of every sign-in decoded
	dropped  int      // with Retain: sign-ins not kept
	cats     []catCount
	undoCats []catCount // the counts at batchState, reused line to line
	rows     []event.Row
	problems []Problem
	shift    int // records numbered in unsplit lines (see pipeline.renumber)
	records  int // records and problems met in unsplit lines, for FileInfo.Records
	done     chan struct{}
}

// A rec is a record of a batch: its bytes in batch.data and its position.
type rec struct {
	start, end int
	line       int
	index      int
	offset     int64
	// unsplit marks a whole NDJSON line holding a wrapper object, whose
	// records the worker decodes (pipeline.decodeLine); index is then
	// that of the record before it.
	unsplit bool
}

// A batch goes to the workers once it holds batchRecords records or
// batchBytes bytes, or, holding an unsplit line, batchLineBytes: a line
// holds many records (an Azure Monitor batch line a hundred), and smaller
// batches share the work of a file out more evenly.
const (
	batchRecords   = 256
	batchBytes     = 1 << 20
	batchLineBytes = batchBytes / 4
)

type pipeline struct {
	r     *reader
	name  string
	work  chan *batch
	order chan *batch
	wg    sync.WaitGroup
	done  chan struct{}
	cur   *batch
	table string
	halt  atomic.Bool // set by the collector when Strict stops reading

	// Owned by the collector.
	shift   int // records of the unsplit lines collected so far
	records int // records and problems met in them, for FileInfo.Records
}

func newPipeline(r *reader, f *input.File) *pipeline {
	p := &pipeline{
		r:     r,
		name:  f.Name,
		work:  make(chan *batch, r.opts.Workers),
		order: make(chan *batch, 2*r.opts.Workers+2),
		done:  make(chan struct{}),
		table: r.opts.Tables[f.Name],
	}
	for range r.opts.Workers {
		p.wg.Add(1)
		go p.worker()
	}
	go p.collect()
	return p
}

// send hands the current batch to the workers, in order.
func (p *pipeline) send() {
	if p.cur == nil || (len(p.cur.recs) == 0 && len(p.cur.cells) == 0) {
		return
	}
	b := p.cur
	p.cur = nil
	b.done = make(chan struct{})
	p.order <- b
	p.work <- b
}

func (p *pipeline) close() {
	p.send()
	close(p.work)
	close(p.order)
	p.wg.Wait()
	<-p.done
}

func (p *pipeline) stopped() bool { return p.halt.Load() }

// collect takes decoded batches in order and adds them to the data.
func (p *pipeline) collect() {
	defer close(p.done)
	r := p.r
	for b := range p.order {
		<-b.done
		p.renumber(b)
		if r.failed != nil {
			continue // drain; Strict already stopped reading
		}
		if r.opts.Retain != nil {
			r.spans.event.merge(b.spans.event)
			r.spans.graph.merge(b.spans.graph)
			r.data.Dropped += b.dropped
			if len(b.masks) > 0 {
				r.masks = append(r.masks, b.masks)
			}
		}
		if len(b.events) > 0 {
			r.batches = append(r.batches, b.events)
			r.events += len(b.events)
		}
		if r.opts.Progress != nil {
			r.opts.Progress.events.Add(int64(len(b.events) + b.dropped))
		}
		for _, c := range b.cats {
			r.data.Categories[c.name] += c.n
		}
		for i := range b.rows {
			t := b.rows[i].Table
			r.data.Tables[t] = append(r.data.Tables[t], b.rows[i])
		}
		r.info.Events += len(b.events) + b.dropped
		r.info.Rows += len(b.rows)
		for _, pr := range b.problems {
			if !r.problem(pr) {
				p.halt.Store(true)
				break
			}
		}
	}
}

// renumber gives the records of b their numbers in the file. The Splitter
// numbers records as it cuts them, but the records of the unsplit lines it
// hands over are only counted by the worker that cuts them: the records
// after such a line are numbered short by as many.
func (p *pipeline) renumber(b *batch) {
	if d := p.shift; d != 0 {
		for i := range b.events {
			b.events[i].Origin.Record += d
		}
		for i := range b.rows {
			b.rows[i].Origin.Record += d
		}
		for i := range b.problems {
			if b.problems[i].Record > 0 {
				b.problems[i].Record += d
			}
		}
	}
	p.shift += b.shift
	p.records += b.records
}

// streamProblem reports a problem met while cutting records, from the
// producer goroutine. It keeps order with the batches by flushing first.
func (p *pipeline) streamProblem(pr Problem) {
	p.send()
	b := &batch{problems: []Problem{pr}, done: make(chan struct{})}
	close(b.done)
	p.order <- b
}

// splitInWorkers lets the workers cut the wrapper lines of NDJSON files
// (Azure Monitor {"records":[…]} batches a line) into records, rather than
// the one goroutine that reads the file. Tests turn it off to compare.
var splitInWorkers = true

func (p *pipeline) json(rd io.Reader) {
	s := jsontext.NewSplitter(rd)
	s.Limit = p.r.opts.MaxRecord
	shape := p.r.info.Shape
	// Until the shape is known, records come one by one to detect it.
	s.DeferWrappers = splitInWorkers && shape != input.ShapeUnknown
	for !p.stopped() {
		rc, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *jsontext.StreamError
			if errors.As(err, &se) {
				p.streamProblem(Problem{File: p.name, Line: se.Line, Offset: se.Offset, Reason: streamReason(se), Msg: se.Msg})
				p.r.info.Records++
				continue
			}
			p.streamProblem(Problem{File: p.name, Offset: s.Offset(), Reason: ReasonReadError, Msg: err.Error()})
			break
		}
		if !rc.Unsplit {
			p.r.info.Records++
		}
		if shape == input.ShapeUnknown {
			shape = input.ShapeOf(rc.Data, rc.Wrapper)
			if shape == input.ShapeUnknown {
				p.streamProblem(Problem{File: p.name, Line: rc.Line, Record: rc.Index, Offset: rc.Offset, Reason: ReasonUnknown,
					Msg: "the record fits no known shape (" + strings.Join(input.ShapeNames(), ", ") + "); name one with --format"})
				continue
			}
			p.r.info.Shape = shape
			s.DeferWrappers = splitInWorkers
		}
		if p.cur != nil && len(p.cur.data)+len(rc.Data) > batchBytes {
			p.send()
		}
		if p.cur == nil {
			p.cur = &batch{shape: shape, table: p.table, data: getBuf(), recs: make([]rec, 0, batchRecords)}
		}
		b := p.cur
		start := len(b.data)
		b.data = append(b.data, rc.Data...)
		b.recs = append(b.recs, rec{start: start, end: len(b.data), line: rc.Line, index: rc.Index, offset: rc.Offset, unsplit: rc.Unsplit})
		if len(b.recs) >= batchRecords || len(b.data) >= batchBytes || rc.Unsplit && len(b.data) >= batchLineBytes {
			p.send()
		}
	}
}

func streamReason(se *jsontext.StreamError) string {
	switch {
	case se.Err != nil:
		return ReasonReadError
	case strings.HasPrefix(se.Msg, "truncated"):
		return ReasonTruncated
	case strings.HasPrefix(se.Msg, "not JSON"):
		return ReasonNotJSON
	case strings.HasPrefix(se.Msg, "record larger"):
		return ReasonTooLarge
	}
	return ReasonMalformed
}

func (p *pipeline) csv(rd io.Reader) {
	cr := csv.NewReader(rd)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		p.streamProblem(Problem{File: p.name, Line: 1, Offset: -1, Reason: ReasonBadCSV, Msg: "reading the CSV header: " + csvMsg(err)})
		return
	}
	header = append([]string(nil), header...)
	index := 0
	for !p.stopped() {
		start := cr.InputOffset() // where this row begins
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		index++
		p.r.info.Records++
		line := 0
		if len(cells) > 0 { // FieldPos panics on a record without fields
			line, _ = cr.FieldPos(0)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
				p.streamProblem(Problem{File: p.name, Line: pe.StartLine, Record: index, Offset: -1, Reason: ReasonBadCSV, Msg: csvMsg(err)})
				continue
			}
			if !errors.Is(err, csv.ErrFieldCount) {
				p.streamProblem(Problem{File: p.name, Line: line, Record: index, Offset: -1, Reason: ReasonReadError, Msg: err.Error()})
				break
			}
			p.streamProblem(Problem{File: p.name, Line: line, Record: index, Offset: cr.InputOffset(), Reason: ReasonBadCSV,
				Msg: fmt.Sprintf("%d cells for %d header columns; the row is read by position", len(cells), len(header))})
		}
		if p.cur == nil {
			p.cur = &batch{shape: input.ShapeLogAnalyticsCSV, table: p.table, header: header}
		}
		p.cur.cells = append(p.cur.cells, cells)
		p.cur.recs = append(p.cur.recs, rec{line: line, index: index, offset: start})
		if len(p.cur.cells) >= batchRecords {
			p.send()
		}
	}
}

func csvMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// splitProblem turns an error met cutting an unsplit line into a Problem,
// as json does for the Splitter's own.
func (p *pipeline) splitProblem(err error) Problem {
	var se *jsontext.StreamError
	if errors.As(err, &se) {
		return Problem{File: p.name, Line: se.Line, Offset: se.Offset, Reason: streamReason(se), Msg: se.Msg}
	}
	return Problem{File: p.name, Offset: -1, Reason: ReasonMalformed, Msg: err.Error()}
}

func (p *pipeline) worker() {
	defer p.wg.Done()
	n := &normalize.Normalizer{Fields: p.r.opts.Fields, KeepExtra: p.r.opts.KeepExtra}
	var slab event.Slab
	var m *Matcher
	if p.r.matchers != nil {
		m = <-p.r.matchers
		defer func() { p.r.matchers <- m }()
	}
	for b := range p.work {
		p.decode(n, &slab, m, b)
		close(b.done)
	}
}

// A catCount is the number of sign-ins of one category in a batch.
type catCount struct {
	name string // a copy: the event's strings may be taken back (Rewind)
	n    int
}

// count counts a decoded sign-in by category.
//
// The counts are a list, not a map: b.cats[c]++ on a map stores c as the
// key again even when an equal key is there (Go updates a string key on
// assignment), so the map would keep the dropped sign-in's string, whose
// bytes the next record reuses, however carefully the first key was cloned.
func (b *batch) count(ev *event.SignIn) {
	c, _ := ev.Str(event.FCategory)
	for i := range b.cats {
		if b.cats[i].name == c {
			b.cats[i].n++
			return
		}
	}
	b.cats = append(b.cats, catCount{strings.Clone(c), 1})
}

// keep runs the retention on ev, decoded into b: it counts ev in the spans
// and records its mask, or reports false to drop it.
func (p *pipeline) keep(m *Matcher, b *batch, ev *event.SignIn) bool {
	b.spans.add(ev)
	off := len(b.masks)
	for range p.r.words {
		b.masks = append(b.masks, 0)
	}
	if m.Match(ev, b.masks[off:]) {
		return true
	}
	b.masks = b.masks[:off]
	b.dropped++
	return false
}

// decode normalizes the records of b: those the producer cut, and those of
// its unsplit lines, cut here (see decodeLine). It numbers them on from the
// producer's numbers and sets b.shift and b.records.
func (p *pipeline) decode(n *normalize.Normalizer, slab *event.Slab, m *Matcher, b *batch) {
	b.events = make([]event.SignIn, 0, len(b.recs))
	for i, rc := range b.recs {
		if rc.unsplit {
			p.decodeLine(n, slab, m, b, rc)
			continue
		}
		rc.index += b.shift
		p.decodeRec(n, slab, m, b, rc, i, nil)
	}
	putBuf(b.data)
	b.data, b.cells = nil, nil
}

// decodeLine decodes the records of an unsplit wrapper line. An Azure
// Monitor {"records":[…]} line is decoded in place, record after record,
// each one's end found by decoding it: the line is scanned once. Any
// trouble (a malformed record, another layout) undoes that and cuts the
// line with the Splitter (jsontext.Record.Records) instead, which reports
// problems where they are and keeps the records around them.
func (p *pipeline) decodeLine(n *normalize.Normalizer, slab *event.Slab, m *Matcher, b *batch, rc rec) {
	line := jsontext.Record{Data: b.data[rc.start:rc.end], Offset: rc.offset, Line: rc.line, Index: rc.index + b.shift, Unsplit: true}
	if b.shape == input.ShapeAzureMonitor {
		if k, ok := p.decodeInPlace(n, slab, m, b, rc, line.Index); ok {
			b.records += k
			b.shift += k
			return
		}
	}
	last := line.Index
	for el, err := range line.Records() {
		b.records++
		if err != nil {
			b.problems = append(b.problems, p.splitProblem(err))
			continue
		}
		start := rc.start + int(el.Offset-rc.offset)
		p.decodeRec(n, slab, m, b, rec{start: start, end: start + len(el.Data), line: el.Line, index: el.Index, offset: el.Offset}, -1, nil)
		last = el.Index
	}
	b.shift += last - line.Index
}

// decodeInPlace decodes the records of an Azure Monitor batch line in place
// (see decodeLine), numbering them after index. It returns how many there
// were, or false, having undone what it did, when the line is not exactly
// {"records":[record, …]} with every record well formed.
func (p *pipeline) decodeInPlace(n *normalize.Normalizer, slab *event.Slab, m *Matcher, b *batch, rc rec, index int) (int, bool) {
	data := b.data[rc.start:rc.end]
	i, ok := wrapperStart(data)
	if !ok {
		return 0, false
	}
	undo := b.snapshot()
	k := 0
	for {
		i = skipSpace(data, i)
		el := rec{start: rc.start + i, end: rc.end, line: rc.line, index: index + k + 1, offset: rc.offset + int64(i)}
		var end int
		if !p.decodeRec(n, slab, m, b, el, -1, &end) {
			break
		}
		k++
		i = skipSpace(data, i+end)
		if i < len(data) && data[i] == ',' {
			i++
			continue
		}
		if i < len(data) && data[i] == ']' {
			if i = skipSpace(data, i+1); i < len(data) && data[i] == '}' && skipSpace(data, i+1) == len(data) {
				return k, true
			}
		}
		break
	}
	b.restore(undo)
	return 0, false
}

// wrapperStart returns where the first record of a {"records":[…]} line
// begins.
func wrapperStart(data []byte) (int, bool) {
	i := skipSpace(data, 0)
	for _, want := range []string{"{", `"records"`, ":", "["} {
		if !bytes.HasPrefix(data[i:], []byte(want)) {
			return 0, false
		}
		i = skipSpace(data, i+len(want))
	}
	if i < len(data) && data[i] == ']' {
		return 0, false // no records: left to the Splitter
	}
	return i, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// batchState is what decoding a line adds to a batch, to undo it. The
// counts by category it had are kept in batch.undoCats.
type batchState struct {
	events, rows, problems, masks, dropped int
}

func (b *batch) snapshot() batchState {
	b.undoCats = append(b.undoCats[:0], b.cats...)
	return batchState{len(b.events), len(b.rows), len(b.problems), len(b.masks), b.dropped}
}

// restore undoes what was decoded since s. The spans stay: the records
// decoded again give the same times.
func (b *batch) restore(s batchState) {
	b.events, b.rows, b.problems, b.masks = b.events[:s.events], b.rows[:s.rows], b.problems[:s.problems], b.masks[:s.masks]
	b.dropped = s.dropped
	b.cats = append(b.cats[:0], b.undoCats...)
}

// decodeRec normalizes the record rc of b (i: its CSV row). With end set,
// rc runs from where a record begins to the end of its batch line: the
// record is decoded as Azure Monitor, *end set to its length, and
// decodeRec reports false on a record error instead of recording a
// problem, for decodeInPlace to start over.
func (p *pipeline) decodeRec(n *normalize.Normalizer, slab *event.Slab, m *Matcher, b *batch, rc rec, i int, end *int) bool {
	var row event.Row
	var data []byte
	if b.cells == nil {
		data = b.data[rc.start:rc.end]
	}
	b.events = append(b.events, event.SignIn{})
	ev := &b.events[len(b.events)-1]
	slab.Start(ev)
	n.Mark()
	ev.Origin = event.Origin{File: p.name, Line: rc.line, Record: rc.index, Offset: rc.offset}
	row = event.Row{Origin: ev.Origin}
	var isRow bool
	var err error
	switch {
	case end != nil:
		isRow, *end, err = n.AzureMonitorAt(data, ev, &row)
		if err != nil {
			b.events = b.events[:len(b.events)-1]
			return false
		}
		data = data[:*end]
	case b.shape == input.ShapeGraph:
		err = n.Graph(data, ev)
	case b.shape == input.ShapeAzureMonitor:
		isRow, err = n.AzureMonitor(data, ev, &row)
	case b.shape == input.ShapeLogAnalytics:
		isRow, err = n.LogAnalytics(data, b.table, ev, &row)
	case b.shape == input.ShapeLogAnalyticsCSV:
		isRow, err = n.LogAnalyticsCSV(b.header, b.cells[i], b.table, ev, &row)
	case b.shape == input.ShapeElastic:
		isRow, err = n.Elastic(data, ev, &row)
	}
	for _, pr := range n.Problems() {
		reason := ReasonWrongType
		if pr.Kind == normalize.ProblemText {
			reason = ReasonBadText
		}
		b.problems = append(b.problems, p.at(b, rc, data, pr.Offset, reason, pr.Error()))
	}
	if err != nil || isRow {
		b.events = b.events[:len(b.events)-1]
	} else if b.count(ev); m != nil && !p.keep(m, b, ev) {
		b.events = b.events[:len(b.events)-1]
		slab.Discard(ev)
		n.Rewind()
		if poison.On {
			*ev = event.SignIn{Origin: event.Origin{File: poisoned, Line: -1, Record: -1, Offset: -1}}
		}
	} else {
		slab.Pack(ev)
	}
	if err != nil {
		reason := ReasonBadRecord
		off := 0
		var re *normalize.RecordError
		if errors.As(err, &re) {
			off = re.Offset
			switch {
			case strings.HasPrefix(re.Msg, "malformed JSON"):
				reason = ReasonMalformed
			case strings.Contains(re.Msg, "not an object"):
				reason = ReasonNotObject
			case strings.Contains(re.Msg, "--table"):
				reason = ReasonNoTable
			case strings.Contains(re.Msg, "none of the members"):
				reason = ReasonUnknown
			}
		}
		b.problems = append(b.problems, p.at(b, rc, data, off, reason, err.Error()))
		return true
	}
	if isRow {
		b.rows = append(b.rows, row)
	}
	return true
}

// poisoned is the origin file of a dropped sign-in's place in a batch in
// builds with the vigil_poison tag: a pointer kept to it shows this.
var poisoned = string(bytes.Repeat([]byte{poison.Byte}, 16))

// Batch buffers are reused: decoding copies what it keeps out of them.
var bufPool = sync.Pool{New: func() any { return make([]byte, 0, batchBytes+batchBytes/4) }}

func getBuf() []byte { return bufPool.Get().([]byte)[:0] }

func putBuf(b []byte) {
	poison.Bytes(b)
	if cap(b) <= 4*batchBytes { // a batch that held a huge record is let go
		bufPool.Put(b[:0])
	}
}

// at positions a problem at byte off of a record.
func (p *pipeline) at(b *batch, rc rec, data []byte, off int, reason, msg string) Problem {
	pr := Problem{File: p.name, Line: rc.line, Record: rc.index, Offset: rc.offset, Reason: reason, Msg: msg}
	if data != nil && off > 0 && off <= len(data) {
		pr.Line += bytes.Count(data[:off], []byte{'\n'})
		pr.Offset += int64(off)
	}
	return pr
}
