package normalize

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"vigil/internal/event"
	"vigil/internal/jsontext"
)

// laSignInTables names the Log Analytics tables whose rows are sign-ins, with
// the log category each one holds.
var laSignInTables = map[string]string{
	"SigninLogs":                      "SignInLogs",
	"AADNonInteractiveUserSignInLogs": "NonInteractiveUserSignInLogs",
	"AADServicePrincipalSignInLogs":   "ServicePrincipalSignInLogs",
	"AADManagedIdentitySignInLogs":    "ManagedIdentitySignInLogs",
}

// laCategory returns the log category of a sign-in table. Table names are
// matched without regard to case so that a --table name typed in lower case
// still works; Log Analytics itself writes them as listed above.
func laCategory(table string) (string, bool) {
	if c, ok := laSignInTables[table]; ok {
		return c, true
	}
	for t, c := range laSignInTables {
		if strings.EqualFold(t, table) {
			return c, true
		}
	}
	return "", false
}

// laColumns renames the canonical fields whose column is not the Graph name
// with a capital first letter.
var laColumns = map[string][]string{
	"ipAddress":                        {"IPAddress"},
	"ipAddressFromResourceProvider":    {"IPAddressFromResourceProvider"},
	"riskEventTypes_v2":                {"RiskEventTypes_V2"},
	"location":                         {"LocationDetails"},
	"appliedConditionalAccessPolicies": {"ConditionalAccessPolicies"},
	// SigninLogs spells it out; the other sign-in tables abbreviate it.
	"processingTimeInMilliseconds": {"ProcessingTimeInMilliseconds", "ProcessingTimeInMs"},
	// ResourceId is read by setLAResourceID: the column holds the record's
	// /tenants/…/providers/Microsoft.aadiam path in practice, the GUID of
	// the resource signed in to being in ResourceIdentity.
	"resourceId": {"ResourceIdentity"},
}

// laTree maps a row of the Log Analytics sign-in tables (SigninLogs,
// AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs,
// AADManagedIdentitySignInLogs) onto the canonical fields. Every column is
// lenient: Log Analytics writes dynamic columns as objects in SigninLogs but
// as JSON text in the other tables, AuthenticationDetails as JSON text
// everywhere, AutonomousSystemNumber as a string, and the CSV export writes
// every value as text. An empty string in a column that is not a string
// column is an absent value. Columns without a canonical field — TenantId
// (the workspace, not the Entra tenant: that is AADTenantId), SourceSystem,
// ResourceGroup, _BilledSize, IsRisky, AppliedConditionalAccessPolicies
// (a string column next to the dynamic ConditionalAccessPolicies, whose
// content is undocumented), … — are kept as unknown members. Type names the
// table and is read by LogAnalytics itself.
var laTree = func() *node {
	graph := fieldTree(event.FID, event.NumFields-1, true, sameKey)
	kids := map[string]*node{}
	for key, k := range graph.kids {
		cols := laColumns[key]
		if cols == nil {
			cols = []string{strings.ToUpper(key[:1]) + key[1:]}
		}
		if k.kids != nil {
			strictBelow(k)
		}
		for _, col := range cols {
			c := *k
			c.name = col
			kids[col] = laLeaf(&c)
		}
	}
	envelope := map[string]event.Field{
		"TimeGenerated":     event.FRecordTime,
		"AADTenantId":       event.FTenantID,
		"OperationName":     event.FOperationName,
		"OperationVersion":  event.FOperationVersion,
		"ResultType":        event.FResultType,
		"ResultSignature":   event.FResultSignature,
		"ResultDescription": event.FResultDescription,
		"DurationMs":        event.FDurationMs,
		"Identity":          event.FIdentity,
		"Level":             event.FLevel,
		"Location":          event.FRecordLocation,
	}
	for col, f := range envelope {
		kids[col] = laLeaf(&node{name: col, field: f, text: true})
	}
	kids["Category"] = &node{name: "Category", set: setCategory}
	kids["ResourceId"] = &node{name: "ResourceId", set: setLAResourceID}
	return &node{kids: kids}
}()

// strictBelow makes the objects nested in a dynamic column strict: inside a
// dynamic value members are real JSON, and JSON text is only ever one level
// deep (the column itself).
func strictBelow(k *node) {
	for _, kid := range k.kids {
		if kid.kids != nil {
			kid.text = false
			strictBelow(kid)
		}
	}
}

// laLeaf makes a column leaf read an empty string as an absent value when
// the column is not a string: Log Analytics writes "" for an empty dynamic
// column stored as text, and the CSV export writes every empty cell so.
func laLeaf(k *node) *node {
	if k.kids != nil {
		return k // nested: an empty string is absent there already
	}
	if typ := k.field.Info().Type; typ == event.FString || typ == event.FEnum {
		return k
	}
	k.set = func(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
		if !n.Fields.Has(k.field) {
			d.Skip()
			return
		}
		if d.Peek() != jsontext.String {
			n.leaf(d, k, ev)
			return
		}
		off := d.Offset()
		s, _ := d.Str()
		if len(s) > 0 {
			n.text(off, k, ev, s)
		}
	}
	return k
}

// setLAResourceID reads the ResourceId column. The SigninLogs table
// reference describes it as the resource signed in to, but rows carry the
// diagnostic record's resource path (/tenants/<id>/providers/Microsoft.aadiam)
// there, with the resource's GUID in ResourceIdentity. A path goes to
// recordResourceId, anything else to resourceId.
func setLAResourceID(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
	if d.Peek() != jsontext.String {
		if !n.Fields.Has(event.FRecordResourceID) {
			d.Skip()
			return
		}
		n.leaf(d, &node{name: "ResourceId", field: event.FRecordResourceID, text: true}, ev)
		return
	}
	s, _ := d.Str()
	f := event.FResourceID
	if len(s) > 0 && s[0] == '/' {
		f = event.FRecordResourceID
	}
	if n.Fields.Has(f) {
		ev.SetStr(f, string(s))
	}
}

// member decodes the value of the member key of an object mapped by t. key
// may alias the decoder's buffer (d.Key()).
func (n *Normalizer) member(d *jsontext.Decoder, t *node, ev *event.SignIn, key []byte) {
	k := t.kids[string(key)]
	switch {
	case k == nil:
		n.extra(d, ev, string(key))
	case k.set != nil:
		k.set(n, d, ev)
	case k.kids != nil:
		n.nested(d, k, ev)
	case !n.Fields.Has(k.field):
		d.Skip()
	default:
		n.leaf(d, k, ev)
	}
	if d.HasBadText() {
		n.badText(d.TakeBadText(), memberName(d, k))
	}
}

// errNoTable is the error for a row whose table nothing names.
func errNoTable() error {
	return &RecordError{Msg: "the row has no Type column: name its table with --table NAME=PATH"}
}

// LogAnalytics decodes one row of a Log Analytics export written as JSON (an
// element of a JSON array, or a line of NDJSON). The row's table is its Type
// column, wherever it comes in the row; table names it when the row has no
// Type (from --table NAME=PATH; "" when not given, which makes such a row
// an error).
//
// A row of a sign-in table (SigninLogs, AADNonInteractiveUserSignInLogs,
// AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs) fills ev;
// its category is the Category column, or when the row has none, the
// category the table holds. A row of any other table (IdentityInfo,
// BehaviorAnalytics, AuditLogs, a watchlist) fills row instead, with every
// column in source order and the Raw JSON text of its value, and isRow is
// set; ev is then emptied, keeping its Origin.
func (n *Normalizer) LogAnalytics(data []byte, table string, ev *event.SignIn, row *event.Row) (isRow bool, err error) {
	ev.Source = event.SourceLogAnalytics
	d := n.begin(data)
	if d.Peek() != jsontext.Object {
		return false, notObject(d)
	}
	d.Object()
	typ := ""
	for d.NextKey() {
		key := d.Key()
		if string(key) == "Type" && d.Peek() == jsontext.String {
			s, _ := d.Str()
			typ = string(s)
			n.checkText(d, "Type")
			continue
		}
		// The row is decoded as a sign-in before its Type is known: rows
		// of other tables are read again below.
		n.member(d, laTree, ev, key)
	}
	if err := n.finish(d); err != nil {
		return false, err
	}
	if typ == "" {
		typ = table
	}
	if typ == "" {
		return false, errNoTable()
	}
	if cat, ok := laCategory(typ); ok {
		if c, ok := ev.Str(event.FCategory); !ok || c == "" {
			ev.SetCategory(cat)
		}
		return false, nil
	}
	emptyKeepOrigin(ev)
	return true, n.rowOf(data, typ, row)
}

func emptyKeepOrigin(ev *event.SignIn) {
	o := ev.Origin
	ev.Reset()
	ev.Origin = o
}

// LogAnalyticsCSV decodes one row of a Log Analytics export written as CSV
// from the portal: header holds the column names, which may carry a
// bracketed suffix ("TimeGenerated [UTC]"), cells the row's values as text
// (times as 4/19/2021, 12:13:19.483 PM, booleans as True/False, dynamic
// columns as JSON text). The table rules are those of LogAnalytics.
//
// In a sign-in row an empty cell is an absent value. A row of another table
// keeps every cell, empty ones included, its Raw being the cell's text as a
// JSON string. CSV carries no byte offsets: a Problem's Path names the
// column and its Offset is 0.
func (n *Normalizer) LogAnalyticsCSV(header, cells []string, table string, ev *event.SignIn, row *event.Row) (isRow bool, err error) {
	ev.Source = event.SourceLogAnalytics
	n.begin(nil)
	if len(cells) != len(header) {
		return false, &RecordError{Msg: fmt.Sprintf("the row has %d cells but the header names %d columns", len(cells), len(header))}
	}
	typ := ""
	for i, h := range header {
		if csvColumn(h) == "Type" {
			typ = cells[i]
		}
	}
	if typ == "" {
		typ = table
	}
	if typ == "" {
		return false, errNoTable()
	}
	var q []byte
	cat, signIn := laCategory(typ)
	if !signIn {
		row.Table = typ
		row.Cells = row.Cells[:0]
		for i, h := range header {
			n.checkCell(csvColumn(h), cells[i])
			q = appendQuoted(reuse(q), cells[i])
			row.Cells = append(row.Cells, event.Cell{Name: csvColumn(h), Raw: n.arena.str(q)})
		}
		return true, nil
	}
	for i, h := range header {
		name := csvColumn(h)
		if name == "Type" || cells[i] == "" {
			continue
		}
		n.checkCell(name, cells[i])
		// Each cell goes through the JSON path as a string value, which
		// the lenient columns read as text.
		q = appendQuoted(reuse(q), cells[i])
		before := len(n.problems)
		n.dec.Reset(q)
		n.member(&n.dec, laTree, ev, []byte(name))
		for j := before; j < len(n.problems); j++ {
			n.problems[j].Offset = 0
		}
	}
	if c, ok := ev.Str(event.FCategory); !ok || c == "" {
		ev.SetCategory(cat)
	}
	return false, nil
}

// checkCell reports the bytes of a CSV cell that are not UTF-8, which
// appendQuoted writes as U+FFFD.
func (n *Normalizer) checkCell(column, cell string) {
	if !utf8.ValidString(cell) {
		var b jsontext.BadText
		b.Add(0, []byte(cell))
		n.badText(b, column)
	}
}

// csvColumn returns the column name of a CSV header cell: without a
// bracketed suffix such as " [UTC]", and without a byte order mark.
func csvColumn(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	if i := strings.LastIndex(h, " ["); i > 0 && strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	return strings.TrimSpace(h)
}

// appendQuoted appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendQuoted(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
