package normalize

import (
	"strconv"

	"vigil/internal/event"
	"vigil/internal/jsontext"
)

// signInDataset is the Elastic data stream of Entra ID sign-in logs.
const signInDataset = "azure.signinlogs"

// snakeCase renames a Graph member the way the Elastic azure integration's
// signinlogs pipeline does: "_" before each run of capitals that follows a
// lower-case letter, then everything lower-cased ("riskEventTypes_v2" →
// "risk_event_types_v2", "IPAddress" → "ipaddress").
func snakeCase(s string) string {
	b := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			if i > 0 && s[i-1] >= 'a' && s[i-1] <= 'z' {
				b = append(b, '_')
			}
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// camelCase undoes snakeCase as far as it can: "_" and the lower-case
// letter after it become that letter in upper case. Keys the source wrote
// with a capital first letter (authenticationDetails[].StatusSequence) come
// back in lower camel case; snakeCase(camelCase(k)) == k for every key the
// pipeline writes, so the Elastic view renders the same names.
func camelCase(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' && i > 0 && i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z' {
			b = append(b, s[i+1]-('a'-'A'))
			i++
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// ecsProperties maps azure.signinlogs.properties: the Graph signIn members
// in snake case, plus the pipeline's own renames. Members the pipeline
// moves elsewhere are read there (see ecsTree).
var ecsProperties = func() *node {
	t := fieldTree(event.FID, event.NumFields-1, false, snakeCase)
	for key, f := range map[string]event.Field{
		"created_at":               event.FCreatedDateTime,
		"processing_time_ms":       event.FProcessingTimeInMilliseconds,
		"risk_level_during_signin": event.FRiskLevelDuringSignIn,
		"ipaddress":                event.FIPAddress, // older pipelines
		"tenant_id":                event.FTenantID,
	} {
		t.kids[key] = &node{name: key, field: f}
	}
	for _, k := range t.kids {
		if k.kids == nil && k.field.Info().Type == event.FJSON {
			k.set = camelJSONSetter(k)
		}
	}
	// The pipeline turns the [{key, value}] array into an object keyed by
	// key.
	apd := t.kids["authentication_processing_details"]
	apd.set = func(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
		if !n.Fields.Has(apd.field) {
			d.Skip()
			return
		}
		if d.Peek() != jsontext.Object {
			camelJSONSetter(apd)(n, d, ev)
			return
		}
		ev.SetStr(apd.field, string(keyValueArray(d)))
	}
	return t
}()

// camelJSONSetter reads an array or object member, renaming its members
// back to camel case (see camelCase) so that the canonical event holds the
// same JSON whichever shape it came from.
func camelJSONSetter(k *node) func(*Normalizer, *jsontext.Decoder, *event.SignIn) {
	return func(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
		if !n.Fields.Has(k.field) {
			d.Skip()
			return
		}
		if p := d.Peek(); p != jsontext.Array && p != jsontext.Object {
			n.leaf(d, k, ev)
			return
		}
		if out := camelJSON(nil, d); !d.Failed() {
			ev.SetStr(k.field, string(out))
		}
	}
}

// camelJSON appends the value at d, compacted, with the keys of its objects
// in camel case.
func camelJSON(dst []byte, d *jsontext.Decoder) []byte {
	switch d.Peek() {
	case jsontext.Object:
		d.Object()
		dst = append(dst, '{')
		for first := true; d.NextKey(); first = false {
			if !first {
				dst = append(dst, ',')
			}
			dst = appendCamelQuoted(dst, d.Key())
			dst = append(dst, ':')
			dst = camelJSON(dst, d)
		}
		return append(dst, '}')
	case jsontext.Array:
		d.Array()
		dst = append(dst, '[')
		for first := true; d.NextElem(); first = false {
			if !first {
				dst = append(dst, ',')
			}
			dst = camelJSON(dst, d)
		}
		return append(dst, ']')
	}
	return append(dst, d.Raw()...)
}

// appendCamelQuoted appends key in camel case (see camelCase) as a JSON
// string.
func appendCamelQuoted(dst, key []byte) []byte {
	plain := true
	for _, c := range key {
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if !plain {
		return appendQuoted(dst, camelCase(string(key)))
	}
	dst = append(dst, '"')
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c == '_' && i > 0 && i+1 < len(key) && key[i+1] >= 'a' && key[i+1] <= 'z' {
			c = key[i+1] - ('a' - 'A')
			i++
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

// keyValueArray turns the object at d back into the [{key, value}] array
// Graph writes.
func keyValueArray(d *jsontext.Decoder) []byte {
	dst := []byte{'['}
	d.Object()
	for first := true; d.NextKey(); first = false {
		if !first {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"key":`...)
		dst = appendQuoted(dst, string(d.Key()))
		dst = append(dst, `,"value":`...)
		dst = compact(dst, d.Raw())
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// ecsTree maps an Elastic document of the azure.signinlogs data stream: the
// fields the pipeline keeps from the diagnostic record, under
// azure.signinlogs, and the ones it moves to ECS fields. Derived ECS fields
// (source.*, user.*, client.*, related.*, cloud.*, event.kind/category/
// type/outcome/action/id, …) and message are kept as unknown members.
//
// Canonical fields an ECS document cannot give back:
//   - status.failureReason and status.additionalDetails: the pipeline drops
//     them after merging them into message as "failureReason
//     (additionalDetails)", which cannot be split reliably.
//   - location.countryOrRegion: dropped (geo.country_iso_code is the
//     record's location, read as recordLocation).
//   - ipAddress and callerIpAddress: recent pipelines drop both after
//     setting source.address from the first present of ipAddress and
//     callerIpAddress; ipAddress is taken from source.address (or
//     source.ip) when the document has no ipAddress of its own.
//   - the original case of keys inside arrays and objects (StatusSequence).
var ecsTree = tree(map[string]*node{
	"@timestamp": leaf(event.FRecordTime),
	"azure": tree(map[string]*node{
		"signinlogs": tree(map[string]*node{
			"category":           {set: setCategory},
			"operation_name":     leaf(event.FOperationName),
			"operation_version":  leaf(event.FOperationVersion),
			"result_type":        textLeaf(event.FResultType),
			"result_signature":   leaf(event.FResultSignature),
			"result_description": leaf(event.FResultDescription),
			"identity":           leaf(event.FIdentity),
			"caller_ip_address":  leaf(event.FCallerIPAddress),
			// Moved elsewhere by the pipeline, read here for documents of
			// older versions or indexed without it.
			"time":           leaf(event.FRecordTime),
			"duration_ms":    textLeaf(event.FDurationMs),
			"level":          textLeaf(event.FLevel),
			"location":       leaf(event.FRecordLocation),
			"tenant_id":      leaf(event.FTenantID),
			"correlation_id": leaf(event.FRecordCorrelationID),
			"resource_id":    leaf(event.FRecordResourceID),
			"properties":     ecsProperties,
		}),
		"tenant_id":      leaf(event.FTenantID),
		"tenant":         tree(map[string]*node{"id": leaf(event.FTenantID)}),
		"correlation_id": leaf(event.FRecordCorrelationID),
		"correlation":    tree(map[string]*node{"id": leaf(event.FRecordCorrelationID)}),
		"resource_id":    leaf(event.FRecordResourceID),
		"resource":       tree(map[string]*node{"id": leaf(event.FRecordResourceID)}),
	}),
	"log": tree(map[string]*node{"level": textLeaf(event.FLevel)}),
	// geo.* is the sign-in's location (properties.location); source.geo.* is
	// a GeoIP lookup. geo.country_name holds location.state: a pipeline
	// quirk.
	"geo": tree(map[string]*node{
		"city_name":        leaf(event.FLocationCity),
		"country_name":     leaf(event.FLocationState),
		"country_iso_code": leaf(event.FRecordLocation),
		"location": tree(map[string]*node{
			"lat": leaf(event.FLocationLatitude),
			"lon": leaf(event.FLocationLongitude),
		}),
	}),
	"user_agent": tree(map[string]*node{"original": leaf(event.FUserAgent)}),
	"source":     {set: setECSSource},
})

// ecsEventTree maps the members of the ECS event object that are canonical
// fields; event.dataset is read by the document loop.
var ecsEventTree = tree(map[string]*node{
	"ingested": leaf(event.FIngestTime),
	"duration": {set: setECSDuration},
})

var emptyTree = &node{kids: map[string]*node{}}

// setECSDuration reads event.duration, nanoseconds, into durationMs.
func setECSDuration(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
	if !n.Fields.Has(event.FDurationMs) {
		d.Skip()
		return
	}
	if d.Peek() != jsontext.Number {
		n.leaf(d, &node{name: "duration", field: event.FDurationMs}, ev)
		return
	}
	off := d.Offset()
	b, _ := d.Number()
	ns, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		n.problem(off, "duration", "want an integer, got %s", b)
		n.keepRaw(ev, "duration", string(b))
		return
	}
	ev.SetInt(event.FDurationMs, ns/1e6)
}

// setECSSource keeps source as an unknown member, and takes ipAddress from
// source.address (else source.ip) unless the document carries it.
func setECSSource(n *Normalizer, d *jsontext.Decoder, ev *event.SignIn) {
	raw := d.Raw()
	if raw == nil {
		return
	}
	n.buf = compact(n.reuseBuf(), raw)
	n.keepRaw(ev, "source", string(n.buf))
	if !n.Fields.Has(event.FIPAddress) || ev.Has(event.FIPAddress) {
		return
	}
	var sd jsontext.Decoder
	sd.Reset(raw)
	ip := ""
	if sd.Object() {
		for sd.NextKey() {
			key := string(sd.Key())
			if (key == "address" || (key == "ip" && ip == "")) && sd.Peek() == jsontext.String {
				s, _ := sd.Str()
				ip = string(s)
				continue
			}
			sd.Skip()
		}
	}
	if ip != "" {
		ev.SetStr(event.FIPAddress, ip)
	}
}

// ecsDoc is what the document loop learns beside the fields.
type ecsDoc struct {
	dataset string // event.dataset or data_stream.dataset
}

// Elastic decodes one Elastic document of the azure.signinlogs data stream:
// its _source, or a search hit {"_index", "_id", "_source": {…}, …} whose
// members other than _source (_id, _index, _score, sort, …) are kept as
// unknown members. The document's own members keep their paths whether or
// not it came in a hit.
//
// A document whose event.dataset or data_stream.dataset is another data
// stream (azure.activitylogs, azure.auditlogs, …) fills row instead, as a
// row of the table named by the dataset with the top-level members of the
// document (and of the hit around it) as cells, and isRow is set; ev is
// then emptied, keeping its Origin. A document with no dataset is a sign-in
// if it carries sign-in fields. Its category is azure.signinlogs.category;
// when absent it is decided as for a Graph signIn (signInEventTypes, then
// isInteractive).
func (n *Normalizer) Elastic(data []byte, ev *event.SignIn, row *event.Row) (isRow bool, err error) {
	ev.Source = event.SourceElastic
	d := n.begin(data)
	if d.Peek() != jsontext.Object {
		return false, notObject(d)
	}
	var doc ecsDoc
	n.ecsObject(d, ev, &doc)
	if err := n.finish(d); err != nil {
		return false, err
	}
	if doc.dataset != "" && doc.dataset != signInDataset {
		emptyKeepOrigin(ev)
		return true, n.ecsRow(data, doc.dataset, row)
	}
	if !ev.Has(event.FCategory) {
		if doc.dataset == "" && !ev.Has(event.FID) && !ev.Has(event.FRecordTime) && !ev.Has(event.FUserPrincipalName) && !ev.Has(event.FAppID) {
			return false, &RecordError{Msg: "the document has no event.dataset, no data_stream.dataset and no azure.signinlogs fields"}
		}
		graphCategory(ev)
	}
	return false, nil
}

// ecsObject decodes a document, or a hit around one.
func (n *Normalizer) ecsObject(d *jsontext.Decoder, ev *event.SignIn, doc *ecsDoc) {
	d.Object()
	for d.NextKey() {
		key := d.Key()
		switch {
		case string(key) == "_source" && d.Peek() == jsontext.Object:
			n.ecsObject(d, ev, doc)
		case (string(key) == "event" || string(key) == "data_stream") && d.Peek() == jsontext.Object:
			t := ecsEventTree
			if string(key) == "data_stream" {
				t = emptyTree
			}
			n.path = append(n.path, string(key))
			d.Object()
			for d.NextKey() {
				k := d.Key()
				if string(k) == "dataset" && d.Peek() == jsontext.String {
					s, _ := d.Str()
					doc.dataset = string(s)
					n.keepRaw(ev, "dataset", string(appendQuoted(nil, doc.dataset)))
					n.checkText(d, "dataset")
					continue
				}
				n.member(d, t, ev, k)
			}
			n.path = n.path[:len(n.path)-1]
		default:
			n.member(d, ecsTree, ev, key)
		}
	}
}

// ecsRow reads the top-level members of a document, and of the hit around
// it, into row.
func (n *Normalizer) ecsRow(data []byte, table string, row *event.Row) error {
	d := n.begin(data)
	row.Table = table
	row.Cells = row.Cells[:0]
	var cells func()
	cells = func() {
		d.Object()
		for d.NextKey() {
			key := n.arena.str(d.Key())
			if key == "_source" && d.Peek() == jsontext.Object {
				cells()
				continue
			}
			raw := d.Raw()
			if raw == nil {
				return
			}
			n.checkText(d, key)
			n.buf = compact(n.reuseBuf(), raw)
			row.Cells = append(row.Cells, event.Cell{Name: key, Raw: n.arena.str(n.buf)})
		}
	}
	cells()
	return n.finish(d)
}
