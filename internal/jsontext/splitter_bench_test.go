package jsontext_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigil/internal/gen"
	"vigil/internal/jsontext"
)

// benchExport returns the first whole lines, at most limit bytes, of the
// sign-ins vigil gen writes in shape for one day of a small tenant:
// {"records":[…]} batches of about a hundred 5 KB records a line for azmon,
// one Elastic document a line for ecs.
func benchExport(b *testing.B, shape gen.Shape, limit int) []byte {
	b.Helper()
	dir := b.TempDir()
	sum, err := gen.Generate(gen.Options{Users: gen.MinUsers, Days: 1, Seed: 1, Shape: shape, Dir: dir,
		Start: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	// The largest file is the (non-interactive) sign-ins.
	var data []byte
	for _, name := range sum.Files {
		d, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		if len(d) > len(data) {
			data = d
		}
	}
	if len(data) > limit {
		data = data[:bytes.LastIndexByte(data[:limit], '\n')+1]
	}
	if len(data) == 0 {
		b.Fatalf("%s: no whole line in the first %d bytes", shape, limit)
	}
	return data
}

// countRecords counts the records of NDJSON data with a Decoder, apart from
// the Splitter: the elements of a line's "records" array, or the line itself.
func countRecords(b *testing.B, data []byte) int {
	b.Helper()
	var d jsontext.Decoder
	n := 0
	for line := range bytes.Lines(data) {
		d.Reset(line)
		if !bytes.HasPrefix(line, []byte(`{"records":`)) {
			d.SkipFast()
			n++
		} else if d.Object() {
			for d.NextKey() {
				if string(d.Key()) != "records" || !d.Array() {
					d.SkipFast()
					continue
				}
				for d.NextElem() {
					d.SkipFast()
					n++
				}
			}
		}
		if err := d.End(); err != nil {
			b.Fatal(err)
		}
	}
	return n
}

// split cuts data into records and returns how many there are, failing b
// on a stream error or a record that did not come from wrapper.
func split(b *testing.B, data []byte, wrapper string) int {
	s := jsontext.NewSplitter(bytes.NewReader(data))
	n := 0
	for {
		rec, err := s.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		if rec.Wrapper != wrapper {
			b.Fatalf("record %d: wrapper %q, want %q", rec.Index, rec.Wrapper, wrapper)
		}
		n++
	}
}

// BenchmarkSplitter measures cutting 8 MB of sign-ins into records: Azure
// Monitor batch lines, whose records are cut by scanning the structure of
// each, and plain NDJSON (Elastic documents), cut by finding newlines.
func BenchmarkSplitter(b *testing.B) {
	for _, bc := range []struct {
		name    string
		shape   gen.Shape
		wrapper string
	}{
		{"azmon-batches", gen.ShapeAzureMonitor, "records"},
		{"ndjson", gen.ShapeElastic, ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data := benchExport(b, bc.shape, 8<<20)
			records := countRecords(b, data)
			if got := split(b, data, bc.wrapper); got != records {
				b.Fatalf("split %d records, want %d", got, records)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				split(b, data, bc.wrapper)
			}
			b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
