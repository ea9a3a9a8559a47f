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

// checkPlainRunHigh: plainRunHigh gives plainRun's length, and reports a
// byte above 0x7F whenever the run holds one.
func checkPlainRunHigh(t *testing.T, b []byte) {
	t.Helper()
	n, high := plainRunHigh(b)
	if want := plainRun(b); n != want {
		t.Fatalf("plainRunHigh(%q) = %d, want %d", b, n, want)
	}
	for _, c := range b[:n] {
		if c >= 0x80 && high == 0 {
			t.Fatalf("plainRunHigh(%q) reports no byte above 0x7F; it holds %#x", b, c)
		}
	}
}

func TestPlainRunHigh(t *testing.T) {
	for _, s := range []string{"", "abc", "abcdefgh", "abcdefgh\xff", "\xffbcdefgh", "abcdefg\xff\"", "abc\"\xff", "é漢字\"x", "0123456789abcde\x80"} {
		checkPlainRunHigh(t, []byte(s))
	}
}

func FuzzPlainRunHigh(f *testing.F) {
	f.Add([]byte("abcdefgh\xff\"ij"))
	f.Fuzz(func(t *testing.T, b []byte) { checkPlainRunHigh(t, b) })
}
