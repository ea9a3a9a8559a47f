package main

import (
	"testing"
	"time"
)

func TestRenderProgress(t *testing.T) {
	tests := []struct {
		read, total, events int64
		elapsed             time.Duration
		want                string
	}{
		{256 << 20, 1 << 30, 500000, 2 * time.Second, "reading 256.0 MiB / 1.0 GiB  25% [======                  ] 250,000 sign-ins/s  ETA 6s"},
		{1 << 30, 1 << 30, 4000000, 8 * time.Second, "reading 1.0 GiB / 1.0 GiB 100% [========================] 500,000 sign-ins/s  ETA -"},
		{0, 1 << 30, 0, 0, "reading 0 B / 1.0 GiB   0% [                        ] 0 sign-ins/s  ETA -"},
		{5 << 20, -1, 1234, time.Second, "reading 5.0 MiB  1,234 sign-ins/s"},
	}
	for _, tt := range tests {
		if got := renderProgress(tt.read, tt.total, tt.events, tt.elapsed); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
