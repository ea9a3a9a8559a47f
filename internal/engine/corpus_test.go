package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/internal/input"
)

// TestCorpus reads every data file under $VIGIL_CORPUS (the public samples in
// ../shared/corpus; .ci/run sets it) and fails on any problem: each real
// sample must read and normalize cleanly. Documentation files (*.md) are not
// data.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("VIGIL_CORPUS")
	if dir == "" {
		t.Skip("VIGIL_CORPUS is not set")
	}
	if !filepath.IsAbs(dir) {
		// Relative to the module root, as .ci/run and the README name it.
		dir = filepath.Join(moduleRoot(t), dir)
	}
	all, err := input.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		if !strings.HasSuffix(f, ".md") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatalf("no data files under %s", dir)
	}
	data, err := Read(files, ReadOptions{KeepExtra: true}, func(p Problem) { t.Errorf("%v", p) })
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range data.Files {
		if f.Events+f.Rows == 0 {
			t.Errorf("%s (%s): nothing read", f.Name, f.Shape)
		}
		t.Logf("%s: %s, %d sign-ins, %d rows", f.Name, f.Shape, f.Events, f.Rows)
	}
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
