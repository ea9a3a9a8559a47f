package normalize

import (
	"hash/maphash"
	"unsafe"

	"vigil/internal/poison"
)

// arena hands out strings copied into large append-only blocks, so that the
// dozen strings of a record cost no allocation each. A block is never
// written again after a string points into it, which is what makes the
// unsafe.String conversion sound; it is freed when no string refers to it.
//
// Most values repeat from record to record (the tenant, apps, resources,
// the active users and their addresses, user agents): a small direct-mapped
// cache of the strings handed out recently returns the same string again
// instead of another copy. It is bounded and never grows, so values that do
// not repeat (ids) cost one cache slot, overwritten by the next. A kept
// event holds a fraction of the bytes, and fresh memory, which is slow to
// touch on virtual machines, is spared.
type arena struct {
	block []byte
	seed  maphash.Seed
	cache *[arenaCache]string
	// mark is the length of block at Mark, -1 once a new block was
	// started after it; written are the cache slots set since Mark.
	mark    int
	written []int
}

const (
	arenaBlock = 64 << 10
	arenaCache = 4096 // strings remembered, a power of two
	// arenaCacheMax is the longest string looked up in the cache: longer
	// ones rarely repeat byte for byte and cost more to hash.
	arenaCacheMax = 128
)

// str returns a string with the bytes of b.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBlock/8 {
		return string(b) // large values get their own allocation
	}
	slot := -1
	if len(b) <= arenaCacheMax {
		if a.cache == nil {
			a.cache = new([arenaCache]string)
			a.seed = maphash.MakeSeed()
		}
		slot = int(maphash.Bytes(a.seed, b) & (arenaCache - 1))
		if a.cache[slot] == string(b) {
			return a.cache[slot]
		}
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, arenaBlock)
		a.mark = -1
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	s := unsafe.String(&a.block[start], len(b))
	if slot >= 0 {
		a.cache[slot] = s
		a.written = append(a.written, slot)
	}
	return s
}

// Mark notes where the next record's strings begin.
func (a *arena) Mark() {
	a.mark = len(a.block)
	a.written = a.written[:0]
}

// Rewind takes back the strings handed out since Mark, whose record is not
// kept: the next record's strings reuse their bytes. Nothing may hold them
// any more, and that includes map keys: m[s]++ or m[s] = v on a map that
// already holds a key equal to s stores s in place of that key (Go updates
// string keys on assignment), so a map counting by a dropped record's
// string keeps it even when the key was first inserted as a copy. When a
// new block was started since Mark the strings are left as they are. In
// vigil_poison builds the bytes taken back are overwritten (package
// poison).
func (a *arena) Rewind() {
	if a.mark < 0 || a.mark > len(a.block) {
		return
	}
	for _, i := range a.written {
		a.cache[i] = ""
	}
	poison.Bytes(a.block[a.mark:])
	a.block = a.block[:a.mark]
	a.written = a.written[:0]
}
