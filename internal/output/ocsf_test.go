package output

import (
	"bufio"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOCSF(t *testing.T) {
	got := write(t, OCSF, testAlerts(), Options{Version: "0.1.0-test"})
	golden(t, "ocsf.txtar", map[string]string{"findings.jsonl": got}, []string{"findings.jsonl"})
}

// kind is the JSON type an OCSF attribute must have.
type kind int

const (
	kString kind = iota
	kInt         // integer_t, long_t and timestamp_t (epoch milliseconds)
	kBool
	kObject
	kArray
)

// get follows a dotted path through decoded JSON; [N] indexes arrays.
func get(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		name, idx, _ := strings.Cut(part, "[")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[name]; !ok {
			return nil, false
		}
		if idx != "" {
			arr, ok := v.([]any)
			n := int(idx[0] - '0')
			if !ok || n >= len(arr) {
				return nil, false
			}
			v = arr[n]
		}
	}
	return v, true
}

func isKind(v any, k kind) bool {
	switch k {
	case kString:
		_, ok := v.(string)
		return ok
	case kInt:
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case kBool:
		_, ok := v.(bool)
		return ok
	case kObject:
		_, ok := v.(map[string]any)
		return ok
	case kArray:
		_, ok := v.([]any)
		return ok
	}
	return false
}

// TestOCSFShape checks every finding against the attributes Detection
// Finding requires (base event, finding, finding_info, metadata, product)
// and those vigil promises, with their types.
func TestOCSFShape(t *testing.T) {
	required := []struct {
		path string
		kind kind
	}{
		{"activity_id", kInt}, {"category_uid", kInt}, {"class_uid", kInt}, {"type_uid", kInt},
		{"severity_id", kInt}, {"severity", kString}, {"time", kInt}, {"status_id", kInt}, {"message", kString},
		{"metadata", kObject}, {"metadata.version", kString}, {"metadata.product.name", kString},
		{"metadata.product.vendor_name", kString}, {"metadata.product.version", kString},
		{"finding_info", kObject}, {"finding_info.uid", kString}, {"finding_info.title", kString},
		{"finding_info.created_time", kInt}, {"finding_info.analytic.uid", kString},
		{"finding_info.analytic.name", kString}, {"finding_info.analytic.type_id", kInt},
		{"unmapped", kObject}, {"unmapped.id", kString},
	}
	alerts := testAlerts()
	out := write(t, OCSF, alerts, Options{Version: "0.1.0-test"})
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	var findings []map[string]any
	for sc.Scan() {
		var f map[string]any
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", len(findings)+1, err)
		}
		findings = append(findings, f)
	}
	if len(findings) != len(alerts) {
		t.Fatalf("got %d findings, want one per alert (%d)", len(findings), len(alerts))
	}
	wantSeverity := map[string]float64{"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
	for i, f := range findings {
		a := alerts[i]
		for _, r := range required {
			v, ok := get(f, r.path)
			if !ok {
				t.Errorf("finding %d: no %s", i, r.path)
			} else if !isKind(v, r.kind) {
				t.Errorf("finding %d: %s is %T %v", i, r.path, v, v)
			}
		}
		fixed := map[string]float64{"class_uid": 2004, "category_uid": 2, "type_uid": 200401, "activity_id": 1, "status_id": 1}
		for k, want := range fixed {
			if f[k] != want {
				t.Errorf("finding %d: %s = %v, want %v", i, k, f[k], want)
			}
		}
		if f["severity_id"] != wantSeverity[a.Severity] {
			t.Errorf("finding %d: severity %s gives severity_id %v, want %v", i, a.Severity, f["severity_id"], wantSeverity[a.Severity])
		}
		if want := float64(a.Time.UnixMilli()); f["time"] != want {
			t.Errorf("finding %d: time = %v, want %v", i, f["time"], want)
		}
		if uid, _ := get(f, "finding_info.uid"); uid != a.ID {
			t.Errorf("finding %d: finding_info.uid = %v, want the alert id %s", i, uid, a.ID)
		}
		if a.RiskScore > 0 && f["risk_score"] != float64(a.RiskScore) {
			t.Errorf("finding %d: risk_score = %v, want %d", i, f["risk_score"], a.RiskScore)
		}
		if a.RiskScore == 0 && f["risk_score"] != nil {
			t.Errorf("finding %d: risk_score %v without one in the alert", i, f["risk_score"])
		}
		var unmapped map[string]any
		if err := json.Unmarshal(a.AppendJSON(nil), &unmapped); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(unmapped, f["unmapped"]); diff != "" {
			t.Errorf("finding %d: unmapped is not the alert (-alert +unmapped):\n%s", i, diff)
		}
		// Every observable has a type of the schema's enumeration and
		// points at an attribute that holds its value.
		obs, _ := f["observables"].([]any)
		if len(obs) != len(a.Entities) {
			t.Errorf("finding %d: %d observables for %d entities", i, len(obs), len(a.Entities))
		}
		wantType := map[string]float64{"user": 4, "ip": 2}
		for j, o := range obs {
			o := o.(map[string]any)
			e := a.Entities[j]
			want, ok := wantType[e.Type]
			if !ok {
				want = 99
			}
			if o["type_id"] != want || !isKind(o["type"], kString) || o["value"] != e.Value {
				t.Errorf("finding %d: observable %d = %v for entity %s:%s", i, j, o, e.Type, e.Value)
			}
			if v, ok := get(f, o["name"].(string)); !ok || v != e.Value {
				t.Errorf("finding %d: observable %d names %s, which holds %v, not %q", i, j, o["name"], v, e.Value)
			}
		}
	}
	// MITRE: a technique, and a sub-technique under its technique.
	attacks, _ := get(findings[3], "finding_info.attacks")
	wantAttacks := []any{
		map[string]any{"technique": map[string]any{"uid": "T1078"}, "sub_technique": map[string]any{"uid": "T1078.004"}},
		map[string]any{"technique": map[string]any{"uid": "T1550"}, "sub_technique": map[string]any{"uid": "T1550.001"}},
	}
	if diff := cmp.Diff(wantAttacks, attacks); diff != "" {
		t.Errorf("attacks (-want +got):\n%s", diff)
	}
	if attacks, _ := get(findings[0], "finding_info.attacks"); !cmp.Equal(attacks, []any{map[string]any{"technique": map[string]any{"uid": "T1528"}}}) {
		t.Errorf("attacks of T1528 = %v", attacks)
	}
}

func TestSeverityID(t *testing.T) {
	cases := []struct {
		in      string
		id      int
		caption string
	}{
		{"informational", 1, "Informational"}, {"low", 2, "Low"}, {"Medium", 3, "Medium"},
		{"high", 4, "High"}, {"critical", 5, "Critical"}, {"", 0, "Unknown"}, {"unknown", 0, "Unknown"},
		{"severe", 99, "severe"},
	}
	for _, c := range cases {
		if id, caption := SeverityID(c.in); id != c.id || caption != c.caption {
			t.Errorf("SeverityID(%q) = %d, %q, want %d, %q", c.in, id, caption, c.id, c.caption)
		}
	}
}
