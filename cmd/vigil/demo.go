package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"vigil/internal/gen"
)

const demoUsage = `usage: vigil demo [flags]

Shows vigil at work: generates three weeks of a small synthetic tenant's
sign-in logs (Azure Monitor records, with IdentityInfo and BehaviorAnalytics)
into a directory, hunts them with the built-in rules — Microsoft Sentinel,
Splunk ESCU and Elastic detections — and shows the alerts raised from the
day the injected attacks begin, checked against the generator's ground
truth. The files stay, so you can run vigil hunt on them yourself.
`

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", demoUsage, stdout)
	out := fs.String("out", "", "write the generated logs to `DIR` (default: a new temporary directory)")
	users := fs.Int("users", 40, "accounts in the tenant")
	seed := fs.Uint64("seed", 1, "random seed of the generated tenant")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("demo takes no arguments, got %q", fs.Arg(0))
	}
	if *users < gen.MinUsers {
		return usagef("--users: need at least %d, got %d", gen.MinUsers, *users)
	}
	dir := *out
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "vigil-demo-"); err != nil {
			return err
		}
	}
	const days = 21 // the new_terms rules look 14 days back before the attacks
	start := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	fmt.Fprintf(stdout, "vigil demo: generating %d days of sign-ins for %d users into %s …\n", days, *users, dir)
	sum, err := gen.Generate(gen.Options{Users: *users, Days: days, Start: start, Seed: *seed, Shape: gen.ShapeAzureMonitor, Dir: dir})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d sign-ins (%d interactive), %d IdentityInfo and %d BehaviorAnalytics rows\n\n",
		sum.SignIns, sum.Interactive, sum.IdentityInfo, sum.BehaviorRows)

	// Alerts before the attacks are the new_terms rules meeting every
	// user's clients for the first time: true to the rules, but not the
	// story. Report from the first attack's day on.
	since := attackDay(sum.Labels)
	alertsFile := filepath.Join(dir, "alerts.jsonl")
	fmt.Fprintf(stdout, "$ vigil hunt --alerts-since %s --output %s %s\n", since, alertsFile, dir)
	if err := runHunt([]string{"--alerts-since", since, "--output", alertsFile, dir}, stdout, stderr); err != nil {
		return err
	}
	found, missed, quiet, noisy, err := checkLabels(alertsFile, sum.Labels)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nground truth (%s): %d of %d injected attacks raised their rule's alert", gen.LabelFile, found, found+len(missed))
	fmt.Fprintf(stdout, "; %d of %d near-misses stayed quiet\n", quiet, quiet+len(noisy))
	for _, m := range missed {
		fmt.Fprintf(stdout, "  missed: %s\n", m)
	}
	for _, m := range noisy {
		fmt.Fprintf(stdout, "  near-miss that fired: %s\n", m)
	}
	fmt.Fprintf(stdout, "\nthe logs are in %s; try:\n", dir)
	fmt.Fprintf(stdout, "  vigil hunt %s\n", dir)
	fmt.Fprintf(stdout, "  vigil hunt --no-builtin --rules MY-RULES %s\n", dir)
	fmt.Fprintf(stdout, "  vigil gen --shape graph --out DIR   (or loganalytics, loganalytics-csv, ecs)\n")
	return nil
}

// attackDay is the day of the first labelled sign-in, as YYYY-MM-DD.
func attackDay(labels []gen.Label) string {
	first := ""
	for _, l := range labels {
		if first == "" || l.Time < first {
			first = l.Time
		}
	}
	if len(first) < 10 {
		return "1970-01-01"
	}
	return first[:10]
}

// checkLabels compares the alerts with the ground truth: a labelled attack
// is found when an alert of its rule names its user at or after its time; a
// near-miss is quiet when no alert of the rule it must not fire names its
// user at its time (a run window holding the sign-in).
func checkLabels(alertsFile string, labels []gen.Label) (found int, missed []string, quiet int, noisy []string, err error) {
	f, err := os.Open(alertsFile)
	if err != nil {
		return 0, nil, 0, nil, err
	}
	defer f.Close()
	type hit struct {
		rule, user string
		first      time.Time
		last       time.Time
	}
	var hits []hit
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var a struct {
			RuleID    string    `json:"rule_id"`
			FirstSeen time.Time `json:"first_seen"`
			LastSeen  time.Time `json:"last_seen"`
			Entities  []struct {
				Type, Value string
			} `json:"entities"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return 0, nil, 0, nil, fmt.Errorf("reading %s: %w", alertsFile, err)
		}
		for _, e := range a.Entities {
			if e.Type == "user" {
				hits = append(hits, hit{a.RuleID, strings.ToLower(e.Value), a.FirstSeen, a.LastSeen})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, nil, 0, nil, err
	}
	alerted := func(rule, user string, at time.Time, exact bool) bool {
		for _, h := range hits {
			if h.rule != rule || h.user != strings.ToLower(user) {
				continue
			}
			// Rule windows and ingestion delays put an alert's span within
			// a day of the sign-in.
			if !exact || (!at.Before(h.first.Add(-24*time.Hour)) && !at.After(h.last.Add(24*time.Hour))) {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	for _, l := range labels {
		at, _ := time.Parse(time.RFC3339Nano, l.Time)
		what := fmt.Sprintf("%s (%s) for %s at %s", l.Scenario, l.Case, l.User, at.Format(time.RFC3339))
		if l.Rule == "none" {
			if alerted(l.NearMissOf, l.User, at, true) {
				noisy = append(noisy, what)
			} else {
				quiet++
			}
			continue
		}
		key := l.Rule + "/" + strings.ToLower(l.User)
		if seen[key] {
			continue // one alert per rule and user is enough
		}
		seen[key] = true
		if alerted(l.Rule, l.User, at, false) {
			found++
		} else {
			missed = append(missed, l.RuleName+": "+what)
		}
	}
	sort.Strings(missed)
	return found, missed, quiet, noisy, nil
}
