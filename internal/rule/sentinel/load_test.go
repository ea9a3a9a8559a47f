package sentinel

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/diag"
	"vigil/internal/rule"
)

const good = `id: 0b6f8e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b
name: Test rule
description: |
  Finds things.
severity: Medium
requiredDataConnectors:
  - connectorId: AzureActiveDirectory
    dataTypes:
      - SigninLogs
queryFrequency: 1h
queryPeriod: 2h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - InitialAccess
relevantTechniques:
  - T1078.004
query: |
  SigninLogs
  | where ResultType == 500121
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: UserPrincipalName
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: IPAddress
eventGroupingSettings:
  aggregationKind: AlertPerResult
customDetails:
  Attempts: Count
version: 1.0.1
kind: Scheduled
`

func TestLoad(t *testing.T) {
	r, errs := Load("r.yaml", []byte(good))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := &rule.Rule{
		ID: "0b6f8e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b", Name: "Test rule", Description: "Finds things.", Version: "1.0.1",
		Format: rule.FormatSentinel, Severity: rule.SeverityMedium, Tactics: []string{"InitialAccess"}, Techniques: []string{"T1078.004"},
		File: "r.yaml", Language: "kql", Query: "SigninLogs\n| where ResultType == 500121\n",
		Sentinel: &rule.Sentinel{
			Kind: "Scheduled", QueryFrequency: time.Hour, QueryPeriod: 2 * time.Hour, TriggerOperator: rule.OpGreaterThan,
			AlertPerResult: true,
			Entities: []rule.EntityMapping{
				{Type: "Account", Fields: []rule.FieldMapping{{Identifier: "FullName", Column: "UserPrincipalName"}}},
				{Type: "IP", Fields: []rule.FieldMapping{{Identifier: "Address", Column: "IPAddress"}}},
			},
			CustomDetails: []rule.Detail{{Name: "Attempts", Column: "Count"}},
		},
	}
	if diff := cmp.Diff(want, r, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Mapper" }, cmp.Ignore())); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
	// Query positions map into the file: line 2 col 3 of the query is the
	// 'where' on line 20 of the file, after two spaces of indentation.
	if got := r.Mapper(diag.Pos{Line: 2, Col: 3}); got != (diag.Pos{Line: 20, Col: 5}) {
		t.Errorf("query 2:3 maps to %v, want 20:5", got)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, edit, with string
		want             []string
	}{
		{"bad duration", "queryFrequency: 1h", "queryFrequency: 1 hour", []string{`r.yaml:10:17: sentinel: queryFrequency: invalid duration "1 hour": unknown unit " hour" (want s, m, h or d)`}},
		{"period shorter than frequency", "queryPeriod: 2h", "queryPeriod: 30m", []string{"r.yaml:11:14: sentinel: queryPeriod 30m0s is shorter than queryFrequency 1h0m0s"}},
		{"bad operator", "triggerOperator: gt", "triggerOperator: bigger", []string{`r.yaml:12:18: sentinel: triggerOperator: unknown operator "bigger" (want gt, lt, eq or ne)`}},
		{"bad threshold", "triggerThreshold: 0", "triggerThreshold: lots", []string{`r.yaml:13:19: sentinel: triggerThreshold: want a whole number, got "lots"`}},
		{"bad severity", "severity: Medium", "severity: Urgent", []string{`r.yaml:5:11: sentinel: severity: unknown severity "Urgent" (want Informational, Low, Medium or High)`}},
		{"misspelt field", "queryPeriod: 2h", "queryPeriods: 2h", []string{`r.yaml:11:1: sentinel: unknown field "queryPeriods"`, `r.yaml: sentinel: missing required field "queryPeriod"`}},
		{"missing query and name", "name: Test rule", "", []string{`r.yaml: sentinel: missing required field "name"`}},
		{"unsupported kind", "kind: Scheduled", "kind: Fusion", []string{`r.yaml:35:7: sentinel: kind: not supported yet: "Fusion" rules (Scheduled and NRT are)`}},
		{"bad grouping", "aggregationKind: AlertPerResult", "aggregationKind: Sometimes", []string{`r.yaml:31:20: sentinel: eventGroupingSettings.aggregationKind: want SingleAlert or AlertPerResult, got "Sometimes"`}},
		{"entity without columns", "        columnName: IPAddress\n", "", []string{"r.yaml:28:9: sentinel: fieldMappings: an entry needs identifier and columnName"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(good, tt.edit, tt.with, 1)
			if src == good {
				t.Fatal("edit did not apply")
			}
			_, errs := Load("r.yaml", []byte(src))
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadNotARule(t *testing.T) {
	for in, want := range map[string]string{
		"":            "r.yaml: sentinel: empty rule file",
		"- a\n- b\n":  "r.yaml:1:1: sentinel: want a mapping of rule fields, got a list",
		"id: [1, 2\n": "r.yaml:1:5: yaml:",
	} {
		_, errs := Load("r.yaml", []byte(in))
		if len(errs) == 0 || !strings.HasPrefix(errs[0].Error(), want) {
			t.Errorf("Load(%q) = %v, want %q…", in, errs, want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("id: x\nquery: 'T | take 1'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, errs := Load("r.yaml", data)
		for _, e := range errs {
			if e.File != "r.yaml" {
				t.Fatalf("error without its file: %v", e)
			}
		}
		if r != nil && r.Mapper != nil {
			r.Mapper(diag.Pos{Line: 1, Col: 1})
		}
	})
}
