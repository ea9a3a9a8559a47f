package ruletest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	data := `What it is about.
-- rule --
 abc-1 
-- input/b.json --
{"b":1}
-- input/a.json --
{"a":1}
-- table Watch=input/b.json --
-- want.jsonl --
{"severity":"high"}

{"rows":[{"n":1}]}
`
	f, err := Parse("f.txtar", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := &Fixture{
		Name:    "f.txtar",
		Comment: "What it is about.",
		RuleID:  "abc-1",
		Inputs:  []Input{{"input/a.json", []byte("{\"a\":1}\n")}, {"input/b.json", []byte("{\"b\":1}\n")}},
		Tables:  map[string]string{"input/b.json": "Watch"},
		Want:    []Want{{Line: 10, JSON: `{"severity":"high"}`}, {Line: 12, JSON: `{"rows":[{"n":1}]}`}},
	}
	if diff := cmp.Diff(want, f, cmpopts.IgnoreUnexported(Want{})); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "empty",
			in:   "nothing here\n",
			want: `f.txtar: fixture: no rule file: want the id of the rule under test in a file named rule
f.txtar: fixture: no want.jsonl file: want the expected alerts, or an empty want.jsonl for none
f.txtar: fixture: no input files: want at least one file named input/NAME`,
		},
		{
			name: "unknown file and bad want lines",
			in: `-- rule --
r1
-- input/a.json --
{}
-- alerts.jsonl --
-- want.jsonl --
{"ok":true}
[1]
{"broken"
`,
			want: `f.txtar:5:1: fixture: unknown file "alerts.jsonl" (want rule, want.jsonl, input/NAME or "table NAME=input/FILE")
f.txtar:8:1: fixture: want.jsonl: want a JSON object: json: cannot unmarshal array into Go value of type map[string]interface {}
f.txtar:9:1: fixture: want.jsonl: want a JSON object: unexpected end of JSON input`,
		},
		{
			name: "two rules in one, an input outside input/, a table of no input",
			in: `-- rule --
r1 r2
-- input/../a.json --
{}
-- input/a.json --
{}
-- table Watch=input/b.json --
-- table Watch --
-- want.jsonl --
`,
			want: `f.txtar:1:1: fixture: rule: want the id of one rule, got "r1 r2"
f.txtar:3:1: fixture: input file name "input/../a.json" must be a relative path under input/
f.txtar:8:1: fixture: want "table NAME=input/FILE", got "table Watch"
f.txtar: fixture: table Watch=input/b.json names no input file of the fixture`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.txtar", []byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBuiltin: the built-in pack's fixtures all parse, by their name in the
// pack.
func TestBuiltin(t *testing.T) {
	fixtures, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(fixtures) < 10 {
		t.Fatalf("%d built-in fixtures, want many", len(fixtures))
	}
	for _, f := range fixtures {
		if !strings.HasPrefix(f.Name, "builtin:testdata/") || !strings.HasSuffix(f.Name, ".txtar") {
			t.Errorf("fixture name %q, want builtin:testdata/FORMAT/NAME.txtar", f.Name)
		}
	}
}

func TestFind(t *testing.T) {
	got, err := Find([]string{"testdata", "testdata/watch.txtar"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"testdata/watch.txtar", "testdata/watch.txtar"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Find (-want +got):\n%s", diff)
	}
	if _, err := Find([]string{"testdata/missing"}); err == nil {
		t.Error("Find of a missing path: no error")
	}
	dir := t.TempDir()
	if _, err := Find([]string{dir}); err == nil || err.Error() != "no fixtures (*.txtar) in "+dir {
		t.Errorf("Find of an empty directory: %v", err)
	}
}
