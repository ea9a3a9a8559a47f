package jsontext

import "testing"

func TestPlainRun(t *testing.T) {
	for _, s := range []string{"", "abc", `abc"`, "abcdefghij\\k", "abcdefgh\x01", "0123456789abcdef\"", "é漢字\"x", "\x7f\x80\xff\"", "abcdefg\"hijklmnop\\"} {
		want := 0
		for want < len(s) && !needsCare[s[want]] {
			want++
		}
		if got := plainRun([]byte(s)); got != want {
			t.Errorf("plainRun(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzPlainRun(f *testing.F) {
	f.Add([]byte("abcdefgh\"ij"))
	f.Fuzz(func(t *testing.T, b []byte) {
		want := 0
		for want < len(b) && !needsCare[b[want]] {
			want++
		}
		if got := plainRun(b); got != want {
			t.Fatalf("plainRun(%q) = %d, want %d", b, got, want)
		}
	})
}
