package gen

import "strings"

// identityRow writes u's IdentityInfo row (Log Analytics JSON, one a line)
// at ts (Unix seconds): UEBA refreshes the table daily.
func (g *generator) identityRow(sk *sink, u *User, ts int64) {
	g.sum.IdentityInfo++
	w := &g.tmp
	*w = jw{b: w.b[:0]}
	name, domain := upnParts(u.UPN)
	given, surname, _ := strings.Cut(u.DisplayName, " ")
	w.begin()
	w.time("TimeGenerated", ts*1e9, 7)
	w.str("TenantId", g.t.WorkspaceID)
	w.str("SourceSystem", "")
	w.str("AccountObjectId", u.ID)
	w.str("AccountUPN", u.UPN)
	w.str("AccountDisplayName", u.DisplayName)
	w.str("AccountName", name)
	w.str("AccountDomain", domain)
	w.str("AccountTenantId", g.t.ID)
	w.str("GivenName", given)
	w.str("Surname", surname)
	w.str("Department", u.Department)
	w.str("JobTitle", u.JobTitle)
	w.str("City", u.office.name)
	w.str("Country", u.office.country)
	w.str("Tags", "[]")
	w.arr("GroupMembership")
	w.strElem("All Staff")
	w.strElem(u.Department)
	w.strElem(u.office.name + " Office")
	w.endArr()
	w.arr("AssignedRoles")
	switch {
	case u.role == roleAdmin:
		w.strElem("Global Reader")
		w.strElem("Security Administrator")
	case u.role == roleEngineer:
		w.strElem("Application Developer")
	}
	w.endArr()
	ut := "Member"
	if u.Guest {
		ut = "Guest"
	}
	w.str("UserType", ut)
	w.raw("UserAccountControl", "[]")
	w.bool("IsAccountEnabled", true)
	blast := "Low"
	if u.role == roleAdmin {
		blast = "High"
	}
	w.str("BlastRadius", blast)
	w.str("Type", "IdentityInfo")
	w.end()
	sk.write(append(w.b, '\n'))
}

// baRow writes the BehaviorAnalytics row UEBA makes of a logon.
func (g *generator) baRow(sk *sink, s *signIn, f *facts, priority int) {
	g.sum.BehaviorRows++
	w := &g.tmp
	*w = jw{b: w.b[:0]}
	name, domain := upnParts(s.user.UPN)
	attacker := s.net.kind == netHosting
	w.begin()
	w.time("TimeGenerated", f.record, 7)
	w.str("TenantId", g.t.WorkspaceID)
	w.str("SourceRecordId", f.id)
	w.str("EventSource", "Azure AD")
	activity := "LogOn"
	if s.fail != nil {
		activity = "FailedLogOn"
	}
	w.str("ActivityType", activity)
	w.str("ActionType", "Sign-in")
	w.str("UserName", name)
	w.str("UserPrincipalName", s.user.UPN)
	w.str("SourceIPAddress", string(appendIP(nil, s.ip)))
	w.str("SourceIPLocation", s.net.country)
	w.str("SourceDevice", "")
	w.str("DestinationDevice", "")
	w.obj("UsersInsights")
	w.str("AccountDisplayName", s.user.DisplayName)
	w.str("AccountDomain", domain)
	w.str("AccountObjectID", s.user.ID)
	w.bool("IsDormantAccount", false)
	w.bool("IsNewAccount", false)
	w.end()
	w.obj("DevicesInsights")
	w.str("ISP", s.net.org)
	w.bool("IsTorExitNode", false)
	w.end()
	w.obj("ActivityInsights")
	w.bool("FirstTimeUserConnectedFromCountry", attacker)
	w.bool("CountryUncommonlyConnectedFromByUser", attacker)
	w.bool("FirstTimeUserConnectedViaISP", attacker)
	w.bool("ISPUncommonlyUsedInTenant", attacker)
	w.end()
	w.int("InvestigationPriority", int64(priority))
	w.str("Type", "BehaviorAnalytics")
	w.end()
	sk.write(append(w.b, '\n'))
}
