// Package alert holds the alerts a hunt raises, whatever the rule format:
// the rule they came from, severity, risk, MITRE techniques, time span,
// entities, the result rows and the origins of the events behind them, and
// their JSON lines form (the `vigil hunt --output` format).
package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"

	"vigil/internal/event"
)

// Entity is something an alert is about.
type Entity struct {
	// Type is one of user, ip, app, tenant, device, service_principal, or
	// the vendor's entity type in lower case for others.
	Type  string
	Value string
	// Identifiers are the vendor's identifiers of the entity as the rule
	// mapped them (Sentinel: FullName, Name, UPNSuffix, AadUserId, …).
	Identifiers []Field
}

// Field is a name and value, kept in order.
type Field struct {
	Name  string
	Value event.Value
}

// Row is one result row of the rule's query, columns in order.
type Row []Field

// Alert is one alert.
type Alert struct {
	ID         string // deterministic: the same rule over the same data gives the same ids
	RuleID     string
	RuleName   string
	RuleFormat string // sentinel, elastic, splunk
	Severity   string
	RiskScore  int      // 0 when the rule has none
	MITRE      []string // technique ids
	Time       time.Time
	FirstSeen  time.Time
	LastSeen   time.Time
	Entities   []Entity
	Rows       []Row
	// Evidence are the origins of events behind the alert, at most
	// MaxEvidence of them.
	Evidence []event.Origin
	// Truncated counts evidence origins left out.
	Truncated int
	// Details are the rule's custom details (name → values), in order.
	Details []Field
	// Message is the alert's message with the rule's template filled in
	// (Splunk risk messages: "User $user$ …" → "User alice@… …"); "" when
	// the rule has none.
	Message string
	// Risks are the risk events behind the alert (Splunk risk-based
	// alerting: one per risk object and value of a result row).
	Risks []Risk
}

// Risk is one risk event: an object (a user, a system) given a score.
type Risk struct {
	Object     string // the object's value ("alice@contoso.com")
	ObjectType string // user, system, other
	Field      string // the result field it was taken from
	Score      int
}

// MaxEvidence bounds the origins an alert carries.
const MaxEvidence = 50

// MakeID returns a deterministic alert id from the parts that identify it.
func MakeID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// AddEntity adds e unless an entity of the same type and value is there.
func (a *Alert) AddEntity(e Entity) {
	for _, x := range a.Entities {
		if x.Type == e.Type && x.Value == e.Value {
			return
		}
	}
	a.Entities = append(a.Entities, e)
}

// AddEvidence adds an origin, keeping at most MaxEvidence.
func (a *Alert) AddEvidence(o event.Origin) {
	if len(a.Evidence) >= MaxEvidence {
		a.Truncated++
		return
	}
	a.Evidence = append(a.Evidence, o)
}

// Sort orders alerts by time, then rule id, then id: the order of a hunt's
// output, whatever the order rules ran in.
func Sort(alerts []*Alert) {
	sort.SliceStable(alerts, func(i, j int) bool {
		a, b := alerts[i], alerts[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.ID < b.ID
	})
}

// AppendJSON appends the alert as one JSON object (the JSON lines format of
// `vigil hunt --output`).
func (a *Alert) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"id":`...)
	dst = quote(dst, a.ID)
	dst = append(dst, `,"rule_id":`...)
	dst = quote(dst, a.RuleID)
	dst = append(dst, `,"rule_name":`...)
	dst = quote(dst, a.RuleName)
	dst = append(dst, `,"rule_format":`...)
	dst = quote(dst, a.RuleFormat)
	dst = append(dst, `,"severity":`...)
	dst = quote(dst, a.Severity)
	if a.RiskScore > 0 {
		dst = append(dst, `,"risk_score":`...)
		dst = strconv.AppendInt(dst, int64(a.RiskScore), 10)
	}
	if a.Message != "" {
		dst = append(dst, `,"message":`...)
		dst = quote(dst, a.Message)
	}
	if len(a.Risks) > 0 {
		dst = append(dst, `,"risks":[`...)
		for i, r := range a.Risks {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"object":`...)
			dst = quote(dst, r.Object)
			dst = append(dst, `,"object_type":`...)
			dst = quote(dst, r.ObjectType)
			dst = append(dst, `,"field":`...)
			dst = quote(dst, r.Field)
			dst = append(dst, `,"score":`...)
			dst = strconv.AppendInt(dst, int64(r.Score), 10)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"mitre":[`...)
	for i, m := range a.MITRE {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = quote(dst, m)
	}
	dst = append(dst, `],"time":`...)
	dst = timeJSON(dst, a.Time)
	dst = append(dst, `,"first_seen":`...)
	dst = timeJSON(dst, a.FirstSeen)
	dst = append(dst, `,"last_seen":`...)
	dst = timeJSON(dst, a.LastSeen)
	dst = append(dst, `,"entities":[`...)
	for i, e := range a.Entities {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"type":`...)
		dst = quote(dst, e.Type)
		dst = append(dst, `,"value":`...)
		dst = quote(dst, e.Value)
		if len(e.Identifiers) > 0 {
			dst = append(dst, `,"identifiers":`...)
			dst = fieldsJSON(dst, e.Identifiers)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `],"rows":[`...)
	for i, r := range a.Rows {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = fieldsJSON(dst, r)
	}
	dst = append(dst, ']')
	if len(a.Details) > 0 {
		dst = append(dst, `,"details":`...)
		dst = fieldsJSON(dst, a.Details)
	}
	dst = append(dst, `,"evidence":[`...)
	for i, o := range a.Evidence {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"file":`...)
		dst = quote(dst, o.File)
		if o.Line > 0 {
			dst = append(dst, `,"line":`...)
			dst = strconv.AppendInt(dst, int64(o.Line), 10)
		}
		dst = append(dst, `,"record":`...)
		dst = strconv.AppendInt(dst, int64(o.Record), 10)
		dst = append(dst, '}')
	}
	dst = append(dst, ']')
	if a.Truncated > 0 {
		dst = append(dst, `,"evidence_truncated":`...)
		dst = strconv.AppendInt(dst, int64(a.Truncated), 10)
	}
	return append(dst, '}')
}

func fieldsJSON(dst []byte, fs []Field) []byte {
	dst = append(dst, '{')
	for i, f := range fs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = quote(dst, f.Name)
		dst = append(dst, ':')
		dst = f.Value.AppendJSON(dst)
	}
	return append(dst, '}')
}

func timeJSON(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

func quote(dst []byte, s string) []byte { return event.String(s).AppendJSON(dst) }

// EntityType maps a vendor entity type to an alert entity type.
func EntityType(vendor string) string {
	switch strings.ToLower(vendor) {
	case "account":
		return "user"
	case "ip":
		return "ip"
	case "cloudapplication":
		return "app"
	case "host":
		return "device"
	case "azureresource":
		return "azure_resource"
	}
	return strings.ToLower(vendor)
}
