package kql

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLex(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // tokens joined by " · ", EOF omitted
		wantErr string
	}{
		{name: "idents and ops", in: "a==b != c =~ d !~ e", want: "Ident a · Op == · Ident b · Op != · Ident c · Op =~ · Ident d · Op !~ · Ident e"},
		{name: "comparison", in: "a<b<=c>d>=e<>f", want: "Ident a · Op < · Ident b · Op <= · Ident c · Op > · Ident d · Op >= · Ident e · Op <> · Ident f"},
		{name: "punctuation", in: "|;,.[](){}=:+-*/%", want: "Op | · Op ; · Op , · Op . · Op [ · Op ] · Op ( · Op ) · Op { · Op } · Op = · Op : · Op + · Op - · Op * · Op / · Op %"},
		{name: "dollar idents", in: "$left.A == $right.B", want: "Ident $left · Op . · Ident A · Op == · Ident $right · Op . · Ident B"},
		{name: "bang operators", in: "!has !contains !in~ !in !startswith !between !has_cs", want: "Op !has · Op !contains · Op !in~ · Op !in · Op !startswith · Op !between · Op !has_cs"},
		{name: "in tilde", in: "x in~ (1)", want: "Ident x · Op in~ · Op ( · Long 1 · Op )"},
		{name: "word operators stay idents", in: "has_any has_all contains matches regex", want: "Ident has_any · Ident has_all · Ident contains · Ident matches · Ident regex"},
		{name: "dashed after pipe", in: "T | project-away a | mv-expand b", want: "Ident T · Op | · Ident project-away · Ident a · Op | · Ident mv-expand · Ident b"},
		{name: "dash elsewhere is minus", in: "project-away", want: "Ident project · Op - · Ident away"},
		{name: "unknown dashed is minus", in: "| a-b", want: "Op | · Ident a · Op - · Ident b"},
		{name: "strings", in: `"a\"b" 'c\'d' "\n\t\\" '\u0041'`, want: `String "a\"b" · String "c'd" · String "\n\t\\" · String "A"`},
		{name: "verbatim strings", in: `@"C:\dir" @'x''y'`, want: `String "C:\\dir" · String "x'y"`},
		{name: "obfuscated strings", in: `h"secret" H'x' h@"a\b"`, want: `String "secret" · String "x" · String "a\\b"`},
		{name: "multi-line string", in: "```a\nb```", want: `String "a\nb"`},
		{name: "numbers", in: "500121 1.5 1e3 2.5E-2 0x1F", want: "Long 500121 · Real 1.5 · Real 1e3 · Real 2.5E-2 · Long 0x1F"},
		{name: "timespans", in: "1h 5m 30s 1d 100ms 1.5h 10tick 2days 3microseconds", want: "Timespan 1h · Timespan 5m · Timespan 30s · Timespan 1d · Timespan 100ms · Timespan 1.5h · Timespan 10tick · Timespan 2days · Timespan 3microseconds"},
		{name: "range dots", in: "1..5", want: "Long 1 · Op .. · Long 5"},
		{name: "typed literals", in: "datetime(2024-01-01 10:00) timespan(1.02:00:00) long(null) guid( 00000000-0000-0000-0000-000000000000 )", want: "Typed datetime(2024-01-01 10:00) · Typed timespan(1.02:00:00) · Typed long(null) · Typed guid(00000000-0000-0000-0000-000000000000)"},
		{name: "type name without paren", in: "(t:datetime)", want: "Op ( · Ident t · Op : · Ident datetime · Op )"},
		{name: "comments", in: "a // comment\n// more\nb", want: "Ident a · Ident b"},
		{name: "unicode ident", in: "Zürich", want: "Ident Zürich"},
		{name: "unterminated string", in: `x == "abc`, wantErr: `1:6: kql: unterminated string literal`},
		{name: "newline in string", in: "\"ab\ncd\"", wantErr: `1:1: kql: unterminated string literal`},
		{name: "bad escape", in: `"a\qb"`, wantErr: `1:3: kql: invalid escape sequence '\q'`},
		{name: "unknown bang", in: "a !foo b", wantErr: `1:3: kql: unknown operator '!foo'`},
		{name: "lone bang", in: "a ! b", wantErr: `1:3: kql: unexpected character '!'`},
		{name: "bad character", in: "a\n  # b", wantErr: `2:3: kql: unexpected character '#'`},
		{name: "bad unit", in: "5parsecs", wantErr: `1:1: kql: unknown timespan unit 'parsecs' in '5parsecs'`},
		{name: "huge integer", in: "99999999999999999999", wantErr: `1:1: kql: integer literal out of range: 99999999999999999999`},
		{name: "huge real", in: "1e700", wantErr: `1:1: kql: real literal out of range: 1e700`},
		{name: "unterminated typed literal", in: "datetime(2024-01-01", wantErr: `1:1: kql: unterminated datetime literal`},
		{name: "unterminated multi-line string", in: "```abc", wantErr: `1:1: kql: unterminated string literal`},
		{name: "invalid utf8", in: "a \xff", wantErr: `1:3: kql: invalid UTF-8 encoding`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := lex(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("lex(%q) succeeded, want error %q", tt.in, tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Fatalf("lex(%q) error:\n got %q\nwant %q", tt.in, err.Error(), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("lex(%q): %v", tt.in, err)
			}
			var got []string
			for _, tok := range toks {
				if tok.kind == tEOF {
					continue
				}
				s := tok.kind.String() + " " + tok.text
				switch tok.kind {
				case tString:
					s = tok.String()
				case tTyped:
					s = tok.String()
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tt.want, strings.Join(got, " · ")); diff != "" {
				t.Errorf("lex(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestLexValues(t *testing.T) {
	toks, err := lex("1.5h 100ms 0.00000001s 1e3 0x10")
	if err != nil {
		t.Fatal(err)
	}
	if got := toks[0].dur().String(); got != "1h30m0s" {
		t.Errorf("1.5h = %s", got)
	}
	if got := toks[1].dur().String(); got != "100ms" {
		t.Errorf("100ms = %s", got)
	}
	if got := toks[2].dur(); got != 0 {
		t.Errorf("0.00000001s = %v, want 0 (below one tick)", got)
	}
	if toks[3].real() != 1000 || toks[4].long() != 16 {
		t.Errorf("1e3 = %v, 0x10 = %v", toks[3].real(), toks[4].long())
	}
}

func TestLexSpans(t *testing.T) {
	toks, err := lex(`T | where x !has "a"`)
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]int
	for _, tok := range toks {
		got = append(got, [2]int{tok.start, tok.end})
	}
	want := [][2]int{{0, 1}, {2, 3}, {4, 9}, {10, 11}, {12, 16}, {17, 20}, {20, 20}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}
