package state

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestObserve: first and last move outwards only; Observe reports what was
// known before; Prune forgets keys last seen before the horizon.
func TestObserve(t *testing.T) {
	tab := NewMem().Rule("r")
	steps := []struct {
		key       string
		at        int64
		want      Seen
		wantKnown bool
	}{
		{"alice", 10, Seen{}, false},
		{"alice", 5, Seen{10, 10}, true},
		{"alice", 20, Seen{5, 10}, true},
		{"alice", 7, Seen{5, 20}, true},
		{"Alice", 7, Seen{}, false}, // keys are case-sensitive
	}
	for i, s := range steps {
		got, known := tab.Observe(s.key, s.at)
		if got != s.want || known != s.wantKnown {
			t.Errorf("step %d: Observe(%q, %d) = %v, %v; want %v, %v", i, s.key, s.at, got, known, s.want, s.wantKnown)
		}
	}
	if got, _ := tab.Get("alice"); got != (Seen{5, 20}) {
		t.Errorf("Get(alice) = %v, want {5 20}", got)
	}
	if n := tab.Prune(8); n != 1 || tab.Len() != 1 {
		t.Errorf("Prune(8) forgot %d, left %d; want 1 and 1 (Alice, last seen at 7)", n, tab.Len())
	}
}

// contents returns a Store's state as plain maps.
func contents(s Store) map[string]map[string]Seen {
	out := map[string]map[string]Seen{}
	for _, id := range s.Rules() {
		out[id] = map[string]Seen{}
		for k, v := range s.Rule(id).(*memTable).keys {
			out[id][k] = v
		}
	}
	return out
}

// TestDiskRoundTrip: what was committed is what Open reads; what was not
// committed is gone.
func TestDiskRoundTrip(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	d.Rule("rule-a").Observe("alice\x00app1", -5)
	d.Rule("rule-a").Observe("alice\x00app1", 1_700_000_000_000_000_000)
	d.Rule("rule-b").Observe("bob", 42)
	d.Rule("rule-empty")
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	want := contents(d)
	d.Rule("rule-b").Observe("carol", 43) // not committed
	d.Close()
	d2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, contents(d2)); diff != "" {
		t.Errorf("reopened state (-want +got):\n%s", diff)
	}
}

// failingWriter fails after n bytes, as a full disk or a kill would stop a
// write part-way.
type failingWriter struct {
	f *os.File
	n int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		w.f.Write(p[:w.n])
		w.n = 0
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return w.f.Write(p)
}

func (w *failingWriter) Close() error { return w.f.Close() }

// TestCommitInterrupted: a Commit whose write fails part-way returns the
// error and leaves the previous snapshot; a temporary file left behind by
// a killed process is ignored and removed.
func TestCommitInterrupted(t *testing.T) {
	dir := t.TempDir()
	d, _ := Open(dir)
	for i := range 1000 {
		d.Rule("r").Observe(fmt.Sprint("user", i), int64(i))
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	want := contents(d)
	for i := range 1000 {
		d.Rule("r").Observe(fmt.Sprint("other", i), int64(i))
	}
	for _, n := range []int{0, 1, 9, 100, 5000} {
		d.create = func(name string) (io.WriteCloser, error) {
			f, err := createFile(name)
			if err != nil {
				return nil, err
			}
			return &failingWriter{f: f.(*os.File), n: n}, nil
		}
		err := d.Commit()
		if err == nil || err.Error() != "state: writing "+filepath.Join(dir, SnapshotName)+": disk full" {
			t.Fatalf("Commit failing after %d bytes: err = %v", n, err)
		}
	}
	// A killed process leaves its temporary file.
	os.WriteFile(filepath.Join(dir, SnapshotName+".tmp999"), []byte(magic+"garbage"), 0o644)
	d2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, contents(d2)); diff != "" {
		t.Errorf("state after failed commits (-want +got):\n%s", diff)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

// TestCorruptSnapshot: a damaged snapshot is an error naming the file,
// never a partial state.
func TestCorruptSnapshot(t *testing.T) {
	dir := t.TempDir()
	d, _ := Open(dir)
	d.Rule("r").Observe("k", 1)
	d.Commit()
	path := filepath.Join(dir, SnapshotName)
	data, _ := os.ReadFile(path)
	for _, bad := range [][]byte{data[:len(data)-1], append([]byte("X"), data[1:]...), {}} {
		os.WriteFile(path, bad, 0o644)
		_, err := Open(dir)
		want := "state: " + path + ": corrupt snapshot (remove the file to start with an empty state)"
		if err == nil || err.Error() != want {
			t.Errorf("Open(%d bytes) = %v, want %q", len(bad), err, want)
		}
	}
}

// TestKilledDuringCommit runs a child process that commits ever larger
// states in a loop and kills it at several moments; each time the state
// directory must open and hold exactly one of the committed states (every
// generation g commits keys 0..g*500 and gen = g).
func TestKilledDuringCommit(t *testing.T) {
	if os.Getenv("VIGIL_STATE_CHILD") != "" {
		commitLoop(os.Getenv("VIGIL_STATE_CHILD"))
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	for i, wait := range []time.Duration{30 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledDuringCommit$")
		cmd.Env = append(os.Environ(), "VIGIL_STATE_CHILD="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		cmd.Process.Kill()
		cmd.Wait()
		d, err := Open(dir)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		gen, ok := d.Rule("meta").Get("gen")
		if !ok {
			continue // killed before the first commit
		}
		g := int(gen.First)
		tab := d.Rule("keys")
		if tab.Len() != g*500 {
			t.Fatalf("kill %d: generation %d holds %d keys, want %d", i, g, tab.Len(), g*500)
		}
		for k := range g * 500 {
			if _, ok := tab.Get(strconv.Itoa(k)); !ok {
				t.Fatalf("kill %d: generation %d lacks key %d", i, g, k)
			}
		}
		t.Logf("kill %d after %s: generation %d", i, wait, g)
	}
}

func commitLoop(dir string) {
	d, err := Open(dir)
	if err != nil {
		os.Exit(3)
	}
	gen, _ := d.Rule("meta").Get("gen")
	for g := int(gen.First) + 1; ; g++ {
		for k := (g - 1) * 500; k < g*500; k++ {
			d.Rule("keys").Observe(strconv.Itoa(k), int64(k))
		}
		d.Rule("meta").Prune(1 << 62)
		d.Rule("meta").Observe("gen", int64(g))
		if err := d.Commit(); err != nil {
			os.Exit(4)
		}
	}
}

// BenchmarkFirstSeen measures the hot operation of a new_terms rule: look a
// (UPN, app id) key up and record it, over 1M distinct keys.
func BenchmarkFirstSeen(b *testing.B) {
	const n = 1 << 20
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("user%06d@contoso.onmicrosoft.com\x00%08x-0000-4000-8000-%012d", i/8, i*2654435761, i%8)
	}
	tab := NewMem().Rule("c766bc56-fdca-11ef-b194-f661ea17fbcd")
	for i, k := range keys {
		tab.Observe(k, int64(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[(i*7919)&(n-1)]
		if s, ok := tab.Observe(k, int64(n+i)); !ok || s.Last < 0 {
			b.Fatal("lost a key")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCommit measures writing a snapshot of 1M keys.
func BenchmarkCommit(b *testing.B) {
	d, _ := Open(b.TempDir())
	tab := d.Rule("r")
	for i := range 1 << 20 {
		tab.Observe(fmt.Sprintf("user%06d@contoso.onmicrosoft.com\x00%08x", i/8, i), int64(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
