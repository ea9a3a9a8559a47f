package jsontext

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBadText: the strings, keys and raw values a Decoder returns are
// checked for text that is not UTF-8 and for escaped lone surrogates;
// values skipped unread are not.
func TestBadText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		read func(d *Decoder)
		want string // BadText.String() @Offset, or "" for none
	}{
		{"plain string", "\"ab\xffc\"", func(d *Decoder) { d.Str() },
			`invalid UTF-8: byte \xff is not text; JSON output writes each as U+FFFD @3`},
		{"escaped string", "\"a\\n\xc3\x28\xff\"", func(d *Decoder) { d.Str() },
			`invalid UTF-8: 2 bytes (\xc3\xff) are not text; JSON output writes each as U+FFFD @4`},
		{"valid multibyte", `"Zoë 😀"`, func(d *Decoder) { d.Str() }, ""},
		{"truncated rune", "\"\xe2\x82\"", func(d *Decoder) { d.Str() },
			`invalid UTF-8: 2 bytes (\xe2\x82) are not text; JSON output writes each as U+FFFD @1`},
		{"lone high surrogate", `"a\ud800"`, func(d *Decoder) { d.Str() },
			`a \u escape holds half a UTF-16 surrogate pair, read as U+FFFD @2`},
		{"lone low surrogate", `"\udc00\udc01"`, func(d *Decoder) { d.Str() },
			`2 \u escapes hold half a UTF-16 surrogate pair, read as U+FFFD @1`},
		{"pair", `"\ud83d\ude00"`, func(d *Decoder) { d.Str() }, ""},
		{"escaped U+FFFD is text", `"\ufffd"`, func(d *Decoder) { d.Str() }, ""},
		{"key", "{\"k\xff\":1}", func(d *Decoder) { d.Object(); d.NextKey() },
			`invalid UTF-8: byte \xff is not text; JSON output writes each as U+FFFD @3`},
		{"raw", "[\"\xff\",{\"a\":\"\xfe\"}]", func(d *Decoder) { d.Raw() },
			`invalid UTF-8: 2 bytes (\xff\xfe) are not text; JSON output writes each as U+FFFD @2`},
		{"skipped", "[\"\xff\"]", func(d *Decoder) { d.Skip() }, ""},
		{"skipped fast", "[\"\xff\"]", func(d *Decoder) { d.SkipFast() }, ""},
		{"both", "[\"\\udfff\",\"\xff\"]", func(d *Decoder) { d.Array(); d.NextElem(); d.Str(); d.NextElem(); d.Str() },
			`invalid UTF-8: byte \xff is not text; JSON output writes each as U+FFFD; a \u escape holds half a UTF-16 surrogate pair, read as U+FFFD @2`},
		{"many", `"` + strings.Repeat("\xff", 10) + `"`, func(d *Decoder) { d.Str() },
			`invalid UTF-8: 10 bytes (\xff\xff\xff\xff\xff\xff\xff\xff…) are not text; JSON output writes each as U+FFFD @1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			d.Reset([]byte(tt.in))
			tt.read(&d)
			if err := d.Err(); err != nil {
				t.Fatal(err)
			}
			got := ""
			if d.HasBadText() {
				b := d.TakeBadText()
				got = b.String() + " @" + strconv.Itoa(b.Offset)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if d.HasBadText() {
				t.Error("TakeBadText left bad text behind")
			}
		})
	}
}
