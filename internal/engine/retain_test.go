package engine

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/rule"
)

// TestRetentionChains states which sign-ins a rule keeps, from the
// row-local part of its plan: filters and computed columns over a scan
// decide; anything that reads the run's time, or that only the data can
// resolve, keeps every sign-in of the tables read.
func TestRetentionChains(t *testing.T) {
	// Sign-ins of several result types, one of another category.
	record := func(category string, code int, upn string) string {
		return fmt.Sprintf(`{"time": "2024-05-02T09:10:00Z", "category": %q, "operationName": "Sign-in activity", "resultType": "%d", "properties": {"id": "%s-%d", "createdDateTime": "2024-05-02T09:10:00Z", "userPrincipalName": %q, "ipAddress": "203.0.113.10", "status": {"errorCode": %d}}}`,
			category, code, upn, code, upn, code)
	}
	data := readLines(t,
		record("SignInLogs", 0, "alice@contoso.com"),
		record("SignInLogs", 50126, "bob@contoso.com"),
		record("SignInLogs", 500121, "Alice@Contoso.com"),
		record("NonInteractiveUserSignInLogs", 50126, "carol@contoso.com"),
	)
	kql := func(q string) *rule.Rule {
		return &rule.Rule{ID: "r", File: "r.yaml", Format: rule.FormatSentinel, Language: "kql", Query: q, Sentinel: &rule.Sentinel{}}
	}
	tests := []struct {
		name string
		rule *rule.Rule
		want []int // the sign-ins kept, by position
	}{
		{"a filter", kql(`SigninLogs | where ResultType == 50126`), []int{1}},
		{"a computed column, then a filter on it",
			kql(`SigninLogs | extend u = tolower(UserPrincipalName) | where u == "alice@contoso.com"`), []int{0, 2}},
		{"filters under an aggregation",
			kql(`SigninLogs | where ResultType != 0 | summarize count() by UserPrincipalName`), []int{1, 2}},
		{"a union reads two tables",
			kql(`union SigninLogs, AADNonInteractiveUserSignInLogs | where ResultType == 50126`), []int{1, 3}},
		{"each side of a join keeps its own",
			kql(`SigninLogs | where ResultType == 0 | join kind=inner (SigninLogs | where ResultType == 500121) on IPAddress`), []int{0, 2}},
		{"a filter above an aggregation decides nothing",
			kql(`SigninLogs | summarize n = count() by ResultType | where n > 5`), []int{0, 1, 2}},
		{"a filter on the run's time stops the chain",
			kql(`SigninLogs | where TimeGenerated > ago(1d) | where ResultType == 50126`), []int{0, 1, 2}},
		{"a table only the data brings keeps everything",
			kql(`SigninLogs | join kind=inner (MyWatchlist) on UserPrincipalName`), []int{0, 1, 2, 3}},
		{"a table with no sign-ins keeps none",
			kql(`IdentityInfo | where AccountUPN != ""`), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := &RuleSet{Rules: []*LoadedRule{{File: "r.yaml", Rule: tc.rule}}}
			m := NewRetention(set, HuntOptions{}).Matcher()
			var got []int
			for i := range data.Events {
				mask := make([]uint64, 1)
				if m.Match(&data.Events[i], mask) != (mask[0] == 1) {
					t.Errorf("sign-in %d: Match and its mask %b disagree", i, mask[0])
				}
				if mask[0] == 1 {
					got = append(got, i)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
		})
	}
}
