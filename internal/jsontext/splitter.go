package jsontext

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"

	"vigil/internal/poison"
)

// Record is one record cut out of a stream by a Splitter.
type Record struct {
	// Data is the record's JSON text. It aliases the Splitter's buffer and is
	// valid until the next call to Next.
	Data []byte
	// Offset is the byte offset of the record's first byte in the stream.
	Offset int64
	// Line is the 1-based line on which the record starts.
	Line int
	// Index is the 1-based number of the record in the stream, not
	// counting the records of Unsplit lines before it.
	Index int
	// Wrapper names the container the record came from: "records" (Azure
	// Monitor batch), "value" (Graph page), "hits" (Elastic search
	// response), "expected" or "events" (Elastic pipeline test files),
	// "array" (a bare JSON array), or "" for a record at the top level.
	Wrapper string
	// Unsplit marks a whole NDJSON line that a Splitter with DeferWrappers
	// set handed over without cutting it: Data is the line, with its
	// newline, holding a wrapper object (or what starts like one), and
	// Records cuts it into its records. Index is then the number of the
	// record before the line, and Wrapper is "".
	Unsplit bool
}

// StreamError is a problem in the stream outside any one decodable record: a
// malformed or truncated record, text that is not JSON, or a read error. The
// Splitter resynchronises after it and goes on.
type StreamError struct {
	Offset int64
	Line   int
	Msg    string
	Err    error // the underlying read error, if any
}

func (e *StreamError) Error() string {
	return fmt.Sprintf("line %d (byte %d): %s", e.Line, e.Offset, e.Msg)
}

func (e *StreamError) Unwrap() error { return e.Err }

// MaxRecord is the largest record a Splitter accepts unless told otherwise
// (Splitter.Limit).
const MaxRecord = 64 << 20

// wrapperKeys are the object members whose array holds the records of a
// container. "hits" may also hold an object with its own "hits" array.
var wrapperKeys = map[string]bool{"records": true, "value": true, "hits": true, "expected": true, "events": true}

// Splitter cuts a stream of JSON into records without decoding them, in
// constant memory: NDJSON, concatenated values, arrays of records, and the
// wrapper objects {"records":[…]}, {"value":[…]}, {"hits":{"hits":[…]}},
// {"expected":[…]} with any other members skipped. A top-level or array
// element object that is not a wrapper is a record.
//
// Errors do not stop it: Next returns a *StreamError, skips to the start of
// the next line and continues. Once the first top-level value is seen to sit
// on a line of its own, the stream is taken as NDJSON: each line holding an
// object is a record, cut without scanning its structure (the decoder then
// validates it, and reports a truncated line as malformed), so one broken
// line cannot swallow the ones after it and the cost of cutting is that of
// finding newlines. Lines holding wrapper objects are still streamed through,
// unless DeferWrappers is set.
type Splitter struct {
	// DeferWrappers, once the stream is taken as NDJSON, hands over each
	// line that holds a wrapper object whole, as one Record with Unsplit
	// set, at the cost of finding its newline; Records then cuts it, in
	// another goroutine if the caller likes. It may be set between calls
	// to Next. The Splitter does not count the records of such a line:
	// the Index of the records after it is short by their number.
	DeferWrappers bool
	// Limit is the largest record, in bytes, it accepts; 0 means
	// MaxRecord. A larger record is reported (a *StreamError "record
	// larger than …") and skipped up to the end of its line without being
	// held in memory, and the Splitter goes on after it. A wrapper line
	// larger than Limit is streamed through, its records cut one by one.
	Limit int

	r       io.Reader
	buf     []byte
	base    int64 // stream offset of buf[0]
	pos     int   // next byte to examine
	end     int   // end of valid data in buf
	eof     bool
	readErr error

	line    int   // line number at lineOff
	lineOff int64 // stream offset up to which newlines are counted

	index    int
	recStart int64 // stream offset of the record being cut
	// over is set once the record being cut is larger than the limit: it
	// is skipped to its end without being held (the mark follows the
	// scan), and overErr, made while its start was still held, is
	// reported in its place.
	over    bool
	overErr *StreamError
	mark    int64 // stream offset before which data may be dropped
	ndjson  bool
	topN    int   // top-level values completed
	afterNL int64 // stream offset after the first newline the last skipWS crossed

	// stack of open containers we are streaming through
	stack []frame
}

type frame struct {
	kind    byte   // '[' array of records, '{' wrapper object
	wrapper string // name for Record.Wrapper
	topLine int    // line where the top-level value began (NDJSON check)
}

func (s *Splitter) limit() int {
	if s.Limit > 0 {
		return s.Limit
	}
	return MaxRecord
}

// begin notes that a record starts at stream offset start.
func (s *Splitter) begin(start int64) {
	s.recStart = start
	s.over = false
}

// tooLarge reports the record being cut, which is larger than the limit,
// and skips the rest of its line: the NDJSON fast path, where the record
// is the line.
func (s *Splitter) tooLarge() *StreamError {
	err := s.errAt(s.recStart, "record larger than %s (the limit) starting at byte %d: skipped", sizeText(s.limit()), s.recStart)
	s.resync()
	return err
}

// checkSize goes over to skipping the record being cut once it is larger
// than the limit: from then on the bytes scanned are let go.
func (s *Splitter) checkSize() {
	if s.over {
		s.mark = s.at()
		return
	}
	if s.at()-s.recStart > int64(s.limit()) {
		s.overErr = s.errAt(s.recStart, "record larger than %s (the limit) starting at byte %d: skipped", sizeText(s.limit()), s.recStart)
		s.over = true
		s.mark = s.at()
	}
}

// record returns the record from start to the current position, or the
// error of a record too large.
func (s *Splitter) record(start int64, wrapper string) (Record, error, bool) {
	if !s.over && s.at()-start > int64(s.limit()) {
		s.checkSize() // over by its last bytes, after the scan's checks
	}
	if s.over {
		s.over = false
		return Record{}, s.overErr, true
	}
	return s.emit(start, wrapper), nil, true
}

// sizeText writes a byte size in MiB, KiB or bytes, whichever is exact.
func sizeText(n int) string {
	switch {
	case n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// NewSplitter returns a Splitter reading r.
func NewSplitter(r io.Reader) *Splitter {
	return &Splitter{r: r, buf: make([]byte, 256<<10), line: 1}
}

// Offset is the stream offset the Splitter has reached.
func (s *Splitter) Offset() int64 { return s.base + int64(s.pos) }

// fill reads more data after s.end. When the buffer is full it first drops
// the bytes before the mark (the start of the current step), and grows it
// only when that frees nothing. Callers therefore hold stream offsets, not
// buffer indices, across calls that may fill. It returns false at EOF or on
// a read error.
func (s *Splitter) fill() bool {
	if s.eof {
		return false
	}
	if s.end == len(s.buf) && s.mark > s.base {
		s.discard(int(s.mark - s.base))
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		poison.Bytes(s.buf) // records handed out from it are no longer valid
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.readErr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// discard drops the first n bytes of the buffer.
func (s *Splitter) discard(n int) {
	s.countLines(s.base + int64(n))
	m := copy(s.buf, s.buf[n:s.end])
	poison.Bytes(s.buf[m:s.end])
	s.base += int64(n)
	s.end = m
	s.pos -= n
}

// at returns the stream offset of the current position; idx turns a stream
// offset back into a buffer index.
func (s *Splitter) at() int64       { return s.base + int64(s.pos) }
func (s *Splitter) idx(o int64) int { return int(o - s.base) }

// countLines advances the line counter to stream offset off.
func (s *Splitter) countLines(off int64) {
	if off <= s.lineOff {
		return
	}
	from := int(s.lineOff - s.base)
	if from < 0 {
		from = 0
	}
	s.line += bytes.Count(s.buf[from:int(off-s.base)], nl)
	s.lineOff = off
}

var nl = []byte{'\n'}

// lineAt returns the line of buffer index i, which may lie before the point
// lines were counted to as long as it is still in the buffer.
func (s *Splitter) lineAt(i int) int {
	off := s.base + int64(i)
	if off >= s.lineOff {
		s.countLines(off)
		return s.line
	}
	return s.line - bytes.Count(s.buf[i:int(s.lineOff-s.base)], nl)
}

// byteAt returns the byte at s.pos, reading more when needed.
func (s *Splitter) peekByte() (byte, bool) {
	for s.pos >= s.end {
		if !s.fill() {
			return 0, false
		}
	}
	return s.buf[s.pos], true
}

// skipWS skips white space and reports whether it crossed a newline; the
// stream offset just after the first one is then in s.afterNL.
func (s *Splitter) skipWS() (sawNL bool) {
	for {
		c, ok := s.peekByte()
		if !ok {
			return sawNL
		}
		switch c {
		case '\n':
			if !sawNL {
				s.afterNL = s.at() + 1
			}
			sawNL = true
			s.pos++
		case ' ', '\t', '\r':
			s.pos++
		default:
			return sawNL
		}
	}
}

func (s *Splitter) errAt(o int64, format string, args ...any) *StreamError {
	if s.over && (o <= s.recStart || s.idx(o) < 0) {
		// Any trouble in a record too large, whose start is let go, is
		// that it is too large.
		s.over = false
		return s.overErr
	}
	return &StreamError{Offset: o, Line: s.lineAt(s.idx(o)), Msg: fmt.Sprintf(format, args...)}
}

// resync drops everything up to and including the next newline and returns
// to the top level of the stream.
func (s *Splitter) resync() {
	s.stack = s.stack[:0]
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); i >= 0 {
			s.pos += i + 1
			return
		}
		s.pos = s.end
		s.mark = s.at()
		if !s.fill() {
			return
		}
	}
}

// Next returns the next record. At the end of the stream it returns io.EOF.
// A *StreamError reports a problem that was skipped; call Next again to go on.
func (s *Splitter) Next() (Record, error) {
	for {
		rec, err, done := s.step()
		if done {
			return rec, err
		}
	}
}

// step makes one move through the stream; done reports that it produced a
// record or an error.
func (s *Splitter) step() (rec Record, err error, done bool) {
	s.mark = s.at()
	if len(s.stack) == 0 {
		return s.topLevel()
	}
	top := &s.stack[len(s.stack)-1]
	if top.kind == '[' {
		return s.arrayElem()
	}
	return s.wrapperMember()
}

func (s *Splitter) finishTop(topLine int) {
	s.topN++
	if s.topN == 1 && s.lineAt(s.pos) == topLine {
		// The first value sat on one line: find whether its line ends here.
		save := s.at()
		for {
			c, ok := s.peekByte()
			if !ok || c == '\n' {
				s.ndjson = true
				break
			}
			if c != ' ' && c != '\t' && c != '\r' {
				break
			}
			s.pos++
		}
		s.pos = s.idx(save)
	}
}

func (s *Splitter) topLevel() (Record, error, bool) {
	s.skipWS()
	c, ok := s.peekByte()
	if !ok {
		if s.readErr != nil {
			err := s.errAt(s.at(), "reading: %v", s.readErr)
			err.Err = s.readErr
			s.readErr = nil
			return Record{}, err, true
		}
		return Record{}, io.EOF, true
	}
	if c == '{' && s.ndjson {
		if rec, err, ok := s.wholeLine(); ok {
			return rec, err, true
		}
	}
	line := s.lineAt(s.pos)
	switch c {
	case '[':
		s.pos++
		s.stack = append(s.stack, frame{kind: '[', wrapper: "array", topLine: line})
		return Record{}, nil, false
	case '{':
		return s.object("", line)
	}
	if isValueStart(c) {
		start := s.at()
		s.begin(start)
		if err := s.skipValue(); err != nil {
			return Record{}, err, true
		}
		if s.over {
			return s.record(start, "")
		}
		if tok := string(s.buf[s.idx(start):s.pos]); (c == 't' || c == 'f' || c == 'n') && tok != "true" && tok != "false" && tok != "null" {
			// A word that is no JSON literal: a line of text.
			s.pos = s.idx(start)
			return s.notJSON()
		}
		s.finishTop(line)
		return s.record(start, "")
	}
	return s.notJSON()
}

// notJSON reports the text at the current position, which starts no JSON
// value, quoting the beginning of its line, and skips the line.
func (s *Splitter) notJSON() (Record, error, bool) {
	at := s.at()
	for s.end-s.pos < 48 && s.fill() {
	}
	text := s.buf[s.pos:min(s.end, s.pos+48)]
	if i := bytes.IndexAny(text, "\r\n"); i >= 0 {
		text = text[:i]
	}
	quoted := strconv.Quote(string(text))
	if len(text) == 48 {
		quoted = quoted[:len(quoted)-1] + "…\""
	}
	err := s.errAt(at, "not JSON: %s", quoted)
	s.resync()
	return Record{}, err, true
}

// wholeLine is the NDJSON fast path: it takes the object on the current line as a
// record without scanning its structure (the decoder validates it). A line
// holding a wrapper object is handed over Unsplit when DeferWrappers is set;
// otherwise, and for a line it cannot read to its end, it declines,
// consuming nothing. A line longer than the limit is a record too large,
// unless it holds a wrapper, which it declines: the records are then cut
// one by one, each within the limit.
func (s *Splitter) wholeLine() (Record, error, bool) {
	start := s.at()
	nl, ok, long := s.findNewline(start + int64(s.limit()))
	if !ok {
		s.pos = s.idx(start)
		return Record{}, nil, false
	}
	switch s.lineKind(start, nl) {
	case lineUnsure:
		s.pos = s.idx(start)
		return Record{}, nil, false
	case lineWrapper:
		if s.DeferWrappers && !long {
			return s.unsplit(start, nl), nil, true
		}
		s.pos = s.idx(start)
		return Record{}, nil, false
	}
	if long {
		s.begin(start)
		return Record{}, s.tooLarge(), true
	}
	end := nl
	for end > s.idx(start) && (s.buf[end-1] == '\r' || s.buf[end-1] == ' ' || s.buf[end-1] == '\t') {
		end--
	}
	s.pos = end
	s.begin(start)
	return s.emit(start, ""), nil, true
}

// The kinds of NDJSON lines, by their first key.
const (
	lineRecord  = iota
	lineWrapper // a wrapper object: its first key names a record array, or is @odata…
	lineUnsure  // the first key does not end in the buffer
)

// lineKind tells a line holding an object, from stream offset start to
// buffer index nl, by its first key: a wrapper names its record array
// first, or after @odata members.
func (s *Splitter) lineKind(start int64, nl int) int {
	i := s.idx(start) + 1
	for i < nl && (s.buf[i] == ' ' || s.buf[i] == '\t') {
		i++
	}
	if i < nl && s.buf[i] == '"' {
		j := bytes.IndexByte(s.buf[i+1:nl], '"')
		if j < 0 {
			return lineUnsure
		}
		key := s.buf[i+1 : i+1+j]
		if wrapperKeys[string(key)] || bytes.HasPrefix(key, []byte("@odata")) || bytes.IndexByte(key, '\\') >= 0 {
			return lineWrapper
		}
	}
	return lineRecord
}

// findNewline reads on until the buffer holds the end of the current line and
// returns the index of its newline, or the end of the data when the last
// line has none. Each byte is looked at once, however many reads the line
// takes. It stops reading at stream offset stop, reporting a long line and
// the end of what it holds, so that a line is never held whole past it. It
// fails, leaving s.pos where it was, on a read error.
func (s *Splitter) findNewline(stop int64) (nl int, ok, long bool) {
	start := s.at()
	from := start // stream offset up to which there is no newline
	for {
		if i := bytes.IndexByte(s.buf[s.idx(from):s.end], '\n'); i >= 0 {
			nl := s.idx(from) + i
			return nl, true, s.base+int64(nl) > stop
		}
		from = s.base + int64(s.end)
		if from > stop {
			return s.end, true, true
		}
		if !s.fill() {
			if s.eof && s.readErr == nil {
				return s.end, true, false // the last line has no newline
			}
			return 0, false, false
		}
	}
}

// unsplit hands over the line from stream offset start to its newline at
// buffer index nl as an Unsplit record.
func (s *Splitter) unsplit(start int64, nl int) Record {
	end := min(nl+1, s.end)
	i := s.idx(start)
	s.pos = end
	s.begin(start)
	return Record{Data: s.buf[i:end], Offset: start, Line: s.lineAt(i), Index: s.index, Unsplit: true}
}

// Records cuts an Unsplit record into the records and errors the Splitter
// that handed it over would have produced in its place with DeferWrappers
// off, with the same positions in the stream; their Index counts on from
// the Unsplit record's. The records' Data alias r.Data. For a record that is
// not Unsplit it yields nothing.
func (r Record) Records() iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		if !r.Unsplit {
			return
		}
		// A Splitter over the line alone, in the state the stream's was
		// in at its start: at the top level of an NDJSON stream whose
		// first value is behind it.
		s := &Splitter{
			buf: r.Data, end: len(r.Data), eof: true,
			base: r.Offset, mark: r.Offset, line: r.Line, lineOff: r.Offset,
			index: r.Index, ndjson: true, topN: 1,
		}
		for {
			rec, err := s.Next()
			if err == io.EOF || !yield(rec, err) {
				return
			}
		}
	}
}

func isValueStart(c byte) bool {
	return c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n' || c == '{' || c == '['
}

func (s *Splitter) emit(start int64, wrapper string) Record {
	s.index++
	i := s.idx(start)
	return Record{
		Data:    s.buf[i:s.pos],
		Offset:  start,
		Line:    s.lineAt(i),
		Index:   s.index,
		Wrapper: wrapper,
	}
}

// object handles an object at record level: either a wrapper, whose record
// array we then stream through, or a record.
func (s *Splitter) object(wrapper string, topLine int) (Record, error, bool) {
	start := s.at()
	s.begin(start)
	s.pos++ // '{'
	for {
		if s.skipWS() && s.ndjson {
			return s.brokenLine(start)
		}
		c, ok := s.peekByte()
		if !ok {
			return s.truncated(start)
		}
		if c == '}' {
			s.pos++
			break
		}
		if c == ',' {
			s.pos++
			continue
		}
		if c != '"' {
			return s.malformed(start)
		}
		keyStart := s.at()
		if err := s.skipValue(); err != nil {
			return Record{}, err, true
		}
		keyEnd := s.at()
		if s.skipWS() && s.ndjson {
			return s.brokenLine(start)
		}
		if c, ok := s.peekByte(); !ok || c != ':' {
			if !ok {
				return s.truncated(start)
			}
			return s.malformed(start)
		}
		s.pos++
		if s.skipWS() && s.ndjson {
			return s.brokenLine(start)
		}
		c, ok = s.peekByte()
		if !ok {
			return s.truncated(start)
		}
		// The key is taken from the buffer only now, past the reads that
		// may have moved its bytes, and not copied unless it is kept. In
		// an object too large they may be let go already: it is then
		// taken for a record, to skip.
		var key []byte
		if s.idx(keyStart) >= 0 {
			key = s.buf[s.idx(keyStart)+1 : s.idx(keyEnd)-1]
		}
		if wrapperKeys[string(key)] && (c == '[' || (c == '{' && string(key) == "hits")) {
			// A wrapper: stream its records; the members before this one
			// (already skipped) were envelope data such as @odata.context.
			name := string(key)
			if wrapper == "hits" {
				name = "hits"
			}
			s.stack = append(s.stack, frame{kind: '{', wrapper: name, topLine: topLine})
			if c == '[' {
				s.pos++
				s.stack = append(s.stack, frame{kind: '[', wrapper: name, topLine: topLine})
				return Record{}, nil, false
			}
			// {"hits":{…"hits":[…]}}: the inner object is itself a wrapper.
			return s.object("hits", topLine)
		}
		if err := s.skipValue(); err != nil {
			return Record{}, err, true
		}
	}
	if wrapper == "hits" {
		// An inner "hits" object without a records array holds none.
		return Record{}, nil, false
	}
	wr := wrapper
	if len(s.stack) > 0 {
		wr = s.stack[len(s.stack)-1].wrapper
	} else {
		s.finishTop(topLine)
	}
	return s.record(start, wr)
}

// brokenLine reports an NDJSON line that ended inside a value, at the
// record's start when known, else at the start of the next line, and goes on
// at the top level with the next line. A value never runs on into the next
// line, so a broken line is reported the same whatever follows it.
func (s *Splitter) brokenLine(start int64) (Record, error, bool) {
	var err *StreamError
	if start >= 0 {
		err = s.errAt(start, "malformed JSON: the record starting here ends with its line before its closing bracket")
	} else {
		err = s.errAt(s.afterNL, "malformed JSON: the line before this one ends inside an unfinished value")
	}
	s.stack = s.stack[:0]
	return Record{}, err, true
}

func (s *Splitter) truncated(start int64) (Record, error, bool) {
	return Record{}, s.endErr(start), true
}

// endErr reports the end of the input (or a read error) inside the record
// starting at buffer index start, and leaves the Splitter at the end.
func (s *Splitter) endErr(start int64) *StreamError {
	var err *StreamError
	if s.readErr != nil {
		err = s.errAt(start, "reading: %v (the record starting here is incomplete)", s.readErr)
		err.Err = s.readErr
		s.readErr = nil
	} else {
		err = s.errAt(start, "truncated: the input ends inside a record that starts here")
	}
	s.pos = s.end
	s.stack = s.stack[:0]
	return err
}

func (s *Splitter) malformed(start int64) (Record, error, bool) {
	err := s.errAt(s.at(), "malformed JSON: unexpected %s", s.describe())
	s.resync()
	return Record{}, err, true
}

func (s *Splitter) describe() string {
	c, ok := s.peekByte()
	if !ok {
		return "end of input"
	}
	return quoteByte(c)
}

// arrayElem reads the next element of the innermost record array.
func (s *Splitter) arrayElem() (Record, error, bool) {
	top := s.stack[len(s.stack)-1]
	if s.skipWS() && s.ndjson {
		return s.brokenLine(-1)
	}
	c, ok := s.peekByte()
	if !ok {
		return s.truncated(s.at())
	}
	switch c {
	case ']':
		s.pos++
		s.stack = s.stack[:len(s.stack)-1]
		if len(s.stack) == 0 {
			s.finishTop(top.topLine)
		}
		return Record{}, nil, false
	case ',':
		s.pos++
		return Record{}, nil, false
	case '{':
		return s.object("", top.topLine)
	}
	if !isValueStart(c) {
		return s.malformed(s.at())
	}
	start := s.at()
	s.begin(start)
	if err := s.skipValue(); err != nil {
		return Record{}, err, true
	}
	return s.record(start, top.wrapper)
}

// wrapperMember goes on through the members of a wrapper object after its
// record array ended.
func (s *Splitter) wrapperMember() (Record, error, bool) {
	for {
		if s.skipWS() && s.ndjson {
			return s.brokenLine(-1)
		}
		c, ok := s.peekByte()
		if !ok {
			return s.truncated(s.at())
		}
		switch c {
		case '}':
			s.pos++
			top := s.stack[len(s.stack)-1]
			s.stack = s.stack[:len(s.stack)-1]
			if len(s.stack) == 0 {
				s.finishTop(top.topLine)
			}
			return Record{}, nil, false
		case ',':
			s.pos++
			continue
		case '"':
			if err := s.skipValue(); err != nil { // the key
				return Record{}, err, true
			}
			if s.skipWS() && s.ndjson {
				return s.brokenLine(-1)
			}
			if c, ok := s.peekByte(); !ok || c != ':' {
				return s.malformed(s.at())
			}
			s.pos++
			if s.skipWS() && s.ndjson {
				return s.brokenLine(-1)
			}
			if err := s.skipValue(); err != nil {
				return Record{}, err, true
			}
		default:
			return s.malformed(s.at())
		}
	}
}

// skipValue moves over one JSON value structurally (strings and brackets),
// leaving validation of its content to the Decoder. In NDJSON mode a value
// may not contain a newline.
func (s *Splitter) skipValue() error {
	s.skipWS()
	start := s.at()
	depth := 0
	for {
		if depth > 0 {
			if depth = s.skipInside(depth); depth == 0 {
				return nil
			}
		}
		s.checkSize()
		if s.pos >= s.end && !s.fill() {
			if depth == 0 && s.at() > start {
				return nil // a number or literal ending at EOF
			}
			return s.endErr(s.recStart)
		}
		c := s.buf[s.pos]
		switch {
		case c == '"':
			if err := s.skipString(); err != nil {
				return err
			}
			if depth == 0 {
				return nil
			}
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return s.endScalar(start)
			}
			depth--
			if depth == 0 {
				s.pos++
				return nil
			}
		case c == '\n':
			if s.ndjson && (depth > 0 || len(s.stack) > 0) {
				err := s.errAt(s.recStart, "malformed JSON: the record starting here ends with its line before its closing bracket")
				s.resync()
				return err
			}
			if depth == 0 {
				return nil
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == ':'):
			return s.endScalar(start)
		}
		s.pos++
	}
}

// skipInside is the fast path of skipValue inside a container at the given
// depth: it moves over what the buffer holds of it, up to the record size
// limit, and returns the depth it reached, 0 past the container's end. It
// stops, for skipValue to decide, before a newline and before a string that
// does not end in the buffer, so that it never reads or errs differently.
func (s *Splitter) skipInside(depth int) int {
	end := s.end
	if !s.over {
		end = min(end, s.idx(s.recStart)+s.limit()+1)
	}
	buf := s.buf[:end]
	i := s.pos
	for i < len(buf) {
		switch buf[i] {
		case '"':
			j, ok := skipStringIn(buf, i)
			if !ok {
				s.pos = i
				return depth
			}
			i = j
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			i++
			if depth == 0 {
				s.pos = i
				return 0
			}
		case '\n':
			s.pos = i
			return depth
		default:
			i++
		}
	}
	s.pos = i
	return depth
}

// skipStringIn returns the index after the string starting at buf[i], or
// false when it does not end in buf or holds a newline.
func skipStringIn(buf []byte, i int) (int, bool) {
	j := i + 1
	for {
		if j < len(buf) {
			j += plainRun(buf[j:])
		}
		if j >= len(buf) {
			return 0, false
		}
		switch buf[j] {
		case '"':
			return j + 1, true
		case '\\':
			if j+1 < len(buf) && buf[j+1] == '\n' {
				return 0, false // skipString decides
			}
			j += 2
		case '\n':
			return 0, false
		default: // another control character, for the Decoder to reject
			j++
		}
	}
}

func (s *Splitter) endScalar(start int64) error {
	if s.at() == start {
		err := s.errAt(s.at(), "malformed JSON: unexpected %s", s.describe())
		s.resync()
		return err
	}
	return nil
}

// skipString moves over the string at s.pos.
func (s *Splitter) skipString() error {
	s.pos++
	for {
		i := s.pos + plainRun(s.buf[s.pos:s.end])
		for i < s.end && s.buf[i] < 0x20 && s.buf[i] != '\n' {
			// A control character other than a newline: the Decoder
			// rejects it later; the scan goes on.
			i++
			i += plainRun(s.buf[i:s.end])
		}
		s.pos = i
		s.checkSize()
		if i >= s.end {
			if !s.fill() {
				return s.endErr(s.recStart)
			}
			continue
		}
		c := s.buf[i]
		if c == '\\' && s.ndjson {
			// A backslash does not escape the newline that ends an
			// NDJSON line: the line (a whole line handed over Unsplit
			// too) ends there.
			for s.pos+1 >= s.end && s.fill() {
			}
			if s.pos+1 < s.end && s.buf[s.pos+1] == '\n' {
				s.pos++
				c = '\n'
			}
		}
		switch c {
		case '"':
			s.pos++
			return nil
		case '\\':
			s.pos += 2
			for s.pos > s.end {
				if !s.fill() {
					s.pos = s.end
					break
				}
			}
		case '\n':
			err := s.errAt(s.recStart, "malformed JSON: a string in the record starting here runs past the end of its line")
			s.resync()
			return err
		}
	}
}
