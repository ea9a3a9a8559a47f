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
	"strings"
)

// SnapshotName is the file in a state directory that holds the last
// committed state.
const SnapshotName = "state.snapshot"

// magic starts every snapshot; the digit is the format version.
const magic = "VIGILST1"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Disk is the embedded on-disk Store: a Mem loaded from the directory's
// snapshot, written back whole on Commit.
//
// Commit writes the snapshot to a temporary file in the directory, syncs
// it, renames it over SnapshotName and syncs the directory: rename is
// atomic, so the snapshot on disk is always a complete one. A snapshot
// ends with a CRC-32C of its contents, so that a file damaged after the
// fact is reported, not half-read. One process at a time may use a
// directory.
type Disk struct {
	*Mem
	dir string
	// create opens the temporary file of a Commit; tests replace it to
	// inject failing writers.
	create func(name string) (io.WriteCloser, error)
}

// Open opens the state directory dir, creating it when it does not exist,
// and loads its snapshot. Temporary files of interrupted Commits are
// removed.
func Open(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	d := &Disk{Mem: NewMem(), dir: dir, create: createFile}
	tmps, _ := filepath.Glob(filepath.Join(dir, SnapshotName+".tmp*"))
	for _, t := range tmps {
		os.Remove(t)
	}
	f, err := os.Open(filepath.Join(dir, SnapshotName))
	if errors.Is(err, os.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	defer f.Close()
	if err := d.read(f); err != nil {
		return nil, fmt.Errorf("state: %s: %w", f.Name(), err)
	}
	return d, nil
}

// Dir returns the state directory.
func (d *Disk) Dir() string { return d.dir }

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

// write encodes the snapshot: magic, the number of rules, and per rule its
// id, its number of keys and each key with its first time and the distance
// to its last (varints), then the CRC-32C of all that.
func (d *Disk) write(w io.Writer) error {
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20)
	var buf [2 * binary.MaxVarintLen64]byte
	uv := func(n uint64) { bw.Write(binary.AppendUvarint(buf[:0], n)) }
	str := func(s string) {
		uv(uint64(len(s)))
		bw.WriteString(s)
	}
	bw.WriteString(magic)
	ids := d.Rules()
	uv(uint64(len(ids)))
	for _, id := range ids {
		t := d.rules[id]
		str(id)
		uv(uint64(len(t.keys)))
		for k, s := range t.keys {
			str(k)
			b := binary.AppendVarint(buf[:0], s.First)
			b = binary.AppendUvarint(b, uint64(s.Last-s.First))
			bw.Write(b)
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}

// errCorrupt reports a snapshot that does not decode.
var errCorrupt = errors.New("corrupt snapshot (remove the file to start with an empty state)")

func (d *Disk) read(f *os.File) error {
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if len(data) < len(magic)+4 || !strings.HasPrefix(string(data), magic) {
		return errCorrupt
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return errCorrupt
	}
	p := body[len(magic):]
	bad := false
	uv := func() uint64 {
		n, k := binary.Uvarint(p)
		if k <= 0 {
			bad = true
			return 0
		}
		p = p[k:]
		return n
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(p)) {
			bad = true
			return ""
		}
		s := string(p[:n])
		p = p[n:]
		return s
	}
	nrules := uv()
	for i := uint64(0); i < nrules && !bad; i++ {
		id := str()
		nkeys := uv()
		if bad || nkeys > uint64(len(p)) {
			return errCorrupt
		}
		t := &memTable{keys: make(map[string]Seen, nkeys)}
		d.rules[id] = t
		for j := uint64(0); j < nkeys && !bad; j++ {
			k := str()
			first, n := binary.Varint(p)
			if n <= 0 {
				return errCorrupt
			}
			p = p[n:]
			dist := uv()
			t.keys[k] = Seen{First: first, Last: first + int64(dist)}
		}
	}
	if bad || len(p) != 0 {
		return errCorrupt
	}
	return nil
}
