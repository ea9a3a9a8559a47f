package gen

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// The built-in rules the scenarios are written for (SEMANTICS.md §D).
const (
	RuleConsentDeniedAzure = "bb093c30-d860-4858-a56e-cd0895d5b49c" // Splunk ESCU, Azure AD User Consent Denied for OAuth Application
	RuleConsentDeniedO365  = "2d8679ef-b075-46be-8059-c25116cb1072" // Splunk ESCU, O365 User Consent Denied for OAuth Application
	RuleMFARejected        = "d99cf5c3-d660-436c-895b-8a8f8448da23" // Microsoft Sentinel, MFA Rejected by User
	RuleUnusualClient      = "c766bc56-fdca-11ef-b194-f661ea17fbcd" // Elastic, Entra ID User Sign-in with Unusual Client
	RuleDeviceCodeNewUser  = "af22d970-7106-45b4-b5e3-460d15333727" // Elastic, Entra ID OAuth Device Code Grant by Unusual User
)

// ruleInfo names a rule and the shape its vendor reads.
var ruleInfo = map[string]struct{ name, source string }{
	RuleConsentDeniedAzure: {"Azure AD User Consent Denied for OAuth Application", "azure-monitor"},
	RuleConsentDeniedO365:  {"O365 User Consent Denied for OAuth Application", "graph"},
	RuleMFARejected:        {"MFA Rejected by User", "log-analytics"},
	RuleUnusualClient:      {"Entra ID User Sign-in with Unusual Client", "elastic"},
	RuleDeviceCodeNewUser:  {"Entra ID OAuth Device Code Grant by Unusual User", "elastic"},
}

// Label is the ground truth about one sign-in of a scenario: the built-in
// rule that should fire on it (Rule), or "none" for a near-miss, with the
// rule it must not fire (NearMissOf). A sign-in that two rules should
// fire on has two labels.
type Label struct {
	Scenario   string `json:"scenario"`
	Case       string `json:"case"` // the case of SEMANTICS.md §D it enacts, e.g. "D.3 TP1"
	Rule       string `json:"rule"` // a rule id, or "none"
	RuleName   string `json:"rule_name,omitempty"`
	NearMissOf string `json:"near_miss_of,omitempty"`
	NearMiss   string `json:"near_miss_name,omitempty"`
	Source     string `json:"source"` // the shape the rule's vendor reads: azure-monitor, graph, log-analytics, elastic
	User       string `json:"user"`
	IP         string `json:"ip"`
	AppID      string `json:"app_id"`
	App        string `json:"app"`
	Category   string `json:"category"`
	ErrorCode  int    `json:"error_code"`
	Time       string `json:"time"`        // createdDateTime
	RecordTime string `json:"record_time"` // envelope time, TimeGenerated, @timestamp
	ID         string `json:"id"`          // the sign-in's id
	Note       string `json:"note"`
}

// MinUsers is the smallest tenant the scenarios fit in: each victim and
// each near-miss is a different user.
const MinUsers = 20

// HistoryDays is how many days of traffic come before the first scenario
// when the span allows: the new_terms rules look 7 and 14 days back.
const HistoryDays = 14

// scenarios holds the injected sign-ins and their ground truth.
type scenarios struct {
	signIns []signIn // sorted by time
	ba      []baRow  // BehaviorAnalytics rows of the scenarios' IPs
	labels  []Label
}

// baRow is a BehaviorAnalytics row.
type baRow struct {
	at       int64
	s        signIn
	priority int
}

// attackWindow returns the days [from, to) scenarios may fall on.
func attackWindow(days int) (int, int) {
	if days > HistoryDays+1 {
		return HistoryDays, days
	}
	return days / 2, days
}

// planner places scenarios.
type planner struct {
	g      *generator
	r      *rand.Rand
	sc     *scenarios
	pool   []*User // victims not used yet: staff first
	guests []*User
	n      uint64 // sign-ins made
}

func (p *planner) victim() *User {
	u := p.pool[0]
	p.pool = p.pool[1:]
	return u
}

// when returns a time on a scenario day in u's working hours, minutes 10
// to 30 of the hour, so that an hour-long Sentinel window holds it all.
func (p *planner) when(u *User) int64 {
	from, to := attackWindow(p.g.opts.Days)
	for range 50 {
		d := from + p.r.IntN(to-from)
		day := p.g.start.AddDate(0, 0, d).In(u.loc)
		t := time.Date(day.Year(), day.Month(), day.Day(), 9+p.r.IntN(8), 10+p.r.IntN(20), p.r.IntN(60), p.r.IntN(1e9), u.loc)
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		// Minutes 10 to 30 of the UTC hour, whatever the zone's offset
		// (Bengaluru is UTC+5:30).
		t = t.UTC().Truncate(time.Hour).Add(time.Duration(10+p.r.IntN(20))*time.Minute + time.Duration(p.r.Int64N(60e9)))
		if t.Before(p.g.start.AddDate(0, 0, from)) || !t.Before(p.g.end.Add(-time.Hour)) {
			continue
		}
		return t.UnixNano()
	}
	// A short span of weekend days: the middle of a scenario day in UTC.
	d := from + p.r.IntN(to-from)
	return p.g.start.AddDate(0, 0, d).Add(12*time.Hour + time.Duration(10+p.r.IntN(20))*time.Minute).UnixNano()
}

// make returns a sign-in of u at ts from net.
func (p *planner) make(u *User, ts int64, a *app, n *network, ip [4]byte) signIn {
	p.n++
	s := signIn{at: ts, seed: mix(p.g.opts.Seed, 100, p.n), user: u, app: a, res: a.res, net: n, ip: ip,
		client: a.client, proto: "none", transfer: "none", incoming: "none", mfa: mfaClaim, ba: -1}
	if n == u.office.egress || n == u.home {
		s.dev, s.ua = u.laptop, u.laptop.ua
		if a.client != clientBrowser {
			s.ua = u.laptop.nativeUA
		}
	} else {
		s.ua = uaChromeWin
	}
	return s
}

// add records s and labels it.
func (p *planner) add(s signIn, scenario, cas, rule, nearMissOf, note string) {
	p.sc.signIns = append(p.sc.signIns, s)
	if rule == "" && nearMissOf == "" {
		return
	}
	l := Label{Scenario: scenario, Case: cas, Rule: rule, Note: note,
		User: s.user.UPN, IP: ipString(s.ip), AppID: s.app.id, App: s.app.name,
		Category: s.category(), Time: formatTime(s.at), RecordTime: formatTime(s.at + int64(s.recordLag())), ID: s.recordID()}
	if s.fail != nil {
		l.ErrorCode = s.fail.code
	}
	if rule != "none" {
		l.RuleName, l.Source = ruleInfo[rule].name, ruleInfo[rule].source
	} else {
		l.NearMissOf = nearMissOf
		l.NearMiss, l.Source = ruleInfo[nearMissOf].name, ruleInfo[nearMissOf].source
	}
	p.sc.labels = append(p.sc.labels, l)
}

func (s *signIn) category() string {
	if s.interactive {
		return "SignInLogs"
	}
	return "NonInteractiveUserSignInLogs"
}

func formatTime(ns int64) string {
	return string(appendTime(nil, ns, 7))
}

func ipString(ip [4]byte) string {
	return fmt.Sprintf("%d.%d.%d.%d", ip[0], ip[1], ip[2], ip[3])
}

// planScenarios places every scenario in the span.
func (g *generator) planScenarios() *scenarios {
	p := &planner{g: g, r: newRand(g.opts.Seed, 4), sc: &scenarios{}}
	var staff, others []*User
	for _, u := range g.t.Users {
		switch {
		case u.Guest:
			p.guests = append(p.guests, u)
		case u.role == roleStaff:
			staff = append(staff, u)
		default:
			others = append(others, u)
		}
	}
	p.r.Shuffle(len(staff), func(i, j int) { staff[i], staff[j] = staff[j], staff[i] })
	p.pool = append(staff, others...)

	p.consentPhishing()
	p.mfaFatigue()
	p.tokenReplay()
	p.deviceCodePhishing()

	slices.SortStableFunc(p.sc.signIns, func(a, b signIn) int { return cmp.Compare(a.at, b.at) })
	slices.SortStableFunc(p.sc.ba, func(a, b baRow) int { return cmp.Compare(a.at, b.at) })
	slices.SortStableFunc(p.sc.labels, func(a, b Label) int {
		if a.Time != b.Time {
			return cmp.Compare(a.Time, b.Time)
		}
		return cmp.Compare(a.Rule, b.Rule)
	})
	return p.sc
}

const minute = int64(time.Minute)

// consentPhishing: a lure asks three users to consent to a third-party app
// reading their mail; they decline (65004), one of them twice and once more
// to a second app. Near-misses: consent required (65001), admin consent
// required (90094).
func (p *planner) consentPhishing() {
	const sc = "consent-phishing"
	t0 := int64(0)
	for i := range 3 {
		u := p.victim()
		ts := p.when(u)
		if i == 0 {
			t0 = ts
		} else if t0 != 0 {
			ts = t0 + int64(i)*7*minute + p.r.Int64N(minute)
		}
		s := p.make(u, ts, appLure, u.office.egress, hostIn(u.office.egress, p.r.Uint64()))
		s.interactive, s.fail = true, errConsentDenied
		note := "the user declined the consent prompt of a phishing app"
		for _, rule := range []string{RuleConsentDeniedAzure, RuleConsentDeniedO365} {
			p.add(s, sc, "D.1 TP1 / D.2 TP1", rule, "", note)
		}
		if i == 0 {
			// The lure again twenty minutes later, and a second app.
			s2 := s
			s2.seed, s2.at = mix(s.seed, 7), s.at+20*minute
			for _, rule := range []string{RuleConsentDeniedAzure, RuleConsentDeniedO365} {
				p.add(s2, sc, "D.1 TP2 / D.2 TP3", rule, "", "the same user declined the same app again")
			}
			s3 := s
			s3.seed, s3.at, s3.app, s3.res = mix(s.seed, 8), s.at+32*minute, appLure2, appLure2.res
			for _, rule := range []string{RuleConsentDeniedAzure, RuleConsentDeniedO365} {
				p.add(s3, sc, "D.1 TP3", rule, "", "the same user declined a second phishing app")
			}
		}
	}
	u := p.victim()
	s := p.make(u, p.when(u), appLure2, u.office.egress, hostIn(u.office.egress, p.r.Uint64()))
	s.interactive, s.fail = true, errConsentNeeded
	for _, rule := range []string{RuleConsentDeniedAzure, RuleConsentDeniedO365} {
		p.add(s, sc+"-near-miss", "D.1 TN1 / D.2 TN3", "none", rule, "consent required (65001) is not a denial")
	}
	u = p.victim()
	s = p.make(u, p.when(u), appLure, u.home, u.homeIP)
	s.interactive, s.fail = true, errAdminConsent
	for _, rule := range []string{RuleConsentDeniedAzure, RuleConsentDeniedO365} {
		p.add(s, sc+"-near-miss", "D.1 TN1", "none", rule, "admin consent required (90094) is not a denial")
	}
}

// attacker returns a hosting network and an address in it.
func (p *planner) attacker(nets ...*network) (*network, [4]byte) {
	n := nets[p.r.IntN(len(nets))]
	return n, hostIn(n, p.r.Uint64())
}

// mfaFatigue: an attacker who has the password pushes MFA prompts from a
// VPS; the user ignores some, declines one and reports fraud on the last.
// UEBA ranks the IP's failed logons 25 in all. Near-misses: prompts only
// ignored (D.3 TN1), a decline from an IP ranked exactly 20 (TN4), a
// decline from an IP UEBA did not rank (TN5).
func (p *planner) mfaFatigue() {
	const sc = "mfa-fatigue"
	prompts := func(u *User, net *network, ip [4]byte, details []string, prios []int) []signIn {
		ts := p.when(u)
		var out []signIn
		for i, d := range details {
			s := p.make(u, ts+int64(i)*90*int64(time.Second)+p.r.Int64N(20e9), appOfficeHome, net, ip)
			s.interactive, s.fail, s.detail, s.mfa = true, errMFAFailed, d, mfaDenied
			s.ba = -1
			if prios != nil {
				s.ba = int8(prios[i])
			}
			out = append(out, s)
		}
		return out
	}
	u := p.victim()
	net, ip := p.attacker(netDO, netHostinger)
	for _, s := range prompts(u, net, ip,
		[]string{mfaNoResponse, mfaNoResponse, mfaDeclined, mfaNoResponse, mfaNoResponse, mfaFraud},
		[]int{5, 4, 6, 3, 4, 3}) {
		switch s.detail {
		case mfaDeclined:
			p.add(s, sc, "D.3 TP1", RuleMFARejected, "", "declined push from the attacker's IP; UEBA ranks the IP 25 in the hour")
		case mfaFraud:
			p.add(s, sc, "D.3 TP2", RuleMFARejected, "", "fraud reported on the last push; same IP, same hour")
		default:
			p.add(s, sc, "", "", "", "")
		}
	}
	u = p.victim()
	net, ip = p.attacker(netDO, netHostinger)
	for i, s := range prompts(u, net, ip, []string{mfaNoResponse, mfaNoResponse}, []int{10, 15}) {
		if i == 0 {
			p.add(s, sc+"-near-miss", "D.3 TN1", "none", RuleMFARejected, "pushes ignored, not declined: 'did not respond' is neither a decline nor fraud")
		} else {
			p.add(s, sc, "", "", "", "")
		}
	}
	u = p.victim()
	net, ip = p.attacker(netDO, netHostinger)
	for _, s := range prompts(u, net, ip, []string{mfaNoResponse, mfaDeclined}, []int{12, 8}) {
		if s.detail == mfaDeclined {
			p.add(s, sc+"-near-miss", "D.3 TN4", "none", RuleMFARejected, "declined, but UEBA ranks the IP exactly 20 in the hour (the rule wants more than 20)")
		} else {
			p.add(s, sc, "", "", "", "")
		}
	}
	u = p.victim()
	net, ip = p.attacker(netDO, netHostinger)
	for _, s := range prompts(u, net, ip, []string{mfaDeclined}, nil) {
		p.add(s, sc+"-near-miss", "D.3 TN5", "none", RuleMFARejected, "declined, but UEBA has no logon rows for the IP")
	}
	for _, s := range p.sc.signIns {
		if s.ba >= 0 && s.ba != baAuto {
			p.sc.ba = append(p.sc.ba, baRow{at: s.at + int64(s.recordLag()) + p.r.Int64N(30e9), s: s, priority: int(s.ba)})
		}
	}
}

// unusedApp returns a non-excluded client u never uses.
func unusedApp(u *User) *app {
	if u.role == roleStaff {
		return appAzureCLI
	}
	return appGraphExpl
}

// tokenReplay: a refresh token stolen from a user (adversary in the middle)
// is replayed from a VPS with a client the user never uses: non-interactive,
// Member, not a browser, not Microsoft's network, a new user+app pair.
// Near-misses, each a new pair that fails one condition: interactive,
// Microsoft's network (an Azure VM), an excluded app, a browser, a guest.
func (p *planner) tokenReplay() {
	const sc = "token-replay"
	u := p.victim()
	net, ip := p.attacker(netOVH, netM247)
	a := unusedApp(u)
	ts := p.when(u)
	for i := range 4 {
		s := p.make(u, ts+int64(i)*11*minute+p.r.Int64N(minute), a, net, ip)
		s.client, s.ua, s.incoming = clientModern, uaPython, "refreshToken"
		if i == 0 {
			p.add(s, sc, "D.4 TP1", RuleUnusualClient, "", "a stolen refresh token replayed from a VPS with a client the user never used")
		} else {
			p.add(s, sc, "", "", "", "")
		}
	}

	u = p.victim()
	s := p.make(u, p.when(u), unusedApp(u), u.home, u.homeIP)
	s.interactive, s.client, s.ua, s.mfa = true, clientModern, uaAzureCLI, mfaPrompt
	p.add(s, sc+"-near-miss", "D.4 TN2", "none", RuleUnusualClient, "a new client, but an interactive sign-in")

	u = p.victim()
	s = p.make(u, p.when(u), appAzurePS, netAzureVM, hostIn(netAzureVM, p.r.Uint64()))
	s.client, s.ua, s.incoming = clientModern, uaPowerShell, "refreshToken"
	p.add(s, sc+"-near-miss", "D.4 TN6", "none", RuleUnusualClient, "a new client from an Azure VM: Microsoft's AS 8075 is excluded")

	u = p.victim()
	net, ip = p.attacker(netOVH, netM247)
	s = p.make(u, p.when(u), appWinSearch, net, ip)
	s.client, s.ua = clientModern, uaPython
	p.add(s, sc+"-near-miss", "D.4 TN5", "none", RuleUnusualClient, "a new client, but its app id is on the rule's exclusion list")

	u = p.victim()
	net, ip = p.attacker(netOVH, netM247)
	s = p.make(u, p.when(u), appGraphExpl, net, ip)
	s.client, s.ua = clientBrowser, uaChromeWin
	p.add(s, sc+"-near-miss", "D.4 TN4", "none", RuleUnusualClient, "a new client, but through a browser")

	if len(p.guests) > 0 {
		u = p.guests[0]
		net, ip = p.attacker(netOVH, netM247)
		s = p.make(u, p.when(u), appAzureCLI, net, ip)
		s.client, s.ua, s.incoming = clientModern, uaPython, "refreshToken"
		p.add(s, sc+"-near-miss", "D.4 TN3", "none", RuleUnusualClient, "a new client, but a guest account")
	}
}

// deviceCodePhishing: an attacker starts a device-code flow for Microsoft
// Office and talks a user into entering the code; the user signs in
// (deviceCode, success), then the attacker refreshes the token from a VPS.
// Near-misses: a device-code sign-in blocked by conditional access (53003),
// one to an excluded app (the broker), and one by a user who used device
// code the day before — whose first use is itself labelled: rule 5 fires on
// it, a benign positive.
func (p *planner) deviceCodePhishing() {
	const sc = "device-code-phishing"
	u := p.victim()
	ts := p.when(u)
	s := p.make(u, ts, appOffice, u.office.egress, hostIn(u.office.egress, p.r.Uint64()))
	s.interactive, s.proto, s.transfer, s.client, s.ua, s.mfa = true, "deviceCode", "deviceCodeFlow", clientModern, u.laptop.ua, mfaPrompt
	p.add(s, sc, "D.5 TP1", RuleDeviceCodeNewUser, "", "the user entered an attacker's device code: first device-code sign-in of the user")
	net, ip := p.attacker(netOVH, netM247, netDO)
	// The attacker's client polls the token endpoint until the user has
	// entered the code: authorization pending (70016).
	for i := range 2 {
		r := p.make(u, ts-int64(2-i)*40*int64(time.Second), appOffice, net, ip)
		r.proto, r.transfer, r.client, r.ua, r.fail, r.mfa = "deviceCode", "deviceCodeFlow", clientModern, uaPython, errDevicePending, mfaNone
		p.add(r, sc, "", "", "", "")
	}
	for i := range 3 {
		r := p.make(u, ts+int64(i+1)*9*minute+p.r.Int64N(minute), appOffice, net, ip)
		r.client, r.ua, r.transfer, r.incoming = clientModern, uaPython, "deviceCodeFlow", "refreshToken"
		p.add(r, sc, "", "", "", "")
	}

	u = p.victim()
	s = p.make(u, p.when(u), appOffice, u.office.egress, hostIn(u.office.egress, p.r.Uint64()))
	s.interactive, s.proto, s.transfer, s.client, s.fail, s.mfa = true, "deviceCode", "deviceCodeFlow", clientModern, errCABlocked, mfaNone
	p.add(s, sc+"-near-miss", "D.5 TN1", "none", RuleDeviceCodeNewUser, "a device-code sign-in blocked by conditional access (53003): not a success")

	u = p.victim()
	s = p.make(u, p.when(u), appBroker, u.office.egress, hostIn(u.office.egress, p.r.Uint64()))
	s.interactive, s.proto, s.transfer, s.client, s.mfa = true, "deviceCode", "deviceCodeFlow", clientModern, mfaPrompt
	p.add(s, sc+"-near-miss", "D.5 TN3", "none", RuleDeviceCodeNewUser, "a device-code sign-in to the Microsoft Authentication Broker, which the rule excludes")

	u = p.victim()
	ts = p.when(u)
	first := ts - 26*int64(time.Hour)
	if first < p.g.start.UnixNano() {
		first = ts - 2*int64(time.Hour)
	}
	if first < p.g.start.UnixNano() {
		first = ts - 5*minute
	}
	for i, at := range []int64{first, ts} {
		s = p.make(u, at, appAzureCLI, u.home, u.homeIP)
		s.interactive, s.proto, s.transfer, s.client, s.ua, s.mfa = true, "deviceCode", "deviceCodeFlow", clientModern, uaAzureCLI, mfaPrompt
		if i == 0 {
			p.add(s, "device-code-known-user", "D.5 TP1", RuleDeviceCodeNewUser, "", "benign: an engineer's first device-code sign-in (az login --use-device-code) is new to the rule too")
		} else {
			p.add(s, sc+"-near-miss", "D.5 TN4", "none", RuleDeviceCodeNewUser, "the same engineer again within 7 days: not new")
		}
	}
}
