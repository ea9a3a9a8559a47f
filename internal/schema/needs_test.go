package schema

import (
	"context"
	"testing"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/normalize"
)

// TestEveryColumnDeclared checks that every column of every view says
// what it is computed from, short of everything.
func TestEveryColumnDeclared(t *testing.T) {
	cat := New(nil, nil)
	for name, def := range signInTables {
		for _, c := range def.schema {
			if n := cat.Needs(name, []string{c.Name}); n.All() {
				t.Errorf("%s.%s needs everything", name, c.Name)
			}
		}
	}
	ecs := NewECS(nil, nil, ECSOptions{})
	for _, c := range ecsSignInSchema {
		if n := ecs.Needs(ECSSignInLogs, []string{c.Name}); n.All() {
			t.Errorf("%s.%s needs everything", ECSSignInLogs, c.Name)
		}
	}
	spl := NewSplunk(nil, SplunkOptions{})
	for _, table := range []string{AzureMonitorAAD, O365GraphAPI} {
		s, _ := spl.TableSchema(table)
		for _, c := range s {
			if n := spl.Needs(table, []string{c.Name}); n.Fields == event.AllFields {
				t.Errorf("%s.%s needs every field", table, c.Name)
			}
		}
	}
	if n := cat.Needs(SigninLogs, []string{"NoSuchColumn"}); !n.All() {
		t.Error("an unknown column does not need everything")
	}
}

// scanTable returns the rows of a table of a catalog by column name.
func scanTable(t *testing.T, c exec.Catalog, table string) []map[string]event.Value {
	t.Helper()
	tab, ok := c.Table(table)
	if !ok {
		t.Fatalf("no table %s", table)
	}
	var rows []map[string]event.Value
	err := tab.Scan(context.Background(), func(row []event.Value) error {
		m := map[string]event.Value{}
		for i, col := range tab.Schema() {
			m[col.Name] = row[i]
		}
		rows = append(rows, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestNeedsPerColumn decodes the fixture sign-in of every shape with only
// what each column declares (and the category and times the views are
// split and ordered by, and what reading derives the category from) and
// requires the column's value of the full
// decode, in every view.
func TestNeedsPerColumn(t *testing.T) {
	// What reading and every hunt need (engine.Projection adds them).
	base := event.NewFieldSet(event.FCategory, event.FRecordTime, event.FCreatedDateTime, event.FIngestTime,
		event.FSignInEventTypes, event.FIsInteractive, event.FID, event.FUserPrincipalName, event.FAppID)
	project := func(shape string, k kind, n Needs) []event.SignIn {
		fields := n.Fields
		fields.AddSet(base)
		return []event.SignIn{signInWith(t, shape, k, &normalize.Normalizer{Fields: fields, KeepExtra: n.Extra})}
	}
	for _, shape := range shapes {
		for _, k := range []kind{interactiveKind, nonInteractiveKind} {
			full := []event.SignIn{signInFrom(t, shape, k)}

			cat := New(full, nil)
			want := scanTable(t, cat, k.table)
			for col := range want[0] {
				got := scanTable(t, New(project(shape, k, cat.Needs(k.table, []string{col})), nil), k.table)
				if !event.Equal(got[0][col], want[0][col]) {
					t.Errorf("%s %s.%s: projected %v, full %v", shape, k.table, col, got[0][col], want[0][col])
				}
			}

			ecs := NewECS(full, nil, ECSOptions{})
			want = scanTable(t, ecs, ECSSignInLogs)
			for col := range want[0] {
				got := scanTable(t, NewECS(project(shape, k, ecs.Needs(ECSSignInLogs, []string{col})), nil, ECSOptions{}), ECSSignInLogs)
				if !event.Equal(got[0][col], want[0][col]) {
					t.Errorf("%s %s.%s: projected %v, full %v", shape, ECSSignInLogs, col, got[0][col], want[0][col])
				}
			}

			spl := NewSplunk(full, SplunkOptions{})
			for _, table := range []string{AzureMonitorAAD, O365GraphAPI} {
				want = scanTable(t, spl, table)
				for col := range want[0] {
					got := scanTable(t, NewSplunk(project(shape, k, spl.Needs(table, []string{col})), SplunkOptions{}), table)
					v, ok := got[0][col]
					if !ok {
						v = event.Null
					}
					if !event.Equal(v, want[0][col]) {
						t.Errorf("%s %s.%s: projected %v, full %v", shape, table, col, v, want[0][col])
					}
				}
			}
		}
	}
}
