package ruletest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"

	"vigil/internal/diag"
	"vigil/rules"
)

// Fixture is one parsed detection fixture.
type Fixture struct {
	// Name is where the fixture was read from: a path, or
	// "builtin:testdata/…" for the built-in pack's.
	Name string
	// Comment is the text before the first file: what the fixture is about.
	Comment string
	// RuleID is the id of the rule under test.
	RuleID string
	// Inputs are the input files, in name order.
	Inputs []Input
	// Tables names the table of an input file whose rows carry no Type
	// column, by the file's name in the fixture ("input/identity.csv").
	Tables map[string]string
	// Want are the alerts the rule must raise, in order.
	Want []Want
}

// Input is one input file of a fixture.
type Input struct {
	Name string // as the fixture names it: "input/signins.json"
	Data []byte
}

// Want is one line of want.jsonl: the members an alert must have.
type Want struct {
	Line int    // the line of the fixture file it is on
	JSON string // the line as written
	v    map[string]any
}

// Parse reads a fixture from data; name is where it came from, for
// messages. All of a fixture's problems are returned together, as a
// diag.List positioned at the lines of the fixture.
func Parse(name string, data []byte) (*Fixture, error) {
	ar := txtar.Parse(data)
	f := &Fixture{Name: name, Comment: strings.TrimSpace(string(ar.Comment)), Tables: map[string]string{}}
	var list diag.List
	errorf := func(line int, format string, args ...any) {
		list.Add(diag.Errorf(name, diag.Pos{Line: line, Col: 1}, "fixture", format, args...))
	}
	line := 1 + bytes.Count(ar.Comment, []byte("\n")) // the first file header
	var haveRule, haveWant bool
	for _, file := range ar.Files {
		header := line
		line += 1 + bytes.Count(file.Data, []byte("\n"))
		switch {
		case file.Name == "rule":
			haveRule = true
			f.RuleID = strings.TrimSpace(string(file.Data))
			if f.RuleID == "" || strings.ContainsAny(f.RuleID, " \t\n") {
				errorf(header, "rule: want the id of one rule, got %q", f.RuleID)
			}
		case file.Name == "want.jsonl":
			haveWant = true
			for i, text := range strings.Split(string(file.Data), "\n") {
				text = strings.TrimSpace(text)
				if text == "" {
					continue
				}
				w := Want{Line: header + 1 + i, JSON: text}
				if err := json.Unmarshal([]byte(text), &w.v); err != nil || w.v == nil {
					msg := "want a JSON object"
					if err != nil {
						msg += ": " + err.Error()
					}
					errorf(w.Line, "want.jsonl: %s", msg)
					continue
				}
				f.Want = append(f.Want, w)
			}
		case strings.HasPrefix(file.Name, "input/"):
			name := path.Clean(file.Name)
			if !strings.HasPrefix(name, "input/") || !filepath.IsLocal(name) || strings.HasSuffix(file.Name, "/") {
				errorf(header, "input file name %q must be a relative path under input/", file.Name)
				continue
			}
			f.Inputs = append(f.Inputs, Input{Name: name, Data: file.Data})
		case strings.HasPrefix(file.Name, "table "):
			table, p, ok := strings.Cut(strings.TrimPrefix(file.Name, "table "), "=")
			table, p = strings.TrimSpace(table), path.Clean(strings.TrimSpace(p))
			if !ok || table == "" || !strings.HasPrefix(p, "input/") {
				errorf(header, "want \"table NAME=input/FILE\", got %q", file.Name)
				continue
			}
			f.Tables[p] = table
		default:
			errorf(header, "unknown file %q (want rule, want.jsonl, input/NAME or \"table NAME=input/FILE\")", file.Name)
		}
	}
	sort.SliceStable(f.Inputs, func(i, j int) bool { return f.Inputs[i].Name < f.Inputs[j].Name })
	for i := 1; i < len(f.Inputs); i++ {
		if f.Inputs[i].Name == f.Inputs[i-1].Name {
			errorf(0, "input file %s given twice", f.Inputs[i].Name)
		}
	}
	for p := range f.Tables {
		if !f.hasInput(p) {
			errorf(0, "table %s=%s names no input file of the fixture", f.Tables[p], p)
		}
	}
	if !haveRule {
		errorf(0, "no rule file: want the id of the rule under test in a file named rule")
	}
	if !haveWant {
		errorf(0, "no want.jsonl file: want the expected alerts, or an empty want.jsonl for none")
	}
	if len(f.Inputs) == 0 {
		errorf(0, "no input files: want at least one file named input/NAME")
	}
	if len(list) > 0 {
		for _, e := range list {
			if e.Pos.Line == 0 {
				e.Pos = diag.Pos{}
			}
		}
		return nil, list
	}
	return f, nil
}

func (f *Fixture) hasInput(name string) bool {
	for _, in := range f.Inputs {
		if in.Name == name {
			return true
		}
	}
	return false
}

// ParseFile reads the fixture in the file name.
func ParseFile(name string) (*Fixture, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// Find returns the fixture files of paths: a file is taken as it is, a
// directory is searched recursively for *.txtar files (names starting with
// "." are passed over), in name order.
func Find(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if f != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".txtar") {
				found = append(found, f)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading fixture directory %s: %w", p, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("no fixtures (*.txtar) in %s", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// Builtin returns the fixtures of the built-in rule pack, named
// "builtin:testdata/FORMAT/NAME.txtar", in name order.
func Builtin() ([]*Fixture, error) {
	var out []*Fixture
	err := fs.WalkDir(rules.Fixtures, "testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txtar") {
			return err
		}
		data, err := rules.Fixtures.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := Parse("builtin:"+p, data)
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the built-in fixtures: %w", err)
	}
	return out, nil
}
