package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"vigil/internal/alert"
	"vigil/internal/engine"
)

func writeAlerts(name string, alerts []*alert.Alert, stdout io.Writer) error {
	w, err := createJSONLines(name, stdout)
	if err != nil {
		return err
	}
	var buf []byte
	for _, a := range alerts {
		buf = a.AppendJSON(buf[:0])
		w.write(buf)
	}
	if err := w.close(); err != nil {
		return fmt.Errorf("writing alerts: %w", err)
	}
	return nil
}

const shownAlerts = 20 // alerts listed on the terminal; --output has them all

// printRules reports the rules that ran, the ones that could not (with their
// diagnostics, on stderr), and the alerts.
func printRules(w, stderr io.Writer, h *engine.HuntResult, elapsed time.Duration) {
	var ok, failed int
	for _, r := range h.Rules {
		if r.OK() && r.Err == nil {
			ok++
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
	if len(h.Alerts) == 0 {
		fmt.Fprintln(w, "\nalerts: none")
		return
	}
	fmt.Fprintf(w, "\nalerts: %d\n", len(h.Alerts))
	tw = newTable(w)
	for i, a := range h.Alerts {
		if i == shownAlerts {
			fmt.Fprintf(w, "  … %d more (--output FILE writes them all)\n", len(h.Alerts)-shownAlerts)
			break
		}
		var ents []string
		for _, e := range a.Entities {
			ents = append(ents, e.Type+":"+e.Value)
		}
		tw.row(a.Time.Format(time.RFC3339), a.Severity, a.RuleName, strings.Join(ents, " "))
	}
	tw.flush()
}
