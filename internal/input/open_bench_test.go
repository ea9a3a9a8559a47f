package input_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigil/internal/gen"
	"vigil/internal/input"
)

// benchFile writes one day of a small tenant's Azure Monitor sign-ins with
// vigil gen into a temporary directory and returns the path of the largest
// file (the non-interactive sign-ins) and its size on disk.
func benchFile(b *testing.B, gz bool) (string, int64) {
	b.Helper()
	dir := b.TempDir()
	sum, err := gen.Generate(gen.Options{Users: gen.MinUsers, Days: 1, Seed: 1, Shape: gen.ShapeAzureMonitor, Gzip: gz, Dir: dir,
		Start: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	var path string
	var size int64
	for _, name := range sum.Files {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		if st.Size() > size {
			path, size = filepath.Join(dir, name), st.Size()
		}
	}
	return path, size
}

// read opens name, reads it to the end and returns the length of its
// content, failing b unless the file's gzip flag is gz and every byte on
// disk was read.
func read(b *testing.B, name string, size int64, gz bool) int64 {
	f, err := input.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	n, err := io.Copy(io.Discard, f.Reader())
	if err != nil {
		b.Fatal(err)
	}
	if f.Gzip != gz || f.Framing != input.FramingJSON || f.BytesRead() != size {
		b.Fatalf("gzip %v, framing %v, %d of %d bytes read", f.Gzip, f.Framing, f.BytesRead(), size)
	}
	return n
}

// BenchmarkOpen measures opening an Azure Monitor export of about 6 MB and
// reading its content to the end, plain and gzip-compressed as vigil gen
// --gzip writes it. Throughput is of the decompressed content.
func BenchmarkOpen(b *testing.B) {
	plain, plainSize := benchFile(b, false)
	for _, bc := range []struct {
		name string
		gz   bool
	}{{"plain", false}, {"gzip", true}} {
		b.Run(bc.name, func(b *testing.B) {
			path, size := plain, plainSize
			if bc.gz {
				path, size = benchFile(b, true)
			}
			if n := read(b, path, size, bc.gz); n != plainSize {
				b.Fatalf("content of %d bytes, want %d", n, plainSize)
			}
			b.SetBytes(plainSize)
			b.ReportAllocs()
			for b.Loop() {
				read(b, path, size, bc.gz)
			}
			b.ReportMetric(float64(size), "B/file")
		})
	}
}
