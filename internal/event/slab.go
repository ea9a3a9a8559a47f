package event

import (
	"bytes"

	"vigil/internal/poison"
)

// Slab holds the value storage of many events. Each event decodes into one
// reusable scratch buffer (Start), then Pack moves its values into
// exact-size storage carved from large blocks: a batch of events costs a few
// allocations and keeps no spare capacity, where letting each event grow
// its own slice left most of a kept event's memory unused.
//
// A Slab is not safe for concurrent use; give each decoding goroutine its
// own.
type Slab struct {
	scratch []slot
	block   []slot
}

const slabBlock = 8192 // slots per block (192 KiB)

// Start makes e, which must be empty, decode into the slab's scratch
// storage. Until Pack, e shares that storage with the next event started.
func (s *Slab) Start(e *SignIn) {
	if s.scratch == nil {
		s.scratch = make([]slot, 0, 128)
	}
	e.vals = s.scratch[:0]
}

// Pack moves e's values out of the scratch storage into the slab's blocks.
func (s *Slab) Pack(e *SignIn) {
	n := len(e.vals)
	if cap(e.vals) > cap(s.scratch) {
		s.scratch = e.vals[:0] // it grew: keep the larger buffer
	}
	if n == 0 {
		e.vals = nil
		return
	}
	if len(s.block) < n {
		s.block = make([]slot, max(slabBlock, n))
	}
	dst := s.block[:n:n]
	copy(dst, e.vals)
	s.block = s.block[n:]
	poisonSlots(e.vals)
	e.vals = dst
}

// Discard lets go of e, started but not to be kept: its storage goes back
// to the scratch for the next event.
func (s *Slab) Discard(e *SignIn) {
	if cap(e.vals) > cap(s.scratch) {
		s.scratch = e.vals[:0]
	}
	poisonSlots(e.vals)
	e.vals = nil
}

// poisonedSlot is what the scratch storage holds once given back, in builds
// with the vigil_poison tag (see package poison).
var poisonedSlot = slot{s: string(bytes.Repeat([]byte{poison.Byte}, 16)), n: -0x0badc0de}

// poisonSlots overwrites scratch storage given back for the next event.
func poisonSlots(vals []slot) {
	if poison.On {
		for i := range vals {
			vals[i] = poisonedSlot
		}
	}
}
