package normalize

import (
	"errors"
	"testing"

	"vigil/internal/event"
)

// fuzzRecord checks the contract every shape's decoder keeps on any input: no
// panic; a record error carries an offset inside the record; a problem
// carries an offset inside the record and a path.
func fuzzRecord(t *testing.T, data []byte, decode func(n *Normalizer, ev *event.SignIn, row *event.Row) error) {
	for _, n := range []*Normalizer{NewNormalizer(), {Fields: event.NewFieldSet(event.FUserPrincipalName, event.FStatusErrorCode)}} {
		var ev event.SignIn
		var row event.Row
		err := decode(n, &ev, &row)
		var re *RecordError
		if err != nil && (!errors.As(err, &re) || re.Offset < 0 || re.Offset > len(data)) {
			t.Fatalf("error without a valid offset: %v", err)
		}
		for _, p := range n.Problems() {
			if p.Offset < 0 || p.Offset > len(data) || p.Path == "" {
				t.Fatalf("problem without a position: %+v", p)
			}
			// Bad text is reported at the bad byte, or at the \u escape
			// of a lone surrogate.
			if p.Kind == ProblemText && (p.Offset == len(data) || data[p.Offset] < 0x80 && data[p.Offset] != '\\') {
				t.Fatalf("bad text reported at %d, which is not a bad byte or an escape: %+v", p.Offset, p)
			}
		}
		if err == nil {
			ev.AppendJSON(nil)
		}
	}
}

func FuzzGraph(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","createdDateTime":"2024-06-01T10:00:00Z","status":{"errorCode":0},"location":{"geoCoordinates":{"latitude":1.5}}}`,
		`{"id":"a","id":"b","signInEventTypes":["servicePrincipal"],"isInteractive":"True"}`,
		`{"status":"x","deviceDetail":[1],"appliedConditionalAccessPolicy":{}}`, `[1]`, `{"id":tru}`,
		"{\"id\":\"a\xff\",\"x\xc3\":[\"\xe2\x82\"],\"deviceDetail\":{\"browser\":\"\\ud800\xff\"}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRecord(t, data, func(n *Normalizer, ev *event.SignIn, _ *event.Row) error { return n.Graph(data, ev) })
	})
}

func FuzzAzureMonitor(f *testing.F) {
	for _, s := range []string{
		`{"time":"8/22/2022 6:07:16 PM","category":"SignInLogs","Level":"4","properties":{"id":"s","status":{"errorCode":"65004"}}}`,
		`{"category":"AuditLogs","properties":{"x":[{"y":null}]}}`, `{"category":7}`, `{"Level":{}}`, `"x"`,
		"{\"category\":\"SignIn\xffLogs\",\"properties\":{\"userAgent\":\"\xc0\xaf\"}}",
		"{\"category\":\"AuditLogs\",\"properties\":{\"\xff\":\"\\udc00\"}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRecord(t, data, func(n *Normalizer, ev *event.SignIn, row *event.Row) error {
			_, err := n.AzureMonitor(data, ev, row)
			return err
		})
	})
}
