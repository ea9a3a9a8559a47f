package kql

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The printer renders nodes in canonical KQL: one space around binary
// operators, `, ` between list items, double-quoted strings, timespans in
// their largest exact unit, and the top-level pipeline one operator per line.
// Parsing the output yields the same tree (spans aside); print_test.go checks
// this for every test query.

// precUnary and precPostfix extend the binary precedences for printing.
const (
	precPipe    = 0
	precUnary   = precMul + 1
	precPostfix = precMul + 2
)

// reservedNames are identifiers that must be bracketed when printed because
// the parser gives them a meaning in some position where a name may appear.
var reservedNames = map[string]bool{
	"and": true, "or": true, "by": true, "on": true, "let": true, "true": true, "false": true,
	"union": true, "datatable": true, "externaldata": true, "range": true, "print": true,
	"search": true, "find": true, "set": true, "declare": true, "alias": true,
	"restrict": true, "pattern": true, "evaluate": true, "kind": true, "isfuzzy": true,
	"withsource": true, "hint": true, "bagexpansion": true, "with_itemindex": true,
	"to": true, "limit": true, "asc": true, "desc": true, "nulls": true, "view": true,
}

type printer struct {
	b      strings.Builder
	indent string // prefix of continuation lines of a multi-line pipeline
}

func render(n Node) string {
	var pr printer
	pr.node(n, true)
	return pr.b.String()
}

func (pr *printer) str(s string) { pr.b.WriteString(s) }

// node prints n; top says whether a pipeline is printed one operator per line.
func (pr *printer) node(n Node, top bool) {
	switch n := n.(type) {
	case *Query:
		for _, l := range n.Lets {
			pr.node(l, top)
			if top {
				pr.str(";\n")
			} else {
				pr.str("; ")
			}
		}
		pr.node(n.Body, top)
	case *Let:
		pr.str("let ")
		pr.ident(n.Name.Name)
		pr.str(" = ")
		outer := pr.indent
		if _, ok := n.Value.(*Pipe); ok && top {
			pr.indent += "    " // continuation lines of the value
		}
		pr.node(n.Value, top)
		pr.indent = outer
	case *FuncDef:
		pr.str("(")
		for i, prm := range n.Params {
			pr.sep(i)
			pr.node(prm, false)
		}
		_, pipe := n.Body.Body.(*Pipe)
		if !top || (!pipe && len(n.Body.Lets) == 0) {
			pr.str(") { ")
			pr.node(n.Body, false)
			pr.str(" }")
			return
		}
		pr.str(") {")
		outer := pr.indent
		pr.indent += "    "
		for _, l := range n.Body.Lets {
			pr.str("\n" + pr.indent)
			pr.node(l, true)
			pr.str(";")
		}
		pr.str("\n" + pr.indent)
		pr.node(n.Body.Body, true)
		pr.indent = outer
		pr.str("\n" + outer + "}")
	case *Param:
		pr.ident(n.Name.Name)
		pr.str(":")
		pr.node(n.Type, false)
		if n.Default != nil {
			pr.str(" = ")
			pr.expr(n.Default, precOr)
		}
	case *TypeRef:
		if !n.Tabular {
			pr.str(n.Name)
			return
		}
		pr.str("(")
		for i, c := range n.Columns {
			pr.sep(i)
			pr.node(c, false)
		}
		if n.Star {
			pr.sep(len(n.Columns))
			pr.str("*")
		}
		pr.str(")")
	case *Pipe:
		if n.Source != nil {
			pr.expr(n.Source, precOr)
		}
		for i, op := range n.Ops {
			switch {
			case i == 0 && n.Source == nil:
			case top:
				pr.str("\n" + pr.indent + "| ")
			default:
				pr.str(" | ")
			}
			pr.node(op, top)
		}
	case Expr:
		pr.expr(n, precPipe)
	case *Assign:
		if n.Name != nil {
			pr.ident(n.Name.Name)
			pr.str(" = ")
		}
		pr.expr(n.Value, precOr)
	case *OpParam:
		pr.str(" " + n.Name + "=")
		pr.expr(n.Value, precOr)
	case *SortKey:
		pr.expr(n.X, precOr)
		if n.Order != "" {
			pr.str(" " + n.Order)
		}
		if n.Nulls != "" {
			pr.str(" nulls " + n.Nulls)
		}
	case *MvExpandItem:
		if n.Name != nil {
			pr.ident(n.Name.Name)
			pr.str(" = ")
		}
		pr.expr(n.Value, precOr)
		if n.ToType != "" {
			pr.str(" to typeof(" + n.ToType + ")")
		}
	default:
		pr.operator(n, top)
	}
}

// block prints the inside of parentheses: a multi-line pipeline indented
// one level when top is set, else e on one line.
func (pr *printer) block(e Expr, top bool) {
	p, ok := e.(*Pipe)
	if !top || !ok {
		pr.expr(e, precPipe)
		return
	}
	outer := pr.indent
	pr.indent += "    "
	pr.str("\n" + pr.indent)
	pr.node(p, true)
	pr.indent = outer
	pr.str("\n" + outer)
}

func (pr *printer) sep(i int) {
	if i > 0 {
		pr.str(", ")
	}
}

func (pr *printer) assigns(list []*Assign) {
	for i, a := range list {
		pr.sep(i)
		pr.node(a, false)
	}
}

func (pr *printer) patterns(list []*Pattern) {
	for i, c := range list {
		pr.sep(i)
		pr.expr(c, precOr)
	}
}

func (pr *printer) params(list []*OpParam) {
	for _, prm := range list {
		pr.node(prm, false)
	}
}

// operator prints a tabular operator; top says whether a nested pipeline
// (a join's right side, a union leg) may span lines.
func (pr *printer) operator(n Node, top bool) {
	switch n := n.(type) {
	case *Where:
		pr.str(n.Keyword + " ")
		pr.expr(n.Pred, precOr)
	case *Extend:
		pr.str("extend ")
		pr.assigns(n.Cols)
	case *Project:
		pr.str("project ")
		pr.assigns(n.Cols)
	case *ProjectAway:
		pr.str("project-away ")
		pr.patterns(n.Cols)
	case *ProjectKeep:
		pr.str("project-keep ")
		pr.patterns(n.Cols)
	case *ProjectReorder:
		pr.str("project-reorder ")
		pr.patterns(n.Cols)
	case *ProjectRename:
		pr.str("project-rename ")
		pr.assigns(n.Cols)
	case *Summarize:
		pr.str("summarize")
		pr.params(n.Params)
		if len(n.Aggs) > 0 {
			pr.str(" ")
			pr.assigns(n.Aggs)
		}
		if len(n.By) > 0 {
			pr.str(" by ")
			pr.assigns(n.By)
		}
	case *Join:
		pr.str("join")
		pr.params(n.Params)
		pr.str(" (")
		pr.block(n.Right, top)
		pr.str(") on ")
		for i, c := range n.On {
			pr.sep(i)
			pr.expr(c, precOr)
		}
	case *Union:
		pr.str("union")
		pr.params(n.Params)
		pr.str(" ")
		for i, leg := range n.Legs {
			pr.sep(i)
			if _, ok := leg.(*Pipe); ok {
				pr.str("(")
				pr.block(leg, top)
				pr.str(")")
				continue
			}
			pr.expr(leg, precUnary)
		}
	case *MvExpand:
		pr.str(n.Keyword)
		pr.params(n.Params)
		pr.str(" ")
		for i, it := range n.Items {
			pr.sep(i)
			pr.node(it, false)
		}
		if n.Limit != nil {
			pr.str(" limit ")
			pr.expr(n.Limit, precOr)
		}
	case *Sort:
		pr.str(n.Keyword + " by ")
		for i, k := range n.Keys {
			pr.sep(i)
			pr.node(k, false)
		}
	case *Top:
		pr.str("top ")
		pr.expr(n.N, precOr)
		pr.str(" by ")
		pr.node(n.Key, false)
	case *Take:
		pr.str(n.Keyword + " ")
		pr.expr(n.N, precOr)
	case *Distinct:
		pr.str("distinct ")
		for i, c := range n.Cols {
			pr.sep(i)
			pr.expr(c, precOr)
		}
	case *Count:
		pr.str("count")
	}
}

// precOf returns the binding strength of e when printed.
func precOf(e Expr) int {
	switch e := e.(type) {
	case *Pipe:
		return precPipe
	case *Binary:
		if e.Op == "matches regex" {
			return precCompare
		}
		p, _ := binaryOp(token{kind: tOp, text: e.Op})
		if p == 0 {
			p, _ = binaryOp(token{kind: tIdent, text: e.Op})
		}
		return p
	case *In, *Between:
		return precCompare
	case *Unary:
		return precUnary
	}
	return precPostfix
}

// expr prints e, parenthesised when it binds less tightly than min.
func (pr *printer) expr(e Expr, min int) {
	if precOf(e) < min {
		pr.str("(")
		defer pr.str(")")
	}
	switch e := e.(type) {
	case *Pipe, *FuncDef:
		pr.node(e, false)
	case *DataTable:
		pr.str("datatable(")
		for i, c := range e.Columns {
			pr.sep(i)
			pr.node(c, false)
		}
		pr.str(") [")
		for i, v := range e.Values {
			pr.sep(i)
			pr.expr(v, precOr)
		}
		pr.str("]")
	case *Ident:
		pr.ident(e.Name)
	case *Pattern:
		if e.Wildcard {
			pr.str(e.Text)
		} else {
			pr.ident(e.Text)
		}
	case *StringLit:
		pr.str(quote(e.Value))
	case *LongLit:
		pr.typed(e.Type, strconv.FormatInt(e.Value, 10))
	case *RealLit:
		pr.real(e)
	case *BoolLit:
		pr.typed(e.Type, strconv.FormatBool(e.Value))
	case *NullLit:
		pr.typed(e.Type, "null")
	case *DatetimeLit:
		pr.str("datetime(" + e.Value.UTC().Format("2006-01-02T15:04:05.9999999Z") + ")")
	case *TimespanLit:
		if e.Value < 0 {
			pr.str("timespan(-" + formatTimespan(-e.Value) + ")")
		} else {
			pr.str(formatTimespan(e.Value))
		}
	case *GuidLit:
		pr.str("guid(" + e.Value + ")")
	case *DynamicLit:
		pr.str("dynamic(")
		pr.expr(e.Value, precOr)
		pr.str(")")
	case *ArrayLit:
		pr.str("[")
		for i, x := range e.Elems {
			pr.sep(i)
			pr.expr(x, precOr)
		}
		pr.str("]")
	case *ObjectLit:
		pr.str("{")
		for i, k := range e.Keys {
			pr.sep(i)
			pr.str(quote(k) + ": ")
			pr.expr(e.Values[i], precOr)
		}
		pr.str("}")
	case *Paren:
		pr.str("(")
		pr.expr(e.X, precPipe)
		pr.str(")")
	case *Unary:
		pr.str(e.Op)
		pr.expr(e.X, precUnary)
	case *Binary:
		p := precOf(e)
		pr.expr(e.L, p)
		pr.str(" " + e.Op + " ")
		pr.expr(e.R, p+1)
	case *In:
		pr.expr(e.X, precCompare)
		pr.str(" " + e.Op + " (")
		for i, x := range e.List {
			pr.sep(i)
			pr.expr(x, precPipe)
		}
		pr.str(")")
	case *Between:
		pr.expr(e.X, precCompare)
		if e.Not {
			pr.str(" !between (")
		} else {
			pr.str(" between (")
		}
		pr.expr(e.Lo, precOr)
		pr.str(" .. ")
		pr.expr(e.Hi, precOr)
		pr.str(")")
	case *Member:
		pr.expr(e.X, precPostfix)
		pr.str(".")
		if plainName(e.Name.Name) {
			pr.str(e.Name.Name)
		} else {
			pr.str("[" + quoteWith(e.Name.Name, '\'') + "]")
		}
	case *Index:
		pr.expr(e.X, precPostfix)
		pr.str("[")
		pr.expr(e.Index, precOr)
		pr.str("]")
	case *Call:
		pr.str(e.Fn.Name + "(")
		for i, a := range e.Args {
			pr.sep(i)
			pr.expr(a, precPipe)
		}
		pr.str(")")
	case *Star:
		pr.str("*")
	}
}

func (pr *printer) typed(typ, v string) {
	if typ == "" {
		pr.str(v)
		return
	}
	pr.str(typ + "(" + v + ")")
}

func (pr *printer) real(e *RealLit) {
	typ := e.Type
	var s string
	switch {
	case math.IsNaN(e.Value):
		s = "nan"
	case math.IsInf(e.Value, 1):
		s = "+inf"
	case math.IsInf(e.Value, -1):
		s = "-inf"
	default:
		s = strconv.FormatFloat(e.Value, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
	}
	if typ == "" && (strings.HasSuffix(s, "inf") || s == "nan") {
		typ = "real"
	}
	pr.typed(typ, s)
}

// ident prints a name, bracketed when it is not a plain identifier.
func (pr *printer) ident(name string) {
	if name == "$left" || name == "$right" || (plainName(name) && !reservedNames[name]) {
		pr.str(name)
		return
	}
	pr.str("[" + quoteWith(name, '\'') + "]")
}

// plainName reports whether name lexes as one ASCII identifier token.
func plainName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && isDigit(c) {
			continue
		}
		return false
	}
	return true
}

// quote renders s as a double-quoted KQL string literal.
func quote(s string) string { return quoteWith(s, '"') }

// quoteWith renders s as a KQL string literal in quotes q.
func quoteWith(s string, q byte) string {
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case q, '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

var timespanPrintUnits = []struct {
	d    time.Duration
	name string
}{
	{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"},
	{time.Millisecond, "ms"}, {time.Microsecond, "microsecond"}, {tick, "tick"},
}

// formatTimespan renders a non-negative duration in its largest exact unit.
func formatTimespan(d time.Duration) string {
	for _, u := range timespanPrintUnits {
		if d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(d/tick), 10) + "tick"
}

// String returns the query in canonical KQL.
func (n *Query) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Let) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *FuncDef) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Param) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *TypeRef) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Pipe) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *DataTable) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Ident) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Pattern) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *StringLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *LongLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *RealLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *BoolLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *NullLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *DatetimeLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *TimespanLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *GuidLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *DynamicLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *ArrayLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *ObjectLit) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Paren) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Unary) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Binary) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *In) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Between) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Member) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Index) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Call) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Star) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Assign) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *OpParam) String() string { return strings.TrimPrefix(render(n), " ") }

// String returns the node in canonical KQL.
func (n *Where) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Extend) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Project) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *ProjectAway) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *ProjectKeep) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *ProjectReorder) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *ProjectRename) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Summarize) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Join) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Union) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *MvExpand) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *MvExpandItem) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Sort) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *SortKey) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Top) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Take) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Distinct) String() string { return render(n) }

// String returns the node in canonical KQL.
func (n *Count) String() string { return render(n) }
