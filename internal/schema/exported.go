package schema

import (
	"fmt"
	"unicode/utf8"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// The enrichment tables of Microsoft Sentinel UEBA.
const (
	IdentityInfo      = "IdentityInfo"
	BehaviorAnalytics = "BehaviorAnalytics"
)

// knownTables are the documented columns of the exported tables vigil
// knows (Log Analytics table reference, 2024; Kusto int is long). Hidden
// billing columns are left out; an export that carries them, or any other
// column, gets it added with an inferred type.
var knownTables = map[string]plan.Schema{
	IdentityInfo:      parseColumns("TenantId SourceSystem TimeGenerated:datetime AccountCloudSID AccountCreationTime:datetime AccountDisplayName AccountDomain AccountName AccountObjectId AccountSID AccountTenantId AccountUPN AdditionalMailAddresses:dynamic Applications AssignedRoles:dynamic BlastRadius ChangeSource City CompanyName Country DeletedDateTime:datetime Department EmployeeId EntityRiskScore:dynamic ExtensionProperty:dynamic GivenName GroupMembership:dynamic InvestigationPriority:long InvestigationPriorityPercentile:long IsAccountEnabled:bool IsMFARegistered:bool IsServiceAccount:bool JobTitle LastSeenDate:datetime MailAddress Manager OnPremisesDistinguishedName OnPremisesExtensionAttributes Phone RelatedAccounts:dynamic RiskLevel RiskLevelDetails RiskState SAMAccountName ServicePrincipals:dynamic State StreetAddress Surname Tags UACFlags UserAccountControl:dynamic UserState UserStateChangedOn:datetime UserType Type"),
	BehaviorAnalytics: parseColumns("TenantId SourceSystem TimeGenerated:datetime ActionType ActivityInsights:dynamic ActivityType ActorName ActorPrincipalName DestinationDevice DestinationIPAddress DestinationIPLocation Device DevicesInsights:dynamic EventProductVersion EventSource EventVendor InvestigationPriority:long NativeTableName SourceDevice SourceIPAddress SourceIPLocation SourceRecordId TargetName TargetPrincipalName TimeProcessed:datetime UserName UserPrincipalName UsersInsights:dynamic Type"),
}

// Problem is a cell of an exported table whose value did not convert to its
// column's type. The cell reads as null (or "" in a string column).
type Problem struct {
	Table  string
	Column string
	Origin event.Origin
	Raw    string // the cell's JSON text, clipped
}

// String describes the problem: where the cell came from, its table and
// column, and its value.
func (p Problem) String() string {
	return fmt.Sprintf("%s: table %s, column %s: cannot convert %s", p.Origin, p.Table, p.Column, p.Raw)
}

// maxProblems bounds the problems a Catalog keeps; all are counted.
const maxProblems = 100

// rowTable is an exported table converted to Values: the rows in
// TimeGenerated order (ties in input order), those without one last.
type rowTable struct {
	schema plan.Schema
	rows   [][]event.Value
	times  []int64 // TimeGenerated of rows[:len(times)]
}

// newRowTable types and converts the rows of one exported table. Rows keep
// the column named "Type" as the table name when they do not carry it.
func newRowTable(name string, rows []event.Row, probs *problems) *rowTable {
	base := knownTables[name]
	schema := append(plan.Schema(nil), base...)
	// Columns the schema does not know, in order of first appearance.
	var unknown []*inference
	seen := map[string]*inference{}
	for _, c := range schema {
		seen[c.Name] = nil
	}
	for i := range rows {
		for _, c := range rows[i].Cells {
			if c.Name == "" {
				continue // no query can name it
			}
			in, ok := seen[c.Name]
			if !ok {
				in = newInference(c.Name)
				seen[c.Name] = in
				unknown = append(unknown, in)
			}
			if in != nil {
				in.add(c.Raw)
			}
		}
	}
	for _, in := range unknown {
		schema = append(schema, plan.Column{Name: in.name, Type: in.infer()})
	}
	if schema.Index("Type") < 0 {
		schema = append(schema, plan.Column{Name: "Type", Type: plan.TypeString})
	}
	t := &rowTable{schema: schema}
	typeCol := schema.Index("Type")
	timeCol := schema.Index("TimeGenerated")
	if timeCol >= 0 && schema[timeCol].Type != plan.TypeDatetime {
		timeCol = -1 // a TimeGenerated that is not a time: no row is in a window
	}
	index := make(map[string]int, len(schema))
	for j, c := range schema {
		index[c.Name] = j
	}
	var timed, untimed []entry
	converted := make([][]event.Value, len(rows))
	for i := range rows {
		row := make([]event.Value, len(schema))
		for j, c := range schema {
			row[j] = missing(c.Type)
		}
		row[typeCol] = event.String(name)
		for _, c := range rows[i].Cells {
			j, ok := index[c.Name]
			if !ok {
				continue
			}
			v, ok := convert(c.Raw, schema[j].Type)
			if !ok {
				probs.add(Problem{Table: name, Column: c.Name, Origin: rows[i].Origin, Raw: clip(c.Raw)})
			}
			row[j] = v
		}
		converted[i] = row
		if timeCol >= 0 && row[timeCol].Kind() == event.KindDatetime {
			timed = append(timed, entry{time: row[timeCol].AsLong(), idx: i})
		} else {
			untimed = append(untimed, entry{idx: i})
		}
	}
	sortEntries(timed)
	for _, e := range timed {
		t.rows = append(t.rows, converted[e.idx])
		t.times = append(t.times, e.time)
	}
	for _, e := range untimed {
		t.rows = append(t.rows, converted[e.idx])
	}
	return t
}

// clip shortens a cell's text for a Problem, on a rune boundary.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// problems collects conversion problems, keeping the first maxProblems.
type problems struct {
	list  []Problem
	count int
}

func (p *problems) add(pr Problem) {
	p.count++
	if len(p.list) < maxProblems {
		p.list = append(p.list, pr)
	}
}
