package spl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	m := Builtin()
	m.Define(Macro{Name: "wrap", Args: []string{"a", "b"}, Definition: "`inner($a$)` b=$b$"})
	m.Define(Macro{Name: "inner", Args: []string{"x"}, Definition: "x=$x$"})
	m.Define(Macro{Name: "loop", Definition: "`loop`"})
	m.Define(Macro{Name: "azure_monitor_aad", Definition: "sourcetype=custom:aad index=azure"})
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"built-in", "`o365_graph` a=1", "sourcetype=o365:graph:api a=1", ""},
		{"user definition overrides the built-in", "`azure_monitor_aad`", "sourcetype=custom:aad index=azure", ""},
		{"arguments, recursive", "`wrap(\"p, q\", (1,2))`", "x=\"p, q\" b=(1,2)", ""},
		{"empty filter macro", "a | `anything_filter`", "a | ", ""},
		{"ctime", "| `security_content_ctime(firstTime)`", `| convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime)`, ""},
		{"backticks inside strings are text", "a=\"`x`\"", "a=\"`x`\"", ""},
		{"unknown", "a `nope`", "", "1:3: spl: unknown macro 'nope'"},
		{"wrong arity", "a\n `inner`", "", "2:2: spl: unknown macro 'inner'"},
		{"recursion", "`loop`", "", "1:1: spl: macro 'loop' expands itself"},
		{"unterminated", "a `b", "", "1:3: spl: unterminated macro call"},
		{"bad call", "a `b c`", "", "1:3: spl: bad macro call `b c`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := Expand(tt.in, m)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				checkDiag(t, tt.in, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if x.Text != tt.want {
				t.Errorf("expanded to %q, want %q", x.Text, tt.want)
			}
		})
	}
}

// TestExpansionPositions checks that text written in the search keeps its
// offsets and text from a macro maps to the call.
func TestExpansionPositions(t *testing.T) {
	src := "`o365_graph` user=a | `security_content_ctime(t)`"
	x, err := Expand(src, Builtin())
	if err != nil {
		t.Fatal(err)
	}
	user := strings.Index(x.Text, "user=a")
	if got := x.SourceOffset(user); got != strings.Index(src, "user=a") {
		t.Errorf("user=a maps to %d", got)
	}
	if got := x.SourceOffset(strings.Index(x.Text, "convert")); got != strings.Index(src, "`security") {
		t.Errorf("convert maps to %d, want the macro call", got)
	}
	if got := x.SourceOffset(0); got != 0 {
		t.Errorf("sourcetype maps to %d", got)
	}
	// An error in the lowering of macro text points at the call.
	_, err = Compile("`o365_graph` | eval x=1 | `bad_macro`", Options{Tables: seedTables, Macros: func() *Macros {
		m := Builtin()
		m.Define(Macro{Name: "bad_macro", Definition: "eval y=nosuch(1)"})
		return m
	}()})
	if err == nil || err.Error() != "1:27: spl: not supported yet: eval function 'nosuch'" {
		t.Errorf("error %v", err)
	}
}

func TestLoadMacros(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("o365_graph.yml", "definition: sourcetype=my:graph\ndescription: custom\nname: o365_graph\n")
	write("security_content_ctime.yml", "arguments:\n- field\ndefinition: convert timeformat=\"%Y\" ctime($field$)\nname: security_content_ctime\n")
	write("macros.conf", "# local overrides\n[x_filter]\ndefinition = search user!=svc*\n\n[pair(2)]\nargs = a, b\ndefinition = $a$=$b$ \\\n  AND z=1\n")
	m := Builtin()
	if err := m.LoadFile(dir); err != nil {
		t.Fatal(err)
	}
	x, err := Expand("`o365_graph` `pair(k, v)` | `security_content_ctime(t)` | `x_filter` | `y_filter`", m)
	if err != nil {
		t.Fatal(err)
	}
	want := "sourcetype=my:graph k=v \n  AND z=1 | convert timeformat=\"%Y\" ctime(t) | search user!=svc* | "
	if x.Text != want {
		t.Errorf("expanded to %q, want %q", x.Text, want)
	}
	if _, err := LoadMacroYAML("bad.yml", []byte("name: a(2)\narguments: [x]\n")); err == nil || err.Error() != "bad.yml: macro a(2) has 1 arguments, want 2" {
		t.Errorf("arity mismatch: %v", err)
	}
	if _, err := LoadMacrosConf("m.conf", []byte("[a(1)]\ndefinition = x\n")); err == nil || err.Error() != "m.conf: macros.conf: macro a: args lists 0 names, want 1" {
		t.Errorf("conf arity mismatch: %v", err)
	}
}
