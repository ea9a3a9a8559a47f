package spl

import (
	"strconv"
	"strings"

	"vigil/internal/diag"
)

// Parse expands the macro calls of src with macros (nil: no macro is
// defined) and parses the result into a Search. Errors are *diag.Error
// values with Lang "spl", a line:col position relative to src (an error in
// text a macro produced points at the macro call), and Source/Offset set
// for snippets.
func Parse(src string, macros *Macros) (s *Search, err error) {
	if len(src) > MaxSearchBytes {
		return nil, errAt(src, 0, "search is too long: %d bytes (max %d)", len(src), MaxSearchBytes)
	}
	x, err := Expand(src, macros)
	if err != nil {
		return nil, err
	}
	return parseExpanded(x)
}

func parseExpanded(x *Expansion) (s *Search, err error) {
	p := &parser{s: x.Text, x: x}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			s, err = nil, b.err
		}
	}()
	s = &Search{Expansion: x}
	first := true
	for {
		p.ws()
		start := p.i
		if first {
			if p.peek() == '|' {
				p.i++
				first = false
				if p.atEnd() {
					p.expected("command")
				}
				s.Commands = append(s.Commands, p.command(p.i))
			} else if !p.atEnd() {
				if strings.EqualFold(p.peekWord(), "search") {
					s.Commands = append(s.Commands, p.command(start))
				} else {
					s.Commands = append(s.Commands, p.searchCmd(start, ""))
				}
			}
			first = false
		} else if p.peek() == 0 {
			// An empty last command: ESCU's empty filter macros leave `| `
			// at the end of a search.
		} else if p.peek() == '|' {
			p.expected("command")
		} else {
			s.Commands = append(s.Commands, p.command(start))
		}
		if p.peek() == 0 {
			break
		}
		if !p.eat('|') {
			p.expected("'|' or end of search")
		}
	}
	s.Range = diag.Span{Start: 0, End: len(p.s)}
	return s, nil
}

// command parses one command starting with its name.
func (p *parser) command(start int) Command {
	p.ws()
	start = p.i
	name, sp := p.word()
	if name == "" {
		if p.peek() == '[' {
			p.unsupported(p.i, "subsearch")
		}
		p.expected("command")
	}
	switch strings.ToLower(name) {
	case "search":
		return p.searchCmd(start, "search")
	case "where":
		pred := p.expr()
		p.endCommand("where")
		return &Where{Pred: pred, Range: p.span(start)}
	case "eval":
		return p.eval(start)
	case "rename":
		return p.rename(start)
	case "fillnull":
		return p.fillnull(start)
	case "stats", "eventstats":
		return p.stats(start, strings.ToLower(name))
	case "bin", "bucket":
		return p.bin(start, strings.ToLower(name))
	case "table":
		c := &Table{Fields: p.fieldList("table", false)}
		c.Range = p.span(start)
		return c
	case "fields":
		c := &Fields{}
		switch {
		case p.eat('-'):
			c.Remove = true
		case p.eat('+'):
			c.Plus = true
		}
		c.Fields = p.fieldList("fields", false)
		c.Range = p.span(start)
		return c
	case "dedup":
		return p.dedup(start)
	case "rex":
		return p.rex(start)
	case "spath":
		return p.spath(start)
	case "convert":
		return p.convert(start)
	case "sort":
		return p.sort(start)
	case "head":
		c := &Head{N: -1}
		if !p.atEnd() {
			c.N = p.count("head")
		}
		p.endCommand("head")
		c.Range = p.span(start)
		return c
	case "mvexpand":
		c := &Mvexpand{}
		c.Options, c.Field = p.optionsAndField("mvexpand", "limit")
		c.Range = p.span(start)
		return c
	case "makemv":
		c := &Makemv{}
		c.Options, c.Field = p.optionsAndField("makemv", "delim")
		c.Range = p.span(start)
		return c
	case "lookup":
		return p.lookup(start)
	}
	p.unsupported(sp.Start, name)
	return nil
}

func (p *parser) span(start int) diag.Span {
	end := p.i
	for end > start && isSpace(p.s[end-1]) {
		end--
	}
	return diag.Span{Start: start, End: end}
}

// endCommand fails unless the command ends here.
func (p *parser) endCommand(cmd string) {
	if !p.atEnd() {
		p.expected("'|' or end of search")
	}
}

// count reads a non-negative integer argument.
func (p *parser) count(cmd string) int64 {
	w, sp := p.word()
	n, err := strconv.ParseInt(w, 10, 64)
	if w == "" || err != nil || n < 0 {
		p.i = sp.Start
		p.expected("a count for " + cmd)
	}
	return n
}

func (p *parser) searchCmd(start int, kw string) *SearchCmd {
	c := &SearchCmd{Keyword: kw}
	if !p.atEnd() {
		c.Expr = p.searchExpr()
	}
	p.endCommand("search")
	c.Range = p.span(start)
	return c
}

// fieldList reads fields separated by white space or commas up to the end
// of the command (or the keyword stop).
func (p *parser) fieldList(cmd string, allowEmpty bool, stop ...string) []*Field {
	var out []*Field
	for !p.atEnd() {
		for _, s := range stop {
			if p.isKeyword(s) {
				return out
			}
		}
		out = append(out, p.field("field name"))
		p.eat(',')
	}
	if len(out) == 0 && !allowEmpty {
		p.expected("field name")
	}
	return out
}

func (p *parser) eval(start int) *Eval {
	c := &Eval{}
	for {
		p.ws()
		as := p.i
		f := p.field("field name")
		p.expect('=')
		if p.peek() == '=' {
			p.expected("expression")
		}
		v := p.expr()
		c.Assigns = append(c.Assigns, &EvalAssign{Field: f, Value: v, Range: p.span(as)})
		if !p.eat(',') {
			break
		}
	}
	p.endCommand("eval")
	c.Range = p.span(start)
	return c
}

func (p *parser) rename(start int) *Rename {
	c := &Rename{}
	for {
		p.ws()
		ps := p.i
		old := p.field("field name")
		if !p.isKeyword("as") {
			p.expected("'as'")
		}
		p.word()
		nw := p.field("field name after 'as'")
		if strings.Count(old.Name, "*") != strings.Count(nw.Name, "*") {
			p.failf(ps, "rename: wildcards in '%s' and '%s' do not match", old.Name, nw.Name)
		}
		c.Pairs = append(c.Pairs, &RenamePair{Old: old, New: nw, Range: p.span(ps)})
		p.eat(',')
		if p.atEnd() {
			break
		}
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) fillnull(start int) *Fillnull {
	c := &Fillnull{}
	for !p.atEnd() {
		if p.atOption() {
			o := p.option()
			p.checkOption("fillnull", o, "value")
			c.Value = o
			continue
		}
		c.Fields = append(c.Fields, p.field("field name"))
		p.eat(',')
	}
	c.Range = p.span(start)
	return c
}

// statsFuncs are the stats functions vigil implements, with aliases.
var statsFuncs = map[string]string{
	"count": "count", "c": "count", "dc": "dc", "distinct_count": "dc",
	"values": "values", "list": "list", "min": "min", "max": "max", "avg": "avg",
	"mean": "avg", "sum": "sum", "latest": "latest", "earliest": "earliest",
	"first": "first", "last": "last",
}

func (p *parser) stats(start int, kw string) *Stats {
	c := &Stats{Keyword: kw}
	for !p.atEnd() && !p.isKeyword("by") {
		if p.atOption() {
			o := p.option()
			p.unsupported(o.Range.Start, kw+" option '"+o.Key+"'")
		}
		p.ws()
		as := p.i
		name, sp := p.word()
		if name == "" {
			p.expected("aggregation")
		}
		if _, ok := statsFuncs[name]; !ok {
			p.unsupported(sp.Start, kw+" function '"+name+"'")
		}
		a := &Agg{Func: name}
		if p.i < len(p.s) && p.s[p.i] == '(' {
			p.expect('(')
			if w := p.peekWord(); strings.EqualFold(w, "eval") && strings.HasPrefix(p.s[p.i+len(w):], "(") {
				p.unsupported(p.i, kw+" "+name+"(eval(…))")
			}
			a.Arg = p.field("field name")
			p.expect(')')
		} else if name != "count" && name != "c" {
			p.failf(sp.Start, "%s function '%s' needs a field", kw, name)
		}
		if p.isKeyword("as") {
			p.word()
			a.As = p.field("name after 'as'")
		}
		a.Range = p.span(as)
		c.Aggs = append(c.Aggs, a)
		p.eat(',')
	}
	if len(c.Aggs) == 0 {
		p.expected("aggregation")
	}
	if p.isKeyword("by") {
		p.word()
		if p.atEnd() {
			p.expected("field name after 'by'")
		}
		c.By = p.fieldList(kw, false)
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) bin(start int, kw string) *Bin {
	c := &Bin{Keyword: kw}
	for !p.atEnd() {
		if p.atOption() {
			o := p.option()
			p.checkOption(kw, o, "span")
			c.Options = append(c.Options, o)
			continue
		}
		if p.isKeyword("as") && c.Field != nil {
			p.word()
			c.As = p.field("name after 'as'")
			continue
		}
		if c.Field != nil {
			p.expected("'|' or end of search")
		}
		c.Field = p.field("field name")
	}
	if c.Field == nil {
		p.expected("field name")
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) dedup(start int) *Dedup {
	c := &Dedup{N: 1}
	if w := p.peekWord(); w != "" && w[0] >= '0' && w[0] <= '9' && !p.atOption() {
		c.N = p.count("dedup")
		if c.N == 0 {
			p.failf(start, "dedup: count must be at least 1")
		}
	}
	for !p.atEnd() {
		if p.isKeyword("sortby") {
			p.unsupported(p.i, "dedup sortby")
		}
		if p.atOption() {
			o := p.option()
			p.checkOption("dedup", o, "keepempty", "consecutive")
			c.Options = append(c.Options, o)
			continue
		}
		c.Fields = append(c.Fields, p.field("field name"))
		p.eat(',')
	}
	if len(c.Fields) == 0 {
		p.expected("field name")
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) rex(start int) *Rex {
	c := &Rex{}
	for !p.atEnd() {
		if p.atOption() {
			o := p.option()
			p.checkOption("rex", o, "field")
			c.Options = append(c.Options, o)
			continue
		}
		if p.peek() != '"' || c.Regex != "" {
			p.expected("a quoted regular expression")
		}
		c.Regex, _ = p.quoted('"')
	}
	if c.Regex == "" {
		p.expected("a quoted regular expression")
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) spath(start int) *Spath {
	c := &Spath{}
	for !p.atEnd() {
		if p.atOption() {
			o := p.option()
			p.checkOption("spath", o, "input", "output", "path")
			if o.Key == "path" {
				c.Path = o.Value
				continue
			}
			c.Options = append(c.Options, o)
			continue
		}
		if c.Path != "" {
			p.expected("'|' or end of search")
		}
		f := p.field("path")
		c.Path = f.Name
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) convert(start int) *Convert {
	c := &Convert{}
	for !p.atEnd() {
		if p.atOption() {
			o := p.option()
			p.checkOption("convert", o, "timeformat")
			c.Options = append(c.Options, o)
			continue
		}
		p.ws()
		fs := p.i
		name, sp := p.word()
		if name == "" {
			p.expected("conversion function")
		}
		if name != "ctime" {
			p.unsupported(sp.Start, "convert function '"+name+"'")
		}
		p.expect('(')
		f := &ConvertFunc{Func: name, Field: p.field("field name")}
		p.expect(')')
		if p.isKeyword("as") {
			p.word()
			f.As = p.field("name after 'as'")
		}
		f.Range = p.span(fs)
		c.Funcs = append(c.Funcs, f)
		p.eat(',')
	}
	if len(c.Funcs) == 0 {
		p.expected("conversion function")
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) sort(start int) *Sort {
	c := &Sort{Limit: -1}
	if w := p.peekWord(); w != "" && w[0] >= '0' && w[0] <= '9' {
		c.Limit = p.count("sort")
	} else if p.atOption() {
		o := p.option()
		if o.Key != "limit" {
			p.unsupported(o.Range.Start, "sort option '"+o.Key+"'")
		}
		n, err := strconv.ParseInt(o.Value, 10, 64)
		if err != nil || n < 0 {
			p.failf(o.Range.Start, "sort: limit must be a count")
		}
		c.Limit = n
	}
	for !p.atEnd() {
		p.ws()
		ks := p.i
		k := &SortKey{}
		switch p.peek() {
		case '-':
			p.i++
			k.Desc, k.Sign = true, true
		case '+':
			p.i++
			k.Sign = true
		}
		if w := p.peekWord(); (w == "num" || w == "str" || w == "ip" || w == "auto") && strings.HasPrefix(p.s[p.i+len(w):], "(") {
			p.unsupported(p.i, "sort "+w+"(…)")
		}
		k.Field = p.field("field name")
		k.Range = p.span(ks)
		c.Keys = append(c.Keys, k)
		p.eat(',')
	}
	if len(c.Keys) == 0 {
		p.expected("field name")
	}
	c.Range = p.span(start)
	return c
}

func (p *parser) lookup(start int) *Lookup {
	c := &Lookup{}
	for p.atOption() {
		o := p.option()
		p.unsupported(o.Range.Start, "lookup option '"+o.Key+"'")
	}
	t := p.field("lookup name")
	c.Table = t.Name
	list := func() []*LookupField {
		var out []*LookupField
		for !p.atEnd() && !p.isKeyword("OUTPUT") && !p.isKeyword("OUTPUTNEW") {
			p.ws()
			fs := p.i
			f := &LookupField{Field: p.field("field name")}
			if p.isKeyword("as") {
				p.word()
				f.As = p.field("name after 'as'")
			}
			f.Range = p.span(fs)
			out = append(out, f)
			p.eat(',')
		}
		return out
	}
	c.Keys = list()
	if len(c.Keys) == 0 {
		p.expected("lookup field")
	}
	if !p.atEnd() {
		w, _ := p.word()
		c.Output = strings.ToUpper(w)
		c.Outputs = list()
		if len(c.Outputs) == 0 {
			p.expected("output field")
		}
	}
	c.Range = p.span(start)
	return c
}

// optionsAndField parses the arguments of a command that takes options and
// one field, in any order (mvexpand, makemv).
func (p *parser) optionsAndField(cmd string, allowed ...string) (opts []*Option, field *Field) {
	for !p.atEnd() {
		if p.atOption() {
			o := p.option()
			p.checkOption(cmd, o, allowed...)
			opts = append(opts, o)
			continue
		}
		if field != nil {
			p.expected("'|' or end of search")
		}
		field = p.field("field name")
	}
	if field == nil {
		p.expected("field name")
	}
	return opts, field
}
