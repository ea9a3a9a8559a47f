package gen

import (
	"strconv"
	"time"
)

// shapeWriter writes the sign-ins of one shape, a file per day (and per
// category where the pipeline separates them).
type shapeWriter interface {
	openDay(day time.Time) error
	write(s *signIn, f *facts) error
	closeDay() error
}

func (g *generator) shapeWriter() shapeWriter {
	switch g.opts.Shape {
	case ShapeGraph:
		return &graphWriter{g: g}
	case ShapeAzureMonitor:
		return &azmonWriter{g: g}
	case ShapeLogAnalytics:
		return &laWriter{g: g}
	case ShapeLogAnalyticsCSV:
		return &laWriter{g: g, csv: true}
	}
	return &ecsWriter{g: g}
}

// lazy is a day file opened at its first record, so that a day without
// records of a category leaves no empty file.
type lazy struct {
	name string
	s    *sink
}

func (l *lazy) get(g *generator, header func(*sink)) (*sink, error) {
	if l.s != nil {
		return l.s, nil
	}
	s, err := g.open(l.name)
	if err != nil {
		return nil, err
	}
	l.s = s
	if header != nil {
		header(s)
	}
	return s, nil
}

func (l *lazy) close(footer func(*sink)) error {
	if l.s == nil {
		return nil
	}
	if footer != nil {
		footer(l.s)
	}
	err := l.s.close()
	l.s = nil
	return err
}

func dayName(prefix string, day time.Time, ext string) string {
	return prefix + "-" + day.Format("2006-01-02") + ext
}

// category returns 0 for interactive sign-ins, 1 for non-interactive ones.
func category(s *signIn) int {
	if s.interactive {
		return 0
	}
	return 1
}

// graphWriter writes Graph beta API pages of up to graphPage sign-ins,
// {"@odata.context":…,"@odata.nextLink":…,"value":[…]}, one after another
// as collectors that follow nextLink save them. A page is held until the
// next one starts, since only then is it known whether a nextLink follows.
type graphWriter struct {
	g     *generator
	files [2]lazy
	page  [2][]byte
	n     [2]int
	pages [2]int
}

const graphPage = 1000

func (w *graphWriter) openDay(day time.Time) error {
	w.files[0].name = dayName("signIns", day, ".json")
	w.files[1].name = dayName("signIns-nonInteractive", day, ".json")
	return nil
}

func (w *graphWriter) flush(c int, more bool) {
	s := w.files[c].s
	w.pages[c]++
	s.write([]byte(`{"@odata.context":"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns",`))
	if more {
		b := []byte(`"@odata.nextLink":"https://graph.microsoft.com/beta/auditLogs/signIns?$skiptoken=`)
		b = strconv.AppendUint(b, mix(uint64(w.pages[c]), uint64(c), w.g.opts.Seed), 16)
		s.write(append(b, `",`...))
	}
	s.write([]byte(`"value":[`))
	s.write(w.page[c])
	s.write([]byte("]}\n"))
	w.page[c] = w.page[c][:0]
	w.n[c] = 0
}

func (w *graphWriter) write(s *signIn, f *facts) error {
	c := category(s)
	if _, err := w.files[c].get(w.g, nil); err != nil {
		return err
	}
	if w.n[c] == graphPage {
		w.flush(c, true)
	}
	g := w.g
	g.w = jw{b: g.w.b[:0]}
	caStatus := g.policyResults(s)
	g.w.begin()
	g.props(&g.w, s, f, modeGraph, caStatus)
	g.w.end()
	g.sum.Bytes += int64(len(g.w.b))
	if w.n[c] > 0 {
		w.page[c] = append(w.page[c], ',')
	}
	w.page[c] = append(w.page[c], g.w.b...)
	w.n[c]++
	return nil
}

func (w *graphWriter) closeDay() error {
	for c := range w.files {
		if w.files[c].s != nil && w.n[c] > 0 {
			w.flush(c, false)
		}
		if err := w.files[c].close(nil); err != nil {
			return err
		}
	}
	return nil
}

// azmonWriter writes Azure Monitor diagnostic records in {"records":[…]}
// batches, one batch a line, as Event Hubs deliver them.
type azmonWriter struct {
	g     *generator
	files [2]lazy
	n     [2]int
}

const azmonBatch = 100

func (w *azmonWriter) openDay(day time.Time) error {
	w.files[0].name = dayName("SignInLogs", day, ".json")
	w.files[1].name = dayName("NonInteractiveUserSignInLogs", day, ".json")
	return nil
}

func (w *azmonWriter) write(s *signIn, f *facts) error {
	c := category(s)
	sk, err := w.files[c].get(w.g, nil)
	if err != nil {
		return err
	}
	g := w.g
	b := g.w.b[:0]
	switch {
	case w.n[c] == 0:
		b = append(b, `{"records":[`...)
	case w.n[c] == azmonBatch:
		b = append(b, "]}\n{\"records\":["...)
		w.n[c] = 0
	default:
		b = append(b, ',')
	}
	w.n[c]++
	g.w = jw{b: b}
	start := len(b)
	g.azmon(&g.w, s, f)
	g.sum.Bytes += int64(len(g.w.b) - start)
	sk.write(g.w.b)
	return nil
}

// azmon writes one diagnostic record.
func (g *generator) azmon(w *jw, s *signIn, f *facts) {
	caStatus := g.policyResults(s)
	w.begin()
	w.time("time", f.record, 7)
	w.str("resourceId", "/tenants/"+g.t.ID+"/providers/Microsoft.aadiam")
	w.str("operationName", "Sign-in activity")
	w.str("operationVersion", "1.0")
	w.str("category", s.category())
	w.str("tenantId", g.t.ID)
	w.str("resultType", strconv.Itoa(s.errorCode()))
	w.str("resultSignature", "None")
	if s.fail != nil {
		w.str("resultDescription", s.fail.reason)
	}
	w.int("durationMs", 0)
	w.ip("callerIpAddress", s.ip)
	w.str("correlationId", f.correlation)
	w.str("identity", s.user.DisplayName)
	w.int("Level", 4)
	w.str("location", s.net.country)
	w.obj("properties")
	g.props(w, s, f, modeDiag, caStatus)
	w.end()
	w.end()
}

func (w *azmonWriter) closeDay() error {
	for c := range w.files {
		err := w.files[c].close(func(s *sink) { s.write([]byte("]}\n")) })
		w.n[c] = 0
		if err != nil {
			return err
		}
	}
	return nil
}

// ecsWriter writes Elastic documents (_source) of the azure.signinlogs data
// stream, one a line, as the integration's ingest pipeline makes them.
type ecsWriter struct {
	g    *generator
	file lazy
}

func (w *ecsWriter) openDay(day time.Time) error {
	w.file.name = dayName("logs-azure.signinlogs", day, ".ndjson")
	return nil
}

func (w *ecsWriter) write(s *signIn, f *facts) error {
	sk, err := w.file.get(w.g, nil)
	if err != nil {
		return err
	}
	g := w.g
	g.w = jw{b: g.w.b[:0]}
	g.ecs(&g.w, s, f)
	g.sum.Bytes += int64(len(g.w.b))
	sk.write(append(g.w.b, '\n'))
	return nil
}

func (w *ecsWriter) closeDay() error { return w.file.close(nil) }

// ecs writes one Elastic document.
func (g *generator) ecs(w *jw, s *signIn, f *facts) {
	caStatus := g.policyResults(s)
	w.begin()
	w.time("@timestamp", f.record, 3)
	w.obj("azure")
	w.str("correlation_id", f.correlation)
	w.obj("resource")
	w.str("id", "/tenants/"+g.t.ID+"/providers/Microsoft.aadiam")
	w.str("provider", "Microsoft.aadiam")
	w.end()
	w.obj("signinlogs")
	w.ip("caller_ip_address", s.ip)
	w.str("category", s.category())
	w.str("identity", s.user.DisplayName)
	w.str("operation_name", "Sign-in activity")
	w.str("operation_version", "1.0")
	w.obj("properties")
	w.snake = true
	g.props(w, s, f, modeECS, caStatus)
	w.snake = false
	w.end()
	if s.fail != nil {
		w.str("result_description", s.fail.reason)
	}
	w.str("result_signature", "None")
	w.str("result_type", strconv.Itoa(s.errorCode()))
	w.end()
	w.str("tenant_id", g.t.ID)
	w.end()
	w.obj("client")
	w.ip("ip", s.ip)
	w.end()
	w.obj("cloud")
	w.obj("account")
	w.str("id", g.t.ID)
	w.end()
	w.str("provider", "azure")
	w.end()
	w.obj("data_stream")
	w.str("dataset", "azure.signinlogs")
	w.str("namespace", "default")
	w.str("type", "logs")
	w.end()
	w.obj("ecs")
	w.str("version", "8.11.0")
	w.end()
	w.obj("event")
	w.str("action", "Sign-in activity")
	w.raw("category", `["authentication"]`)
	w.str("dataset", "azure.signinlogs")
	w.int("duration", 0)
	w.str("id", f.id)
	w.time("ingested", f.ingest, 3)
	w.str("kind", "event")
	w.str("module", "azure")
	if s.fail == nil {
		w.str("outcome", "success")
	} else {
		w.str("outcome", "failure")
	}
	w.raw("type", `["info"]`)
	w.end()
	w.obj("geo")
	w.str("city_name", s.net.city)
	w.str("country_iso_code", s.net.country)
	w.str("country_name", s.net.state) // the pipeline's quirk: state, not country
	w.obj("location")
	w.float("lat", s.net.lat)
	w.float("lon", s.net.lon)
	w.end()
	w.end()
	w.obj("log")
	w.str("level", "4")
	w.end()
	if m := s.message(); m != "" {
		w.str("message", m)
	}
	w.obj("related")
	w.arr("ip")
	w.b = append(w.b, '"')
	w.b = appendIP(w.b, s.ip)
	w.b = append(w.b, '"')
	w.comma = true
	w.endArr()
	w.arr("user")
	w.strElem(s.user.ID)
	w.strElem(s.user.UPN)
	w.strElem(s.user.DisplayName)
	w.endArr()
	w.end()
	w.obj("source")
	w.ip("address", s.ip)
	w.obj("as")
	w.int("number", int64(s.net.asn))
	w.obj("organization")
	w.str("name", s.net.org)
	w.end()
	w.end()
	w.obj("geo")
	w.str("city_name", s.net.city)
	w.str("country_iso_code", s.net.country)
	w.obj("location")
	w.float("lat", s.net.lat)
	w.float("lon", s.net.lon)
	w.end()
	w.end()
	w.ip("ip", s.ip)
	w.end()
	w.raw("tags", `["forwarded","azure-signinlogs"]`)
	name, domain := upnParts(s.user.UPN)
	w.obj("user")
	w.str("domain", domain)
	w.str("full_name", s.user.DisplayName)
	w.str("id", s.user.ID)
	w.str("name", name)
	w.end()
	w.obj("user_agent")
	w.str("original", s.ua)
	w.end()
	w.end()
}
