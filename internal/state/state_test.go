package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAdd: occurrences at most the gap apart share a span, an occurrence
// between two spans joins them when it is near enough to both, and Seen and
// First answer from the spans; keys are case-sensitive.
func TestAdd(t *testing.T) {
	tab, _ := NewMem().Rule("r", 10)
	steps := []struct {
		at   int64
		want []Span
	}{
		{100, []Span{{100, 100}}},
		{105, []Span{{100, 105}}},
		{115, []Span{{100, 115}}}, // 10 after the end: the gap exactly
		{126, []Span{{100, 115}, {126, 126}}},
		{50, []Span{{50, 50}, {100, 115}, {126, 126}}}, // out of order
		{90, []Span{{50, 50}, {90, 115}, {126, 126}}},  // joins the next one
		{60, []Span{{50, 60}, {90, 115}, {126, 126}}},  // joins the previous one
		{110, []Span{{50, 60}, {90, 115}, {126, 126}}}, // inside
		{70, []Span{{50, 70}, {90, 115}, {126, 126}}},
		{80, []Span{{50, 115}, {126, 126}}}, // joins both
		{116, []Span{{50, 126}}},
		{-5, []Span{{-5, -5}, {50, 126}}},
	}
	for i, s := range steps {
		tab.Add("alice", s.at)
		if diff := cmp.Diff(s.want, tab.Spans("alice")); diff != "" {
			t.Fatalf("step %d: Add(%d): spans (-want +got):\n%s", i, s.at, diff)
		}
	}
	tab.Add("Alice", 7)
	if tab.Len() != 2 {
		t.Errorf("Len() = %d, want 2 (keys are case-sensitive)", tab.Len())
	}
	seen := []struct {
		lo, hi int64
		want   bool
	}{
		{-10, -6, false}, {-5, -5, true}, {-4, 49, false}, {0, 60, true}, {127, 200, false}, {126, 126, true},
	}
	for _, s := range seen {
		if got := tab.Seen("alice", s.lo, s.hi); got != s.want {
			t.Errorf("Seen(alice, %d, %d) = %v, want %v", s.lo, s.hi, got, s.want)
		}
	}
	if f, ok := tab.First("alice", 0); f != 50 || !ok {
		t.Errorf("First(alice, 0) = %d, %v; want 50, true", f, ok)
	}
	if _, ok := tab.First("alice", 127); ok {
		t.Errorf("First(alice, 127) found a span, want none")
	}
	if n, ok := tab.Newest(); n != 126 || !ok {
		t.Errorf("Newest() = %d, %v; want 126, true", n, ok)
	}
	if n := tab.Prune(8); n != 1 || tab.Len() != 1 || tab.Horizon() != 8 {
		t.Errorf("Prune(8) forgot %d, left %d, horizon %d; want 1, 1 and 8 (Alice, last seen at 7)", n, tab.Len(), tab.Horizon())
	}
	if diff := cmp.Diff([]Span{{50, 126}}, tab.Spans("alice")); diff != "" {
		t.Errorf("alice after Prune(8) (-want +got):\n%s", diff)
	}
}

// TestSeenExact checks the claim Table makes, against a brute-force answer
// over random occurrences: Seen is exact for every stretch at least the gap
// long, and never false where a key occurred.
func TestSeenExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		gap := rng.Int64N(50)
		tab, _ := NewMem().Rule("r", gap)
		var times []int64
		for range 1 + rng.IntN(40) {
			at := rng.Int64N(1000)
			times = append(times, at)
			tab.Add("k", at)
		}
		for range 200 {
			lo := rng.Int64N(1100) - 50
			hi := lo + rng.Int64N(200)
			want := slices.ContainsFunc(times, func(x int64) bool { return lo <= x && x <= hi })
			got := tab.Seen("k", lo, hi)
			if want && !got || hi-lo >= gap && got != want {
				t.Fatalf("round %d: gap %d, times %v, spans %v: Seen(%d, %d) = %v, want %v", round, gap, times, tab.Spans("k"), lo, hi, got, want)
			}
		}
	}
}

// TestRuleGap: a table kept finer than a rule now needs is kept; a coarser
// one cannot answer it and starts anew.
func TestRuleGap(t *testing.T) {
	m := NewMem()
	tab, restarted := m.Rule("r", 10)
	tab.Add("k", 1)
	if _, restarted = m.Rule("r", 20); restarted {
		t.Errorf("Rule(r, 20) after gap 10: restarted, want kept")
	}
	if tab, _ := m.Rule("r", 20); tab.Len() != 1 {
		t.Errorf("Rule(r, 20) after gap 10 holds %d keys, want 1", tab.Len())
	}
	tab, restarted = m.Rule("r", 5)
	if !restarted || tab.Len() != 0 {
		t.Errorf("Rule(r, 5) after gap 20: restarted %v with %d keys, want true with 0", restarted, tab.Len())
	}
}

// contents returns a Store's state as plain maps.
func contents(m *Mem) map[string]map[string][]Span {
	out := map[string]map[string][]Span{}
	for _, id := range m.Rules() {
		out[id] = map[string][]Span{}
		for k, v := range m.rules[id].keys {
			out[id][k] = v
		}
	}
	return out
}

// TestDiskRoundTrip: what was committed is what Open reads, gaps and
// horizons included; what was not committed is gone.
func TestDiskRoundTrip(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := d.Rule("rule-a", 1000)
	a.Add("alice\x00app1", -5)
	a.Add("alice\x00app1", 1_700_000_000_000_000_000)
	a.Add("alice\x00app1", 1_700_000_000_000_000_500)
	a.Add("alice\x00app1", 1_600_000_000_000_000_000)
	b, _ := d.Rule("rule-b", 7)
	b.Add("bob", 42)
	b.Prune(40)
	d.Rule("rule-empty", 0)
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	want := contents(d.Mem)
	b.Add("carol", 43) // not committed
	d.Close()
	d2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if diff := cmp.Diff(want, contents(d2.Mem)); diff != "" {
		t.Errorf("reopened state (-want +got):\n%s", diff)
	}
	if _, restarted := d2.Rule("rule-a", 999); !restarted {
		t.Errorf("the gap of rule-a was not kept: a finer gap did not restart it")
	}
	if b2, _ := d2.Rule("rule-b", 7); b2.Horizon() != 40 {
		t.Errorf("horizon of rule-b = %d, want 40", b2.Horizon())
	}
}

// TestLock: a second Open of a directory in use fails at once, naming the
// process that holds it; after Close it opens.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	want := fmt.Sprintf("state: %s is in use by another process: pid %d (", dir, os.Getpid())
	if !errors.Is(err, ErrLocked) || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "); wait for it to finish or use another state directory") {
		t.Errorf("second Open: %v\nwant an ErrLocked starting %q", err, want)
	}
	d.Close()
	d2, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	d2.Close()
}

// TestLockedAcrossProcesses: two processes writing one state directory at
// once cannot both have it; the second is refused and loses nothing of the
// first's.
func TestLockedAcrossProcesses(t *testing.T) {
	if os.Getenv("VIGIL_STATE_HOLD") != "" {
		d, err := Open(os.Getenv("VIGIL_STATE_HOLD"))
		if err != nil {
			os.Exit(3)
		}
		tab, _ := d.Rule("r", 0)
		tab.Add("child", 1)
		d.Commit()
		fmt.Println("holding")
		time.Sleep(10 * time.Second)
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockedAcrossProcesses$")
	cmd.Env = append(os.Environ(), "VIGIL_STATE_HOLD="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 7)
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != "holding" {
		t.Fatalf("child: %q, %v", buf, err)
	}
	_, err := Open(dir)
	if want := fmt.Sprintf("pid %d (", cmd.Process.Pid); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), want) {
		t.Errorf("Open while another process holds it: %v; want ErrLocked naming %q", err, want)
	}
	cmd.Process.Kill() // the lock dies with the process
	cmd.Wait()
	d, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after the holder died: %v", err)
	}
	defer d.Close()
	if tab, _ := d.Rule("r", 0); !tab.Seen("child", 1, 1) {
		t.Errorf("the holder's commit is lost")
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
		tab, _ := d.Rule("r", 0)
		tab.Add(fmt.Sprint("user", i), int64(i))
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	want := contents(d.Mem)
	for i := range 1000 {
		tab, _ := d.Rule("r", 0)
		tab.Add(fmt.Sprint("other", i), int64(i))
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
	d.Close()
	// A killed process leaves its temporary file.
	os.WriteFile(filepath.Join(dir, SnapshotName+".tmp999"), []byte("VIGILST2garbage"), 0o644)
	d2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if diff := cmp.Diff(want, contents(d2.Mem)); diff != "" {
		t.Errorf("state after failed commits (-want +got):\n%s", diff)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

// TestCorruptSnapshot: a damaged snapshot is an error naming the file,
// never a partial state, and never advice to delete it; a snapshot of a
// newer format says so.
func TestCorruptSnapshot(t *testing.T) {
	dir := t.TempDir()
	d, _ := Open(dir)
	tab, _ := d.Rule("r", 0)
	tab.Add("k", 1)
	d.Commit()
	d.Close()
	path := filepath.Join(dir, SnapshotName)
	data, _ := os.ReadFile(path)
	const keep = "; the file is left as it is: restore it from a backup, or use another state directory to start with an empty history"
	for _, c := range []struct {
		data []byte
		want string
	}{
		{data[:len(data)-1], "corrupt snapshot (checksum mismatch: truncated or damaged)" + keep},
		{append([]byte("X"), data[1:]...), "corrupt snapshot (not a vigil state snapshot)" + keep},
		{[]byte{}, "corrupt snapshot (not a vigil state snapshot)" + keep},
		{[]byte("VIGILST"), "corrupt snapshot (no format version)" + keep},
		{[]byte("VIGILST3" + "whatever follows"), "written by a newer vigil (snapshot version 3; this one reads versions 1 to 2): use that vigil, or another state directory"},
		{[]byte("VIGILST12"), "written by a newer vigil (snapshot version 12; this one reads versions 1 to 2): use that vigil, or another state directory"},
	} {
		os.WriteFile(path, c.data, 0o644)
		_, err := Open(dir)
		if want := "state: " + path + ": " + c.want; err == nil || err.Error() != want {
			t.Errorf("Open(%q):\n got %v\nwant %s", c.data[:min(len(c.data), 12)], err, want)
		}
		if got, _ := os.ReadFile(path); string(got) != string(c.data) {
			t.Errorf("Open(%q) changed the file", c.data[:min(len(c.data), 12)])
		}
	}
	if _, err := Open(dir); err != nil && errors.Is(err, ErrLocked) {
		t.Errorf("a failed Open kept the lock: %v", err)
	}
}

// TestSnapshotV1: a version 1 snapshot (first and last time per key) is
// read as those two occurrences, with a note.
func TestSnapshotV1(t *testing.T) {
	dir := t.TempDir()
	var body []byte
	body = append(body, "VIGILST1"...)
	body = binary.AppendUvarint(body, 1) // rules
	body = binary.AppendUvarint(body, 1)
	body = append(body, 'r')
	body = binary.AppendUvarint(body, 1) // keys
	body = binary.AppendUvarint(body, 5)
	body = append(body, "alice"...)
	body = binary.AppendVarint(body, 100) // first
	body = binary.AppendUvarint(body, 50) // last - first
	body = binary.LittleEndian.AppendUint32(body, crc32.Checksum(body, castagnoli))
	os.WriteFile(filepath.Join(dir, SnapshotName), body, 0o644)
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tab, _ := d.Rule("r", 0)
	if diff := cmp.Diff([]Span{{100, 100}, {150, 150}}, tab.Spans("alice")); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
	if len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "version 1") {
		t.Errorf("notes %q, want one about version 1", d.Notes)
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
		meta, _ := d.Rule("meta", 0)
		g := len(meta.Spans("gen"))
		if g == 0 {
			d.Close()
			continue // killed before the first commit
		}
		tab, _ := d.Rule("keys", 0)
		if tab.Len() != g*500 {
			t.Fatalf("kill %d: generation %d holds %d keys, want %d", i, g, tab.Len(), g*500)
		}
		for k := range g * 500 {
			if !tab.Seen(strconv.Itoa(k), int64(k), int64(k)) {
				t.Fatalf("kill %d: generation %d lacks key %d", i, g, k)
			}
		}
		d.Close()
		t.Logf("kill %d after %s: generation %d", i, wait, g)
	}
}

func commitLoop(dir string) {
	d, err := Open(dir)
	if err != nil {
		os.Exit(3)
	}
	// Generation g is the number of spans of "gen": one per commit, far
	// apart in a table whose gap is zero.
	meta, _ := d.Rule("meta", 0)
	keys, _ := d.Rule("keys", 0)
	for g := len(meta.Spans("gen")) + 1; ; g++ {
		for k := (g - 1) * 500; k < g*500; k++ {
			keys.Add(strconv.Itoa(k), int64(k))
		}
		meta.Add("gen", int64(g)*10)
		if err := d.Commit(); err != nil {
			os.Exit(4)
		}
	}
}

// BenchmarkFirstSeen measures the hot operations of a new_terms rule over
// the state: ask whether a (UPN, app id) key was seen in a stretch, and
// record it, over 1M distinct keys.
func BenchmarkFirstSeen(b *testing.B) {
	const n = 1 << 20
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("user%06d@contoso.onmicrosoft.com\x00%08x-0000-4000-8000-%012d", i/8, i*2654435761, i%8)
	}
	tab, _ := NewMem().Rule("c766bc56-fdca-11ef-b194-f661ea17fbcd", 1<<20)
	for i, k := range keys {
		tab.Add(k, int64(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[(i*7919)&(n-1)]
		if !tab.Seen(k, 0, int64(n+i)) {
			b.Fatal("lost a key")
		}
		tab.Add(k, int64(n+i))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCommit measures writing a snapshot of 1M keys.
func BenchmarkCommit(b *testing.B) {
	d, _ := Open(b.TempDir())
	tab, _ := d.Rule("r", 0)
	for i := range 1 << 20 {
		tab.Add(fmt.Sprintf("user%06d@contoso.onmicrosoft.com\x00%08x", i/8, i), int64(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
