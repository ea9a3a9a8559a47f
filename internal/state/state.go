// Package state keeps what rules remember between runs and between hunts:
// for each rule, when each of its keys (new_terms term tuples) occurred.
//
// A key's occurrences are kept as spans at the resolution its rule needs
// (Table, Span): exact for every question the rule asks, whatever order
// the data comes in, in memory that grows with the number of keys and the
// quiet stretches between their occurrences, not with the occurrences.
//
// Store is the interface; Mem keeps everything in memory, and Open gives
// the embedded on-disk default (`vigil hunt --state DIR`), which keeps the
// working set in memory too, holds an exclusive lock on the directory while
// it is open, and persists the state as a whole snapshot on Commit: written
// to a new file, synced, and renamed over the previous one, so a process
// killed at any moment leaves the state of the last Commit or of the one in
// progress, never a mix.
package state

import (
	"sort"
)

// Span is a stretch [First, Last] of Unix nanoseconds in which a key
// occurred at First, at Last, and at most its table's gap apart in between.
type Span struct {
	First, Last int64
}

// Store holds the keys of every rule.
//
// Contract: Rule returns the same Table for the same id for the life of the
// Store. Changes made through Tables are visible at once and are made
// durable only by Commit, all of them together (a batch): after a crash, a
// reopened Store holds the state of some completed Commit. Commit and Close
// must not run concurrently with each other or with Table methods; a Store
// and its Tables are for one goroutine at a time.
type Store interface {
	// Rule returns the table of the rule with the given id, kept at the
	// resolution gap (nanoseconds; see Table), empty when the Store has
	// never seen the rule. A table kept at a coarser resolution than gap
	// cannot answer the rule's questions: it is emptied, and restarted is
	// true. A finer one is kept, and is from now on kept at gap.
	Rule(id string, gap int64) (t Table, restarted bool)
	// Rules returns the ids of the rules that have a non-empty table, sorted.
	Rules() []string
	// Commit makes every change since the last Commit durable.
	Commit() error
	// Close releases the Store without committing.
	Close() error
}

// Table is the occurrences of the keys of one rule. Keys are compared as
// bytes (exact, case sensitive), as Elasticsearch compares keyword terms.
//
// A table has a resolution, its gap G: occurrences of a key at most G apart
// are merged into one Span. Seen(key, lo, hi) is therefore exact — true if
// and only if key was added at a time in [lo, hi] — whenever hi-lo ≥ G: if
// a span meets [lo, hi], either one of its ends (an occurrence) lies in
// it, or the span covers it, and then two consecutive occurrences on either
// side would be more than hi-lo ≥ G apart, which a span does not hold. A
// new_terms rule asks about [now-history, now-lookback], so its gap is
// history − lookback.
type Table interface {
	// Add records that key occurred at t (Unix nanoseconds).
	Add(key string, t int64)
	// Seen reports whether key occurred in [lo, hi]; exact when hi-lo ≥ the
	// table's gap, and never false when key occurred there.
	Seen(key string, lo, hi int64) bool
	// First returns the start of key's earliest span that ends at or after
	// lo, and false when there is none. When no span holds lo, which is the
	// case when Seen(key, lo-G, lo) is false, that is the key's earliest
	// occurrence at or after lo.
	First(key string, lo int64) (int64, bool)
	// Spans returns key's spans in time order; the caller must not modify
	// them.
	Spans(key string) []Span
	// Prune forgets the spans that ended before t (Unix nanoseconds) and
	// returns how many keys it forgot entirely. The table's horizon
	// becomes t: questions about times before it may no longer be exact.
	Prune(t int64) int
	// Horizon returns the time before which Prune may have forgotten
	// occurrences; zero when it never did.
	Horizon() int64
	// Newest returns the latest occurrence of any key; false when empty.
	Newest() (int64, bool)
	// Len returns the number of keys.
	Len() int
}

// Mem is a Store in memory. The zero Mem is not usable; call NewMem.
type Mem struct {
	rules map[string]*memTable
}

// NewMem returns an empty in-memory Store. Commit does nothing.
func NewMem() *Mem { return &Mem{rules: map[string]*memTable{}} }

// Rule implements Store.
func (m *Mem) Rule(id string, gap int64) (Table, bool) {
	gap = max(gap, 0)
	t := m.rules[id]
	switch {
	case t == nil:
		t = newMemTable(gap)
		m.rules[id] = t
	case t.gap > gap:
		restarted := t.Len() > 0 || t.horizon != 0
		*t = *newMemTable(gap)
		return t, restarted
	default:
		t.gap = gap
	}
	return t, false
}

// Rules implements Store.
func (m *Mem) Rules() []string {
	ids := make([]string, 0, len(m.rules))
	for id, t := range m.rules {
		if len(t.keys) > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Commit implements Store; memory needs no commit.
func (m *Mem) Commit() error { return nil }

// Close implements Store.
func (m *Mem) Close() error { return nil }

type memTable struct {
	gap     int64
	horizon int64
	newest  int64
	keys    map[string][]Span
}

func newMemTable(gap int64) *memTable {
	return &memTable{gap: gap, newest: minInt64, keys: map[string][]Span{}}
}

const minInt64 = -1 << 63

func (t *memTable) Add(key string, at int64) {
	t.newest = max(t.newest, at)
	sp, ok := t.keys[key]
	if !ok {
		t.keys[key] = []Span{{at, at}}
		return
	}
	// Data mostly comes in time order: at is in or after the last span.
	if last := &sp[len(sp)-1]; at >= last.First {
		switch {
		case at <= last.Last:
		case at-last.Last <= t.gap:
			last.Last = at
		default:
			t.keys[key] = append(sp, Span{at, at})
		}
		return
	}
	i := sort.Search(len(sp), func(i int) bool { return sp[i].Last >= at })
	if sp[i].First <= at {
		return // inside span i
	}
	left := i > 0 && at-sp[i-1].Last <= t.gap
	right := sp[i].First-at <= t.gap
	switch {
	case left && right:
		sp[i-1].Last = sp[i].Last
		t.keys[key] = append(sp[:i], sp[i+1:]...)
	case left:
		sp[i-1].Last = at
	case right:
		sp[i].First = at
	default:
		sp = append(sp, Span{})
		copy(sp[i+1:], sp[i:])
		sp[i] = Span{at, at}
		t.keys[key] = sp
	}
}

// after returns the index of key's first span that ends at or after lo.
func after(sp []Span, lo int64) int {
	return sort.Search(len(sp), func(i int) bool { return sp[i].Last >= lo })
}

func (t *memTable) Seen(key string, lo, hi int64) bool {
	sp := t.keys[key]
	i := after(sp, lo)
	return i < len(sp) && sp[i].First <= hi
}

func (t *memTable) First(key string, lo int64) (int64, bool) {
	sp := t.keys[key]
	if i := after(sp, lo); i < len(sp) {
		return sp[i].First, true
	}
	return 0, false
}

func (t *memTable) Spans(key string) []Span { return t.keys[key] }

func (t *memTable) Prune(before int64) int {
	n := 0
	for k, sp := range t.keys {
		i := after(sp, before)
		switch {
		case i == len(sp):
			delete(t.keys, k)
			n++
		case i > 0:
			t.keys[k] = append(sp[:0:0], sp[i:]...)
		}
	}
	t.horizon = max(t.horizon, before)
	return n
}

func (t *memTable) Horizon() int64 { return t.horizon }

func (t *memTable) Newest() (int64, bool) { return t.newest, len(t.keys) > 0 }

func (t *memTable) Len() int { return len(t.keys) }
