package engine

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/internal/input"
)

// FuzzReadBatchLines reads Azure Monitor batch lines three ways — cut by the
// reading goroutine, cut by the workers with the Splitter, and decoded in
// place (decodeInPlace) — with every field and with the built-in pack's
// projection, and requires the same events, origins, problems and counts.
func FuzzReadBatchLines(f *testing.F) {
	rec := azmonRecord
	for _, s := range []string{
		batchLine(rec("a", ""), rec("b", `,"userPrincipalName":"x@y"`)) + "\n",
		batchLine(rec("a", ""), `{"time":`, rec("c", "")) + "\n",
		batchLine(rec("a", `,"status":{"errorCode":"oops"}`)) + "\n" + batchLine(rec("b", "")) + "\n",
		`{"records":[]}` + "\n" + batchLine(rec("z", "")) + "\n",
		` { "records" : [ ` + rec("a", "") + ` , ` + rec("b", "") + ` ] } ` + "\n",
		batchLine(rec("a", "")) + ` {"x":1}` + "\n",
		batchLine(rec("a", `,"deviceDetail":{"os":[1,2,{"a":"]"}]}`)) + "\n",
		`{"records":[{"time":"2024-05-02T08:00:00Z","category":"AuditLogs","properties":{"a":1}},` + rec("b", "") + "]}\n",
		`{"records":[` + rec("a", "") + `,]}` + "\n",
		`{"records":[` + rec("a", "") + `]` + "\n" + batchLine(rec("b", "")) + "\n",
		batchLine(rec("a", ",\"userAgent\":\"\xff\\ud800\""), rec("b", ",\"x\xc3\":1")) + "\n",
	} {
		f.Add(s)
	}
	set, err := LoadRules(nil, false)
	if err != nil {
		f.Fatal(err)
	}
	projected, extra := Projection(set, HuntOptions{})
	f.Fuzz(func(t *testing.T, text string) {
		p := filepath.Join(t.TempDir(), "signins.json")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		opts := ReadOptions{Format: input.ShapeAzureMonitor, KeepExtra: true}
		readBothWays(t, []string{p}, opts, true)
		opts.Fields, opts.KeepExtra = projected, extra
		readBothWays(t, []string{p}, opts, true)
	})
}
