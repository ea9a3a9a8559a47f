package kuery

import (
	"strings"
)

// Print renders q as Kuery text that parses back to the same tree (spans
// aside): one space around keywords and after ':', values quoted and
// escaped as they were written.
func Print(q *Query) string {
	if q == nil || q.Root == nil {
		return ""
	}
	var b strings.Builder
	printNode(&b, q.Root)
	return b.String()
}

// String renders one node as Print does.
func String(n Node) string {
	var b strings.Builder
	printNode(&b, n)
	return b.String()
}

func printNode(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *Or:
		for i, t := range n.Terms {
			if i > 0 {
				b.WriteString(" or ")
			}
			printNode(b, t)
		}
	case *And:
		for i, t := range n.Terms {
			if i > 0 {
				b.WriteString(" and ")
			}
			printNode(b, t)
		}
	case *Not:
		b.WriteString("not ")
		printNode(b, n.X)
	case *Paren:
		b.WriteByte('(')
		printNode(b, n.X)
		b.WriteByte(')')
	case *FieldValue:
		if n.Field != nil {
			printField(b, n.Field)
			b.WriteString(": ")
		}
		printNode(b, n.Value)
	case *Range:
		printField(b, n.Field)
		b.WriteByte(' ')
		b.WriteString(n.Op)
		b.WriteByte(' ')
		printNode(b, n.Value)
	case *Nested:
		printField(b, n.Field)
		b.WriteString(": { ")
		printNode(b, n.Query)
		b.WriteString(" }")
	case *Literal:
		switch {
		case n.Quoted:
			quote(b, n.Text)
		case n.Wildcard:
			unquotedPattern(b, n.Pattern)
		default:
			unquoted(b, n.Text)
		}
	}
}

func printField(b *strings.Builder, f *Field) {
	if f.Quoted {
		quote(b, f.Name)
		return
	}
	unquoted(b, f.Name)
}

// quote writes s as a quoted value.
func quote(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// unquoted writes s as an unquoted value with no wildcards: specials,
// wildcard characters and whitespace escaped, keywords escaped.
func unquoted(b *strings.Builder, s string) {
	if isKeyword(s) {
		b.WriteByte('\\')
	}
	for i := 0; i < len(s); i++ {
		writeUnquotedByte(b, s[i], true)
	}
}

// unquotedPattern writes a wildcard pattern as an unquoted value: its
// wildcards as they are, its escaped characters escaped.
func unquotedPattern(b *strings.Builder, p string) {
	if isKeyword(p) {
		b.WriteByte('\\')
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' && i+1 < len(p) {
			i++
			b.WriteByte('\\')
			b.WriteByte(p[i])
			continue
		}
		writeUnquotedByte(b, c, false)
	}
}

func writeUnquotedByte(b *strings.Builder, c byte, escapeWild bool) {
	switch {
	case c == '\t':
		b.WriteString(`\t`)
	case c == '\n':
		b.WriteString(`\n`)
	case c == '\r':
		b.WriteString(`\r`)
	case c == ' ' || isSpecial(c) || (escapeWild && (c == '*' || c == '?')):
		b.WriteByte('\\')
		b.WriteByte(c)
	default:
		b.WriteByte(c)
	}
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "or", "and", "not":
		return true
	}
	return false
}
