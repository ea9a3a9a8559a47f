package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"vigil/internal/engine"
	"vigil/internal/event"
	"vigil/internal/input"
	"vigil/internal/output"
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

// huntConfig is what vigil hunt is asked to do: its flags and PATHs.
type huntConfig struct {
	paths        []string
	inputFormat  string
	tables       tableFlag
	strict       bool
	quiet        bool
	emit         string
	problemsFile string
	rulePaths    listFlag
	noBuiltin    bool
	output       string
	format       string
	workers      int
	macroPaths   listFlag
	lookups      lookupFlag
	stateDir     string
	asnDB        string
	alertsSince  string
	cpuProfile   string
	memProfile   string

	// Settled by validate.
	alertFormat output.Format
	shape       input.Shape
}

// register defines the flags of hunt on fs.
func (c *huntConfig) register(fs *flag.FlagSet) {
	c.tables, c.lookups = tableFlag{}, lookupFlag{}
	fs.StringVar(&c.inputFormat, "input-format", "", "shape of JSON input files instead of detecting it: "+strings.Join(input.ShapeNames(), ", "))
	fs.Var(c.tables, "table", "`NAME=PATH`: rows of PATH without a Type column belong to table NAME (repeatable)")
	fs.BoolVar(&c.strict, "strict", false, "stop at the first bad record (exit 1)")
	fs.BoolVar(&c.quiet, "quiet", false, "print nothing but errors and alerts (problems still go to --problems FILE)")
	fs.StringVar(&c.emit, "emit-events", "", "write the canonical events as JSON lines to `FILE` (- for standard output)")
	fs.StringVar(&c.problemsFile, "problems", "", "write every problem as JSON lines to `FILE`")
	fs.Var(&c.rulePaths, "rules", "load rule files from `PATH` (a file or directory; repeatable), besides the built-in pack")
	fs.BoolVar(&c.noBuiltin, "no-builtin", false, "do not run the built-in rule pack")
	fs.StringVar(&c.output, "output", "", "write the alerts to `FILE` (- for standard output), as JSON lines unless --format says otherwise")
	fs.StringVar(&c.format, "format", "", "write the alerts in `FORMAT`: "+strings.Join(outputFormatNames(), ", ")+" (default: jsonl to --output, a table in the summary); without --output, formats other than table go to standard output")
	fs.IntVar(&c.workers, "workers", 0, "goroutines that decode input and run rules (default: one per core)")
	fs.Var(&c.macroPaths, "macros", "read SPL macro definitions from `PATH` (ESCU macros/*.yml, a macros.conf, or a directory of them; repeatable), overriding the built-ins")
	fs.Var(c.lookups, "lookup", "`NAME=PATH`: CSV file of the lookup NAME for SPL's lookup command (repeatable)")
	fs.StringVar(&c.stateDir, "state", "", "keep the first-seen history of new_terms rules in `DIR` between hunts")
	fs.StringVar(&c.asnDB, "asn-db", "", "look up source.as.* in the MaxMind-format ASN database `PATH` (GeoLite2-ASN, DB-IP, ip-location-db)")
	fs.StringVar(&c.alertsSince, "alerts-since", "", "report only alerts from `TIME` on (RFC 3339 or YYYY-MM-DD); earlier data still feeds history and windows")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the hunt to `FILE` (for go tool pprof)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile at the end of the hunt to `FILE`")
}

// validate checks the flags and PATHs against each other and settles where
// the alerts go; its errors are usage errors.
func (c *huntConfig) validate() error {
	if len(c.paths) == 0 {
		return usagef("hunt needs at least one PATH")
	}
	var err error
	if c.alertFormat, err = huntAlertFormat(c.format, &c.output); err != nil {
		return err
	}
	if c.emit == "-" && c.output == "-" {
		return usagef("--emit-events - and the alerts cannot both go to standard output")
	}
	if c.inputFormat != "" {
		if c.shape, err = input.ParseShape(c.inputFormat); err != nil {
			return usageError{err.Error()}
		}
		if c.shape == input.ShapeLogAnalyticsCSV {
			return usagef("--input-format log-analytics-csv is not needed: CSV files are recognised as such")
		}
	}
	return nil
}

func runHunt(args []string, stdout, stderr io.Writer) error {
	var c huntConfig
	fs := newFlagSet("hunt", huntUsage, stdout)
	c.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c.paths = fs.Args()
	if err := c.validate(); err != nil {
		return err
	}
	stopProfiles, err := startProfiles(c.cpuProfile, c.memProfile)
	if err != nil {
		return err
	}
	defer stopProfiles()
	common, err := openCommon(c.stateDir, c.asnDB, c.alertsSince)
	if err != nil {
		return err
	}
	defer common.close()
	h, err := c.prepare(common)
	if err != nil {
		return err
	}
	data, err := h.read(stdout, stderr)
	if err != nil {
		return err
	}
	huntStart := time.Now()
	result := engine.HuntWith(context.Background(), data, h.rules, h.huntOpts)
	stopProfiles() // while the hunt's data is alive, for the heap profile
	h.huntElapsed = time.Since(huntStart)
	return h.report(data, result, stdout, stderr)
}

// huntRun is one hunt under way: its configuration, what it opened and
// loaded, and how long its stages took.
type huntRun struct {
	*huntConfig
	common      *huntCommon
	files       []string
	rules       *engine.RuleSet
	huntOpts    engine.HuntOptions
	readOpts    engine.ReadOptions
	readElapsed time.Duration
	huntElapsed time.Duration
}

// prepare lists the input files and loads the rules, macros and lookups.
func (c *huntConfig) prepare(common *huntCommon) (*huntRun, error) {
	h := &huntRun{huntConfig: c, common: common}
	h.readOpts = engine.ReadOptions{Tables: c.tables, Strict: c.strict, Workers: c.workers, KeepExtra: true, Format: c.shape}
	var err error
	if h.files, err = input.Expand(c.paths); err != nil {
		return nil, err
	}
	if h.rules, err = engine.LoadRules(c.rulePaths, c.noBuiltin); err != nil {
		return nil, err
	}
	macros, err := engine.LoadMacros(c.macroPaths)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	lookupTables, err := engine.LoadLookups(c.lookups)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	for path := range c.tables {
		if !contains(h.files, path) {
			return nil, usagef("--table names %s, which is not among the files read", path)
		}
	}
	h.huntOpts = engine.HuntOptions{Macros: macros, Lookups: lookupTables, Workers: c.workers, CommonOptions: common.opts}
	// Decode only what the rules and the hunt read, unless the events are
	// written out or every member is to be checked (--strict, --problems).
	if c.emit == "" && !c.strict && c.problemsFile == "" {
		h.readOpts.Fields, h.readOpts.KeepExtra = engine.Projection(h.rules, h.huntOpts)
	}
	// Keep only the sign-ins some rule can reach, unless all are written out.
	if c.emit == "" {
		h.readOpts.Retain = engine.NewRetention(h.rules, h.huntOpts)
	}
	return h, nil
}

// read reads the input files, reporting problems as they are met, and
// writes the events when --emit-events asks for them.
func (h *huntRun) read(stdout, stderr io.Writer) (*engine.Data, error) {
	var pw *jsonLines
	if h.problemsFile != "" {
		var err error
		if pw, err = createJSONLines(h.problemsFile, stdout); err != nil {
			return nil, err
		}
	}
	shown := map[string]int{}
	report := func(p engine.Problem) {
		if pw != nil {
			pw.write(problemJSON(p))
		}
		if h.quiet {
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
	opts := h.readOpts
	stopProgress := func() {}
	if total := inputSize(h.files); !h.quiet && isTerminal(stderr) && (total < 0 || total >= progressMin) {
		opts.Progress = &engine.Progress{}
		stopProgress = startProgress(stderr, total, opts.Progress)
	}
	start := time.Now()
	data, readErr := engine.Read(h.files, opts, report)
	h.readElapsed = time.Since(start)
	stopProgress()
	if pw != nil {
		if err := pw.close(); err != nil {
			return nil, err
		}
	}
	if readErr != nil {
		return nil, readErr
	}
	if h.emit != "" {
		if err := emitEvents(h.emit, data.Events, stdout); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// report commits the state, writes the alerts and prints the summary.
func (h *huntRun) report(data *engine.Data, result *engine.HuntResult, stdout, stderr io.Writer) error {
	if err := h.common.finish(result, stderr); err != nil {
		return err
	}
	if h.output != "" {
		if err := writeAlerts(h.output, h.alertFormat, result.Alerts, stdout); err != nil {
			return err
		}
	}
	out := stdout
	if h.emit == "-" || h.output == "-" {
		out = stderr
	}
	if h.quiet {
		printRuleErrors(stderr, result)
		printAlertTable(out, result.Alerts)
	} else {
		printSummary(out, data, h.readElapsed)
		printRules(out, stderr, result, h.huntElapsed)
		h.common.printASN(out, result)
	}
	if data.Problems > 0 && h.problemsFile == "" && !h.quiet {
		fmt.Fprintf(stderr, "vigil: hint: --problems FILE lists every problem; --strict stops at the first\n")
	}
	if data.SignIns() == 0 && sumRows(data) == 0 {
		return fmt.Errorf("no sign-ins or table rows could be read from %d file(s)", len(h.files))
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
