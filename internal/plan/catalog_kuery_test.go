package plan

import (
	"testing"
	"time"
)

func TestKueryDate(t *testing.T) {
	ms := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	tests := []struct {
		in     string
		lo, hi string
	}{
		{"2024-05-01T10:30:00.123Z", "2024-05-01T10:30:00.123Z", "2024-05-01T10:30:00.123Z"},
		{"2024-05-01T12:30:00+02:00", "2024-05-01T10:30:00Z", "2024-05-01T10:30:00Z"},
		{"2024-05-01T10:30:00", "2024-05-01T10:30:00Z", "2024-05-01T10:30:00Z"},
		{"2024-05-01T10:30", "2024-05-01T10:30:00Z", "2024-05-01T10:30:59.999Z"},
		{"2024-05-01T10", "2024-05-01T10:00:00Z", "2024-05-01T10:59:59.999Z"},
		{"2024-05-01", "2024-05-01T00:00:00Z", "2024-05-01T23:59:59.999Z"},
		{"2024-02", "2024-02-01T00:00:00Z", "2024-02-29T23:59:59.999Z"},
		{"2024", "2024-01-01T00:00:00Z", "2024-12-31T23:59:59.999Z"},
		{"1714559400000", "2024-05-01T10:30:00Z", "2024-05-01T10:30:00Z"},
	}
	for _, tc := range tests {
		lo, hi, ok := KueryDate(tc.in)
		if !ok || lo != ms(tc.lo) || hi != ms(tc.hi) {
			t.Errorf("KueryDate(%q) = %d, %d, %v; want %s .. %s", tc.in, lo, hi, ok, tc.lo, tc.hi)
		}
	}
	for _, bad := range []string{"", "yesterday", "2024-13-01", "now-5m"} {
		if _, _, ok := KueryDate(bad); ok {
			t.Errorf("KueryDate(%q) parsed", bad)
		}
	}
	for _, name := range []string{"kuery.match", "kuery.wildcard", "kuery.exists", "kuery.range", "kuery.path"} {
		if _, ok := Lookup(name); !ok {
			t.Errorf("%s is not in the catalogue", name)
		}
	}
}
