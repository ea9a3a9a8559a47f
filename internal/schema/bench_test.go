package schema

import (
	"context"
	"testing"
	"time"

	"vigil/internal/event"
)

// clone copies every field of ev into a new event with its own storage.
func clone(ev *event.SignIn) event.SignIn {
	var out event.SignIn
	out.Category = ev.Category
	for f := event.Field(0); f < event.NumFields; f++ {
		if !ev.Has(f) {
			continue
		}
		if ev.IsNull(f) {
			out.SetNull(f)
			continue
		}
		switch f.Info().Type {
		case event.FInt:
			n, _ := ev.Int(f)
			out.SetInt(f, n)
		case event.FReal:
			r, _ := ev.Real(f)
			out.SetReal(f, r)
		case event.FBool:
			b, _ := ev.Bool(f)
			out.SetBool(f, b)
		case event.FTime:
			tm, _ := ev.Time(f)
			lit, _ := ev.TimeLiteral(f)
			out.SetTime(f, tm, lit)
		default:
			s, _ := ev.Str(f)
			out.SetStr(f, s)
		}
	}
	out.Extra = append([]event.Extra(nil), ev.Extra...)
	return out
}

// BenchmarkScanSigninLogs scans 100k SigninLogs rows built from full Azure
// Monitor sign-ins, in a one-hour window and unwindowed.
func BenchmarkScanSigninLogs(b *testing.B) {
	const n = 100_000
	proto := signInFrom(b, shapeAzmon, interactiveKind)
	evs := make([]event.SignIn, n)
	start := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	for i := range evs {
		evs[i] = clone(&proto)
		// Input out of time order, as Graph exports are (newest first).
		evs[i].SetTime(event.FRecordTime, start.Add(time.Duration(n-i)*time.Second), "")
	}
	cat := New(evs, nil)
	for _, bc := range []struct {
		name string
		cat  *Catalog
	}{
		{"all", cat},
		{"window-1h", cat.Window(start.Add(time.Hour), start.Add(2*time.Hour))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tab, _ := bc.cat.Table(SigninLogs)
			b.ReportAllocs()
			rows := 0
			for b.Loop() {
				rows = 0
				err := tab.Scan(context.Background(), func([]event.Value) error { rows++; return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows), "rows/scan")
		})
	}
	b.Run("build-catalog", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			New(evs, nil)
		}
	})
}
