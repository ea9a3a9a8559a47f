package gen

import (
	"strconv"
	"time"
)

// laWriter writes Log Analytics rows of SigninLogs and
// AADNonInteractiveUserSignInLogs: as JSON arrays of typed rows, or as the
// portal's CSV export (a header line, then text cells).
type laWriter struct {
	g     *generator
	csv   bool
	files [2]lazy
	n     [2]int
	row   laRow
}

func (w *laWriter) openDay(day time.Time) error {
	ext := ".json"
	if w.csv {
		ext = ".csv"
	}
	w.files[0].name = dayName("SigninLogs", day, ext)
	w.files[1].name = dayName("AADNonInteractiveUserSignInLogs", day, ext)
	return nil
}

func (w *laWriter) write(s *signIn, f *facts) error {
	c := category(s)
	g := w.g
	var header func(*sink)
	if w.csv {
		header = func(sk *sink) {
			w.row = laRow{g: g, csv: true, header: true}
			g.laColumns(&w.row, s, f)
			sk.write(append(w.row.b, "\r\n"...))
		}
	}
	sk, err := w.files[c].get(g, header)
	if err != nil {
		return err
	}
	w.row = laRow{g: g, csv: w.csv, b: w.row.b[:0], dynamic: s.interactive}
	switch {
	case w.csv:
	case w.n[c] == 0:
		w.row.b = append(w.row.b, "[\n"...)
	default:
		w.row.b = append(w.row.b, ",\n"...)
	}
	w.n[c]++
	start := len(w.row.b)
	if !w.csv {
		w.row.b = append(w.row.b, '{')
	}
	g.laColumns(&w.row, s, f)
	if w.csv {
		w.row.b = append(w.row.b, "\r\n"...)
	} else {
		w.row.b = append(w.row.b, '}')
	}
	g.sum.Bytes += int64(len(w.row.b) - start)
	sk.write(w.row.b)
	return nil
}

func (w *laWriter) closeDay() error {
	for c := range w.files {
		var footer func(*sink)
		if !w.csv {
			footer = func(s *sink) { s.write([]byte("\n]\n")) }
		}
		err := w.files[c].close(footer)
		w.n[c] = 0
		if err != nil {
			return err
		}
	}
	return nil
}

// laRow writes the columns of one row, as JSON members or CSV cells, or the
// CSV header.
type laRow struct {
	g       *generator
	b       []byte
	csv     bool
	header  bool // write the column names (CSV)
	dynamic bool // dynamic columns are objects (SigninLogs), not JSON text
	n       int
}

func (r *laRow) col(name string) {
	if r.n > 0 {
		r.b = append(r.b, ',')
	}
	r.n++
	if r.csv {
		return
	}
	r.b = append(r.b, '"')
	r.b = append(r.b, name...)
	r.b = append(r.b, '"', ':')
}

func (r *laRow) str(name, v string) {
	r.col(name)
	switch {
	case r.header:
		r.b = append(r.b, name...)
	case r.csv:
		r.b = appendCSVCell(r.b, v)
	default:
		r.b = appendJSONString(r.b, v)
	}
}

func (r *laRow) int(name string, v int64) {
	r.col(name)
	if r.header {
		r.b = append(r.b, name...)
		return
	}
	r.b = strconv.AppendInt(r.b, v, 10)
}

func (r *laRow) bool(name string, v bool) {
	r.col(name)
	switch {
	case r.header:
		r.b = append(r.b, name...)
	case r.csv && v:
		r.b = append(r.b, "True"...)
	case r.csv:
		r.b = append(r.b, "False"...)
	default:
		r.b = strconv.AppendBool(r.b, v)
	}
}

func (r *laRow) time(name string, ns int64) {
	r.col(name)
	switch {
	case r.header:
		r.b = append(r.b, name...)
		r.b = append(r.b, " [UTC]"...)
	case r.csv:
		r.b = append(r.b, '"')
		r.b = appendCSVTime(r.b, ns)
		r.b = append(r.b, '"')
	default:
		r.b = append(r.b, '"')
		r.b = appendTime(r.b, ns, 7)
		r.b = append(r.b, '"')
	}
}

// json writes a JSON column made by fill: an object or array in a dynamic
// column of a JSON export, its text otherwise.
func (r *laRow) json(name string, dynamic bool, fill func(w *jw)) {
	r.col(name)
	if r.header {
		r.b = append(r.b, name...)
		return
	}
	t := &r.g.tmp
	*t = jw{b: t.b[:0]}
	fill(t)
	switch {
	case r.csv:
		r.b = appendCSVCell(r.b, t.b)
	case dynamic && r.dynamic:
		r.b = append(r.b, t.b...)
	default:
		r.b = appendJSONString(r.b, t.b)
	}
}

// appendCSVCell appends v as a CSV cell, quoted when it must be.
func appendCSVCell[S ~string | ~[]byte](b []byte, v S) []byte {
	quote := false
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			quote = true
			break
		}
	}
	if !quote {
		return append(b, v...)
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			b = append(b, v[start:i+1]...)
			b = append(b, '"')
			start = i + 1
		}
	}
	b = append(b, v[start:]...)
	return append(b, '"')
}

// laColumns writes a sign-in row in the column order of the tables.
// Dynamic in SigninLogs, text in the other table (SEMANTICS.md §A.3):
// Status, DeviceDetail, LocationDetails, ConditionalAccessPolicies,
// MfaDetail; AuthenticationDetails is text in both.
func (g *generator) laColumns(r *laRow, s *signIn, f *facts) {
	caStatus := g.policyResults(s)
	u := s.user
	table := "SigninLogs"
	if !s.interactive {
		table = "AADNonInteractiveUserSignInLogs"
	}
	r.str("TenantId", g.t.WorkspaceID)
	r.str("SourceSystem", "Azure AD")
	r.time("TimeGenerated", f.record)
	r.str("ResourceId", "/tenants/"+g.t.ID+"/providers/Microsoft.aadiam")
	r.str("OperationName", "Sign-in activity")
	r.str("OperationVersion", "1.0")
	r.str("Category", s.category())
	r.str("ResultType", strconv.Itoa(s.errorCode()))
	r.str("ResultSignature", "None")
	reason := ""
	if s.fail != nil {
		reason = s.fail.reason
	}
	r.str("ResultDescription", reason)
	r.int("DurationMs", 0)
	r.str("CorrelationId", f.correlation)
	r.str("Resource", "Microsoft.aadiam")
	r.str("ResourceGroup", "Microsoft.aadiam")
	r.str("ResourceProvider", "Microsoft.aadiam")
	r.str("Identity", u.DisplayName)
	r.str("Level", "4")
	r.str("Location", s.net.country)
	r.str("AlternateSignInName", u.UPN)
	r.str("AppDisplayName", s.app.name)
	r.str("AppId", s.app.id)
	r.str("AuthenticationContextClassReferences", "[]")
	r.json("AuthenticationDetails", false, func(w *jw) { w.b = w.b[:0]; g.authDetailsRaw(w, s) })
	r.str("AppliedEventListeners", "[]")
	r.str("AuthenticationMethodsUsed", "")
	r.json("AuthenticationProcessingDetails", false, func(w *jw) { g.processingDetailsRaw(w, s, f) })
	r.str("AuthenticationRequirement", s.requirement())
	r.json("AuthenticationRequirementPolicies", false, func(w *jw) { g.rawArray(w, func(w *jw) { g.requirementPolicies(w, "x", s) }) })
	r.str("ClientAppUsed", s.client)
	r.json("ConditionalAccessPolicies", true, func(w *jw) { g.rawArray(w, func(w *jw) { g.ca(w, "x", s) }) })
	r.str("ConditionalAccessStatus", caStatus)
	r.time("CreatedDateTime", s.at)
	r.json("DeviceDetail", true, func(w *jw) { g.rawObject(w, func(w *jw) { g.deviceDetail(w, "x", s) }) })
	r.bool("IsInteractive", s.interactive)
	r.str("Id", f.id)
	var ip [16]byte
	r.str("IPAddress", string(appendIP(ip[:0], s.ip)))
	r.bool("IsRisky", false)
	r.json("LocationDetails", true, func(w *jw) { g.rawObject(w, func(w *jw) { g.location(w, "x", s) }) })
	r.json("MfaDetail", true, func(w *jw) {
		if s.mfa != mfaPrompt && s.mfa != mfaDenied {
			w.b = append(w.b, "{}"...)
			return
		}
		g.rawObject(w, func(w *jw) { g.mfaDetail(w, "x", s) })
	})
	r.json("NetworkLocationDetails", false, func(w *jw) {
		if s.net.kind != netCorporate {
			w.b = append(w.b, "[]"...)
			return
		}
		g.rawArray(w, func(w *jw) { g.networkLocations(w, "x", s) })
	})
	r.str("OriginalRequestId", f.id)
	if s.interactive {
		r.int("ProcessingTimeInMilliseconds", f.processingMs)
	} else {
		r.int("ProcessingTimeInMs", f.processingMs)
	}
	r.str("RiskDetail", "none")
	r.json("RiskEventTypes", true, func(w *jw) { w.b = append(w.b, "[]"...) })
	r.json("RiskEventTypes_V2", true, func(w *jw) { w.b = append(w.b, "[]"...) })
	r.str("RiskLevelAggregated", "none")
	r.str("RiskLevelDuringSignIn", "none")
	r.str("RiskState", "none")
	r.str("ResourceDisplayName", s.res.name)
	r.str("ResourceIdentity", s.res.id)
	r.str("ServicePrincipalId", "")
	r.json("Status", true, func(w *jw) { g.rawObject(w, func(w *jw) { g.status(w, "x", s) }) })
	r.str("TokenIssuerName", "")
	r.str("TokenIssuerType", "AzureAD")
	r.str("UserAgent", s.ua)
	r.str("UserDisplayName", u.DisplayName)
	r.str("UserId", u.ID)
	r.str("UserPrincipalName", u.UPN)
	r.str("AADTenantId", g.t.ID)
	r.str("UserType", s.userType(false))
	r.bool("FlaggedForReview", false)
	r.str("IPAddressFromResourceProvider", "")
	r.str("SignInIdentifier", u.UPN)
	r.str("SignInIdentifierType", "userPrincipalName")
	r.str("ResourceTenantId", g.t.ID)
	r.str("HomeTenantId", g.t.ID)
	r.str("UniqueTokenIdentifier", f.uti)
	r.str("SessionLifetimePolicies", "[]")
	r.str("AutonomousSystemNumber", strconv.Itoa(s.net.asn))
	r.str("AuthenticationProtocol", s.proto)
	r.str("CrossTenantAccessType", "none")
	r.str("IncomingTokenType", s.incoming)
	r.str("OriginalTransferMethod", s.transfer)
	r.str("SessionId", f.session)
	if !s.interactive {
		r.str("SignInEventTypes", `["nonInteractiveUser"]`)
	}
	r.str("Type", table)
}

// rawArray writes the array a member writer makes, without its key.
func (g *generator) rawArray(w *jw, fill func(w *jw)) {
	w.b = w.b[:0]
	w.comma = false
	fill(w)
	// fill wrote "x":[…]; keep the value.
	n := copy(w.b, w.b[len(`"x":`):])
	w.b = w.b[:n]
}

// rawObject writes the object a member writer makes, without its key.
func (g *generator) rawObject(w *jw, fill func(w *jw)) { g.rawArray(w, fill) }

func (g *generator) authDetailsRaw(w *jw, s *signIn) {
	g.rawArray(w, func(w *jw) { g.authDetails(w, "x", s) })
}

func (g *generator) processingDetailsRaw(w *jw, s *signIn, f *facts) {
	g.rawArray(w, func(w *jw) { g.processingDetails(w, "x", s, f) })
}
