package output

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vigil/internal/alert"
	"vigil/internal/rule"
)

// ANSI escape sequences of the table's colours.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

var severityColor = map[rule.Severity]string{
	rule.SeverityCritical:      "\x1b[1;35m",
	rule.SeverityHigh:          "\x1b[1;31m",
	rule.SeverityMedium:        "\x1b[33m",
	rule.SeverityLow:           "\x1b[36m",
	rule.SeverityInformational: "\x1b[34m",
}

// tableGroup is the alerts of one rule at one severity.
type tableGroup struct {
	sev    rule.Severity
	alerts []*alert.Alert
}

// WriteTable writes the terminal view of the alerts: a count, then one
// block per rule and severity, most severe first (then the most alerts,
// then the rule name), each headed by the severity, the rule's name, its
// format and its count, listing its alerts in time order, one a line: the
// time the alert was raised, the span of what it saw (first…last seen,
// times on the alert's own date shortened to the time of day) and its
// entities as type:value (users, then IPs, then the rest), cut to the line
// width with "+N more".
//
// Control characters of the data are escaped, so a log value cannot move
// the cursor or recolour the terminal.
func WriteTable(w io.Writer, alerts []*alert.Alert, opts Options) error {
	width := opts.Width
	if width <= 0 {
		width = DefaultWidth
	}
	t := tableWriter{color: opts.Color}
	if len(alerts) == 0 {
		t.line("alerts: none")
		_, err := io.WriteString(w, t.b.String())
		return err
	}
	groups := groupAlerts(alerts)
	rules := "rule"
	if len(groups) > 1 {
		rules = "rules"
	}
	t.line(fmt.Sprintf("alerts: %d from %d %s", len(alerts), len(groups), rules))

	// Columns are aligned across groups, over the alerts that are shown.
	timeW, spanW := len("raised"), len("first…last seen")
	for _, g := range groups {
		for _, a := range shown(g.alerts, opts.MaxPerRule) {
			timeW = max(timeW, utf8.RuneCountInString(alertTime(a)))
			spanW = max(spanW, utf8.RuneCountInString(span(a)))
		}
	}
	t.line("  " + t.paint(ansiDim, pad("raised", timeW)+"  "+pad("first…last seen", spanW)+"  entities"))
	for _, g := range groups {
		t.line("")
		label := strings.ToUpper(g.sev.String())
		if g.alerts[0].Severity != "" && g.sev == rule.SeverityUnknown {
			label = strings.ToUpper(clean(g.alerts[0].Severity))
		}
		count := "1 alert"
		if len(g.alerts) != 1 {
			count = strconv.Itoa(len(g.alerts)) + " alerts"
		}
		a0 := g.alerts[0]
		tail := " · " + clean(a0.RuleFormat) + " · " + count
		name := truncate(clean(a0.RuleName), width-utf8.RuneCountInString(label)-2-utf8.RuneCountInString(tail))
		t.line(t.paint(severityColor[g.sev], label) + "  " + t.paint(ansiBold, name) + t.paint(ansiDim, tail))
		list := shown(g.alerts, opts.MaxPerRule)
		for _, a := range list {
			budget := width - 2 - timeW - 2 - spanW - 2
			sp := span(a)
			t.line("  " + pad(alertTime(a), timeW) + "  " + t.paint(ansiDim, sp) + pad("", spanW-utf8.RuneCountInString(sp)) + "  " + entities(a, budget))
		}
		if n := len(g.alerts) - len(list); n > 0 {
			more := "  … " + strconv.Itoa(n) + " more"
			if opts.MoreHint != "" {
				more += " " + opts.MoreHint
			}
			t.line(t.paint(ansiDim, more))
		}
	}
	_, err := io.WriteString(w, t.b.String())
	return err
}

type tableWriter struct {
	b     strings.Builder
	color bool
}

func (t *tableWriter) line(s string) {
	t.b.WriteString(strings.TrimRight(s, " "))
	t.b.WriteByte('\n')
}

// paint wraps s in an ANSI colour when colours are on.
func (t *tableWriter) paint(code, s string) string {
	if !t.color || code == "" || s == "" {
		return s
	}
	return code + s + ansiReset
}

// groupAlerts groups alerts by rule and severity and orders the groups;
// each group's alerts are in time order.
func groupAlerts(alerts []*alert.Alert) []*tableGroup {
	type key struct{ format, id, name, sev string }
	index := map[key]*tableGroup{}
	var groups []*tableGroup
	for _, a := range alerts {
		k := key{a.RuleFormat, a.RuleID, a.RuleName, a.Severity}
		g := index[k]
		if g == nil {
			sev, _ := rule.ParseSeverity(a.Severity)
			g = &tableGroup{sev: sev}
			index[k] = g
			groups = append(groups, g)
		}
		g.alerts = append(g.alerts, a)
	}
	for _, g := range groups {
		alert.Sort(g.alerts)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.sev != b.sev {
			return a.sev > b.sev
		}
		if len(a.alerts) != len(b.alerts) {
			return len(a.alerts) > len(b.alerts)
		}
		if a.alerts[0].RuleName != b.alerts[0].RuleName {
			return a.alerts[0].RuleName < b.alerts[0].RuleName
		}
		return a.alerts[0].RuleID < b.alerts[0].RuleID
	})
	return groups
}

func shown(alerts []*alert.Alert, limit int) []*alert.Alert {
	if limit > 0 && len(alerts) > limit {
		return alerts[:limit]
	}
	return alerts
}

func alertTime(a *alert.Alert) string {
	if a.Time.IsZero() {
		return "-"
	}
	return a.Time.UTC().Format(time.RFC3339)
}

// span is first…last seen, each as the time of day when it falls on the
// alert's date, else as date and time; one time when both are the same
// second, "-" when there is none.
func span(a *alert.Alert) string {
	day := a.Time.UTC().Format(time.DateOnly)
	format := func(t time.Time) string {
		t = t.UTC()
		if t.Format(time.DateOnly) == day {
			return t.Format(time.TimeOnly)
		}
		return t.Format(time.DateTime)
	}
	switch {
	case a.FirstSeen.IsZero() && a.LastSeen.IsZero():
		return "-"
	case a.LastSeen.IsZero():
		return format(a.FirstSeen) + "…"
	case a.FirstSeen.IsZero():
		return "…" + format(a.LastSeen)
	}
	first, last := format(a.FirstSeen), format(a.LastSeen)
	if first == last {
		return first
	}
	return first + "…" + last
}

// entityRank orders entities on a line by what a responder looks at first:
// users, then IPs, then applications, then the rest.
func entityRank(typ string) int {
	switch typ {
	case "user":
		return 0
	case "ip":
		return 1
	case "app", "service_principal":
		return 2
	}
	return 3
}

// entities lists the alert's entities as type:value within budget columns,
// users first, then IPs, then applications and the rest; when they do not
// all fit, those that do are shown, followed by "+N more".
func entities(a *alert.Alert, budget int) string {
	budget = max(budget, 24)
	ents := append([]alert.Entity(nil), a.Entities...)
	sort.SliceStable(ents, func(i, j int) bool { return entityRank(ents[i].Type) < entityRank(ents[j].Type) })
	items := make([]string, len(ents))
	for i, e := range ents {
		items[i] = clean(e.Type) + ":" + clean(e.Value)
	}
	if all := strings.Join(items, " "); utf8.RuneCountInString(all) <= budget {
		return all
	}
	// Some are left out: keep room for "+N more" and take, in rank order,
	// every entity that still fits, so a long one does not hide a short
	// one after it.
	more := func(n int) string { return "+" + strconv.Itoa(n) + " more" }
	room := budget - 1 - utf8.RuneCountInString(more(len(items)))
	var kept []string
	used := -1
	for _, it := range items {
		if n := utf8.RuneCountInString(it); used+1+n <= room {
			kept = append(kept, it)
			used += 1 + n
		}
	}
	if len(kept) == 0 {
		// Not even one fits: cut the first rather than show nothing.
		m := more(len(items) - 1)
		return truncate(items[0], budget-1-utf8.RuneCountInString(m)) + " " + m
	}
	return strings.Join(kept, " ") + " " + more(len(items)-len(kept))
}

// truncate cuts s to at most n runes, ending with "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// clean escapes control characters (C0, DEL, C1) and bidirectional
// formatting characters, so that data from the logs can neither send escape
// sequences to the terminal nor reorder what is shown.
func clean(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }
