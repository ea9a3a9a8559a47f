package gen

import (
	"encoding/base64"
	"strings"
)

// propMode is the flavour of the signIn properties object.
type propMode uint8

const (
	modeGraph propMode = iota // Microsoft Graph beta signIn
	modeDiag                  // the properties of an Azure Monitor record
	modeECS                   // azure.signinlogs.properties of an Elastic document
)

// facts are the values of a sign-in derived from its seed.
type facts struct {
	id, correlation, session string
	uti                      string // uniqueTokenIdentifier
	processingMs             int64
	record, ingest           int64 // record time, Elastic ingest time
	cae                      bool
}

func (g *generator) facts(s *signIn, f *facts) {
	var b [36]byte
	putUUID(b[:], mix(s.seed, 1), mix(s.seed, 2))
	f.id = string(b[:])
	putUUID(b[:], mix(s.seed, 3), mix(s.seed, 4))
	f.correlation = string(b[:])
	day := uint64(s.at / 86400e9)
	uid := uint64(0)
	if s.user != nil {
		uid = uint64(s.user.Index)
	}
	putUUID(b[:], mix(g.opts.Seed, 20, uid, day), mix(g.opts.Seed, 21, uid, day))
	f.session = string(b[:])
	var raw [16]byte
	for i := range 16 {
		raw[i] = byte(mix(s.seed, 5) >> (i % 8 * 8))
		if i >= 8 {
			raw[i] = byte(mix(s.seed, 6) >> ((i - 8) * 8))
		}
	}
	f.uti = base64.RawURLEncoding.EncodeToString(raw[:])
	f.processingMs = int64(40 + mix(s.seed, 7)%260)
	if s.interactive {
		f.processingMs += 150
	}
	f.record = s.at + int64(s.recordLag())
	f.ingest = f.record + int64(s.ingestLag())
	f.cae = s.app == appTeams || s.app == appOffice || s.app == appOutlookMob
}

// errorCode returns the sign-in's error code, 0 for a success.
func (s *signIn) errorCode() int {
	if s.fail == nil {
		return 0
	}
	return s.fail.code
}

// additionalDetails returns status.additionalDetails, "" when none.
func (s *signIn) additionalDetails() string {
	switch {
	case s.detail != "":
		return s.detail
	case s.fail != nil && s.fail.detail != "":
		return s.fail.detail
	case s.fail != nil && s.fail != errKMSI:
		return ""
	case s.mfa == mfaPrompt:
		return mfaCompleted
	case s.mfa == mfaClaim:
		return mfaByClaim
	}
	return ""
}

func (s *signIn) userType(graph bool) string {
	switch {
	case s.user.Guest && graph:
		return "guest"
	case s.user.Guest:
		return "Guest"
	case graph:
		return "member"
	}
	return "Member"
}

// policyResults judges the sign-in by every policy of the tenant and
// returns the conditional-access status.
func (g *generator) policyResults(s *signIn) string {
	g.polRes = g.polRes[:0]
	status := "notApplied"
	for i := range g.t.policies {
		r := g.t.policies[i].applies(s)
		g.polRes = append(g.polRes, r)
		switch {
		case r == polFailure:
			status = "failure"
		case r == polSuccess && status != "failure":
			status = "success"
		}
	}
	if s.fail == errMFAFailed || s.fail == errMFARequired || s.fail == errMFALocation || s.fail == errCABlocked {
		if status != "failure" && s.fail == errCABlocked {
			// The policy that blocked it is the device or country one
			// the sign-in fails.
			g.polRes[2] = polFailure
		}
		status = "failure"
	}
	return status
}

// ca writes the appliedConditionalAccessPolicies array.
func (g *generator) ca(w *jw, key string, s *signIn) {
	w.arr(key)
	for i := range g.t.policies {
		p := &g.t.policies[i]
		r := g.polRes[i]
		w.elem()
		w.str("id", p.id)
		w.str("displayName", p.name)
		w.strs("enforcedGrantControls", p.grant)
		w.strs("enforcedSessionControls", p.session)
		w.str("result", policyResultNames[r])
		sat, not := 1, 2
		switch r {
		case polSuccess, polFailure, polReportOnlySuccess, polReportOnlyFailure:
			sat, not = 19, 0
		case polNotEnabled:
			sat, not = 0, 0
		}
		w.int("conditionsSatisfied", int64(sat))
		w.int("conditionsNotSatisfied", int64(not))
		w.end()
	}
	w.endArr()
}

// authDetails writes the authenticationDetails array.
func (g *generator) authDetails(w *jw, key string, s *signIn) {
	step := func(at int64, method, detail string, ok bool, result, requirement string, seq int) {
		w.elem()
		w.time("authenticationStepDateTime", at, 7)
		w.str("authenticationMethod", method)
		if detail != "" {
			w.str("authenticationMethodDetail", detail)
		}
		w.bool("succeeded", ok)
		w.str("authenticationStepResultDetail", result)
		w.str("authenticationStepRequirement", requirement)
		if s.mfa == mfaPrompt || s.mfa == mfaDenied {
			if w.snake {
				w.int("statusSequence", int64(seq))
				w.int("requestSequence", int64(seq))
			} else {
				w.int("StatusSequence", int64(seq))
				w.int("RequestSequence", int64(seq))
			}
		}
		w.end()
	}
	w.arr(key)
	at := s.at - 2e9
	switch {
	case s.fail == errBadPassword:
		step(at, "Password", "Password in the cloud", false, "Invalid username or password or Invalid on-premise username or password.", "Primary authentication", 0)
	case s.mfa == mfaClaim:
		step(at, "Previously satisfied", "", true, firstByClaim, "Primary authentication", 0)
		step(at, "Previously satisfied", "", true, mfaByClaim, "Multi-factor authentication", 0)
	case s.mfa == mfaPrompt:
		step(at-20e9, "Password", "Password in the cloud", true, correctPassword, "Primary authentication", 0)
		step(at, "Mobile app notification", "", true, mfaCompleted, "Multi-factor authentication", 1)
	case s.mfa == mfaDenied:
		step(at-20e9, "Password", "Password in the cloud", true, correctPassword, "Primary authentication", 0)
		step(at, "Mobile app notification", "", false, s.additionalDetails(), "Multi-factor authentication", 1)
	default:
		step(at, "Password", "Password in the cloud", true, correctPassword, "Primary authentication", 0)
	}
	w.endArr()
}

// processingDetails writes authenticationProcessingDetails: an array of
// key/value pairs, which the Elastic pipeline turns into an object.
func (g *generator) processingDetails(w *jw, key string, s *signIn, f *facts) {
	cae := "False"
	if f.cae {
		cae = "True"
	}
	kv := [...][2]string{
		{"Legacy TLS (TLS 1.0, 1.1, 3DES)", "False"},
		{"Oauth Scope Info", s.app.scope},
		{"Is CAE Token", cae},
		{"Root Key Type", "Unknown"},
	}
	if w.snake {
		w.key(key)
		w.b = append(w.b, '{')
		for i, p := range kv {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = appendJSONString(w.b, p[0])
			w.b = append(w.b, ':')
			w.b = appendJSONString(w.b, p[1])
		}
		w.b = append(w.b, '}')
		w.comma = true
		return
	}
	w.arr(key)
	for _, p := range kv {
		w.elem()
		w.str("key", p[0])
		w.str("value", p[1])
		w.end()
	}
	w.endArr()
}

// deviceDetail writes the deviceDetail object.
func (g *generator) deviceDetail(w *jw, key string, s *signIn) {
	w.obj(key)
	if d := s.dev; d != nil {
		w.str("deviceId", d.id)
		w.str("displayName", d.name)
		w.str("operatingSystem", d.os)
		w.str("browser", d.browser)
		w.bool("isCompliant", d.compliant)
		w.bool("isManaged", d.managed)
		w.str("trustType", d.trust)
	} else {
		w.str("deviceId", "")
		w.str("displayName", "")
		os, browser := "Windows 10", "Chrome 124.0.0"
		if s.ua == uaPython || s.ua == uaAzureCLI {
			os, browser = "Linux", ""
		}
		w.str("operatingSystem", os)
		w.str("browser", browser)
		w.bool("isCompliant", false)
		w.bool("isManaged", false)
		w.str("trustType", "")
	}
	w.end()
}

// location writes the location object.
func (g *generator) location(w *jw, key string, s *signIn) {
	w.obj(key)
	w.str("city", s.net.city)
	w.str("state", s.net.state)
	w.str("countryOrRegion", s.net.country)
	w.obj("geoCoordinates")
	w.float("latitude", s.net.lat)
	w.float("longitude", s.net.lon)
	w.end()
	w.end()
}

func (g *generator) status(w *jw, key string, s *signIn) {
	w.obj(key)
	w.int("errorCode", int64(s.errorCode()))
	if s.fail != nil {
		w.str("failureReason", s.fail.reason)
	}
	if d := s.additionalDetails(); d != "" {
		w.str("additionalDetails", d)
	}
	w.end()
}

func (g *generator) networkLocations(w *jw, key string, s *signIn) {
	if s.net.kind != netCorporate {
		w.empty(key, "[]")
		return
	}
	w.arr(key)
	w.elem()
	w.str("networkType", "namedNetwork")
	w.arr("networkNames")
	w.strElem(s.net.city + " egress")
	w.endArr()
	w.end()
	w.elem()
	w.str("networkType", "trustedNamedLocation")
	w.arr("networkNames")
	w.strElem("Corporate networks")
	w.endArr()
	w.end()
	w.endArr()
}

func (g *generator) mfaDetail(w *jw, key string, s *signIn) {
	if s.mfa != mfaPrompt && s.mfa != mfaDenied {
		w.empty(key, "{}")
		return
	}
	w.obj(key)
	w.str("authMethod", "Mobile app notification")
	w.end()
}

func (g *generator) requirementPolicies(w *jw, key string, s *signIn) {
	if s.mfa == mfaNone {
		w.empty(key, "[]")
		return
	}
	w.arr(key)
	w.elem()
	w.str("requirementProvider", "multiConditionalAccess")
	w.str("detail", "Conditional Access")
	w.end()
	w.endArr()
}

func (s *signIn) requirement() string {
	if s.mfa == mfaNone {
		return "singleFactorAuthentication"
	}
	return "multiFactorAuthentication"
}

// props writes the signIn object's members (not its braces) for mode.
func (g *generator) props(w *jw, s *signIn, f *facts, mode propMode, caStatus string) {
	u := s.user
	w.str("id", f.id)
	switch mode {
	case modeGraph:
		w.time("createdDateTime", s.at, 0)
	case modeDiag:
		w.key("createdDateTime")
		w.b = append(w.b, '"')
		w.b = appendDateTime(w.b, s.at, 7)
		w.b = append(w.b, "+00:00\""...)
		w.comma = true
	case modeECS:
		w.key("created_at")
		w.b = append(w.b, '"')
		w.b = appendDateTime(w.b, s.at, 7)
		w.b = append(w.b, "+00:00\""...)
		w.comma = true
	}
	w.str("userDisplayName", u.DisplayName)
	w.str("userPrincipalName", u.UPN)
	w.str("userId", u.ID)
	w.str("userType", s.userType(mode == modeGraph))
	w.str("appId", s.app.id)
	w.str("appDisplayName", s.app.name)
	if mode != modeECS {
		w.ip("ipAddress", s.ip)
	}
	w.str("clientAppUsed", s.client)
	if mode != modeECS {
		w.str("userAgent", s.ua) // the pipeline moves it to user_agent.original
	}
	w.str("correlationId", f.correlation)
	w.str("conditionalAccessStatus", caStatus)
	w.str("originalRequestId", f.id)
	w.bool("isInteractive", s.interactive)
	w.str("tokenIssuerName", "")
	w.str("tokenIssuerType", "AzureAD")
	if mode == modeECS {
		w.int("processing_time_ms", f.processingMs)
	} else {
		w.int("processingTimeInMilliseconds", f.processingMs)
	}
	w.str("riskDetail", "none")
	w.str("riskLevelAggregated", "none")
	if mode == modeECS {
		w.str("risk_level_during_signin", "none")
	} else {
		w.str("riskLevelDuringSignIn", "none")
	}
	w.str("riskState", "none")
	w.empty("riskEventTypes", "[]")
	w.empty("riskEventTypes_v2", "[]")
	w.str("resourceDisplayName", s.res.name)
	w.str("resourceId", s.res.id)
	w.str("resourceTenantId", g.t.ID)
	w.str("homeTenantId", g.t.ID)
	w.str("authenticationRequirement", s.requirement())
	w.str("servicePrincipalId", "")
	w.bool("flaggedForReview", false)
	w.bool("isTenantRestricted", false)
	w.int("autonomousSystemNumber", int64(s.net.asn))
	w.str("crossTenantAccessType", "none")
	w.str("ssoExtensionVersion", "")
	w.str("uniqueTokenIdentifier", f.uti)
	w.str("sessionId", f.session)
	w.str("incomingTokenType", s.incoming)
	w.str("authenticationProtocol", s.proto)
	w.str("originalTransferMethod", s.transfer)
	w.arr("signInEventTypes")
	if s.interactive {
		w.strElem("interactiveUser")
	} else {
		w.strElem("nonInteractiveUser")
	}
	w.endArr()
	if mode == modeECS {
		w.obj("status")
		w.int("errorCode", int64(s.errorCode()))
		w.end()
	} else {
		g.status(w, "status", s)
	}
	g.deviceDetail(w, "deviceDetail", s)
	if mode != modeECS {
		g.location(w, "location", s)
	}
	g.mfaDetail(w, "mfaDetail", s)
	g.ca(w, "appliedConditionalAccessPolicies", s)
	g.authDetails(w, "authenticationDetails", s)
	g.processingDetails(w, "authenticationProcessingDetails", s, f)
	g.networkLocations(w, "networkLocationDetails", s)
	g.requirementPolicies(w, "authenticationRequirementPolicies", s)
	w.empty("privateLinkDetails", "{}")
}

// message is what the Elastic pipeline makes of failureReason and
// additionalDetails.
func (s *signIn) message() string {
	reason := ""
	if s.fail != nil {
		reason = s.fail.reason
	}
	d := s.additionalDetails()
	switch {
	case reason != "" && d != "":
		return reason + " (" + d + ")"
	case reason != "":
		return reason
	}
	return d
}

// upnParts splits a UPN as the Elastic pipeline's grok does.
func upnParts(upn string) (name, domain string) {
	if i := strings.LastIndexByte(upn, '@'); i >= 0 {
		return upn[:i], upn[i+1:]
	}
	return upn, ""
}
