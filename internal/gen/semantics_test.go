package gen

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vigil/internal/engine"
	"vigil/internal/event"
	"vigil/internal/input"
)

// These tests enact the five detections of SEMANTICS.md §D in a few lines
// each over generated data, so that the labels are checked now, before every
// rule runs in vigil: after the history windows, each rule would fire on the
// labelled sign-ins and on nothing else, and never on a near-miss.

// The app ids rules 4 and 5 pass over (SEMANTICS.md §D.4, §D.5).
var (
	excl4 = strings.Fields(`1b3c667f-cde3-4090-b60b-3d2abd0117f0 26a7ee05-5602-4d76-a7ba-eae8b7b67941 4b0964e4-58f1-47f4-a552-e2e1fc56dcd7 ecd6b820-32c2-49b6-98a6-444530e5a77a 268761a2-03f3-40df-8a8b-c3db24145b6b fc0f3af4-6835-4174-b806-f7db311fd2f3 de50c81f-5f80-4771-b66b-cebd28ccdfc1 ab9b8c07-8f02-4f72-87fa-80105867a763 6f7e0f60-9401-4f5b-98e2-cf15bd5fd5e3 d7b530a4-7680-4c23-a8bf-c52c121d2e87 52c2e0b5-c7b6-4d11-a89c-21e42bcec444 38aa3b87-a06d-4817-b275-7a316988d93b 27922004-5251-4030-b22d-91ecd9a37ea4 9ba1a5c7-f17a-4de9-a1f1-6178c8d51223 cab96880-db5b-4e15-90a7-f3f1d62ffe39 3a4d129e-7f50-4e0d-a7fd-033add0a29f4 29d9ed98-a469-4536-ade2-f981bc1d605e c0ab8ce9-e9a0-42e7-b064-33d422df41f1 9ea1ad79-fdb6-4f9a-8bc3-2b70f96e34c7 4813382a-8fa7-425e-ab75-3b753aab3abb 08e18876-6177-487e-b8b5-cf950c1e598c 0ec893e0-5785-4de6-99da-4ed124e5296c d3590ed6-52b3-4102-aeff-aad2292ab01c 0dc2408a-bbc0-4238-871e-13b372f0200f af124e86-4e96-495a-b70a-90f90ab96707 e9c51622-460d-4d3d-952d-966a5b1da34c f44b1140-bc5e-48c6-8dc0-5cf5a53c0e34 e2ef5054-0287-4db6-afa3-013d96881fd3`)
	excl5 = strings.Fields(`29d9ed98-a469-4536-ade2-f981bc1d605e d5a56ea4-7369-46b8-a538-c370805301bf 80faf920-1908-4b52-b5ef-a8e7bedfc67a 97877f11-0fc6-4aee-b1ff-febb0519dd00 245e1dee-74ef-4257-a8c8-8208296e1dfd 9ba1a5c7-f17a-4de9-a1f1-6178c8d51223 74bcdadc-2fdc-4bb3-8459-76d06952a0e9 4813382a-8fa7-425e-ab75-3b753aab3abb a850aaae-d5a5-4e82-877c-ce54ff916282`)
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func readDir(t *testing.T, dir string) *engine.Data {
	t.Helper()
	files, err := input.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	data, err := engine.Read(files, engine.ReadOptions{}, nil)
	if err != nil || data.Problems > 0 {
		t.Fatalf("reading %s: %v, %d problems", dir, err, data.Problems)
	}
	return data
}

// expect splits the labels of rule into sign-ins it must fire on and
// sign-ins it must not.
func expect(labels []Label, rule string) (fire, not map[string]bool) {
	fire, not = map[string]bool{}, map[string]bool{}
	for _, l := range labels {
		switch {
		case l.Rule == rule:
			fire[l.ID] = true
		case l.NearMissOf == rule:
			not[l.ID] = true
		}
	}
	return fire, not
}

// check compares the sign-ins a rule hits (by id) with its labels. Hits
// before from are the rules' warm-up and are not checked.
func check(t *testing.T, rule string, labels []Label, hits map[string]time.Time, from time.Time) {
	t.Helper()
	fire, not := expect(labels, rule)
	for id := range fire {
		if _, ok := hits[id]; !ok {
			t.Errorf("rule %s: labelled sign-in %s does not fire", rule, id)
		}
	}
	for id, at := range hits {
		switch {
		case not[id]:
			t.Errorf("rule %s fires on near-miss %s", rule, id)
		case !fire[id] && !at.Before(from):
			t.Errorf("rule %s fires on unlabelled sign-in %s at %s", rule, id, at)
		}
	}
}

func str(ev *event.SignIn, f event.Field) string { s, _ := ev.Str(f); return s }

// TestScenariosAzureMonitor enacts rules 1, 2 (65004 by user, IP, app,
// reason) and 3 (a declined or fraud-reported MFA prompt in SigninLogs from
// an IP whose UEBA logon rows sum above 20 in the run's hour).
func TestScenariosAzureMonitor(t *testing.T) {
	for _, seed := range []uint64{11, 21} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { azureMonitorScenarios(t, seed) })
	}
}

func azureMonitorScenarios(t *testing.T, seed uint64) {
	dir, sum := generate(t, ShapeAzureMonitor, seed, 21, false)
	data := readDir(t, dir)
	consent := map[string]time.Time{}
	type key struct {
		ip   string
		hour int64
	}
	denied := map[string]key{}
	for i := range data.Events {
		ev := &data.Events[i]
		code, _ := ev.Int(event.FStatusErrorCode)
		at, _ := ev.Time(event.FRecordTime)
		switch {
		case code == 65004:
			consent[str(ev, event.FID)] = at
		case code == 500121 && ev.Category == event.CategorySignIn:
			d := str(ev, event.FStatusAdditionalDetails)
			if strings.EqualFold(d, mfaDeclined) || strings.Contains(strings.ToLower(d), "fraud") {
				denied[str(ev, event.FID)] = key{str(ev, event.FIPAddress), at.Unix() / 3600}
			}
		}
	}
	check(t, RuleConsentDeniedAzure, sum.Labels, consent, time.Time{})
	check(t, RuleConsentDeniedO365, sum.Labels, consent, time.Time{})

	priority := map[key]int{}
	for _, r := range data.Tables["BehaviorAnalytics"] {
		var row struct {
			TimeGenerated         time.Time
			ActivityType          string
			SourceIPAddress       string
			InvestigationPriority int
		}
		m := map[string]json.RawMessage{}
		for _, c := range r.Cells {
			m[c.Name] = json.RawMessage(c.Raw)
		}
		b, _ := json.Marshal(m)
		if err := json.Unmarshal(b, &row); err != nil {
			t.Fatal(err)
		}
		if row.ActivityType == "LogOn" || row.ActivityType == "FailedLogOn" {
			priority[key{row.SourceIPAddress, row.TimeGenerated.Unix() / 3600}] += row.InvestigationPriority
		}
	}
	mfa := map[string]time.Time{}
	for id, k := range denied {
		if priority[k] > 20 {
			mfa[id] = time.Unix(k.hour*3600, 0)
		}
	}
	check(t, RuleMFARejected, sum.Labels, mfa, time.Time{})
}

// TestScenariosElastic enacts the new_terms rules 4 (user and app new in
// 14 days among non-interactive Member sign-ins, not in a browser, not from
// Microsoft's AS, app not excluded) and 5 (user new in 7 days among
// successful device-code sign-ins), on the ingest time as Elastic does.
func TestScenariosElastic(t *testing.T) {
	for _, seed := range []uint64{12, 22} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { elasticScenarios(t, seed) })
	}
}

func elasticScenarios(t *testing.T, seed uint64) {
	dir, sum := generate(t, ShapeElastic, seed, 21, false)
	data := readDir(t, dir)
	from := testStart.AddDate(0, 0, HistoryDays)
	newTerms := func(q func(ev *event.SignIn) (string, bool), history time.Duration) map[string]time.Time {
		last := map[string]time.Time{}
		hits := map[string]time.Time{}
		// Sign-ins come in file order; ingest times are close to it but
		// not sorted: sort by ingest time first.
		idx := make([]int, len(data.Events))
		for i := range idx {
			idx[i] = i
		}
		at := func(i int) time.Time { t, _ := data.Events[i].Time(event.FIngestTime); return t }
		slices.SortStableFunc(idx, func(a, b int) int { return at(a).Compare(at(b)) })
		for _, i := range idx {
			ev := &data.Events[i]
			k, ok := q(ev)
			if !ok {
				continue
			}
			ts := at(i)
			if prev, ok := last[k]; !ok || ts.Sub(prev) > history {
				hits[str(ev, event.FID)] = ts
			}
			last[k] = ts
		}
		return hits
	}
	rule4 := newTerms(func(ev *event.SignIn) (string, bool) {
		inter, _ := ev.Bool(event.FIsInteractive)
		asn, _ := ev.Int(event.FAutonomousSystemNumber)
		app := str(ev, event.FAppID)
		ok := ev.Has(event.FIsInteractive) && !inter && str(ev, event.FUserType) == "Member" &&
			str(ev, event.FClientAppUsed) != "Browser" && asn != 8075 && app != "" && !contains(excl4, app)
		return str(ev, event.FUserPrincipalName) + " " + app, ok
	}, 14*24*time.Hour)
	rule5 := newTerms(func(ev *event.SignIn) (string, bool) {
		code, _ := ev.Int(event.FStatusErrorCode)
		dc := str(ev, event.FAuthenticationProtocol) == "deviceCode" || str(ev, event.FOriginalTransferMethod) == "deviceCodeFlow"
		ok := dc && code == 0 && ev.Has(event.FUserType) && !contains(excl5, str(ev, event.FAppID))
		return str(ev, event.FUserPrincipalName), ok
	}, 7*24*time.Hour)
	check(t, RuleUnusualClient, sum.Labels, rule4, from)
	check(t, RuleDeviceCodeNewUser, sum.Labels, rule5, from)
}
