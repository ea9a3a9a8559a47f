package spl

import (
	"reflect"
	"testing"

	"vigil/internal/diag"
)

// checkRoundTrip asserts that the printed search parses (without macros)
// to the same tree, spans aside.
func checkRoundTrip(t testing.TB, s *Search) {
	t.Helper()
	printed := s.String()
	again, err := Parse(printed, nil)
	if err != nil {
		t.Fatalf("printed search does not parse: %v\n%s", err, printed)
	}
	if !sameTree(reflect.ValueOf(s.Commands), reflect.ValueOf(again.Commands)) {
		t.Fatalf("round trip changed the tree:\n%s\n---\n%s", printed, again.String())
	}
}

var spanType = reflect.TypeOf(diag.Span{})

// sameTree compares two ASTs, ignoring spans and the Search expansion.
func sameTree(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Elem().Type() != b.Elem().Type() {
			return false
		}
		return sameTree(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameTree(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			// Quoting is presentation: the printer quotes where needed.
			if f := a.Type().Field(i); f.Type == spanType || f.Name == "Quoted" {
				continue
			}
			if !sameTree(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return a.Interface() == b.Interface()
}
