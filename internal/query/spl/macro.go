package spl

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"vigil/internal/diag"
)

// Macro is one search macro: `name` or `name(a, b)` in a search expands to
// Definition with every `$arg$` replaced by the call's argument text.
type Macro struct {
	// Name is the macro's name without arity ("security_content_ctime").
	Name string
	// Args names the arguments, in call order.
	Args []string
	// Definition is the SPL text the call expands to.
	Definition string
	// Origin says where the definition came from ("builtin", a file path).
	Origin string
}

// key is how Macros indexes a macro: the name, and "(n)" with n arguments,
// as Splunk's macros.conf stanzas spell it.
func macroKey(name string, nargs int) string {
	if nargs == 0 {
		return name
	}
	return name + "(" + strconv.Itoa(nargs) + ")"
}

// Macros is a set of macro definitions, looked up by name and arity. The
// zero value is an empty set ready for use; a Macros is not safe for
// concurrent modification, but Expand may run concurrently once it is
// built.
type Macros struct {
	defs map[string]Macro
	// EmptyFilters, when set, answers every undefined zero-argument macro
	// whose name ends in "_filter" with an empty definition (ESCU ships
	// each detection's filter macro empty, for users to override).
	EmptyFilters bool
}

// builtinMacros are ESCU's definitions of the macros the sign-in and audit
// detections use (splunk/security_content macros/*.yml), restated.
var builtinMacros = []Macro{
	{Name: "azure_monitor_aad", Definition: "sourcetype=azure:monitor:aad"},
	{Name: "o365_graph", Definition: "sourcetype=o365:graph:api"},
	{Name: "o365_management_activity", Definition: "sourcetype=o365:management:activity"},
	{Name: "azure_audit", Definition: "sourcetype=mscs:azure:audit"},
	{Name: "security_content_ctime", Args: []string{"field"}, Definition: `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)`},
}

// Builtin returns a new set holding ESCU's built-in macros, with
// EmptyFilters set. Callers may Define more (overriding built-ins).
func Builtin() *Macros {
	m := &Macros{EmptyFilters: true}
	for _, d := range builtinMacros {
		d.Origin = "builtin"
		m.Define(d)
	}
	return m
}

// Define adds def, replacing any macro of the same name and arity.
func (m *Macros) Define(def Macro) {
	if m.defs == nil {
		m.defs = map[string]Macro{}
	}
	m.defs[macroKey(def.Name, len(def.Args))] = def
}

// Lookup returns the macro name with nargs arguments.
func (m *Macros) Lookup(name string, nargs int) (Macro, bool) {
	if m != nil {
		if d, ok := m.defs[macroKey(name, nargs)]; ok {
			return d, true
		}
		if m.EmptyFilters && nargs == 0 && strings.HasSuffix(name, "_filter") {
			return Macro{Name: name, Origin: "builtin"}, true
		}
	}
	return Macro{}, false
}

// Names returns the keys of the defined macros ("name" or "name(n)"),
// sorted.
func (m *Macros) Names() []string {
	var out []string
	for k := range m.defs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// macroYAML is the part of an ESCU macros/*.yml file vigil reads.
type macroYAML struct {
	Name       string   `yaml:"name"`
	Definition string   `yaml:"definition"`
	Arguments  []string `yaml:"arguments"`
}

// LoadMacroYAML reads one ESCU macro file (name, definition, arguments).
// The name may carry the arity as macros.conf does ("x(1)"); it must agree
// with the arguments.
func LoadMacroYAML(file string, data []byte) (Macro, error) {
	var y macroYAML
	if err := yaml.Unmarshal(data, &y); err != nil {
		return Macro{}, fmt.Errorf("%s: %w", file, err)
	}
	if y.Name == "" {
		return Macro{}, fmt.Errorf("%s: macro has no name", file)
	}
	name, n, err := splitArity(y.Name)
	if err != nil {
		return Macro{}, fmt.Errorf("%s: %w", file, err)
	}
	if n >= 0 && n != len(y.Arguments) {
		return Macro{}, fmt.Errorf("%s: macro %s has %d arguments, want %d", file, y.Name, len(y.Arguments), n)
	}
	return Macro{Name: name, Args: y.Arguments, Definition: strings.TrimSpace(y.Definition), Origin: file}, nil
}

// splitArity splits "name(2)" into name and 2; a plain name gives -1.
func splitArity(s string) (string, int, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return s, -1, nil
	}
	if !strings.HasSuffix(s, ")") {
		return "", 0, fmt.Errorf("bad macro name %q", s)
	}
	n, err := strconv.Atoi(s[open+1 : len(s)-1])
	if err != nil || n < 0 {
		return "", 0, fmt.Errorf("bad macro name %q", s)
	}
	return s[:open], n, nil
}

// LoadMacrosConf reads a Splunk macros.conf: [name] or [name(n)] stanzas
// with `definition = …` and `args = a, b` keys (other keys are ignored;
// a line ending in a backslash continues on the next line).
func LoadMacrosConf(file string, data []byte) ([]Macro, error) {
	var out []Macro
	var cur *Macro
	arity := -1
	var errs diag.List
	finish := func() {
		if cur == nil {
			return
		}
		if arity >= 0 && arity != len(cur.Args) {
			errs.Add(diag.Errorf(file, diag.Pos{}, "macros.conf", "macro %s: args lists %d names, want %d", cur.Name, len(cur.Args), arity))
		}
		out = append(out, *cur)
		cur = nil
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := lines[i]
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + "\n" + lines[i]
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
		case strings.HasPrefix(t, "["):
			finish()
			if !strings.HasSuffix(t, "]") {
				errs.Add(diag.Errorf(file, diag.Pos{Line: lineNo, Col: 1}, "macros.conf", "unterminated stanza name"))
				continue
			}
			name, n, err := splitArity(strings.TrimSpace(t[1 : len(t)-1]))
			if err != nil {
				errs.Add(diag.Errorf(file, diag.Pos{Line: lineNo, Col: 1}, "macros.conf", "%v", err))
				continue
			}
			cur, arity = &Macro{Name: name, Origin: file}, n
		default:
			eq := strings.IndexByte(t, '=')
			if eq < 0 {
				errs.Add(diag.Errorf(file, diag.Pos{Line: lineNo, Col: 1}, "macros.conf", "expected key = value"))
				continue
			}
			if cur == nil {
				continue // keys outside a stanza ([default]) do not define macros
			}
			key, val := strings.TrimSpace(t[:eq]), strings.TrimSpace(t[eq+1:])
			switch key {
			case "definition":
				cur.Definition = val
			case "args":
				cur.Args = nil
				for _, a := range strings.Split(val, ",") {
					if a = strings.TrimSpace(a); a != "" {
						cur.Args = append(cur.Args, a)
					}
				}
			}
		}
	}
	finish()
	return out, errs.Err()
}

// LoadFile defines the macros of path: a macros.conf (name ending in
// .conf), an ESCU macro file (.yml, .yaml), or a directory whose *.yml,
// *.yaml and *.conf files are read in name order. Later definitions
// override earlier ones and the built-ins.
func (m *Macros) LoadFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		for _, e := range entries {
			switch filepath.Ext(e.Name()) {
			case ".yml", ".yaml", ".conf":
				if err := m.LoadFile(filepath.Join(path, e.Name())); err != nil {
					return err
				}
			}
		}
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if filepath.Ext(path) == ".conf" {
		defs, err := LoadMacrosConf(path, data)
		if err != nil {
			return err
		}
		for _, d := range defs {
			m.Define(d)
		}
		return nil
	}
	d, err := LoadMacroYAML(path, data)
	if err != nil {
		return err
	}
	m.Define(d)
	return nil
}

// Limits of macro expansion.
const (
	// MaxMacroDepth bounds how deeply macro calls may nest.
	MaxMacroDepth = 32
	// MaxExpandedBytes bounds the size of an expanded search.
	MaxExpandedBytes = 4 << 20
)

// Expansion is a search after macro expansion: Text, and for every byte of
// it the offset in Source it came from.
type Expansion struct {
	// Source is the search as written.
	Source string
	// Text is the search with every macro call replaced by its expansion.
	Text string
	segs []segment
}

// segment says that Text[at:at+n] came from Source: byte by byte from
// Source[src:] when copied, else all from the macro call at src.
type segment struct {
	at, n, src int
	callEnd    int // end of the macro call in Source, for macro text
	copied     bool
}

// SourceOffset maps byte offset off of Text to the offset in Source it came
// from: the same character for text written in the search, the backtick of
// the outermost macro call for text a macro produced.
func (x *Expansion) SourceOffset(off int) int {
	if x == nil {
		return off
	}
	for _, s := range x.segs {
		if off >= s.at && off < s.at+s.n {
			if s.copied {
				return s.src + off - s.at
			}
			return s.src
		}
	}
	return len(x.Source) // past the end
}

// SourceEnd maps the exclusive end offset end of a range of Text to the
// written search: the end of the same character for written text, the end
// of the outermost macro call for text a macro produced.
func (x *Expansion) SourceEnd(end int) int {
	if x == nil || end <= 0 {
		return max(end, 0)
	}
	for _, s := range x.segs {
		if end-1 >= s.at && end-1 < s.at+s.n {
			if s.copied {
				return s.src + end - s.at
			}
			return s.callEnd
		}
	}
	return len(x.Source)
}

// Expand replaces every backtick macro call of src by its definition from m,
// recursively. Errors (an unknown macro, an unterminated call, a wrong
// argument count, recursion) are *diag.Error values with Lang "spl"
// positioned at the call in src.
func Expand(src string, m *Macros) (*Expansion, error) {
	x := &Expansion{Source: src}
	var b strings.Builder
	e := &expander{m: m, src: src}
	if err := e.expand(&b, x, src, 0, -1, -1, nil); err != nil {
		return nil, err
	}
	x.Text = b.String()
	return x, nil
}

type expander struct {
	m   *Macros
	src string
}

func (e *expander) errAt(off int, format string, args ...any) *diag.Error {
	return errAt(e.src, off, format, args...)
}

// expand writes text to b. callAt and callEnd are the offsets in the
// original source of the outermost macro call text came from, or -1 when
// text is the source itself (then off is text's offset in it). stack holds the macros being
// expanded, against recursion.
func (e *expander) expand(b *strings.Builder, x *Expansion, text string, off, callAt, callEnd int, stack []string) error {
	emit := func(s string, srcOff int) {
		if s == "" {
			return
		}
		if callAt >= 0 {
			x.segs = append(x.segs, segment{at: b.Len(), n: len(s), src: callAt, callEnd: callEnd})
		} else {
			x.segs = append(x.segs, segment{at: b.Len(), n: len(s), src: srcOff, copied: true})
		}
		b.WriteString(s)
	}
	pos := func(i int) int {
		if callAt >= 0 {
			return callAt
		}
		return off + i
	}
	i := 0
	for i < len(text) {
		// Backticks inside double-quoted strings are text.
		j := i
		for j < len(text) && text[j] != '`' {
			if text[j] == '"' {
				j = skipQuoted(text, j)
				continue
			}
			j++
		}
		emit(text[i:j], off+i)
		if j >= len(text) {
			break
		}
		end := strings.IndexByte(text[j+1:], '`')
		if end < 0 {
			return e.errAt(pos(j), "unterminated macro call")
		}
		call := text[j+1 : j+1+end]
		name, args, err := splitCall(call)
		if err != nil {
			return e.errAt(pos(j), "%v", err)
		}
		def, ok := e.m.Lookup(name, len(args))
		if !ok {
			if len(args) == 0 {
				return e.errAt(pos(j), "unknown macro '%s'", name)
			}
			return e.errAt(pos(j), "unknown macro '%s' with %d arguments", name, len(args))
		}
		key := macroKey(name, len(args))
		for _, s := range stack {
			if s == key {
				return e.errAt(pos(j), "macro '%s' expands itself", name)
			}
		}
		if len(stack) >= MaxMacroDepth {
			return e.errAt(pos(j), "macros nest too deeply (max %d levels)", MaxMacroDepth)
		}
		body := def.Definition
		for k, a := range def.Args {
			body = strings.ReplaceAll(body, "$"+a+"$", args[k])
		}
		if b.Len()+len(body) > MaxExpandedBytes {
			return e.errAt(pos(j), "expanded search is too long (max %d bytes)", MaxExpandedBytes)
		}
		callStop := callEnd
		if callAt < 0 {
			callStop = off + j + 1 + len(call) + 1
		}
		if err := e.expand(b, x, body, 0, pos(j), callStop, append(stack, key)); err != nil {
			return err
		}
		i = j + 1 + end + 1
	}
	return nil
}

// skipQuoted returns the offset after the double-quoted string starting at
// text[i] (or len(text) when it is unterminated).
func skipQuoted(text string, i int) int {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(text)
}

// splitCall splits `name(a, b)` into the name and the argument texts
// (trimmed; commas inside quotes or parentheses do not split).
func splitCall(call string) (string, []string, error) {
	call = strings.TrimSpace(call)
	open := strings.IndexByte(call, '(')
	if open < 0 {
		if call == "" || strings.ContainsAny(call, " \t\r\n)") {
			return "", nil, fmt.Errorf("bad macro call `%s`", call)
		}
		return call, nil, nil
	}
	name := strings.TrimSpace(call[:open])
	if name == "" || !strings.HasSuffix(call, ")") || strings.ContainsAny(name, " \t\r\n") {
		return "", nil, fmt.Errorf("bad macro call `%s`", call)
	}
	inner := call[open+1 : len(call)-1]
	if strings.TrimSpace(inner) == "" {
		return name, nil, nil
	}
	var args []string
	depth, start := 0, 0
	for i := 0; i < len(inner); i++ {
		switch inner[i] {
		case '"':
			i = skipQuoted(inner, i) - 1
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(inner[start:i]))
				start = i + 1
			}
		}
	}
	args = append(args, strings.TrimSpace(inner[start:]))
	return name, args, nil
}
