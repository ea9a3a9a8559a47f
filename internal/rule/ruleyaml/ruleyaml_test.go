package ruleyaml

import (
	"errors"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"vigil/internal/diag"
)

func TestSyntaxError(t *testing.T) {
	got := SyntaxError("r.yaml", errors.New("[3:5] could not find flow sequence end\n   3 | id: [1\n           ^")).Error()
	if want := "r.yaml:3:5: yaml: could not find flow sequence end"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := SyntaxError("r.yaml", errors.New("unexpected thing")).Error(); got != "r.yaml: yaml: unexpected thing" {
		t.Errorf("without a position: %q", got)
	}
}

func TestQueryMapperAndKinds(t *testing.T) {
	f, err := parser.ParseBytes([]byte("a: 1\nquery: |\n\n    T\n    | take 1\nq2: \"T | take 1\"\nm:\n  - x: 1\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	vals := f.Docs[0].Body.(*ast.MappingNode).Values
	m := QueryMapper(vals[1].Value, vals[1].Value.GetToken())
	if got := m(diag.Pos{Line: 2, Col: 3}); got != (diag.Pos{Line: 5, Col: 7}) {
		t.Errorf("block query 2:3 maps to %v, want 5:7", got)
	}
	m = QueryMapper(vals[2].Value, vals[2].Value.GetToken())
	if got := m(diag.Pos{Line: 1, Col: 3}); got != (diag.Pos{Line: 6, Col: 8}) {
		t.Errorf("quoted query 1:3 maps to %v, want 6:8", got)
	}
	item := vals[3].Value.(*ast.SequenceNode).Values[0]
	if got := StartTok(item).Position; got.Line != 8 || got.Column != 5 {
		t.Errorf("mapping starts at %d:%d, want 8:5", got.Line, got.Column)
	}
	if KindOf(item) != "a mapping" || KindOf(vals[3].Value) != "a list" {
		t.Errorf("kinds: %s, %s", KindOf(item), KindOf(vals[3].Value))
	}
}
