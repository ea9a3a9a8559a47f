package spl

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden compiles the search of every testdata/*.txtar (section
// search.spl, against seedTables and testLookups with the built-in macros)
// and compares the canonical printing (section printed), the AST with the
// positions of its nodes in the written search (section ast), the plan
// (section plan), or the error (section error). go test -update rewrites
// them.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string]string{}
			for _, f := range ar.Files {
				sections[f.Name] = string(f.Data)
			}
			src, ok := sections["search.spl"]
			if !ok {
				t.Fatalf("%s: no search.spl section", path)
			}
			src = strings.TrimSuffix(src, "\n")
			got := map[string]string{}
			s, err := Parse(src, Builtin())
			if err == nil {
				got["printed"] = s.String() + "\n"
				got["ast"] = dumpAST(s)
				n, lerr := Lower(s, Options{Tables: seedTables, Lookups: testLookups})
				if lerr != nil {
					err = lerr
				} else {
					got["plan"] = n.String()
				}
			}
			if err != nil {
				got["error"] = err.Error() + "\n"
			}
			if *update {
				out := &txtar.Archive{Comment: ar.Comment, Files: []txtar.File{{Name: "search.spl", Data: []byte(src + "\n")}}}
				for _, sec := range []string{"printed", "ast", "plan", "error"} {
					if v, ok := got[sec]; ok {
						out.Files = append(out.Files, txtar.File{Name: sec, Data: []byte(v)})
					}
				}
				if err := os.WriteFile(path, txtar.Format(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, sec := range []string{"printed", "ast", "plan", "error"} {
				if got[sec] != sections[sec] {
					t.Errorf("%s: section %s differs\n--- got ---\n%s--- want ---\n%s", path, sec, got[sec], sections[sec])
				}
			}
		})
	}
}

// dumpAST renders the commands of s one node per line with their
// line:col ranges in the written search.
func dumpAST(s *Search) string {
	var b strings.Builder
	for i, c := range s.Commands {
		dumpNode(&b, s.Expansion, fmt.Sprintf("[%d]", i), reflect.ValueOf(c), 0)
	}
	return b.String()
}

func dumpNode(b *strings.Builder, x *Expansion, label string, v reflect.Value, depth int) {
	if v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Interface {
			v = v.Elem()
		}
	}
	if v.Kind() == reflect.Slice {
		for i := 0; i < v.Len(); i++ {
			dumpNode(b, x, fmt.Sprintf("%s[%d]", label, i), v.Index(i), depth)
		}
		return
	}
	s := v.Elem()
	sp := s.FieldByName("Range").Interface().(diag.Span)
	start := diag.PosOf(x.Source, x.SourceOffset(sp.Start))
	end := diag.PosOf(x.Source, x.SourceEnd(sp.End))
	fmt.Fprintf(b, "%s%s: %s %s-%s", strings.Repeat("  ", depth), label, s.Type().Name(), start, end)
	var children []int
	for i := 0; i < s.NumField(); i++ {
		f, ft := s.Field(i), s.Type().Field(i)
		switch {
		case ft.Type == spanType:
		case f.Kind() == reflect.String:
			if f.String() != "" {
				fmt.Fprintf(b, " %s=%q", ft.Name, f.String())
			}
		case f.Kind() == reflect.Bool:
			if f.Bool() {
				fmt.Fprintf(b, " %s", ft.Name)
			}
		case f.Kind() == reflect.Int64:
			fmt.Fprintf(b, " %s=%d", ft.Name, f.Int())
		default:
			children = append(children, i)
		}
	}
	b.WriteByte('\n')
	for _, i := range children {
		dumpNode(b, x, s.Type().Field(i).Name, s.Field(i), depth+1)
	}
}
