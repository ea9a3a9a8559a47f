package engine

import (
	"vigil/internal/diag"
	"vigil/internal/plan"
	"vigil/internal/query/kuery"
	"vigil/internal/query/spl"
	"vigil/internal/rule"
	"vigil/internal/schema"
)

// CompileRule lowers a rule's query into its logical plan the way a hunt
// does, against the views of its format over no data: the Sentinel tables
// (the sign-in views, IdentityInfo and BehaviorAnalytics), the Splunk
// sourcetypes with SPL macros expanded, or the Elastic data streams its
// index patterns name. It checks what a hunt checks before running a rule
// (its language, a Splunk detection's type, an Elastic index), so a rule
// that compiles here runs in a hunt, unless its query reads a table only
// the data can bring (a watchlist, another exported table).
//
// Of opts, only Macros, Lookups and ASN are used. Diagnostics are
// positioned in the rule file; the plan is nil when there are any.
func CompileRule(r *rule.Rule, opts HuntOptions) (plan.Node, diag.List) {
	var diags diag.List
	empty := &Data{}
	switch r.Format {
	case rule.FormatSentinel:
		return compile(r.Language, r.Query, r.File, r.Mapper, catalogResolver{SentinelViews(empty)})
	case rule.FormatSplunk:
		if r.Splunk != nil {
			switch r.Splunk.Type {
			case "", "TTP", "Anomaly":
			default:
				diags.Add(diag.Unsupported(r.File, diag.Pos{}, "splunk", r.Splunk.Type+" detections (only TTP and Anomaly detections are scheduled)"))
				return nil, diags
			}
		}
		macros := opts.Macros
		if macros == nil {
			macros = spl.Builtin()
		}
		return compileSPL(r, macros, SplunkViews(empty), opts.Lookups)
	case rule.FormatElastic:
		if r.Language != "kuery" {
			diags.Add(diag.Unsupported(r.File, diag.Pos{}, "elastic", r.Language+" queries"))
			return nil, diags
		}
		var index []string
		if r.Elastic != nil {
			index = r.Elastic.Index
		}
		tables := schema.ECSTables(index)
		if len(tables) == 0 {
			diags.Add(diag.Errorf(r.File, diag.Pos{}, "elastic", "index %q names no data vigil has (want logs-azure.signinlogs-*, logs-azure.activitylogs-* or filebeat-*)", index))
			return nil, diags
		}
		q, err := kuery.Parse(r.Query)
		var root plan.Node
		if err == nil {
			root, err = kuery.LowerTables(q, r.Query, tables, ECSViews(empty, opts.ASN))
		}
		if err != nil {
			diags.Add(positionedIn(err, r))
			return nil, diags
		}
		return root, nil
	}
	diags.Add(diag.Unsupported(r.File, diag.Pos{}, r.Format.String(), r.Format.String()+" rules"))
	return nil, diags
}
