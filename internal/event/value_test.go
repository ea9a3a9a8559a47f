package event

import (
	"math"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestValueSize(t *testing.T) {
	if got := unsafe.Sizeof(Value{}); got > 40 {
		t.Errorf("Value is %d bytes, want at most 40 (hot path)", got)
	}
}

func TestValueAccessors(t *testing.T) {
	tm := time.Date(2024, 5, 1, 10, 30, 0, 123456700, time.UTC)
	tests := []struct {
		name string
		v    Value
		kind Kind
		text string
	}{
		{"null", Null, KindNull, ""},
		{"zero value is null", Value{}, KindNull, ""},
		{"bool", Bool(true), KindBool, "true"},
		{"long", Long(-42), KindLong, "-42"},
		{"real", Real(2.5), KindReal, "2.5"},
		{"real integral", Real(3), KindReal, "3"},
		{"real NaN", Real(math.NaN()), KindReal, "NaN"},
		{"string", String("héllo"), KindString, "héllo"},
		{"datetime", Datetime(tm), KindDatetime, "2024-05-01T10:30:00.1234567Z"},
		{"datetime whole second", Datetime(tm.Truncate(time.Second)), KindDatetime, "2024-05-01T10:30:00Z"},
		{"datetime other zone", Datetime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 7200))), KindDatetime, "2024-05-01T10:00:00Z"},
		{"timespan", Timespan(90 * time.Minute), KindTimespan, "01:30:00"},
		{"timespan days and fraction", Timespan(50*time.Hour + 1500*time.Millisecond), KindTimespan, "2.02:00:01.5000000"},
		{"negative timespan", Timespan(-time.Minute), KindTimespan, "-00:01:00"},
		{"array", Array(Long(1), String("a"), Null), KindArray, `[1,"a",null]`},
		{"empty array", Array(), KindArray, `[]`},
		{"object", Object(Member{"b", Long(1)}, Member{"a", Bool(false)}), KindObject, `{"b":1,"a":false}`},
		{"object repeated key", Object(Member{"a", Long(1)}, Member{"b", Long(2)}, Member{"a", Long(3)}), KindObject, `{"a":3,"b":2}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.v.Kind() != tc.kind {
				t.Errorf("Kind() = %v, want %v", tc.v.Kind(), tc.kind)
			}
			if got := tc.v.Text(); got != tc.text {
				t.Errorf("Text() = %q, want %q", got, tc.text)
			}
		})
	}
	if Long(7).AsLong() != 7 || Real(2.5).AsReal() != 2.5 || !Bool(true).AsBool() || String("x").Str() != "x" {
		t.Error("scalar accessors")
	}
	if !Datetime(tm).Time().Equal(tm) || Timespan(time.Hour).Duration() != time.Hour {
		t.Error("time accessors")
	}
	if Long(7).Str() != "" || String("7").AsLong() != 0 || Null.Len() != 0 || !Null.Elem(0).IsNull() {
		t.Error("accessors on the wrong kind must give zero values")
	}
	obj := Object(Member{"k", String("v")})
	if v, ok := obj.Get("k"); !ok || v.Str() != "v" {
		t.Error("Get(k)")
	}
	if _, ok := obj.Get("K"); ok {
		t.Error("Get is case-sensitive")
	}
	if obj.Key(0) != "k" || obj.Key(1) != "" || Array(Long(1)).Key(0) != "" {
		t.Error("Key")
	}
	if Datetime(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)).Time().Year() != 1677 {
		t.Error("datetimes before 1678 clamp to the minimum")
	}
}

func TestValueEqualCompare(t *testing.T) {
	tests := []struct {
		a, b  Value
		equal bool
		cmp   int
	}{
		{Null, Null, true, 0},
		{Null, Long(0), false, -1},
		{Long(1), Long(2), false, -1},
		{Long(2), Real(2), false, 0},         // numerically equal, different kinds
		{Real(1.5), Long(1), false, 1},       // numbers compare across kinds
		{String("a"), String("B"), false, 1}, // bytes: 'a' > 'B'
		{String("a"), String("a"), true, 0},
		{Bool(false), Bool(true), false, -1},
		{Long(1), String("1"), false, -1}, // kinds order: numbers before strings
		{Datetime(time.Unix(0, 0)), Datetime(time.Unix(1, 0)), false, -1},
		{Array(Long(1), Long(2)), Array(Long(1), Long(2)), true, 0},
		{Array(Long(1)), Array(Long(1), Long(2)), false, -1},
		{Object(Member{"a", Long(1)}), Object(Member{"a", Long(1)}), true, 0},
		{Object(Member{"a", Long(1)}), Object(Member{"b", Long(1)}), false, -1},
		{Real(math.NaN()), Real(math.NaN()), true, 0},
		{Real(math.NaN()), Real(0), false, -1},
	}
	for _, tc := range tests {
		if got := Equal(tc.a, tc.b); got != tc.equal {
			t.Errorf("Equal(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.equal)
		}
		if got := Compare(tc.a, tc.b); got != tc.cmp {
			t.Errorf("Compare(%v, %v) = %d, want %d", tc.a, tc.b, got, tc.cmp)
		}
		if got := Compare(tc.b, tc.a); got != -tc.cmp {
			t.Errorf("Compare(%v, %v) = %d, want %d", tc.b, tc.a, got, -tc.cmp)
		}
		ka, kb := string(AppendKey(nil, tc.a)), string(AppendKey(nil, tc.b))
		if (ka == kb) != tc.equal {
			t.Errorf("AppendKey(%v) == AppendKey(%v) is %v, want %v", tc.a, tc.b, ka == kb, tc.equal)
		}
	}
	// Keys of composite values must not collide through concatenation.
	k1 := string(AppendKey(AppendKey(nil, String("ab")), String("c")))
	k2 := string(AppendKey(AppendKey(nil, String("a")), String("bc")))
	if k1 == k2 {
		t.Error("AppendKey sequences collide")
	}
}

func TestValueAppendJSON(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Null, `null`},
		{Bool(false), `false`},
		{Long(-3), `-3`},
		{Real(2), `2.0`},
		{Real(0.1), `0.1`},
		{Real(1e300), `1e+300`},
		{Real(math.Inf(1)), `null`},
		{String("a\"b\\c\n\t\x01é"), `"a\"b\\c\n\t\u0001é"`},
		{String("bad \xff utf8"), `"bad � utf8"`},
		{Datetime(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)), `"2024-05-01T00:00:00Z"`},
		{Timespan(time.Hour), `"01:00:00"`},
		{Object(Member{"z", Array(Long(1), Object())}, Member{"a", Null}), `{"z":[1,{}],"a":null}`},
	}
	for _, tc := range tests {
		if got := string(tc.v.AppendJSON(nil)); got != tc.want {
			t.Errorf("AppendJSON(%v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

func TestValueParseJSON(t *testing.T) {
	tests := []struct {
		in, want string // want: AppendJSON of the result
	}{
		{`{"b":1,"a":[true,false,null],"c":{"d":"x"}}`, `{"b":1,"a":[true,false,null],"c":{"d":"x"}}`},
		{` [1, -2.5e3, 9223372036854775807, 9223372036854775808] `, `[1,-2500.0,9223372036854775807,9223372036854775808.0]`},
		{`"MFA denied; user declined the authentication"`, `"MFA denied; user declined the authentication"`},
		{`"esc \"q\" \\ \/ \u00e9 \ud83d\ude00 \n"`, `"esc \"q\" \\ / é 😀 \n"`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{`{}`, `{}`},
		{`[]`, `[]`},
		{`0`, `0`},
		{`"2024-05-01T00:00:00Z"`, `"2024-05-01T00:00:00Z"`},
	}
	for _, tc := range tests {
		v, err := ParseJSON(tc.in)
		if err != nil {
			t.Errorf("ParseJSON(%s): %v", tc.in, err)
			continue
		}
		if got := string(v.AppendJSON(nil)); got != tc.want {
			t.Errorf("ParseJSON(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if v, _ := ParseJSON(`"2024-05-01T00:00:00Z"`); v.Kind() != KindString {
		t.Error("JSON strings stay strings")
	}
	if v, _ := ParseJSON(`1.0`); v.Kind() != KindReal {
		t.Error("1.0 is a real")
	}
}

func TestValueParseJSONErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{``, "json: offset 0: unexpected end of JSON"},
		{`{"a":1,}`, "json: offset 7: expected object key"},
		{`[1 2]`, "json: offset 3: expected ',' or ']' in array"},
		{`{"a" 1}`, "json: offset 5: expected ':' after object key"},
		{`"abc`, "json: offset 4: unterminated string"},
		{`tru`, "json: offset 0: unexpected 't'"},
		{`1 2`, "json: offset 2: unexpected '2' after JSON value"},
		{`-`, "json: offset 1: bad number"},
		{`"a\x"`, `json: offset 4: bad escape \x`},
		{"\"a\x01\"", "json: offset 2: control character in string"},
		{strings.Repeat("[", 300), "json: offset 256: nesting deeper than 256"},
	}
	for _, tc := range tests {
		_, err := ParseJSON(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseJSON(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestValueString(t *testing.T) {
	got := []string{
		Null.String(), String("a").String(), Long(1).String(),
		Datetime(time.Unix(0, 0)).String(), Timespan(time.Second).String(), Array(String("x")).String(),
	}
	want := []string{`null`, `"a"`, `1`, `datetime(1970-01-01T00:00:00Z)`, `timespan(00:00:01)`, `dynamic(["x"])`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
	if k, ok := ParseKind("datetime"); !ok || k != KindDatetime || k.String() != "datetime" {
		t.Error("ParseKind")
	}
}

func FuzzValueParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x",null,true]}`, `"\u00e9"`, `[]`, `-0.5e-3`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseJSON(s)
		if err != nil {
			return
		}
		// What we render, we read back to the same value.
		out := string(v.AppendJSON(nil))
		w, err := ParseJSON(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if got := string(w.AppendJSON(nil)); got != out {
			t.Fatalf("round trip %s -> %s", out, got)
		}
	})
}
