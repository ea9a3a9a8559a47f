package schema

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/exec"
)

// probeRows scans table of p with ev set, copying the rows.
func probeRows(t *testing.T, p *Probe, ev *event.SignIn, table string) [][]event.Value {
	t.Helper()
	p.Set(ev)
	return rowsOf(t, p, table)
}

// rowsOf scans a table of any catalog, copying the rows.
func rowsOf(t *testing.T, cat exec.Catalog, table string) [][]event.Value {
	t.Helper()
	tab, ok := cat.Table(table)
	if !ok {
		t.Fatalf("no table %s", table)
	}
	var rows [][]event.Value
	if err := tab.Scan(context.Background(), func(row []event.Value) error {
		rows = append(rows, slices.Clone(row))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}

func showRows(rows [][]event.Value) []string {
	var out []string
	for _, r := range rows {
		var b []byte
		for _, v := range r {
			b = v.AppendJSON(b)
			b = append(b, '|')
		}
		out = append(out, string(b))
	}
	return out
}

// TestProbeRowsAreTheViews: for a sign-in of every shape and kind, a probe
// of each format gives the row the full catalog gives for it, in the table
// the catalog puts it in, and no row in the others.
func TestProbeRowsAreTheViews(t *testing.T) {
	for _, shape := range shapes {
		for _, k := range []kind{interactiveKind, nonInteractiveKind} {
			t.Run(shape+"/"+k.category, func(t *testing.T) {
				evs := []event.SignIn{signInFrom(t, shape, k)}
				ev := &evs[0]
				check := func(format string, full exec.Catalog, p *Probe, tables []string) {
					n := 0
					for _, table := range tables {
						want, got := showRows(rowsOf(t, full, table)), showRows(probeRows(t, p, ev, table))
						if diff := cmp.Diff(want, got); diff != "" {
							t.Errorf("%s %s (-catalog +probe):\n%s", format, table, diff)
						}
						n += len(want)
					}
					if n == 0 {
						t.Errorf("%s: the sign-in is in none of %v: nothing compared", format, tables)
					}
				}
				sentinel := New(evs, nil)
				check("sentinel", sentinel, sentinel.Probe(nil), []string{SigninLogs, AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs})
				splunk := NewSplunk(evs, SplunkOptions{})
				check("splunk", splunk, splunk.Probe(), []string{AzureMonitorAAD, O365GraphAPI})
				ecs := NewECS(evs, nil, ECSOptions{ASN: ecsStubASN{}})
				check("ecs", ecs, ecs.Probe(), []string{ECSSignInLogs, ECSActivityLogs})
			})
		}
	}
}

// TestProbeNeeding: a probe made for some columns computes those and
// leaves the others null, and a new sign-in set at the same address is a
// new row.
func TestProbeNeeding(t *testing.T) {
	evs := []event.SignIn{signInFrom(t, shapeAzmon, interactiveKind)}
	p := New(evs, nil).Probe(map[string][]string{SigninLogs: {"ResultType"}})
	rows := probeRows(t, p, &evs[0], SigninLogs)
	schema, _ := p.TableSchema(SigninLogs)
	for i, col := range schema {
		if got := rows[0][i]; (col.Name == "ResultType") == got.IsNull() {
			t.Errorf("column %s = %v: want only ResultType computed", col.Name, got)
		}
	}
	before := showRows(rows)
	evs[0] = signInFrom(t, shapeAzmon, nonInteractiveKind)
	if got := probeRows(t, p, &evs[0], SigninLogs); len(got) != 0 {
		t.Errorf("a non-interactive sign-in set at the same address still has a SigninLogs row: %v (was %v)", showRows(got), before)
	}
}
