package schema

import (
	"context"
	"testing"

	"vigil/internal/event"
)

// BenchmarkSplunk builds the Splunk views of 10,000 sign-ins (each with
// arrays to flatten) and scans azure:monitor:aad once, as one hourly run
// per event does.
func BenchmarkSplunk(b *testing.B) {
	one := splunkEvent(&testing.T{}, "azmon", splunkAzmon)
	evs := make([]event.SignIn, 10000)
	for i := range evs {
		evs[i] = one
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := NewSplunk(evs, SplunkOptions{})
		tab, _ := s.Table(AzureMonitorAAD)
		n := 0
		tab.Scan(context.Background(), func(row []event.Value) error { n++; return nil })
		if n != len(evs) {
			b.Fatal(n)
		}
	}
}
