package gen

import (
	"math"
	"math/rand/v2"
	"time"
)

// signIn is one sign-in to render: every choice made, nothing formatted.
type signIn struct {
	at          int64 // createdDateTime, Unix nanoseconds
	seed        uint64
	user        *User
	app         *app
	res         *resource
	net         *network
	ip          [4]byte
	dev         *device // nil: a device Entra does not know
	ua          string
	client      string
	interactive bool
	fail        *failure
	detail      string // status.additionalDetails; "" takes the failure's or the MFA outcome's
	proto       string // authenticationProtocol
	transfer    string // originalTransferMethod
	incoming    string // incomingTokenType
	mfa         mfaKind
	ba          int8 // the BehaviorAnalytics row's InvestigationPriority; -1: no row, baAuto: drawn
}

// baAuto asks for a BehaviorAnalytics row whose priority the writer draws.
const baAuto = 127

// mfaKind is how the second factor was met.
type mfaKind uint8

const (
	mfaNone   mfaKind = iota // single factor
	mfaClaim                 // satisfied by a claim in the token
	mfaPrompt                // the user approved a push now
	mfaDenied                // the push was denied or ignored
)

// recordLag is the delay between a sign-in and its diagnostic record
// (envelope time, TimeGenerated, @timestamp): half a second to four minutes.
func (s *signIn) recordLag() time.Duration {
	return 500*time.Millisecond + time.Duration(mix(s.seed, 11)%uint64(210*time.Second))
}

// ingestLag is the delay between the record and its indexing in Elastic
// (event.ingested): twenty seconds to three minutes.
func (s *signIn) ingestLag() time.Duration {
	return 20*time.Second + time.Duration(mix(s.seed, 12)%uint64(160*time.Second))
}

// recordID returns the sign-in's id.
func (s *signIn) recordID() string {
	var b [36]byte
	putUUID(b[:], mix(s.seed, 1), mix(s.seed, 2))
	return string(b[:])
}

// dayPlan is a user's day, in minutes after local midnight.
type dayPlan struct {
	works            bool
	start, end       int
	atHome           bool
	eveStart, eveEnd int
	mobileIP         [4]byte
}

// traffic makes the background sign-ins of the tenant, hour by hour.
type traffic struct {
	seed uint64
	t    *Tenant
	pcg  rand.PCG
	r    *rand.Rand
}

func newTraffic(t *Tenant, seed uint64) *traffic {
	tr := &traffic{seed: seed, t: t}
	tr.r = rand.New(&tr.pcg)
	return tr
}

func (tr *traffic) reseed(keys ...uint64) *rand.Rand {
	tr.pcg.Seed(tr.seed, mix(keys...))
	return tr.r
}

// plan returns u's plan for the local day numbered day (days since the
// Unix epoch in u's zone), whose weekday is wd.
func (tr *traffic) plan(u *User, day int64, wd time.Weekday) dayPlan {
	r := tr.reseed(2, uint64(u.Index), uint64(day))
	var p dayPlan
	weekend := wd == time.Saturday || wd == time.Sunday
	if weekend {
		p.works = r.IntN(100) < 6
		p.start = 10*60 + r.IntN(240)
		p.end = p.start + 45 + r.IntN(90)
	} else {
		p.works = r.IntN(100) < 95
		p.start = u.start + r.IntN(41) - 20
		p.end = p.start + u.length + r.IntN(61) - 30
	}
	p.atHome = weekend || r.IntN(100) < u.hybrid
	if r.IntN(100) < 45 {
		p.eveStart = 19*60 + r.IntN(150)
		p.eveEnd = p.eveStart + 20 + r.IntN(70)
	}
	p.mobileIP = hostIn(u.mobile, r.Uint64())
	return p
}

// overlap returns the minutes [a, b) shares with [lo, hi).
func overlap(a, b, lo, hi int) (int, int) {
	return max(a, lo), min(b, hi)
}

// hour appends the background sign-ins of user u in the UTC hour starting
// at h (Unix seconds, hour index hi since the start).
func (tr *traffic) hour(out []signIn, u *User, h int64, hi int) []signIn {
	t := time.Unix(h, 0).In(u.loc)
	_, off := t.Zone()
	localSec := h + int64(off)
	day := localSec / 86400
	if localSec < 0 && localSec%86400 != 0 {
		day--
	}
	m0 := int(localSec-day*86400) / 60 // minutes after local midnight
	p := tr.plan(u, day, t.Weekday())
	r := tr.reseed(3, uint64(u.Index), uint64(hi))
	base := h - int64(m0)*60 // local midnight, Unix seconds
	at := func(lo, hi int) int64 {
		sec := int64(lo)*60 + r.Int64N(int64(hi-lo)*60)
		return (base+sec)*1e9 + r.Int64N(1e9)
	}
	if p.works {
		if lo, hi := overlap(m0, m0+60, p.start, p.end); lo < hi {
			out = tr.work(out, r, u, &p, lo, hi, m0 <= p.start, at)
		}
	}
	if lo, hi := overlap(m0, m0+60, p.eveStart, p.eveEnd); lo < hi {
		n := poisson(r, 2.5*float64(hi-lo)/60)
		for range n {
			out = append(out, tr.mobile(r, u, &p, at(lo, hi), true))
		}
		if r.IntN(30) == 0 {
			s := tr.interactive(r, u, &p, at(lo, hi), appOfficeHome, true)
			out = append(out, s)
		}
	}
	return out
}

// poisson draws a count with mean lambda (Knuth's method: lambda is small).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	l := math.Exp(-lambda)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// webApps are the applications people open in the browser during the day.
var webApps = []*app{appOfficeHome, appOfficeHome, appSharePoint, appExchange, appTeamsWeb}

// work appends the sign-ins of a working stretch [lo, hi) of the hour.
func (tr *traffic) work(out []signIn, r *rand.Rand, u *User, p *dayPlan, lo, hi int, first bool, at func(int, int) int64) []signIn {
	// Non-interactive: token refreshes of the desktop apps, browser SSO,
	// the phone; about seven an hour.
	n := poisson(r, 7*float64(hi-lo)/60)
	for range n {
		ts := at(lo, hi)
		switch x := r.IntN(100); {
		case x < 12:
			out = append(out, tr.mobile(r, u, p, ts, false))
		case x < 26:
			s := tr.base(r, u, p, ts, webApps[r.IntN(len(webApps))])
			s.client, s.ua, s.mfa = clientBrowser, s.dev.ua, mfaClaim
			out = append(out, s)
		case x < 28 && !u.Guest:
			// Microsoft's own services refreshing on the user's behalf
			// (Outlook on the web, Teams service) sign in from AS8075.
			s := tr.base(r, u, p, ts, appExchange)
			s.net, s.ip = netMSFT, hostIn(netMSFT, r.Uint64())
			s.client, s.ua, s.mfa = clientBrowser, s.dev.ua, mfaClaim
			out = append(out, s)
		default:
			a := u.apps[pickApp(r, len(u.apps))]
			s := tr.base(r, u, p, ts, a)
			switch a {
			case appAzureCLI:
				s.ua = uaAzureCLI
			case appAzurePS:
				s.ua = uaPowerShell
			}
			out = append(out, s)
		}
	}
	// Interactive: the morning sign-in, then now and then a web app.
	if first {
		a := appOfficeHome
		if r.IntN(3) == 0 {
			a = appTeamsWeb
		}
		out = tr.interactiveWithInterrupts(out, r, u, p, at(lo, min(hi, lo+15)), a, r.IntN(10) < 4)
	}
	if r.IntN(100) < 22 {
		a := webApps[r.IntN(len(webApps))]
		if u.role != roleStaff && r.IntN(3) == 0 {
			a = appPortal
		}
		out = tr.interactiveWithInterrupts(out, r, u, p, at(lo, hi), a, false)
	}
	return out
}

// pickApp favours the first applications of a list (Teams and Outlook
// refresh far more often than the rest).
func pickApp(r *rand.Rand, n int) int {
	i := r.IntN(n + 3)
	if i >= n {
		return (i - n) % n // the first ones again
	}
	return i
}

// base is a non-interactive sign-in of u's laptop to a.
func (tr *traffic) base(r *rand.Rand, u *User, p *dayPlan, ts int64, a *app) signIn {
	s := signIn{at: ts, seed: r.Uint64(), user: u, app: a, res: a.res, dev: u.laptop, ua: u.laptop.nativeUA, client: a.client, proto: "none", transfer: "none", incoming: "none", mfa: mfaClaim, ba: -1}
	if a.client == clientBrowser {
		s.ua = u.laptop.ua
	}
	s.net, s.ip = u.office.egress, hostIn(u.office.egress, s.seed>>8)
	if p.atHome {
		s.net, s.ip = u.home, u.homeIP
	}
	if u.Guest {
		s.net, s.ip = u.home, u.homeIP
	}
	switch x := r.IntN(1000); {
	case x < 10:
		s.fail = errSSOSession
	case x < 13:
		s.fail = errTokenExpired
	case x < 15 && s.dev.managed:
		s.fail = errDeviceAuth
	case x < 20:
		s.fail, s.mfa = errMFALocation, mfaNone
	case x < 21:
		s.fail = errGrantRevoked
	}
	return s
}

// mobile is a non-interactive sign-in of u's phone.
func (tr *traffic) mobile(r *rand.Rand, u *User, p *dayPlan, ts int64, evening bool) signIn {
	a := u.mobApps[r.IntN(len(u.mobApps))]
	s := signIn{at: ts, seed: r.Uint64(), user: u, app: a, res: a.res, dev: u.phone, ua: u.phone.nativeUA, client: clientModern, proto: "none", transfer: "none", incoming: "none", mfa: mfaClaim, ba: -1}
	s.net, s.ip = u.mobile, p.mobileIP
	if (evening || p.atHome) && r.IntN(2) == 0 {
		s.net, s.ip = u.home, u.homeIP
	} else if !evening && !p.atHome && r.IntN(2) == 0 {
		s.net, s.ip = u.office.egress, hostIn(u.office.egress, s.seed>>8)
	}
	return s
}

// interactive is an interactive sign-in of u to a in the browser.
func (tr *traffic) interactive(r *rand.Rand, u *User, p *dayPlan, ts int64, a *app, phone bool) signIn {
	s := tr.base(r, u, p, ts, a)
	s.fail = nil
	s.interactive = true
	s.ba = baAuto
	s.client, s.ua = clientBrowser, u.laptop.ua
	if phone {
		s.dev, s.ua = u.phone, u.phone.ua
	}
	return s
}

// interactiveWithInterrupts appends an interactive sign-in, preceded now
// and then by the interrupts and failures real sign-ins go through.
func (tr *traffic) interactiveWithInterrupts(out []signIn, r *rand.Rand, u *User, p *dayPlan, ts int64, a *app, prompt bool) []signIn {
	s := tr.interactive(r, u, p, ts, a, false)
	if prompt {
		s.mfa = mfaPrompt
	}
	step := func(f *failure, back time.Duration, mfa mfaKind, detail string) {
		e := s
		e.seed = r.Uint64()
		e.at = s.at - int64(back)
		e.fail, e.mfa, e.detail = f, mfa, detail
		out = append(out, e)
	}
	switch x := r.IntN(1000); {
	case x < 20:
		step(errBadPassword, 25*time.Second, mfaNone, "")
	case x < 30:
		step(errMFAFailed, 70*time.Second, mfaDenied, mfaNoResponse)
		s.mfa = mfaPrompt
	case x < 110 && prompt:
		step(errMFARequired, 12*time.Second, mfaNone, "")
	case x < 112:
		s.fail, s.mfa = errCABlocked, mfaNone
		s.dev, s.ua = nil, uaChromeWin
	case x < 114 && !u.Guest:
		// A partner app asks for consent the tenant has not given yet.
		s.app, s.res, s.fail, s.mfa = appPartner, appPartner.res, errConsentNeeded, mfaClaim
	}
	if s.fail == nil && r.IntN(100) < 15 {
		// "Stay signed in?" comes after the credentials.
		step(errKMSI, 0, s.mfa, "")
		s.at += int64(4 * time.Second)
	}
	return append(out, s)
}
