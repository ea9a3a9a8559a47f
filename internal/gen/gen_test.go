package gen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"vigil/internal/engine"
	"vigil/internal/event"
	"vigil/internal/input"
)

var testStart = time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC) // a Monday

// generate writes a small tenant into a temporary directory.
func generate(t testing.TB, shape Shape, seed uint64, days int, gz bool) (string, *Summary) {
	t.Helper()
	dir := t.TempDir()
	sum, err := Generate(Options{Users: MinUsers, Days: days, Start: testStart, Seed: seed, Shape: shape, Gzip: gz, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return dir, sum
}

// digest hashes every file of dir, names included, in name order.
func digest(t testing.TB, dir string) string {
	t.Helper()
	h := sha256.New()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(n), len(b))
		h.Write(b)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	for _, shape := range []Shape{ShapeAzureMonitor, ShapeGraph} {
		t.Run(shape.String(), func(t *testing.T) {
			a, _ := generate(t, shape, 7, 2, true)
			b, _ := generate(t, shape, 7, 2, true)
			c, _ := generate(t, shape, 8, 2, true)
			if da, db := digest(t, a), digest(t, b); da != db {
				t.Errorf("seed 7 twice: different output (%s, %s)", da, db)
			}
			if digest(t, a) == digest(t, c) {
				t.Errorf("seeds 7 and 8 wrote the same bytes")
			}
		})
	}
}

// TestReadBack reads every shape with vigil's own reader: no problem, every
// sign-in and row there, in the right category, and every labelled sign-in
// present with the labelled user, category and error code.
func TestReadBack(t *testing.T) {
	want := map[Shape]input.Shape{
		ShapeGraph:           input.ShapeGraph,
		ShapeAzureMonitor:    input.ShapeAzureMonitor,
		ShapeLogAnalytics:    input.ShapeLogAnalytics,
		ShapeLogAnalyticsCSV: input.ShapeLogAnalyticsCSV,
		ShapeElastic:         input.ShapeElastic,
	}
	for shape := ShapeGraph; shape <= ShapeElastic; shape++ {
		t.Run(shape.String(), func(t *testing.T) {
			dir, sum := generate(t, shape, 3, 4, shape == ShapeAzureMonitor)
			files, err := input.Expand([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			var problems []string
			data, err := engine.Read(files, engine.ReadOptions{}, func(p engine.Problem) {
				if len(problems) < 10 {
					problems = append(problems, p.Error())
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if data.Problems > 0 {
				t.Fatalf("%d problems, the first:\n%s", data.Problems, strings.Join(problems, "\n"))
			}
			for _, f := range data.Files {
				base := filepath.Base(f.Name)
				if strings.HasPrefix(base, "IdentityInfo") || strings.HasPrefix(base, "BehaviorAnalytics") {
					continue
				}
				if f.Shape != want[shape] {
					t.Errorf("%s read as %s, want %s", base, f.Shape, want[shape])
				}
			}
			if got := int64(len(data.Events)); got != sum.SignIns {
				t.Errorf("read %d sign-ins, wrote %d", got, sum.SignIns)
			}
			var inter, non int64
			byID := map[string]*event.SignIn{}
			for i := range data.Events {
				ev := &data.Events[i]
				switch ev.Category {
				case event.CategorySignIn:
					inter++
				case event.CategoryNonInteractive:
					non++
				default:
					t.Fatalf("sign-in of category %s", ev.Category)
				}
				id, _ := ev.Str(event.FID)
				byID[id] = ev
			}
			if inter != sum.Interactive || non != sum.NonInteractive {
				t.Errorf("read %d interactive and %d non-interactive, wrote %d and %d", inter, non, sum.Interactive, sum.NonInteractive)
			}
			if non < 10*inter {
				t.Errorf("%d non-interactive for %d interactive sign-ins, want 10:1 or more", non, inter)
			}
			if got := int64(len(data.Tables["IdentityInfo"])); got != sum.IdentityInfo || got != int64(MinUsers*4) {
				t.Errorf("IdentityInfo: read %d rows, wrote %d", got, sum.IdentityInfo)
			}
			if got := int64(len(data.Tables["BehaviorAnalytics"])); got != sum.BehaviorRows || got == 0 {
				t.Errorf("BehaviorAnalytics: read %d rows, wrote %d", got, sum.BehaviorRows)
			}
			if len(sum.Labels) == 0 {
				t.Fatal("no labels")
			}
			for _, l := range sum.Labels {
				ev := byID[l.ID]
				if ev == nil {
					t.Errorf("label %s %s: sign-in %s not in the output", l.Scenario, l.Case, l.ID)
					continue
				}
				upn, _ := ev.Str(event.FUserPrincipalName)
				code, _ := ev.Int(event.FStatusErrorCode)
				if upn != l.User || ev.Category.String() != l.Category || int(code) != l.ErrorCode {
					t.Errorf("label %s %s: sign-in is %s %s %d, label says %s %s %d", l.Scenario, l.Case, upn, ev.Category, code, l.User, l.Category, l.ErrorCode)
				}
				created, _ := ev.Time(event.FCreatedDateTime)
				// Graph writes whole seconds, the CSV export milliseconds.
				if lt, _ := time.Parse(time.RFC3339Nano, l.Time); created.Sub(lt).Abs() >= time.Second {
					t.Errorf("label %s %s: sign-in created %s, label says %s", l.Scenario, l.Case, created, l.Time)
				}
			}
		})
	}
}

// TestLabels checks the scenarios: every rule has something to fire on and
// a near-miss, attacks come after the history the new_terms rules need,
// and label files are what the summary says.
func TestLabels(t *testing.T) {
	dir, sum := generate(t, ShapeElastic, 5, 21, false)
	fire, near := map[string]int{}, map[string]int{}
	historyEnd := testStart.AddDate(0, 0, HistoryDays)
	for _, l := range sum.Labels {
		if l.Rule == "none" {
			near[l.NearMissOf]++
		} else {
			fire[l.Rule]++
		}
		at, err := time.Parse(time.RFC3339Nano, l.Time)
		if err != nil {
			t.Fatal(err)
		}
		if at.Before(historyEnd.Add(-26*time.Hour)) || !at.Before(testStart.AddDate(0, 0, 21)) {
			t.Errorf("label %s %s at %s: outside [day 14, day 21)", l.Scenario, l.Case, at)
		}
		if l.Rule == RuleMFARejected {
			if m := at.Minute(); m < 10 || m > 45 {
				t.Errorf("label %s %s at %s: too close to the hour for an hourly window", l.Scenario, l.Case, at)
			}
		}
	}
	for _, r := range []string{RuleConsentDeniedAzure, RuleConsentDeniedO365, RuleMFARejected, RuleUnusualClient, RuleDeviceCodeNewUser} {
		if fire[r] == 0 || near[r] == 0 {
			t.Errorf("rule %s: %d labels to fire, %d near-misses; want some of each", r, fire[r], near[r])
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, LabelFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("\n")); n != len(sum.Labels) {
		t.Errorf("%s has %d lines, want %d", LabelFile, n, len(sum.Labels))
	}
}

// TestRhythm checks that people sign in interactively on weekdays in their
// business hours.
func TestRhythm(t *testing.T) {
	tn, err := NewTenant(200, 9)
	if err != nil {
		t.Fatal(err)
	}
	tr := newTraffic(tn, 9)
	var all, business, weekday int
	var hour []signIn
	for hi := range 14 * 24 {
		h := testStart.Unix() + int64(hi)*3600
		for _, u := range tn.Users {
			hour = tr.hour(hour[:0], u, h, hi)
			for _, s := range hour {
				if !s.interactive {
					continue
				}
				all++
				local := time.Unix(0, s.at).In(u.loc)
				if wd := local.Weekday(); wd != time.Saturday && wd != time.Sunday {
					weekday++
					if h := local.Hour(); h >= 7 && h < 19 {
						business++
					}
				}
			}
		}
	}
	if all == 0 {
		t.Fatal("no interactive sign-ins")
	}
	if share := float64(weekday) / float64(all); share < 0.9 {
		t.Errorf("%.2f of interactive sign-ins on weekdays, want 0.9 or more", share)
	}
	if share := float64(business) / float64(all); share < 0.8 {
		t.Errorf("%.2f of interactive sign-ins in business hours, want 0.8 or more", share)
	}
}

// TestRecordSize checks records weigh 3 to 6 KB on average, like real ones.
func TestRecordSize(t *testing.T) {
	for shape := ShapeGraph; shape <= ShapeElastic; shape++ {
		_, sum := generate(t, shape, 1, 1, false)
		avg := float64(sum.Bytes) / float64(sum.SignIns)
		if avg < 3000 || avg > 6000 {
			t.Errorf("%s: records weigh %.0f bytes on average, want 3000 to 6000", shape, avg)
		}
	}
}

func TestParseShape(t *testing.T) {
	for _, n := range ShapeNames() {
		s, err := ParseShape(n)
		if err != nil || s.String() != n {
			t.Errorf("ParseShape(%q) = %v, %v", n, s, err)
		}
	}
	if _, err := ParseShape("csv"); err == nil || err.Error() != `unknown shape "csv" (want one of graph, azmon, loganalytics, loganalytics-csv, ecs)` {
		t.Errorf("ParseShape(csv): %v", err)
	}
}

type discard struct{ n *int64 }

func (d discard) Write(b []byte) (int, error) { *d.n += int64(len(b)); return len(b), nil }
func (d discard) Close() error                { return nil }

// BenchmarkGenerate measures records written per second to io.Discard.
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		shape Shape
		gz    bool
	}{{ShapeAzureMonitor, false}, {ShapeElastic, false}, {ShapeLogAnalyticsCSV, false}, {ShapeAzureMonitor, true}} {
		name := bc.shape.String()
		if bc.gz {
			name += "-gzip"
		}
		b.Run(name, func(b *testing.B) {
			var written, records, raw int64
			for b.Loop() {
				sum, err := Generate(Options{Users: 100, Days: 2, Start: testStart, Seed: 1, Shape: bc.shape, Gzip: bc.gz,
					Create: func(string) (io.WriteCloser, error) { return discard{&written}, nil }})
				if err != nil {
					b.Fatal(err)
				}
				records += sum.SignIns
				raw += sum.Bytes
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(records)/sec, "records/s")
			b.ReportMetric(float64(raw)/sec/1e6, "MB/s")
		})
	}
}
