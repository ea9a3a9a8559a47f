package normalize

import "testing"

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
