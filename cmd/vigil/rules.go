package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vigil/internal/diag"
	"vigil/internal/engine"
	"vigil/internal/plan"
	"vigil/internal/rule"
	"vigil/internal/ruletest"
	"vigil/rules"
)

const rulesUsage = `usage: vigil rules COMMAND [flags] [ARGS]

Lists, shows, validates and tests detection rules: the built-in pack and
rule files of every supported format (Microsoft Sentinel .yaml, Splunk ESCU
.yml/.yaml, Elastic .toml).

commands:
  list [PATH...]       id, name, format, type, severity, MITRE and file of each rule
  show ID              a rule's metadata, schedule, query and its plan
  validate [PATH...]   load and compile rules; report each ok or its errors (exit 2)
  test [PATH...]       run detection fixtures and compare the alerts (exit 1)

run 'vigil rules COMMAND -h' for a command's flags
`

const rulesListUsage = `usage: vigil rules list [flags] [PATH...]

Lists rules: id, name, format, type (Sentinel scheduled or nrt; Elastic
query, new_terms or threshold; Splunk TTP or Anomaly), severity, MITRE
techniques and the file. With no PATH, the built-in pack; with PATHs (rule
files or directories), those rules and the built-in pack (unless
--no-builtin).
`

const rulesShowUsage = `usage: vigil rules show [flags] ID

Shows one rule of the built-in pack or of the --rules files: its metadata,
schedule, the query as written and the logical plan it lowers into. ID is
the rule's id or an unambiguous prefix of it.
`

const rulesValidateUsage = `usage: vigil rules validate [flags] [PATH...]

Loads and compiles every rule file of PATH (files or directories; with no
PATH, the built-in pack) and reports each rule ok or its problems at
file:line:col. Exits 2 when any rule is not valid.
`

const rulesTestUsage = `usage: vigil rules test [flags] [PATH...]

Runs detection fixtures: each is a txtar file naming a rule, holding input
files in any export shape and the alerts the rule must raise over them
(want.jsonl); the format is in the README. With no PATH, the built-in pack's
fixtures; with PATHs, those fixture files and directories of them (*.txtar).
The rules are the built-in pack and the --rules files. Reports each fixture
ok or FAIL with a diff; exits 1 when any fails.
`

func runRules(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, rulesUsage)
		return usagef("rules needs a command: list, show, validate or test")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, rulesUsage)
		return flag.ErrHelp
	case "list":
		return runRulesList(args[1:], stdout, stderr)
	case "show":
		return runRulesShow(args[1:], stdout, stderr)
	case "validate":
		return runRulesValidate(args[1:], stdout, stderr)
	case "test":
		return runRulesTest(args[1:], stdout, stderr)
	}
	return usagef("unknown rules command %q (want list, show, validate or test)", args[0])
}

// formatFlag is --format text|json.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "text", "output `FORMAT`: text or json")
}

func checkFormat(f string) error {
	if f != "text" && f != "json" {
		return usagef("unknown --format %q (want text or json)", f)
	}
	return nil
}

// ruleOptions are the flags that say which rules are loaded and how SPL
// searches expand.
type ruleOptions struct {
	rules     listFlag
	noBuiltin *bool
	macros    listFlag
	lookups   lookupFlag
}

func addRuleOptions(fs *flag.FlagSet, withRules bool) *ruleOptions {
	o := &ruleOptions{lookups: lookupFlag{}}
	if withRules {
		fs.Var(&o.rules, "rules", "load rule files from `PATH` (a file or directory; repeatable), besides the built-in pack")
	}
	o.noBuiltin = fs.Bool("no-builtin", false, "leave the built-in rule pack out")
	fs.Var(&o.macros, "macros", "read SPL macro definitions from `PATH` (repeatable), overriding the built-ins")
	fs.Var(o.lookups, "lookup", "`NAME=PATH`: CSV file of the lookup NAME for SPL's lookup command (repeatable)")
	return o
}

func (o *ruleOptions) huntOptions() (engine.HuntOptions, error) {
	macros, err := engine.LoadMacros(o.macros)
	if err != nil {
		return engine.HuntOptions{}, usageError{err.Error()}
	}
	lookups, err := engine.LoadLookups(o.lookups)
	if err != nil {
		return engine.HuntOptions{}, usageError{err.Error()}
	}
	return engine.HuntOptions{Macros: macros, Lookups: lookups}, nil
}

// ruleInfo is a rule as list prints it.
type ruleInfo struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Format     string   `json:"format"`
	Type       string   `json:"type,omitempty"`
	Severity   string   `json:"severity"`
	RiskScore  int      `json:"risk_score,omitempty"`
	Tactics    []string `json:"tactics,omitempty"`
	Techniques []string `json:"mitre,omitempty"`
	File       string   `json:"file"`
}

func infoOf(r *rule.Rule) ruleInfo {
	return ruleInfo{
		ID: r.ID, Name: r.Name, Format: r.Format.String(), Type: ruleType(r),
		Severity: r.Severity.String(), RiskScore: r.RiskScore,
		Tactics: r.Tactics, Techniques: r.Techniques, File: r.File,
	}
}

// ruleType is how a rule runs, in its vendor's words: Sentinel scheduled
// or nrt, Elastic query, new_terms or threshold, Splunk TTP or Anomaly.
func ruleType(r *rule.Rule) string {
	switch {
	case r.Sentinel != nil:
		if r.Sentinel.Kind == "" {
			return "scheduled"
		}
		return strings.ToLower(r.Sentinel.Kind)
	case r.Elastic != nil:
		return r.Elastic.Type.String()
	case r.Splunk != nil:
		return r.Splunk.Type
	}
	return ""
}

func runRulesList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rules list", rulesListUsage, stdout)
	format := formatFlag(fs)
	noBuiltin := fs.Bool("no-builtin", false, "leave the built-in rule pack out")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *noBuiltin && fs.NArg() == 0 {
		return usagef("--no-builtin leaves nothing to list: give rule files or directories")
	}
	set, err := engine.LoadRules(fs.Args(), *noBuiltin)
	if err != nil {
		return err
	}
	infos := []ruleInfo{}
	for _, l := range set.Rules {
		if l.Rule == nil {
			fmt.Fprintf(stderr, "vigil: warning: %s is not a rule vigil can read (run 'vigil rules validate %s')\n", l.File, l.File)
			continue
		}
		infos = append(infos, infoOf(l.Rule))
	}
	if *format == "json" {
		return writeJSON(stdout, infos)
	}
	tw := newTable(stdout)
	tw.row("ID", "NAME", "FORMAT", "TYPE", "SEVERITY", "MITRE", "FILE")
	for _, in := range infos {
		tw.row(in.ID, in.Name, in.Format, orDash(in.Type), in.Severity, orDash(strings.Join(in.Techniques, ",")), in.File)
	}
	tw.flush()
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func runRulesShow(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rules show", rulesShowUsage, stdout)
	opts := addRuleOptions(fs, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("rules show needs one rule ID")
	}
	hopts, err := opts.huntOptions()
	if err != nil {
		return err
	}
	set, err := engine.LoadRules(opts.rules, *opts.noBuiltin)
	if err != nil {
		return err
	}
	l, err := findRule(set, fs.Arg(0))
	if err != nil {
		return err
	}
	r := l.Rule
	fmt.Fprintf(stdout, "%s\n\n", r.Name)
	tw := newTable(stdout)
	tw.row("id:", r.ID)
	if r.Version != "" {
		tw.row("version:", r.Version)
	}
	tw.row("format:", r.Format.String()+" "+ruleType(r))
	tw.row("file:", r.File)
	sev := r.Severity.String()
	if r.RiskScore > 0 {
		sev += fmt.Sprintf(", risk score %d", r.RiskScore)
	}
	tw.row("severity:", sev)
	if len(r.Tactics) > 0 {
		tw.row("tactics:", strings.Join(r.Tactics, ", "))
	}
	if len(r.Techniques) > 0 {
		tw.row("MITRE:", strings.Join(r.Techniques, ", "))
	}
	for _, s := range schedule(r) {
		tw.row(s[0]+":", s[1])
	}
	tw.flush()
	if d := strings.TrimSpace(r.Description); d != "" {
		fmt.Fprintf(stdout, "\ndescription:\n%s\n", indentText(d))
	}
	fmt.Fprintf(stdout, "\nquery (%s):\n%s\n", r.Language, indentText(strings.TrimRight(r.Query, "\n")))
	diags, problem := l.Diags, "does not load"
	var root plan.Node
	if len(diags) == 0 {
		root, diags = engine.CompileRule(r, hopts)
		problem = "does not compile"
	}
	if len(diags) > 0 {
		src := newSources()
		for _, d := range diags {
			printDiag(stderr, "vigil: error: ", d, src)
		}
		return configError{fmt.Sprintf("rule %s %s", r.ID, problem)}
	}
	fmt.Fprintf(stdout, "\nplan:\n%s\n", indentText(strings.TrimRight(plan.Format(root), "\n")))
	return nil
}

// findRule finds a loaded rule by id, ignoring case, or by an unambiguous
// prefix of its id; the last one loaded wins when ids repeat.
func findRule(set *engine.RuleSet, id string) (*engine.LoadedRule, error) {
	var exact *engine.LoadedRule
	var prefixed []*engine.LoadedRule
	for _, l := range set.Rules {
		if l.Rule == nil {
			continue
		}
		switch {
		case strings.EqualFold(l.Rule.ID, id):
			exact = l
		case len(id) >= 4 && len(l.Rule.ID) > len(id) && strings.EqualFold(l.Rule.ID[:len(id)], id):
			prefixed = append(prefixed, l)
		}
	}
	switch {
	case exact != nil:
		return exact, nil
	case len(prefixed) == 1:
		return prefixed[0], nil
	case len(prefixed) > 1:
		var ids []string
		for _, l := range prefixed {
			ids = append(ids, l.Rule.ID)
		}
		return nil, usagef("rule id %q is ambiguous: %s", id, strings.Join(ids, ", "))
	}
	return nil, usagef("no rule with id %q (run 'vigil rules list' for the ids)", id)
}

// schedule describes when and how a rule runs, as label/text pairs.
func schedule(r *rule.Rule) [][2]string {
	var out [][2]string
	add := func(k, format string, args ...any) { out = append(out, [2]string{k, fmt.Sprintf(format, args...)}) }
	switch {
	case r.Sentinel != nil:
		s := r.Sentinel
		add("schedule", "every %s over the last %s", duration(s.QueryFrequency), duration(s.QueryPeriod))
		add("trigger", "result count %s %d", s.TriggerOperator, s.TriggerThreshold)
		if s.AlertPerResult {
			add("grouping", "one alert per result")
		} else {
			add("grouping", "one alert per run")
		}
		var ents []string
		for _, e := range s.Entities {
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Identifier+"="+f.Column)
			}
			ents = append(ents, e.Type+"("+strings.Join(fields, ", ")+")")
		}
		if len(ents) > 0 {
			add("entities", "%s", strings.Join(ents, " "))
		}
		var details []string
		for _, d := range s.CustomDetails {
			details = append(details, d.Name+"="+d.Column)
		}
		if len(details) > 0 {
			add("details", "%s", strings.Join(details, ", "))
		}
	case r.Elastic != nil:
		e := r.Elastic
		add("index", "%s", strings.Join(e.Index, ", "))
		add("schedule", "every %s over [now-%s, now], at most %d alerts a run", duration(e.Interval), duration(e.From), e.MaxSignals)
		if e.TimestampOverride != "" {
			add("timestamp", "%s, else @timestamp", e.TimestampOverride)
		}
		if len(e.NewTerms) > 0 {
			add("new terms", "%s, history %s", strings.Join(e.NewTerms, ", "), duration(e.HistoryWindow))
		}
		if t := e.Threshold; t != nil {
			s := fmt.Sprintf("count >= %d", t.Value)
			if len(t.Fields) > 0 {
				s += " by " + strings.Join(t.Fields, ", ")
			}
			if t.CardinalityField != "" {
				s += fmt.Sprintf(", at least %d distinct %s", t.CardinalityValue, t.CardinalityField)
			}
			add("threshold", "%s", s)
		}
	case r.Splunk != nil:
		s := r.Splunk
		add("schedule", "cron %q over [%s, %s)", s.Cron, s.EarliestTime, s.LatestTime)
		var risks []string
		for _, o := range s.RiskObjects {
			risks = append(risks, fmt.Sprintf("%s (%s) %d", o.Field, o.Type, o.Score))
		}
		if len(risks) > 0 {
			add("risk", "%s", strings.Join(risks, ", "))
		}
		var threats []string
		for _, o := range s.ThreatObjects {
			threats = append(threats, fmt.Sprintf("%s (%s)", o.Field, o.Type))
		}
		if len(threats) > 0 {
			add("threats", "%s", strings.Join(threats, ", "))
		}
		if s.RiskMessage != "" {
			add("message", "%s", s.RiskMessage)
		}
	}
	return out
}

// duration writes a schedule duration as rule files do: 14d, 1h, 1h30m, 9m.
func duration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.unit
		}
	}
	if d > 0 {
		b.WriteString(d.String())
	}
	return b.String()
}

func indentText(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// validation is one rule file's outcome, as validate --format json writes
// it.
type validation struct {
	File   string     `json:"file"`
	ID     string     `json:"id,omitempty"`
	Name   string     `json:"name,omitempty"`
	Format string     `json:"format,omitempty"`
	OK     bool       `json:"ok"`
	Diags  []diagJSON `json:"diagnostics,omitempty"`
}

type diagJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Lang    string `json:"lang,omitempty"`
	Message string `json:"message"`
	Snippet string `json:"snippet,omitempty"`
}

func runRulesValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rules validate", rulesValidateUsage, stdout)
	format := formatFlag(fs)
	opts := addRuleOptions(fs, false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	hopts, err := opts.huntOptions()
	if err != nil {
		return err
	}
	// With PATHs, only those: the built-in pack is validated on its own.
	noBuiltin := fs.NArg() > 0 || *opts.noBuiltin
	if noBuiltin && fs.NArg() == 0 {
		return usagef("--no-builtin leaves nothing to validate: give rule files or directories")
	}
	set, err := engine.LoadRules(fs.Args(), noBuiltin)
	if err != nil {
		return err
	}
	if len(set.Rules) == 0 {
		return usagef("no rule files (.yaml, .yml, .toml) in %s", strings.Join(fs.Args(), ", "))
	}
	src := newSources()
	var results []validation
	failed := 0
	for _, l := range set.Rules {
		diags := l.Diags
		if l.Rule != nil && len(diags) == 0 {
			_, diags = engine.CompileRule(l.Rule, hopts)
		}
		v := validation{File: l.File, OK: l.Rule != nil && len(diags) == 0}
		if l.Rule != nil {
			v.ID, v.Name, v.Format = l.Rule.ID, l.Rule.Name, l.Rule.Format.String()
		}
		if !v.OK {
			failed++
		}
		for _, d := range diags {
			v.Diags = append(v.Diags, diagJSON{File: d.File, Line: d.Pos.Line, Col: d.Pos.Col, Lang: d.Lang, Message: d.Msg, Snippet: src.snippet(d)})
		}
		if len(diags) == 0 && !v.OK {
			v.Diags = append(v.Diags, diagJSON{File: l.File, Message: "not a rule"})
		}
		results = append(results, v)
	}
	if *format == "json" {
		if err := writeJSON(stdout, results); err != nil {
			return err
		}
	} else {
		for _, v := range results {
			if v.OK {
				fmt.Fprintf(stdout, "ok    %s: %s (%s %s)\n", v.File, v.Name, v.Format, v.ID)
				continue
			}
			if v.ID != "" {
				fmt.Fprintf(stdout, "FAIL  %s: %s (%s %s)\n", v.File, v.Name, v.Format, v.ID)
			} else {
				fmt.Fprintf(stdout, "FAIL  %s\n", v.File)
			}
			for _, d := range v.Diags {
				printDiagJSON(stdout, "      ", d)
			}
		}
		fmt.Fprintf(stdout, "%d rule file(s): %d ok, %d not valid\n", len(results), len(results)-failed, failed)
	}
	if failed > 0 {
		return configError{fmt.Sprintf("%d of %d rule file(s) not valid", failed, len(results))}
	}
	return nil
}

// printDiag writes a diagnostic after prefix, and its caret snippet.
func printDiag(w io.Writer, prefix string, d *diag.Error, src sources) {
	fmt.Fprintf(w, "%s%s\n", prefix, d.Error())
	if s := src.snippet(d); s != "" {
		fmt.Fprintf(w, "%s\n", indentText(s))
	}
}

func printDiagJSON(w io.Writer, prefix string, d diagJSON) {
	e := diag.Error{File: d.File, Pos: diag.Pos{Line: d.Line, Col: d.Col}, Lang: d.Lang, Msg: d.Message}
	fmt.Fprintf(w, "%s%s\n", prefix, e.Error())
	if d.Snippet != "" {
		fmt.Fprintf(w, "%s  %s\n", prefix, strings.ReplaceAll(d.Snippet, "\n", "\n"+prefix+"  "))
	}
}

// sources reads rule files for caret snippets, once each.
type sources map[string]string

func newSources() sources { return sources{} }

// snippet returns the line of the diagnostic's file at its position with a
// caret under its column; when the file cannot be read, the diagnostic's
// own snippet of the query.
func (s sources) snippet(d *diag.Error) string {
	if d.File == "" || !d.Pos.IsValid() || d.Pos.Col < 1 {
		return d.Snippet()
	}
	text, ok := s[d.File]
	if !ok {
		var data []byte
		var err error
		if name, builtin := strings.CutPrefix(d.File, "builtin:"); builtin {
			data, err = rules.FS.ReadFile(name)
		} else {
			data, err = os.ReadFile(d.File)
		}
		if err == nil && utf8.Valid(data) {
			text = string(data)
		}
		s[d.File] = text
	}
	if text == "" {
		return d.Snippet()
	}
	// The byte offset of line:col, columns counted in runes.
	off := 0
	for line := 1; line < d.Pos.Line; line++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return d.Snippet()
		}
		off += i + 1
	}
	for col := 1; col < d.Pos.Col && off < len(text) && text[off] != '\n'; col++ {
		_, n := utf8.DecodeRuneInString(text[off:])
		off += n
	}
	return diag.Caret(text, off)
}

func runRulesTest(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rules test", rulesTestUsage, stdout)
	opts := addRuleOptions(fs, true)
	checkOrder := fs.Bool("check-order", false, "also hunt each fixture's input in reverse order and fail when the alerts differ")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	hopts, err := opts.huntOptions()
	if err != nil {
		return err
	}
	set, err := engine.LoadRules(opts.rules, *opts.noBuiltin)
	if err != nil {
		return err
	}
	for _, l := range set.Rules {
		if !l.OK() {
			for _, d := range l.Diags {
				fmt.Fprintf(stderr, "vigil: warning: rule %s\n", d.Error())
			}
		}
	}
	type named struct {
		name string
		f    *ruletest.Fixture
		err  error
	}
	var fixtures []named
	if fs.NArg() == 0 {
		fx, err := ruletest.Builtin()
		if err != nil {
			return err
		}
		for _, f := range fx {
			fixtures = append(fixtures, named{f.Name, f, nil})
		}
	} else {
		files, err := ruletest.Find(fs.Args())
		if err != nil {
			return usageError{err.Error()}
		}
		for _, name := range files {
			f, err := ruletest.ParseFile(name)
			fixtures = append(fixtures, named{name, f, err})
		}
	}
	failed := 0
	ctx := context.Background()
	for _, fx := range fixtures {
		if fx.err != nil {
			failed++
			fmt.Fprintf(stdout, "FAIL  %s\n%s\n", fx.name, indentBy("      ", fx.err.Error()))
			continue
		}
		res := ruletest.Run(ctx, fx.f, set, ruletest.Options{Hunt: hopts, CheckOrder: *checkOrder})
		what := fx.f.RuleID
		if res.Rule != nil {
			what = res.Rule.Rule.Name
		}
		if res.Passed() {
			fmt.Fprintf(stdout, "ok    %s: %s, %d alert(s)\n", fx.name, what, len(res.Got))
			continue
		}
		failed++
		fmt.Fprintf(stdout, "FAIL  %s: %s\n%s\n", fx.name, what, indentBy("      ", strings.TrimRight(res.Diff(), "\n")))
	}
	fmt.Fprintf(stdout, "%d fixture(s): %d passed, %d failed\n", len(fixtures), len(fixtures)-failed, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d fixture(s) failed", failed, len(fixtures))
	}
	return nil
}

func indentBy(prefix, s string) string { return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix) }
