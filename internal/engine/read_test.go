package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/input"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReadKeepsOrder reads enough records for many batches on several
// workers: events come out in file order whatever the scheduling.
func TestReadKeepsOrder(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	const n = 3000
	for i := range n {
		fmt.Fprintf(&b, `{"time":"2024-05-02T08:00:00Z","category":"SignInLogs","properties":{"id":"r%d"}}`+"\n", i)
		if i%997 == 0 {
			b.WriteString("garbage line\n")
		}
	}
	f := writeFile(t, dir, "many.ndjson", b.String())
	for _, workers := range []int{1, 2, 7} {
		var problems []string
		data, err := Read([]string{f}, ReadOptions{Workers: workers}, func(p Problem) { problems = append(problems, p.Error()) })
		if err != nil {
			t.Fatal(err)
		}
		if len(data.Events) != n {
			t.Fatalf("workers=%d: %d events, want %d", workers, len(data.Events), n)
		}
		for i := range data.Events {
			if id, _ := data.Events[i].Str(event.FID); id != fmt.Sprintf("r%d", i) {
				t.Fatalf("workers=%d: event %d has id %s", workers, i, id)
			}
		}
		want := []string{
			f + `:2: not JSON: "garbage line"`,
			f + `:1000: not JSON: "garbage line"`,
			f + `:1998: not JSON: "garbage line"`,
			f + `:2996: not JSON: "garbage line"`,
		}
		if diff := cmp.Diff(want, problems); diff != "" {
			t.Errorf("workers=%d: problems (-want +got):\n%s", workers, diff)
		}
		if data.Reasons[ReasonNotJSON] != 4 {
			t.Errorf("reasons = %v", data.Reasons)
		}
	}
}

func TestReadStrict(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "a.ndjson", "{\"time\":\"2024-05-02T08:00:00Z\",\"category\":\"SignInLogs\",\"properties\":{\"id\":\"1\"}}\n{\"properties\":{\"id\":tru}}\n")
	good := writeFile(t, dir, "b.ndjson", "{\"time\":\"2024-05-02T08:00:00Z\",\"category\":\"SignInLogs\",\"properties\":{\"id\":\"2\"}}\n")
	data, err := Read([]string{bad, good}, ReadOptions{Strict: true}, nil)
	if err == nil || !strings.Contains(err.Error(), "stopped at the first problem (--strict): "+bad+":2: record 2: malformed JSON") {
		t.Fatalf("err = %v", err)
	}
	if len(data.Files) != 1 {
		t.Errorf("read on after the first problem: %d files", len(data.Files))
	}
}

// TestReadTables: Log Analytics rows of other tables are kept by table name;
// --table names the table of rows without a Type column.
func TestReadTables(t *testing.T) {
	dir := t.TempDir()
	ii := writeFile(t, dir, "ii.json", `[{"TimeGenerated":"2024-05-02T08:00:00Z","AccountUPN":"a@contoso.example","Type":"IdentityInfo"}]`)
	ba := writeFile(t, dir, "ba.csv", "TimeGenerated [UTC],SourceIPAddress,InvestigationPriority\n\"5/2/2024, 9:00:00.000 AM\",203.0.113.50,10\n")
	data, err := Read([]string{ii, ba}, ReadOptions{Tables: map[string]string{ba: "BehaviorAnalytics"}}, func(p Problem) { t.Error(p) })
	if err != nil {
		t.Fatal(err)
	}
	if got := data.TableNames(); !cmp.Equal(got, []string{"BehaviorAnalytics", "IdentityInfo"}) {
		t.Fatalf("tables %v", got)
	}
	if raw, _ := data.Tables["BehaviorAnalytics"][0].Get("SourceIPAddress"); raw != `"203.0.113.50"` {
		t.Errorf("SourceIPAddress = %s", raw)
	}
	if data.Files[1].Shape != input.ShapeLogAnalyticsCSV {
		t.Errorf("shape %v", data.Files[1].Shape)
	}
}

func TestReadTimeRangeAndInfo(t *testing.T) {
	dir := t.TempDir()
	// Graph exports are newest first.
	g := writeFile(t, dir, "g.json", `{"value":[{"id":"2","createdDateTime":"2024-05-03T10:00:00Z"},{"id":"1","createdDateTime":"2024-05-01T10:00:00Z"}]}`)
	data, err := Read([]string{g}, ReadOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last, ok := data.TimeRange()
	if !ok || first.Format("2006-01-02") != "2024-05-01" || last.Format("2006-01-02") != "2024-05-03" {
		t.Errorf("time range %v … %v", first, last)
	}
	want := FileInfo{Name: g, Shape: input.ShapeGraph, Records: 2, Events: 2, Bytes: data.Files[0].Bytes}
	if diff := cmp.Diff(want, data.Files[0]); diff != "" {
		t.Errorf("file info (-want +got):\n%s", diff)
	}
}

// TestReadProgress: the progress counters end at the bytes and sign-ins read,
// and may be polled while reading (run with -race).
func TestReadProgress(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, `{"time":"2024-05-02T08:00:00Z","category":"SignInLogs","properties":{"id":"r%d"}}`+"\n", i)
	}
	f1 := writeFile(t, dir, "a.ndjson", b.String())
	f2 := writeFile(t, dir, "b.ndjson", b.String())
	var pr Progress
	stop := make(chan struct{})
	polled := make(chan int64)
	go func() {
		var last int64
		for {
			select {
			case <-stop:
				polled <- last
				return
			default:
				if n := pr.Bytes(); n < last {
					t.Errorf("bytes went back from %d to %d", last, n)
				} else {
					last = n
				}
			}
		}
	}()
	data, err := Read([]string{f1, f2}, ReadOptions{Progress: &pr}, nil)
	close(stop)
	<-polled
	if err != nil {
		t.Fatal(err)
	}
	if pr.Bytes() != data.Bytes || pr.Events() != 4000 {
		t.Errorf("progress %d bytes %d events, read %d bytes %d events", pr.Bytes(), pr.Events(), data.Bytes, len(data.Events))
	}
}
