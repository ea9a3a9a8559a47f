package kql

import (
	"errors"
	"strings"
	"testing"

	"vigil/internal/diag"
)

// FuzzParse checks that Parse and Lower never panic, that every error is a
// positioned kql diagnostic inside the text, and that every query Parse
// accepts survives a print/parse round trip.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	for _, g := range loadGoldens(f) {
		f.Add(g.query)
	}
	for _, tt := range lowerTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := Parse(in)
		if err != nil {
			checkDiag(t, in, err)
			return
		}
		checkRoundTrip(t, in, q)
		if _, err := Lower(q, in, testTables); err != nil {
			checkDiag(t, in, err)
		}
	})
}

// checkDiag asserts that err is a kql *diag.Error positioned inside in.
func checkDiag(t testing.TB, in string, err error) {
	t.Helper()
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *diag.Error", err, err)
	}
	if de.Lang != "kql" || !de.Pos.IsValid() {
		t.Fatalf("error %q lacks language or position", err)
	}
	if lines := strings.Count(in, "\n") + 1; de.Pos.Line > lines {
		t.Fatalf("error %q points past the last line (%d)", err, lines)
	}
	if de.Offset < 0 || de.Offset > len(in) || de.Pos != diag.PosOf(in, de.Offset) {
		t.Fatalf("error %q has offset %d that does not match its position", err, de.Offset)
	}
}
