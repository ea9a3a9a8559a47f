package engine_test

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/engine"
	"vigil/internal/event"
	"vigil/internal/gen"
	"vigil/internal/input"
	"vigil/internal/state"
)

// TestStateReuse hunts three generated weeks with the built-in rules in
// every way a responder reuses a --state directory, and compares the
// new_terms rules' alerts, as JSON, with those of one hunt over all of it:
// the weeks in order add up to it; a week hunted again raises what it
// raised the first time; an earlier week hunted after a later one raises
// what it would have raised first.
func TestStateReuse(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts sign-ins")
	}
	dir := t.TempDir()
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if _, err := gen.Generate(gen.Options{Users: 30, Days: 21, Start: start, Seed: 9, Shape: gen.ShapeAzureMonitor, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	files, err := input.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	// Each day's files go to its week; the tables to every week.
	day := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	weeks := make([][]string, 3)
	for _, f := range files {
		d := day.FindString(filepath.Base(f))
		if d == "" {
			for w := range weeks {
				weeks[w] = append(weeks[w], f)
			}
			continue
		}
		at, _ := time.Parse("2006-01-02", d)
		w := int(at.Sub(start) / (7 * 24 * time.Hour))
		weeks[w] = append(weeks[w], f)
	}
	set := builtinSet(t)
	stateDir := t.TempDir()
	hunt := func(st state.Store, files []string) []string {
		t.Helper()
		data := read(t, files, nil, event.AllFields, true)
		res := engine.HuntWith(context.Background(), data, set, engine.HuntOptions{CommonOptions: engine.CommonOptions{State: st}})
		var out []string
		for _, a := range res.Alerts {
			if a.RuleFormat == "elastic" {
				out = append(out, string(a.AppendJSON(nil)))
			}
		}
		for _, r := range res.Rules {
			if r.Err != nil || len(r.Diags) > 0 {
				t.Fatalf("rule %s: %v %v", r.File, r.Err, r.Diags)
			}
		}
		return out
	}
	// huntState hunts files with the state directory, as vigil hunt --state.
	huntState := func(files []string) []string {
		t.Helper()
		st, err := state.Open(stateDir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		out := hunt(st, files)
		if err := st.Commit(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	fresh := func() {
		t.Helper()
		stateDir = t.TempDir()
	}
	all := hunt(nil, files)
	if len(all) == 0 {
		t.Fatal("the built-in new_terms rules raised nothing")
	}
	alone := make([][]string, 3)
	for w := range weeks {
		alone[w] = hunt(nil, weeks[w])
	}

	var inOrder, last []string
	for w := range weeks {
		last = huntState(weeks[w])
		inOrder = append(inOrder, last...)
	}
	if diff := cmp.Diff(sorted(all), sorted(inOrder)); diff != "" {
		t.Errorf("weeks 1, 2, 3 with one state vs one hunt over all (-all +weeks):\n%s", diff)
	}
	if diff := cmp.Diff(last, huntState(weeks[2])); diff != "" {
		t.Errorf("week 3 again (-first time +again):\n%s", diff)
	}

	fresh()
	week1 := huntState(weeks[0])
	if again := huntState(weeks[0]); !cmp.Equal(week1, again) {
		t.Errorf("week 1 twice: %d alerts, then %d (-first +second):\n%s", len(week1), len(again), cmp.Diff(week1, again))
	}

	fresh()
	huntState(weeks[2])
	huntState(weeks[1])
	if got := huntState(weeks[0]); !cmp.Equal(alone[0], got) {
		t.Errorf("week 1 after weeks 3 and 2: %d alerts, alone %d (-alone +after):\n%s", len(got), len(alone[0]), cmp.Diff(alone[0], got))
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
