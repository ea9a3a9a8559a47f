package elastic

import (
	"strings"
	"unicode/utf8"

	"vigil/internal/diag"
)

// keyIndex holds where keys and table headers are in a TOML file, found by a
// light line scan: the decoder does not report positions of what it
// accepted, and every diagnostic of a loader must point into the file.
type keyIndex struct {
	// keys maps a dotted key path ("rule.query", "rule.threat") to the
	// positions of its occurrences, in file order (arrays of tables repeat
	// their keys).
	keys map[string][]keyAt
}

// keyAt is one occurrence of a key: where the key starts, and where its
// value starts.
type keyAt struct {
	key, value diag.Pos
	valueText  string // the rest of the line from the value's start
}

// scanKeys finds the keys of a TOML text. It understands tables, arrays of
// tables, dotted and quoted keys, and skips multi-line strings and arrays;
// it never fails (a file the decoder rejects gets the decoder's error).
func scanKeys(text string) *keyIndex {
	x := &keyIndex{keys: map[string][]keyAt{}}
	lines := strings.Split(text, "\n")
	table := ""
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		trimmed := strings.TrimLeft(line, " \t")
		indent := len(line) - len(trimmed)
		col := func(byteOff int) int { return 1 + utf8.RuneCountInString(line[:byteOff]) }
		switch {
		case trimmed == "" || trimmed[0] == '#':
			continue
		case strings.HasPrefix(trimmed, "[["):
			if end := strings.Index(trimmed, "]]"); end > 0 {
				table = cleanPath(trimmed[2:end])
				x.add(table, keyAt{key: diag.Pos{Line: i + 1, Col: col(indent)}})
			}
			continue
		case trimmed[0] == '[':
			if end := strings.IndexByte(trimmed, ']'); end > 0 {
				table = cleanPath(trimmed[1:end])
				x.add(table, keyAt{key: diag.Pos{Line: i + 1, Col: col(indent)}})
			}
			continue
		}
		eq := strings.IndexByte(trimmed, '=')
		if eq <= 0 {
			continue
		}
		key := cleanPath(trimmed[:eq])
		path := key
		if table != "" {
			path = table + "." + key
		}
		vOff := indent + eq + 1
		for vOff < len(line) && (line[vOff] == ' ' || line[vOff] == '\t') {
			vOff++
		}
		value := line[vOff:]
		x.add(path, keyAt{
			key:       diag.Pos{Line: i + 1, Col: col(indent)},
			value:     diag.Pos{Line: i + 1, Col: col(vOff)},
			valueText: value,
		})
		// Skip the rest of multi-line values so their lines are not read
		// as keys.
		for _, delim := range []string{`'''`, `"""`} {
			if strings.HasPrefix(value, delim) && !strings.Contains(value[3:], delim) {
				for i+1 < len(lines) && !strings.Contains(lines[i+1], delim) {
					i++
				}
				i++
			}
		}
		if strings.HasPrefix(value, "[") && strings.Count(value, "[") > strings.Count(value, "]") {
			for i+1 < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i+1]), "]") {
				i++
			}
			i++
		}
	}
	return x
}

func (x *keyIndex) add(path string, at keyAt) { x.keys[path] = append(x.keys[path], at) }

// pos returns where the n-th occurrence of the key path starts (the first
// when there are fewer), or the zero Pos when the scan did not see it.
func (x *keyIndex) pos(path string, n int) diag.Pos {
	at := x.keys[path]
	if len(at) == 0 {
		return diag.Pos{}
	}
	if n >= len(at) {
		n = 0
	}
	return at[n].key
}

// cleanPath normalises a key or table path: spaces around dots and quotes
// around parts removed.
func cleanPath(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}

// queryMapper maps positions in a query string to the file, given the
// value's position and text: a multi-line string whose delimiter ends the
// line starts on the next line (TOML drops that newline); otherwise the
// text starts right after the opening delimiter. Lines after the first
// start at column 1: TOML strips no indentation.
func queryMapper(at keyAt) diag.Mapper {
	v := at.valueText
	for _, delim := range []string{`'''`, `"""`} {
		if strings.HasPrefix(v, delim) {
			if strings.TrimRight(v[3:], " \t\r") == "" {
				return diag.BlockMapper(diag.Pos{Line: at.value.Line + 1, Col: 1}, 0)
			}
			return diag.BlockMapper(diag.Pos{Line: at.value.Line, Col: at.value.Col + 3}, 0)
		}
	}
	return diag.BlockMapper(diag.Pos{Line: at.value.Line, Col: at.value.Col + 1}, 0)
}
