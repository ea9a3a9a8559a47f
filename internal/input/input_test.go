package input

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"
)

func TestShapeOf(t *testing.T) {
	tests := []struct {
		name, rec, wrapper string
		want               Shape
	}{
		{"azure monitor record", `{"time":"x","category":"SignInLogs","properties":{"id":"1"}}`, "", ShapeAzureMonitor},
		{"azure monitor record in a batch", `{"properties":{}}`, "records", ShapeAzureMonitor},
		{"graph signIn", `{"id":"1","createdDateTime":"2024-01-01T00:00:00Z","userPrincipalName":"a"}`, "", ShapeGraph},
		{"graph page element", `{"id":"1"}`, "value", ShapeGraph},
		{"log analytics row", `{"TimeGenerated":"2024-01-01T00:00:00Z","UserPrincipalName":"a","Type":"SigninLogs"}`, "", ShapeLogAnalytics},
		{"log analytics row of another table", `{"AccountUPN":"a","Type":"IdentityInfo"}`, "", ShapeLogAnalytics},
		{"elastic document", `{"@timestamp":"2024-01-01T00:00:00Z","azure":{}}`, "", ShapeElastic},
		{"elastic search hit", `{"_index":"x","_source":{}}`, "", ShapeElastic},
		{"elastic hit without _source", `{"_id":"x"}`, "hits", ShapeElastic},
		{"nothing known", `{"hello":"world"}`, "", ShapeUnknown},
		{"not an object", `[1]`, "", ShapeUnknown},
		{"malformed", `{"id":`, "", ShapeUnknown},
	}
	for _, tt := range tests {
		if got := ShapeOf([]byte(tt.rec), tt.wrapper); got != tt.want {
			t.Errorf("%s: ShapeOf = %v, want %v", tt.name, got, tt.want)
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
	if _, err := ParseShape("xml"); err == nil || err.Error() != `unknown format "xml" (want one of graph, azure-monitor, log-analytics, log-analytics-csv, elastic)` {
		t.Errorf("ParseShape(xml) error = %v", err)
	}
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func utf16le(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func TestOpen(t *testing.T) {
	doc := `{"records":[{"a":"é"}]}`
	tests := []struct {
		name     string
		content  []byte
		framing  Framing
		gzip     bool
		utf16    bool
		wantErr  error
		wantText string
	}{
		{"json", []byte(doc), FramingJSON, false, false, nil, doc},
		{"json after white space", []byte("\n\n  " + doc), FramingJSON, false, false, nil, "\n\n  " + doc},
		{"utf-8 byte-order mark", append([]byte{0xEF, 0xBB, 0xBF}, doc...), FramingJSON, false, false, nil, doc},
		{"gzip, whatever the name", gz([]byte(doc)), FramingJSON, true, false, nil, doc},
		{"gzip of a file with a byte-order mark", gz(append([]byte{0xEF, 0xBB, 0xBF}, doc...)), FramingJSON, true, false, nil, doc},
		{"utf-16 as PowerShell writes it", utf16le(doc, true), FramingJSON, false, true, nil, doc},
		{"csv", []byte("TimeGenerated [UTC],Type\r\n1,2\r\n"), FramingCSV, false, false, nil, "TimeGenerated [UTC],Type\r\n1,2\r\n"},
		{"empty", nil, 0, false, false, ErrEmpty, ""},
		{"only white space", []byte(" \n\t\r\n"), 0, false, false, ErrEmpty, ""},
		{"empty gzip", gz(nil), 0, false, false, ErrEmpty, ""},
		{"binary", []byte{0x7f, 'E', 'L', 'F', 0, 0, 1}, 0, false, false, ErrBinary, ""},
		{"prose", []byte("Dear team, here are the logs\n"), FramingCSV, false, false, nil, "Dear team, here are the logs\n"},
		{"prose without a comma", []byte("Hello\n"), 0, false, false, ErrNotExport, ""},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "f")
			if err := os.WriteFile(p, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Open(p)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Open error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			defer f.Close()
			if f.Framing != tt.framing || f.Gzip != tt.gzip || f.UTF16 != tt.utf16 {
				t.Errorf("framing %v gzip %v utf16 %v", f.Framing, f.Gzip, f.UTF16)
			}
			got, err := io.ReadAll(f.Reader())
			if err != nil || string(got) != tt.wantText {
				t.Errorf("content %q, %v; want %q", got, err, tt.wantText)
			}
			if f.BytesRead() != int64(len(tt.content)) {
				t.Errorf("BytesRead = %d, want %d", f.BytesRead(), len(tt.content))
			}
		})
	}
}

func TestOpenTruncatedGzip(t *testing.T) {
	var b bytes.Buffer
	for i := range 20000 {
		fmt.Fprintf(&b, "{\"a\":%d}\n", i*7919)
	}
	data := gz(b.Bytes())
	p := filepath.Join(t.TempDir(), "cut.gz")
	os.WriteFile(p, data[:len(data)/2], 0o644)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = io.ReadAll(f.Reader())
	if err == nil || err.Error() != "gzip: truncated stream" {
		t.Errorf("reading a truncated gzip: %v", err)
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b/2.json", "a.json", "b/1.json.gz", ".hidden/x.json", "b/.DS_Store"} {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte("{}"), 0o644)
	}
	got, err := Expand([]string{dir, "-"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.json"), filepath.Join(dir, "b/1.json.gz"), filepath.Join(dir, "b/2.json"), "-"}
	if len(got) != len(want) {
		t.Fatalf("Expand = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Expand[%d] = %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := Expand([]string{filepath.Join(dir, "nope")}); err == nil {
		t.Error("Expand of a missing path gave no error")
	}
}

// FuzzOpen: whatever a file holds, Open either classifies it or returns an
// error, and reading what it returns never panics.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(`{"records":[]}`))
	f.Add(gz([]byte(`[{"id":"1"}]`)))
	f.Add(utf16le("a,b\n1,2\n", true))
	f.Add([]byte{0xFE, 0xFF, 0, '{', 0xD8})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := Open(p)
		if err != nil {
			return
		}
		defer file.Close()
		io.Copy(io.Discard, file.Reader())
	})
}

func FuzzShapeOf(f *testing.F) {
	f.Add([]byte(`{"properties":{},"category":"x"}`), "records")
	f.Add([]byte(`{"_source":{}}`), "")
	f.Fuzz(func(t *testing.T, data []byte, wrapper string) {
		ShapeOf(data, wrapper)
	})
}
