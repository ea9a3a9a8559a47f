package diag

import "testing"

func TestPosOf(t *testing.T) {
	text := "let a = 1;\nSigninLogs | whäre x\n"
	tests := []struct {
		off  int
		want Pos
	}{
		{0, Pos{1, 1}},
		{4, Pos{1, 5}},
		{11, Pos{2, 1}},
		{len("let a = 1;\nSigninLogs | whä"), Pos{2, 17}}, // runes, not bytes
		{1000, Pos{3, 1}},
	}
	for _, tt := range tests {
		if got := PosOf(text, tt.off); got != tt.want {
			t.Errorf("PosOf(%d) = %v, want %v", tt.off, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{Errorf("rule.yaml", Pos{12, 7}, "kql", "expected 'by', found 'bi'"), "rule.yaml:12:7: kql: expected 'by', found 'bi'"},
		{Errorf("", Pos{1, 3}, "kuery", "unexpected end"), "1:3: kuery: unexpected end"},
		{Errorf("x.json", Pos{}, "", "empty file"), "x.json: empty file"},
		{Unsupported("r.yaml", Pos{2, 1}, "kql", "make-series"), "r.yaml:2:1: kql: not supported yet: make-series"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	if !IsUnsupported(Unsupported("", Pos{1, 1}, "kql", "x")) {
		t.Error("IsUnsupported = false for an Unsupported error")
	}
	if IsUnsupported(Errorf("", Pos{1, 1}, "kql", "bad")) {
		t.Error("IsUnsupported = true for an ordinary error")
	}
}

func TestCaret(t *testing.T) {
	got := Caret("a\n\tfoo | bar\nz", len("a\n\tfoo | "))
	want := "\tfoo | bar\n\t      ^"
	if got != want {
		t.Errorf("Caret = %q, want %q", got, want)
	}
}

func TestBlockMapper(t *testing.T) {
	m := BlockMapper(Pos{Line: 10, Col: 3}, 2)
	if got := m(Pos{1, 5}); got != (Pos{10, 7}) {
		t.Errorf("line 1: %v", got)
	}
	if got := m(Pos{3, 4}); got != (Pos{12, 6}) {
		t.Errorf("line 3: %v", got)
	}
}
