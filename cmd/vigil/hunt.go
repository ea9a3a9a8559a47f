package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"vigil/internal/engine"
	"vigil/internal/event"
	"vigil/internal/input"
)

const huntUsage = `usage: vigil hunt [flags] PATH...

Reads Entra ID sign-in exports and reports what they hold. PATH is a file, a
directory (read recursively) or - for standard input. Every shape is detected
per file: Microsoft Graph signIns (v1.0/beta: object, array, API pages,
NDJSON), Azure Monitor diagnostic records ({"records":[…]}, one per line),
Log Analytics exports (JSON rows or the portal's CSV), Elastic documents;
any of them gzip-compressed.

Bad records are reported with their position and counted; the rest is read.
`

// tableFlag collects --table NAME=PATH.
type tableFlag map[string]string

func (t tableFlag) String() string { return "" }

func (t tableFlag) Set(v string) error {
	name, path, ok := strings.Cut(v, "=")
	if !ok || name == "" || path == "" {
		return fmt.Errorf("want NAME=PATH, got %q", v)
	}
	t[path] = name
	return nil
}

const shownProblems = 10 // problems shown per reason; the rest are counted

func runHunt(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hunt", huntUsage, stdout)
	inputFormat := fs.String("input-format", "", "shape of JSON input files instead of detecting it: "+strings.Join(input.ShapeNames(), ", "))
	tables := tableFlag{}
	fs.Var(tables, "table", "`NAME=PATH`: rows of PATH without a Type column belong to table NAME (repeatable)")
	strict := fs.Bool("strict", false, "stop at the first bad record (exit 1)")
	quiet := fs.Bool("quiet", false, "print nothing but errors and alerts (problems still go to --problems FILE)")
	emit := fs.String("emit-events", "", "write the canonical events as JSON lines to `FILE` (- for standard output)")
	problemsFile := fs.String("problems", "", "write every problem as JSON lines to `FILE`")
	var rulePaths listFlag
	fs.Var(&rulePaths, "rules", "load rule files from `PATH` (a file or directory; repeatable), besides the built-in pack")
	noBuiltin := fs.Bool("no-builtin", false, "do not run the built-in rule pack")
	output := fs.String("output", "", "write the alerts to `FILE` (- for standard output), as JSON lines unless --format says otherwise")
	format := fs.String("format", "", "write the alerts in `FORMAT`: "+strings.Join(outputFormatNames(), ", ")+" (default: jsonl to --output, a table in the summary); without --output, formats other than table go to standard output")
	workers := fs.Int("workers", 0, "goroutines that decode input and run rules (default: one per core)")
	var macroPaths listFlag
	fs.Var(&macroPaths, "macros", "read SPL macro definitions from `PATH` (ESCU macros/*.yml, a macros.conf, or a directory of them; repeatable), overriding the built-ins")
	lookups := lookupFlag{}
	fs.Var(lookups, "lookup", "`NAME=PATH`: CSV file of the lookup NAME for SPL's lookup command (repeatable)")
	stateDir := fs.String("state", "", "keep the first-seen history of new_terms rules in `DIR` between hunts")
	asnDB := fs.String("asn-db", "", "look up source.as.* in the MaxMind-format ASN database `PATH` (GeoLite2-ASN, DB-IP, ip-location-db)")
	alertsSince := fs.String("alerts-since", "", "report only alerts from `TIME` on (RFC 3339 or YYYY-MM-DD); earlier data still feeds history and windows")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the hunt to `FILE` (for go tool pprof)")
	memProfile := fs.String("memprofile", "", "write a heap profile at the end of the hunt to `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("hunt needs at least one PATH")
	}
	alertFormat, err := huntAlertFormat(*format, output)
	if err != nil {
		return err
	}
	if *emit == "-" && *output == "-" {
		return usagef("--emit-events - and the alerts cannot both go to standard output")
	}
	stopProfiles, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		return err
	}
	defer stopProfiles()
	common, err := openCommon(*stateDir, *asnDB, *alertsSince)
	if err != nil {
		return err
	}
	defer common.close()
	opts := engine.ReadOptions{Tables: tables, Strict: *strict, Workers: *workers, KeepExtra: true}
	if *inputFormat != "" {
		s, err := input.ParseShape(*inputFormat)
		if err != nil {
			return usageError{err.Error()}
		}
		if s == input.ShapeLogAnalyticsCSV {
			return usagef("--input-format log-analytics-csv is not needed: CSV files are recognised as such")
		}
		opts.Format = s
	}
	files, err := input.Expand(fs.Args())
	if err != nil {
		return err
	}
	ruleSet, err := engine.LoadRules(rulePaths, *noBuiltin)
	if err != nil {
		return err
	}
	macros, err := engine.LoadMacros(macroPaths)
	if err != nil {
		return usageError{err.Error()}
	}
	lookupTables, err := engine.LoadLookups(lookups)
	if err != nil {
		return usageError{err.Error()}
	}
	for path := range tables {
		if !contains(files, path) {
			return usagef("--table names %s, which is not among the files read", path)
		}
	}
	huntOpts := engine.HuntOptions{Macros: macros, Lookups: lookupTables, Workers: *workers, CommonOptions: common.opts}
	// Decode only what the rules and the hunt read, unless the events are
	// written out or every member is to be checked (--strict, --problems).
	if *emit == "" && !*strict && *problemsFile == "" {
		opts.Fields, opts.KeepExtra = engine.Projection(ruleSet, huntOpts)
	}
	// Keep only the sign-ins some rule can reach, unless all are written out.
	if *emit == "" {
		opts.Retain = engine.NewRetention(ruleSet, huntOpts)
	}

	var pw *jsonLines
	if *problemsFile != "" {
		if pw, err = createJSONLines(*problemsFile, stdout); err != nil {
			return err
		}
	}
	shown := map[string]int{}
	report := func(p engine.Problem) {
		if pw != nil {
			pw.write(problemJSON(p))
		}
		if *quiet {
			return
		}
		shown[p.Reason]++
		switch n := shown[p.Reason]; {
		case n <= shownProblems:
			fmt.Fprintf(stderr, "vigil: warning: %s\n", p.Error())
		case n == shownProblems+1:
			fmt.Fprintf(stderr, "vigil: warning: more problems of the kind %q are counted in the summary, not shown\n", p.Reason)
		}
	}
	// A progress line on a terminal, for inputs that take a while.
	stopProgress := func() {}
	if total := inputSize(files); !*quiet && isTerminal(stderr) && (total < 0 || total >= progressMin) {
		opts.Progress = &engine.Progress{}
		stopProgress = startProgress(stderr, total, opts.Progress)
	}
	start := time.Now()
	data, readErr := engine.Read(files, opts, report)
	elapsed := time.Since(start)
	stopProgress()
	if pw != nil {
		if err := pw.close(); err != nil {
			return err
		}
	}
	if readErr != nil {
		return readErr
	}
	if *emit != "" {
		if err := emitEvents(*emit, data.Events, stdout); err != nil {
			return err
		}
	}
	huntStart := time.Now()
	hunt := engine.HuntWith(context.Background(), data, ruleSet, huntOpts)
	stopProfiles() // while the hunt's data is alive, for the heap profile
	huntElapsed := time.Since(huntStart)
	if err := common.finish(hunt, stderr); err != nil {
		return err
	}
	if *output != "" {
		if err := writeAlerts(*output, alertFormat, hunt.Alerts, stdout); err != nil {
			return err
		}
	}
	out := stdout
	if *emit == "-" || *output == "-" {
		out = stderr
	}
	if *quiet {
		printRuleErrors(stderr, hunt)
		printAlertTable(out, hunt.Alerts)
	} else {
		printSummary(out, data, elapsed)
		printRules(out, stderr, hunt, huntElapsed)
		common.printASN(out, hunt)
	}
	if data.Problems > 0 && pw == nil && !*quiet {
		fmt.Fprintf(stderr, "vigil: hint: --problems FILE lists every problem; --strict stops at the first\n")
	}
	if data.SignIns() == 0 && sumRows(data) == 0 {
		return fmt.Errorf("no sign-ins or table rows could be read from %d file(s)", len(files))
	}
	return nil
}

// lookupFlag collects --lookup NAME=PATH.
type lookupFlag map[string]string

func (l lookupFlag) String() string { return "" }

func (l lookupFlag) Set(v string) error {
	name, path, ok := strings.Cut(v, "=")
	if !ok || name == "" || path == "" {
		return fmt.Errorf("want NAME=PATH, got %q", v)
	}
	l[name] = path
	return nil
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sumRows(d *engine.Data) int {
	n := 0
	for _, rows := range d.Tables {
		n += len(rows)
	}
	return n
}

// jsonLines writes JSON lines to a file or standard output.
type jsonLines struct {
	w   *bufio.Writer
	f   *os.File
	err error
}

func createJSONLines(name string, stdout io.Writer) (*jsonLines, error) {
	if name == "-" {
		return &jsonLines{w: bufio.NewWriter(stdout)}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	return &jsonLines{w: bufio.NewWriterSize(f, 256<<10), f: f}, nil
}

func (j *jsonLines) write(line []byte) {
	if j.err == nil {
		_, j.err = j.w.Write(append(line, '\n'))
	}
}

func (j *jsonLines) close() error {
	if err := j.w.Flush(); j.err == nil {
		j.err = err
	}
	if j.f != nil {
		if err := j.f.Close(); j.err == nil {
			j.err = err
		}
	}
	return j.err
}

func emitEvents(name string, events []event.SignIn, stdout io.Writer) error {
	w, err := createJSONLines(name, stdout)
	if err != nil {
		return err
	}
	var buf []byte
	for i := range events {
		buf = events[i].AppendJSON(buf[:0])
		w.write(buf)
	}
	if err := w.close(); err != nil {
		return fmt.Errorf("writing events: %w", err)
	}
	return nil
}

func problemJSON(p engine.Problem) []byte {
	b, _ := json.Marshal(struct {
		File   string `json:"file"`
		Line   int    `json:"line,omitempty"`
		Record int    `json:"record,omitempty"`
		Offset *int64 `json:"offset,omitempty"`
		Reason string `json:"reason"`
		Msg    string `json:"message"`
	}{p.File, p.Line, p.Record, offsetPtr(p.Offset), p.Reason, p.Msg})
	return b
}

func offsetPtr(o int64) *int64 {
	if o < 0 {
		return nil
	}
	return &o
}

func printSummary(w io.Writer, d *engine.Data, elapsed time.Duration) {
	secs := elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	fmt.Fprintf(w, "read %d file(s), %s in %s: %d sign-ins, %d table rows, %d problem(s)\n",
		len(d.Files), byteSize(d.Bytes), elapsed.Round(time.Millisecond), d.SignIns(), sumRows(d), d.Problems)
	fmt.Fprintf(w, "throughput: %.0f events/s, %s/s on %d core(s)\n", float64(d.SignIns())/secs, byteSize(int64(float64(d.Bytes)/secs)), runtime.GOMAXPROCS(0))
	if d.Retained() {
		fmt.Fprintf(w, "kept %d of the %d sign-ins: the others pass no rule's filters\n", len(d.Events), d.SignIns())
	}

	fmt.Fprintln(w, "\nfiles:")
	tw := newTable(w)
	for _, f := range d.Files {
		shape := f.Shape.String()
		var notes []string
		if f.Gzip {
			notes = append(notes, "gzip")
		}
		if f.UTF16 {
			notes = append(notes, "utf-16")
		}
		if len(notes) > 0 {
			shape += " (" + strings.Join(notes, ", ") + ")"
		}
		counts := fmt.Sprintf("%d sign-ins", f.Events)
		if f.Rows > 0 {
			counts += fmt.Sprintf(", %d rows", f.Rows)
		}
		if f.Problems > 0 {
			counts += fmt.Sprintf(", %d problem(s)", f.Problems)
		}
		tw.row(f.Name, shape, counts)
	}
	tw.flush()

	if d.SignIns() > 0 {
		fmt.Fprintln(w, "\nsign-ins by category:")
		cats := d.Categories
		var order []string
		for c := range cats {
			order = append(order, c)
		}
		sortStrings(order)
		tw = newTable(w)
		for _, c := range order {
			tw.row(c, fmt.Sprint(cats[c]))
		}
		tw.flush()
		if first, last, ok := d.TimeRange(); ok {
			fmt.Fprintf(w, "\ntime range: %s … %s\n", first.Format(time.RFC3339), last.Format(time.RFC3339))
		}
	}
	if names := d.TableNames(); len(names) > 0 {
		fmt.Fprintln(w, "\ntables:")
		tw = newTable(w)
		for _, n := range names {
			tw.row(n, fmt.Sprintf("%d rows", len(d.Tables[n])))
		}
		tw.flush()
	}
	if d.Problems > 0 {
		fmt.Fprintln(w, "\nproblems by reason:")
		var reasons []string
		for r := range d.Reasons {
			reasons = append(reasons, r)
		}
		sortStrings(reasons)
		tw = newTable(w)
		for _, r := range reasons {
			tw.row(r, fmt.Sprint(d.Reasons[r]))
		}
		tw.flush()
	}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
