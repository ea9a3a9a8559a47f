package ruletest

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompare: a want line is compared with an alert as a subset.
func TestCompare(t *testing.T) {
	got := `{"severity":"high","risk_score":50,"mitre":["T1528"],"entities":[{"type":"user","value":"alex"},{"type":"ip","value":"192.0.2.1"}],"rows":[{"n":1,"ok":true,"x":null}]}`
	tests := []struct {
		name, want string
		diffs      []string
	}{
		{"empty object matches anything", `{}`, nil},
		{"members named are compared", `{"severity":"high","risk_score":50}`, nil},
		{"nested objects are subsets too", `{"entities":[{"value":"alex"},{"type":"ip"}],"rows":[{"ok":true,"x":null}]}`, nil},
		{"every difference is listed, by path", `{"severity":"low","risk_score":"50","rows":[{"n":2,"x":0}]}`, []string{
			`risk_score: want "50", got 50`,
			`rows[0].n: want 2, got 1`,
			`rows[0].x: want 0, got null`,
			`severity: want "low", got "high"`,
		}},
		{"missing members", `{"details":{"a":1},"rows":[{"y":1}]}`, []string{
			`details: missing, want {"a":1}`,
			`rows[0].y: missing, want 1`,
		}},
		{"arrays must have the same length", `{"mitre":[],"entities":[{}]}`, []string{
			`entities: want 1 elements, got 2: [{"type":"user","value":"alex"},{"type":"ip","value":"192.0.2.1"}]`,
			`mitre: want 0 elements, got 1: ["T1528"]`,
		}},
		{"kinds must agree", `{"severity":{"x":1},"mitre":"T1528","rows":[[1]]}`, []string{
			`mitre: want "T1528", got ["T1528"]`,
			`rows[0]: want an array, got {"n":1,"ok":true,"x":null}`,
			`severity: want an object, got "high"`,
		}},
	}
	var g any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w any
			if err := json.Unmarshal([]byte(tt.want), &w); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.diffs, compare(w, g, "", nil)); diff != "" {
				t.Errorf("compare (-want +got):\n%s", diff)
			}
		})
	}
}
