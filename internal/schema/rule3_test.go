package schema

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/query/kql"
	"vigil/internal/rule/sentinel"
	"vigil/rules"
)

// mfaRejected is the query of "MFA Rejected by User" v2.0.3 (SEMANTICS.md
// §D.3) as the built-in pack holds it, which must run unmodified on the
// views.
func mfaRejected(t *testing.T) string {
	t.Helper()
	data, err := rules.FS.ReadFile("sentinel/mfa-rejected-by-user.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, errs := sentinel.Load("mfa-rejected-by-user.yaml", data)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return r.Query
}

// TestMFARuleOnViews runs the rule on the fixture sign-in (the fraud code
// entered from 203.0.113.50 at 09:01:40) read from every shape, with UEBA
// rows in the hour summing to 25 for that IP, over the run's hour.
func TestMFARuleOnViews(t *testing.T) {
	ba := func(tg, ip string, prio int) event.Row {
		return event.Row{Table: BehaviorAnalytics, Cells: []event.Cell{
			cell("TimeGenerated", `"`+tg+`"`), cell("ActivityType", `"FailedLogOn"`),
			cell("SourceIPAddress", `"`+ip+`"`), cell("InvestigationPriority", itoa(prio))}}
	}
	tables := map[string][]event.Row{
		BehaviorAnalytics: {
			ba("2024-05-02T09:00:00Z", "203.0.113.50", 10),
			ba("2024-05-02T09:01:00Z", "203.0.113.50", 9),
			ba("2024-05-02T09:02:00Z", "203.0.113.50", 6),
			ba("2024-05-02T07:00:00Z", "203.0.113.50", 10), // outside the hour
		},
		IdentityInfo: {{Table: IdentityInfo, Cells: []event.Cell{
			cell("TimeGenerated", `"2024-05-02T09:30:00Z"`), cell("AccountUPN", `"Adele.Vance@contoso.example"`),
			cell("UserType", `"Member"`), cell("GroupMembership", `["All Staff"]`)}}},
	}
	type result struct {
		UPN, IP, Name, Suffix, UserType string
		Score                           int64
	}
	run := func(t *testing.T, evs []event.SignIn, from, to string) []result {
		t.Helper()
		cat := New(evs, tables).Window(at(from).Time(), at(to).Time())
		root, err := kql.Compile(mfaRejected(t), cat)
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		res, err := exec.Run(context.Background(), root, cat, exec.Options{Now: at(to).Time()})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		var out []result
		for _, row := range res.Rows {
			m := map[string]event.Value{}
			for i, c := range res.Columns {
				m[c.Name] = row[i]
			}
			out = append(out, result{m["UserPrincipalName"].Str(), m["IPAddress"].Str(), m["Name"].Str(),
				m["UPNSuffix"].Str(), m["UserType"].Text(), m["UEBARiskScore"].AsLong()})
		}
		return out
	}
	alert := []result{{"adele.vance@contoso.example", "203.0.113.50", "adele.vance", "contoso.example", `["Member"]`, 25}}
	for _, shape := range shapes {
		t.Run(shape, func(t *testing.T) {
			got := run(t, []event.SignIn{signInFrom(t, shape, interactiveKind)}, "2024-05-02T09:00:00Z", "2024-05-02T10:00:00Z")
			want := alert
			if shape == shapeECS {
				want = nil // Elastic dropped additionalDetails into message
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("non-interactive denial is not read", func(t *testing.T) {
		got := run(t, []event.SignIn{signInFrom(t, shapeAzmon, nonInteractiveKind)}, "2024-05-02T09:00:00Z", "2024-05-02T10:00:00Z")
		if len(got) != 0 {
			t.Errorf("got %v, want nothing (TN6)", got)
		}
	})
	t.Run("UEBA rows outside the window do not count", func(t *testing.T) {
		got := run(t, []event.SignIn{signInFrom(t, shapeAzmon, interactiveKind)}, "2024-05-02T09:01:30Z", "2024-05-02T10:01:30Z")
		if len(got) != 0 {
			t.Errorf("got %v, want nothing: only priority 0 left in the window", got)
		}
	})
}

func itoa(n int) string { return string(event.Long(int64(n)).AppendText(nil)) }
