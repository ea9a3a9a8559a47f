package ruletest

import (
	"encoding/json"
	"fmt"
	"sort"
)

// compare appends to out how got differs from want, comparing only what
// want names (see the package doc); path names the value compared.
func compare(want, got any, path string, out []string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want an object, got %s", path, show(got)))
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := path + "." + k
			if path == "" {
				p = k
			}
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s: missing, want %s", p, show(w[k])))
				continue
			}
			out = compare(w[k], gv, p, out)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want an array, got %s", path, show(got)))
		}
		if len(g) != len(w) {
			return append(out, fmt.Sprintf("%s: want %d elements, got %d: %s", path, len(w), len(g), show(got)))
		}
		for i := range w {
			out = compare(w[i], g[i], fmt.Sprintf("%s[%d]", path, i), out)
		}
		return out
	}
	if want != got { // strings, float64s, bools, nil: comparable
		return append(out, fmt.Sprintf("%s: want %s, got %s", path, show(want), show(got)))
	}
	return out
}

// show renders a decoded JSON value as JSON.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
