package state

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SnapshotName is the file in a state directory that holds the last
// committed state.
const SnapshotName = "state.snapshot"

// LockName is the file in a state directory that an open Disk holds locked;
// it names the process holding it.
const LockName = "lock"

// magicPrefix starts every snapshot, followed by the format version.
const magicPrefix = "VIGILST"

// version is the snapshot format this package writes. Version 1 kept only
// the first and last time of each key; it is still read (see readV1).
const version = 2

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Disk is the embedded on-disk Store: a Mem loaded from the directory's
// snapshot, written back whole on Commit.
//
// Commit writes the snapshot to a temporary file in the directory, syncs
// it, renames it over SnapshotName and syncs the directory: rename is
// atomic, so the snapshot on disk is always a complete one. A snapshot
// ends with a CRC-32C of its contents, so that a file damaged after the
// fact is reported, not half-read. One process at a time may use a
// directory: Open takes an exclusive lock on it that Close releases, and
// the operating system releases it when the process ends, however it ends.
type Disk struct {
	*Mem
	dir  string
	lock *os.File
	// Notes says what Open found worth telling about the snapshot, such
	// as an older format converted.
	Notes []string
	// create opens the temporary file of a Commit; tests replace it to
	// inject failing writers.
	create func(name string) (io.WriteCloser, error)
}

// ErrLocked is the error of Open on a directory that another process holds
// open; the error returned wraps it and names the holder.
var ErrLocked = errors.New("in use by another process")

// Open opens the state directory dir, creating it when it does not exist,
// locks it and loads its snapshot. Temporary files of interrupted Commits
// are removed.
func Open(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	d := &Disk{Mem: NewMem(), dir: dir, lock: lock, create: createFile}
	tmps, _ := filepath.Glob(filepath.Join(dir, SnapshotName+".tmp*"))
	for _, t := range tmps {
		os.Remove(t)
	}
	f, err := os.Open(filepath.Join(dir, SnapshotName))
	if errors.Is(err, os.ErrNotExist) {
		return d, nil
	}
	if err == nil {
		err = d.read(f)
		f.Close()
		if err != nil {
			err = fmt.Errorf("%s: %w", f.Name(), err)
		}
	}
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("state: %w", err)
	}
	return d, nil
}

// lockDir takes the exclusive lock of dir without waiting, and records who
// holds it. When another process holds it, the error names that process.
func lockDir(dir string) (*os.File, error) {
	name := filepath.Join(dir, LockName)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "a process that has not said who it is"
			}
			return nil, fmt.Errorf("state: %s is %w: %s; wait for it to finish or use another state directory", dir, ErrLocked, who)
		}
		return nil, fmt.Errorf("state: locking %s: %w", name, err)
	}
	// Who holds it, for the error of the next one to try.
	cmd := filepath.Base(os.Args[0])
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		cmd += " " + os.Args[1]
	}
	info := fmt.Sprintf("pid %d (%s, since %s)\n", os.Getpid(), cmd, time.Now().UTC().Format(time.RFC3339))
	f.Truncate(0)
	f.WriteAt([]byte(info), 0)
	return f, nil
}

// Dir returns the state directory.
func (d *Disk) Dir() string { return d.dir }

// Close implements Store: it releases the directory's lock.
func (d *Disk) Close() error {
	if d.lock == nil {
		return nil
	}
	d.lock.Truncate(0)
	err := d.lock.Close() // closing the file releases the lock
	d.lock = nil
	return err
}

func createFile(name string) (io.WriteCloser, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}

// Commit implements Store: it writes the whole state as a new snapshot.
func (d *Disk) Commit() error {
	final := filepath.Join(d.dir, SnapshotName)
	tmp := fmt.Sprintf("%s.tmp%d", final, os.Getpid())
	w, err := d.create(tmp)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	err = d.write(w)
	if s, ok := w.(interface{ Sync() error }); ok && err == nil {
		err = s.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("state: writing %s: %w", final, err)
	}
	if dir, err := os.Open(d.dir); err == nil {
		dir.Sync() // make the rename durable; not every system supports it
		dir.Close()
	}
	return nil
}

// write encodes the snapshot (version 2): the magic and version, the
// number of tables, and per table its rule id, gap, horizon and number of
// keys, then per key the key, its number of spans and each span as its
// distance from the previous span's end (the first from zero, signed) and
// its length (varints); then the CRC-32C of all that.
func (d *Disk) write(w io.Writer) error {
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20)
	var buf [2 * binary.MaxVarintLen64]byte
	uv := func(n uint64) { bw.Write(binary.AppendUvarint(buf[:0], n)) }
	sv := func(n int64) { bw.Write(binary.AppendVarint(buf[:0], n)) }
	str := func(s string) {
		uv(uint64(len(s)))
		bw.WriteString(s)
	}
	bw.WriteString(magicPrefix + strconv.Itoa(version))
	var ids []string
	for id, t := range d.rules {
		if len(t.keys) > 0 || t.horizon != 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	uv(uint64(len(ids)))
	for _, id := range ids {
		t := d.rules[id]
		str(id)
		uv(uint64(t.gap))
		sv(t.horizon)
		uv(uint64(len(t.keys)))
		for k, sp := range t.keys {
			str(k)
			uv(uint64(len(sp)))
			prev := int64(0)
			for _, s := range sp {
				sv(s.First - prev)
				uv(uint64(s.Last - s.First))
				prev = s.Last
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}

// CorruptError reports a snapshot that does not decode. History is never
// thrown away on the reader's behalf: the file stays as it is.
type CorruptError struct{ Reason string }

func (e *CorruptError) Error() string {
	return "corrupt snapshot (" + e.Reason + "); the file is left as it is: restore it from a backup, or use another state directory to start with an empty history"
}

// NewerError reports a snapshot written in a format newer than this
// package reads.
type NewerError struct{ Version int }

func (e *NewerError) Error() string {
	return fmt.Sprintf("written by a newer vigil (snapshot version %d; this one reads versions 1 to %d): use that vigil, or another state directory", e.Version, version)
}

func corrupt(reason string) error { return &CorruptError{reason} }

func (d *Disk) read(f *os.File) error {
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(data), magicPrefix) {
		return corrupt("not a vigil state snapshot")
	}
	digits := data[len(magicPrefix):]
	n := 0
	for n < len(digits) && n < 9 && '0' <= digits[n] && digits[n] <= '9' {
		n++
	}
	v, err := strconv.Atoi(string(digits[:n]))
	if err != nil {
		return corrupt("no format version")
	}
	if v > version {
		return &NewerError{Version: v}
	}
	head := len(magicPrefix) + n
	if len(data) < head+4 {
		return corrupt("truncated")
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return corrupt("checksum mismatch: truncated or damaged")
	}
	p := &decoder{p: body[head:]}
	switch v {
	case 1:
		d.readV1(p)
	case 2:
		d.readV2(p)
	default:
		return corrupt(fmt.Sprintf("unknown format version %d", v))
	}
	if p.bad || len(p.p) != 0 {
		return corrupt("malformed contents")
	}
	return nil
}

// readV2 decodes the body of a version 2 snapshot (see write).
func (d *Disk) readV2(p *decoder) {
	nrules := p.uv()
	for i := uint64(0); i < nrules && !p.bad; i++ {
		id := p.str()
		t := newMemTable(int64(p.uv()))
		t.horizon = p.sv()
		nkeys := p.count()
		d.rules[id] = t
		for j := uint64(0); j < nkeys && !p.bad; j++ {
			k := p.str()
			nspans := p.count()
			if nspans == 0 {
				p.bad = true
				return
			}
			sp := make([]Span, nspans)
			prev := int64(0)
			for s := range sp {
				first := prev + p.sv()
				last := first + int64(p.uv())
				if s > 0 && first <= prev || last < first {
					p.bad = true
					return
				}
				sp[s] = Span{first, last}
				prev = last
			}
			t.keys[k] = sp
			t.newest = max(t.newest, prev)
		}
	}
}

// readV1 decodes a version 1 snapshot, which kept per key only the first
// and the last time it was seen: they become two occurrences. What was
// seen between them is lost, so the first hunts with it may call a term
// new that was seen then; Notes says so.
func (d *Disk) readV1(p *decoder) {
	nrules := p.uv()
	for i := uint64(0); i < nrules && !p.bad; i++ {
		id := p.str()
		nkeys := p.count()
		t := newMemTable(0)
		d.rules[id] = t
		for j := uint64(0); j < nkeys && !p.bad; j++ {
			k := p.str()
			first := p.sv()
			last := first + int64(p.uv())
			t.Add(k, first)
			t.Add(k, last)
		}
	}
	d.Notes = append(d.Notes, "the state snapshot is of version 1, which kept only the first and last time of each term; it will be saved as version 2 on the next commit, and terms seen only between those times may be reported new once")
}

// decoder reads the varints and strings of a snapshot body; bad is set at
// the first thing that does not decode, and every read after returns zero.
type decoder struct {
	p   []byte
	bad bool
}

func (d *decoder) uv() uint64 {
	n, k := binary.Uvarint(d.p)
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.p = d.p[k:]
	return n
}

func (d *decoder) sv() int64 {
	n, k := binary.Varint(d.p)
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.p = d.p[k:]
	return n
}

// count reads a number of things that each take at least a byte.
func (d *decoder) count() uint64 {
	n := d.uv()
	if n > uint64(len(d.p)) {
		d.bad = true
		return 0
	}
	return n
}

func (d *decoder) str() string {
	n := d.count()
	if d.bad {
		return ""
	}
	s := string(d.p[:n])
	d.p = d.p[n:]
	return s
}
