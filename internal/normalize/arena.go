package normalize

import "unsafe"

// arena hands out strings copied into large append-only blocks, so that the
// dozen strings of a record cost no allocation each. A block is never
// written again after a string points into it, which is what makes the
// unsafe.String conversion sound; it is freed when no string refers to it.
type arena struct {
	block []byte
}

const arenaBlock = 64 << 10

// str returns a string with the bytes of b.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBlock/8 {
		return string(b) // large values get their own allocation
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	return unsafe.String(&a.block[start], len(b))
}
