package normalize

import (
	"slices"

	"vigil/internal/event"
	"vigil/internal/jsontext"
)

// azmonTree maps an Azure Monitor diagnostic record: the envelope, and its
// "properties" object, which carries Graph signIn members.
var azmonTree = tree(map[string]*node{
	"time":              leaf(event.FRecordTime),
	"resourceId":        leaf(event.FRecordResourceID),
	"operationName":     leaf(event.FOperationName),
	"operationVersion":  leaf(event.FOperationVersion),
	"category":          {set: setCategory},
	"tenantId":          leaf(event.FTenantID),
	"resultType":        textLeaf(event.FResultType),
	"resultSignature":   leaf(event.FResultSignature),
	"resultDescription": leaf(event.FResultDescription),
	"durationMs":        textLeaf(event.FDurationMs),
	"callerIpAddress":   leaf(event.FCallerIPAddress),
	"correlationId":     leaf(event.FRecordCorrelationID),
	"identity":          leaf(event.FIdentity),
	"Level":             {field: event.FLevel, set: setScalarText},
	"level":             {field: event.FLevel, set: setScalarText},
	"location":          leaf(event.FRecordLocation),
	"properties":        {kids: graphTree.kids},
})

// setCategory reads the log category, which decides whether the record is a
// sign-in at all.
func setCategory(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
	off := d.Offset()
	if s, ok := d.Str(); ok {
		ev.SetCategory(n.arena.str(s))
		return
	}
	if d.Failed() {
		return
	}
	n.problem(off, "category", "want a string, got %s", describe(d.Raw()))
}

// setScalarText keeps a scalar of any JSON type as its text: records write
// Level as 4 or as "4".
func setScalarText(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
	switch d.Peek() {
	case jsontext.String:
		s, _ := d.Str()
		ev.SetStr(event.FLevel, n.arena.str(s))
	case jsontext.Number, jsontext.Bool:
		ev.SetStr(event.FLevel, n.arena.str(d.Raw()))
	case jsontext.Null:
		d.Null()
		ev.SetNull(event.FLevel)
	default:
		off := d.Offset()
		raw := d.Raw()
		n.problem(off, "Level", "want a number or string, got %s", describe(raw))
	}
}

// AzureMonitor decodes an Azure Monitor diagnostic record. A record whose
// category is not a sign-in category (AuditLogs, …) is returned as a row of
// the table named by its category instead, with isRow set.
func (n *Normalizer) AzureMonitor(data []byte, ev *event.SignIn, row *event.Row) (isRow bool, err error) {
	ev.Source = event.SourceAzureMonitor
	d := n.begin(data)
	if d.Peek() != jsontext.Object {
		return false, notObject(d)
	}
	n.object(d, azmonTree, ev)
	if err := n.finish(d); err != nil {
		return false, err
	}
	return n.azmonRow(data, ev, row)
}

// AzureMonitorAt is AzureMonitor for the record that begins data, which may
// go on after it (the rest of a {"records":[…]} line): end is where the
// record ends.
func (n *Normalizer) AzureMonitorAt(data []byte, ev *event.SignIn, row *event.Row) (isRow bool, end int, err error) {
	ev.Source = event.SourceAzureMonitor
	d := n.begin(data)
	if d.Peek() != jsontext.Object {
		return false, 0, notObject(d)
	}
	n.object(d, azmonTree, ev)
	n.restText(d)
	if err := d.Err(); err != nil {
		se := err.(*jsontext.SyntaxError)
		return false, 0, &RecordError{Offset: se.Offset, Msg: "malformed JSON: " + se.Msg}
	}
	end = d.Offset()
	isRow, err = n.azmonRow(data[:end], ev, row)
	return isRow, end, err
}

// azmonRow turns a decoded record of another category than the sign-ins'
// into a row of its table.
func (n *Normalizer) azmonRow(data []byte, ev *event.SignIn, row *event.Row) (isRow bool, err error) {
	if ev.Category != event.CategoryOther {
		return false, nil
	}
	cat, ok := ev.Str(event.FCategory)
	if !ok || cat == "" {
		return false, &RecordError{Msg: "the Azure Monitor record has no category"}
	}
	return true, n.rowOf(data, cat, row)
}

// rowOf reads the top-level members of an object into row.
func (n *Normalizer) rowOf(data []byte, table string, row *event.Row) error {
	d := n.begin(data)
	row.Table = table
	row.Cells = row.Cells[:0]
	if !d.Object() {
		return notObject(d)
	}
	for d.NextKey() {
		key := n.arena.str(d.Key())
		raw := d.Raw()
		if raw == nil {
			break
		}
		n.checkText(d, key)
		n.buf = compact(n.reuseBuf(), raw)
		row.Cells = append(row.Cells, event.Cell{Name: key, Raw: n.arena.str(n.buf)})
	}
	row.Cells = slices.Clip(row.Cells)
	return n.finish(d)
}
