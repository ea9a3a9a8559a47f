// Package ruleyaml holds what the YAML rule loaders (Microsoft Sentinel
// analytic rules, Splunk ESCU detections) share about goccy/go-yaml's syntax
// tree: where a node's text starts, how to name a node's kind in a message,
// how to map positions inside an embedded query back into the file, and how
// to turn a YAML syntax error into a positioned diagnostic.
package ruleyaml

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"vigil/internal/diag"
)

// QueryMapper maps positions in a query embedded in a rule file to the file.
// A block scalar (query: | or |-) starts on the line after its indicator,
// indented; a plain or quoted scalar starts at its token.
func QueryMapper(n ast.Node, tok *token.Token) diag.Mapper {
	if lit, ok := n.(*ast.LiteralNode); ok && lit.Value != nil {
		origin := lit.Value.GetToken().Origin
		first := lit.GetToken().Position.Line + 1
		// Blank lines before the first content line are part of origin.
		for strings.HasPrefix(origin, "\n") {
			origin = origin[1:]
			first++
		}
		indent := 0
		for indent < len(origin) && origin[indent] == ' ' {
			indent++
		}
		return diag.BlockMapper(diag.Pos{Line: first, Col: indent + 1}, indent)
	}
	col := tok.Position.Column
	if tok.Type == token.DoubleQuoteType || tok.Type == token.SingleQuoteType {
		col++
	}
	return diag.BlockMapper(diag.Pos{Line: tok.Position.Line, Col: col}, tok.Position.Column)
}

// StartTok is the token where a node's text starts: for a mapping, its first
// key (a mapping's own token is the colon of its first member).
func StartTok(n ast.Node) *token.Token {
	switch m := n.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 {
			return m.Values[0].Key.GetToken()
		}
	case *ast.MappingValueNode:
		return m.Key.GetToken()
	}
	return n.GetToken()
}

// KindOf names the kind of a node for a message: "a mapping", "a list",
// "nothing", "a string", ….
func KindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "nothing"
	}
	return "a " + strings.ToLower(n.Type().String())
}

// SyntaxError turns a YAML syntax error into a positioned diagnostic.
func SyntaxError(file string, err error) *diag.Error {
	msg := err.Error()
	var pos diag.Pos
	// goccy/go-yaml writes "[line:col] message" followed by a snippet.
	if strings.HasPrefix(msg, "[") {
		if end := strings.IndexByte(msg, ']'); end > 0 {
			var line, col int
			if _, e := fmt.Sscanf(msg[1:end], "%d:%d", &line, &col); e == nil {
				pos = diag.Pos{Line: line, Col: col}
				msg = strings.TrimSpace(msg[end+1:])
			}
		}
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return diag.Errorf(file, pos, "yaml", "%s", msg)
}
