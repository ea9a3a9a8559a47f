package plan

import (
	"errors"
	"fmt"

	"vigil/internal/diag"
)

// Error is a problem found in a plan by Check or by the executor, located by
// the span of the node or expression at fault. Plans do not hold the query
// text, so an Error carries byte offsets; the front-end or loader that has
// the text turns it into a line:col diagnostic with Diag or Positioned.
type Error struct {
	Span diag.Span
	Msg  string // lower case, no trailing period
	Err  error  // the underlying error, if any
}

// Errorf returns an Error at span.
func Errorf(span diag.Span, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Span: span, Msg: err.Error(), Err: errors.Unwrap(err)}
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Span.Start, e.Msg) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Diag returns e as a positioned diagnostic of a query text in file,
// reported by language lang ("kql", "spl", …).
func (e *Error) Diag(file, lang, text string) *diag.Error {
	return &diag.Error{
		File:   file,
		Pos:    diag.PosOf(text, e.Span.Start),
		Lang:   lang,
		Msg:    e.Msg,
		Source: text,
		Offset: e.Span.Start,
	}
}

// Positioned converts a plan Error inside err into a positioned diagnostic
// of text (see Error.Diag) and returns other errors unchanged.
func Positioned(err error, file, lang, text string) error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Diag(file, lang, text)
	}
	return err
}

// unsupported returns the "not supported yet: feature" error at span.
func unsupported(span diag.Span, feature string) *Error {
	return &Error{Span: span, Msg: "not supported yet: " + feature, Err: diag.NotSupported}
}
