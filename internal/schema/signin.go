package schema

import (
	"strconv"
	"strings"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// getter computes the value of one column of a sign-in view. It returns a
// Value of the column's type: "" rather than null in a string column.
type getter func(ev *event.SignIn) event.Value

// source says where a column of the sign-in tables comes from. The same
// column has the same source in every table; only its type differs
// (Status is dynamic in SigninLogs and JSON text in the other tables).
type source struct {
	field event.Field // a canonical field (when group, extra and special are unset)
	group *member     // an object assembled from canonical fields
	// extra names the unknown members (event.SignIn.Extra) the column is
	// read from, first found wins: columns without a canonical field.
	extra []string
	// special computes columns with their own rules (TimeGenerated,
	// ResultType, UserType, …); it returns a Value of any kind, which
	// the column's type then renders.
	special func(ev *event.SignIn) event.Value
	// inputs are the canonical fields special reads (its Needs): declare
	// them with specialOf, next to the function.
	inputs []event.Field
}

// specialOf is the source of a column computed by fn from the fields in.
func specialOf(fn func(ev *event.SignIn) event.Value, in ...event.Field) source {
	return source{special: fn, inputs: in}
}

// needs returns what the column takes from a sign-in: its field, the
// fields of its group, the declared inputs of its special, or the unknown
// members. A special declared without inputs needs everything.
func (s source) needs() Needs {
	switch {
	case s.special != nil:
		if s.inputs == nil {
			return AllNeeds
		}
		return needs(s.inputs...)
	case s.group != nil:
		var n Needs
		var walk func(m *member)
		walk = func(m *member) {
			if m.kids == nil {
				n.Fields.Add(m.field)
			}
			for _, k := range m.kids {
				walk(k)
			}
		}
		walk(s.group)
		return n
	case s.extra != nil:
		return Needs{Extra: true}
	}
	return needs(s.field)
}

// laColumn renames the canonical fields whose Log Analytics column is not
// the Graph name with a capital first letter. It is the same naming as the
// Log Analytics reader in package normalize (see TestNamesAgreeWithNormalize).
var laColumn = map[event.Field]string{
	event.FIPAddress:                        "IPAddress",
	event.FIPAddressFromResourceProvider:    "IPAddressFromResourceProvider",
	event.FRiskEventTypesV2:                 "RiskEventTypes_V2",
	event.FAppliedConditionalAccessPolicies: "ConditionalAccessPolicies",
	// The GUID of the resource signed in to; ResourceId holds the
	// record's /tenants/…/providers/Microsoft.aadiam path in practice.
	event.FResourceID: "ResourceIdentity",
}

// columnOf returns the Log Analytics column of a canonical Graph field.
func columnOf(f event.Field) string {
	if c, ok := laColumn[f]; ok {
		return c
	}
	n := f.String()
	return strings.ToUpper(n[:1]) + n[1:]
}

// sources maps each column of the sign-in tables to its source.
var sources = func() map[string]source {
	m := map[string]source{}
	// Every Graph field without a dot is the column of its name.
	for f := event.FID; f < event.NumFields; f++ {
		if !strings.Contains(f.String(), ".") {
			m[columnOf(f)] = source{field: f}
		}
	}
	// SigninLogs spells it out; the other sign-in tables abbreviate it.
	m["ProcessingTimeInMs"] = source{field: event.FProcessingTimeInMilliseconds}

	// The objects Graph nests, which Log Analytics keeps as one column.
	m["Status"] = source{group: groupOf("status")}
	m["DeviceDetail"] = source{group: groupOf("deviceDetail")}
	m["LocationDetails"] = source{group: groupOf("location")}

	// The diagnostic record's envelope.
	m["AADTenantId"] = source{field: event.FTenantID}
	m["OperationVersion"] = source{field: event.FOperationVersion}
	m["ResultSignature"] = source{field: event.FResultSignature}
	m["DurationMs"] = source{field: event.FDurationMs}
	m["Identity"] = source{field: event.FIdentity}
	m["Level"] = source{field: event.FLevel}
	m["ResourceId"] = source{field: event.FRecordResourceID}
	m["TimeGenerated"] = specialOf(timeGenerated, event.FRecordTime, event.FCreatedDateTime)
	m["ResultType"] = specialOf(resultType, event.FResultType, event.FStatusErrorCode)
	m["UserType"] = specialOf(userType, event.FUserType)
	m["Category"] = specialOf(category, event.FCategory)
	m["CorrelationId"] = firstOf(event.FCorrelationID, event.FRecordCorrelationID)
	m["Location"] = firstOf(event.FRecordLocation, event.FLocationCountryOrRegion)
	m["ResultDescription"] = firstOf(event.FResultDescription, event.FStatusFailureReason)
	m["OperationName"] = specialOf(operationName, event.FOperationName)

	// Columns with no canonical field: what a Log Analytics export wrote,
	// kept as an unknown member under the column's name.
	for _, col := range []string{
		"AppliedConditionalAccessPolicies", "IsRisky", "RiskLevel", "Resource",
		"ResourceProvider", "ResourceGroup", "SourceSystem", "Agent",
		"AuthenticatorAppLocation", "ClientSessionId",
	} {
		m[col] = source{extra: []string{col}}
	}
	// A Graph beta member vigil has no field for: also read from Graph
	// records and Azure Monitor properties.
	m["ResourceServicePrincipalId"] = source{extra: []string{"ResourceServicePrincipalId", "resourceServicePrincipalId", "properties.resourceServicePrincipalId"}}
	// The workspace: only a Log Analytics export knows it. (Graph and
	// Azure Monitor "tenantId" is the Entra tenant, AADTenantId.)
	m["TenantId"] = source{extra: []string{"TenantId"}}
	return m
}()

// timeGenerated is the record time (Azure Monitor "time", Log Analytics
// TimeGenerated, Elastic @timestamp), else the sign-in's createdDateTime:
// a Graph signIn has no record time, and Log Analytics stamps a sign-in
// shortly after it was created.
func timeGenerated(ev *event.SignIn) event.Value {
	if t, ok := timeOf(ev); ok {
		return event.DatetimeNanos(t)
	}
	return event.Null
}

// timeOf returns the TimeGenerated of a sign-in as Unix nanoseconds.
func timeOf(ev *event.SignIn) (int64, bool) {
	t, ok := ev.EventTime()
	if !ok {
		return 0, false
	}
	return t.UnixNano(), true
}

// resultType is the envelope's resultType, else status.errorCode as
// decimal text (Graph records carry only the latter).
func resultType(ev *event.SignIn) event.Value {
	if s, ok := ev.Str(event.FResultType); ok && s != "" {
		return event.String(s)
	}
	if n, ok := ev.Int(event.FStatusErrorCode); ok {
		return event.String(strconv.FormatInt(n, 10))
	}
	return emptyString
}

// userType renders userType as Azure Monitor and Log Analytics write it:
// Member and Guest capitalised, whatever case the source used (Graph
// writes member/guest). Other values are kept as written.
func userType(ev *event.SignIn) event.Value {
	s, _ := ev.UserType(false)
	return event.String(s)
}

// category is the Azure Monitor category name in its canonical spelling
// (sources vary the case).
func category(ev *event.SignIn) event.Value {
	if ev.Category != event.CategoryOther {
		return event.String(ev.Category.String())
	}
	s, _ := ev.Str(event.FCategory)
	return event.String(s)
}

// operationName is the envelope's operationName, which is "Sign-in
// activity" for every sign-in category; a Graph record has no envelope.
func operationName(ev *event.SignIn) event.Value {
	if s, ok := ev.Str(event.FOperationName); ok && s != "" {
		return event.String(s)
	}
	return event.String("Sign-in activity")
}

// firstOf is the source of a column holding the first of the string fields
// fs (its inputs) that is set and not empty: CorrelationId is the sign-in's
// correlationId else the envelope's; Location the envelope's country code
// else location.countryOrRegion; ResultDescription the envelope's else
// status.failureReason.
func firstOf(fs ...event.Field) source {
	return specialOf(func(ev *event.SignIn) event.Value {
		for _, f := range fs {
			if s, ok := ev.Str(f); ok && s != "" {
				return event.String(s)
			}
		}
		return emptyString
	}, fs...)
}

// member is a node of an object assembled from canonical fields: a leaf
// holding one field, or an object of members in field order.
type member struct {
	key   string
	field event.Field
	kids  []*member
}

// groupOf builds the object of the canonical fields under prefix
// ("status" → errorCode, failureReason, additionalDetails).
func groupOf(prefix string) *member {
	root := &member{key: prefix}
	for f := event.Field(0); f < event.NumFields; f++ {
		name := f.String()
		if !strings.HasPrefix(name, prefix+".") {
			continue
		}
		cur := root
		parts := strings.Split(name[len(prefix)+1:], ".")
		for i, p := range parts {
			if i == len(parts)-1 {
				cur.kids = append(cur.kids, &member{key: p, field: f})
				break
			}
			var next *member
			for _, k := range cur.kids {
				if k.key == p && k.kids != nil {
					next = k
				}
			}
			if next == nil {
				next = &member{key: p, kids: []*member{}}
				cur.kids = append(cur.kids, next)
			}
			cur = next
		}
	}
	return root
}

// value assembles the object; ok is false when no member is set (absent
// and null members are left out, so every shape renders alike).
func (m *member) value(ev *event.SignIn) (event.Value, bool) {
	if m.kids == nil {
		return dynamicField(ev, m.field)
	}
	ms := make([]event.Member, 0, len(m.kids))
	for _, k := range m.kids {
		if v, ok := k.value(ev); ok {
			ms = append(ms, event.Member{Key: k.key, Value: v})
		}
	}
	if len(ms) == 0 {
		return event.Null, false
	}
	return event.Object(ms...), true
}

// appendJSON appends the object as compact JSON text, as value would
// render it; ok is false when no member is set.
func (m *member) appendJSON(dst []byte, ev *event.SignIn) ([]byte, bool) {
	if m.kids == nil {
		v, ok := dynamicField(ev, m.field)
		if !ok {
			return dst, false
		}
		return v.AppendJSON(dst), true
	}
	start := len(dst)
	dst = append(dst, '{')
	some := false
	for _, k := range m.kids {
		mark := len(dst)
		if some {
			dst = append(dst, ',')
		}
		dst = event.String(k.key).AppendJSON(dst)
		dst = append(dst, ':')
		var ok bool
		if dst, ok = k.appendJSON(dst, ev); ok {
			some = true
		} else {
			dst = dst[:mark]
		}
	}
	if !some {
		return dst[:start], false
	}
	return append(dst, '}'), true
}

// dynamicField returns a canonical field as a dynamic value: JSON fields
// parsed, times as their ISO text, everything else as its scalar.
func dynamicField(ev *event.SignIn, f event.Field) (event.Value, bool) {
	switch f.Info().Type {
	case event.FString, event.FEnum:
		s, ok := ev.Str(f)
		return event.String(s), ok
	case event.FJSON:
		s, ok := ev.Str(f)
		if !ok {
			return event.Null, false
		}
		v, err := event.ParseJSON(s)
		if err != nil {
			return event.Null, false
		}
		return v, true
	case event.FInt:
		n, ok := ev.Int(f)
		return event.Long(n), ok
	case event.FReal:
		r, ok := ev.Real(f)
		return event.Real(r), ok
	case event.FBool:
		b, ok := ev.Bool(f)
		return event.Bool(b), ok
	case event.FTime:
		t, ok := ev.Time(f)
		return event.String(event.Datetime(t).Text()), ok
	}
	return event.Null, false
}

// getter returns the function computing the column from a sign-in as a
// Value of type t.
func (s source) getter(t plan.Type) getter {
	var raw func(ev *event.SignIn) (event.Value, bool)
	switch {
	case s.special != nil:
		raw = func(ev *event.SignIn) (event.Value, bool) {
			v := s.special(ev)
			return v, !v.IsNull()
		}
	case s.group != nil && t == plan.TypeString:
		// JSON text written straight from the fields.
		g := s.group
		return func(ev *event.SignIn) event.Value {
			buf, ok := g.appendJSON(nil, ev)
			if !ok {
				return emptyString
			}
			return event.String(string(buf))
		}
	case s.group != nil:
		raw = s.group.value
	case s.extra != nil:
		names := s.extra
		return func(ev *event.SignIn) event.Value {
			for _, n := range names {
				for _, x := range ev.Extra {
					if x.Name == n {
						v, _ := convert(x.Raw, t)
						return v
					}
				}
			}
			return missing(t)
		}
	default:
		f := s.field
		if f.Info().Type == event.FTime && t == plan.TypeDatetime {
			return func(ev *event.SignIn) event.Value {
				if tm, ok := ev.Time(f); ok {
					return event.Datetime(tm)
				}
				return event.Null
			}
		}
		if f.Info().Type == event.FJSON && t == plan.TypeString {
			// The event keeps arrays and objects as compact JSON text,
			// which is what a string column shows.
			return func(ev *event.SignIn) event.Value {
				s, _ := ev.Str(f)
				return event.String(s)
			}
		}
		raw = func(ev *event.SignIn) (event.Value, bool) { return dynamicField(ev, f) }
	}
	return func(ev *event.SignIn) event.Value {
		v, ok := raw(ev)
		if !ok {
			return missing(t)
		}
		return render(v, t)
	}
}

// missing is the value of a column the sign-in does not fill.
func missing(t plan.Type) event.Value {
	if t == plan.TypeString {
		return emptyString
	}
	return event.Null
}

// render gives v the column type t: a string column holds the text of
// any value (arrays and objects as compact JSON, as Log Analytics stores
// dynamic values in string columns); other types take values of their
// kind, and a dynamic column anything. A value of another kind is null.
func render(v event.Value, t plan.Type) event.Value {
	switch {
	case t == plan.TypeString:
		if v.Kind() == event.KindString {
			return v
		}
		return event.String(v.Text())
	case t == plan.TypeDynamic || t == plan.TypeUnknown:
		return v
	case t == plan.TypeReal && v.Kind() == event.KindLong:
		return event.Real(v.AsReal())
	case plan.TypeOfKind(v.Kind()) == t:
		return v
	}
	return event.Null
}
