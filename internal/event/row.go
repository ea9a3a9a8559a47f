package event

// Row is one row of a named table that is not a sign-in table: an
// enrichment table exported from Log Analytics (IdentityInfo,
// BehaviorAnalytics, a watchlist) or a record of another log category
// (AuditLogs). Cells keep their columns in source order.
type Row struct {
	Table  string
	Cells  []Cell
	Origin Origin
}

// Cell is one column of a Row. Raw is the value's JSON text as the source
// wrote it (`"x"`, `4`, `{"a":1}`), or for a CSV export the cell's text
// encoded as a JSON string; the schema of each table decides the column
// types when the row is queried.
type Cell struct {
	Name string
	Raw  string
}

// Get returns the raw value of column name.
func (r *Row) Get(name string) (string, bool) {
	for _, c := range r.Cells {
		if c.Name == name {
			return c.Raw, true
		}
	}
	return "", false
}
