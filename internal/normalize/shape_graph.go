package normalize

import (
	"vigil/internal/event"
	"vigil/internal/jsontext"
)

// graphTree maps a Microsoft Graph signIn object (v1.0 or beta) — and the
// "properties" object of an Azure Monitor record, which carries the same
// members — onto the canonical fields, whose names are the Graph beta ones.
var graphTree = func() *node {
	t := fieldTree(event.FID, event.NumFields-1, false, sameKey)
	// v1.0 names the policy array in the singular.
	t.kids["appliedConditionalAccessPolicy"] = &node{name: "appliedConditionalAccessPolicy", field: event.FAppliedConditionalAccessPolicies}
	// Some records repeat the tenant inside properties.
	t.kids["tenantId"] = &node{name: "tenantId", field: event.FTenantID}
	return t
}()

// Graph decodes a Microsoft Graph signIn object.
func (n *Normalizer) Graph(data []byte, ev *event.SignIn) error {
	ev.Source = event.SourceGraph
	d := n.begin(data)
	if d.Peek() != jsontext.Object {
		return notObject(d)
	}
	n.object(d, graphTree, ev)
	if err := n.finish(d); err != nil {
		return err
	}
	if !ev.Has(event.FID) && !ev.Has(event.FCreatedDateTime) && !ev.Has(event.FUserPrincipalName) && !ev.Has(event.FAppID) {
		return &RecordError{Msg: "the record has none of the members of a Graph signIn (id, createdDateTime, userPrincipalName, appId)"}
	}
	graphCategory(ev)
	return nil
}

// graphCategory decides the log category of a Graph signIn, which carries
// none: from signInEventTypes when present (the beta API lists the kind of
// sign-in there), else from isInteractive. A Graph signIn with neither is an
// interactive user sign-in, which is all the v1.0 list returns by default.
func graphCategory(ev *event.SignIn) {
	if types, ok := ev.Str(event.FSignInEventTypes); ok {
		var d jsontext.Decoder
		d.Reset([]byte(types))
		if d.Array() && d.NextElem() {
			if s, ok := d.Str(); ok {
				switch string(s) {
				case "interactiveUser":
					ev.SetCategory("SignInLogs")
					return
				case "nonInteractiveUser":
					ev.SetCategory("NonInteractiveUserSignInLogs")
					return
				case "servicePrincipal":
					ev.SetCategory("ServicePrincipalSignInLogs")
					return
				case "managedIdentity":
					ev.SetCategory("ManagedIdentitySignInLogs")
					return
				}
			}
		}
	}
	if interactive, ok := ev.Bool(event.FIsInteractive); ok && !interactive {
		ev.SetCategory("NonInteractiveUserSignInLogs")
		return
	}
	ev.SetCategory("SignInLogs")
}
