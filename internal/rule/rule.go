// Package rule holds the rule model shared by every rule format: Rule is a
// plain struct that a loader (rule/sentinel, and later rule/elastic,
// rule/splunk) fills from a vendor's rule file, keeping the vendor's own id,
// metadata, schedule and entity mappings next to the query text. Loaders
// parse queries with the language front-ends; lowering a query into a plan
// needs the schemas of the data, so it happens when a hunt knows them.
package rule

import (
	"fmt"
	"strings"
	"time"

	"vigil/internal/diag"
)

// Format is the vendor format a rule was written in.
type Format uint8

// The rule formats.
const (
	FormatSentinel Format = iota + 1
	FormatElastic
	FormatSplunk
)

var formatNames = [...]string{"", "sentinel", "elastic", "splunk"}

func (f Format) String() string { return formatNames[f] }

// Severity is a rule's severity.
type Severity uint8

// The severities, in increasing order.
const (
	SeverityUnknown Severity = iota
	SeverityInformational
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"unknown", "informational", "low", "medium", "high", "critical"}

func (s Severity) String() string { return severityNames[s] }

// ParseSeverity reads a severity, ignoring case ("Medium", "medium").
func ParseSeverity(s string) (Severity, bool) {
	for i, n := range severityNames[1:] {
		if strings.EqualFold(n, s) {
			return Severity(i + 1), true
		}
	}
	return SeverityUnknown, false
}

// Rule is one detection rule.
type Rule struct {
	ID          string // the vendor's own id (a GUID for Sentinel and Elastic)
	Name        string
	Description string
	Version     string
	Format      Format
	Severity    Severity
	RiskScore   int      // 0–100; 0 when the format has none
	Tactics     []string // MITRE ATT&CK tactic names
	Techniques  []string // MITRE ATT&CK technique ids (T1078.004)
	File        string   // the file it was loaded from ("builtin:…" for the built-in pack)

	// Query is the rule's query text in Language; Mapper maps positions
	// in it to positions in File.
	Language string
	Query    string
	Mapper   diag.Mapper

	// Sentinel holds what only Sentinel rules have; nil for other formats.
	Sentinel *Sentinel
	// Elastic holds what only Elastic rules have; nil for other formats.
	Elastic *Elastic
	// Splunk holds what only Splunk ESCU detections have; nil for other
	// formats.
	Splunk *Splunk
}

// Sentinel is the schedule, trigger, grouping and entity mapping of a
// Microsoft Sentinel analytic rule.
type Sentinel struct {
	Kind             string        // Scheduled or NRT
	QueryFrequency   time.Duration // how often it runs
	QueryPeriod      time.Duration // how far back each run looks
	TriggerOperator  Operator
	TriggerThreshold int
	AlertPerResult   bool // eventGroupingSettings.aggregationKind: AlertPerResult
	Entities         []EntityMapping
	CustomDetails    []Detail // custom detail name → column, in file order
}

// Operator compares a run's result count with the trigger threshold.
type Operator uint8

// The trigger operators.
const (
	OpGreaterThan Operator = iota + 1
	OpLessThan
	OpEqual
	OpNotEqual
)

// ParseOperator reads a trigger operator as rule files write it: gt, lt,
// eq, ne, or the ARM names GreaterThan, LessThan, Equal, NotEqual.
func ParseOperator(s string) (Operator, bool) {
	switch strings.ToLower(s) {
	case "gt", "greaterthan":
		return OpGreaterThan, true
	case "lt", "lessthan":
		return OpLessThan, true
	case "eq", "equal":
		return OpEqual, true
	case "ne", "notequal":
		return OpNotEqual, true
	}
	return 0, false
}

// Fires reports whether count satisfies the trigger.
func (o Operator) Fires(count, threshold int) bool {
	switch o {
	case OpGreaterThan:
		return count > threshold
	case OpLessThan:
		return count < threshold
	case OpEqual:
		return count == threshold
	case OpNotEqual:
		return count != threshold
	}
	return false
}

func (o Operator) String() string {
	return [...]string{"", "gt", "lt", "eq", "ne"}[o]
}

// EntityMapping maps result columns to the identifiers of one Sentinel
// entity (Account, IP, Host, …).
type EntityMapping struct {
	Type   string         // entityType: Account, IP, Host, CloudApplication, AzureResource, …
	Fields []FieldMapping // identifier → column
}

// FieldMapping maps one entity identifier to a result column.
type FieldMapping struct {
	Identifier string // FullName, Name, UPNSuffix, AadUserId, Address, …
	Column     string
}

// Detail is a custom detail: a name shown with the alert and the column it
// is taken from.
type Detail struct {
	Name, Column string
}

// ParseDuration reads a schedule duration as Sentinel rule files write it:
// "5m", "1h", "14d" (also "1d12h"), or ISO 8601 as ARM templates do ("PT1H",
// "P14D", "P1DT12H").
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	if strings.HasPrefix(s, "P") || strings.HasPrefix(s, "p") {
		return parseISODuration(orig)
	}
	var total time.Duration
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("invalid duration %q (want a number and a unit: 5m, 1h, 14d)", orig)
		}
		var n int64
		fmt.Sscan(s[:i], &n)
		unit := time.Duration(0)
		j := i
		for j < len(s) && (s[j] < '0' || s[j] > '9') {
			j++
		}
		switch s[i:j] {
		case "s":
			unit = time.Second
		case "m":
			unit = time.Minute
		case "h":
			unit = time.Hour
		case "d":
			unit = 24 * time.Hour
		default:
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q (want s, m, h or d)", orig, s[i:j])
		}
		total += time.Duration(n) * unit
		s = s[j:]
	}
	return total, nil
}

func parseISODuration(orig string) (time.Duration, error) {
	s := strings.ToUpper(orig[1:])
	var total time.Duration
	inTime := false
	for s != "" {
		if s[0] == 'T' {
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("invalid ISO 8601 duration %q", orig)
		}
		var n int64
		fmt.Sscan(s[:i], &n)
		var unit time.Duration
		switch {
		case s[i] == 'D' && !inTime:
			unit = 24 * time.Hour
		case s[i] == 'W' && !inTime:
			unit = 7 * 24 * time.Hour
		case s[i] == 'H' && inTime:
			unit = time.Hour
		case s[i] == 'M' && inTime:
			unit = time.Minute
		case s[i] == 'S' && inTime:
			unit = time.Second
		default:
			return 0, fmt.Errorf("invalid ISO 8601 duration %q", orig)
		}
		total += time.Duration(n) * unit
		s = s[i+1:]
	}
	if total == 0 {
		return 0, fmt.Errorf("invalid ISO 8601 duration %q", orig)
	}
	return total, nil
}

// Elastic is the schedule and rule type of an Elastic detection rule
// (elastic/detection-rules TOML). Times relative to a run ("now-9m",
// "now-14d") are kept as durations back from the run's time.
type Elastic struct {
	Type     ElasticType
	Index    []string      // index patterns ("logs-azure.signinlogs-*", "filebeat-*")
	From     time.Duration // how far back each run looks: 9m for from = "now-9m"
	Interval time.Duration // how often it runs; 5m when the file does not say
	// MaxSignals bounds the alerts of one run; 100 when the file does not say.
	MaxSignals int
	// TimestampOverride is the field that places documents in a run's
	// window ("event.ingested"), with @timestamp as the fallback for
	// documents that lack it; "" means @timestamp.
	TimestampOverride string

	// NewTerms are the fields whose value tuples must be new (type
	// new_terms, one to three), and HistoryWindow how far back from a run
	// the history starts (14d for history_window_start = "now-14d").
	NewTerms      []string
	HistoryWindow time.Duration

	// Threshold is the grouping and count of a threshold rule; nil for
	// other types.
	Threshold *Threshold

	Note                string   // the investigation guide (Markdown)
	InvestigationFields []string // fields an analyst looks at first
}

// ElasticType is the type of an Elastic rule.
type ElasticType uint8

// The Elastic rule types vigil runs.
const (
	ElasticQuery ElasticType = iota + 1
	ElasticNewTerms
	ElasticThreshold
)

var elasticTypeNames = [...]string{"", "query", "new_terms", "threshold"}

// String returns the type as rule files write it: query, new_terms,
// threshold.
func (t ElasticType) String() string {
	if int(t) < len(elasticTypeNames) {
		return elasticTypeNames[t]
	}
	return fmt.Sprintf("elastictype(%d)", int(t))
}

// Threshold is the aggregation of an Elastic threshold rule: documents are
// grouped by Fields (none: all documents form one group), and a group
// whose count reaches Value raises an alert; with CardinalityField set, the
// group must also hold at least CardinalityValue distinct values of that
// field.
type Threshold struct {
	Fields           []string
	Value            int
	CardinalityField string
	CardinalityValue int
}

// Splunk is what a Splunk ESCU detection (splunk/security_content YAML)
// holds besides the common fields: its metadata, schedule and risk-based
// alerting. Rule.Query is the search (before macro expansion) and
// Rule.RiskScore the highest risk object score.
type Splunk struct {
	Type                string // TTP, Anomaly, Hunting, Correlation, …
	Status              string // production, experimental, deprecated, …
	Date                string
	Author              string
	DataSources         []string
	HowToImplement      string
	KnownFalsePositives string
	References          []string
	Drilldowns          []Drilldown

	// The schedule: a cron expression and the window of each run, as
	// Splunk relative times (earliest inclusive, latest exclusive). The
	// files do not carry them; the loader sets ESCU's defaults for the
	// detection's type (0 * * * *, -70m@m, -10m@m).
	Cron         string
	EarliestTime string
	LatestTime   string

	// RiskMessage is the risk message template ("User $user$ …").
	RiskMessage   string
	RiskObjects   []RiskObject
	ThreatObjects []ThreatObject

	AnalyticStories []string
	AssetType       string
	Products        []string
	SecurityDomain  string
	Tests           []SplunkTest
}

// Drilldown is a search an analyst runs next from a finding.
type Drilldown struct {
	Name, Search, EarliestOffset, LatestOffset string
}

// RiskObject is a result field whose value receives risk: each result row
// gives one risk event per risk object, scored Score.
type RiskObject struct {
	Field string // the result field ("user")
	Type  string // user, system, other
	Score int
}

// ThreatObject is a result field naming something the threat used (an IP
// address, a domain, a file hash).
type ThreatObject struct {
	Field string
	Type  string // ip_address, domain, url, …
}

// SplunkTest is one test of a detection: the attack data it runs over.
type SplunkTest struct {
	Name       string
	AttackData []AttackData
}

// AttackData is one data set of a test.
type AttackData struct {
	Data, Source, Sourcetype string
}
