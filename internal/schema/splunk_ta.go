package schema

import (
	_ "embed"
	"fmt"
	"strings"
)

// The search-time fields the Splunk Add-on for Microsoft Cloud Services
// computes for azure:monitor:aad events are data, not code: a newer add-on
// defines them differently (SEMANTICS.md §A.4, §E.2), and its table replaces
// this one (SplunkOptions.TAFields, ParseTAFields).
//
//go:embed splunk_aad_ta.txt
var defaultAADFields string

// TAField is one search-time field of an add-on: its name and how it is
// computed from the event's raw (flattened, un-renamed) fields.
type TAField struct {
	Name string
	Expr TAExpr
}

// TAExpr is the definition of a TAField. The forms, one per line of a field
// table (NAME = EXPR):
//
//	field                          an alias: the field's values
//	"text"                         a constant
//	coalesce(a, b, …)              the first argument with a value
//	nonempty(a, b, …)              the first argument with a non-empty value
//	ifnull(x, a, b)                a when x has no value, else b
//	ifeq(x, "v", a, b)             a when x's value is v (exactly), else b
//	map(x, "k1", a1, "k2", a2, …)  the a of the first k equal to x's value;
//	                               no value when none is
//
// Arguments are field names or quoted constants, or nested forms. An add-on
// field is a single value (a string column): an alias of a multivalue field
// takes its first value.
type TAExpr struct {
	Func  string   // "" for a field or constant, else the form's name
	Field string   // the field of an alias
	Const *string  // the constant
	Args  []TAExpr // the arguments of a form
}

// ParseTAFields reads a field table: one "NAME = EXPR" per line, blank lines
// and lines starting with # ignored. Errors name the line.
func ParseTAFields(text string) ([]TAField, error) {
	var out []TAField
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, def, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\"") {
			return nil, fmt.Errorf("line %d: want NAME = EXPR", i+1)
		}
		p := &taParser{s: strings.TrimSpace(def)}
		e, err := p.expr()
		if err == nil && p.s != "" {
			err = fmt.Errorf("unexpected %q", p.s)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %v", i+1, name, err)
		}
		out = append(out, TAField{Name: name, Expr: e})
	}
	return out, nil
}

// taArity is the number of arguments of each form (-1: one or more).
var taArity = map[string]int{"coalesce": -1, "nonempty": -1, "ifnull": 3, "ifeq": 4, "map": -1}

type taParser struct{ s string }

func (p *taParser) expr() (TAExpr, error) {
	p.s = strings.TrimLeft(p.s, " \t")
	if p.s == "" {
		return TAExpr{}, fmt.Errorf("missing expression")
	}
	if p.s[0] == '"' {
		end := strings.IndexByte(p.s[1:], '"')
		if end < 0 {
			return TAExpr{}, fmt.Errorf("unterminated string")
		}
		c := p.s[1 : end+1]
		p.s = strings.TrimLeft(p.s[end+2:], " \t")
		return TAExpr{Const: &c}, nil
	}
	i := strings.IndexAny(p.s, "(), \t")
	if i < 0 {
		i = len(p.s)
	}
	word := p.s[:i]
	if word == "" {
		return TAExpr{}, fmt.Errorf("unexpected %q", p.s[:1])
	}
	p.s = strings.TrimLeft(p.s[i:], " \t")
	if !strings.HasPrefix(p.s, "(") {
		return TAExpr{Field: word}, nil
	}
	arity, ok := taArity[word]
	if !ok {
		return TAExpr{}, fmt.Errorf("unknown form %s", word)
	}
	p.s = p.s[1:]
	e := TAExpr{Func: word}
	for {
		a, err := p.expr()
		if err != nil {
			return TAExpr{}, err
		}
		e.Args = append(e.Args, a)
		if strings.HasPrefix(p.s, ",") {
			p.s = p.s[1:]
			continue
		}
		if strings.HasPrefix(p.s, ")") {
			p.s = strings.TrimLeft(p.s[1:], " \t")
			break
		}
		return TAExpr{}, fmt.Errorf("want , or ) in %s(…)", word)
	}
	if arity > 0 && len(e.Args) != arity {
		return TAExpr{}, fmt.Errorf("%s takes %d arguments, got %d", word, arity, len(e.Args))
	}
	if word == "map" && len(e.Args)%2 != 1 {
		return TAExpr{}, fmt.Errorf("map takes a field and pairs of key and value")
	}
	return e, nil
}

// taValues is what a TAExpr reads: a field's values (nil when it has none).
type taValues func(field string) []string

// fields calls fn with every field the expression reads.
func (e TAExpr) fields(fn func(string)) {
	if e.Func == "" && e.Const == nil {
		fn(e.Field)
	}
	for _, a := range e.Args {
		a.fields(fn)
	}
}

// eval computes the expression; nil means no value.
func (e TAExpr) eval(get taValues) []string {
	switch e.Func {
	case "":
		if e.Const != nil {
			return []string{*e.Const}
		}
		return get(e.Field)
	case "coalesce":
		for _, a := range e.Args {
			if v := a.eval(get); v != nil {
				return v
			}
		}
		return nil
	case "nonempty":
		for _, a := range e.Args {
			if v := a.eval(get); len(v) > 0 && !(len(v) == 1 && v[0] == "") {
				return v
			}
		}
		return nil
	case "ifnull":
		if e.Args[0].eval(get) == nil {
			return e.Args[1].eval(get)
		}
		return e.Args[2].eval(get)
	case "ifeq":
		x, v := e.Args[0].eval(get), e.Args[1].eval(get)
		if len(x) == 1 && len(v) == 1 && x[0] == v[0] {
			return e.Args[2].eval(get)
		}
		return e.Args[3].eval(get)
	case "map":
		x := e.Args[0].eval(get)
		if len(x) != 1 {
			return nil
		}
		for i := 1; i+1 < len(e.Args); i += 2 {
			if k := e.Args[i].eval(get); len(k) == 1 && k[0] == x[0] {
				return e.Args[i+1].eval(get)
			}
		}
	}
	return nil
}

// DefaultAADFields returns the add-on fields of azure:monitor:aad sign-in
// events as vigil pins them (Splunk Add-on for Microsoft Cloud Services
// 5.0.0, SEMANTICS.md §A.4).
func DefaultAADFields() []TAField {
	fs, err := ParseTAFields(defaultAADFields)
	if err != nil {
		// The embedded table is tested; this cannot happen in a build
		// that passed its tests.
		return nil
	}
	return fs
}
