package engine_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/engine"
	"vigil/internal/event"
	"vigil/internal/gen"
	"vigil/internal/input"
	"vigil/internal/ruletest"
)

// TestHuntWorkers hunts the same generated data with the built-in rules one
// at a time and several at once: the alerts, their order and the per-rule
// counts must not depend on how many rules run concurrently.
func TestHuntWorkers(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if _, err := gen.Generate(gen.Options{Users: 20, Days: 16, Start: start, Seed: 3, Shape: gen.ShapeAzureMonitor, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	files, err := input.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	data := read(t, files, nil, event.AllFields, true)
	hunt := func(workers int) (alerts []string, counts []int) {
		set := builtinSet(t)
		res := engine.HuntWith(context.Background(), data, set, engine.HuntOptions{Workers: workers})
		for _, r := range res.Rules {
			if len(r.Diags) > 0 || r.Err != nil {
				t.Fatalf("rule %s: %v %v", r.File, r.Diags, r.Err)
			}
			counts = append(counts, r.Alerts)
		}
		for _, a := range res.Alerts {
			alerts = append(alerts, string(a.AppendJSON(nil)))
		}
		return alerts, counts
	}
	one, oneCounts := hunt(1)
	if len(one) == 0 || slices.Index(oneCounts, 0) >= 0 {
		t.Fatalf("want alerts from every built-in rule, got counts %v", oneCounts)
	}
	for _, workers := range []int{2, 5} {
		got, counts := hunt(workers)
		if diff := cmp.Diff(oneCounts, counts); diff != "" {
			t.Errorf("workers %d: alerts per rule (-one +several):\n%s", workers, diff)
		}
		if diff := cmp.Diff(one, got); diff != "" {
			t.Errorf("workers %d: alerts (-one +several):\n%s", workers, diff)
		}
	}
}

// TestRetentionGenerated hunts generated months in several shapes with the
// built-in rules twice: over every sign-in, and over only those Retention
// keeps. The alerts must be the same but for evidence, which with retention
// is the part of the full hunt's that passed the rule's own filters.
func TestRetentionGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts sign-ins")
	}
	for _, shape := range []gen.Shape{gen.ShapeAzureMonitor, gen.ShapeGraph, gen.ShapeElastic} {
		t.Run(shape.String(), func(t *testing.T) {
			dir := t.TempDir()
			start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
			if _, err := gen.Generate(gen.Options{Users: 20, Days: 16, Start: start, Seed: 5, Shape: shape, Dir: dir}); err != nil {
				t.Fatal(err)
			}
			files, err := input.Expand([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			set := builtinSet(t)
			full := engine.HuntWith(context.Background(), read(t, files, nil, event.AllFields, true), set, engine.HuntOptions{})
			set = builtinSet(t)
			data, err := engine.Read(files, engine.ReadOptions{KeepExtra: true, Retain: engine.NewRetention(set, engine.HuntOptions{})}, nil)
			if err != nil {
				t.Fatal(err)
			}
			kept := engine.HuntWith(context.Background(), data, set, engine.HuntOptions{})
			if data.Dropped == 0 || len(data.Events) == 0 {
				t.Fatalf("kept %d and dropped %d sign-ins: want some of each", len(data.Events), data.Dropped)
			}
			t.Logf("kept %d of %d sign-ins; %d alerts", len(data.Events), data.SignIns(), len(full.Alerts))
			if len(full.Alerts) == 0 {
				t.Fatal("no alerts to compare")
			}
			if diff := cmp.Diff(ruletest.WithoutEvidence(full.Alerts), ruletest.WithoutEvidence(kept.Alerts)); diff != "" {
				t.Fatalf("alerts (-all sign-ins +kept only):\n%s", diff)
			}
			for i, a := range kept.Alerts {
				for _, o := range a.Evidence {
					if !slices.Contains(full.Alerts[i].Evidence, o) {
						t.Errorf("alert %s: evidence %v is not the full hunt's", a.ID, o)
					}
				}
			}
		})
	}
}
