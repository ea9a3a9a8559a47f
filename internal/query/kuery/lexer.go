package kuery

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"vigil/internal/diag"
)

// tokenKind is the kind of a lexical token.
type tokenKind uint8

const (
	tEOF tokenKind = iota
	tLParen
	tRParen
	tLBrace
	tRBrace
	tColon
	tRange  // < <= > >=
	tWord   // unquoted literal
	tString // quoted literal
	tOr
	tAnd
	tNot
)

// token is one lexical token. For tWord and tString, text is the value with
// escapes resolved; for tWord, pattern is its wildcard form and wild says
// whether it has an unescaped wildcard.
type token struct {
	kind    tokenKind
	at      diag.Span
	raw     string
	text    string
	pattern string
	wild    bool
}

// describe names a token in error messages.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tString:
		return t.raw
	}
	return "'" + t.raw + "'"
}

// errAt returns the positioned diagnostic of src at byte offset off.
func errAt(src string, off int, format string, args ...any) *diag.Error {
	e := diag.Errorf("", diag.PosOf(src, off), "kuery", format, args...)
	e.Source, e.Offset = src, off
	return e
}

// isSpecial reports whether c cannot appear unescaped in an unquoted value.
func isSpecial(c byte) bool {
	switch c {
	case '\\', '(', ')', ':', '<', '>', '"', '{', '}':
		return true
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// lex splits src into tokens, ending with a tEOF token.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			toks = append(toks, token{kind: tEOF, at: diag.Span{Start: len(src), End: len(src)}})
			return toks, nil
		}
		start := i
		var t token
		switch c := src[i]; c {
		case '(':
			t.kind, i = tLParen, i+1
		case ')':
			t.kind, i = tRParen, i+1
		case '{':
			t.kind, i = tLBrace, i+1
		case '}':
			t.kind, i = tRBrace, i+1
		case ':':
			t.kind, i = tColon, i+1
		case '<', '>':
			t.kind, i = tRange, i+1
			if i < len(src) && src[i] == '=' {
				i++
			}
		case '"':
			var err error
			t, i, err = lexString(src, i)
			if err != nil {
				return nil, err
			}
		default:
			var err error
			t, i, err = lexWord(src, i)
			if err != nil {
				return nil, err
			}
		}
		t.at = diag.Span{Start: start, End: i}
		t.raw = src[start:i]
		if t.kind == tWord {
			switch strings.ToLower(t.raw) {
			case "or":
				t.kind = tOr
			case "and":
				t.kind = tAnd
			case "not":
				t.kind = tNot
			}
		}
		toks = append(toks, t)
	}
}

// lexString reads the quoted value starting at src[i] == '"'.
func lexString(src string, i int) (token, int, error) {
	start := i
	i++
	var b strings.Builder
	for {
		if i >= len(src) {
			return token{}, i, errAt(src, start, "unterminated quoted value")
		}
		c := src[i]
		switch c {
		case '"':
			return token{kind: tString, text: b.String()}, i + 1, nil
		case '\\':
			r, n, err := escape(src, i, true)
			if err != nil {
				return token{}, i, err
			}
			b.WriteString(r)
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// escape resolves the escape sequence at src[i] == '\\', returning its
// text and length. In quoted values only \" \\ \t \n \r and \uXXXX exist;
// unquoted values may escape any character.
func escape(src string, i int, quoted bool) (string, int, error) {
	if i+1 >= len(src) {
		return "", 0, errAt(src, i, "escape character '\\' at the end of the query")
	}
	switch c := src[i+1]; c {
	case 't':
		return "\t", 2, nil
	case 'n':
		return "\n", 2, nil
	case 'r':
		return "\r", 2, nil
	case 'u':
		if i+6 > len(src) {
			return "", 0, errAt(src, i, "invalid unicode escape: want \\u and 4 hex digits")
		}
		n, err := strconv.ParseUint(src[i+2:i+6], 16, 32)
		if err != nil {
			return "", 0, errAt(src, i, "invalid unicode escape: want \\u and 4 hex digits")
		}
		return string(rune(n)), 6, nil
	case '"', '\\':
		return string(c), 2, nil
	default:
		if quoted {
			_, size := utf8.DecodeRuneInString(src[i+1:])
			return "", 0, errAt(src, i, "unknown escape sequence '\\%s' in a quoted value", src[i+1:i+1+size])
		}
		_, size := utf8.DecodeRuneInString(src[i+1:])
		return src[i+1 : i+1+size], 1 + size, nil
	}
}

// lexWord reads the unquoted value starting at src[i].
func lexWord(src string, i int) (token, int, error) {
	var text, pattern strings.Builder
	wild := false
	for i < len(src) {
		c := src[i]
		if isSpace(c) || (isSpecial(c) && c != '\\') {
			break
		}
		switch c {
		case '\\':
			r, n, err := escape(src, i, false)
			if err != nil {
				return token{}, i, err
			}
			text.WriteString(r)
			if r == "*" || r == "?" || r == "\\" {
				pattern.WriteByte('\\')
			}
			pattern.WriteString(r)
			i += n
		case '*', '?':
			wild = true
			text.WriteByte(c)
			pattern.WriteByte(c)
			i++
		default:
			text.WriteByte(c)
			pattern.WriteByte(c)
			i++
		}
	}
	return token{kind: tWord, text: text.String(), pattern: pattern.String(), wild: wild}, i, nil
}
