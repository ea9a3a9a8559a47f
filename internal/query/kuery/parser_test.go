package kuery

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigil/internal/diag"
)

// ignoreSpans compares trees without their positions.
var ignoreSpans = cmpopts.IgnoreTypes(diag.Span{})

func TestParsePrint(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"field value", `event.dataset:azure.signinlogs`, `event.dataset: azure.signinlogs`},
		{"quoted", `user_type: "Member"`, `user_type: "Member"`},
		{"quoted escapes", `a: "say \"hi\" \\ \t"`, `a: "say \"hi\" \\ \t"`},
		{"quoted star is a literal", `a: "*"`, `a: "*"`},
		{"exists", `a:*`, `a: *`},
		{"wildcards", `a: foo*ba?r`, `a: foo*ba?r`},
		{"escaped wildcard", `a: foo\*bar`, `a: foo\*bar`},
		{"escaped specials", `a: x\:y\(z\)`, `a: x\:y\(z\)`},
		{"escaped space", `a: x\ y`, `a: x\ y`},
		{"escaped keyword", `a: \or`, `a: \or`},
		{"keywords in any case", `a:1 AND b:2 Or NOT c:3`, `a: 1 and b: 2 or not c: 3`},
		{"value list", `a:(x or y or "z w")`, `a: (x or y or "z w")`},
		{"value list with and and not", `a:(x and not y)`, `a: (x and not y)`},
		{"not binds tighter than and, and than or", `not a:1 and b:2 or c:3`, `not a: 1 and b: 2 or c: 3`},
		{"parentheses kept", `a:1 and (b:2 or c:3)`, `a: 1 and (b: 2 or c: 3)`},
		{"range", `n>=10 and t < "2024-05-01"`, `n >= 10 and t < "2024-05-01"`},
		{"nested", `a:{ b:1 and c:2 }`, `a: { b: 1 and c: 2 }`},
		{"quoted field", `"a b": 1`, `"a b": 1`},
		{"empty query", `   `, ``},
		{"multi-line", "a:1\n  and b:2", `a: 1 and b: 2`},
		{"unicode escape", `a: \u00e9t\u00e9`, `a: été`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got := Print(q)
			if got != tc.want {
				t.Errorf("Print(Parse(%q)) = %q, want %q", tc.in, got, tc.want)
			}
			q2, err := Parse(got)
			if err != nil {
				t.Fatalf("printed text does not parse: %v", err)
			}
			if diff := cmp.Diff(q, q2, ignoreSpans); diff != "" {
				t.Errorf("round trip changed the tree (-first +second):\n%s", diff)
			}
		})
	}
}

func TestParseTree(t *testing.T) {
	q, err := Parse(`not a:1 and b:(x or y*) or c > 5`)
	if err != nil {
		t.Fatal(err)
	}
	want := &Query{Root: &Or{Terms: []Node{
		&And{Terms: []Node{
			&Not{X: &FieldValue{Field: &Field{Name: "a"}, Value: &Literal{Text: "1"}}},
			&FieldValue{Field: &Field{Name: "b"}, Value: &Paren{X: &Or{Terms: []Node{
				&Literal{Text: "x"},
				&Literal{Text: "y*", Wildcard: true, Pattern: "y*"},
			}}}},
		}},
		&Range{Field: &Field{Name: "c"}, Op: ">", Value: &Literal{Text: "5"}},
	}}}
	if diff := cmp.Diff(want, q, ignoreSpans); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Spans cover the text of each node.
	src := `not a:1 and b:(x or y*) or c > 5`
	or := q.Root.(*Or)
	and := or.Terms[0].(*And)
	for _, c := range []struct {
		n    Node
		text string
	}{
		{or, src},
		{and, `not a:1 and b:(x or y*)`},
		{and.Terms[0], `not a:1`},
		{and.Terms[1], `b:(x or y*)`},
		{or.Terms[1], `c > 5`},
	} {
		sp := c.n.Span()
		if got := src[sp.Start:sp.End]; got != c.text {
			t.Errorf("span of %T = %q, want %q", c.n, got, c.text)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a:`, `1:3: kuery: expected a value, '(' or '{' after ':', found end of query`},
		{`a:(x or y`, `1:10: kuery: expected ')', found end of query`},
		{`(a:1`, `1:5: kuery: expected ')', found end of query`},
		{`a:1 b:2`, `1:5: kuery: not supported yet: unquoted value with spaces (quote it), found 'b' after '1'`},
		{`a: hello world`, `1:10: kuery: not supported yet: unquoted value with spaces (quote it), found 'world' after 'hello'`},
		{`a:1 and`, `1:8: kuery: expected a field, a value or '(', found end of query`},
		{`or a:1`, `1:1: kuery: expected a field, a value or '(', found 'or'`},
		{`a:"open`, `1:3: kuery: unterminated quoted value`},
		{`a:"bad \q"`, `1:8: kuery: unknown escape sequence '\q' in a quoted value`},
		{`a:x\`, `1:4: kuery: escape character '\' at the end of the query`},
		{`a:\u12`, `1:3: kuery: invalid unicode escape: want \u and 4 hex digits`},
		{`a < (1)`, `1:5: kuery: expected a value after '<', found '('`},
		{`a:{ b:1`, `1:8: kuery: expected '}', found end of query`},
		{`a:1)`, `1:4: kuery: expected 'and', 'or' or end of query, found ')'`},
		{"a:1 and\n  b:", `2:5: kuery: expected a value, '(' or '{' after ':', found end of query`},
		{`é:1 and : x`, `1:9: kuery: expected a field, a value or '(', found ':'`},
		{strings.Repeat("(", MaxDepth+1) + "a:1" + strings.Repeat(")", MaxDepth+1), `1:101: kuery: query is nested too deeply (max 100 levels)`},
	}
	for _, tc := range tests {
		_, err := Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %q", tc.in, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q):\n got %q\nwant %q", tc.in, err.Error(), tc.want)
		}
		var de *diag.Error
		if !errors.As(err, &de) || !de.Pos.IsValid() {
			t.Errorf("Parse(%q): error %v is not positioned", tc.in, err)
		}
	}
}

// FuzzParse checks that the parser never panics, that every error is
// positioned, and that printing a parsed query gives text that parses to
// the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`event.dataset:(azure.activitylogs or azure.signinlogs) and not a:"x"`,
		`a:* and b:foo*b?r and c >= 2024-05-01`,
		`a:{ b:1 or c:(x and not y) }`,
		`a: "q\"uote" or \or:1`,
		`x\ y:z\*`,
		`((a:1))`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) || !de.Pos.IsValid() {
				t.Fatalf("Parse(%q): unpositioned error %v", src, err)
			}
			return
		}
		out := Print(q)
		q2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", src, out, err)
		}
		if diff := cmp.Diff(q, q2, ignoreSpans); diff != "" {
			t.Fatalf("Parse(%q) printed %q, which parses differently:\n%s", src, out, diff)
		}
	})
}
