package normalize

import (
	"testing"
	"unsafe"
)

// compactByByte is the plain statement of compact: drop white space outside
// strings, keep everything inside them. compact must agree with it.
func compactByByte(dst, raw []byte) []byte {
	inStr := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inStr {
			dst = append(dst, c)
			switch c {
			case '\\':
				if i+1 < len(raw) {
					i++
					dst = append(dst, raw[i])
				}
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inStr = true
		}
		dst = append(dst, c)
	}
	return dst
}

func TestCompact(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`{ "a" : [ 1 , 2 ] }`, `{"a":[1,2]}`},
		{"{\n\t\"a b\": \"c d\"\r\n}", `{"a b":"c d"}`},
		{`[ "q\"uo te" , "x" ]`, `["q\"uo te","x"]`},
		{`[ "ends in \\" , " y " ]`, `["ends in \\"," y "]`},
		{`[ "three \\\" q" ]`, `["three \\\" q"]`},
		{`"unterminated  \"  `, `"unterminated  \"  `},
		{``, ``},
	}
	for _, tt := range tests {
		if got := string(compact(nil, []byte(tt.raw))); got != tt.want {
			t.Errorf("compact(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func FuzzCompact(f *testing.F) {
	for _, s := range []string{`{ "a" : "b\" c" }`, `"\\\\" "x y"`, `[ "\\`, "\"a\\\"\n b\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, want := compact(nil, raw), compactByByte(nil, raw)
		if string(got) != string(want) {
			t.Fatalf("compact(%q) = %q, want %q", raw, got, want)
		}
	})
}

// TestArenaRewind: strings taken back by Rewind give their bytes to the
// next record, and the cache never hands one of them out again.
func TestArenaRewind(t *testing.T) {
	var a arena
	a.Mark()
	kept := a.str([]byte("tenant-1"))
	a.Mark()
	dropped := a.str([]byte("session-123"))
	again := a.str([]byte("tenant-1"))
	if again != kept || len(a.written) != 1 {
		t.Fatalf("cache: got %q, %d slots written since Mark; want the kept string and 1 slot", again, len(a.written))
	}
	a.Rewind()
	next := a.str([]byte("session-999"))
	if &unsafe.Slice(unsafe.StringData(next), 1)[0] != &unsafe.Slice(unsafe.StringData(dropped), 1)[0] {
		t.Error("the next string did not reuse the bytes taken back")
	}
	if got := a.str([]byte("session-123")); got != "session-123" {
		t.Errorf("after Rewind the cache gave %q for session-123", got)
	}
	if kept != "tenant-1" {
		t.Errorf("a string from before Mark changed to %q", kept)
	}
	// A new block started since Mark: nothing is taken back.
	a.Mark()
	var strs []string
	for i := range 10 { // 10 x 8 KiB: more than a 64 KiB block
		b := make([]byte, arenaBlock/8)
		for j := range b {
			b[j] = byte('a' + i)
		}
		strs = append(strs, a.str(b))
	}
	a.Rewind()
	a.str([]byte("zzzzzzzz"))
	for i, s := range strs {
		if s[0] != byte('a'+i) || s[len(s)-1] != byte('a'+i) {
			t.Fatalf("string %d changed after a Rewind across blocks", i)
		}
	}
}
