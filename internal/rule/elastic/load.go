// Package elastic loads Elastic detection rules in the TOML format of the
// elastic/detection-rules repository ([metadata], [rule], [[rule.threat]],
// [rule.new_terms], [rule.threshold], …) into rule.Rule, with the Elastic
// specifics in rule.Elastic.
//
// Rule types query, new_terms and threshold with language kuery load;
// other types (eql, esql, machine_learning, threat_match) and languages
// (lucene) load as "not supported yet" diagnostics. All problems of a file
// are reported, each at its line:col in the file; positions inside the
// query are mapped back into the file by the rule's Mapper.
package elastic

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"vigil/internal/diag"
	"vigil/internal/rule"
)

// Defaults of the detection engine for prebuilt rules that do not say.
const (
	DefaultInterval   = 5 * time.Minute
	DefaultMaxSignals = 100
)

// ruleKeys are the members of [rule] in the detection-rules schema. Members
// vigil does not use (author, license, references, tags, …) are accepted
// and ignored; unknown members are reported, since a misspelt
// history_window_start would otherwise silently change what the rule does.
var ruleKeys = map[string]bool{
	"author": true, "description": true, "from": true, "to": true, "index": true, "language": true,
	"license": true, "name": true, "note": true, "references": true, "risk_score": true, "rule_id": true,
	"setup": true, "severity": true, "tags": true, "timestamp_override": true, "timestamp_override_fallback_disabled": true,
	"type": true, "query": true, "threat": true, "new_terms": true, "threshold": true, "interval": true,
	"max_signals": true, "investigation_fields": true, "false_positives": true, "version": true,
	"building_block_type": true, "rule_name_override": true, "risk_score_mapping": true, "severity_mapping": true,
	"required_fields": true, "related_integrations": true, "exceptions_list": true, "filters": true,
	"alert_suppression": true, "enabled": true, "meta": true, "output_index": true, "throttle": true,
	"timeline_id": true, "timeline_title": true, "actions": true, "machine_learning_job_id": true,
	"anomaly_threshold": true, "concurrent_searches": true, "items_per_search": true, "threat_index": true,
	"threat_query": true, "threat_mapping": true, "threat_language": true, "threat_indicator_path": true,
	"threat_filters": true, "event_category_override": true, "tiebreaker_field": true, "data_view_id": true,
	"namespace": true, "immutable": true, "author_type": true, "response_actions": true,
}

// notSupportedTypes are the rule types of the format vigil does not run yet.
var notSupportedTypes = map[string]string{
	"eql":              "eql rules",
	"esql":             "esql rules",
	"machine_learning": "machine_learning rules",
	"threat_match":     "threat_match rules",
	"saved_query":      "saved_query rules",
}

// loader collects the diagnostics of one file.
type loader struct {
	file string
	keys *keyIndex
	errs diag.List
}

func (l *loader) errorf(pos diag.Pos, format string, args ...any) {
	l.errs.Add(diag.Errorf(l.file, pos, "elastic", format, args...))
}

// at is the position of the first occurrence of a key path.
func (l *loader) at(path string) diag.Pos { return l.keys.pos(path, 0) }

// Load reads one rule file. It returns the rule and every problem found; the
// rule is nil when the file is not usable at all (not TOML, no [rule]).
func Load(file string, data []byte) (*rule.Rule, diag.List) {
	l := &loader{file: file, keys: scanKeys(string(data))}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		l.errs.Add(tomlError(file, err))
		return nil, l.errs
	}
	for k := range doc {
		switch k {
		case "metadata", "rule", "transform":
		default:
			l.errorf(l.at(k), "unknown table [%s]", k)
		}
	}
	body, ok := doc["rule"].(map[string]any)
	if !ok {
		if doc["rule"] == nil {
			l.errorf(diag.Pos{}, "missing [rule] table")
		} else {
			l.errorf(l.at("rule"), "rule: want a table, got %s", kindOf(doc["rule"]))
		}
		return nil, l.errs
	}
	for _, k := range sortedKeys(body) {
		if !ruleKeys[k] {
			l.errorf(l.at("rule."+k), "unknown field rule.%s", k)
		}
	}
	r := &rule.Rule{File: file, Format: rule.FormatElastic, Elastic: &rule.Elastic{}}
	e := r.Elastic
	r.ID = l.str(body, "rule_id", true)
	r.Name = l.str(body, "name", true)
	r.Description = strings.TrimSpace(l.str(body, "description", false))
	if v, ok := body["version"]; ok {
		r.Version = fmt.Sprint(v)
	}
	if md, ok := doc["metadata"].(map[string]any); ok && r.Version == "" {
		if d, ok := md["updated_date"].(string); ok {
			r.Version = d
		}
	}
	if sev := l.str(body, "severity", true); sev != "" {
		var ok bool
		if r.Severity, ok = rule.ParseSeverity(sev); !ok || r.Severity == rule.SeverityInformational {
			r.Severity = rule.SeverityUnknown
			l.errorf(l.at("rule.severity"), "severity: unknown severity %q (want low, medium, high or critical)", sev)
		}
	}
	if v, ok := body["risk_score"]; ok {
		n, isInt := v.(int64)
		if !isInt || n < 0 || n > 100 {
			l.errorf(l.at("rule.risk_score"), "risk_score: want a whole number from 0 to 100, got %s", show(v))
		}
		r.RiskScore = int(n)
	} else {
		l.errorf(diag.Pos{}, "missing required field rule.risk_score")
	}

	typ := l.str(body, "type", true)
	switch typ {
	case "query":
		e.Type = rule.ElasticQuery
	case "new_terms":
		e.Type = rule.ElasticNewTerms
	case "threshold":
		e.Type = rule.ElasticThreshold
	case "":
	default:
		if what, ok := notSupportedTypes[typ]; ok {
			l.errs.Add(diag.Unsupported(file, l.at("rule.type"), "elastic", what))
		} else {
			l.errorf(l.at("rule.type"), "type: unknown rule type %q (want query, new_terms or threshold)", typ)
		}
	}
	r.Language = l.str(body, "language", e.Type != 0)
	switch r.Language {
	case "kuery", "":
	case "lucene", "eql", "esql":
		if notSupportedTypes[typ] == "" {
			l.errs.Add(diag.Unsupported(file, l.at("rule.language"), "elastic", r.Language+" queries"))
		}
	default:
		l.errorf(l.at("rule.language"), "language: unknown language %q (want kuery)", r.Language)
	}
	if q, ok := body["query"]; ok {
		s, isStr := q.(string)
		if !isStr {
			l.errorf(l.at("rule.query"), "query: want a string, got %s", kindOf(q))
		} else {
			r.Query = s
			if at := l.keys.keys["rule.query"]; len(at) > 0 {
				r.Mapper = queryMapper(at[0])
			}
			if strings.TrimSpace(s) == "" {
				l.errorf(l.at("rule.query"), "query: empty query")
			}
		}
	} else if e.Type != 0 {
		l.errorf(diag.Pos{}, "missing required field rule.query")
	}

	e.Index = l.strings(body, "index")
	if len(e.Index) == 0 && body["index"] == nil && body["data_view_id"] == nil && e.Type != 0 {
		l.errorf(diag.Pos{}, "missing required field rule.index")
	}
	if body["data_view_id"] != nil {
		l.errs.Add(diag.Unsupported(file, l.at("rule.data_view_id"), "elastic", "data views (rule.data_view_id)"))
	}
	e.From = 6 * time.Minute // the detection engine's default: now-6m
	if s := l.str(body, "from", false); s != "" {
		d, err := parseRelative(s)
		if err != nil {
			l.errorf(l.at("rule.from"), "from: %v", err)
		} else {
			e.From = d
		}
	}
	if s := l.str(body, "to", false); s != "" && s != "now" {
		l.errs.Add(diag.Unsupported(file, l.at("rule.to"), "elastic", fmt.Sprintf("to = %q (only \"now\")", s)))
	}
	e.Interval = DefaultInterval
	if s := l.str(body, "interval", false); s != "" {
		d, err := parseInterval(s)
		if err != nil {
			l.errorf(l.at("rule.interval"), "interval: %v", err)
		} else {
			e.Interval = d
		}
	}
	if e.From < e.Interval && body["from"] != nil {
		l.errorf(l.at("rule.from"), "from: the look-back %s is shorter than the interval %s: runs would miss documents", e.From, e.Interval)
	}
	e.MaxSignals = DefaultMaxSignals
	if v, ok := body["max_signals"]; ok {
		n, isInt := v.(int64)
		if !isInt || n < 1 {
			l.errorf(l.at("rule.max_signals"), "max_signals: want a whole number above 0, got %s", show(v))
		} else {
			e.MaxSignals = int(n)
		}
	}
	e.TimestampOverride = l.str(body, "timestamp_override", false)
	if v, ok := body["timestamp_override_fallback_disabled"].(bool); ok && v {
		l.errs.Add(diag.Unsupported(file, l.at("rule.timestamp_override_fallback_disabled"), "elastic", "timestamp_override_fallback_disabled"))
	}
	e.Note = l.str(body, "note", false)
	if inv, ok := body["investigation_fields"]; ok {
		m, isMap := inv.(map[string]any)
		if !isMap {
			l.errorf(l.at("rule.investigation_fields"), "investigation_fields: want a table with field_names, got %s", kindOf(inv))
		} else {
			e.InvestigationFields = l.strings(m, "field_names")
		}
	}
	if body["alert_suppression"] != nil {
		l.errs.Add(diag.Unsupported(file, l.at("rule.alert_suppression"), "elastic", "rule.alert_suppression"))
	}
	if f := body["filters"]; f != nil && !isEmptyList(f) {
		l.errs.Add(diag.Unsupported(file, l.at("rule.filters"), "elastic", "rule.filters"))
	}
	l.threat(r, body["threat"])

	switch e.Type {
	case rule.ElasticNewTerms:
		l.newTerms(e, body["new_terms"])
	case rule.ElasticThreshold:
		l.threshold(e, body["threshold"])
	}
	if e.Type != rule.ElasticNewTerms && body["new_terms"] != nil {
		l.errorf(l.at("rule.new_terms"), "new_terms: only rules of type new_terms have one")
	}
	if e.Type != rule.ElasticThreshold && body["threshold"] != nil {
		l.errorf(l.at("rule.threshold"), "threshold: only rules of type threshold have one")
	}
	return r, l.errs
}

// newTerms reads [rule.new_terms]: field = "new_terms_fields" with the
// fields in value, and [[rule.new_terms.history_window_start]] with the
// history start in value.
func (l *loader) newTerms(e *rule.Elastic, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			l.errorf(l.at("rule.type"), "type new_terms needs a [rule.new_terms] table")
		} else {
			l.errorf(l.at("rule.new_terms"), "new_terms: want a table, got %s", kindOf(v))
		}
		return
	}
	if f, _ := m["field"].(string); f != "new_terms_fields" {
		l.errorf(l.at("rule.new_terms.field"), "new_terms.field: want \"new_terms_fields\", got %s", show(m["field"]))
	}
	e.NewTerms = l.strings(m, "value")
	switch n := len(e.NewTerms); {
	case n == 0:
		l.errorf(l.at("rule.new_terms.value"), "new_terms.value: want one to three fields")
	case n > 3:
		l.errorf(l.at("rule.new_terms.value"), "new_terms.value: %d fields; new terms rules take at most 3", n)
	}
	seen := map[string]bool{}
	for _, f := range e.NewTerms {
		if seen[f] {
			l.errorf(l.at("rule.new_terms.value"), "new_terms.value: field %q given twice", f)
		}
		seen[f] = true
	}
	hw := m["history_window_start"]
	if hw == nil {
		l.errorf(l.at("rule.new_terms"), "new_terms: missing history_window_start")
		return
	}
	list, ok := tables(hw)
	if !ok {
		l.errorf(l.at("rule.new_terms.history_window_start"), "new_terms.history_window_start: want a table, got %s", kindOf(hw))
		return
	}
	if len(list) != 1 {
		l.errorf(l.at("rule.new_terms.history_window_start"), "new_terms.history_window_start: want one entry, got %d", len(list))
		return
	}
	pos := l.at("rule.new_terms.history_window_start.value")
	if f, _ := list[0]["field"].(string); f != "history_window_start" {
		l.errorf(l.at("rule.new_terms.history_window_start.field"), "new_terms.history_window_start.field: want \"history_window_start\", got %s", show(list[0]["field"]))
	}
	s, ok := list[0]["value"].(string)
	if !ok {
		l.errorf(pos, "new_terms.history_window_start.value: want a date such as \"now-14d\", got %s", show(list[0]["value"]))
		return
	}
	d, err := parseRelative(s)
	if err != nil {
		l.errorf(pos, "new_terms.history_window_start.value: %v", err)
		return
	}
	e.HistoryWindow = d
	if d <= e.From {
		l.errorf(pos, "new_terms.history_window_start: the history start %s must be earlier than the rule's from (now-%s)", s, fmtDuration(e.From))
	}
}

// threshold reads [rule.threshold]: field (a string or a list of up to 5),
// value, and an optional [[rule.threshold.cardinality]] with field and value.
func (l *loader) threshold(e *rule.Elastic, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			l.errorf(l.at("rule.type"), "type threshold needs a [rule.threshold] table")
		} else {
			l.errorf(l.at("rule.threshold"), "threshold: want a table, got %s", kindOf(v))
		}
		return
	}
	t := &rule.Threshold{}
	switch f := m["field"].(type) {
	case string:
		if f != "" {
			t.Fields = []string{f}
		}
	case nil:
	default:
		t.Fields = l.strings(m, "field")
	}
	if len(t.Fields) > 5 {
		l.errorf(l.at("rule.threshold.field"), "threshold.field: %d fields; threshold rules take at most 5", len(t.Fields))
	}
	n, isInt := m["value"].(int64)
	if !isInt || n < 1 {
		l.errorf(l.at("rule.threshold.value"), "threshold.value: want a whole number above 0, got %s", show(m["value"]))
	}
	t.Value = int(n)
	if c, ok := m["cardinality"]; ok {
		list, _ := tables(c)
		switch {
		case len(list) == 0:
		case len(list) > 1:
			l.errorf(l.at("rule.threshold.cardinality"), "threshold.cardinality: want at most one entry, got %d", len(list))
		default:
			f, _ := list[0]["field"].(string)
			cv, isInt := list[0]["value"].(int64)
			if f == "" || !isInt || cv < 1 {
				l.errorf(l.at("rule.threshold.cardinality"), "threshold.cardinality: want a field and a whole number value above 0")
			}
			t.CardinalityField, t.CardinalityValue = f, int(cv)
		}
	}
	e.Threshold = t
}

// threat reads the [[rule.threat]] entries: tactic names into Tactics,
// technique and sub-technique ids into Techniques, in file order.
func (l *loader) threat(r *rule.Rule, v any) {
	if v == nil {
		return
	}
	list, ok := tables(v)
	if !ok {
		l.errorf(l.at("rule.threat"), "threat: want [[rule.threat]] entries, got %s", kindOf(v))
		return
	}
	for i, t := range list {
		pos := l.keys.pos("rule.threat", i)
		if fw, _ := t["framework"].(string); fw != "MITRE ATT&CK" {
			l.errorf(pos, "threat: framework %s is not \"MITRE ATT&CK\"", show(t["framework"]))
			continue
		}
		if tac, ok := t["tactic"].(map[string]any); ok {
			if name, ok := tac["name"].(string); ok && !contains(r.Tactics, name) {
				r.Tactics = append(r.Tactics, name)
			}
		} else {
			l.errorf(pos, "threat: entry %d has no [rule.threat.tactic]", i+1)
		}
		techs, _ := tables(t["technique"])
		for _, tech := range techs {
			id, _ := tech["id"].(string)
			if id == "" {
				l.errorf(pos, "threat: a technique of entry %d has no id", i+1)
				continue
			}
			if !contains(r.Techniques, id) {
				r.Techniques = append(r.Techniques, id)
			}
			subs, _ := tables(tech["subtechnique"])
			for _, sub := range subs {
				if sid, _ := sub["id"].(string); sid != "" && !contains(r.Techniques, sid) {
					r.Techniques = append(r.Techniques, sid)
				}
			}
		}
	}
}

// str returns the string member key of [rule], reporting a wrong type or a
// missing required member.
func (l *loader) str(m map[string]any, key string, required bool) string {
	v, ok := m[key]
	if !ok {
		if required {
			l.errorf(diag.Pos{}, "missing required field rule.%s", key)
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		l.errorf(l.at("rule."+key), "%s: want a string, got %s", key, kindOf(v))
	}
	return s
}

// strings returns a list of strings.
func (l *loader) strings(m map[string]any, key string) []string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		l.errorf(l.at("rule."+key), "%s: want a list of strings, got %s", key, kindOf(v))
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			l.errorf(l.at("rule."+key), "%s: want a list of strings, found %s", key, kindOf(x))
			continue
		}
		out = append(out, s)
	}
	return out
}

// parseRelative reads Elastic date math relative to a run, "now-9m" or
// "now-14d", as how far back it reaches.
func parseRelative(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(s, "now-")
	if !ok {
		if s == "now" {
			return 0, nil
		}
		return 0, fmt.Errorf("not supported yet: date %q (want now-N with a unit: now-9m, now-14d)", s)
	}
	d, err := parseUnits(rest)
	if err != nil {
		return 0, fmt.Errorf("invalid date %q: %v", s, err)
	}
	return d, nil
}

// parseInterval reads a rule interval, "5m" or "1h".
func parseInterval(s string) (time.Duration, error) {
	d, err := parseUnits(s)
	if err != nil {
		return 0, fmt.Errorf("invalid interval %q: %v", s, err)
	}
	if d <= 0 {
		return 0, fmt.Errorf("invalid interval %q: want a positive duration", s)
	}
	return d, nil
}

// parseUnits reads a whole number and one unit of Elastic date math: s, m,
// h (or H), d, w.
func parseUnits(s string) (time.Duration, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 {
		return 0, errors.New("want a whole number and a unit (s, m, h, d, w)")
	}
	n := time.Duration(0)
	for _, c := range s[:i] {
		n = n*10 + time.Duration(c-'0')
	}
	var unit time.Duration
	switch s[i:] {
	case "s":
		unit = time.Second
	case "m":
		unit = time.Minute
	case "h", "H":
		unit = time.Hour
	case "d":
		unit = 24 * time.Hour
	case "w":
		unit = 7 * 24 * time.Hour
	case "":
		return 0, errors.New("missing unit (s, m, h, d, w)")
	default:
		return 0, fmt.Errorf("unknown unit %q (want s, m, h, d or w)", s[i:])
	}
	return n * unit, nil
}

// fmtDuration writes a duration as date math does: 9m, 14d.
func fmtDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// tables returns an array of tables, written [[x]] or as an inline array
// of inline tables; a single table counts as an array of one.
func tables(v any) ([]map[string]any, bool) {
	switch v := v.(type) {
	case []map[string]any:
		return v, true
	case map[string]any:
		return []map[string]any{v}, true
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, x := range v {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}

func isEmptyList(v any) bool {
	l, ok := v.([]any)
	return ok && len(l) == 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// kindOf names the TOML kind of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	case time.Time:
		return "a date-time"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", v)
}

// show renders a decoded value in an error: strings quoted, others by kind.
func show(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case int64:
		return fmt.Sprint(v)
	}
	return kindOf(v)
}

// tomlError turns a TOML syntax error into a positioned diagnostic.
func tomlError(file string, err error) *diag.Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return diag.Errorf(file, diag.Pos{Line: pe.Position.Line, Col: pe.Position.Col}, "toml", "%s", pe.Message)
	}
	return diag.Errorf(file, diag.Pos{}, "toml", "%s", strings.TrimPrefix(err.Error(), "toml: "))
}
