package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"vigil/internal/gen"
)

const genUsage = `usage: vigil gen [flags] --out DIR

Writes a synthetic Entra ID tenant's sign-in logs to DIR: users working in
their own time zones, interactive and non-interactive sign-ins to real
first-party applications, conditional access, failures with real error
codes, the IdentityInfo and BehaviorAnalytics tables, and injected attacks
(consent phishing, MFA fatigue, token replay, device-code phishing) with
near-misses that must not raise alerts. DIR/.labels.jsonl holds the ground
truth: for each labelled sign-in, the built-in rule that should fire, or
"none". The same seed writes the same bytes. Then: vigil hunt DIR.

Attacks fall after the first 14 days when --days allows (the new_terms
rules look 7 and 14 days back), else in the second half of the span.
Files are written per day (and per log category where the shape's pipeline
separates them); files of an earlier run into DIR are not removed.
`

func runGen(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gen", genUsage, stdout)
	users := fs.Int("users", 50, "accounts in the tenant (at least 20)")
	days := fs.Int("days", 21, "days of traffic")
	start := fs.String("start", "2024-05-06", "the first `day` of traffic, UTC, as YYYY-MM-DD")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same bytes")
	shape := fs.String("shape", "azmon", "export shape: "+strings.Join(gen.ShapeNames(), ", "))
	gz := fs.Bool("gzip", false, "gzip every file")
	out := fs.String("out", "", "output `DIR` (created if missing)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("gen takes no arguments, got %q", fs.Arg(0))
	}
	if *out == "" {
		return usagef("gen needs --out DIR")
	}
	if *users < gen.MinUsers {
		return usagef("--users: need at least %d (each scenario has its own victims), got %d", gen.MinUsers, *users)
	}
	if *days < 1 || *days > gen.MaxDays {
		return usagef("--days: want 1 to %d, got %d", gen.MaxDays, *days)
	}
	day, err := time.Parse("2006-01-02", *start)
	if err != nil {
		return usagef("--start: want a date YYYY-MM-DD, got %q", *start)
	}
	sh, err := gen.ParseShape(*shape)
	if err != nil {
		return usagef("--shape: %v", err)
	}
	began := time.Now()
	sum, err := gen.Generate(gen.Options{Users: *users, Days: *days, Start: day, Seed: *seed, Shape: sh, Gzip: *gz, Dir: *out})
	if err != nil {
		return err
	}
	took := time.Since(began)
	fmt.Fprintf(stdout, "wrote %d sign-ins (%d interactive, %d non-interactive, %d failures) of %d users over %d days, %s to %s, shape %s\n",
		sum.SignIns, sum.Interactive, sum.NonInteractive, sum.Failures, *users, *days,
		sum.First.Format(time.RFC3339), sum.Last.Format(time.RFC3339), sh)
	fmt.Fprintf(stdout, "tables: IdentityInfo %d rows, BehaviorAnalytics %d rows\n", sum.IdentityInfo, sum.BehaviorRows)
	attacks, near := 0, 0
	for _, l := range sum.Labels {
		if l.Rule == "none" {
			near++
		} else {
			attacks++
		}
	}
	fmt.Fprintf(stdout, "labels: %d expected alerts, %d near-misses in %s\n", attacks, near, filepath.Join(*out, sum.LabelFile))
	mb := float64(sum.Bytes) / 1e6
	fmt.Fprintf(stdout, "files: %d in %s, %.1f MB of records in %s (%.0f records/s)\n",
		len(sum.Files), *out, mb, took.Round(time.Millisecond), float64(sum.SignIns)/took.Seconds())
	return nil
}
