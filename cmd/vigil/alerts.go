package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"vigil/internal/alert"
	"vigil/internal/engine"
	"vigil/internal/input"
	"vigil/internal/output"
)

// parseOutputFormat reads --format. An input shape there is most likely
// the old spelling of --input-format, so the error says so.
func parseOutputFormat(s string) (output.Format, error) {
	f, err := output.ParseFormat(s)
	if err == nil {
		return f, nil
	}
	msg := "--format: " + err.Error()
	if _, shapeErr := input.ParseShape(s); shapeErr == nil {
		msg += "; the shape of input files is --input-format " + s
	}
	return 0, usageError{msg}
}

// writeAlerts writes the alerts in format f to the file name, or to stdout
// for "-" (with colour when the table goes to a terminal).
func writeAlerts(name string, f output.Format, alerts []*alert.Alert, stdout io.Writer) error {
	opts := output.Options{Version: version}
	if name == "-" {
		opts.Color = f == output.Table && useColor(stdout)
		bw := bufio.NewWriter(stdout)
		if err := output.Write(bw, f, alerts, opts); err != nil {
			return fmt.Errorf("writing alerts: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("writing alerts: %w", err)
		}
		return nil
	}
	file, err := os.Create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(file, 256<<10)
	err = output.Write(bw, f, alerts, opts)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing alerts to %s: %w", name, err)
	}
	return nil
}

// useColor reports whether output to w may be coloured: w is a terminal
// and NO_COLOR (https://no-color.org) is unset or empty.
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// shownPerRule bounds the alerts the summary lists for each rule and
// severity; --output has them all.
const shownPerRule = 10

// printRuleErrors reports the rules that could not run, with their
// diagnostics, on stderr, and returns how many there were.
func printRuleErrors(stderr io.Writer, h *engine.HuntResult) (failed int) {
	for _, r := range h.Rules {
		if r.OK() && r.Err == nil {
			continue
		}
		failed++
		for _, d := range r.Diags {
			fmt.Fprintf(stderr, "vigil: error: rule %s\n", d.Error())
		}
		if r.Err != nil {
			fmt.Fprintf(stderr, "vigil: error: rule %s: %v\n", r.File, r.Err)
		}
	}
	return failed
}

// printRules reports the rules that ran, the ones that could not (with their
// diagnostics, on stderr), and the alerts as a table.
func printRules(w, stderr io.Writer, h *engine.HuntResult, elapsed time.Duration) {
	failed := printRuleErrors(stderr, h)
	ok := len(h.Rules) - failed
	fmt.Fprintf(w, "\nrules: %d ran in %s", ok, elapsed.Round(time.Millisecond))
	if failed > 0 {
		fmt.Fprintf(w, ", %d could not run (see the errors above)", failed)
	}
	fmt.Fprintln(w)
	tw := newTable(w)
	for _, r := range h.Rules {
		name, format := r.File, ""
		if r.Rule != nil {
			name, format = r.Rule.Name, r.Rule.Format.String()
		}
		status := fmt.Sprintf("%d alert(s)", r.Alerts)
		if !r.OK() || r.Err != nil {
			status = "not run"
		}
		tw.row(name, format, status)
	}
	tw.flush()
	fmt.Fprintln(w)
	printAlertTable(w, h.Alerts)
}

// printAlertTable lists alerts on the terminal, a few per rule.
func printAlertTable(w io.Writer, alerts []*alert.Alert) {
	output.WriteTable(w, alerts, output.Options{
		Color:      useColor(w),
		MaxPerRule: shownPerRule,
		MoreHint:   "(--output FILE writes them all)",
	})
}

func outputFormatNames() []string { return output.FormatNames() }

// huntAlertFormat reads hunt's --format and settles where the alerts go:
// --output FILE alone is JSON lines; a format other than table without
// --output sends the alerts to standard output (*outputFile becomes "-").
func huntAlertFormat(format string, outputFile *string) (output.Format, error) {
	if format == "" {
		return output.JSONL, nil
	}
	f, err := parseOutputFormat(format)
	if err != nil {
		return 0, err
	}
	if *outputFile == "" && f != output.Table {
		*outputFile = "-"
	}
	return f, nil
}
