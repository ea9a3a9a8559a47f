package engine_test

import (
	"context"
	"strings"
	"testing"

	"vigil/internal/engine"
	"vigil/internal/ruletest"
)

// TestBuiltinRules runs the detection fixtures of the built-in pack
// (rules/testdata/FORMAT/*.txtar; the format is in package ruletest's doc),
// and checks that each gives the same alerts with its input read in reverse
// order.
func TestBuiltinRules(t *testing.T) {
	fixtures, err := ruletest.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	set, err := engine.LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range set.Rules {
		if !l.OK() {
			t.Fatalf("built-in rule %s: %v", l.File, l.Diags)
		}
	}
	for _, f := range fixtures {
		name := strings.TrimSuffix(strings.TrimPrefix(f.Name, "builtin:testdata/"), ".txtar")
		t.Run(name, func(t *testing.T) {
			res := ruletest.Run(context.Background(), f, set, ruletest.Options{CheckOrder: true, CheckRetention: true})
			if !res.Passed() {
				t.Errorf("%s\n%s", f.Name, res.Diff())
			}
		})
	}
}
