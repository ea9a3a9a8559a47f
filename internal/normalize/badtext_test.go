package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
)

// TestBadText: a value holding bytes that are not UTF-8 (or an escaped lone
// surrogate) is read as it is, and reported as a problem of its member, at
// its path and offset, saying what JSON output writes instead.
func TestBadText(t *testing.T) {
	graph := func(n *Normalizer, data []byte) error {
		var ev event.SignIn
		return n.Graph(data, &ev)
	}
	azmon := func(n *Normalizer, data []byte) error {
		var ev event.SignIn
		var row event.Row
		_, err := n.AzureMonitor(data, &ev, &row)
		return err
	}
	la := func(n *Normalizer, data []byte) error {
		var ev event.SignIn
		var row event.Row
		_, err := n.LogAnalytics(data, "", &ev, &row)
		return err
	}
	elastic := func(n *Normalizer, data []byte) error {
		var ev event.SignIn
		var row event.Row
		_, err := n.Elastic(data, &ev, &row)
		return err
	}
	const utf8Msg = "invalid UTF-8: byte \\xff is not text; JSON output writes each as U+FFFD"
	tests := []struct {
		name   string
		decode func(*Normalizer, []byte) error
		in     string
		want   []string
	}{
		{"graph string", graph, "{\"id\":\"a\",\"userDisplayName\":\"Jo\xffe\"}",
			[]string{"userDisplayName: " + utf8Msg}},
		{"graph nested", graph, "{\"id\":\"a\",\"deviceDetail\":{\"browser\":\"Edge \xc3\x28\"}}",
			[]string{"deviceDetail.browser: invalid UTF-8: byte \\xc3 is not text; JSON output writes each as U+FFFD"}},
		{"graph several", graph, "{\"id\":\"a\",\"userDisplayName\":\"\xff\xfe\xfd\",\"appDisplayName\":\"ok\"}",
			[]string{"userDisplayName: invalid UTF-8: 3 bytes (\\xff\\xfe\\xfd) are not text; JSON output writes each as U+FFFD"}},
		{"graph escaped lone surrogate", graph, `{"id":"a","userDisplayName":"a\ud800b"}`,
			[]string{"userDisplayName: a \\u escape holds half a UTF-16 surrogate pair, read as U+FFFD"}},
		{"graph escaped pair is text", graph, `{"id":"a","userDisplayName":"a\ud83d\ude00b"}`, nil},
		{"graph unknown member key", graph, "{\"id\":\"a\",\"x\xff\":1}",
			[]string{"x\uFFFD: " + utf8Msg}},
		{"graph unknown member value", graph, "{\"id\":\"a\",\"custom\":[\"\xff\"]}",
			[]string{"custom: " + utf8Msg}},
		{"graph JSON column", graph, "{\"id\":\"a\",\"appliedConditionalAccessPolicies\":[{\"displayName\":\"\xff\"}]}",
			[]string{"appliedConditionalAccessPolicies: " + utf8Msg}},
		{"azure monitor", azmon, "{\"category\":\"SignInLogs\",\"properties\":{\"userAgent\":\"\xff\"}}",
			[]string{"properties.userAgent: " + utf8Msg}},
		{"azure monitor row", azmon, "{\"category\":\"AuditLogs\",\"properties\":{\"a\":\"\xff\"}}",
			[]string{"properties: " + utf8Msg}},
		{"log analytics", la, "{\"Type\":\"SigninLogs\",\"UserAgent\":\"\xff\"}",
			[]string{"UserAgent: " + utf8Msg}},
		{"log analytics type", la, "{\"Type\":\"Sign\xff\"}",
			[]string{"Type: " + utf8Msg}},
		{"elastic", elastic, "{\"event\":{\"dataset\":\"azure.signinlogs\"},\"azure\":{\"signinlogs\":{\"properties\":{\"user_display_name\":\"\xff\"}}}}",
			[]string{"azure.signinlogs.properties.user_display_name: " + utf8Msg}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NewNormalizer()
			if err := tt.decode(n, []byte(tt.in)); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range n.Problems() {
				if p.Kind != ProblemText {
					continue
				}
				got = append(got, p.Error())
				if want := firstBad(tt.in); p.Offset != want {
					t.Errorf("%s: at offset %d, want %d (the first bad byte or escape)", p.Error(), p.Offset, want)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// firstBad is the offset of the first byte of s that is not UTF-8, or of
// the first \ud800 escape.
func firstBad(s string) int {
	if i := strings.Index(s, `\ud800`); i >= 0 {
		return i
	}
	for i, r := range s {
		if r == utf8.RuneError {
			return i
		}
	}
	return -1
}

// TestBadTextCSV: a CSV cell that is not UTF-8, in a sign-in row and in a
// row of another table.
func TestBadTextCSV(t *testing.T) {
	for _, tt := range []struct {
		typ  string
		want string
	}{
		{"SigninLogs", "UserAgent: invalid UTF-8: byte \\xff is not text; JSON output writes each as U+FFFD"},
		{"IdentityInfo", "UserAgent: invalid UTF-8: byte \\xff is not text; JSON output writes each as U+FFFD"},
	} {
		n := NewNormalizer()
		var ev event.SignIn
		var row event.Row
		if _, err := n.LogAnalyticsCSV([]string{"Type", "UserAgent"}, []string{tt.typ, "a\xffb"}, "", &ev, &row); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range n.Problems() {
			got = append(got, p.Error())
		}
		if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", tt.typ, diff)
		}
	}
}
