package rule

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"5m", 5 * time.Minute, ""},
		{"1h", time.Hour, ""},
		{"14d", 14 * 24 * time.Hour, ""},
		{"1d12h", 36 * time.Hour, ""},
		{"PT1H", time.Hour, ""},
		{"P14D", 14 * 24 * time.Hour, ""},
		{"P1DT12H30M", 36*time.Hour + 30*time.Minute, ""},
		{"", 0, "empty duration"},
		{"1", 0, `invalid duration "1" (want a number and a unit: 5m, 1h, 14d)`},
		{"1w", 0, `invalid duration "1w": unknown unit "w" (want s, m, h or d)`},
		{"PT", 0, `invalid ISO 8601 duration "PT"`},
		{"P1H", 0, `invalid ISO 8601 duration "P1H"`},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("ParseDuration(%q) = %v, %q; want %v, %q", tt.in, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

func TestOperator(t *testing.T) {
	tests := []struct {
		op               string
		count, threshold int
		want             bool
	}{
		{"gt", 1, 0, true}, {"gt", 0, 0, false}, {"GreaterThan", 3, 2, true},
		{"lt", 0, 1, true}, {"eq", 2, 2, true}, {"ne", 2, 2, false}, {"NotEqual", 1, 2, true},
	}
	for _, tt := range tests {
		op, ok := ParseOperator(tt.op)
		if !ok {
			t.Fatalf("ParseOperator(%q) failed", tt.op)
		}
		if got := op.Fires(tt.count, tt.threshold); got != tt.want {
			t.Errorf("%s: Fires(%d, %d) = %v", tt.op, tt.count, tt.threshold, got)
		}
	}
	if _, ok := ParseOperator("greater"); ok {
		t.Error("ParseOperator accepted greater")
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"Medium": SeverityMedium, "high": SeverityHigh, "Informational": SeverityInformational} {
		if got, ok := ParseSeverity(in); !ok || got != want {
			t.Errorf("ParseSeverity(%q) = %v", in, got)
		}
	}
	if _, ok := ParseSeverity("urgent"); ok {
		t.Error("ParseSeverity accepted urgent")
	}
}
