package output

import (
	"fmt"
	"io"
	"strings"

	"vigil/internal/alert"
)

// Format is an output format of alerts.
type Format uint8

// The formats.
const (
	Table Format = iota // the terminal view, grouped by rule and severity
	JSONL               // one alert JSON object per line
	CSV                 // a timeline, one row per alert
	OCSF                // one OCSF Detection Finding per line
)

var formatNames = [...]string{"table", "jsonl", "csv", "ocsf"}

// String returns the format's name as --format spells it.
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", f)
}

// FormatNames returns the names of the formats, in the order of the
// constants.
func FormatNames() []string { return append([]string(nil), formatNames[:]...) }

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if n == s {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown output format %q (want one of %s)", s, strings.Join(formatNames[:], ", "))
}

// Options tune the writers; the zero value is valid.
type Options struct {
	// Color makes the table use ANSI colours. The caller decides (a
	// terminal, NO_COLOR unset); writers never look at the environment.
	Color bool
	// Width is the table's line width in columns (default DefaultWidth).
	Width int
	// MaxPerRule bounds the alerts the table lists for each rule and
	// severity; the rest are counted on a "… N more" line. 0 lists all.
	MaxPerRule int
	// MoreHint is appended to the table's "… N more" lines.
	MoreHint string
	// Version is vigil's version, for the OCSF metadata.product.version.
	Version string
}

// DefaultWidth is the table's line width when Options.Width is 0.
const DefaultWidth = 100

// Write writes alerts to w in format f.
func Write(w io.Writer, f Format, alerts []*alert.Alert, opts Options) error {
	switch f {
	case Table:
		return WriteTable(w, alerts, opts)
	case JSONL:
		return WriteJSONL(w, alerts)
	case CSV:
		return WriteCSV(w, alerts)
	case OCSF:
		return WriteOCSF(w, alerts, opts)
	}
	return fmt.Errorf("unknown output format %v", f)
}
