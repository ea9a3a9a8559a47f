package engine

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/gen"
	"vigil/internal/input"
)

// readSummary is every figure of a hunt's summary of what it read
// (cmd/vigil's printSummary), and the files' own counts.
type readSummary struct {
	SignIns, Problems int
	Categories        map[string]int
	Reasons           map[string]int
	First, Last       time.Time
	Tables            map[string]int
	Files             []FileInfo
	Bytes             int64
}

func summaryOf(d *Data) readSummary {
	s := readSummary{SignIns: d.SignIns(), Problems: d.Problems, Categories: d.Categories, Reasons: d.Reasons,
		Tables: map[string]int{}, Files: d.Files, Bytes: d.Bytes}
	s.First, s.Last, _ = d.TimeRange()
	for name, rows := range d.Tables {
		s.Tables[name] = len(rows)
	}
	return s
}

// TestReadSummary reads a generated tenant of more than 300,000 Azure
// Monitor sign-ins as a hunt does (the rules' projection, retention) and as
// --emit-events does (every field, every sign-in kept), and checks that the
// summary is the same: a read that keeps a fifth of the sign-ins and
// decodes a few of their fields recycles memory all the time, and a string
// kept from a dropped sign-in (as the count by category once did) shows as
// a corrupted label. The kept sign-ins must be those the full read's
// retention keeps, their fields and tables' rows the same.
//
// With -short it reads 15,000: enough in a vigil_poison build, where
// recycled bytes are overwritten at once, not only when a later record
// happens to land on them.
func TestReadSummary(t *testing.T) {
	users, days, least := 300, 22, int64(300_000)
	if testing.Short() {
		users, days, least = 40, 8, 0
	}
	dir := t.TempDir()
	start := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	sum, err := gen.Generate(gen.Options{Users: users, Days: days, Start: start, Seed: 1, Shape: gen.ShapeAzureMonitor, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if sum.SignIns < least {
		t.Fatalf("generated %d sign-ins, want at least %d", sum.SignIns, least)
	}
	files, err := input.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	set, err := LoadRules(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	fail := func(p Problem) { t.Errorf("problem: %v", p) }

	full, err := Read(files, ReadOptions{KeepExtra: true}, fail)
	if err != nil {
		t.Fatal(err)
	}
	opts := ReadOptions{KeepExtra: true, Retain: NewRetention(set, HuntOptions{})}
	opts.Fields, opts.KeepExtra = Projection(set, HuntOptions{})
	kept, err := Read(files, opts, fail)
	if err != nil {
		t.Fatal(err)
	}

	want := summaryOf(full)
	if want.SignIns != int(sum.SignIns) {
		t.Fatalf("the full read has %d sign-ins; generated %d", want.SignIns, sum.SignIns)
	}
	if diff := cmp.Diff(map[string]int{"SignInLogs": int(sum.Interactive), "NonInteractiveUserSignInLogs": int(sum.NonInteractive)}, want.Categories); diff != "" {
		t.Fatalf("the full read's categories (-generated +read):\n%s", diff)
	}
	if diff := cmp.Diff(want, summaryOf(kept)); diff != "" {
		t.Errorf("summary (-every field, every sign-in +as a hunt reads):\n%s", diff)
	}
	if diff := cmp.Diff(full.Tables, kept.Tables); diff != "" {
		t.Errorf("tables (-every field, every sign-in +as a hunt reads):\n%s", diff)
	}

	// The kept sign-ins: those the retention keeps of the full read, in
	// order, with the same masks and the same projected fields.
	r := full.reachOf(set, HuntOptions{})
	var wantKept []int
	for i := range full.Events {
		for w := range r.words {
			if r.masks[i*r.words+w] != 0 {
				wantKept = append(wantKept, i)
				break
			}
		}
	}
	t.Logf("%d sign-ins, %d kept", want.SignIns, len(wantKept))
	if len(kept.Events) != len(wantKept) || kept.Dropped != want.SignIns-len(wantKept) {
		t.Fatalf("kept %d and dropped %d of %d sign-ins; the full read's retention keeps %d", len(kept.Events), kept.Dropped, want.SignIns, len(wantKept))
	}
	var bad []string
	for k, i := range wantKept {
		got, ev := &kept.Events[k], &full.Events[i]
		if got.Origin != ev.Origin {
			t.Fatalf("kept sign-in %d is %v; want %v", k, got.Origin, ev.Origin)
		}
		for w := range r.words {
			if g, m := kept.masks[k*kept.words+w], r.masks[i*r.words+w]; g != m {
				bad = append(bad, fmt.Sprintf("%v: mask %x, want %x", ev.Origin, g, m))
			}
		}
		for f := range event.NumFields {
			if !opts.Fields.Has(f) {
				continue
			}
			gs, gok := got.Str(f)
			ws, wok := ev.Str(f)
			gn, _ := got.Int(f)
			wn, _ := ev.Int(f)
			if gs != ws || gok != wok || gn != wn || got.IsNull(f) != ev.IsNull(f) {
				bad = append(bad, fmt.Sprintf("%s:%d: %s: %q (%d), want %q (%d)", filepath.Base(ev.Origin.File), ev.Origin.Line, f, gs, gn, ws, wn))
			}
		}
		if len(bad) > 20 {
			break
		}
	}
	for _, b := range bad {
		t.Error(b)
	}
}
