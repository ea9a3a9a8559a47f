// Package sentinel loads Microsoft Sentinel analytic rules in the YAML
// format of the Azure-Sentinel repository (id, name, severity,
// queryFrequency, queryPeriod, triggerOperator, triggerThreshold, query,
// entityMappings, eventGroupingSettings, customDetails, …) into rule.Rule.
//
// All problems of a file are reported, each at its line:col in the file;
// positions inside the query are mapped back into the file by the rule's
// Mapper.
package sentinel

import (
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"vigil/internal/diag"
	"vigil/internal/rule"
	"vigil/internal/rule/ruleyaml"
)

// knownKeys are the top-level keys of the format. Keys vigil does not use
// (requiredDataConnectors, tags, metadata, …) are accepted and ignored;
// unknown keys are reported, since a misspelt queryPeriod would otherwise
// silently change what the rule does.
var knownKeys = map[string]bool{
	"id": true, "name": true, "description": true, "severity": true, "requiredDataConnectors": true,
	"queryFrequency": true, "queryPeriod": true, "triggerOperator": true, "triggerThreshold": true,
	"tactics": true, "relevantTechniques": true, "query": true, "entityMappings": true,
	"eventGroupingSettings": true, "customDetails": true, "alertDetailsOverride": true, "version": true,
	"kind": true, "status": true, "tags": true, "metadata": true, "incidentConfiguration": true,
	"suppressionDuration": true, "suppressionEnabled": true, "sentinelEntitiesMappings": true,
	"techniques": true, "subTechniques": true, "displayName": true, "enabled": true, "templateVersion": true,
}

// loader collects the diagnostics of one file.
type loader struct {
	file string
	errs diag.List
}

func (l *loader) errorf(tok *token.Token, format string, args ...any) {
	var pos diag.Pos
	if tok != nil {
		pos = diag.Pos{Line: tok.Position.Line, Col: tok.Position.Column}
	}
	l.errs.Add(diag.Errorf(l.file, pos, "sentinel", format, args...))
}

// Load reads one rule file. It returns the rule and every problem found; the
// rule is nil when the file is not usable at all.
func Load(file string, data []byte) (*rule.Rule, diag.List) {
	l := &loader{file: file}
	f, err := parser.ParseBytes(data, parser.ParseComments)
	if err != nil {
		l.errs.Add(ruleyaml.SyntaxError(file, err))
		return nil, l.errs
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		l.errorf(nil, "empty rule file")
		return nil, l.errs
	}
	body, ok := f.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		l.errorf(f.Docs[0].Body.GetToken(), "want a mapping of rule fields, got %s", ruleyaml.KindOf(f.Docs[0].Body))
		return nil, l.errs
	}
	r := &rule.Rule{File: file, Format: rule.FormatSentinel, Language: "kql", Sentinel: &rule.Sentinel{}}
	s := r.Sentinel
	values := map[string]*ast.MappingValueNode{}
	for _, mv := range body.Values {
		key := mv.Key.String()
		if !knownKeys[key] {
			l.errorf(mv.Key.GetToken(), "unknown field %q", key)
			continue
		}
		if values[key] != nil {
			l.errorf(mv.Key.GetToken(), "field %q given twice", key)
		}
		values[key] = mv
	}
	str := func(key string, required bool) (string, *token.Token) {
		mv := values[key]
		if mv == nil {
			if required {
				l.errorf(nil, "missing required field %q", key)
			}
			return "", nil
		}
		v, ok := scalar(mv.Value)
		if !ok {
			l.errorf(mv.Value.GetToken(), "%s: want a string, got %s", key, ruleyaml.KindOf(mv.Value))
		}
		return v, mv.Value.GetToken()
	}

	r.ID, _ = str("id", true)
	r.Name, _ = str("name", true)
	r.Description, _ = str("description", false)
	r.Description = strings.TrimSpace(r.Description)
	r.Version, _ = str("version", false)
	if sev, tok := str("severity", true); sev != "" {
		var ok bool
		if r.Severity, ok = rule.ParseSeverity(sev); !ok {
			l.errorf(tok, "severity: unknown severity %q (want Informational, Low, Medium or High)", sev)
		}
	}
	s.Kind, _ = str("kind", false)
	switch s.Kind {
	case "", "Scheduled":
		s.Kind = "Scheduled"
	case "NRT":
		// Near-real-time rules run every minute over the last minute.
	default:
		l.errorf(values["kind"].Value.GetToken(), "kind: not supported yet: %q rules (Scheduled and NRT are)", s.Kind)
	}
	dur := func(key string) {
		v, tok := str(key, s.Kind == "Scheduled")
		if v == "" {
			return
		}
		d, err := rule.ParseDuration(v)
		if err != nil {
			l.errorf(tok, "%s: %v", key, err)
			return
		}
		if key == "queryFrequency" {
			s.QueryFrequency = d
		} else {
			s.QueryPeriod = d
		}
	}
	dur("queryFrequency")
	dur("queryPeriod")
	if s.Kind == "NRT" {
		s.QueryFrequency, s.QueryPeriod = minute, minute
		s.TriggerOperator, s.TriggerThreshold = rule.OpGreaterThan, 0
	}
	if s.QueryFrequency > 0 && s.QueryPeriod > 0 && s.QueryPeriod < s.QueryFrequency {
		l.errorf(values["queryPeriod"].Value.GetToken(), "queryPeriod %s is shorter than queryFrequency %s", s.QueryPeriod, s.QueryFrequency)
	}
	if op, tok := str("triggerOperator", s.Kind == "Scheduled"); op != "" {
		var ok bool
		if s.TriggerOperator, ok = rule.ParseOperator(op); !ok {
			l.errorf(tok, "triggerOperator: unknown operator %q (want gt, lt, eq or ne)", op)
		}
	}
	if th, tok := str("triggerThreshold", s.Kind == "Scheduled"); th != "" {
		n, err := strconv.Atoi(th)
		if err != nil || n < 0 {
			l.errorf(tok, "triggerThreshold: want a whole number, got %q", th)
		}
		s.TriggerThreshold = n
	}
	r.Tactics = l.strings(values["tactics"])
	r.Techniques = l.strings(values["relevantTechniques"])

	if q, tok := str("query", true); tok != nil {
		r.Query = q
		r.Mapper = ruleyaml.QueryMapper(values["query"].Value, tok)
		if strings.TrimSpace(q) == "" {
			l.errorf(tok, "query: empty query")
		}
	}
	if mv := values["entityMappings"]; mv != nil {
		s.Entities = l.entities(mv.Value)
	}
	if mv := values["eventGroupingSettings"]; mv != nil {
		if m, ok := mv.Value.(*ast.MappingNode); ok {
			for _, kv := range m.Values {
				if kv.Key.String() == "aggregationKind" {
					v, _ := scalar(kv.Value)
					switch v {
					case "AlertPerResult":
						s.AlertPerResult = true
					case "SingleAlert":
					default:
						l.errorf(kv.Value.GetToken(), "eventGroupingSettings.aggregationKind: want SingleAlert or AlertPerResult, got %q", v)
					}
				}
			}
		} else {
			l.errorf(mv.Value.GetToken(), "eventGroupingSettings: want a mapping, got %s", ruleyaml.KindOf(mv.Value))
		}
	}
	if mv := values["customDetails"]; mv != nil {
		if m, ok := mv.Value.(*ast.MappingNode); ok {
			for _, kv := range m.Values {
				v, _ := scalar(kv.Value)
				s.CustomDetails = append(s.CustomDetails, rule.Detail{Name: kv.Key.String(), Column: v})
			}
		} else if _, isNull := mv.Value.(*ast.NullNode); !isNull {
			l.errorf(mv.Value.GetToken(), "customDetails: want a mapping, got %s", ruleyaml.KindOf(mv.Value))
		}
	}
	return r, l.errs
}

const minute = time.Minute

func (l *loader) strings(mv *ast.MappingValueNode) []string {
	if mv == nil {
		return nil
	}
	seq, ok := mv.Value.(*ast.SequenceNode)
	if !ok {
		if _, isNull := mv.Value.(*ast.NullNode); !isNull {
			l.errorf(mv.Value.GetToken(), "%s: want a list, got %s", mv.Key.String(), ruleyaml.KindOf(mv.Value))
		}
		return nil
	}
	var out []string
	for _, v := range seq.Values {
		s, ok := scalar(v)
		if !ok {
			l.errorf(v.GetToken(), "%s: want a string, got %s", mv.Key.String(), ruleyaml.KindOf(v))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (l *loader) entities(n ast.Node) []rule.EntityMapping {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		l.errorf(n.GetToken(), "entityMappings: want a list, got %s", ruleyaml.KindOf(n))
		return nil
	}
	var out []rule.EntityMapping
	for _, item := range seq.Values {
		m, ok := item.(*ast.MappingNode)
		if !ok {
			l.errorf(item.GetToken(), "entityMappings: want a mapping with entityType and fieldMappings, got %s", ruleyaml.KindOf(item))
			continue
		}
		var em rule.EntityMapping
		for _, kv := range m.Values {
			switch kv.Key.String() {
			case "entityType":
				em.Type, _ = scalar(kv.Value)
			case "fieldMappings":
				fs, ok := kv.Value.(*ast.SequenceNode)
				if !ok {
					l.errorf(kv.Value.GetToken(), "fieldMappings: want a list, got %s", ruleyaml.KindOf(kv.Value))
					continue
				}
				for _, f := range fs.Values {
					fm, ok := f.(*ast.MappingNode)
					if !ok {
						l.errorf(f.GetToken(), "fieldMappings: want a mapping with identifier and columnName, got %s", ruleyaml.KindOf(f))
						continue
					}
					var m rule.FieldMapping
					for _, fkv := range fm.Values {
						switch fkv.Key.String() {
						case "identifier":
							m.Identifier, _ = scalar(fkv.Value)
						case "columnName":
							m.Column, _ = scalar(fkv.Value)
						}
					}
					if m.Identifier == "" || m.Column == "" {
						l.errorf(ruleyaml.StartTok(f), "fieldMappings: an entry needs identifier and columnName")
						continue
					}
					em.Fields = append(em.Fields, m)
				}
			}
		}
		if em.Type == "" {
			l.errorf(ruleyaml.StartTok(item), "entityMappings: an entry needs entityType")
			continue
		}
		out = append(out, em)
	}
	return out
}

// scalar returns the text of a scalar node.
func scalar(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, true
	case *ast.NullNode:
		return "", true
	}
	return "", false
}
