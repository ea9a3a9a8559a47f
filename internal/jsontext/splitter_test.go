package jsontext

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// split runs a Splitter over r and renders every record and error as a line.
func split(t testing.TB, r io.Reader) []string {
	t.Helper()
	s := NewSplitter(r)
	var out []string
	for n := 0; n < 10000; n++ {
		rec, err := s.Next()
		if err == io.EOF {
			return out
		}
		out = append(out, renderSplit(t, rec, err, rec.Index))
	}
	t.Fatal("splitter does not stop")
	return nil
}

// renderSplit renders a record the Splitter gave, numbered index, or the
// error it gave instead (which must be a *StreamError).
func renderSplit(t testing.TB, rec Record, err error, index int) string {
	t.Helper()
	if err != nil {
		var se *StreamError
		if !errors.As(err, &se) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		return "error: " + err.Error()
	}
	w := rec.Wrapper
	if w == "" {
		w = "-"
	}
	return fmt.Sprintf("%d L%d @%d %s %s", index, rec.Line, rec.Offset, w, rec.Data)
}

func TestSplitter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			"ndjson",
			"{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @8 - {"b":2}`, `3 L4 @18 - {"c":3}`},
		},
		{
			"azure monitor batch on one line",
			`{"records":[{"a":1},{"b":{"c":[1,2]}}]}`,
			[]string{`1 L1 @12 records {"a":1}`, `2 L1 @20 records {"b":{"c":[1,2]}}`},
		},
		{
			"pretty-printed batch",
			"{\n  \"records\": [\n    {\n      \"a\": 1\n    },\n    {\"b\": 2}\n  ]\n}\n",
			[]string{"1 L3 @21 records {\n      \"a\": 1\n    }", `2 L6 @47 records {"b": 2}`},
		},
		{
			"graph pages concatenated",
			"{\"@odata.context\":\"x\",\"value\":[{\"id\":\"1\"},{\"id\":\"2\"}],\"@odata.nextLink\":\"y\"}\n{\"value\":[{\"id\":\"3\"}]}",
			[]string{`1 L1 @31 value {"id":"1"}`, `2 L1 @42 value {"id":"2"}`, `3 L2 @87 value {"id":"3"}`},
		},
		{
			"arrays concatenated",
			"[{\"a\":1},\n {\"b\":2}]\n[{\"c\":3}]\n",
			[]string{`1 L1 @1 array {"a":1}`, `2 L2 @11 array {"b":2}`, `3 L3 @21 array {"c":3}`},
		},
		{
			"elastic search response",
			`{"took":3,"hits":{"total":{"value":2},"max_score":1,"hits":[{"_id":"x","_source":{"a":1}},{"_id":"y","_source":{}}]}}`,
			[]string{`1 L1 @60 hits {"_id":"x","_source":{"a":1}}`, `2 L1 @90 hits {"_id":"y","_source":{}}`},
		},
		{
			"a record whose strings hold brackets and escaped quotes",
			`{"a":"}]\"{[","b":"\\"}`,
			[]string{`1 L1 @0 - {"a":"}]\"{[","b":"\\"}`},
		},
		{
			"a member named value that is no array is a record",
			`{"value":"x","id":"1"}`,
			[]string{`1 L1 @0 - {"value":"x","id":"1"}`},
		},
		{
			// In NDJSON each line is a record, cut without scanning it;
			// the decoder reports what is wrong inside.
			"truncated line in ndjson",
			"{\"a\":1}\n{\"b\":{\"x\":\n{\"c\":3}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @8 - {"b":{"x":`, `3 L3 @19 - {"c":3}`},
		},
		{
			"a line cut inside a string in ndjson",
			"{\"a\":1}\n{\"b\":\"abc\n{\"c\":3}\n",
			[]string{`1 L1 @0 - {"a":1}`, `2 L2 @8 - {"b":"abc`, `3 L3 @18 - {"c":3}`},
		},
		{
			// Before the first line shows the file is NDJSON, records are
			// cut by their structure, and a broken one is found here.
			"a first line cut inside a string",
			"{\"b\":\"abc\n{\"c\":3}\n{\"d\":4}\n",
			[]string{"error: line 1 (byte 0): malformed JSON: a string in the record starting here runs past the end of its line", `1 L2 @10 - {"c":3}`, `2 L3 @18 - {"d":4}`},
		},
		{
			"a wrapper object per line, as Event Hubs capture writes them",
			"{\"records\":[{\"a\":1},{\"b\":2}]}\n{\"records\":[{\"c\":3}]}\n",
			[]string{`1 L1 @12 records {"a":1}`, `2 L1 @20 records {"b":2}`, `3 L2 @42 records {"c":3}`},
		},
		{
			"text that is not json",
			"{\"a\":1}\nhello world\n{\"c\":3}",
			[]string{`1 L1 @0 - {"a":1}`, `error: line 2 (byte 8): not JSON: "hello world"`, `2 L3 @20 - {"c":3}`},
		},
		{
			"truncated batch",
			`{"records":[{"a":1},{"b":`,
			[]string{`1 L1 @12 records {"a":1}`, "error: line 1 (byte 20): truncated: the input ends inside a record that starts here"},
		},
		{
			"a word at the start of a line is text, not a literal",
			"true\nthis is text\nnull",
			[]string{`1 L1 @0 - true`, `error: line 2 (byte 5): not JSON: "this is text"`, `2 L3 @18 - null`},
		},
		{
			"scalar records are passed on for the decoder to reject",
			"[1, \"x\", null]",
			[]string{`1 L1 @1 array 1`, `2 L1 @4 array "x"`, `3 L1 @9 array null`},
		},
		{"empty", "", nil},
		{"white space only", " \n\t\r\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := split(t, strings.NewReader(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			// Reading one byte at a time exercises every refill path and
			// must give the same result.
			got = split(t, iotest.OneByteReader(strings.NewReader(tt.in)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("one byte at a time (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitterLargeRecordsCrossBuffers(t *testing.T) {
	// Records larger than the initial buffer, in a batch much larger than
	// it, come out whole and with correct positions.
	big := strings.Repeat("x", 300<<10)
	var b strings.Builder
	b.WriteString(`{"records":[`)
	const n = 40
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"i":%d,"pad":"%s"}`, i, big)
	}
	b.WriteString("]}")
	s := NewSplitter(strings.NewReader(b.String()))
	for i := range n {
		rec, err := s.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		want := fmt.Sprintf(`{"i":%d,"pad":"%s"}`, i, big)
		if string(rec.Data) != want || rec.Line != i+1 || rec.Index != i+1 {
			t.Fatalf("record %d: line %d index %d, %d bytes", i, rec.Line, rec.Index, len(rec.Data))
		}
		if got := b.String()[rec.Offset : rec.Offset+int64(len(want))]; got != want {
			t.Fatalf("record %d: offset %d does not point at it", i, rec.Offset)
		}
	}
	if _, err := s.Next(); err != io.EOF {
		t.Fatalf("after the last record: %v", err)
	}
	if len(s.buf) > 2<<20 {
		t.Errorf("buffer grew to %d bytes for 300 KiB records", len(s.buf))
	}
}

func TestSplitterReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("{\"a\":1}\n{\"b\""), iotest.ErrReader(boom))
	got := split(t, r)
	want := []string{`1 L1 @0 - {"a":1}`, "error: line 2 (byte 8): reading: boom (the record starting here is incomplete)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzSplitter(f *testing.F) {
	for _, s := range []string{
		`{"records":[{"a":1},{"b":2}]}`, "{\"a\":1}\n{\"b\":", `[{"a":"]"},{"value":[1]}]`,
		`{"hits":{"hits":[{"_source":{}}]}}`, "x\n{\"a\":\"\\", `{"value":[{"a":1}],"value":[{"b":2}]}`,
		"{\"a\":1}\n{\"records\":[{\"b\":2},{\"c\":\n{\"d\":4}\n", "{\"a\":1}\n{\"value\":[{\"b\":2}]} x\n {\"hits\":{\"hits\":[1,\n]}}",
		"{\"a\":1}\n{\"records\":[{\"b\":\"\\\"\"}],\"x\":\n1}\r\n\n{\"records\":[]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Wrapper lines handed over Unsplit and cut by Records give what
		// the Splitter gives streaming through them.
		plain := split(t, strings.NewReader(string(in)))
		deferred, _ := splitDeferred(t, strings.NewReader(string(in)))
		if diff := cmp.Diff(plain, deferred); diff != "" {
			t.Fatalf("DeferWrappers changes the records (-without +with):\n%s", diff)
		}
		// Read a byte at a time, the Splitter never has more than a byte
		// ahead in its buffer to scan fast.
		if diff := cmp.Diff(plain, split(t, iotest.OneByteReader(strings.NewReader(string(in))))); diff != "" {
			t.Fatalf("reading a byte at a time changes the records (-whole +a byte at a time):\n%s", diff)
		}
		s := NewSplitter(strings.NewReader(string(in)))
		last := int64(-1)
		for n := 0; ; n++ {
			if n > len(in)+10 {
				t.Fatal("splitter does not make progress")
			}
			rec, err := s.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var se *StreamError
				if !errors.As(err, &se) || se.Line < 1 || se.Offset < 0 || se.Offset > int64(len(in)) {
					t.Fatalf("error without a position: %v", err)
				}
				continue
			}
			if rec.Offset <= last || rec.Offset+int64(len(rec.Data)) > int64(len(in)) {
				t.Fatalf("record at %d after %d, %d bytes", rec.Offset, last, len(rec.Data))
			}
			if string(in[rec.Offset:rec.Offset+int64(len(rec.Data))]) != string(rec.Data) {
				t.Fatalf("record data does not match its offset")
			}
			last = rec.Offset
		}
	})
}
