package kql

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"vigil/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden is one txtar file of testdata/: a query and the sections the tests
// derive from it.
type golden struct {
	name     string
	path     string
	comment  string
	query    string
	sections map[string]string
	order    []string
}

// parseTxtar reads a minimal txtar archive: a comment, then sections
// introduced by "-- name --" lines.
func parseTxtar(data string) (comment string, order []string, sections map[string]string) {
	sections = map[string]string{}
	cur := ""
	var b strings.Builder
	flush := func() {
		if cur == "" {
			comment = b.String()
		} else {
			sections[cur] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(data, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			flush()
			cur = trimmed[3 : len(trimmed)-3]
			order = append(order, cur)
			continue
		}
		b.WriteString(line)
	}
	flush()
	return comment, order, sections
}

func formatTxtar(g *golden) string {
	var b strings.Builder
	b.WriteString(g.comment)
	for _, name := range g.order {
		fmt.Fprintf(&b, "-- %s --\n", name)
		s := g.sections[name]
		b.WriteString(s)
		if s != "" && !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func loadGoldens(t testing.TB) []*golden {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*golden
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		g := &golden{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), path: p}
		g.comment, g.order, g.sections = parseTxtar(string(data))
		q, ok := g.sections["query.kql"]
		if !ok {
			t.Fatalf("%s: no query.kql section", p)
		}
		g.query = strings.TrimSuffix(q, "\n")
		out = append(out, g)
	}
	return out
}

// checkSection compares got with a golden section, or rewrites it with -update.
func checkSection(t *testing.T, g *golden, section, got string) {
	t.Helper()
	if *update {
		if _, ok := g.sections[section]; !ok {
			g.order = append(g.order, section)
		}
		g.sections[section] = got
		if err := os.WriteFile(g.path, []byte(formatTxtar(g)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, ok := g.sections[section]
	if !ok {
		t.Fatalf("%s: no %q section (run go test -update)", g.path, section)
	}
	if strings.TrimSuffix(got, "\n") != strings.TrimSuffix(want, "\n") {
		t.Errorf("%s: section %s differs\n--- got ---\n%s\n--- want ---\n%s", g.path, section, got, want)
	}
}

// TestGoldenParse parses every testdata/*.txtar query and compares the
// canonical printing (section "printed") and the AST dump with positions
// (section "ast"), or the error (section "error").
func TestGoldenParse(t *testing.T) {
	for _, g := range loadGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			q, err := Parse(g.query)
			if err != nil {
				checkSection(t, g, "error", err.Error()+"\n")
				return
			}
			checkSection(t, g, "printed", q.String()+"\n")
			checkSection(t, g, "ast", dumpAST(g.query, q))
		})
	}
}

// dumpAST renders a tree one node per line with its line:col range, for
// golden files.
func dumpAST(src string, n Node) string {
	var b strings.Builder
	dumpValue(&b, src, "", reflect.ValueOf(n), 0)
	return b.String()
}

var (
	spanType = reflect.TypeOf(diag.Span{})
	timeType = reflect.TypeOf(time.Time{})
	durType  = reflect.TypeOf(time.Duration(0))
)

func dumpValue(b *strings.Builder, src, label string, v reflect.Value, depth int) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return
	}
	indent := strings.Repeat("  ", depth)
	if v.Kind() == reflect.Slice {
		for i := 0; i < v.Len(); i++ {
			dumpValue(b, src, fmt.Sprintf("%s[%d]", label, i), v.Index(i), depth)
		}
		return
	}
	s := v.Elem()
	sp := s.FieldByName("Range").Interface().(diag.Span)
	fmt.Fprintf(b, "%s%s%s %s-%s", indent, labelPrefix(label), s.Type().Name(), diag.PosOf(src, sp.Start), diag.PosOf(src, sp.End))
	var children []int
	for i := 0; i < s.NumField(); i++ {
		f, ft := s.Field(i), s.Type().Field(i)
		switch {
		case ft.Type == spanType:
		case ft.Type == timeType:
			fmt.Fprintf(b, " %s=%s", ft.Name, f.Interface().(time.Time).Format(time.RFC3339Nano))
		case ft.Type == durType:
			fmt.Fprintf(b, " %s=%s", ft.Name, f.Interface().(time.Duration))
		case f.Kind() == reflect.String:
			if f.String() != "" {
				fmt.Fprintf(b, " %s=%q", ft.Name, f.String())
			}
		case f.Kind() == reflect.Bool:
			if f.Bool() {
				fmt.Fprintf(b, " %s", ft.Name)
			}
		case f.Kind() == reflect.Int64 || f.Kind() == reflect.Float64:
			fmt.Fprintf(b, " %s=%v", ft.Name, f.Interface())
		default:
			children = append(children, i)
		}
	}
	b.WriteByte('\n')
	for _, i := range children {
		dumpValue(b, src, s.Type().Field(i).Name, s.Field(i), depth+1)
	}
}

func labelPrefix(label string) string {
	if label == "" {
		return ""
	}
	return label + ": "
}
