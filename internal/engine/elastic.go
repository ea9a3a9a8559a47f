package engine

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"vigil/internal/alert"
	"vigil/internal/diag"
	"vigil/internal/enrich"
	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
	"vigil/internal/query/kuery"
	"vigil/internal/rule"
	"vigil/internal/schedule"
	"vigil/internal/schema"
	"vigil/internal/state"
)

// CommonOptions are the options of a hunt that are not about one rule
// format's language: where rule state lives, the ASN database, and from
// when alerts are reported. HuntOptions embeds them.
type CommonOptions struct {
	// State keeps first-seen history between hunts (`--state DIR`); nil
	// means a fresh in-memory history. The hunt records into it and prunes
	// what no loaded rule can need again; the caller commits it.
	State state.Store
	// ASN gives source.as.* of the ECS view (`--asn-db PATH`); nil means
	// the records' own autonomousSystemNumber and a built-in table of names.
	ASN enrich.ASN
	// AlertsSince, when set, drops alerts raised before it (`--alerts-since
	// TIME`); earlier data still feeds history and windows.
	AlertsSince time.Time
}

// The ECS fields Elastic alerts take their entities from (the UPN as
// indexed, the client app id, the client IP, the tenant).
var elasticEntities = []schedule.EntityField{
	{Type: "user", Field: "azure.signinlogs.properties.user_principal_name"},
	{Type: "app", Field: "azure.signinlogs.properties.app_id"},
	{Type: "ip", Field: "source.ip"},
	{Type: "tenant", Field: "azure.tenant_id"},
}

// elasticHunt is the Elastic state of one hunt, built on first use: the ECS
// view of the data and the origins of the sign-ins by id.
type elasticHunt struct {
	ecs         *schema.ECS
	originsOnce sync.Once
	origins     map[string]event.Origin
}

// ECSViews returns the data as the Elastic azure integration would have
// indexed it, windowed by event.ingested (else @timestamp).
func ECSViews(d *Data, asn enrich.ASN) *schema.ECS {
	return schema.NewECS(d.Events, d.Tables, schema.ECSOptions{ASN: asn, Time: schema.ECSIngested})
}

// elastic runs an Elastic rule: its Kuery query is evaluated once over the
// ECS tables its index patterns name, and the schedule replays the runs
// over the matching documents.
func (h *hunt) elastic(r *rule.Rule, warnings *[]string) ([]*alert.Alert, diag.List, error) {
	var diags diag.List
	e := r.Elastic
	if r.Language != "kuery" {
		diags.Add(diag.Unsupported(r.File, diag.Pos{}, "elastic", r.Language+" queries"))
		return nil, diags, nil
	}
	h.elasticOnce.Do(func() { h.elasticS = &elasticHunt{ecs: ECSViews(h.data, h.opts.ASN)} })
	ecs := h.elasticS.ecs
	tables := schema.ECSTables(e.Index)
	if len(tables) == 0 {
		diags.Add(diag.Errorf(r.File, diag.Pos{}, "elastic", "index %q names no data vigil has (want logs-azure.signinlogs-*, logs-azure.activitylogs-* or filebeat-*)", e.Index))
		return nil, diags, nil
	}
	q, err := kuery.Parse(r.Query)
	var root plan.Node
	if err == nil {
		root, err = kuery.LowerTables(q, r.Query, tables, ecs)
	}
	if err != nil {
		diags.Add(positionedIn(err, r))
		return nil, diags, nil
	}
	fields := elasticFields(r)
	// Build only the columns the query tests and the alerts show: the
	// query's output is every column (plan.TableColumns would say so), but
	// the schedule reads only fields.
	cat := ecs.Needing(append(predicateColumns(root, nil), fields...))
	// The query has no notion of now: one evaluation over all the data
	// serves every run.
	query, err := exec.Compile(root, cat, exec.Options{Now: time.Unix(0, 0)})
	if err != nil {
		return nil, nil, err
	}
	cols := query.Schema()
	idx := make([]int, len(fields))
	for i, f := range fields {
		idx[i] = cols.Index(f)
	}
	in := schedule.ElasticInput{Fields: fields}
	timeCols := []int{cols.Index("@timestamp")}
	if e.TimestampOverride != "" {
		timeCols = []int{cols.Index(e.TimestampOverride), timeCols[0]}
	}
	idCols := []int{cols.Index("event.id"), cols.Index("_id")}
	datasetCol := cols.Index("event.dataset")
	// Documents' values are carved from blocks, and their index names are
	// shared: a rule may match millions of sign-ins.
	var block []event.Value
	indexes := map[string]string{}
	err = query.Run(h.ctx, func(row []event.Value) error {
		t, ok := firstTime(row, timeCols)
		if !ok {
			return nil // no timestamp: in no run's window
		}
		if len(block) < len(fields) {
			block = make([]event.Value, max(4096, len(fields)))
		}
		doc := schedule.ElasticDoc{Time: t, Values: block[:len(fields):len(fields)]}
		block = block[len(fields):]
		for i, j := range idx {
			if j >= 0 {
				doc.Values[i] = row[j]
			}
		}
		for _, j := range idCols {
			if j >= 0 && row[j].Kind() == event.KindString && row[j].Str() != "" {
				doc.ID = row[j].Str()
				break
			}
		}
		if datasetCol >= 0 {
			ds := row[datasetCol].Text()
			if doc.Index = indexes[ds]; doc.Index == "" {
				doc.Index = "logs-" + ds + "-default"
				indexes[ds] = doc.Index
			}
		}
		if doc.ID == "" {
			// Elastic would have given the document a random id; a hash
			// of what it holds keeps alert ids repeatable.
			parts := make([]string, len(doc.Values))
			for i, v := range doc.Values {
				parts[i] = string(event.AppendKey(nil, v))
			}
			doc.ID = alert.MakeID(parts...)
		} else {
			doc.Origin = h.elasticS.origin(h.data, doc.ID)
		}
		in.Docs = append(in.Docs, doc)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	opts := schedule.ElasticOptions{AlertsSince: h.opts.AlertsSince, Entities: elasticEntities}
	if h.opts.State != nil && e.Type == rule.ElasticNewTerms {
		h.stateMu.Lock()
		tab, restarted := h.opts.State.Rule(r.ID, schedule.HistoryGap(r))
		h.stateMu.Unlock()
		opts.State = tab
		if restarted {
			*warnings = append(*warnings, "the state kept this rule's history for a longer history window than it has now, which cannot answer it exactly: its first-seen history starts anew")
		}
	}
	res, err := schedule.Elastic(r, in, opts)
	if err != nil {
		return nil, nil, err
	}
	*warnings = append(*warnings, res.Warnings...)
	if res.AlreadyRaised > 0 {
		*warnings = append(*warnings, fmt.Sprintf("%d alert(s) raised by an earlier hunt sharing this state, from documents this hunt does not hold, are not raised again", res.AlreadyRaised))
	}
	return res.Alerts, nil, nil
}

// elasticFields are the document fields an Elastic rule's alerts need: the
// timestamps and ids, the new-terms or threshold fields, the entity fields
// and the rule's investigation fields, without repeats.
func elasticFields(r *rule.Rule) []string {
	e := r.Elastic
	fields := []string{"@timestamp", "event.ingested"}
	if e.TimestampOverride != "" {
		fields = append(fields, e.TimestampOverride)
	}
	fields = append(fields, "event.id", "_id", "event.dataset")
	fields = append(fields, e.NewTerms...)
	if t := e.Threshold; t != nil {
		fields = append(fields, t.Fields...)
		if t.CardinalityField != "" {
			fields = append(fields, t.CardinalityField)
		}
	}
	for _, ef := range elasticEntities {
		fields = append(fields, ef.Field)
	}
	fields = append(fields, e.InvestigationFields...)
	var out []string
	for _, f := range fields {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// predicateColumns appends the columns the filters of a lowered Kuery plan
// read.
func predicateColumns(n plan.Node, out []string) []string {
	if f, ok := n.(*plan.Filter); ok {
		out = exprColumns(f.Pred, out)
	}
	for _, c := range n.Children() {
		out = predicateColumns(c, out)
	}
	return out
}

func exprColumns(e plan.Expr, out []string) []string {
	switch e := e.(type) {
	case *plan.ColumnRef:
		out = append(out, e.Name)
	case *plan.Member:
		out = exprColumns(e.X, out)
	case *plan.Index:
		out = exprColumns(e.X, exprColumns(e.Index, out))
	case *plan.Call:
		for _, a := range e.Args {
			out = exprColumns(a, out)
		}
	}
	return out
}

// firstTime returns the first datetime among the columns at idx (the
// timestamp override, then @timestamp), in Unix nanoseconds.
func firstTime(row []event.Value, idx []int) (int64, bool) {
	for _, j := range idx {
		if j >= 0 && row[j].Kind() == event.KindDatetime {
			return row[j].Time().UnixNano(), true
		}
	}
	return 0, false
}

// origin returns where the sign-in with id came from (the first one with
// that id), for an alert's evidence.
func (x *elasticHunt) origin(d *Data, id string) event.Origin {
	x.originsOnce.Do(func() {
		x.origins = make(map[string]event.Origin, len(d.Events))
		for i := range d.Events {
			if s, ok := d.Events[i].Str(event.FID); ok && s != "" {
				if _, dup := x.origins[s]; !dup {
					x.origins[s] = d.Events[i].Origin
				}
			}
		}
	})
	return x.origins[id]
}

// positionedIn places a query error in the rule file.
func positionedIn(err error, r *rule.Rule) *diag.Error {
	var de *diag.Error
	if errors.As(err, &de) {
		e := *de
		e.File = r.File
		if r.Mapper != nil {
			e.Pos = r.Mapper(e.Pos)
		}
		return &e
	}
	return diag.Errorf(r.File, diag.Pos{}, "kuery", "%v", err)
}
