// Package splunk loads Splunk ESCU detections, the YAML files of
// splunk/security_content (detections/**/*.yml: name, id, version, date,
// author, type, status, description, data_source, search,
// how_to_implement, known_false_positives, references, drilldown_searches,
// rba, tags, tests), into rule.Rule with a rule.Splunk part.
//
// Both forms of risk-based alerting are read: the current rba block
// (message, risk_objects with field/type/score, threat_objects), and the
// older one inside tags (risk_score, message, observable entries with
// name/type/role). In the older form an observable with the role Victim is
// a risk object scored risk_score, any other a threat object.
//
// All problems of a file are reported, each at its line:col in the file;
// positions inside the search are mapped back into the file by the rule's
// Mapper. Loading does not parse the search: macros are expanded and the
// search compiled when a hunt knows the data.
package splunk

import (
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"vigil/internal/diag"
	"vigil/internal/rule"
	"vigil/internal/rule/ruleyaml"
)

// The schedule ESCU deploys TTP and Anomaly detections with
// (deployments/escu_default_configuration_ttp.yml and …_anomaly.yml):
// hourly, over the hour that ended ten minutes before the run, snapped to
// the minute.
const (
	DefaultCron     = "0 * * * *"
	DefaultEarliest = "-70m@m"
	DefaultLatest   = "-10m@m"
)

// knownKeys are the top-level keys of the format; the second group is
// older or rarely used keys, accepted and ignored. Other keys are reported:
// a misspelt rba would otherwise silently drop the rule's risk.
var knownKeys = map[string]bool{
	"name": true, "id": true, "version": true, "date": true, "author": true, "type": true,
	"status": true, "description": true, "data_source": true, "search": true,
	"how_to_implement": true, "known_false_positives": true, "references": true,
	"drilldown_searches": true, "rba": true, "tags": true, "tests": true,

	"datamodel": true, "deployment": true, "baselines": true, "dataset": true,
	"nes_fields": true, "mappings": true, "enabled_by_default": true,
}

// types are the detection types, by lower-case name.
var types = map[string]string{
	"ttp": "TTP", "anomaly": "Anomaly", "hunting": "Hunting", "correlation": "Correlation",
	"baseline": "Baseline", "investigation": "Investigation",
}

type loader struct {
	file string
	errs diag.List
}

func (l *loader) errorf(n ast.Node, format string, args ...any) {
	var pos diag.Pos
	if n != nil {
		if tok := ruleyaml.StartTok(n); tok != nil {
			pos = diag.Pos{Line: tok.Position.Line, Col: tok.Position.Column}
		}
	}
	l.errs.Add(diag.Errorf(l.file, pos, "splunk", format, args...))
}

// Load reads one ESCU detection file. It returns the rule and every problem
// found; the rule is nil when the file is not usable at all.
func Load(file string, data []byte) (*rule.Rule, diag.List) {
	l := &loader{file: file}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		l.errs.Add(ruleyaml.SyntaxError(file, err))
		return nil, l.errs
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		l.errorf(nil, "empty detection file")
		return nil, l.errs
	}
	body, ok := f.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		l.errorf(f.Docs[0].Body, "want a mapping of detection fields, got %s", ruleyaml.KindOf(f.Docs[0].Body))
		return nil, l.errs
	}
	r := &rule.Rule{File: file, Format: rule.FormatSplunk, Language: "spl", Splunk: &rule.Splunk{
		Cron: DefaultCron, EarliestTime: DefaultEarliest, LatestTime: DefaultLatest,
	}}
	s := r.Splunk
	values := map[string]*ast.MappingValueNode{}
	for _, mv := range body.Values {
		key := mv.Key.String()
		if !knownKeys[key] {
			l.errorf(mv.Key, "unknown field %q", key)
			continue
		}
		if values[key] != nil {
			l.errorf(mv.Key, "field %q given twice", key)
		}
		values[key] = mv
	}
	str := func(key string, required bool) string {
		mv := values[key]
		if mv == nil {
			if required {
				l.errorf(nil, "missing required field %q", key)
			}
			return ""
		}
		return l.scalar(key, mv.Value)
	}
	r.ID = str("id", true)
	if values["id"] != nil && strings.TrimSpace(r.ID) == "" {
		l.errorf(values["id"].Value, "id: empty id")
	}
	r.Name = str("name", true)
	r.Version = str("version", false)
	r.Description = strings.TrimSpace(str("description", false))
	s.Date = str("date", false)
	s.Author = str("author", false)
	s.Status = str("status", false)
	if t := str("type", false); t != "" {
		if s.Type = types[strings.ToLower(t)]; s.Type == "" {
			l.errorf(values["type"].Value, "type: unknown detection type %q (want TTP, Anomaly, Hunting, Correlation, Baseline or Investigation)", t)
		}
	}
	s.HowToImplement = strings.TrimSpace(str("how_to_implement", false))
	s.KnownFalsePositives = strings.TrimSpace(str("known_false_positives", false))
	s.DataSources = l.list("data_source", values["data_source"])
	s.References = l.list("references", values["references"])
	if mv := values["search"]; mv != nil {
		r.Query = l.scalar("search", mv.Value)
		if tok := mv.Value.GetToken(); tok != nil {
			r.Mapper = ruleyaml.QueryMapper(mv.Value, tok)
		}
		if strings.TrimSpace(r.Query) == "" {
			l.errorf(mv.Value, "search: empty search")
		}
	} else {
		l.errorf(nil, "missing required field %q", "search")
	}
	if mv := values["drilldown_searches"]; mv != nil {
		s.Drilldowns = l.drilldowns(mv.Value)
	}
	if mv := values["rba"]; mv != nil {
		l.rba(mv.Value, s)
	}
	if mv := values["tags"]; mv != nil {
		l.tags(mv.Value, r)
	}
	if mv := values["tests"]; mv != nil {
		s.Tests = l.tests(mv.Value)
	}
	for _, o := range s.RiskObjects {
		r.RiskScore = max(r.RiskScore, o.Score)
	}
	r.Severity = SeverityOf(r.RiskScore)
	return r, l.errs
}

// SeverityOf maps a risk score to a severity as Splunk Enterprise Security
// ranks risk scores: up to 20 informational, 40 low, 60 medium, 80 high,
// above critical; no risk is unknown.
func SeverityOf(score int) rule.Severity {
	switch {
	case score <= 0:
		return rule.SeverityUnknown
	case score <= 20:
		return rule.SeverityInformational
	case score <= 40:
		return rule.SeverityLow
	case score <= 60:
		return rule.SeverityMedium
	case score <= 80:
		return rule.SeverityHigh
	}
	return rule.SeverityCritical
}

// rba reads the current risk-based alerting block.
func (l *loader) rba(n ast.Node, s *rule.Splunk) {
	m := l.mapping("rba", n)
	for _, kv := range m {
		switch key := kv.Key.String(); key {
		case "message":
			s.RiskMessage = l.scalar("rba.message", kv.Value)
		case "risk_objects":
			for _, item := range l.seq("rba.risk_objects", kv.Value) {
				var o rule.RiskObject
				var scoreSet bool
				for _, f := range l.mapping("rba.risk_objects", item) {
					switch f.Key.String() {
					case "field":
						o.Field = l.scalar("rba.risk_objects.field", f.Value)
					case "type":
						o.Type = l.scalar("rba.risk_objects.type", f.Value)
					case "score":
						o.Score, scoreSet = l.score("rba.risk_objects.score", f.Value), true
					default:
						l.errorf(f.Key, "rba.risk_objects: unknown field %q", f.Key.String())
					}
				}
				if o.Field == "" || !scoreSet {
					l.errorf(item, "rba.risk_objects: an entry needs field and score")
					continue
				}
				s.RiskObjects = append(s.RiskObjects, o)
			}
		case "threat_objects":
			for _, item := range l.seq("rba.threat_objects", kv.Value) {
				var o rule.ThreatObject
				for _, f := range l.mapping("rba.threat_objects", item) {
					switch f.Key.String() {
					case "field":
						o.Field = l.scalar("rba.threat_objects.field", f.Value)
					case "type":
						o.Type = l.scalar("rba.threat_objects.type", f.Value)
					default:
						l.errorf(f.Key, "rba.threat_objects: unknown field %q", f.Key.String())
					}
				}
				if o.Field == "" {
					l.errorf(item, "rba.threat_objects: an entry needs field")
					continue
				}
				s.ThreatObjects = append(s.ThreatObjects, o)
			}
		default:
			l.errorf(kv.Key, "rba: unknown field %q", key)
		}
	}
}

// tags reads the tags block, including the older risk fields.
func (l *loader) tags(n ast.Node, r *rule.Rule) {
	s := r.Splunk
	var riskScore int
	var haveScore bool
	var message string
	var observables []ast.Node
	for _, kv := range l.mapping("tags", n) {
		switch key := kv.Key.String(); key {
		case "analytic_story":
			s.AnalyticStories = l.list("tags.analytic_story", kv)
		case "asset_type":
			s.AssetType = l.scalar("tags.asset_type", kv.Value)
		case "mitre_attack_id":
			r.Techniques = l.list("tags.mitre_attack_id", kv)
		case "product":
			s.Products = l.list("tags.product", kv)
		case "security_domain":
			s.SecurityDomain = l.scalar("tags.security_domain", kv.Value)
		case "risk_score":
			riskScore, haveScore = l.score("tags.risk_score", kv.Value), true
		case "message":
			message = l.scalar("tags.message", kv.Value)
		case "observable":
			observables = l.seq("tags.observable", kv.Value)
		}
		// Other tags (confidence, impact, required_fields,
		// kill_chain_phases, cis20, nist, context, …) are descriptive.
	}
	if len(s.RiskObjects) > 0 || len(s.ThreatObjects) > 0 || s.RiskMessage != "" {
		return // the rba block wins over the older form
	}
	if message != "" {
		s.RiskMessage = message
	}
	for _, item := range observables {
		var name, typ string
		var roles []string
		for _, f := range l.mapping("tags.observable", item) {
			switch f.Key.String() {
			case "name":
				name = l.scalar("tags.observable.name", f.Value)
			case "type":
				typ = l.scalar("tags.observable.type", f.Value)
			case "role":
				roles = l.list("tags.observable.role", f)
			}
		}
		if name == "" {
			l.errorf(item, "tags.observable: an entry needs name")
			continue
		}
		victim := false
		for _, ro := range roles {
			victim = victim || strings.EqualFold(ro, "victim")
		}
		if victim && haveScore {
			s.RiskObjects = append(s.RiskObjects, rule.RiskObject{Field: name, Type: riskType(typ), Score: riskScore})
		} else if !victim {
			s.ThreatObjects = append(s.ThreatObjects, rule.ThreatObject{Field: name, Type: threatType(typ)})
		}
	}
}

// riskType maps an older observable type to a risk object type.
func riskType(t string) string {
	switch strings.ToLower(t) {
	case "user", "user name", "email address":
		return "user"
	case "hostname", "endpoint", "device", "ip address":
		return "system"
	}
	return "other"
}

// threatType maps an older observable type to a threat object type.
func threatType(t string) string {
	switch strings.ToLower(t) {
	case "ip address":
		return "ip_address"
	case "url string", "url":
		return "url"
	case "domain":
		return "domain"
	case "email address":
		return "email_address"
	}
	return strings.ToLower(strings.ReplaceAll(t, " ", "_"))
}

func (l *loader) drilldowns(n ast.Node) []rule.Drilldown {
	var out []rule.Drilldown
	for _, item := range l.seq("drilldown_searches", n) {
		var d rule.Drilldown
		for _, f := range l.mapping("drilldown_searches", item) {
			v := l.scalar("drilldown_searches."+f.Key.String(), f.Value)
			switch f.Key.String() {
			case "name":
				d.Name = v
			case "search":
				d.Search = v
			case "earliest_offset":
				d.EarliestOffset = v
			case "latest_offset":
				d.LatestOffset = v
			}
		}
		out = append(out, d)
	}
	return out
}

func (l *loader) tests(n ast.Node) []rule.SplunkTest {
	var out []rule.SplunkTest
	for _, item := range l.seq("tests", n) {
		var t rule.SplunkTest
		for _, f := range l.mapping("tests", item) {
			switch f.Key.String() {
			case "name":
				t.Name = l.scalar("tests.name", f.Value)
			case "attack_data":
				for _, ad := range l.seq("tests.attack_data", f.Value) {
					var a rule.AttackData
					for _, g := range l.mapping("tests.attack_data", ad) {
						switch g.Key.String() {
						case "data":
							a.Data = l.scalar("tests.attack_data.data", g.Value)
						case "source":
							a.Source = l.scalar("tests.attack_data.source", g.Value)
						case "sourcetype":
							a.Sourcetype = l.scalar("tests.attack_data.sourcetype", g.Value)
						}
					}
					t.AttackData = append(t.AttackData, a)
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// score reads a risk score: a whole number from 0 to 100.
func (l *loader) score(what string, n ast.Node) int {
	s := l.scalar(what, n)
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 0 || v > 100 {
		if f, ferr := strconv.ParseFloat(strings.TrimSpace(s), 64); ferr == nil && f >= 0 && f <= 100 && f == float64(int(f)) {
			return int(f) // 30.0, as older files write it
		}
		l.errorf(n, "%s: want a whole number from 0 to 100, got %q", what, s)
		return 0
	}
	return v
}

// scalar returns the text of a scalar, reporting anything else.
func (l *loader) scalar(what string, n ast.Node) string {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		return v.Value.Value
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value
	case *ast.NullNode:
		return ""
	}
	l.errorf(n, "%s: want a string, got %s", what, ruleyaml.KindOf(n))
	return ""
}

// mapping returns the members of a mapping, reporting anything else (a
// null is an empty mapping).
func (l *loader) mapping(what string, n ast.Node) []*ast.MappingValueNode {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}
	case *ast.NullNode:
		return nil
	}
	l.errorf(n, "%s: want a mapping, got %s", what, ruleyaml.KindOf(n))
	return nil
}

// seq returns the items of a list, reporting anything else (a null is an
// empty list).
func (l *loader) seq(what string, n ast.Node) []ast.Node {
	switch v := n.(type) {
	case *ast.SequenceNode:
		return v.Values
	case *ast.NullNode:
		return nil
	}
	l.errorf(n, "%s: want a list, got %s", what, ruleyaml.KindOf(n))
	return nil
}

// list reads a list of strings; a single string is a list of one, as
// older files write some of them.
func (l *loader) list(what string, mv *ast.MappingValueNode) []string {
	if mv == nil {
		return nil
	}
	if _, ok := mv.Value.(*ast.SequenceNode); !ok {
		if s, ok := mv.Value.(*ast.StringNode); ok {
			return []string{s.Value}
		}
	}
	var out []string
	for _, v := range l.seq(what, mv.Value) {
		if s := l.scalar(what, v); s != "" {
			out = append(out, s)
		}
	}
	return out
}
