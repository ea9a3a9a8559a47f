package normalize

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/event"
	"vigil/internal/jsontext"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/shapes")

// TestShapes runs every testdata/shapes/*.txtar archive: its "input" file is
// cut into records (CSV rows for log-analytics-csv) and each is normalized as
// the shape named in its "shape" file, with the table name of its optional
// "table" file; the events (as --emit-events writes them), rows, member
// problems and record errors must equal its "want" file. Run with -update to
// rewrite "want" after a deliberate change, and read the diff.
func TestShapes(t *testing.T) { runGolden(t, "shapes") }

// goldenRun normalizes the input of a golden file as shape and renders the
// results as testdata/shapes does.
func goldenRun(t *testing.T, shape string, input []byte, table string) string {
	t.Helper()
	var out strings.Builder
	n := NewNormalizer()
	emit := func(index, line int, offset int64, ev *event.SignIn, row *event.Row, isRow bool, err error) {
		for _, p := range n.Problems() {
			fmt.Fprintf(&out, "record %d: problem at byte %d: %v\n", index, p.Offset, p)
		}
		switch {
		case err != nil:
			fmt.Fprintf(&out, "record %d: %s\n", index, renderErr(err))
		case isRow:
			fmt.Fprintf(&out, "record %d: %s\n", index, renderRow(row))
		default:
			ev.Origin = event.Origin{File: "input", Line: line, Record: index, Offset: offset}
			out.Write(ev.AppendJSON(nil))
			out.WriteByte('\n')
		}
	}
	if shape == "log-analytics-csv" {
		r := csv.NewReader(bytes.NewReader(input))
		header, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; ; i++ {
			cells, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			line, _ := r.FieldPos(0)
			var ev event.SignIn
			var row event.Row
			isRow, err := n.LogAnalyticsCSV(header, cells, table, &ev, &row)
			emit(i, line, r.InputOffset(), &ev, &row, isRow, err)
		}
		return out.String()
	}
	s := jsontext.NewSplitter(bytes.NewReader(input))
	for {
		rec, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(&out, "stream error: %v\n", err)
			continue
		}
		var ev event.SignIn
		var row event.Row
		var isRow bool
		switch shape {
		case "graph":
			err = n.Graph(rec.Data, &ev)
		case "azure-monitor":
			isRow, err = n.AzureMonitor(rec.Data, &ev, &row)
		case "log-analytics":
			isRow, err = n.LogAnalytics(rec.Data, table, &ev, &row)
		case "elastic":
			isRow, err = n.Elastic(rec.Data, &ev, &row)
		default:
			t.Fatalf("unknown shape %q", shape)
		}
		emit(rec.Index, rec.Line, rec.Offset, &ev, &row, isRow, err)
	}
	return out.String()
}

// runGolden runs the txtar golden files of dir (see TestShapes); -update
// rewrites their "want" file.
func runGolden(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			parts := map[string][]byte{}
			for _, f := range ar.Files {
				parts[f.Name] = f.Data
			}
			got := goldenRun(t, strings.TrimSpace(string(parts["shape"])), parts["input"], strings.TrimSpace(string(parts["table"])))
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(string(parts["want"]), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", file, diff)
			}
		})
	}
}
