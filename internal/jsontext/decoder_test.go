package jsontext

import (
	"strings"
	"testing"
)

// walk renders a value through the Decoder API, so tests can check both what
// was read and where an error was found.
func walk(d *Decoder, b *strings.Builder) {
	switch d.Peek() {
	case Object:
		d.Object()
		b.WriteByte('{')
		n := 0
		for d.NextKey() {
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			b.WriteString(string(d.Key()) + ":")
			walk(d, b)
		}
		if !d.Failed() {
			b.WriteByte('}')
		}
	case Array:
		d.Array()
		b.WriteByte('[')
		n := 0
		for d.NextElem() {
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			walk(d, b)
		}
		if !d.Failed() {
			b.WriteByte(']')
		}
	case String:
		s, _ := d.Str()
		b.WriteString("<" + string(s) + ">")
	case Number:
		s, _ := d.Number()
		b.Write(s)
	case Bool:
		v, _ := d.Bool()
		if v {
			b.WriteString("T")
		} else {
			b.WriteString("F")
		}
	case Null:
		d.Null()
		b.WriteString("N")
	default:
		d.Skip()
	}
}

func TestDecoder(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"object", `{"a":1,"b":[true,false,null],"c":{"d":"x"}}`, `{a:1,b:[T,F,N],c:{d:<x>}}`, ""},
		{"empty containers", ` { "a" : [ ] , "b" : { } } `, `{a:[],b:{}}`, ""},
		{"escapes", `"a\"b\\c\/\n\u00e9\ud83d\ude00"`, "<a\"b\\c/\né😀>", ""},
		{"lone surrogate", `"\ud800x"`, "<\uFFFDx>", ""},
		{"escaped key", `{"st\u0061tus":1}`, `{status:1}`, ""},
		{"duplicate keys kept in order", `{"a":1,"a":2}`, `{a:1,a:2}`, ""},
		{"numbers", `[0,-1,1.5,2e10,-0.5E-3]`, `[0,-1,1.5,2e10,-0.5E-3]`, ""},
		{"trailing comma in object", `{"a":1,}`, `{a:1`, `offset 7: unexpected '}', want a value after ','`},
		{"trailing comma in array", `[1,]`, `[1`, `offset 3: unexpected ']', want a value after ','`},
		{"missing comma", `{"a":1 "b":2}`, `{a:1`, `offset 7: unexpected '"', want ',' or '}'`},
		{"missing colon", `{"a" 1}`, `{`, `offset 5: unexpected '1', want ':' after the key`},
		{"bad literal", `[tru]`, `[T`, `offset 1: invalid literal, want true`},
		{"leading zero", `[01]`, `[0`, `offset 2: unexpected '1', want ',' or ']'`},
		{"bad number", `[-]`, `[`, `offset 1: invalid number`},
		{"unterminated string", `"abc`, `<>`, `offset 0: unterminated string`},
		{"control char", "\"a\tb\"", `<>`, `offset 2: control character byte 0x09 in string`},
		{"bad escape", `"a\qb"`, `<>`, `offset 2: invalid escape 'q' in string`},
		{"truncated object", `{"a":`, `{a:`, `offset 5: unexpected end of input, want a value`},
		{"empty", ``, ``, `offset 0: unexpected end of input, want a value`},
		{"trailing garbage", `{} x`, `{}`, `offset 3: unexpected 'x' after the end of the value`},
		{"key not a string", `{1:2}`, `{`, `offset 1: unexpected '1', want a string key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			d.Reset([]byte(tt.in))
			var b strings.Builder
			walk(&d, &b)
			err := d.End()
			if got := b.String(); got != tt.want {
				t.Errorf("read %q, want %q", got, tt.want)
			}
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error %q, want %q", gotErr, tt.wantErr)
			}
		})
	}
}

func TestDecoderTypedReads(t *testing.T) {
	var d Decoder
	d.Reset([]byte(`{"n":65004,"big":12345678901234567890,"f":1.25,"s":"x"}`))
	d.Object()
	got := map[string]any{}
	var errs []string
	for d.NextKey() {
		k := string(d.Key())
		switch k {
		case "n", "big":
			n, ok := d.Int()
			if !ok {
				errs = append(errs, d.Err().Error())
				return
			}
			got[k] = n
		case "f":
			f, _ := d.Float()
			got[k] = f
		case "s":
			_, ok := d.Int()
			if ok {
				t.Fatal("Int accepted a string")
			}
		}
	}
	if got["n"] != int64(65004) {
		t.Errorf("n = %v", got["n"])
	}
	if len(errs) != 1 || errs[0] != "offset 24: number 12345678901234567890 is not a 64-bit integer" {
		t.Errorf("errors = %q", errs)
	}
}

func TestDecoderDepthLimit(t *testing.T) {
	in := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	var d Decoder
	d.Reset([]byte(in))
	d.Skip()
	if err := d.Err(); err == nil || !strings.Contains(err.Error(), "nesting deeper than 512") {
		t.Fatalf("err = %v", err)
	}
}

func TestRaw(t *testing.T) {
	var d Decoder
	d.Reset([]byte(`{"a": [1, {"b": "c"}] , "z": 2}`))
	d.Object()
	d.NextKey()
	if got := string(d.Raw()); got != `[1, {"b": "c"}]` {
		t.Errorf("Raw = %q", got)
	}
	d.NextKey()
	if got := string(d.Key()); got != "z" {
		t.Errorf("next key = %q", got)
	}
}

func FuzzDecoder(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"\u00e9"}`, `[tru`, `"\ud800"`, `{"a":1,}`, `-0.5e+7`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var d Decoder
		d.Reset(in)
		var b strings.Builder
		walk(&d, &b)
		if err := d.End(); err != nil {
			se, ok := err.(*SyntaxError)
			if !ok || se.Offset < 0 || se.Offset > len(in) {
				t.Fatalf("error without a valid offset: %v", err)
			}
		}
	})
}

func TestSkipFast(t *testing.T) {
	tests := []struct {
		in, rest, wantErr string
	}{
		{`[{"a":[1,2,{"b":"]}"}]},true] x`, ` x`, ""},
		{`{"a":"\"}"} x`, ` x`, ""},
		{`[1,2}`, ``, "offset 4: unexpected '}'"},
		{`[1,{"a":2]}`, ``, "offset 9: unexpected ']'"},
		{`[1,2`, ``, "offset 0: unexpected end of input inside this value"},
		{`[@]`, ``, "offset 1: unexpected '@'"},
		{`["a\qb"]`, ``, `offset 3: invalid escape 'q' in string`},
		{`"plain" x`, ` x`, ""},
		// Grammar between tokens is not checked.
		{`[1 2,,tru]`, ``, ""},
	}
	for _, tt := range tests {
		var d Decoder
		d.Reset([]byte(tt.in))
		d.SkipFast()
		gotErr := ""
		if err := d.Err(); err != nil {
			gotErr = err.Error()
		} else if rest := tt.in[d.Offset():]; rest != tt.rest {
			t.Errorf("SkipFast(%q) left %q, want %q", tt.in, rest, tt.rest)
		}
		if gotErr != tt.wantErr {
			t.Errorf("SkipFast(%q) error %q, want %q", tt.in, gotErr, tt.wantErr)
		}
	}
}

func FuzzSkipFast(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"c"}],"d":null}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		// Whatever Skip accepts, SkipFast accepts too and ends at the same
		// place: it is only more lenient.
		var full, fast Decoder
		full.Reset(in)
		full.Skip()
		fast.Reset(in)
		fast.SkipFast()
		if full.Err() == nil && (fast.Err() != nil || fast.Offset() != full.Offset()) {
			t.Fatalf("Skip ends at %d, SkipFast at %d with %v", full.Offset(), fast.Offset(), fast.Err())
		}
	})
}
