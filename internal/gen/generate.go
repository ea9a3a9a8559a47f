package gen

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Shape is the export shape Generate writes.
type Shape uint8

// The shapes, each written as its pipeline writes it.
const (
	ShapeGraph           Shape = iota + 1 // Microsoft Graph beta signIns API pages
	ShapeAzureMonitor                     // Azure Monitor diagnostic records in {"records":[…]} batches
	ShapeLogAnalytics                     // Log Analytics rows as JSON arrays, typed columns
	ShapeLogAnalyticsCSV                  // Log Analytics rows as the portal's CSV export
	ShapeElastic                          // Elastic azure.signinlogs documents, one per line
)

var shapeNames = [...]string{"", "graph", "azmon", "loganalytics", "loganalytics-csv", "ecs"}

// String returns the name --shape takes.
func (s Shape) String() string {
	if int(s) < len(shapeNames) && s != 0 {
		return shapeNames[s]
	}
	return fmt.Sprintf("Shape(%d)", uint8(s))
}

// ShapeNames lists the names ParseShape accepts.
func ShapeNames() []string { return shapeNames[1:] }

// ParseShape returns the shape named name (as --shape takes it).
func ParseShape(name string) (Shape, error) {
	for i, n := range shapeNames[1:] {
		if n == name {
			return Shape(i + 1), nil
		}
	}
	return 0, fmt.Errorf("unknown shape %q (want one of %s)", name, strings.Join(ShapeNames(), ", "))
}

// Options configure Generate.
type Options struct {
	Users int       // accounts in the tenant, at least MinUsers
	Days  int       // days of traffic
	Start time.Time // the first day; its UTC date is used
	Seed  uint64    // the same seed gives the same bytes
	Shape Shape
	Gzip  bool   // compress every file (names get .gz)
	Dir   string // where files go (created if missing)
	// Create opens an output file by its name relative to Dir; nil creates
	// files in Dir. Benchmarks pass one that discards.
	Create func(name string) (io.WriteCloser, error)
}

// Summary is what Generate wrote.
type Summary struct {
	SignIns        int64 // sign-in records
	Interactive    int64
	NonInteractive int64
	Failures       int64 // sign-ins with an error code
	IdentityInfo   int64 // rows
	BehaviorRows   int64 // BehaviorAnalytics rows
	Bytes          int64 // bytes of sign-in records, uncompressed
	Files          []string
	Labels         []Label
	LabelFile      string // relative to Dir
	First, Last    time.Time
}

// LabelFile is the name of the ground-truth file in the output directory.
// It starts with a dot so that vigil hunt DIR passes it over.
const LabelFile = ".labels.jsonl"

// MaxDays bounds --days.
const MaxDays = 366

// generator is one run of Generate.
type generator struct {
	opts   Options
	t      *Tenant
	tr     *traffic
	start  time.Time
	end    time.Time
	sum    *Summary
	polRes []policyResult
	w      jw       // the record being written
	tmp    jw       // nested JSON for Log Analytics columns
	bufs   [][]byte // sink buffers free for the next file
}

// Generate writes a tenant's sign-ins, its IdentityInfo and
// BehaviorAnalytics tables and the labels of its scenarios.
func Generate(opts Options) (*Summary, error) {
	switch {
	case opts.Users < MinUsers:
		return nil, fmt.Errorf("users: need at least %d, got %d", MinUsers, opts.Users)
	case opts.Days < 1 || opts.Days > MaxDays:
		return nil, fmt.Errorf("days: want 1 to %d, got %d", MaxDays, opts.Days)
	case opts.Shape < ShapeGraph || opts.Shape > ShapeElastic:
		return nil, fmt.Errorf("unknown shape %d", opts.Shape)
	}
	t, err := NewTenant(opts.Users, opts.Seed)
	if err != nil {
		return nil, err
	}
	y, m, d := opts.Start.UTC().Date()
	g := &generator{opts: opts, t: t, tr: newTraffic(t, opts.Seed), sum: &Summary{}}
	g.start = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	g.end = g.start.AddDate(0, 0, opts.Days)
	if g.opts.Create == nil {
		if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
			return nil, err
		}
		g.opts.Create = func(name string) (io.WriteCloser, error) {
			return os.Create(filepath.Join(opts.Dir, name))
		}
	}
	if err := g.run(); err != nil {
		return nil, err
	}
	return g.sum, nil
}

func (g *generator) run() error {
	sc := g.planScenarios()
	g.sum.Labels = sc.labels
	ii, err := g.open("IdentityInfo.json")
	if err != nil {
		return err
	}
	ba, err := g.open("BehaviorAnalytics.json")
	if err != nil {
		return err
	}
	sw := g.shapeWriter()
	var hour []signIn
	for day := range g.opts.Days {
		d0 := g.start.AddDate(0, 0, day)
		if err := sw.openDay(d0); err != nil {
			return err
		}
		for k := range 24 {
			h := k
			if g.opts.Shape == ShapeGraph {
				h = 23 - k // Graph lists the newest first
			}
			hs := d0.Unix() + int64(h)*3600
			hi := day*24 + h
			hour = hour[:0]
			for _, u := range g.t.Users {
				hour = g.tr.hour(hour, u, hs, hi)
			}
			lo, hiNs := hs*1e9, (hs+3600)*1e9
			for i := range hour {
				// Interrupts step a few seconds around their sign-in:
				// keep each hour's records in the hour.
				hour[i].at = min(max(hour[i].at, lo), hiNs-1)
			}
			for i := range sc.signIns {
				if at := sc.signIns[i].at; at >= lo && at < hiNs {
					hour = append(hour, sc.signIns[i])
				}
			}
			slices.SortStableFunc(hour, func(a, b signIn) int {
				if c := cmp.Compare(a.at, b.at); c != 0 {
					return c
				}
				return cmp.Compare(int64(a.seed>>1), int64(b.seed>>1))
			})
			if g.opts.Shape == ShapeGraph {
				slices.Reverse(hour)
			}
			for i := range hour {
				s := &hour[i]
				var f facts
				g.facts(s, &f)
				if err := sw.write(s, &f); err != nil {
					return err
				}
				g.count(s, &f)
				if s.ba == baAuto {
					g.baRow(ba, s, &f, g.autoPriority(s))
				}
			}
			for i := range sc.ba {
				if at := sc.ba[i].s.at; at >= lo && at < hiNs {
					var f facts
					g.facts(&sc.ba[i].s, &f)
					f.record = sc.ba[i].at
					g.baRow(ba, &sc.ba[i].s, &f, sc.ba[i].priority)
				}
			}
			if h == 1 {
				for _, u := range g.t.Users {
					g.identityRow(ii, u, hs+int64(u.Index%3000))
				}
			}
		}
		if err := sw.closeDay(); err != nil {
			return err
		}
	}
	if err := ii.close(); err != nil {
		return err
	}
	if err := ba.close(); err != nil {
		return err
	}
	return g.writeLabels()
}

func (g *generator) count(s *signIn, f *facts) {
	sum := g.sum
	sum.SignIns++
	if s.interactive {
		sum.Interactive++
	} else {
		sum.NonInteractive++
	}
	if s.fail != nil {
		sum.Failures++
	}
	t := time.Unix(0, s.at).UTC()
	if sum.First.IsZero() || t.Before(sum.First) {
		sum.First = t
	}
	if t.After(sum.Last) {
		sum.Last = t
	}
}

// autoPriority draws UEBA's InvestigationPriority for a background logon:
// nearly always 0, now and then a little more.
func (g *generator) autoPriority(s *signIn) int {
	x := mix(s.seed, 30) % 100
	switch {
	case x < 88:
		return 0
	case x < 97:
		return 1
	}
	return 2 + int(x%3)
}

func (g *generator) writeLabels() error {
	sk, err := g.openPlain(LabelFile)
	if err != nil {
		return err
	}
	g.sum.LabelFile = LabelFile
	for _, l := range g.sum.Labels {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		sk.write(append(b, '\n'))
	}
	return sk.close()
}

// sink is an output file: records are appended to a buffer that another
// goroutine compresses (optionally) and writes, so that rendering, gzip and
// the disk work at the same time. One writer per file keeps its bytes in
// order.
type sink struct {
	name string
	n    int64
	buf  []byte
	ch   chan []byte // full buffers, to the writer goroutine
	free chan []byte // empty buffers, back
	done chan error
	err  atomic.Pointer[error] // the writer's first error, seen early by write
	g    *generator            // takes the buffers back
}

const sinkBuffer = 1 << 20

func (g *generator) open(name string) (*sink, error) {
	if g.opts.Gzip {
		name += ".gz"
	}
	return g.create(name, g.opts.Gzip)
}

func (g *generator) openPlain(name string) (*sink, error) { return g.create(name, false) }

func (g *generator) create(name string, compress bool) (*sink, error) {
	f, err := g.opts.Create(name)
	if err != nil {
		return nil, err
	}
	g.sum.Files = append(g.sum.Files, name)
	s := &sink{name: name, ch: make(chan []byte, 2), free: make(chan []byte, sinkBuffers), done: make(chan error, 1), g: g}
	for range sinkBuffers - 1 {
		s.free <- g.buffer()
	}
	s.buf = g.buffer()
	go s.drain(f, compress)
	return s, nil
}

// sinkBuffers is how many buffers a sink cycles through.
const sinkBuffers = 3

// buffer returns an empty buffer for a sink, reusing those of closed ones.
func (g *generator) buffer() []byte {
	if n := len(g.bufs); n > 0 {
		b := g.bufs[n-1]
		g.bufs = g.bufs[:n-1]
		return b[:0]
	}
	return make([]byte, 0, sinkBuffer)
}

// drain writes the buffers it is sent to f, through gzip when compress is
// set, then closes f.
func (s *sink) drain(f io.WriteCloser, compress bool) {
	var w io.Writer = f
	var zw *gzip.Writer
	if compress {
		zw, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
		w = zw
	}
	var err error
	for b := range s.ch {
		if err == nil {
			if _, err = w.Write(b); err != nil {
				s.err.Store(&err)
			}
		}
		s.free <- b[:0]
	}
	if zw != nil {
		if e := zw.Close(); err == nil {
			err = e
		}
	}
	if e := f.Close(); err == nil {
		err = e
	}
	s.done <- err
}

func (s *sink) write(b []byte) {
	if s.err.Load() != nil {
		return
	}
	s.n += int64(len(b))
	for len(b) > 0 {
		k := copy(s.buf[len(s.buf):cap(s.buf)], b)
		s.buf = s.buf[:len(s.buf)+k]
		b = b[k:]
		if len(s.buf) == cap(s.buf) {
			s.ch <- s.buf
			s.buf = <-s.free
		}
	}
}

func (s *sink) close() error {
	if len(s.buf) > 0 {
		s.ch <- s.buf
	}
	close(s.ch)
	err := <-s.done
	if len(s.buf) == 0 {
		s.g.bufs = append(s.g.bufs, s.buf)
	}
	for len(s.free) > 0 {
		s.g.bufs = append(s.g.bufs, <-s.free)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", s.name, err)
	}
	return nil
}
