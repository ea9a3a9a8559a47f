package schema

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/normalize"
	"vigil/internal/plan"
)

// exportRows reads Log Analytics export rows through the normalizer: JSON
// lines, or a CSV document (header first).
func exportRows(t *testing.T, jsonLines, csvText string) []event.Row {
	t.Helper()
	n := normalize.NewNormalizer()
	var out []event.Row
	add := func(isRow bool, err error, row event.Row) {
		if err != nil || !isRow {
			t.Fatalf("normalize: isRow=%v err=%v", isRow, err)
		}
		out = append(out, row)
	}
	for _, line := range strings.Split(strings.TrimSpace(jsonLines), "\n") {
		if line == "" {
			continue
		}
		var ev event.SignIn
		var row event.Row
		isRow, err := n.LogAnalytics([]byte(line), "", &ev, &row)
		add(isRow, err, row)
	}
	if csvText != "" {
		recs, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			var ev event.SignIn
			var row event.Row
			isRow, err := n.LogAnalyticsCSV(recs[0], rec, "", &ev, &row)
			add(isRow, err, row)
		}
	}
	return out
}

// TestIdentityInfoTypes: IdentityInfo columns have their documented types
// whether the export was JSON or CSV, and both read the same.
func TestIdentityInfoTypes(t *testing.T) {
	jsonRow := `{"TimeGenerated":"2024-05-02T08:00:00Z","AccountUPN":"Adele.Vance@contoso.example","Tags":"[]","GroupMembership":["All Staff","MFA Pilot"],"AssignedRoles":[],"UserType":"Member","IsAccountEnabled":true,"InvestigationPriority":3,"BlastRadius":"Low","Type":"IdentityInfo"}`
	csvDoc := "TimeGenerated [UTC],AccountUPN,Tags,GroupMembership,AssignedRoles,UserType,IsAccountEnabled,InvestigationPriority,BlastRadius,Type\n" +
		`"5/2/2024, 8:00:00.000 AM",Adele.Vance@contoso.example,[],"[""All Staff"",""MFA Pilot""]",[],Member,True,3,Low,IdentityInfo` + "\n"
	rows := exportRows(t, jsonRow, csvDoc)
	cat := New(nil, map[string][]event.Row{IdentityInfo: rows})
	got := scanAll(t, cat, IdentityInfo)
	if len(got) != 2 {
		t.Fatalf("%d rows, want 2", len(got))
	}
	want := map[string]event.Value{
		"TimeGenerated":         at("2024-05-02T08:00:00Z"),
		"AccountUPN":            str("Adele.Vance@contoso.example"),
		"Tags":                  str("[]"),
		"GroupMembership":       dyn(t, `["All Staff","MFA Pilot"]`),
		"AssignedRoles":         dyn(t, `[]`),
		"UserType":              str("Member"),
		"IsAccountEnabled":      event.Bool(true),
		"InvestigationPriority": event.Long(3),
		"BlastRadius":           str("Low"),
		"JobTitle":              str(""), // documented, not exported: ""
		"IsMFARegistered":       event.Null,
		"Type":                  str(IdentityInfo),
	}
	for i, name := range []string{"JSON", "CSV"} {
		m := rowMap(cat, IdentityInfo, got[i])
		for col, w := range want {
			if diff := cmp.Diff(w, m[col], valueCmp); diff != "" {
				t.Errorf("%s export: %s (-want +got):\n%s", name, col, diff)
			}
		}
	}
	if _, n := cat.Problems(); n != 0 {
		t.Errorf("%d conversion problems, want 0", n)
	}
}

func TestBehaviorAnalyticsTypes(t *testing.T) {
	rows := exportRows(t, `{"TimeGenerated":"2024-05-02T09:00:00Z","ActivityType":"FailedLogOn","SourceIPAddress":"203.0.113.50","UsersInsights":{},"DevicesInsights":{},"ActivityInsights":{"FirstTimeUserConnectedFromCountry":true},"InvestigationPriority":10,"Type":"BehaviorAnalytics"}`,
		"TimeGenerated [UTC],ActivityType,SourceIPAddress,ActivityInsights,InvestigationPriority,Type\n"+
			`"5/2/2024, 9:01:00.000 AM",LogOn,203.0.113.50,"{""FirstTimeUserConnectedFromCountry"": false}",9,BehaviorAnalytics`+"\n")
	cat := New(nil, map[string][]event.Row{BehaviorAnalytics: rows})
	var got [][]string
	for _, row := range scanAll(t, cat, BehaviorAnalytics) {
		m := rowMap(cat, BehaviorAnalytics, row)
		got = append(got, []string{m["TimeGenerated"].String(), m["ActivityType"].String(), m["InvestigationPriority"].String(), m["ActivityInsights"].String(), m["UsersInsights"].String()})
	}
	want := [][]string{
		{"datetime(2024-05-02T09:00:00Z)", `"FailedLogOn"`, "10", `dynamic({"FirstTimeUserConnectedFromCountry":true})`, "dynamic({})"},
		{"datetime(2024-05-02T09:01:00Z)", `"LogOn"`, "9", `dynamic({"FirstTimeUserConnectedFromCountry":false})`, "null"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestExtraColumnsOfKnownTables: a column the documented schema lacks is
// appended with a type inferred from its values.
func TestExtraColumnsOfKnownTables(t *testing.T) {
	rows := []event.Row{{Table: IdentityInfo, Cells: []event.Cell{
		cell("AccountUPN", `"a@x"`), cell("CustomScore", `7`), cell("CustomFlags", `{"vip":true}`),
	}}}
	cat := New(nil, map[string][]event.Row{IdentityInfo: rows})
	s, _ := cat.Columns(IdentityInfo)
	if got, want := s[len(s)-2:].String(), "(CustomScore:long, CustomFlags:dynamic)"; got != want {
		t.Errorf("added columns %s, want %s", got, want)
	}
	if s.Index("AccountUPN") != 11 || s[s.Index("InvestigationPriority")].Type != plan.TypeLong {
		t.Errorf("documented columns changed: %v", s)
	}
}

// TestInferredTypes: the columns of an unknown table take the type of
// their values.
func TestInferredTypes(t *testing.T) {
	row := func(cells ...event.Cell) event.Row { return event.Row{Table: "Watchlist", Cells: cells} }
	rows := []event.Row{
		row(cell("TimeGenerated", `"2024-05-02T08:00:00Z"`), cell("UPN", `"a@x"`), cell("Count", `1`), cell("Score", `1`),
			cell("Vip", `true`), cell("Groups", `["a"]`), cell("LastSeenTime", `"5/2/2024, 9:00:00.000 AM"`),
			cell("Mixed", `"x"`), cell("Note", `null`), cell("CreatedDateTime", `"soon"`), cell("Expiry", `"2024-05-02T08:00:00Z"`)),
		row(cell("TimeGenerated", `"2024-05-02T09:00:00Z"`), cell("UPN", `""`), cell("Count", `2`), cell("Score", `2.5`),
			cell("Vip", `false`), cell("Groups", `{"b":1}`), cell("LastSeenTime", `""`),
			cell("Mixed", `3`), cell("Note", `""`), cell("CreatedDateTime", `"2024-05-02T08:00:00Z"`), cell("Expiry", `"2024-05-03T08:00:00Z"`)),
	}
	cat := New(nil, map[string][]event.Row{"Watchlist": rows})
	s, _ := cat.Columns("Watchlist")
	want := "(TimeGenerated:datetime, UPN:string, Count:long, Score:real, Vip:bool, Groups:dynamic, LastSeenTime:datetime, Mixed:dynamic, Note:string, CreatedDateTime:string, Expiry:string, Type:string)"
	if s.String() != want {
		t.Errorf("schema\n got %s\nwant %s", s, want)
	}
	got := scanAll(t, cat, "Watchlist")
	m := rowMap(cat, "Watchlist", got[1])
	for col, w := range map[string]event.Value{
		"Score": event.Real(2.5), "Mixed": event.Long(3), "Note": str(""), "LastSeenTime": event.Null,
		"Type": str("Watchlist"), "UPN": str(""),
	} {
		if diff := cmp.Diff(w, m[col], valueCmp); diff != "" {
			t.Errorf("%s (-want +got):\n%s", col, diff)
		}
	}
	// CSV cells are strings: an unknown table keeps them so, but for times.
	csvRows := exportRows(t, "", "TimeGenerated [UTC],Key,Count,Enabled,Type\n\"5/2/2024, 9:00:00.000 AM\",k,10,True,HighValue\n")
	cat = New(nil, map[string][]event.Row{"HighValue": csvRows})
	s, _ = cat.Columns("HighValue")
	if got, want := s.String(), "(TimeGenerated:datetime, Key:string, Count:string, Enabled:string, Type:string)"; got != want {
		t.Errorf("CSV watchlist schema\n got %s\nwant %s", got, want)
	}
}

// TestConvert: the cell conversions by column type, from JSON values and
// from CSV text. A value that does not convert is null ("" for strings)
// and reported.
func TestConvert(t *testing.T) {
	tests := []struct {
		raw    string
		typ    plan.Type
		want   event.Value
		wantOK bool
	}{
		{`"x"`, plan.TypeString, str("x"), true},
		{`null`, plan.TypeString, str(""), true},
		{`12`, plan.TypeString, str("12"), true},
		{`{"a": 1}`, plan.TypeString, str(`{"a":1}`), true},
		{`true`, plan.TypeBool, event.Bool(true), true},
		{`"True"`, plan.TypeBool, event.Bool(true), true},
		{`"false"`, plan.TypeBool, event.Bool(false), true},
		{`1`, plan.TypeBool, event.Bool(true), true},
		{`"yes"`, plan.TypeBool, event.Null, false},
		{`""`, plan.TypeBool, event.Null, true},
		{`10`, plan.TypeLong, event.Long(10), true},
		{`"10"`, plan.TypeLong, event.Long(10), true},
		{`" 10 "`, plan.TypeLong, event.Long(10), true},
		{`10.0`, plan.TypeLong, event.Long(10), true},
		{`10.5`, plan.TypeLong, event.Null, false},
		{`"ten"`, plan.TypeLong, event.Null, false},
		{`"2.5"`, plan.TypeReal, event.Real(2.5), true},
		{`2`, plan.TypeReal, event.Real(2), true},
		{`"2024-05-02T09:00:00.1234567Z"`, plan.TypeDatetime, at("2024-05-02T09:00:00.1234567Z"), true},
		{`"5/2/2024, 9:00:00.000 AM"`, plan.TypeDatetime, at("2024-05-02T09:00:00Z"), true},
		{`"5/2/2024, 1:30:15.250 PM"`, plan.TypeDatetime, at("2024-05-02T13:30:15.25Z"), true},
		{`"2024-05-02 09:00:00"`, plan.TypeDatetime, at("2024-05-02T09:00:00Z"), true},
		{`"yesterday"`, plan.TypeDatetime, event.Null, false},
		{`12`, plan.TypeDatetime, event.Null, false},
		{`["a"]`, plan.TypeDynamic, dyn(t, `["a"]`), true},
		{`"[\"a\"]"`, plan.TypeDynamic, dyn(t, `["a"]`), true},
		{`"{}"`, plan.TypeDynamic, dyn(t, `{}`), true},
		{`"plain"`, plan.TypeDynamic, str("plain"), true},
		{`""`, plan.TypeDynamic, event.Null, true},
		{`7`, plan.TypeDynamic, event.Long(7), true},
		{`not json`, plan.TypeString, str("not json"), true},
	}
	for _, tt := range tests {
		got, ok := convert(tt.raw, tt.typ)
		if !event.Equal(got, tt.want) || ok != tt.wantOK {
			t.Errorf("convert(%s, %v) = %v, %v; want %v, %v", tt.raw, tt.typ, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestConversionProblems: cells that do not convert are null and counted.
func TestConversionProblems(t *testing.T) {
	rows := []event.Row{{Table: IdentityInfo, Origin: event.Origin{File: "ii.json", Line: 3, Record: 3},
		Cells: []event.Cell{cell("IsAccountEnabled", `"maybe"`), cell("InvestigationPriority", `"high"`), cell("AccountUPN", `"a@x"`)}}}
	cat := New(nil, map[string][]event.Row{IdentityInfo: rows})
	m := rowMap(cat, IdentityInfo, scanAll(t, cat, IdentityInfo)[0])
	if !m["IsAccountEnabled"].IsNull() || !m["InvestigationPriority"].IsNull() || m["AccountUPN"].Str() != "a@x" {
		t.Errorf("row %v", m)
	}
	list, n := cat.Problems()
	var got []string
	for _, p := range list {
		got = append(got, p.String())
	}
	want := []string{
		`ii.json:3 (record 3): table IdentityInfo, column IsAccountEnabled: cannot convert "maybe"`,
		`ii.json:3 (record 3): table IdentityInfo, column InvestigationPriority: cannot convert "high"`,
	}
	if diff := cmp.Diff(want, got); diff != "" || n != 2 {
		t.Errorf("problems (%d) (-want +got):\n%s", n, diff)
	}
}
