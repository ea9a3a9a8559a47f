// The race detector makes a month of sign-ins too slow to hunt; CI runs
// this test without it.

//go:build !race

package engine_test

import (
	"testing"
	"time"

	"vigil/internal/gen"
	"vigil/internal/input"
)

// TestProjectionGenerated hunts a generated month, as Azure Monitor
// records and as Elastic documents, with and without the projection.
func TestProjectionGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and reads a month of sign-ins")
	}
	set := builtinSet(t)
	for _, shape := range []gen.Shape{gen.ShapeAzureMonitor, gen.ShapeElastic} {
		t.Run(shape.String(), func(t *testing.T) {
			dir := t.TempDir()
			start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
			if _, err := gen.Generate(gen.Options{Users: 40, Days: 21, Start: start, Seed: 7, Shape: shape, Dir: dir}); err != nil {
				t.Fatal(err)
			}
			files, err := input.Expand([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			for file, n := range checkProjection(t, files, nil, set) {
				t.Logf("%s: %d alerts", file, n)
			}
		})
	}
}
