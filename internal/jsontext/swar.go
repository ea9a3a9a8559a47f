package jsontext

import (
	"encoding/binary"
	"math/bits"
)

// Scanning string contents eight bytes at a time: most of a sign-in record
// is text (GUIDs, names, user agents), and looking at each byte alone is
// where a scanner spends its time.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// specialMask has the high bit set in each byte of x that is '"', '\\' or a
// control character (< 0x20). Bits above the first such byte may be set
// spuriously (borrows), the lowest one never is.
func specialMask(x uint64) uint64 {
	quote := x ^ (lsb * '"')
	slash := x ^ (lsb * '\\')
	return ((quote - lsb) &^ quote & msb) | ((slash - lsb) &^ slash & msb) | ((x - lsb*0x20) &^ x & msb)
}

// plainRun returns the length of the prefix of b without '"', '\\' and
// control characters.
func plainRun(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if m := specialMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b) && !needsCare[b[i]]; i++ {
	}
	return i
}

// plainRunHigh is plainRun that also reports, in the high bits of high,
// whether the run may hold a byte above 0x7F (text that may not be UTF-8):
// never falsely none, at times falsely some (the bytes of the last word
// after the run). It costs one OR a word.
func plainRunHigh(b []byte) (n int, high uint64) {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		high |= x
		if m := specialMask(x); m != 0 {
			return i + bits.TrailingZeros64(m)/8, high & msb
		}
	}
	for ; i < len(b) && !needsCare[b[i]]; i++ {
		high |= uint64(b[i])
	}
	return i, high & msb
}
