package jsontext

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// fillReader yields n bytes of c, without holding them: an oversized line
// for the tests, however large, costs no memory.
type fillReader struct {
	c byte
	n int64
}

func (f *fillReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), f.n)
	for i := range p[:k] {
		p[i] = f.c
	}
	f.n -= k
	return int(k), nil
}

// stream is the text before, n bytes of c, and the text after.
func stream(before string, c byte, n int64, after string) io.Reader {
	return io.MultiReader(strings.NewReader(before), &fillReader{c: c, n: n}, strings.NewReader(after))
}

// TestSplitterLimit: a record larger than the limit is reported at its
// start and skipped to the end of its line without being held, on the
// NDJSON fast path as on the others, and the records after it are read; a
// wrapper line larger than the limit is cut record by record. The buffer
// never grows past a few times the limit, whatever the size of the line.
func TestSplitterLimit(t *testing.T) {
	const limit = 64 << 10
	const huge = 40 << 20 // bytes in the oversized value
	tests := []struct {
		name   string
		in     func() io.Reader
		defer_ bool
		want   []string
	}{
		{"ndjson line", func() io.Reader {
			return stream("{\"a\":1}\n{\"big\":\"", 'x', huge, "\"}\n{\"b\":2}\n")
		}, false, []string{
			`1 L1 @0 - {"a":1}`,
			"error: line 2 (byte 8): record larger than 64 KiB (the limit) starting at byte 8: skipped",
			fmt.Sprintf(`2 L3 @%d - {"b":2}`, 16+huge+3),
		}},
		{"ndjson line without its end", func() io.Reader {
			return stream("{\"a\":1}\n{\"big\":\"", 'x', huge, "")
		}, false, []string{
			`1 L1 @0 - {"a":1}`,
			"error: line 2 (byte 8): record larger than 64 KiB (the limit) starting at byte 8: skipped",
		}},
		{"ndjson line deferred", func() io.Reader {
			return stream("{\"a\":1}\n{\"big\":\"", 'x', huge, "\"}\n{\"b\":2}\n")
		}, true, []string{
			`1 L1 @0 - {"a":1}`,
			"error: line 2 (byte 8): record larger than 64 KiB (the limit) starting at byte 8: skipped",
			fmt.Sprintf(`2 L3 @%d - {"b":2}`, 16+huge+3),
		}},
		{"first line", func() io.Reader {
			return stream("{\"big\":\"", 'x', huge, "\"}\n{\"b\":2}\n")
		}, false, []string{
			"error: line 1 (byte 0): record larger than 64 KiB (the limit) starting at byte 0: skipped",
			fmt.Sprintf(`1 L2 @%d - {"b":2}`, 8+huge+3),
		}},
		{"array element", func() io.Reader {
			return stream("[{\"a\":1},\n{\"big\":\"", 'x', huge, "\"},\n{\"b\":2}]\n")
		}, false, []string{
			`1 L1 @1 array {"a":1}`,
			"error: line 2 (byte 10): record larger than 64 KiB (the limit) starting at byte 10: skipped",
			fmt.Sprintf(`2 L3 @%d array {"b":2}`, 18+huge+4),
		}},
		{"record in a wrapper line", func() io.Reader {
			return stream("{\"a\":1}\n{\"records\":[{\"r\":1},{\"big\":[\"", 'x', huge, "\"]},{\"r\":3}]}\n{\"b\":2}\n")
		}, true, []string{
			`1 L1 @0 - {"a":1}`,
			`2 L2 @20 records {"r":1}`,
			"error: line 2 (byte 28): record larger than 64 KiB (the limit) starting at byte 28: skipped",
			fmt.Sprintf(`3 L2 @%d records {"r":3}`, 28+9+huge+4),
			fmt.Sprintf(`4 L3 @%d - {"b":2}`, 28+9+huge+4+10),
		}},
		{"wrapper line of small records", func() io.Reader {
			rec := `{"id":"` + strings.Repeat("r", 1000) + `"},`
			n := 3 * limit / len(rec)
			line := `{"records":[` + strings.Repeat(rec, n) + `{"id":"last"}]}`
			return strings.NewReader("{\"a\":1}\n" + line + "\n{\"b\":2}\n")
		}, true, nil}, // checked below: every record, no error
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSplitter(tt.in())
			s.Limit = limit
			s.DeferWrappers = tt.defer_
			var got []string
			maxBuf := 0
			for {
				rec, err := s.Next()
				if err == io.EOF {
					break
				}
				maxBuf = max(maxBuf, cap(s.buf))
				if tt.want == nil {
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, string(rec.Data[:min(len(rec.Data), 12)]))
					continue
				}
				got = append(got, renderSplit(t, rec, err, rec.Index))
			}
			if tt.want == nil {
				if n := len(got); n < 4 || got[0] != `{"a":1}` || got[n-2] != `{"id":"last"` || got[n-1] != `{"b":2}` {
					t.Errorf("records %v…%v: want every record of the wrapper line between the others", got[:2], got[len(got)-2:])
				}
			} else if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if maxBuf > 8*limit {
				t.Errorf("the buffer grew to %d bytes for a limit of %d", maxBuf, limit)
			}
		})
	}
}

// FuzzSplitterLimit cuts input with a small limit and a small buffer read a
// byte at a time, so that records too large are let go while they are
// skipped: no panic, progress, no record over the limit, and the records
// given are those the Splitter gives without a limit, in order, but for
// the ones too large.
func FuzzSplitterLimit(f *testing.F) {
	for _, s := range []string{
		"{\"a\":1}\n{\"big\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"b\":2}\n",
		"[{\"a\":1},\n{\"big\":[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]},\n{\"b\":2}]\n",
		"{\"a\":1}\n{\"records\":[{\"r\":1},{\"big\":[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]},{\"r\":3}]}\n{\"b\":2}\n",
		"{\"@odata.context\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"value\":[{\"id\":1}]}",
		"\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n1\n",
		"{\"a\":1}\n{\"big\":{\"c\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n{\"b\":2}\n",
		"{\"a\":1}\n{\"big\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	} {
		f.Add([]byte(s), uint8(24))
	}
	f.Fuzz(func(t *testing.T, in []byte, lim uint8) {
		limit := int(lim%64) + 8
		var want []string
		s := NewSplitter(strings.NewReader(string(in)))
		for {
			rec, err := s.Next()
			if err == io.EOF {
				break
			}
			if err == nil {
				want = append(want, renderSplit(t, rec, nil, rec.Index))
			}
		}
		s = &Splitter{r: iotest.OneByteReader(strings.NewReader(string(in))), buf: make([]byte, 4), line: 1, Limit: limit}
		i := 0
		for n := 0; ; n++ {
			if n > len(in)+10 {
				t.Fatal("splitter does not make progress")
			}
			rec, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				continue
			}
			if len(rec.Data) > limit {
				t.Fatalf("a record of %d bytes for a limit of %d: %q", len(rec.Data), limit, rec.Data)
			}
			got := renderSplit(t, rec, nil, 0)
			// The numbering differs: records too large are not counted.
			for i < len(want) && trimIndex(want[i]) != trimIndex(got) {
				i++
			}
			if i == len(want) {
				t.Fatalf("record %s is not one of those without a limit, in order:\n%s", got, strings.Join(want, "\n"))
			}
			i++
		}
	})
}

// trimIndex drops the record number from a rendered record.
func trimIndex(r string) string {
	_, rest, _ := strings.Cut(r, " ")
	return rest
}
