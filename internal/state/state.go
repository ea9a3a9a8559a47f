// Package state keeps what rules remember between runs and between hunts:
// for each rule, the keys it has seen (new_terms term tuples) with the
// times they were first and last seen.
//
// Store is the interface; Mem keeps everything in memory, and Open gives
// the embedded on-disk default (`vigil hunt --state DIR`), which keeps the
// working set in memory too and persists it as a whole snapshot on Commit:
// written to a new file, synced, and renamed over the previous one, so a
// process killed at any moment leaves the state of the last Commit or of
// the one in progress, never a mix.
package state

import "sort"

// Seen is when a key was seen: First and Last are Unix nanoseconds.
type Seen struct {
	First, Last int64
}

// Store holds the keys of every rule.
//
// Contract: Rule returns the same Table for the same id for the life of the
// Store. Changes made through Tables are visible at once to Get and are
// made durable only by Commit, all of them together (a batch): after a
// crash, a reopened Store holds the state of some completed Commit. Commit
// and Close must not run concurrently with each other or with Table
// methods; a Store and its Tables are for one goroutine at a time.
type Store interface {
	// Rule returns the table of the rule with the given id, empty when the
	// Store has never seen the rule.
	Rule(id string) Table
	// Rules returns the ids of the rules that have a non-empty table, sorted.
	Rules() []string
	// Commit makes every change since the last Commit durable.
	Commit() error
	// Close releases the Store without committing.
	Close() error
}

// Table is the keys of one rule. Keys are compared as bytes (exact, case
// sensitive), as Elasticsearch compares keyword terms.
type Table interface {
	// Get returns when key was first and last seen.
	Get(key string) (Seen, bool)
	// Observe records that key was seen at t (Unix nanoseconds): First
	// becomes the earlier and Last the later of the recorded times and t.
	// It returns the times recorded before the call, and false when the key
	// was not known.
	Observe(key string, t int64) (before Seen, known bool)
	// Prune forgets the keys last seen before t (Unix nanoseconds), and
	// returns how many it forgot.
	Prune(t int64) int
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
func (m *Mem) Rule(id string) Table {
	t := m.rules[id]
	if t == nil {
		t = &memTable{keys: map[string]Seen{}}
		m.rules[id] = t
	}
	return t
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
	keys map[string]Seen
}

func (t *memTable) Get(key string) (Seen, bool) {
	s, ok := t.keys[key]
	return s, ok
}

func (t *memTable) Observe(key string, at int64) (Seen, bool) {
	s, ok := t.keys[key]
	n := s
	switch {
	case !ok:
		n = Seen{First: at, Last: at}
	case at < s.First:
		n.First = at
	case at > s.Last:
		n.Last = at
	default:
		return s, true
	}
	t.keys[key] = n
	return s, ok
}

func (t *memTable) Prune(before int64) int {
	n := 0
	for k, s := range t.keys {
		if s.Last < before {
			delete(t.keys, k)
			n++
		}
	}
	return n
}

func (t *memTable) Len() int { return len(t.keys) }
