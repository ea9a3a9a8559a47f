package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/gen"
	"vigil/internal/input"
)

// readRendered reads files and renders what Read gives, a line each: the
// problems as reported, the events with their origin, and each file's
// counts. Rendered events hold their canonical JSON when full is set, else
// their id.
func readRendered(t testing.TB, files []string, opts ReadOptions, full bool) []string {
	t.Helper()
	var out []string
	data, err := Read(files, opts, func(p Problem) {
		p.File = filepath.Base(p.File)
		out = append(out, fmt.Sprintf("problem @%d (%s): %s", p.Offset, p.Reason, p.Error()))
	})
	if err != nil {
		out = append(out, "error: "+err.Error())
	}
	for i := range data.Events {
		ev := &data.Events[i]
		o := ev.Origin
		what, _ := ev.Str(event.FID)
		if full {
			what = string(ev.AppendJSON(nil))
		}
		out = append(out, fmt.Sprintf("event %s:%d #%d @%d %s", filepath.Base(o.File), o.Line, o.Record, o.Offset, what))
	}
	for _, f := range data.Files {
		out = append(out, fmt.Sprintf("file %s: %s, %d records, %d events, %d rows, %d problems",
			filepath.Base(f.Name), f.Shape, f.Records, f.Events, f.Rows, f.Problems))
	}
	return out
}

// readBothWays reads files with the wrapper lines cut by the workers and by
// the producer, on one and on several workers, and fails t unless all four
// give the same; it returns what they gave.
func readBothWays(t testing.TB, files []string, opts ReadOptions, full bool) []string {
	t.Helper()
	defer func() { splitInWorkers = true }()
	var first []string
	for _, inWorkers := range []bool{false, true} {
		splitInWorkers = inWorkers
		for _, workers := range []int{1, 3} {
			opts.Workers = workers
			got := readRendered(t, files, opts, full)
			if first == nil {
				first = got
				continue
			}
			if diff := cmp.Diff(first, got); diff != "" {
				t.Fatalf("split in workers %v, %d workers: (-split by the producer, 1 worker +this):\n%s", inWorkers, workers, diff)
			}
		}
	}
	return first
}

// azmonRecord is an Azure Monitor sign-in record with id id and the given
// properties after it.
func azmonRecord(id, props string) string {
	return `{"time":"2024-05-02T08:00:00Z","category":"SignInLogs","properties":{"id":"` + id + `"` + props + `}}`
}

// batchLine is a {"records":[…]} line of the given records.
func batchLine(recs ...string) string {
	return `{"records":[` + strings.Join(recs, ",") + "]}\n"
}

// TestReadBatchLines: Azure Monitor files with a {"records":[…]} batch a line,
// as Event Hubs capture writes them, read the same whether the workers or
// the reading goroutine cut the lines into records: events, their origins,
// problems with their positions, and the counts.
func TestReadBatchLines(t *testing.T) {
	a := azmonRecord("a", "")
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			"batch lines",
			batchLine(azmonRecord("1", ""), azmonRecord("2", "")) + batchLine(azmonRecord("3", "")) + batchLine(azmonRecord("4", ""), azmonRecord("5", ""), azmonRecord("6", "")),
			[]string{
				"event f.json:1 #1 @12 1", "event f.json:1 #2 @92 2", "event f.json:2 #3 @186 3",
				"event f.json:3 #4 @280 4", "event f.json:3 #5 @360 5", "event f.json:3 #6 @440 6",
				"file f.json: azure-monitor, 6 records, 6 events, 0 rows, 0 problems",
			},
		},
		{
			// The normalizer finds the bad literal; the records around it
			// are kept, and numbered on.
			"a malformed record in the middle of a batch line",
			batchLine(a) + batchLine(azmonRecord("1", ""), `{"time":"2024-05-02T08:00:00Z","properties":{"id":tru}}`, azmonRecord("3", "")) + batchLine(azmonRecord("4", "")),
			[]string{
				"problem @236 (malformed JSON): f.json:2: record 3: malformed JSON: invalid literal, want true",
				"event f.json:1 #1 @12 a", "event f.json:2 #2 @106 1", "event f.json:2 #4 @242 3", "event f.json:3 #5 @336 4",
				"file f.json: azure-monitor, 5 records, 4 events, 0 rows, 1 problems",
			},
		},
		{
			// The Splitter finds a break in the structure: the rest of the
			// line is lost, the lines after it are read.
			"a batch line broken in the middle",
			batchLine(a) + batchLine(azmonRecord("1", ""), "x", azmonRecord("3", "")) + batchLine(azmonRecord("4", "")),
			[]string{
				"problem @186 (malformed JSON): f.json:2: malformed JSON: unexpected 'x'",
				"event f.json:1 #1 @12 a", "event f.json:2 #2 @106 1", "event f.json:3 #3 @282 4",
				"file f.json: azure-monitor, 4 records, 3 events, 0 rows, 1 problems",
			},
		},
		{
			"a truncated batch line",
			batchLine(a) + `{"records":[` + azmonRecord("1", "") + `,{"time":"2024-05-02T08:00:00Z","properties":` + "\n" + batchLine(azmonRecord("4", "")),
			[]string{
				"problem @186 (malformed JSON): f.json:2: malformed JSON: the record starting here ends with its line before its closing bracket",
				"event f.json:1 #1 @12 a", "event f.json:2 #2 @106 1", "event f.json:3 #3 @243 4",
				"file f.json: azure-monitor, 4 records, 3 events, 0 rows, 1 problems",
			},
		},
		{
			"a batch line cut by the end of the file",
			batchLine(a) + `{"records":[` + azmonRecord("1", "") + `,{"time":"2024-05-02T08:00:00Z","properties":{"id":"x`,
			[]string{
				"problem @186 (truncated input): f.json:2: truncated: the input ends inside a record that starts here",
				"event f.json:1 #1 @12 a", "event f.json:2 #2 @106 1",
				"file f.json: azure-monitor, 3 records, 2 events, 0 rows, 1 problems",
			},
		},
		{
			"a member of the wrong type",
			batchLine(a) + batchLine(azmonRecord("1", `,"isInteractive":"yes"`), azmonRecord("2", "")),
			[]string{
				`problem @200 (member of the wrong type): f.json:2: record 2: properties.isInteractive: want true or false, got string "yes"`,
				"event f.json:1 #1 @12 a", "event f.json:2 #2 @106 1", "event f.json:2 #3 @208 2",
				"file f.json: azure-monitor, 3 records, 3 events, 0 rows, 1 problems",
			},
		},
		{
			"plain records and text between batch lines",
			batchLine(a) + azmonRecord("1", "") + "\nnot json\n" + batchLine(azmonRecord("2", ""), azmonRecord("3", "")) + "{\"records\":[]}\n" + azmonRecord("4", "") + "\n",
			[]string{
				`problem @174 (not JSON): f.json:3: not JSON: "not json"`,
				"event f.json:1 #1 @12 a", "event f.json:2 #2 @94 1", "event f.json:4 #3 @195 2", "event f.json:4 #4 @275 3", "event f.json:6 #5 @372 4",
				"file f.json: azure-monitor, 6 records, 5 events, 0 rows, 1 problems",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := writeFile(t, t.TempDir(), "f.json", tt.in)
			got := readBothWays(t, []string{f}, ReadOptions{}, false)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadBatchLinesStrict: --strict stops at the first problem inside a
// batch line, with the same message.
func TestReadBatchLinesStrict(t *testing.T) {
	dir := t.TempDir()
	in := batchLine(azmonRecord("a", "")) + batchLine(azmonRecord("1", ""), "x", azmonRecord("3", "")) + batchLine(azmonRecord("4", ""))
	bad := writeFile(t, dir, "a.json", in)
	good := writeFile(t, dir, "b.json", batchLine(azmonRecord("b", "")))
	defer func() { splitInWorkers = true }()
	for _, inWorkers := range []bool{false, true} {
		splitInWorkers = inWorkers
		data, err := Read([]string{bad, good}, ReadOptions{Strict: true}, nil)
		if err == nil || err.Error() != "stopped at the first problem (--strict): "+bad+":2: malformed JSON: unexpected 'x'" {
			t.Errorf("split in workers %v: err = %v", inWorkers, err)
		}
		if len(data.Files) != 1 {
			t.Errorf("split in workers %v: read on after the first problem: %d files", inWorkers, len(data.Files))
		}
	}
}

// TestReadBatchLinesGenerated reads a generated Azure Monitor export, whole
// and with bytes broken here and there, the same both ways.
func TestReadBatchLinesGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a day of sign-ins")
	}
	dir := genAzmon(t, 1)
	files, err := input.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	got := readBothWays(t, files, ReadOptions{KeepExtra: true}, true)
	if len(got) < 1000 {
		t.Fatalf("only %d lines read", len(got))
	}
	// Break the largest file: a byte of the structure changed every
	// 100 KB, and the file cut in the middle of a line.
	var name string
	var size int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Size() > size {
			name, size = f, st.Size()
		}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []byte(`:,"}]{[x` + "\n") {
		data[(i+1)*100_000] = c
	}
	broken := writeFile(t, t.TempDir(), "broken.json", string(data[:len(data)*2/3]))
	got = readBothWays(t, []string{broken}, ReadOptions{KeepExtra: true}, true)
	problems := 0
	for _, l := range got {
		if strings.HasPrefix(l, "problem") {
			problems++
		}
	}
	t.Logf("%d lines read, %d problems in the broken file", len(got), problems)
	if problems < 3 {
		t.Errorf("only %d problems in the broken file:\n%s", problems, strings.Join(got[len(got)-1:], "\n"))
	}
}

// genAzmon writes days of a small tenant's sign-ins as Azure Monitor
// {"records":[…]} batch lines into a temporary directory.
func genAzmon(t testing.TB, days int) string {
	t.Helper()
	dir := t.TempDir()
	_, err := gen.Generate(gen.Options{Users: gen.MinUsers, Days: days, Seed: 1, Shape: gen.ShapeAzureMonitor, Dir: dir,
		Start: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// BenchmarkRead measures Read over three days of a small tenant's Azure Monitor
// sign-ins ({"records":[…]} batches of about a hundred 5 KB records a line),
// on GOMAXPROCS workers.
func BenchmarkRead(b *testing.B) {
	dir := genAzmon(b, 3)
	files, err := input.Expand([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	records := 0
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		data, err := Read(files, ReadOptions{KeepExtra: true}, func(p Problem) { b.Fatal(p) })
		if err != nil {
			b.Fatal(err)
		}
		records = 0
		for _, f := range data.Files {
			records += f.Records
		}
	}
	b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "records/s")
}
