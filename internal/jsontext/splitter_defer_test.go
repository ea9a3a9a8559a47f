package jsontext

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// splitDeferred runs a Splitter with DeferWrappers set over r and cuts each
// Unsplit line with Records, renumbering the records after it as a caller
// must. It renders what it gets like split, and returns the Unsplit lines
// it met apart.
func splitDeferred(t testing.TB, r io.Reader) (out, lines []string) {
	t.Helper()
	s := NewSplitter(r)
	s.DeferWrappers = true
	extra := 0 // records of the Unsplit lines so far
	render := func(rec Record, err error) { out = append(out, renderSplit(t, rec, err, rec.Index+extra)) }
	for n := 0; n < 10000; n++ {
		rec, err := s.Next()
		if err == io.EOF {
			return out, lines
		}
		if err != nil || !rec.Unsplit {
			render(rec, err)
			continue
		}
		lines = append(lines, fmt.Sprintf("%d L%d @%d %q", rec.Index, rec.Line, rec.Offset, rec.Data))
		last := rec.Index
		for el, err := range rec.Records() {
			if el.Unsplit {
				t.Fatalf("Records yields an Unsplit record: %q", el.Data)
			}
			render(el, err)
			if err == nil {
				last = el.Index
			}
		}
		extra += last - rec.Index
	}
	t.Fatal("splitter does not stop")
	return nil, nil
}

// TestSplitterDeferWrappers: with DeferWrappers, the wrapper lines of an
// NDJSON stream come whole, and Records cuts them into exactly the records
// and errors the Splitter gives without it.
func TestSplitterDeferWrappers(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []string // records and errors, as split renders them
		lines []string // the Unsplit lines: index before, line, offset, data
	}{
		{
			// The first line is cut as it is read: only then is the
			// stream known to be NDJSON.
			"event hubs capture, a batch a line",
			"{\"records\":[{\"a\":1},{\"b\":2}]}\n{\"records\":[{\"c\":3},{\"d\":4}]}\n{\"records\":[{\"e\":5}]}",
			[]string{`1 L1 @12 records {"a":1}`, `2 L1 @20 records {"b":2}`, `3 L2 @42 records {"c":3}`, `4 L2 @50 records {"d":4}`, `5 L3 @72 records {"e":5}`},
			[]string{`2 L2 @30 "{\"records\":[{\"c\":3},{\"d\":4}]}\n"`, `2 L3 @60 "{\"records\":[{\"e\":5}]}"`},
		},
		{
			"plain records around a batch line",
			"{\"a\":1}\n{\"records\":[{\"b\":2},{\"c\":3}]}\r\n{\"d\":4}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @20 records {"b":2}`, `3 L2 @28 records {"c":3}`, `4 L3 @39 - {"d":4}`},
			[]string{`1 L2 @8 "{\"records\":[{\"b\":2},{\"c\":3}]}\r\n"`},
		},
		{
			"graph pages with @odata members, elastic responses",
			"{\"a\":1}\n{\"@odata.context\":\"x\",\"value\":[{\"id\":\"1\"}],\"@odata.nextLink\":\"y\"}\n{\"hits\":{\"total\":1,\"hits\":[{\"_id\":\"z\"}]}}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @39 value {"id":"1"}`, `3 L3 @101 hits {"_id":"z"}`},
			[]string{`1 L2 @8 "{\"@odata.context\":\"x\",\"value\":[{\"id\":\"1\"}],\"@odata.nextLink\":\"y\"}\n"`, `1 L3 @74 "{\"hits\":{\"total\":1,\"hits\":[{\"_id\":\"z\"}]}}\n"`},
		},
		{
			// The Splitter checks structure only: a bad literal inside
			// a record is the decoder's to find.
			"a malformed record in the middle of a batch line",
			"{\"a\":1}\n{\"records\":[{\"b\":2},{\"c\":tru},{\"d\":4}]}\n{\"e\":5}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @20 records {"b":2}`, `3 L2 @28 records {"c":tru}`, `4 L2 @38 records {"d":4}`, `5 L3 @48 - {"e":5}`},
			[]string{`1 L2 @8 "{\"records\":[{\"b\":2},{\"c\":tru},{\"d\":4}]}\n"`},
		},
		{
			"a batch line broken in the middle",
			"{\"a\":1}\n{\"records\":[{\"b\":2},x,{\"d\":4}]}\n{\"e\":5}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @20 records {"b":2}`, `error: line 2 (byte 28): malformed JSON: unexpected 'x'`, `3 L3 @40 - {"e":5}`},
			[]string{`1 L2 @8 "{\"records\":[{\"b\":2},x,{\"d\":4}]}\n"`},
		},
		{
			"a truncated batch line",
			"{\"a\":1}\n{\"records\":[{\"b\":2},{\"c\":\n{\"e\":5}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @20 records {"b":2}`, `error: line 2 (byte 28): malformed JSON: the record starting here ends with its line before its closing bracket`, `3 L3 @34 - {"e":5}`},
			[]string{`1 L2 @8 "{\"records\":[{\"b\":2},{\"c\":\n"`},
		},
		{
			"a batch line truncated at the end of the input",
			"{\"a\":1}\n{\"records\":[{\"b\":2},{\"c\":\"x",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @20 records {"b":2}`, `error: line 2 (byte 28): truncated: the input ends inside a record that starts here`},
			[]string{`1 L2 @8 "{\"records\":[{\"b\":2},{\"c\":\"x"`},
		},
		{
			"text after the batch on its line",
			"{\"a\":1}\n{\"records\":[{\"b\":2}]} trailing words\n{\"c\":3}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @20 records {"b":2}`, `error: line 2 (byte 30): not JSON: "trailing words"`, `3 L3 @45 - {"c":3}`},
			[]string{`1 L2 @8 "{\"records\":[{\"b\":2}]} trailing words\n"`},
		},
		{
			"two batches on one line",
			"{\"a\":1}\n{\"value\":[{\"b\":2}]} {\"records\":[{\"c\":3}]}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @18 value {"b":2}`, `3 L2 @40 records {"c":3}`},
			[]string{`1 L2 @8 "{\"value\":[{\"b\":2}]} {\"records\":[{\"c\":3}]}\n"`},
		},
		{
			"a member named value that is no array is a record",
			"{\"a\":1}\n{\"value\":\"x\",\"id\":\"1\"}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @8 - {"value":"x","id":"1"}`},
			[]string{`1 L2 @8 "{\"value\":\"x\",\"id\":\"1\"}\n"`},
		},
		{
			"an empty batch",
			"{\"a\":1}\n{\"records\":[]}\n{\"b\":2}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L3 @23 - {"b":2}`},
			[]string{`1 L2 @8 "{\"records\":[]}\n"`},
		},
		{
			"strings with brackets, escapes and control characters",
			"{\"a\":1}\n{\"records\":[{\"s\":\"]}\\\"{[\\t\x01\"},{\"t\":\"\\\\\"}]}\n",
			[]string{`1 L1 @0 - {"a":1}`, "2 L2 @20 records {\"s\":\"]}\\\"{[\\t\x01\"}", `3 L2 @38 records {"t":"\\"}`},
			[]string{"1 L2 @8 \"{\\\"records\\\":[{\\\"s\\\":\\\"]}\\\\\\\"{[\\\\t\\x01\\\"},{\\\"t\\\":\\\"\\\\\\\\\\\"}]}\\n\""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := split(t, strings.NewReader(tt.in))
			if diff := cmp.Diff(tt.want, plain); diff != "" {
				t.Errorf("without DeferWrappers (-want +got):\n%s", diff)
			}
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got, lines := splitDeferred(t, r)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("with DeferWrappers (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.lines, lines); diff != "" {
					t.Errorf("Unsplit lines (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestSplitterDeferWrappersLongLines: batch lines longer than the Splitter's
// buffer come whole, each byte looked at once for the newline.
func TestSplitterDeferWrappersLongLines(t *testing.T) {
	var b strings.Builder
	var want []string
	b.WriteString("{\"a\":0}\n")
	want = append(want, `1 L1 @0 - {"a":0}`)
	pad := strings.Repeat("x", 5<<10)
	for line := range 3 {
		b.WriteString(`{"records":[`)
		for i := range 100 {
			if i > 0 {
				b.WriteByte(',')
			}
			off := b.Len()
			rec := fmt.Sprintf(`{"i":%d,"pad":"%s"}`, i, pad)
			b.WriteString(rec)
			want = append(want, fmt.Sprintf("%d L%d @%d records %s", len(want)+1, line+2, off, rec))
		}
		b.WriteString("]}\n")
	}
	got, lines := splitDeferred(t, strings.NewReader(b.String()))
	if len(lines) != 3 {
		t.Fatalf("%d Unsplit lines, want 3", len(lines))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRecordsOfARecordNotUnsplit(t *testing.T) {
	for rec, err := range (Record{Data: []byte(`{"records":[{"a":1}]}`)}).Records() {
		t.Errorf("got %v %v", rec, err)
	}
}
