package kql

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigil/internal/diag"
)

// astEqual compares trees ignoring spans; NaN literals equal each other.
var astEqual = []cmp.Option{cmpopts.IgnoreTypes(diag.Span{}), cmpopts.EquateNaNs()}

// checkRoundTrip asserts that printing q and parsing the text again gives
// the same tree, and that printing is a fixed point.
func checkRoundTrip(t testing.TB, in string, q *Query) {
	t.Helper()
	printed := q.String()
	q2, err := Parse(printed)
	if err != nil {
		t.Fatalf("reparsing the printed form of %q: %v\nprinted:\n%s", in, err, printed)
	}
	if diff := cmp.Diff(q, q2, astEqual...); diff != "" {
		t.Fatalf("parse(print(parse(q))) != parse(q) for %q (-first +second):\n%s\nprinted:\n%s", in, diff, printed)
	}
	if again := q2.String(); again != printed {
		t.Fatalf("printing is not stable for %q:\nfirst:\n%s\nsecond:\n%s", in, printed, again)
	}
}

func TestPrintRoundTrip(t *testing.T) {
	for _, tt := range parseTests {
		if tt.wantErr != "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, tt.in, q)
		})
	}
	for _, g := range loadGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			q, err := Parse(g.query)
			if err != nil {
				t.Skip("golden file expects an error")
			}
			checkRoundTrip(t, g.query, q)
		})
	}
}

func TestPrintConstructed(t *testing.T) {
	// Trees built by code (not by Parse) print with the parentheses their
	// structure needs.
	a, b, c := &Ident{Name: "a"}, &Ident{Name: "b"}, &Ident{Name: "c"}
	tests := []struct {
		e    Expr
		want string
	}{
		{&Binary{Op: "*", L: &Binary{Op: "+", L: a, R: b}, R: c}, "(a + b) * c"},
		{&Binary{Op: "-", L: a, R: &Binary{Op: "-", L: b, R: c}}, "a - (b - c)"},
		{&Binary{Op: "and", L: &Binary{Op: "or", L: a, R: b}, R: c}, "(a or b) and c"},
		{&Member{X: &Binary{Op: "+", L: a, R: b}, Name: &Ident{Name: "x"}}, "(a + b).x"},
		{&Unary{Op: "-", X: &Binary{Op: "+", L: a, R: b}}, "-(a + b)"},
		{&Ident{Name: "has space"}, "['has space']"},
		{&Ident{Name: "it's"}, `['it\'s']`},
		{&Ident{Name: "on"}, "['on']"},
		{&RealLit{Value: 2}, "2.0"},
		{&StringLit{Value: "a\"b\\c\n"}, `"a\"b\\c\n"`},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
	}
}
