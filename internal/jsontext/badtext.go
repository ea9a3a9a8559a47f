package jsontext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// BadText is what the strings (keys and values) and raw values a Decoder
// returned held that is not Unicode text: bytes that are not UTF-8, and
// \u escapes of half a UTF-16 surrogate pair. Decoding does not stop for
// them: Str returns the bytes as they are and a lone surrogate as U+FFFD,
// and JSON output (encoding/json and ours alike) writes each bad byte as
// U+FFFD, so a value read from such a record is not the one written. The
// caller says so (normalize reports a problem per member).
type BadText struct {
	Bytes      int // bytes that are not UTF-8
	Surrogates int // \u escapes of half a surrogate pair, read as U+FFFD
	Offset     int // in the decoder's input, of the first of them
	sample     [8]byte
	sampleLen  int
}

// Any reports whether there is anything in b.
func (b BadText) Any() bool { return b.Bytes+b.Surrogates > 0 }

// String says what is wrong and what was replaced, for a message.
func (b BadText) String() string {
	var parts []string
	if b.Bytes > 0 {
		var x strings.Builder
		for _, c := range b.sample[:b.sampleLen] {
			fmt.Fprintf(&x, `\x%02x`, c)
		}
		if b.Bytes > b.sampleLen {
			x.WriteString("…")
		}
		what := fmt.Sprintf("%d bytes (%s) are", b.Bytes, x.String())
		if b.Bytes == 1 {
			what = fmt.Sprintf("byte %s is", x.String())
		}
		parts = append(parts, "invalid UTF-8: "+what+" not text; JSON output writes each as U+FFFD")
	}
	if b.Surrogates > 0 {
		what := fmt.Sprintf("%d \\u escapes hold", b.Surrogates)
		if b.Surrogates == 1 {
			what = "a \\u escape holds"
		}
		parts = append(parts, what+" half a UTF-16 surrogate pair, read as U+FFFD")
	}
	return strings.Join(parts, "; ")
}

// HasBadText reports whether values returned since the last TakeBadText
// (or Reset) held bad text.
func (d *Decoder) HasBadText() bool { return d.bad.Bytes+d.bad.Surrogates > 0 }

// TakeBadText returns the bad text met since the last call (or Reset) and
// forgets it.
func (d *Decoder) TakeBadText() BadText {
	b := d.bad
	d.bad = BadText{}
	return b
}

// checkText notes the bytes of the returned text b, at offset off of the
// input, that are not UTF-8. utf8.Valid takes eight ASCII bytes at a time,
// so text without bad bytes costs one quick pass.
func (d *Decoder) checkText(off int, b []byte) {
	if !utf8.Valid(b) {
		d.bad.Add(off, b)
	}
}

// Add notes the bytes of text, which begins at offset off, that are not
// UTF-8.
func (b *BadText) Add(off int, text []byte) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			if !b.Any() {
				b.Offset = off + i
			}
			if b.sampleLen < len(b.sample) {
				b.sample[b.sampleLen] = text[i]
				b.sampleLen++
			}
			b.Bytes++
		}
		i += size
	}
}

// loneSurrogate notes a \u escape at offset off that holds half a pair.
func (d *Decoder) loneSurrogate(off int) {
	if !d.bad.Any() {
		d.bad.Offset = off
	}
	d.bad.Surrogates++
}
