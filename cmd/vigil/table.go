package main

import (
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// textTable lays out indented, column-aligned rows for terminal output.
type textTable struct {
	w    io.Writer
	rows [][]string
}

func newTable(w io.Writer) *textTable { return &textTable{w: w} }

func (t *textTable) row(cells ...string) { t.rows = append(t.rows, cells) }

func (t *textTable) flush() {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString("  ")
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	io.WriteString(t.w, b.String())
	t.rows = nil
}

func sortStrings(s []string) { sort.Strings(s) }
