package spl

import (
	"errors"
	"strings"
	"testing"

	"vigil/internal/diag"
)

// FuzzParse checks that Parse and Lower never panic, that every error is a
// positioned spl diagnostic inside the text, and that every search Parse
// accepts survives a print/parse round trip.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	for _, tt := range errorTests {
		f.Add(tt.in)
	}
	f.Add(seed1)
	f.Add(seed2)
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in, Builtin())
		if err != nil {
			checkDiag(t, in, err)
			return
		}
		if !strings.Contains(in, "`") {
			checkRoundTrip(t, s)
		}
		if _, err := Lower(s, Options{Tables: seedTables, Lookups: testLookups}); err != nil {
			checkDiag(t, in, err)
		}
	})
}

// checkDiag asserts that err is an spl *diag.Error positioned inside in.
func checkDiag(t testing.TB, in string, err error) {
	t.Helper()
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *diag.Error", err, err)
	}
	if de.Lang != "spl" || !de.Pos.IsValid() {
		t.Fatalf("error %q lacks language or position", err)
	}
	if de.Offset < 0 || de.Offset > len(in) || de.Pos != diag.PosOf(in, de.Offset) {
		t.Fatalf("error %q has offset %d that does not match its position", err, de.Offset)
	}
}
