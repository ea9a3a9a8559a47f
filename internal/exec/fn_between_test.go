package exec

import "testing"

// TestBetweenTimespanBound: Kusto reads a timespan right bound after a
// datetime left bound as the end of a window starting there: x between
// (a .. b) is a <= x <= a + b (the between operator's documented
// syntactic sugar). t is 2024-05-01T10:30:00Z.
func TestBetweenTimespanBound(t *testing.T) {
	runFnCases(t, []fnCase{
		{`(between t (dt "2024-05-01T10:00:00Z") (ts "1h"))`, `true`},
		{`(between t (dt "2024-05-01T10:00:00Z") (ts "30m"))`, `true`},  // the end is inclusive
		{`(between t (dt "2024-05-01T10:00:00Z") (ts "29m"))`, `false`}, // ends before t
		{`(between t (dt "2024-05-01T10:31:00Z") (ts "1h"))`, `false`},  // starts after t
		{`(!between t (dt "2024-05-01T10:00:00Z") (ts "1h"))`, `false`},
		{`(!between t (dt "2024-05-01T11:00:00Z") (ts "1h"))`, `true`},
		{`(between t (dt "2024-05-01T10:00:00Z") (ts "-1h"))`, `false`}, // a window that ends before it starts holds nothing
		{`(between dn (dt "2024-05-01T10:00:00Z") (ts "1h"))`, `null`},
		{`(between t dn (ts "1h"))`, `null`},
		// A timespan x between timespans is an ordinary range.
		{`(between (ts "90m") (ts "1h") (ts "2h"))`, `true`},
	})
}
