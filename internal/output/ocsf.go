package output

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"

	"vigil/internal/alert"
	"vigil/internal/event"
	"vigil/internal/rule"
)

// OCSFVersion is the version of the OCSF schema the findings follow
// (metadata.version).
const OCSFVersion = "1.8.0"

// The OCSF class of every finding: Detection Finding, activity Create.
const (
	ocsfCategoryUID = 2    // Findings
	ocsfClassUID    = 2004 // Detection Finding
	ocsfActivityID  = 1    // Create
	ocsfTypeUID     = ocsfClassUID*100 + ocsfActivityID
)

// WriteOCSF writes each alert as an OCSF Detection Finding ([AppendOCSF])
// on a line of its own, in the order given.
func WriteOCSF(w io.Writer, alerts []*alert.Alert, opts Options) error {
	bw := bufio.NewWriter(w)
	var buf []byte
	for _, a := range alerts {
		buf = append(AppendOCSF(buf[:0], a, opts.Version), '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// SeverityID returns the OCSF severity_id and its caption for an alert
// severity: informational 1, low 2, medium 3, high 4, critical 5; 0
// (Unknown) for none or unknown, 99 (Other) for anything else.
func SeverityID(severity string) (int, string) {
	if severity == "" {
		return 0, "Unknown"
	}
	switch s, _ := rule.ParseSeverity(severity); s {
	case rule.SeverityInformational:
		return 1, "Informational"
	case rule.SeverityLow:
		return 2, "Low"
	case rule.SeverityMedium:
		return 3, "Medium"
	case rule.SeverityHigh:
		return 4, "High"
	case rule.SeverityCritical:
		return 5, "Critical"
	}
	if strings.EqualFold(severity, "unknown") {
		return 0, "Unknown"
	}
	return 99, severity
}

// AppendOCSF appends the alert as one OCSF Detection Finding JSON object
// (class_uid 2004, activity Create, status New). version is vigil's own
// version, for metadata.product.version. The mapping:
//
//   - finding_info: uid the alert id, title the rule name, desc the message,
//     analytic the rule (uid, name, type Rule), created_time the alert time,
//     first_seen_time and last_seen_time its span, attacks one per MITRE
//     technique id (technique.uid; a sub-technique such as T1078.004 also
//     as sub_technique.uid), related_events_count the evidence count;
//   - time the alert time, start_time and end_time its span (epoch
//     milliseconds); severity_id from the severity; risk_score when set;
//   - resources: one per entity that is not an IP (users and service
//     principals as Target, others as Related); observables: users as User
//     Name (4), IPs as IP Address (2), the rest as Other (99) with the
//     entity type;
//   - unmapped: the alert's own JSON object (AppendJSON).
func AppendOCSF(dst []byte, a *alert.Alert, version string) []byte {
	sevID, sev := SeverityID(a.Severity)
	dst = append(dst, `{"activity_id":1,"activity_name":"Create","category_uid":2,"category_name":"Findings","class_uid":2004,"class_name":"Detection Finding","type_uid":`...)
	dst = strconv.AppendInt(dst, ocsfTypeUID, 10)
	dst = append(dst, `,"type_name":"Detection Finding: Create","severity_id":`...)
	dst = strconv.AppendInt(dst, int64(sevID), 10)
	dst = append(dst, `,"severity":`...)
	dst = quote(dst, sev)
	dst = append(dst, `,"status_id":1,"status":"New","is_alert":true,"time":`...)
	dst = appendMillis(dst, a.Time)
	dst = appendTimeMember(dst, "start_time", a.FirstSeen)
	dst = appendTimeMember(dst, "end_time", a.LastSeen)
	dst = append(dst, `,"message":`...)
	if a.Message != "" {
		dst = quote(dst, a.Message)
	} else {
		dst = quote(dst, a.RuleName)
	}
	if a.RiskScore > 0 {
		dst = append(dst, `,"risk_score":`...)
		dst = strconv.AppendInt(dst, int64(a.RiskScore), 10)
	}
	dst = append(dst, `,"metadata":{"version":`...)
	dst = quote(dst, OCSFVersion)
	dst = append(dst, `,"product":{"name":"vigil","vendor_name":"vigil"`...)
	if version != "" {
		dst = append(dst, `,"version":`...)
		dst = quote(dst, version)
	}
	dst = append(dst, `}},"finding_info":{"uid":`...)
	dst = quote(dst, a.ID)
	dst = append(dst, `,"title":`...)
	dst = quote(dst, a.RuleName)
	if a.Message != "" {
		dst = append(dst, `,"desc":`...)
		dst = quote(dst, a.Message)
	}
	dst = append(dst, `,"analytic":{"uid":`...)
	dst = quote(dst, a.RuleID)
	dst = append(dst, `,"name":`...)
	dst = quote(dst, a.RuleName)
	dst = append(dst, `,"type_id":1,"type":"Rule"}`...)
	dst = appendTimeMember(dst, "created_time", a.Time)
	dst = appendTimeMember(dst, "first_seen_time", a.FirstSeen)
	dst = appendTimeMember(dst, "last_seen_time", a.LastSeen)
	if len(a.MITRE) > 0 {
		dst = append(dst, `,"attacks":[`...)
		for i, id := range a.MITRE {
			if i > 0 {
				dst = append(dst, ',')
			}
			technique, _, sub := strings.Cut(id, ".")
			dst = append(dst, `{"technique":{"uid":`...)
			dst = quote(dst, technique)
			dst = append(dst, '}')
			if sub {
				dst = append(dst, `,"sub_technique":{"uid":`...)
				dst = quote(dst, id)
				dst = append(dst, '}')
			}
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if n := len(a.Evidence) + a.Truncated; n > 0 {
		dst = append(dst, `,"related_events_count":`...)
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	dst = append(dst, '}')

	// resources first, so that observables can point into them.
	resourceOf := make([]int, len(a.Entities))
	n := 0
	for i, e := range a.Entities {
		resourceOf[i] = -1
		if e.Type == "ip" {
			continue
		}
		if n == 0 {
			dst = append(dst, `,"resources":[`...)
		} else {
			dst = append(dst, ',')
		}
		resourceOf[i] = n
		n++
		dst = append(dst, `{"name":`...)
		dst = quote(dst, e.Value)
		dst = append(dst, `,"type":`...)
		dst = quote(dst, e.Type)
		if e.Type == "user" || e.Type == "service_principal" {
			dst = append(dst, `,"role_id":1,"role":"Target"}`...)
		} else {
			dst = append(dst, `,"role_id":4,"role":"Related"}`...)
		}
	}
	if n > 0 {
		dst = append(dst, ']')
	}
	if len(a.Entities) > 0 {
		dst = append(dst, `,"observables":[`...)
		for i, e := range a.Entities {
			if i > 0 {
				dst = append(dst, ',')
			}
			name := "unmapped.entities[" + strconv.Itoa(i) + "].value"
			if r := resourceOf[i]; r >= 0 {
				name = "resources[" + strconv.Itoa(r) + "].name"
			}
			dst = append(dst, `{"name":`...)
			dst = quote(dst, name)
			switch e.Type {
			case "user":
				dst = append(dst, `,"type_id":4,"type":"User Name"`...)
			case "ip":
				dst = append(dst, `,"type_id":2,"type":"IP Address"`...)
			default:
				dst = append(dst, `,"type_id":99,"type":`...)
				dst = quote(dst, e.Type)
			}
			dst = append(dst, `,"value":`...)
			dst = quote(dst, e.Value)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"unmapped":`...)
	dst = a.AppendJSON(dst)
	return append(dst, '}')
}

// appendTimeMember appends ,"name":millis unless t is zero.
func appendTimeMember(dst []byte, name string, t time.Time) []byte {
	if t.IsZero() {
		return dst
	}
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendMillis(dst, t)
}

// appendMillis appends t as OCSF's timestamp_t: milliseconds since the
// Unix epoch. A zero time (an alert always has one) is written as 0.
func appendMillis(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, '0')
	}
	return strconv.AppendInt(dst, t.UnixMilli(), 10)
}

func quote(dst []byte, s string) []byte { return event.String(s).AppendJSON(dst) }
