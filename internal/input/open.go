package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
)

// Framing is how a file's records are laid out.
type Framing uint8

// The framings.
const (
	FramingJSON Framing = iota + 1 // JSON values: NDJSON, arrays, wrapper objects
	FramingCSV                     // a CSV table with a header line
)

// File is an opened export: its decompressed, UTF-8 content.
type File struct {
	Name    string // as given; "-" for standard input
	Gzip    bool   // the content was gzip-compressed
	UTF16   bool   // the content was UTF-16 and is transcoded
	Framing Framing
	Size    int64 // size on disk (compressed), or -1 for standard input

	r      *bufio.Reader
	raw    *countingReader
	closer io.Closer
}

// ErrEmpty, ErrBinary and ErrNotExport classify files that hold no records.
var (
	ErrEmpty     = errors.New("empty file")
	ErrBinary    = errors.New("binary data, not a sign-in export")
	ErrNotExport = errors.New("neither JSON nor a CSV table")
)

// Open opens name ("-" reads standard input), undoes gzip, a byte-order mark
// and UTF-16, and sniffs the framing. The errors ErrEmpty, ErrBinary and
// ErrNotExport are returned wrapped, with the file still closed.
func Open(name string) (*File, error) {
	f := &File{Name: name, Size: -1}
	var src io.Reader
	if name == "-" {
		src = os.Stdin
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		if st, err := fh.Stat(); err == nil {
			if st.IsDir() {
				fh.Close()
				return nil, fmt.Errorf("%s is a directory", name)
			}
			f.Size = st.Size()
		}
		src = fh
		f.closer = fh
	}
	f.raw = &countingReader{r: src}
	br := bufio.NewReaderSize(f.raw, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		f.Gzip = true
		br = bufio.NewReaderSize(gzipErrors{zr}, 64<<10)
	}
	if err := f.sniff(br); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (f *File) sniff(br *bufio.Reader) error {
	head, err := br.Peek(4)
	if len(head) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return ErrEmpty
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// PowerShell 5 writes UTF-16 with a byte-order mark by default.
		br.Discard(2)
		br = bufio.NewReaderSize(&utf16Reader{r: br, big: head[0] == 0xFE}, 64<<10)
		f.UTF16 = true
	}
	f.r = br
	// Look at the start of the content, past white space, to choose the
	// framing; a NUL byte in the first block means binary data.
	for n := 512; ; n *= 2 {
		buf, err := br.Peek(n)
		if bytes.IndexByte(buf, 0) >= 0 {
			return ErrBinary
		}
		if i := bytes.IndexFunc(buf, func(r rune) bool { return r != ' ' && r != '\t' && r != '\r' && r != '\n' }); i >= 0 {
			switch buf[i] {
			case '{', '[':
				f.Framing = FramingJSON
				return nil
			}
			if !utf8.Valid(trimPartialRune(buf)) {
				return ErrBinary
			}
			line, _, _ := bytes.Cut(buf[i:], []byte{'\n'})
			if bytes.IndexByte(line, ',') >= 0 {
				f.Framing = FramingCSV
				return nil
			}
			return ErrNotExport
		}
		if err != nil || n >= 1<<20 {
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
				return err
			}
			return ErrEmpty
		}
	}
}

// Reader returns the decompressed UTF-8 content.
func (f *File) Reader() io.Reader { return f.r }

// BytesRead is how many bytes of the file on disk were read so far (for
// progress and throughput). It is safe to call while another goroutine
// reads the file.
func (f *File) BytesRead() int64 { return f.raw.n.Load() }

// Close closes the file.
func (f *File) Close() error {
	if f.closer != nil {
		return f.closer.Close()
	}
	return nil
}

// countingReader counts the bytes read from disk; the count may be read by
// another goroutine (progress displays).
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// utf16Reader transcodes UTF-16 (little- or big-endian) to UTF-8.
type utf16Reader struct {
	r    io.Reader
	big  bool
	in   []byte
	out  []byte
	high uint16 // a high surrogate waiting for its pair
	err  error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		if cap(u.in) == 0 {
			u.in = make([]byte, 0, 32<<10)
		}
		n, err := u.r.Read(u.in[len(u.in):cap(u.in)])
		u.in = u.in[:len(u.in)+n]
		u.err = err
		i := 0
		for ; i+1 < len(u.in); i += 2 {
			var c uint16
			if u.big {
				c = uint16(u.in[i])<<8 | uint16(u.in[i+1])
			} else {
				c = uint16(u.in[i+1])<<8 | uint16(u.in[i])
			}
			switch {
			case u.high != 0:
				r := utf16.DecodeRune(rune(u.high), rune(c))
				u.high = 0
				u.out = utf8.AppendRune(u.out, r)
				if r == utf8.RuneError && !utf16.IsSurrogate(rune(c)) {
					u.out = utf8.AppendRune(u.out, rune(c))
				}
			case c >= 0xD800 && c < 0xDC00:
				u.high = c
			default:
				u.out = utf8.AppendRune(u.out, rune(c))
			}
		}
		u.in = u.in[:copy(u.in, u.in[i:])]
	}
	n := copy(p, u.out)
	u.out = u.out[:copy(u.out, u.out[n:])]
	return n, nil
}

// gzipErrors names gzip failures for what they are: a file cut short is the
// usual one.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	switch {
	case err == nil, errors.Is(err, io.EOF):
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = errors.New("gzip: truncated stream")
	default:
		err = fmt.Errorf("gzip: %w", err)
	}
	return n, err
}

// trimPartialRune drops a rune cut off by the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}
