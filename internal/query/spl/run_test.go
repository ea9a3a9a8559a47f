package spl

import (
	"context"
	"strings"
	"testing"
	"time"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
)

// runNow is the time searches run at in result tests.
var runNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// rec is one event of a test table: field name → Go value (string, int,
// float64, bool, time.Time, []any for a multivalue field; absent or nil
// for a missing field).
type rec map[string]any

func toValue(t testing.TB, x any) event.Value {
	t.Helper()
	switch x := x.(type) {
	case nil:
		return event.Null
	case string:
		return event.String(x)
	case int:
		return event.Long(int64(x))
	case float64:
		return event.Real(x)
	case bool:
		return event.Bool(x)
	case time.Time:
		return event.Datetime(x)
	case []any:
		var vs []event.Value
		for _, e := range x {
			vs = append(vs, toValue(t, e))
		}
		return event.Array(vs...)
	}
	t.Fatalf("test value %T not supported", x)
	return event.Null
}

// memTable builds a table of the schema from records; a field a record
// names that the schema lacks is a test error.
func memTable(t testing.TB, schema plan.Schema, recs ...rec) *exec.MemTable {
	t.Helper()
	mt := &exec.MemTable{Columns: schema}
	for _, r := range recs {
		row := make([]event.Value, len(schema))
		for k, v := range r {
			i := schema.Index(k)
			if i < 0 {
				t.Fatalf("field %q is not in the test schema", k)
			}
			row[i] = toValue(t, v)
		}
		mt.Rows = append(mt.Rows, row)
	}
	return mt
}

// runSearch compiles src against the tables (with the built-in macros
// plus extra) and renders the result rows one per line as `field=value`
// pairs, skipping null fields.
func runSearch(t testing.TB, src string, cat exec.MemCatalog, lookups map[string]*LookupTable) []string {
	t.Helper()
	tables := plan.Tables{}
	for name, tb := range cat {
		tables[name] = tb.Schema()
	}
	n, err := Compile(src, Options{Tables: tables, Lookups: lookups})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	res, err := exec.Run(context.Background(), n, cat, exec.Options{Now: runNow})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	var out []string
	for _, row := range res.Rows {
		var parts []string
		for i, v := range row {
			if v.IsNull() {
				continue
			}
			parts = append(parts, res.Columns[i].Name+"="+show(v))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// show renders a value: text as is, multivalues as [a,b].
func show(v event.Value) string {
	if v.Kind() == event.KindArray {
		var parts []string
		for _, e := range v.Elems() {
			parts = append(parts, show(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return splText(v)
}

func checkRows(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows differ\n--- got ---\n%s\n--- want ---\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
