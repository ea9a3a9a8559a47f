package alert

import (
	"testing"
	"time"

	"vigil/internal/event"
)

func TestAppendJSON(t *testing.T) {
	at := time.Date(2024, 5, 2, 10, 5, 0, 0, time.UTC)
	a := &Alert{
		ID: MakeID("r1", "2024-05-02T10:00:00Z"), RuleID: "r1", RuleName: "Denials", RuleFormat: "sentinel",
		Severity: "medium", RiskScore: 47, MITRE: []string{"T1078.004"},
		Time: at, FirstSeen: at.Add(-time.Hour), LastSeen: at.Add(-time.Minute),
		Rows:    []Row{{{Name: "UserPrincipalName", Value: event.String("alice@contoso.example")}, {Name: "Count", Value: event.Long(2)}}},
		Details: []Field{{Name: "Attempts", Value: event.Array(event.Long(2))}},
	}
	a.AddEntity(Entity{Type: "user", Value: "alice@contoso.example", Identifiers: []Field{{Name: "FullName", Value: event.String("alice@contoso.example")}}})
	a.AddEntity(Entity{Type: "user", Value: "alice@contoso.example"}) // a duplicate is dropped
	a.AddEntity(Entity{Type: "ip", Value: "203.0.113.5"})
	for i := range MaxEvidence + 2 {
		a.AddEvidence(event.Origin{File: "x.json", Line: i + 1, Record: i + 1})
	}
	a.Evidence = a.Evidence[:1] // keep the golden line short; the count stays
	want := `{"id":"` + a.ID + `","rule_id":"r1","rule_name":"Denials","rule_format":"sentinel","severity":"medium","risk_score":47,"mitre":["T1078.004"],` +
		`"time":"2024-05-02T10:05:00Z","first_seen":"2024-05-02T09:05:00Z","last_seen":"2024-05-02T10:04:00Z",` +
		`"entities":[{"type":"user","value":"alice@contoso.example","identifiers":{"FullName":"alice@contoso.example"}},{"type":"ip","value":"203.0.113.5"}],` +
		`"rows":[{"UserPrincipalName":"alice@contoso.example","Count":2}],"details":{"Attempts":[2]},` +
		`"evidence":[{"file":"x.json","line":1,"record":1}],"evidence_truncated":2}`
	if got := string(a.AppendJSON(nil)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestMakeIDIsStableAndUnambiguous(t *testing.T) {
	if MakeID("a", "bc") == MakeID("ab", "c") {
		t.Error("ids of different parts collide")
	}
	if MakeID("r1", "x") != MakeID("r1", "x") || len(MakeID("r1")) != 32 {
		t.Error("ids are not stable 32-digit hex")
	}
}

func TestSort(t *testing.T) {
	t0 := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)
	alerts := []*Alert{{ID: "b", RuleID: "r2", Time: t0}, {ID: "c", RuleID: "r1", Time: t0.Add(time.Hour)}, {ID: "a", RuleID: "r1", Time: t0}}
	Sort(alerts)
	got := alerts[0].ID + alerts[1].ID + alerts[2].ID
	if got != "abc" {
		t.Errorf("order %s, want abc", got)
	}
}
