package engine

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
)

// readProblems reads files with opts and returns the problems as reported,
// with the files' base names, and the data.
func readProblems(t *testing.T, files []string, opts ReadOptions) ([]string, *Data) {
	t.Helper()
	var got []string
	data, err := Read(files, opts, func(p Problem) {
		p.File = filepath.Base(p.File)
		got = append(got, p.Reason+": "+p.Error())
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, data
}

// TestReadBadText: a sign-in whose values hold bytes that are not UTF-8 is
// read, its values as they are, and each such member is a problem at its
// line and record, saying what JSON output writes instead.
func TestReadBadText(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "bad.json",
		`{"time":"2024-05-02T08:00:00Z","category":"SignInLogs","properties":{"id":"r1","userDisplayName":"Jo"}}`+"\n"+
			"{\"time\":\"2024-05-02T08:00:01Z\",\"category\":\"SignInLogs\",\"properties\":{\"id\":\"r2\",\"userDisplayName\":\"Jo\xe9 M\xfcller\"}}\n"+
			`{"records":[{"time":"2024-05-02T08:00:02Z","category":"SignInLogs","properties":{"id":"r3","userAgent":"a\udc00"}}]}`+"\n")
	for _, fields := range []event.FieldSet{event.AllFields, event.NewFieldSet(event.FID, event.FCategory, event.FRecordTime, event.FUserDisplayName, event.FUserAgent)} {
		got, data := readProblems(t, []string{f}, ReadOptions{Fields: fields, KeepExtra: true})
		want := []string{
			`invalid UTF-8: bad.json:2: record 2: properties.userDisplayName: invalid UTF-8: 2 bytes (\xe9\xfc) are not text; JSON output writes each as U+FFFD`,
			`invalid UTF-8: bad.json:3: record 3: properties.userAgent: a \u escape holds half a UTF-16 surrogate pair, read as U+FFFD`,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
		if len(data.Events) != 3 {
			t.Fatalf("%d events, want 3", len(data.Events))
		}
		if s, _ := data.Events[1].Str(event.FUserDisplayName); s != "Jo\xe9 M\xfcller" {
			t.Errorf("userDisplayName %q: want the bytes as they were", s)
		}
		if n := data.Reasons[ReasonBadText]; n != 2 {
			t.Errorf("%d problems counted as %q, want 2", n, ReasonBadText)
		}
	}
}
