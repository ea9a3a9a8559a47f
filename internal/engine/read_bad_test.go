package engine

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
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

// TestReadRecordLimit: a record larger than the limit is a problem at its
// line and byte, and the records after it are read, on every framing.
func TestReadRecordLimit(t *testing.T) {
	const limit = 4 << 10
	rec := func(id string, big bool) string {
		extra := ""
		if big {
			extra = `,"userAgent":"` + strings.Repeat("x", 3*limit) + `"`
		}
		return `{"time":"2024-05-02T08:00:00Z","category":"SignInLogs","properties":{"id":"` + id + `"` + extra + `}}`
	}
	tests := []struct {
		name, in string
		want     []string
	}{
		{"ndjson", rec("r1", false) + "\n" + rec("r2", true) + "\n" + rec("r3", false) + "\n",
			[]string{"f.json:2: @r2", "event r1", "event r3"}},
		{"batch line", rec("r1", false) + "\n" + `{"records":[` + rec("r2", false) + "," + rec("r3", true) + "," + rec("r4", false) + "]}\n" + rec("r5", false) + "\n",
			[]string{"f.json:2: @r3", "event r1", "event r2", "event r4", "event r5"}},
		{"array", "[" + rec("r1", false) + ",\n" + rec("r2", true) + ",\n" + rec("r3", false) + "\n]\n",
			[]string{"f.json:2: @r2", "event r1", "event r3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := writeFile(t, t.TempDir(), "f.json", tt.in)
			got, data := readProblems(t, []string{f}, ReadOptions{MaxRecord: limit})
			for i := range data.Events {
				id, _ := data.Events[i].Str(event.FID)
				got = append(got, "event "+id)
			}
			// @ID stands for the problem of the record too large, at the
			// byte where the record with that id begins.
			want := slices.Clone(tt.want)
			for i, w := range want {
				if pos, id, ok := strings.Cut(w, "@"); ok {
					at := strings.Index(tt.in, rec(id, true))
					want[i] = fmt.Sprintf("record too large: %srecord larger than 4 KiB (the limit) starting at byte %d: skipped", pos, at)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
