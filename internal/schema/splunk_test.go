package schema

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/normalize"
)

// The same consent denial in three shapes.
const (
	splunkAzmon = `{"time": "2024-05-02T09:13:31.0000000Z", "resourceId": "/tenants/t1/providers/Microsoft.aadiam", "operationName": "Sign-in activity", "operationVersion": "1.0", "category": "SignInLogs", "tenantId": "t1", "resultType": "65004", "callerIpAddress": "198.51.100.7", "correlationId": "env-corr", "identity": "Alex Wilber", "Level": 4, "location": "US",
 "properties": {"id": "s1", "createdDateTime": "2024-05-02T09:01:11Z", "userPrincipalName": "alex@contoso.example", "userId": "u1", "userType": "Member", "appDisplayName": "Contoso Mail Reader", "ipAddress": "198.51.100.7", "isInteractive": true, "tokenIssuerType": "AzureAD", "correlationId": "prop-corr",
  "status": {"errorCode": 65004, "failureReason": "The user declined to consent."},
  "riskEventTypes_v2": ["unfamiliarFeatures", "anonymizedIPAddress"],
  "authenticationDetails": [{"authenticationMethod": "Password", "succeeded": true}, {"authenticationMethod": "Mobile app notification", "succeeded": false}],
  "fancyNewThing": {"a": 1}}}`
	splunkGraph = `{"id": "s1", "createdDateTime": "2024-05-02T09:01:11Z", "userPrincipalName": "alex@contoso.example", "userId": "u1", "userType": "member", "appDisplayName": "Contoso Mail Reader", "ipAddress": "198.51.100.7", "isInteractive": true,
  "status": {"errorCode": 65004, "failureReason": "The user declined to consent."}, "fancyNewThing": "x"}`
)

func splunkEvent(t *testing.T, shape, text string) event.SignIn {
	t.Helper()
	n := normalize.NewNormalizer()
	n.KeepExtra = true
	var ev event.SignIn
	var row event.Row
	var err error
	switch shape {
	case "graph":
		err = n.Graph([]byte(text), &ev)
	case "azmon":
		_, err = n.AzureMonitor([]byte(text), &ev, &row)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// splunkRows scans a view and returns its rows as field → value, leaving
// out null fields.
func splunkRows(t *testing.T, s *Splunk, sourcetype string) []map[string]event.Value {
	t.Helper()
	tab, ok := s.Table(sourcetype)
	if !ok {
		t.Fatalf("no table %s", sourcetype)
	}
	var out []map[string]event.Value
	err := tab.Scan(context.Background(), func(row []event.Value) error {
		m := map[string]event.Value{}
		for i, c := range tab.Schema() {
			if !c.Type.Accepts(row[i].Kind()) {
				t.Errorf("%s: %v does not fit %v", c.Name, row[i], c.Type)
			}
			if !row[i].IsNull() {
				m[c.Name] = row[i]
			}
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func strs(vs ...string) event.Value {
	if len(vs) == 1 {
		return event.String(vs[0])
	}
	var es []event.Value
	for _, v := range vs {
		es = append(es, event.String(v))
	}
	return event.Array(es...)
}

func TestSplunkAzureMonitorRecord(t *testing.T) {
	evs := []event.SignIn{splunkEvent(t, "azmon", splunkAzmon)}
	evs[0].Origin.File = "logs/a.json"
	rows := splunkRows(t, NewSplunk(evs, SplunkOptions{}), AzureMonitorAAD)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	want := map[string]event.Value{
		"_time":                           event.Datetime(time.Date(2024, 5, 2, 9, 13, 31, 0, time.UTC)),
		"sourcetype":                      strs("azure:monitor:aad"),
		"source":                          strs("logs/a.json"),
		"time":                            strs("2024-05-02T09:13:31.0000000Z"),
		"resourceId":                      strs("/tenants/t1/providers/Microsoft.aadiam"),
		"operationName":                   strs("Sign-in activity"),
		"operationVersion":                strs("1.0"),
		"category":                        strs("SignInLogs"),
		"tenantId":                        strs("t1"),
		"resultType":                      strs("65004"),
		"callerIpAddress":                 strs("198.51.100.7"),
		"correlationId":                   strs("env-corr"),
		"identity":                        strs("Alex Wilber"),
		"Level":                           strs("4"),
		"location":                        strs("US"),
		"properties.id":                   strs("s1"),
		"properties.createdDateTime":      strs("2024-05-02T09:01:11Z"),
		"properties.userPrincipalName":    strs("alex@contoso.example"),
		"properties.userId":               strs("u1"),
		"properties.userType":             strs("Member"),
		"properties.appDisplayName":       strs("Contoso Mail Reader"),
		"properties.ipAddress":            strs("198.51.100.7"),
		"properties.isInteractive":        strs("true"),
		"properties.tokenIssuerType":      strs("AzureAD"),
		"properties.correlationId":        strs("prop-corr"),
		"properties.status.errorCode":     strs("65004"),
		"properties.status.failureReason": strs("The user declined to consent."),
		"properties.riskEventTypes_v2{}":  strs("unfamiliarFeatures", "anonymizedIPAddress"),
		"properties.authenticationDetails{}.authenticationMethod": strs("Password", "Mobile app notification"),
		"properties.authenticationDetails{}.succeeded":            strs("true", "false"),
		"properties.fancyNewThing.a":                              strs("1"),
		// The add-on's fields (§A.4).
		"dest":                   strs("t1"),
		"vendor_account":         strs("t1"),
		"vendor_product":         strs("Azure AD"),
		"signature":              strs("Sign-in activity"),
		"src":                    strs("198.51.100.7"),
		"src_ip":                 strs("198.51.100.7"),
		"user":                   strs("alex@contoso.example"),
		"user_id":                strs("u1"),
		"reason":                 strs("The user declined to consent."),
		"action":                 strs("failure"),
		"app":                    strs("Contoso Mail Reader"),
		"authentication_method":  strs("Interactive"),
		"authentication_service": strs("AzureAD"),
		"status":                 strs("failure"),
		"id":                     strs("s1"),
	}
	if diff := cmp.Diff(want, rows[0], cmp.Comparer(event.Equal)); diff != "" {
		t.Errorf("azure:monitor:aad event (-want +got):\n%s", diff)
	}
}

func TestSplunkGraphObject(t *testing.T) {
	evs := []event.SignIn{splunkEvent(t, "graph", splunkGraph)}
	s := NewSplunk(evs, SplunkOptions{})
	rows := splunkRows(t, s, O365GraphAPI)
	want := map[string]event.Value{
		"_time":                event.Datetime(time.Date(2024, 5, 2, 9, 1, 11, 0, time.UTC)),
		"sourcetype":           strs("o365:graph:api"),
		"source":               strs(""),
		"id":                   strs("s1"),
		"createdDateTime":      strs("2024-05-02T09:01:11Z"),
		"userPrincipalName":    strs("alex@contoso.example"),
		"userId":               strs("u1"),
		"userType":             strs("member"),
		"appDisplayName":       strs("Contoso Mail Reader"),
		"ipAddress":            strs("198.51.100.7"),
		"isInteractive":        strs("true"),
		"status.errorCode":     strs("65004"),
		"status.failureReason": strs("The user declined to consent."),
		"fancyNewThing":        strs("x"),
	}
	if diff := cmp.Diff(want, rows[0], cmp.Comparer(event.Equal)); diff != "" {
		t.Errorf("o365:graph:api event (-want +got):\n%s", diff)
	}
	// The same sign-in under azure:monitor:aad has no envelope, so no
	// add-on field computed from one; _time falls back to createdDateTime.
	aad := splunkRows(t, s, AzureMonitorAAD)[0]
	for _, f := range []string{"dest", "src", "src_ip", "signature", "vendor_account", "operationName", "tenantId", "callerIpAddress"} {
		if v, ok := aad[f]; ok {
			t.Errorf("graph sign-in under azure:monitor:aad has %s = %v", f, v)
		}
	}
	if got := aad["user"]; !event.Equal(got, strs("alex@contoso.example")) {
		t.Errorf("user = %v", got)
	}
	if got := aad["properties.userType"]; !event.Equal(got, strs("Member")) {
		t.Errorf("properties.userType = %v, want Member as Azure Monitor writes it", got)
	}
	if got := aad["vendor_product"]; !event.Equal(got, strs("Azure AD")) {
		t.Errorf("vendor_product = %v", got)
	}
}

func TestSplunkSchemaHasEveryField(t *testing.T) {
	s := NewSplunk(nil, SplunkOptions{})
	for _, tc := range []struct{ st, col, typ string }{
		{AzureMonitorAAD, "_time", "datetime"},
		{AzureMonitorAAD, "properties.appDisplayName", "string"},
		{AzureMonitorAAD, "properties.status.failureReason", "string"},
		{AzureMonitorAAD, "dest", "string"},
		{AzureMonitorAAD, "callerIpAddress", "string"},
		{O365GraphAPI, "status.errorCode", "string"},
		{O365GraphAPI, "ipAddress", "string"},
	} {
		sch, ok := s.TableSchema(tc.st)
		if !ok {
			t.Fatalf("no %s", tc.st)
		}
		i := sch.Index(tc.col)
		if i < 0 {
			t.Errorf("%s has no column %s", tc.st, tc.col)
			continue
		}
		if sch[i].Type.String() != tc.typ {
			t.Errorf("%s.%s is %v, want %s", tc.st, tc.col, sch[i].Type, tc.typ)
		}
	}
	evs := []event.SignIn{splunkEvent(t, "azmon", splunkAzmon)}
	sch, _ := NewSplunk(evs, SplunkOptions{}).TableSchema(AzureMonitorAAD)
	if i := sch.Index("properties.authenticationDetails{}.succeeded"); i < 0 || sch[i].Type.String() != "dynamic" {
		t.Errorf("multivalue column missing or not dynamic: %v", sch)
	}
}

func TestSplunkWindow(t *testing.T) {
	mk := func(tm string) event.SignIn {
		return splunkEvent(t, "azmon", strings.Replace(splunkAzmon, "2024-05-02T09:13:31.0000000Z", tm, 1))
	}
	evs := []event.SignIn{mk("2024-05-02T10:00:00Z"), mk("2024-05-02T08:50:00Z"), mk("2024-05-02T09:49:59Z"), mk("2024-05-02T09:50:00Z")}
	s := NewSplunk(evs, SplunkOptions{})
	first, last, ok := s.Span()
	if !ok || !first.Equal(time.Date(2024, 5, 2, 8, 50, 0, 0, time.UTC)) || !last.Equal(time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("span = %v %v %v", first, last, ok)
	}
	// The ESCU window of the 10:00 run: [08:50, 09:50).
	w := s.Window(time.Date(2024, 5, 2, 8, 50, 0, 0, time.UTC), time.Date(2024, 5, 2, 9, 50, 0, 0, time.UTC))
	var got []string
	for _, r := range splunkRows(t, w, AzureMonitorAAD) {
		got = append(got, r["time"].Str())
	}
	if want := []string{"2024-05-02T08:50:00Z", "2024-05-02T09:49:59Z"}; !cmp.Equal(got, want) {
		t.Errorf("window rows = %v, want %v (sorted, earliest inclusive, latest exclusive)", got, want)
	}
	if evs := s.Events(AzureMonitorAAD, time.Date(2024, 5, 2, 8, 50, 0, 0, time.UTC), time.Date(2024, 5, 2, 9, 50, 0, 0, time.UTC)); len(evs) != 2 {
		t.Errorf("Events in the window: %d, want 2", len(evs))
	}
	if evs := s.Events("nope", time.Time{}, time.Now()); evs != nil {
		t.Errorf("Events of an unknown sourcetype: %d", len(evs))
	}
}

func TestParseTAFields(t *testing.T) {
	if len(DefaultAADFields()) != 16 {
		t.Errorf("default table has %d fields, want 16", len(DefaultAADFields()))
	}
	for _, tc := range []struct{ in, err string }{
		{"a = b", ""},
		{`a = coalesce(b, "x")`, ""},
		{"a b", "line 1: want NAME = EXPR"},
		{"\n\nx = nope(a)", "line 3: x: unknown form nope"},
		{"x = ifnull(a, b)", "line 1: x: ifnull takes 3 arguments, got 2"},
		{`x = "open`, "line 1: x: unterminated string"},
		{"x = coalesce(a b)", "line 1: x: want , or ) in coalesce(…)"},
		{"x = a)", `line 1: x: unexpected ")"`},
	} {
		_, err := ParseTAFields(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err {
			t.Errorf("ParseTAFields(%q) = %q, want %q", tc.in, got, tc.err)
		}
	}
	// A replacement table: a newer add-on taking src from ipAddress.
	fs, err := ParseTAFields("src = properties.ipAddress\nuser = nonempty(properties.userPrincipalName)")
	if err != nil {
		t.Fatal(err)
	}
	evs := []event.SignIn{splunkEvent(t, "graph", splunkGraph)}
	row := splunkRows(t, NewSplunk(evs, SplunkOptions{TAFields: fs}), AzureMonitorAAD)[0]
	if !event.Equal(row["src"], strs("198.51.100.7")) || row["dest"].Kind() != event.KindNull {
		t.Errorf("replaced table: src=%v dest=%v", row["src"], row["dest"])
	}
}

func FuzzParseTAFields(f *testing.F) {
	f.Add(defaultAADFields)
	f.Add(`x = map(a, "1", b, "2", coalesce(c, "d"))`)
	f.Add("x = ifeq(a, \"v\", ifnull(b, c, d), e)")
	f.Fuzz(func(t *testing.T, text string) {
		fs, err := ParseTAFields(text)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("error without a line: %v", err)
			}
			return
		}
		get := func(string) []string { return []string{"v"} }
		for _, fd := range fs {
			fd.Expr.eval(get)
		}
	})
}

// TestSplunkNeeding: a view restricted to the columns a search reads builds
// exactly those, with the values the full view has — an add-on field too,
// though the raw fields it is computed from were not asked for — and leaves
// every other column null.
func TestSplunkNeeding(t *testing.T) {
	evs := []event.SignIn{splunkEvent(t, "azmon", splunkAzmon)}
	full := splunkRows(t, NewSplunk(evs, SplunkOptions{}), AzureMonitorAAD)[0]
	want := []string{"user", "properties.status.errorCode", "properties.authenticationDetails{}.succeeded"}
	got := splunkRows(t, NewSplunk(evs, SplunkOptions{}).Needing(map[string][]string{AzureMonitorAAD: want}), AzureMonitorAAD)[0]
	for _, c := range want {
		if full[c].IsNull() || !event.Equal(got[c], full[c]) {
			t.Errorf("%s = %v, want %v", c, got[c], full[c])
		}
	}
	allowed := append([]string{SplunkTime, "sourcetype", "source"}, want...)
	for _, f := range DefaultAADFields() {
		if f.Name == "user" {
			f.Expr.fields(func(name string) { allowed = append(allowed, name) })
		}
	}
	for c := range got {
		if !slices.Contains(allowed, c) {
			t.Errorf("column %s built, though not needed", c)
		}
	}
}

// TestSplunkAbsentFieldsAreNull: an add-on field whose raw field a record
// lacks is null, as Splunk leaves it, whatever the record before it held
// (so fillnull fills it and stats … by keeps the event). Each record gives
// the row it gives alone.
func TestSplunkAbsentFieldsAreNull(t *testing.T) {
	full := splunkEvent(t, "azmon", splunkAzmon)
	// No callerIpAddress, no failure reason, no user principal name.
	bare := splunkEvent(t, "azmon", `{"time": "2024-05-02T09:15:00Z", "operationName": "Sign-in activity", "category": "SignInLogs",
  "tenantId": "t1", "properties": {"id": "s2", "servicePrincipalName": "svc", "userId": "u2", "status": {"errorCode": 0}}}`)
	alone := splunkRows(t, NewSplunk([]event.SignIn{bare}, SplunkOptions{}), AzureMonitorAAD)[0]
	for _, want := range []struct {
		field string
		want  event.Value // event.Null: absent
	}{
		{"src", event.Null},
		{"src_ip", event.Null},
		{"reason", event.Null},
		{"action", event.String("success")},
		{"user", event.String("svc")},
		{"user_id", event.String("u2")},
		{"callerIpAddress", event.Null},
	} {
		got, ok := alone[want.field]
		if !ok {
			got = event.Null
		}
		if !event.Equal(got, want.want) {
			t.Errorf("alone: %s = %v, want %v", want.field, got, want.want)
		}
	}
	for _, order := range [][]event.SignIn{{full, bare}, {full, full, bare}} {
		rows := splunkRows(t, NewSplunk(order, SplunkOptions{}), AzureMonitorAAD)
		i := slices.IndexFunc(rows, func(r map[string]event.Value) bool { return event.Equal(r["properties.id"], event.String("s2")) })
		if i < 0 {
			t.Fatal("no row of the bare record")
		}
		if diff := cmp.Diff(alone, rows[i], cmp.Comparer(event.Equal)); diff != "" {
			t.Errorf("after %d other record(s), the row differs (-alone +got):\n%s", len(order)-1, diff)
		}
	}
}
