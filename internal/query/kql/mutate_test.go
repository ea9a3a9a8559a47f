package kql

import (
	"math/rand"
	"testing"
)

// TestMutations is a cheap, deterministic complement to FuzzParse: it splices
// tokens and test queries into the table-test queries and checks the same
// properties (positioned errors, print/parse round trip).
func TestMutations(t *testing.T) {
	var seeds []string
	for _, tt := range parseTests {
		seeds = append(seeds, tt.in)
	}
	for _, tt := range lowerTests {
		seeds = append(seeds, tt.in)
	}
	pieces := []string{"(", ")", "[", "]", "|", ",", "'", "\"", "*", "-", ".", "..", "=", "{", "}", ":",
		"by", "on", "let", " ", "\n", "a", "1", "$left", "union", "join", "in", "dynamic(", "datetime(", "!has", "`", "//"}
	r := rand.New(rand.NewSource(1))
	n := 30000
	if testing.Short() {
		n = 3000
	}
	for i := 0; i < n; i++ {
		s := []byte(seeds[r.Intn(len(seeds))])
		for k := 0; k < 1+r.Intn(4); k++ {
			pos := r.Intn(len(s) + 1)
			switch r.Intn(3) {
			case 0:
				s = append(s[:pos], append([]byte(pieces[r.Intn(len(pieces))]), s[pos:]...)...)
			case 1:
				if pos < len(s) {
					s = append(s[:pos], s[pos+1:]...)
				}
			default:
				s = append(s[:pos], append([]byte(seeds[r.Intn(len(seeds))]), s[pos:]...)...)
			}
		}
		in := string(s)
		q, err := Parse(in)
		if err != nil {
			checkDiag(t, in, err)
			continue
		}
		checkRoundTrip(t, in, q)
		if _, err := Lower(q, in, testTables); err != nil {
			checkDiag(t, in, err)
		}
	}
}
