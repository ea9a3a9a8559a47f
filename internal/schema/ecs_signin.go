package schema

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode"

	"vigil/internal/enrich"
	"vigil/internal/event"
	"vigil/internal/plan"
)

// ecsEvent is one sign-in of the ECS view with what NewECS computed for it
// once: its window time and its autonomous system.
type ecsEvent struct {
	ev    *event.SignIn
	as    enrich.AS
	hasAS bool
}

// ecsColumn is one column of the azure.signinlogs view.
type ecsColumn struct {
	name string
	typ  plan.Type
	get  func(e *ecsEvent) event.Value
	// in is what get reads from the sign-in (fields, unknown members);
	// the autonomous system NewECS looks up counts as its inputs.
	in Needs
}

// ecsValue is column j of a sign-in, empty values removed (ecsPrune) when
// drop is set (ecsDropsEmpty of the sign-in).
func ecsValue(j int, e *ecsEvent, drop bool) event.Value {
	v := ecsSignInColumns[j].get(e)
	if drop && ecsPrunes[j] {
		switch v.Kind() {
		case event.KindString:
			if v.Str() == "" {
				return event.Null
			}
		case event.KindArray, event.KindObject:
			return ecsPrune(v)
		}
	}
	return v
}

// SnakeCase renames a Graph member the way the Elastic azure integration's
// signinlogs pipeline does: "_" between a lower-case letter and the run of
// capitals after it, then everything lower-cased ("riskEventTypes_v2" →
// "risk_event_types_v2", "StatusSequence" → "status_sequence").
func SnakeCase(s string) string {
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

// ecsPropRenames are the pipeline's renames of properties after snake
// casing.
var ecsPropRenames = map[event.Field]string{
	event.FCreatedDateTime:              "created_at",
	event.FProcessingTimeInMilliseconds: "processing_time_ms",
	event.FRiskLevelDuringSignIn:        "risk_level_during_signin",
}

// ecsPropMoved are properties the pipeline moves out of
// azure.signinlogs.properties (to source.address, message, geo.*,
// user_agent.original).
var ecsPropMoved = map[event.Field]bool{
	event.FIPAddress:               true,
	event.FStatusFailureReason:     true,
	event.FStatusAdditionalDetails: true,
	event.FUserAgent:               true,
	event.FLocationCity:            true,
	event.FLocationState:           true,
	event.FLocationCountryOrRegion: true,
	event.FLocationLatitude:        true,
	event.FLocationLongitude:       true,
	event.FLocationAltitude:        true,
}

// ECSPropertyField returns the ECS field of a canonical Graph field
// ("azure.signinlogs.properties.status.error_code"), or false when the
// pipeline moves it elsewhere or f is an envelope field.
func ECSPropertyField(f event.Field) (string, bool) {
	if f < event.FID || f >= event.NumFields || ecsPropMoved[f] {
		return "", false
	}
	name, ok := ecsPropRenames[f]
	if !ok {
		name = SnakeCase(f.String())
	}
	return "azure.signinlogs.properties." + name, true
}

func ecsStr(s string, ok bool) event.Value {
	if !ok {
		return event.Null
	}
	return event.String(s)
}

func ecsStrField(f event.Field) func(e *ecsEvent) event.Value {
	return func(e *ecsEvent) event.Value { return ecsStr(e.ev.Str(f)) }
}

func ecsConst(v event.Value) func(*ecsEvent) event.Value {
	return func(*ecsEvent) event.Value { return v }
}

// ecsFieldValue is a canonical field as the pipeline indexes it: times as
// dates, JSON as dynamic values with snake-cased keys.
func ecsFieldValue(ev *event.SignIn, f event.Field) event.Value {
	switch f.Info().Type {
	case event.FString, event.FEnum:
		if f == event.FUserType {
			return ecsUserType(ev)
		}
		return ecsStr(ev.Str(f))
	case event.FInt:
		if n, ok := ev.Int(f); ok {
			return event.Long(n)
		}
	case event.FReal:
		if r, ok := ev.Real(f); ok {
			return event.Real(r)
		}
	case event.FBool:
		if b, ok := ev.Bool(f); ok {
			return event.Bool(b)
		}
	case event.FTime:
		if t, ok := ev.Time(f); ok {
			return event.Datetime(t)
		}
	case event.FJSON:
		s, ok := ev.Str(f)
		if !ok {
			return event.Null
		}
		v, err := event.ParseJSON(s)
		if err != nil {
			return event.Null
		}
		if f == event.FAuthenticationProcessingDetails {
			return ecsKeyValueObject(v)
		}
		return ecsSnakeKeys(v)
	}
	return event.Null
}

// ecsUserType renders userType as diagnostic records carry it: Member and
// Guest capitalised whatever case the source used (Graph writes member).
func ecsUserType(ev *event.SignIn) event.Value {
	s, ok := ev.UserType(false)
	if !ok {
		return event.Null
	}
	return event.String(s)
}

// ecsSnakeKeys renames the keys of the objects in v, at every depth and inside
// arrays, with SnakeCase.
func ecsSnakeKeys(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindArray:
		elems := v.Elems()
		out := make([]event.Value, len(elems))
		for i, e := range elems {
			out[i] = ecsSnakeKeys(e)
		}
		return event.Array(out...)
	case event.KindObject:
		ms := make([]event.Member, v.Len())
		for i := range ms {
			ms[i] = event.Member{Key: SnakeCase(v.Key(i)), Value: ecsSnakeKeys(v.Elem(i))}
		}
		return event.Object(ms...)
	}
	return v
}

// ecsKeyValueObject turns Graph's [{key, value}] array into an object keyed
// by key, as the pipeline does for authentication_processing_details.
func ecsKeyValueObject(v event.Value) event.Value {
	if v.Kind() != event.KindArray {
		return ecsSnakeKeys(v)
	}
	var ms []event.Member
	for _, e := range v.Elems() {
		k, ok := e.Get("key")
		if !ok || k.Kind() != event.KindString {
			continue
		}
		val, _ := e.Get("value")
		ms = append(ms, event.Member{Key: k.Str(), Value: val})
	}
	return event.Object(ms...)
}

// ecsSourceAddress is source.address: the first non-empty of the
// sign-in's ipAddress and the record's callerIpAddress.
func ecsSourceAddress(ev *event.SignIn) (string, bool) {
	for _, f := range []event.Field{event.FIPAddress, event.FCallerIPAddress} {
		if s, ok := ev.Str(f); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// ecsSourceIP is source.ip: source.address when it is an IP address (the
// pipeline's convert to ip fails silently otherwise), in canonical form.
func ecsSourceIP(ev *event.SignIn) (string, bool) {
	s, ok := ecsSourceAddress(ev)
	if !ok {
		return "", false
	}
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	return a.String(), true
}

// ecsUser splits a UPN as the pipeline's grok does: name@domain, else the
// whole UPN as the name. The name is the run of [A-Za-z0-9._-] before the
// first '@' it can end at; the domain the host name after it.
func ecsUser(upn string) (name, domain string, hasDomain bool) {
	isUser := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
	}
	isHost := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
	}
	for at := strings.IndexByte(upn, '@'); at >= 0; {
		if at > 0 && isUser(upn[at-1]) && at+1 < len(upn) && isHost(upn[at+1]) && upn[at+1] != '-' {
			start := at
			for start > 0 && isUser(upn[start-1]) {
				start--
			}
			end := at + 1
			for end < len(upn) && (isHost(upn[end]) || upn[end] == '.' && end+1 < len(upn) && isHost(upn[end+1]) && upn[end+1] != '-') {
				end++
			}
			return upn[start:at], upn[at+1 : end], true
		}
		next := strings.IndexByte(upn[at+1:], '@')
		if next < 0 {
			break
		}
		at += 1 + next
	}
	return upn, "", false
}

// ecsMessage is message: "failureReason (additionalDetails)", or whichever
// exists.
func ecsMessage(ev *event.SignIn) event.Value {
	reason, hasReason := ev.Str(event.FStatusFailureReason)
	details, hasDetails := ev.Str(event.FStatusAdditionalDetails)
	if ecsDropsEmpty(ev) {
		// The pipeline removed the empty ones before building message.
		hasReason, hasDetails = hasReason && reason != "", hasDetails && details != ""
	}
	switch {
	case hasReason && hasDetails:
		return event.String(reason + " (" + details + ")")
	case hasReason:
		return event.String(reason)
	case hasDetails:
		return event.String(details)
	}
	// An Elastic document keeps only the merged text.
	if v, ok := ecsExtra(ev, "message"); ok && v.Kind() == event.KindString {
		return v
	}
	return event.Null
}

// ecsExtra returns the parsed unknown member name of ev.
func ecsExtra(ev *event.SignIn, name string) (event.Value, bool) {
	for _, x := range ev.Extra {
		if x.Name == name {
			v, err := event.ParseJSON(x.Raw)
			return v, err == nil
		}
	}
	return event.Null, false
}

// ecsDocAS returns the source.as an Elastic document already carried: the
// lookup Elastic made when it indexed the sign-in.
func ecsDocAS(ev *event.SignIn) (enrich.AS, bool) {
	src, ok := ecsExtra(ev, "source")
	if !ok {
		return enrich.AS{}, false
	}
	as, ok := src.Get("as")
	if !ok || as.Kind() != event.KindObject {
		return enrich.AS{}, false
	}
	var out enrich.AS
	if n, ok := as.Get("number"); ok && n.IsNumber() {
		out.Number = n.AsLong()
	}
	if org, ok := as.Get("organization"); ok {
		if name, ok := org.Get("name"); ok && name.Kind() == event.KindString {
			out.Organization = name.Str()
		}
	}
	return out, out.Number != 0 || out.Organization != ""
}

// ecsOutcome is event.outcome: success when status.errorCode is missing or
// 0, failure when it is positive.
func ecsOutcome(ev *event.SignIn) event.Value {
	n, ok := ev.Int(event.FStatusErrorCode)
	switch {
	case !ok || n == 0:
		return event.String("success")
	case n > 0:
		return event.String("failure")
	}
	return event.Null
}

// ecsCategory is the record's category in its canonical spelling.
func ecsCategory(ev *event.SignIn) (string, bool) {
	if ev.Category != event.CategoryOther {
		return ev.Category.String(), true
	}
	return ev.Str(event.FCategory)
}

// ecsOperationName is the record's operationName; every sign-in category
// writes "Sign-in activity", which stands in for sources without an
// envelope (Graph).
func ecsOperationName(ev *event.SignIn) event.Value {
	if s, ok := ev.Str(event.FOperationName); ok && s != "" {
		return event.String(s)
	}
	if ev.Has(event.FOperationName) && ecsDropsEmpty(ev) {
		return event.Null // an empty or null operationName the pipeline removed
	}
	return event.String("Sign-in activity")
}

// ecsResultType is the record's resultType, else status.errorCode as text.
func ecsResultType(ev *event.SignIn) event.Value {
	if s, ok := ev.Str(event.FResultType); ok && s != "" {
		return event.String(s)
	}
	if ev.Has(event.FResultType) && ecsDropsEmpty(ev) {
		return event.Null // an empty or null resultType the pipeline removed
	}
	if n, ok := ev.Int(event.FStatusErrorCode); ok {
		return event.String(strconv.FormatInt(n, 10))
	}
	return event.Null
}

// ecsTime is @timestamp: the record time, else (a Graph signIn has no
// record) the sign-in's creation time.
func ecsTime(ev *event.SignIn) (int64, bool) {
	t, ok := ev.EventTime()
	if !ok {
		return 0, false
	}
	return t.UnixNano(), true
}

func ecsResourceProvider(id string) (string, bool) {
	const marker = "/providers/"
	i := strings.LastIndex(strings.ToLower(id), marker)
	if i < 0 {
		return "", false
	}
	p := id[i+len(marker):]
	if j := strings.IndexByte(p, '/'); j >= 0 {
		p = p[:j]
	}
	return p, p != ""
}

// ecsASNeeds is what NewECS reads to find a sign-in's autonomous system:
// an Elastic document's own source.as (an unknown member), else a lookup
// of source.ip with the record's autonomousSystemNumber.
var ecsASNeeds = needsExtra(event.FIPAddress, event.FCallerIPAddress, event.FAutonomousSystemNumber)

// ecsSignInColumns are the columns of the azure.signinlogs view, sorted by
// name.
var ecsSignInColumns = func() []ecsColumn {
	cols := []ecsColumn{
		{"@timestamp", plan.TypeDatetime, func(e *ecsEvent) event.Value {
			if t, ok := ecsTime(e.ev); ok {
				return event.DatetimeNanos(t)
			}
			return event.Null
		}, needs(event.FRecordTime, event.FCreatedDateTime)},
		{"event.ingested", plan.TypeDatetime, func(e *ecsEvent) event.Value { return ecsFieldValue(e.ev, event.FIngestTime) }, needs(event.FIngestTime)},
		{"event.dataset", plan.TypeString, ecsConst(event.String(SignInDataset)), Needs{}},
		{"data_stream.dataset", plan.TypeString, ecsConst(event.String(SignInDataset)), Needs{}},
		{"data_stream.type", plan.TypeString, ecsConst(event.String("logs")), Needs{}},
		{"event.module", plan.TypeString, ecsConst(event.String("azure")), Needs{}},
		{"event.kind", plan.TypeString, ecsConst(event.String("event")), Needs{}},
		{"event.category", plan.TypeDynamic, ecsConst(event.Array(event.String("authentication"))), Needs{}},
		{"event.type", plan.TypeDynamic, ecsConst(event.Array(event.String("info"))), Needs{}},
		{"event.outcome", plan.TypeString, func(e *ecsEvent) event.Value { return ecsOutcome(e.ev) }, needs(event.FStatusErrorCode)},
		{"event.action", plan.TypeString, func(e *ecsEvent) event.Value { return ecsOperationName(e.ev) }, needs(event.FOperationName)},
		{"event.id", plan.TypeString, func(e *ecsEvent) event.Value {
			if s, ok := e.ev.Str(event.FID); ok && s != "" {
				return event.String(s)
			}
			return event.Null
		}, needs(event.FID)},
		{"event.duration", plan.TypeLong, func(e *ecsEvent) event.Value {
			if n, ok := e.ev.Int(event.FDurationMs); ok {
				return event.Long(n * 1e6)
			}
			return event.Null
		}, needs(event.FDurationMs)},
		{"azure.signinlogs.category", plan.TypeString, func(e *ecsEvent) event.Value { return ecsStr(ecsCategory(e.ev)) }, needs(event.FCategory)},
		{"azure.signinlogs.operation_name", plan.TypeString, func(e *ecsEvent) event.Value { return ecsOperationName(e.ev) }, needs(event.FOperationName)},
		{"azure.signinlogs.operation_version", plan.TypeString, ecsStrField(event.FOperationVersion), needs(event.FOperationVersion)},
		{"azure.signinlogs.result_type", plan.TypeString, func(e *ecsEvent) event.Value { return ecsResultType(e.ev) }, needs(event.FResultType, event.FStatusErrorCode)},
		{"azure.signinlogs.result_signature", plan.TypeString, ecsStrField(event.FResultSignature), needs(event.FResultSignature)},
		{"azure.signinlogs.result_description", plan.TypeString, ecsStrField(event.FResultDescription), needs(event.FResultDescription)},
		{"azure.signinlogs.identity", plan.TypeString, ecsStrField(event.FIdentity), needs(event.FIdentity)},
		{"azure.tenant_id", plan.TypeString, ecsStrField(event.FTenantID), needs(event.FTenantID)},
		{"azure.tenant.id", plan.TypeString, ecsStrField(event.FTenantID), needs(event.FTenantID)},
		{"azure.correlation_id", plan.TypeString, ecsStrField(event.FRecordCorrelationID), needs(event.FRecordCorrelationID)},
		{"azure.correlation.id", plan.TypeString, ecsStrField(event.FRecordCorrelationID), needs(event.FRecordCorrelationID)},
		{"azure.resource_id", plan.TypeString, ecsStrField(event.FRecordResourceID), needs(event.FRecordResourceID)},
		{"azure.resource.id", plan.TypeString, ecsStrField(event.FRecordResourceID), needs(event.FRecordResourceID)},
		{"azure.resource.provider", plan.TypeString, func(e *ecsEvent) event.Value {
			id, _ := e.ev.Str(event.FRecordResourceID)
			return ecsStr(ecsResourceProvider(id))
		}, needs(event.FRecordResourceID)},
		{"cloud.provider", plan.TypeString, ecsConst(event.String("azure")), Needs{}},
		{"cloud.account.id", plan.TypeString, ecsStrField(event.FTenantID), needs(event.FTenantID)},
		{"log.level", plan.TypeString, ecsStrField(event.FLevel), needs(event.FLevel)},
		{"message", plan.TypeString, func(e *ecsEvent) event.Value { return ecsMessage(e.ev) }, needsExtra(event.FStatusFailureReason, event.FStatusAdditionalDetails)},
		{"geo.city_name", plan.TypeString, ecsStrField(event.FLocationCity), needs(event.FLocationCity)},
		// A pipeline quirk: the sign-in's state lands in geo.country_name.
		{"geo.country_name", plan.TypeString, ecsStrField(event.FLocationState), needs(event.FLocationState)},
		{"geo.country_iso_code", plan.TypeString, func(e *ecsEvent) event.Value {
			for _, f := range []event.Field{event.FRecordLocation, event.FLocationCountryOrRegion} {
				if s, ok := e.ev.Str(f); ok && s != "" {
					return event.String(s)
				}
			}
			return event.Null
		}, needs(event.FRecordLocation, event.FLocationCountryOrRegion)},
		{"geo.location.lat", plan.TypeReal, func(e *ecsEvent) event.Value { return ecsFieldValue(e.ev, event.FLocationLatitude) }, needs(event.FLocationLatitude)},
		{"geo.location.lon", plan.TypeReal, func(e *ecsEvent) event.Value { return ecsFieldValue(e.ev, event.FLocationLongitude) }, needs(event.FLocationLongitude)},
		{"source.address", plan.TypeString, func(e *ecsEvent) event.Value { return ecsStr(ecsSourceAddress(e.ev)) }, needs(event.FIPAddress, event.FCallerIPAddress)},
		{"source.ip", plan.TypeString, func(e *ecsEvent) event.Value { return ecsStr(ecsSourceIP(e.ev)) }, needs(event.FIPAddress, event.FCallerIPAddress)},
		{"client.ip", plan.TypeString, func(e *ecsEvent) event.Value { return ecsStr(ecsSourceIP(e.ev)) }, needs(event.FIPAddress, event.FCallerIPAddress)},
		{"related.ip", plan.TypeDynamic, func(e *ecsEvent) event.Value {
			if ip, ok := ecsSourceIP(e.ev); ok {
				return event.Array(event.String(ip))
			}
			return event.Null
		}, needs(event.FIPAddress, event.FCallerIPAddress)},
		{"source.as.number", plan.TypeLong, func(e *ecsEvent) event.Value {
			if e.hasAS && e.as.Number > 0 {
				return event.Long(e.as.Number)
			}
			return event.Null
		}, ecsASNeeds},
		{"source.as.organization.name", plan.TypeString, func(e *ecsEvent) event.Value {
			if e.hasAS && e.as.Organization != "" {
				return event.String(e.as.Organization)
			}
			return event.Null
		}, ecsASNeeds},
		{"user.name", plan.TypeString, func(e *ecsEvent) event.Value {
			upn, ok := e.ev.Str(event.FUserPrincipalName)
			if !ok {
				return event.Null
			}
			name, _, _ := ecsUser(upn)
			return event.String(name)
		}, needs(event.FUserPrincipalName)},
		{"user.domain", plan.TypeString, func(e *ecsEvent) event.Value {
			upn, _ := e.ev.Str(event.FUserPrincipalName)
			if _, domain, ok := ecsUser(upn); ok {
				return event.String(domain)
			}
			return event.Null
		}, needs(event.FUserPrincipalName)},
		{"user.id", plan.TypeString, ecsStrField(event.FUserID), needs(event.FUserID)},
		{"user.full_name", plan.TypeString, ecsStrField(event.FUserDisplayName), needs(event.FUserDisplayName)},
		{"user_agent.original", plan.TypeString, ecsStrField(event.FUserAgent), needs(event.FUserAgent)},
		{ECSPropertiesColumn, plan.TypeDynamic, func(e *ecsEvent) event.Value { return ecsExtraProperties(e.ev) }, needsExtra()},
	}
	for f := event.FID; f < event.NumFields; f++ {
		name, ok := ECSPropertyField(f)
		if !ok {
			continue
		}
		var t plan.Type
		switch f.Info().Type {
		case event.FString, event.FEnum:
			t = plan.TypeString
		case event.FInt:
			t = plan.TypeLong
		case event.FReal:
			t = plan.TypeReal
		case event.FBool:
			t = plan.TypeBool
		case event.FTime:
			t = plan.TypeDatetime
		default:
			t = plan.TypeDynamic
		}
		cols = append(cols, ecsColumn{name, t, func(e *ecsEvent) event.Value { return ecsFieldValue(e.ev, f) }, needs(f)})
	}
	ecsSortColumns(cols)
	return cols
}()

// ecsDropsEmpty reports whether the view removes the empty values of a
// sign-in, as the current azure signinlogs pipeline does: every sign-in
// but one read from an Elastic document, whose fields are what Elastic
// stored (an older pipeline kept empty values).
func ecsDropsEmpty(ev *event.SignIn) bool { return ev.Source != event.SourceElastic }

// ecsPrune removes what the pipeline treats as no value: the empty
// string, and (at every depth, inside arrays too) empty strings, nulls,
// and the arrays and objects left empty, themselves included. The
// elastic/integrations pipeline tests show it (an empty userPrincipalName
// gives no user.name, `appliedConditionalAccessPolicies: []` and
// `privateLinkDetails: {}` are left out, an enforcedSessionControls: []
// inside a policy too, and a key/value detail whose only value is empty
// leaves no authentication_processing_details). That empty strings inside
// arrays go too is the removal's usual form in Elastic's integrations;
// no pipeline test shows one. Numbers, false and zero stay.
func ecsPrune(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindString:
		if v.Str() == "" {
			return event.Null
		}
	case event.KindArray, event.KindObject:
		if !ecsHasEmpty(v) {
			return v
		}
		if v.Kind() == event.KindArray {
			var out []event.Value
			for _, e := range v.Elems() {
				if e = ecsPrune(e); !e.IsNull() {
					out = append(out, e)
				}
			}
			if len(out) == 0 {
				return event.Null
			}
			return event.Array(out...)
		}
		var ms []event.Member
		for i := 0; i < v.Len(); i++ {
			if e := ecsPrune(v.Elem(i)); !e.IsNull() {
				ms = append(ms, event.Member{Key: v.Key(i), Value: e})
			}
		}
		if len(ms) == 0 {
			return event.Null
		}
		return event.Object(ms...)
	}
	return v
}

// ecsHasEmpty reports whether ecsPrune would change v: it holds a null,
// an empty string or an empty array or object.
func ecsHasEmpty(v event.Value) bool {
	switch v.Kind() {
	case event.KindNull:
		return true
	case event.KindString:
		return v.Str() == ""
	case event.KindArray, event.KindObject:
		if v.Len() == 0 {
			return true
		}
		for i := 0; i < v.Len(); i++ {
			if ecsHasEmpty(v.Elem(i)) {
				return true
			}
		}
	}
	return false
}

func ecsSortColumns(cols []ecsColumn) {
	for i := 1; i < len(cols); i++ {
		for j := i; j > 0 && cols[j].name < cols[j-1].name; j-- {
			cols[j], cols[j-1] = cols[j-1], cols[j]
		}
	}
}

var ecsSignInSchema = func() plan.Schema {
	s := make(plan.Schema, len(ecsSignInColumns))
	for i, c := range ecsSignInColumns {
		s[i] = plan.Column{Name: c.name, Type: c.typ}
	}
	return s
}()

// ECSPropertiesColumn is the dynamic column of the ECS sign-in table that
// holds the properties of a sign-in vigil has no field for (the members
// the reader kept as unknown, event.SignIn.Extra), as the pipeline indexes
// every member of properties: keys snake-cased at every depth, under
// azure.signinlogs.properties. A Kuery field such as
// azure.signinlogs.properties.session_lifetime_policies reads it (the
// longest column that is a prefix of a field name wins, so the columns of
// the canonical properties are read first). ECSDocument merges it into the
// document.
const ECSPropertiesColumn = "azure.signinlogs.properties"

// ecsExtraProperties is the ECSPropertiesColumn of a sign-in: an object of
// its unknown properties, or null when it has none.
func ecsExtraProperties(ev *event.SignIn) event.Value {
	var root *ecsDocNode
	for _, x := range ev.Extra {
		path, ok := ecsExtraPath(ev.Source, x.Name)
		if !ok {
			continue
		}
		v, err := event.ParseJSON(x.Raw)
		if err != nil {
			continue
		}
		if root == nil {
			root = &ecsDocNode{}
		}
		root.putDeep(path, ecsSnakeKeys(v))
	}
	if root == nil {
		return event.Null
	}
	return root.value()
}

// ecsExtraPath returns the path under azure.signinlogs.properties of an
// unknown member, or false when it is not a property the pipeline keeps
// there. Azure Monitor records keep their members' record paths
// ("properties.sessionLifetimePolicies"), Graph objects their own
// ("sessionLifetimePolicies"), Elastic documents their document paths.
// Log Analytics columns are not properties by name (the table renames
// them), and properties.location goes to geo.*, the rest of it removed.
// A member whose path is, or lies inside, a column of its own (a value the
// reader could not convert, kept as it was) is not repeated here.
func ecsExtraPath(src event.Source, name string) ([]string, bool) {
	var rest string
	var ok bool
	switch src {
	case event.SourceAzureMonitor:
		rest, ok = strings.CutPrefix(name, "properties.")
	case event.SourceGraph:
		rest, ok = name, name != "" && name[0] != '@'
	case event.SourceElastic:
		rest, ok = strings.CutPrefix(name, ECSPropertiesColumn+".")
	}
	if !ok || rest == "" {
		return nil, false
	}
	path := strings.Split(rest, ".")
	if src != event.SourceElastic {
		for i, p := range path {
			path[i] = SnakeCase(p)
		}
		if path[0] == "location" {
			return nil, false
		}
	}
	full := ECSPropertiesColumn
	for _, p := range path {
		full += "." + p
		if ecsColumnNames[full] {
			return nil, false
		}
	}
	if ecsColumnPrefixes[full] {
		return nil, false
	}
	return path, true
}

// ecsColumnNames holds the names of the sign-in columns, ecsColumnPrefixes
// their dotted prefixes ("azure.signinlogs.properties.status" of
// …status.error_code). They are filled by init: the columns' getters read
// them.
var ecsColumnNames, ecsColumnPrefixes map[string]bool

// ecsPrunes marks the columns whose values can be empty: text and dynamic
// values computed from the sign-in (not constants).
var ecsPrunes []bool

func init() {
	ecsColumnNames, ecsColumnPrefixes = map[string]bool{}, map[string]bool{}
	ecsPrunes = make([]bool, len(ecsSignInColumns))
	for j, c := range ecsSignInColumns {
		ecsPrunes[j] = (c.typ == plan.TypeString || c.typ == plan.TypeDynamic) && c.in != Needs{}
		ecsColumnNames[c.name] = true
		for i, r := range c.name {
			if r == '.' {
				ecsColumnPrefixes[c.name[:i]] = true
			}
		}
	}
}

// ECSFieldProblem says why a field an Elastic rule names can never hold a
// value in the ECS sign-in table (schema.ECSSignInLogs), or "" when it can:
// a column, a path inside a dynamic column, or a snake_case name under
// azure.signinlogs.properties that a sign-in's unknown properties can
// fill. Elastic finds no document for such a field: a rule testing it
// silently never matches, which rules validate can warn about.
func ECSFieldProblem(name string) string {
	if ecsSignInSchema.Index(name) >= 0 || ecsColumnPrefixes[name] {
		return ""
	}
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		j := ecsSignInSchema.Index(name[:i])
		if j < 0 {
			continue
		}
		if name[:i] != ECSPropertiesColumn {
			if ecsSignInColumns[j].typ == plan.TypeDynamic {
				return ""
			}
			return "'" + name[:i] + "' is " + ecsSignInColumns[j].typ.String() + ", not an object"
		}
		path := strings.Split(name[i+1:], ".")
		if path[0] == "location" {
			return "the pipeline moves properties.location to geo.* and removes the rest of it"
		}
		for _, p := range path {
			if strings.IndexFunc(p, unicode.IsUpper) >= 0 {
				return "the pipeline snake-cases the keys of properties: '" + p + "' is indexed as '" + SnakeCase(p) + "'"
			}
		}
		return ""
	}
	return "the azure.signinlogs view has no field '" + name + "'"
}
