package schema

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/normalize"
	"vigil/internal/plan"
)

// TestNamesAgreeWithNormalize: the views and the Log Analytics reader of
// package normalize (the reverse mapping) agree on every column name — a
// column a view fills from a canonical field is read back into that field,
// and a column read from unknown members is kept as one under its name.
func TestNamesAgreeWithNormalize(t *testing.T) {
	special := map[string]event.Field{
		"TimeGenerated":     event.FRecordTime,
		"ResultType":        event.FResultType,
		"UserType":          event.FUserType,
		"Category":          event.FCategory,
		"CorrelationId":     event.FCorrelationID,
		"Location":          event.FRecordLocation,
		"ResultDescription": event.FResultDescription,
		"OperationName":     event.FOperationName,
	}
	n := normalize.NewNormalizer()
	for _, table := range []string{SigninLogs, AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs} {
		for _, col := range signInTables[table].schema {
			if col.Name == "Type" {
				continue
			}
			src := sources[col.Name]
			var want event.Field
			sample := `"x"`
			switch {
			case src.extra != nil:
				want = event.NumFields // an unknown member
			case src.group != nil:
				want = src.group.kids[0].field
				sample = `{"` + src.group.kids[0].key + `":` + sampleOf(want) + `}`
			case src.special != nil:
				want = special[col.Name]
				sample = sampleOf(want)
				if col.Name == "Category" {
					sample = `"SignInLogs"`
				}
			default:
				want = src.field
				sample = sampleOf(want)
				if col.Name == "ResourceId" {
					// normalize tells the record's path from a GUID
					sample = `"/tenants/t/providers/Microsoft.aadiam"`
				}
			}
			data := `{"Type":"` + table + `","` + col.Name + `":` + sample + `}`
			var ev event.SignIn
			var row event.Row
			if _, err := n.LogAnalytics([]byte(data), "", &ev, &row); err != nil {
				t.Errorf("%s: %v", data, err)
				continue
			}
			if len(n.Problems()) > 0 {
				t.Errorf("%s: %v", data, n.Problems())
			}
			if want == event.NumFields {
				if len(ev.Extra) != 1 || ev.Extra[0].Name != col.Name {
					t.Errorf("%s.%s: normalize keeps %v, want the unknown member %s", table, col.Name, ev.Extra, col.Name)
				}
				continue
			}
			if !ev.Has(want) {
				t.Errorf("%s.%s: normalize does not fill %s from it (unknown members %v)", table, col.Name, want, ev.Extra)
			}
		}
	}
}

// sampleOf returns a JSON value a Log Analytics column of field f holds.
func sampleOf(f event.Field) string {
	switch f.Info().Type {
	case event.FInt:
		return `"1"`
	case event.FReal:
		return `1.5`
	case event.FBool:
		return `true`
	case event.FTime:
		return `"2024-05-02T09:00:00Z"`
	case event.FJSON:
		return `"[]"`
	}
	return `"x"`
}

// TestRoundTrip: a view row written as a Log Analytics JSON export and read
// back through normalize gives the same view row.
func TestRoundTrip(t *testing.T) {
	for _, k := range []kind{interactiveKind, nonInteractiveKind} {
		ev := signInFrom(t, shapeAzmon, k)
		cat := New([]event.SignIn{ev}, nil)
		row := scanAll(t, cat, k.table)[0]
		schema, _ := cat.Columns(k.table)

		var b strings.Builder
		b.WriteByte('{')
		for i, c := range schema {
			if row[i].IsNull() {
				continue
			}
			if b.Len() > 1 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(c.Name))
			b.WriteByte(':')
			b.Write(row[i].AppendJSON(nil))
		}
		b.WriteByte('}')

		n := normalize.NewNormalizer()
		var back event.SignIn
		var r event.Row
		if isRow, err := n.LogAnalytics([]byte(b.String()), "", &back, &r); err != nil || isRow {
			t.Fatalf("%s: isRow=%v err=%v", b.String(), isRow, err)
		}
		if ps := n.Problems(); len(ps) > 0 {
			t.Errorf("problems reading %s back: %v", k.table, ps)
		}
		again := scanAll(t, New([]event.SignIn{back}, nil), k.table)[0]
		if diff := cmp.Diff(row, again, valueCmp); diff != "" {
			t.Errorf("%s round trip (-view +again):\n%s", k.table, diff)
		}
	}
}

// TestEverySchemaColumnHasAType guards the compact column lists.
func TestEverySchemaColumnHasAType(t *testing.T) {
	cat := New(nil, nil)
	for _, name := range cat.TableNames() {
		s, _ := cat.Columns(name)
		seen := map[string]bool{}
		for _, c := range s {
			if c.Type == plan.TypeUnknown || seen[c.Name] {
				t.Errorf("%s.%s: type %v, duplicate %v", name, c.Name, c.Type, seen[c.Name])
			}
			seen[c.Name] = true
		}
		if s[len(s)-1].Name != "Type" {
			t.Errorf("%s: Type is not the last column", name)
		}
	}
}
