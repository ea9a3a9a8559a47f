package normalize

import (
	"hash/maphash"
	"unsafe"
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
	var slot *string
	if len(b) <= arenaCacheMax {
		if a.cache == nil {
			a.cache = new([arenaCache]string)
			a.seed = maphash.MakeSeed()
		}
		slot = &a.cache[maphash.Bytes(a.seed, b)&(arenaCache-1)]
		if *slot == string(b) {
			return *slot
		}
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	s := unsafe.String(&a.block[start], len(b))
	if slot != nil {
		*slot = s
	}
	return s
}
