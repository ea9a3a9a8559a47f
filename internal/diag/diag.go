// Package diag holds source positions and positioned diagnostics: the
// `file:line:col: lang: message` errors that every parser, loader and input
// reader of vigil reports, with a caret snippet for terminals.
//
// Lines are 1-based; columns are 1-based and counted in runes, as editors show
// them. A query embedded in a rule file (YAML, TOML) is parsed on its own and
// its positions are then mapped back into the file with a Mapper.
package diag

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a text: 1-based line and rune column. The zero Pos means
// "no position".
type Pos struct {
	Line, Col int
}

// IsValid reports whether p names a position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

// Span is a half-open range [Start, End) of a text, in byte offsets. Parsers put
// one on every AST node; PosOf turns an offset into a Pos.
type Span struct {
	Start, End int
}

// PosOf returns the line:col of byte offset off in text. An offset past the end
// is clamped to the end.
func PosOf(text string, off int) Pos {
	if off > len(text) {
		off = len(text)
	}
	if off < 0 {
		off = 0
	}
	line := 1 + strings.Count(text[:off], "\n")
	start := strings.LastIndexByte(text[:off], '\n') + 1
	return Pos{Line: line, Col: 1 + utf8.RuneCountInString(text[start:off])}
}

// A Mapper maps a position inside an embedded text (a query inside a rule file)
// to the position in the enclosing file.
type Mapper func(Pos) Pos

// BlockMapper maps positions of a text embedded as a YAML/TOML block whose first
// line starts at file position first and whose following lines are indented by
// indent columns (the indentation the block scalar stripped).
func BlockMapper(first Pos, indent int) Mapper {
	return func(p Pos) Pos {
		if !p.IsValid() {
			return p
		}
		if p.Line == 1 {
			return Pos{Line: first.Line, Col: first.Col + p.Col - 1}
		}
		return Pos{Line: first.Line + p.Line - 1, Col: indent + p.Col}
	}
}

// Error is one positioned diagnostic.
type Error struct {
	File string // path of the file, or "" when the text has no file
	Pos  Pos    // position in File; zero when unknown
	Lang string // the language or format that reports it: "kql", "spl", "json", "yaml", …
	Msg  string // lower case, no trailing period

	// Source and Offset, when set, let Snippet print the offending line.
	Source string
	Offset int
}

// Errorf returns an Error at pos.
func Errorf(file string, pos Pos, lang, format string, args ...any) *Error {
	return &Error{File: file, Pos: pos, Lang: lang, Msg: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteByte(':')
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Lang != "" {
		b.WriteString(e.Lang)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Snippet returns the source line of the error followed by a caret under the
// column, or "" when the error carries no source text.
func (e *Error) Snippet() string {
	if e.Source == "" {
		return ""
	}
	return Caret(e.Source, e.Offset)
}

// Caret renders the line of text containing byte offset off, and a second line
// with a caret under that offset's column.
func Caret(text string, off int) string {
	if off > len(text) {
		off = len(text)
	}
	if off < 0 {
		off = 0
	}
	start := strings.LastIndexByte(text[:off], '\n') + 1
	end := strings.IndexByte(text[off:], '\n')
	if end < 0 {
		end = len(text)
	} else {
		end += off
	}
	line := strings.TrimRight(text[start:end], "\r")
	pad := strings.Map(func(r rune) rune {
		if r == '\t' {
			return '\t'
		}
		return ' '
	}, text[start:off])
	return line + "\n" + pad + "^"
}

// List collects diagnostics; loaders report all problems of a file, not only
// the first.
type List []*Error

// Add appends e.
func (l *List) Add(e *Error) { *l = append(*l, e) }

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find the individual diagnostics.
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// NotSupported is the error class for language features vigil recognises but
// does not implement yet. Such errors read "not supported yet: <feature>".
var NotSupported = errors.New("not supported yet")

// Unsupported returns a positioned "not supported yet: feature" diagnostic.
func Unsupported(file string, pos Pos, lang, feature string) *Error {
	return &Error{File: file, Pos: pos, Lang: lang, Msg: "not supported yet: " + feature}
}

// IsUnsupported reports whether err is (or wraps) a "not supported yet" diagnostic.
func IsUnsupported(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return strings.HasPrefix(e.Msg, "not supported yet: ")
	}
	return errors.Is(err, NotSupported)
}
