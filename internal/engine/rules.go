package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"vigil/internal/diag"
	"vigil/internal/rule"
	"vigil/internal/rule/elastic"
	"vigil/internal/rule/sentinel"
	"vigil/internal/rule/splunk"
	"vigil/rules"
)

// RuleSet is the rules a hunt runs and the files that could not be used.
type RuleSet struct {
	Rules []*LoadedRule
}

// LoadedRule is one rule file's outcome: the rule (nil when the file could
// not be read as one) and its diagnostics. A rule with diagnostics does not
// run; the others do.
type LoadedRule struct {
	File  string
	Rule  *rule.Rule
	Diags diag.List
}

// OK reports whether the rule can run.
func (l *LoadedRule) OK() bool { return l.Rule != nil && len(l.Diags) == 0 }

// LoadRules loads the built-in pack (unless noBuiltin) and the rule files
// and directories in paths. Files are recognised by extension and content;
// problems are kept per file, never fatal, except a path that cannot be read
// at all.
func LoadRules(paths []string, noBuiltin bool) (*RuleSet, error) {
	set := &RuleSet{}
	if !noBuiltin {
		err := fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := rules.FS.ReadFile(p)
			if err != nil {
				return err
			}
			set.add("builtin:"+p, data)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading the built-in rules: %w", err)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		var files []string
		if st.IsDir() {
			err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if f != p && strings.HasPrefix(d.Name(), ".") {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if !d.IsDir() && isRuleFile(f) {
					files = append(files, f)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("reading rule directory %s: %w", p, err)
			}
			sort.Strings(files)
		} else {
			files = []string{p}
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			set.add(f, data)
		}
	}
	return set, nil
}

func isRuleFile(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".toml":
		return true
	}
	return false
}

// add loads one file by its format.
func (s *RuleSet) add(file string, data []byte) {
	l := &LoadedRule{File: file}
	switch ext := strings.ToLower(path.Ext(file)); {
	case ext == ".toml":
		l.Rule, l.Diags = elastic.Load(file, data)
	case ext == ".yaml" || ext == ".yml":
		if looksLikeESCU(data) {
			l.Rule, l.Diags = splunk.Load(file, data)
			break
		}
		l.Rule, l.Diags = sentinel.Load(file, data)
	default:
		l.Diags.Add(diag.Errorf(file, diag.Pos{}, "", "not a rule file (want .yaml or .yml for Sentinel and Splunk, .toml for Elastic)"))
	}
	s.Rules = append(s.Rules, l)
}

// looksLikeESCU tells a Splunk ESCU detection (a YAML file with a top-level
// search:) from a Sentinel rule (query:).
func looksLikeESCU(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "search:") {
			return true
		}
		if strings.HasPrefix(line, "query:") {
			return false
		}
	}
	return false
}

// errNoRules is returned when a hunt has rules to run but none loaded.
var errNoRules = errors.New("no rule could be loaded")
