package kuery

import (
	"context"
	"slices"
	"testing"
	"time"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
)

// docs is a small ECS-like table: one column per type the views use.
func docs(t *testing.T) *exec.MemTable {
	t.Helper()
	js := func(s string) event.Value {
		v, err := event.ParseJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	at := func(s string) event.Value {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return event.Datetime(tm)
	}
	s, b, n, r := event.String, event.Bool, event.Long, event.Real
	null := event.Null
	return &exec.MemTable{
		Columns: plan.Schema{
			{Name: "id", Type: plan.TypeLong},
			{Name: "user_type", Type: plan.TypeString},
			{Name: "is_interactive", Type: plan.TypeBool},
			{Name: "error_code", Type: plan.TypeLong},
			{Name: "lat", Type: plan.TypeReal},
			{Name: "@timestamp", Type: plan.TypeDatetime},
			{Name: "event.category", Type: plan.TypeDynamic},
			{Name: "policies", Type: plan.TypeDynamic},
			{Name: "upn", Type: plan.TypeString},
		},
		Rows: [][]event.Value{
			{n(0), s("Member"), b(false), n(0), r(1.5), at("2024-05-01T10:30:00.1239Z"), js(`["authentication","iam"]`), js(`[{"result":"failure","id":"p1"},{"result":"success","id":"p2"}]`), s("alice@contoso.com")},
			{n(1), s("member"), b(true), n(50126), r(-2), at("2024-05-02T00:00:00Z"), js(`["info"]`), js(`{"result":"notApplied"}`), s("Alice@Contoso.com")},
			{n(2), s(""), null, null, null, null, js(`[]`), null, s("bob*@contoso.com")},
			{n(3), null, null, null, null, null, null, null, null},
		},
	}
}

// run returns the ids of the rows the query matches.
func run(t *testing.T, src string) ([]int64, error) {
	t.Helper()
	tab := docs(t)
	cat := exec.MemCatalog{"T": tab}
	tables := plan.Tables{"T": tab.Columns}
	f, err := Compile(src, &plan.Scan{Table: "T", Fill: plan.FillNull}, tables)
	if err != nil {
		return nil, err
	}
	res, err := exec.Run(context.Background(), f, cat, exec.Options{Now: time.Now()})
	if err != nil {
		t.Fatalf("%s: run: %v", src, err)
	}
	ids := []int64{}
	for _, row := range res.Rows {
		ids = append(ids, row[0].AsLong())
	}
	return ids, nil
}

// TestSemantics is SEMANTICS.md §C.2, row by row, over the docs table.
func TestSemantics(t *testing.T) {
	tests := []struct {
		name, query string
		want        []int64
	}{
		{"keyword: exact", `user_type: Member`, []int64{0}},
		{"keyword: case-sensitive", `user_type: "member"`, []int64{1}},
		{"keyword: quoted and unquoted alike", `user_type: "Member"`, []int64{0}},
		{"keyword: empty string is a value", `user_type: ""`, []int64{2}},
		{"keyword: no partial match", `user_type: Mem`, []int64{}},
		{"wildcard: *", `upn: alice*`, []int64{0}},
		{"wildcard: case-sensitive", `upn: Alice@*`, []int64{1}},
		{"wildcard: ?", `user_type: ?ember`, []int64{0, 1}},
		{"wildcard: escaped star is literal", `upn: bob\*@*`, []int64{2}},
		{"quoted star is literal", `upn: "bob*@contoso.com"`, []int64{2}},
		{"quoted star does not wildcard", `upn: "alice*"`, []int64{}},
		{"boolean false", `is_interactive: false`, []int64{0}},
		{"boolean true", `is_interactive: true`, []int64{1}},
		{"boolean string coerced", `is_interactive: "false"`, []int64{0}},
		{"number", `error_code: 50126`, []int64{1}},
		{"number zero", `error_code: 0`, []int64{0}},
		{"real", `lat: 1.5`, []int64{0}},
		{"number as quoted text", `error_code: "50126"`, []int64{1}},
		{"date equality is an inclusive range: the day", `@timestamp: 2024-05-01`, []int64{0}},
		{"date equality to the millisecond", `@timestamp: "2024-05-01T10:30:00.123Z"`, []int64{0}},
		{"date other millisecond", `@timestamp: "2024-05-01T10:30:00.124Z"`, []int64{}},
		{"array: any element", `event.category: authentication`, []int64{0}},
		{"array: other element", `event.category: iam`, []int64{0}},
		{"array of objects by path", `policies.result: failure`, []int64{0}},
		{"object by path", `policies.result: notApplied`, []int64{1}},
		{"path: any element", `policies.id: p2`, []int64{0}},
		{"exists", `user_type: *`, []int64{0, 1, 2}},
		{"exists: empty array does not exist", `event.category: *`, []int64{0, 1}},
		{"exists: path", `policies.id: *`, []int64{0}},
		{"not: missing field passes", `not user_type: Member`, []int64{1, 2, 3}},
		{"not: missing bool passes", `not is_interactive: true`, []int64{0, 2, 3}},
		{"unknown field matches nothing", `no.such.field: x`, []int64{}},
		{"not unknown field matches everything", `not no.such.field: x`, []int64{0, 1, 2, 3}},
		{"unknown field does not exist", `no.such.field: *`, []int64{}},
		{"value list", `user_type: (Member or member)`, []int64{0, 1}},
		{"value list with not", `user_type: (not Member)`, []int64{1, 2, 3}},
		{"value list with and", `event.category: (authentication and iam)`, []int64{0}},
		{"not value list", `not user_type: (Member or "")`, []int64{1, 3}},
		{"and", `user_type: Member and is_interactive: false`, []int64{0}},
		{"or", `user_type: Member or is_interactive: true`, []int64{0, 1}},
		{"precedence: and before or", `user_type: member or user_type: Member and is_interactive: true`, []int64{1}},
		{"parentheses override", `(user_type: member or user_type: Member) and is_interactive: false`, []int64{0}},
		{"precedence: not before and", `not user_type: Member and upn: *`, []int64{1, 2}},
		{"range number >", `error_code > 0`, []int64{1}},
		{"range number <=", `error_code <= 0`, []int64{0}},
		{"range missing never matches", `not error_code >= 0`, []int64{2, 3}},
		{"range date >= start of day", `@timestamp >= 2024-05-02`, []int64{1}},
		{"range date > end of day", `@timestamp > 2024-05-01`, []int64{1}},
		{"range date <= end of day", `@timestamp <= 2024-05-01`, []int64{0}},
		{"range date < start of day", `@timestamp < 2024-05-02`, []int64{0}},
		{"range keyword by bytes", `user_type < N`, []int64{0, 2}},
		{"range real", `lat < 0`, []int64{1}},
		{"nested prefixes fields", `policies: { result: failure and id: p1 }`, []int64{0}},
		{"empty query matches everything", ``, []int64{0, 1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := run(t, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: rows %v, want %v", tc.query, got, tc.want)
			}
		})
	}
}

func TestLowerErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`is_interactive: yes`, `1:17: kuery: field 'is_interactive' is boolean: "yes" is not true or false`},
		{`error_code: abc`, `1:13: kuery: field 'error_code' is numeric: "abc" is not a number`},
		{`error_code > abc`, `1:14: kuery: field 'error_code' is numeric: "abc" is not a number`},
		{`@timestamp: "yesterday"`, `1:13: kuery: field '@timestamp' is a date: "yesterday" is not a date`},
		{`@timestamp > now-5m`, `1:14: kuery: not supported yet: date math in "now-5m"`},
		{`error_code: 5*`, `1:13: kuery: not supported yet: wildcard value on long field 'error_code'`},
		{`Member`, `1:1: kuery: not supported yet: a value without a field (searching the default fields)`},
		{`a:1 and user_*: Member`, `1:9: kuery: not supported yet: wildcards in field names`},
	}
	for _, tc := range tests {
		_, err := run(t, tc.in)
		if err == nil {
			t.Errorf("%s: no error, want %q", tc.in, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.in, err.Error(), tc.want)
		}
	}
}

func TestLowerPlan(t *testing.T) {
	tab := docs(t)
	f, err := Compile(`user_type: Member and not upn: a* and error_code >= 1 and policies.id: *`, &plan.Scan{Table: "T", Fill: plan.FillNull}, plan.Tables{"T": tab.Columns})
	if err != nil {
		t.Fatal(err)
	}
	want := `(((kuery.match(user_type, "Member") and not(kuery.wildcard(upn, "a*"))) and kuery.range(error_code, ">=", "1")) and kuery.exists(kuery.path(policies, "id")))`
	if got := f.Pred.String(); got != want {
		t.Errorf("predicate\n got %s\nwant %s", got, want)
	}
}
