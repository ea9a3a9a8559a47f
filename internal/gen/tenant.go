package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	_ "time/tzdata" // users' time zones must not depend on the host
)

// Tenant is the synthetic Entra ID tenant: its users and policies. It is
// fixed by the seed and the number of users.
type Tenant struct {
	ID          string // Entra tenant id
	Name        string
	Domain      string
	WorkspaceID string // the Log Analytics workspace (LA TenantId column)
	Users       []*User
	policies    []policy
}

// role is what a user does with the tenant, which decides their apps.
type role uint8

const (
	roleStaff role = iota
	roleEngineer
	roleAdmin
)

// User is one account of the tenant.
type User struct {
	Index       int    // position in Tenant.Users
	ID          string // object id
	UPN         string // user principal name, as every record spells it
	DisplayName string
	Guest       bool // a B2B guest (userType Guest)
	Department  string
	JobTitle    string

	role    role
	office  *office
	loc     *time.Location
	home    *network
	homeIP  [4]byte
	mobile  *network
	laptop  *device
	phone   *device
	start   int    // usual start of the work day, minutes after local midnight
	length  int    // usual length of the work day, minutes
	hybrid  int    // per cent of workdays spent at home
	apps    []*app // non-interactive, on the laptop
	mobApps []*app // non-interactive, on the phone
}

// device is a user's laptop or phone.
type device struct {
	id        string
	name      string
	os        string
	browser   string
	trust     string // trustType
	compliant bool
	managed   bool
	ua        string // the browser's user agent
	nativeUA  string // the native clients' user agent
}

// policy is a conditional-access policy of the tenant.
type policy struct {
	id, name string
	grant    []string
	session  []string
	applies  func(r *signIn) policyResult
}

type policyResult uint8

const (
	polNotApplied policyResult = iota
	polSuccess
	polFailure
	polReportOnlyNotApplied
	polReportOnlySuccess
	polReportOnlyFailure
	polNotEnabled
)

var policyResultNames = [...]string{"notApplied", "success", "failure", "reportOnlyNotApplied", "reportOnlySuccess", "reportOnlyFailure", "notEnabled"}

// uuid returns a random version-4 UUID.
func uuid(r *rand.Rand) string {
	var b [36]byte
	putUUID(b[:], r.Uint64(), r.Uint64())
	return string(b[:])
}

const hexDigits = "0123456789abcdef"

// putUUID writes the version-4 UUID made of hi and lo into b[:36].
func putUUID(b []byte, hi, lo uint64) {
	hi = hi&^(0xf<<12) | 4<<12
	lo = lo&^(3<<62) | 2<<62
	j := 0
	for i := 0; i < 16; i++ {
		var c byte
		if i < 8 {
			c = byte(hi >> (56 - 8*i))
		} else {
			c = byte(lo >> (56 - 8*(i-8)))
		}
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j] = hexDigits[c>>4]
		b[j+1] = hexDigits[c&0xf]
		j += 2
	}
}

// newRand returns a generator for the stream named by the seed and keys.
func newRand(seed uint64, keys ...uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, mix(keys...)))
}

// mix hashes keys into one stream number (splitmix64 steps).
func mix(keys ...uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, k := range keys {
		h ^= k + 0x9e3779b97f4a7c15 + h<<6 + h>>2
		h ^= h >> 30
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 27
		h *= 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

// NewTenant makes the tenant of the given number of users for seed.
func NewTenant(users int, seed uint64) (*Tenant, error) {
	r := newRand(seed, 1)
	t := &Tenant{
		ID:          uuid(r),
		Name:        "Northwind Traders",
		Domain:      "northwindtraders.example",
		WorkspaceID: uuid(r),
	}
	t.policies = tenantPolicies(r)
	seen := map[string]int{}
	for i := range users {
		u, err := newUser(t, i, r, seen, i == users-1 && users >= MinUsers)
		if err != nil {
			return nil, err
		}
		t.Users = append(t.Users, u)
	}
	return t, nil
}

func newUser(t *Tenant, i int, r *rand.Rand, seen map[string]int, guest bool) (*User, error) {
	first := firstNames[r.IntN(len(firstNames))]
	last := lastNames[r.IntN(len(lastNames))]
	base := strings.ToLower(first + "." + last)
	n := seen[base]
	seen[base] = n + 1
	if n > 0 {
		base = fmt.Sprintf("%s%d", base, n+1)
	}
	u := &User{Index: i, ID: uuid(r), DisplayName: first + " " + last}
	// About one account in forty is a guest from a partner.
	if i > 0 && (r.IntN(40) == 0 || guest) {
		u.Guest = true
		u.UPN = base + "_fabrikam.example#EXT#@northwindtraders.onmicrosoft.com"
		u.DisplayName += " (Fabrikam)"
	} else {
		u.UPN = base + "@" + t.Domain
	}
	pick := r.IntN(100)
	for oi, w := range officeWeights {
		if pick < w || oi == len(officeWeights)-1 {
			u.office = offices[oi]
			break
		}
		pick -= w
	}
	loc, err := time.LoadLocation(u.office.tz)
	if err != nil {
		return nil, fmt.Errorf("time zone %s: %w", u.office.tz, err)
	}
	u.loc = loc
	u.home = u.office.homes[r.IntN(len(u.office.homes))]
	u.homeIP = hostIn(u.home, r.Uint64())
	u.mobile = u.office.mobiles[r.IntN(len(u.office.mobiles))]
	d := departments[r.IntN(len(departments))]
	u.Department, u.JobTitle = d.name, d.title
	switch {
	case d.name == "Engineering":
		u.role = roleEngineer
	case d.name == "IT":
		u.role = roleAdmin
	}
	u.start = 7*60 + 30 + r.IntN(120)
	u.length = 8*60 + r.IntN(120)
	u.hybrid = []int{0, 20, 40, 40, 60, 100}[r.IntN(6)]
	u.laptop = newLaptop(u, r)
	u.phone = newPhone(r)
	u.apps = []*app{appWinSignIn, appTeams, appOffice, appOneDrive, appEdge, appBroker}
	if u.laptop.os == "MacOs" {
		u.apps = []*app{appTeams, appOffice, appOneDrive, appEdge, appCompanyPtl}
	}
	if u.role != roleStaff {
		u.apps = append(u.apps, appAzureCLI, appAzurePS)
	}
	if u.Guest {
		u.apps = []*app{appTeams, appOffice}
	}
	u.mobApps = []*app{appOutlookMob, appTeams, appBroker}
	return u, nil
}

var windowsBuilds = []string{"Windows 10", "Windows 10", "Windows 11", "Windows 11", "Windows 11"}

func newLaptop(u *User, r *rand.Rand) *device {
	d := &device{id: uuid(r), trust: "Azure AD joined", compliant: true, managed: true}
	if u.Guest {
		d = &device{os: "Windows 10", browser: "Chrome 124.0.0", ua: uaChromeWin, nativeUA: uaNativeWin}
		return d
	}
	if r.IntN(5) == 0 {
		d.os, d.browser = "MacOs", "Safari 17.4"
		d.name = fmt.Sprintf("NWT-MAC-%05d", r.IntN(100000))
		d.ua, d.nativeUA = uaSafariMac, uaNativeMac
		d.trust = "Azure AD registered"
		return d
	}
	d.os = windowsBuilds[r.IntN(len(windowsBuilds))]
	d.browser = "Edge 124.0.0"
	d.name = fmt.Sprintf("NWT-LT-%05d", r.IntN(100000))
	d.ua, d.nativeUA = uaEdgeWin, uaNativeWin
	if r.IntN(4) == 0 {
		d.trust = "Hybrid Azure AD joined"
	}
	return d
}

func newPhone(r *rand.Rand) *device {
	if r.IntN(2) == 0 {
		return &device{id: uuid(r), os: "Ios 17.4.1", browser: "Mobile Safari", trust: "Azure AD registered", managed: true, compliant: true, ua: uaSafariIOS, nativeUA: uaOutlookIOS}
	}
	return &device{id: uuid(r), os: "Android 14", browser: "Chrome Mobile 124.0.6367", trust: "Azure AD registered", managed: true, compliant: r.IntN(8) != 0, ua: uaChromeAndroid, nativeUA: uaOutlookAndroid}
}

// The user agents of the traffic.
const (
	uaEdgeWin        = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80"
	uaChromeWin      = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	uaSafariMac      = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15"
	uaSafariIOS      = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"
	uaChromeAndroid  = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 Mobile Safari/537.36"
	uaNativeWin      = "Windows-AzureAD-Authentication-Provider/1.0"
	uaNativeMac      = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Teams/24102.2223.2870.9480"
	uaOutlookIOS     = "Outlook-iOS/723.4027091.prod.iphone (4.2416.0)"
	uaOutlookAndroid = "Outlook-Android/2.0"
	uaAzureCLI       = "python/3.11.8 (Linux-6.5.0-1017-azure-x86_64-with-glibc2.35) AZURECLI/2.60.0"
	uaPython         = "python-requests/2.31.0"
	uaPowerShell     = "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.2"
)

// hostIn returns an address of n chosen by x.
func hostIn(n *network, x uint64) [4]byte {
	v := uint32(n.base[0])<<24 | uint32(n.base[1])<<16 | uint32(n.base[2])<<8 | uint32(n.base[3])
	off := uint32(x) & (1<<n.hostBits - 1)
	if off&0xff == 0 || off&0xff == 0xff {
		off ^= 1 // neither a network nor a broadcast address
	}
	v += off
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

// tenantPolicies returns the tenant's conditional-access policies, with how
// each one judges a sign-in.
func tenantPolicies(r *rand.Rand) []policy {
	ps := []policy{
		{name: "CA001: Require MFA for all users", grant: []string{"Mfa"}, applies: func(s *signIn) policyResult {
			if s.user == nil || s.user.Guest {
				return polNotApplied
			}
			if s.fail == errMFAFailed || s.fail == errMFARequired || s.fail == errMFALocation {
				return polFailure
			}
			return polSuccess
		}},
		{name: "CA002: Block legacy authentication", grant: []string{"Block"}, applies: func(*signIn) policyResult { return polNotApplied }},
		{name: "CA003: Require compliant device for admins", grant: []string{"RequireCompliantDevice", "RequireDomainJoinedDevice"}, applies: func(s *signIn) policyResult {
			if s.user != nil && s.user.role == roleAdmin {
				if s.dev != nil && s.dev.compliant {
					return polSuccess
				}
				return polFailure
			}
			return polNotApplied
		}},
		{name: "CA004: Block unsupported countries", grant: []string{"Block"}, applies: func(s *signIn) policyResult {
			switch s.net.country {
			case "RU", "KP", "IR", "BY":
				return polFailure
			}
			return polNotApplied
		}},
		{name: "CA005: Require MFA for Azure management", grant: []string{"Mfa"}, applies: func(s *signIn) policyResult {
			if s.app.res == resAzureMgmt {
				return polSuccess
			}
			return polNotApplied
		}},
		{name: "CA008: Block device code flow (except DevOps)", grant: []string{"Block"}, applies: func(s *signIn) policyResult {
			if s.proto == "deviceCode" && s.fail == errCABlocked {
				return polFailure
			}
			return polNotApplied
		}},
	}
	for i := range ps {
		ps[i].id = uuid(r)
	}
	return ps
}
