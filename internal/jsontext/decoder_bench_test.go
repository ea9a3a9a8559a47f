package jsontext_test

import (
	"bytes"
	"testing"

	"vigil/internal/gen"
	"vigil/internal/jsontext"
)

// BenchmarkDecoderSkip measures skipping a whole Azure Monitor sign-in of
// about 5 KB, as a projected decode skips the members it does not read:
// SkipFast checks only structure, Skip the full grammar.
func BenchmarkDecoderSkip(b *testing.B) {
	var rec []byte
	s := jsontext.NewSplitter(bytes.NewReader(benchExport(b, gen.ShapeAzureMonitor, 4<<20)))
	for len(rec) < 4800 || len(rec) > 5200 {
		r, err := s.Next()
		if err != nil {
			b.Fatalf("no record of about 5 KB: %v", err)
		}
		rec = bytes.Clone(r.Data)
	}
	for _, bc := range []struct {
		name string
		skip func(*jsontext.Decoder)
	}{
		{"SkipFast", (*jsontext.Decoder).SkipFast},
		{"Skip", (*jsontext.Decoder).Skip},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var d jsontext.Decoder
			d.Reset(rec)
			bc.skip(&d)
			if err := d.End(); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(rec)))
			b.ReportAllocs()
			for b.Loop() {
				d.Reset(rec)
				bc.skip(&d)
				if d.Failed() {
					b.Fatal(d.Err())
				}
			}
		})
	}
}
