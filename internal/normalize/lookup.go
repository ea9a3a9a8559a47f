package normalize

import (
	"sync/atomic"
	"unsafe"
)

// kidTable finds a node's member by key without converting the key to a
// string or paying for a general map: open addressing over keyHash,
// built once per node from its kids map on first use.
type kidTable struct {
	mask  uint32
	keys  []string
	nodes []*node
}

// keyHash mixes a key's length and four of its bytes: member names differ in
// length or at their ends, and probing compares whole keys, so this is
// enough and costs the same for every key length.
func keyHash(b []byte) uint32 {
	n := len(b)
	h := uint32(n) * 0x9E3779B1
	if n > 0 {
		h ^= uint32(b[0]) | uint32(b[n-1])<<8 | uint32(b[n/2])<<16 | uint32(b[n/3])<<24
		h *= 0x85EBCA6B
		h ^= h >> 15
	}
	return h
}

func newKidTable(kids map[string]*node) *kidTable {
	size := uint32(8)
	for size < uint32(2*len(kids)) {
		size *= 2
	}
	t := &kidTable{mask: size - 1, keys: make([]string, size), nodes: make([]*node, size)}
	for k, n := range kids {
		i := keyHash([]byte(k)) & t.mask
		for t.nodes[i] != nil {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.nodes[i] = k, n
	}
	return t
}

func (t *kidTable) get(key []byte) *node {
	i := keyHash(key) & t.mask
	for {
		n := t.nodes[i]
		if n == nil || t.keys[i] == string(key) {
			return n
		}
		i = (i + 1) & t.mask
	}
}

// kid returns the member of t named key, or nil. The table is built on first
// use; goroutines racing to build it build equal tables, and the atomic
// pointer publishes one of them whole. (A plain pointer rather than
// sync.Once keeps nodes copyable while trees are being assembled.)
func (t *node) kid(key []byte) *node {
	p := atomic.LoadPointer(&t.lookup)
	if p == nil {
		p = unsafe.Pointer(newKidTable(t.kids))
		atomic.StorePointer(&t.lookup, p)
	}
	return (*kidTable)(p).get(key)
}
