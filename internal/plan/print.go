package plan

import (
	"strconv"
	"strings"
	"unicode"

	"vigil/internal/event"
)

// Format renders the plan rooted at n as an indented tree, one node per line,
// inputs indented under their node. The format is for golden tests and
// debugging; it is stable but not a query language.
func Format(n Node) string {
	var b strings.Builder
	format(&b, n, 0)
	return b.String()
}

func format(b *strings.Builder, n Node, depth int) {
	for range depth {
		b.WriteString("  ")
	}
	if n == nil {
		b.WriteString("<nil>\n")
		return
	}
	b.WriteString(header(n))
	b.WriteByte('\n')
	for _, in := range n.Children() {
		format(b, in, depth+1)
	}
}

func header(n Node) string {
	var b strings.Builder
	switch n := n.(type) {
	case *Scan:
		b.WriteString("Scan ")
		b.WriteString(quoteName(n.Table))
		if n.Fill != FillUnset {
			b.WriteString(" fill=")
			b.WriteString(n.Fill.String())
		}
	case *Values:
		b.WriteString("Values ")
		b.WriteString(n.Columns.String())
		for _, row := range n.Rows {
			b.WriteString(" [")
			for i, v := range row {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(formatValue(v, TypeOfKind(v.Kind())))
			}
			b.WriteString("]")
		}
	case *Filter:
		b.WriteString("Filter ")
		b.WriteString(ExprString(n.Pred))
	case *Extend:
		b.WriteString("Extend ")
		writeAssigns(&b, n.Columns)
	case *Project:
		b.WriteString("Project ")
		writeAssigns(&b, n.Columns)
	case *ProjectAway:
		b.WriteString("ProjectAway ")
		writeNames(&b, n.Columns)
	case *Rename:
		b.WriteString("Rename ")
		for i, p := range n.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteName(p.New))
			b.WriteString("=")
			b.WriteString(quoteName(p.Old))
		}
	case *Reorder:
		b.WriteString("Reorder ")
		writeNames(&b, n.Columns)
	case *Aggregate:
		b.WriteString("Aggregate ")
		for i, a := range n.Aggs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteName(a.Name))
			b.WriteString("=")
			b.WriteString(a.Func)
			b.WriteString("(")
			writeExprs(&b, a.Args)
			if len(a.Carry) > 0 {
				b.WriteString("; ")
				writeAssigns(&b, a.Carry)
			}
			if a.CarryAll {
				b.WriteString("; *")
			}
			b.WriteString(")")
		}
		if len(n.By) > 0 {
			b.WriteString(" by ")
			writeAssigns(&b, n.By)
		}
		if n.DropNullKeys {
			b.WriteString(" drop-null-keys")
		}
		if n.ExpandKeys {
			b.WriteString(" expand-keys")
		}
	case *Join:
		b.WriteString("Join kind=")
		b.WriteString(n.Kind.String())
		b.WriteString(" on ")
		for i, k := range n.On {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteName(k.Left))
			b.WriteString("==")
			b.WriteString(quoteName(k.Right))
		}
		b.WriteString(" clash=")
		b.WriteString(n.Clash.String())
		b.WriteString(" fill=")
		b.WriteString(n.Fill.String())
	case *Union:
		b.WriteString("Union")
		if n.Fuzzy {
			b.WriteString(" fuzzy")
		}
		if n.SourceColumn != "" {
			b.WriteString(" source=")
			b.WriteString(quoteName(n.SourceColumn))
		}
		b.WriteString(" fill=")
		b.WriteString(n.Fill.String())
	case *MvExpand:
		b.WriteString("MvExpand ")
		for i, m := range n.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteName(m.Name))
			b.WriteString("=")
			b.WriteString(ExprString(m.Expr))
			if m.To != TypeUnknown {
				b.WriteString(" to ")
				b.WriteString(m.To.String())
			}
		}
		if n.ItemIndex != "" {
			b.WriteString(" itemindex=")
			b.WriteString(quoteName(n.ItemIndex))
		}
		if n.Limit > 0 {
			b.WriteString(" limit ")
			b.WriteString(strconv.FormatInt(n.Limit, 10))
		}
	case *Sort:
		b.WriteString("Sort ")
		writeSortKeys(&b, n.Keys)
	case *Top:
		b.WriteString("Top ")
		b.WriteString(strconv.FormatInt(n.N, 10))
		b.WriteString(" by ")
		writeSortKeys(&b, n.Keys)
	case *Limit:
		b.WriteString("Limit ")
		b.WriteString(strconv.FormatInt(n.N, 10))
	case *Distinct:
		b.WriteString("Distinct ")
		if len(n.Columns) == 0 {
			b.WriteString("*")
		}
		writeNames(&b, n.Columns)
	case *Count:
		b.WriteString("Count ")
		b.WriteString(quoteName(n.Name))
	default:
		if !headerSPL(&b, n) {
			b.WriteString("?")
		}
	}
	return b.String()
}

func writeAssigns(b *strings.Builder, as []Assign) {
	for i, a := range as {
		if i > 0 {
			b.WriteString(", ")
		}
		if c, ok := a.Expr.(*ColumnRef); ok && c.Name == a.Name {
			b.WriteString(quoteName(a.Name)) // `by X` rather than `by X=X`
			continue
		}
		b.WriteString(quoteName(a.Name))
		b.WriteString("=")
		b.WriteString(ExprString(a.Expr))
	}
}

func writeNames(b *strings.Builder, names []string) {
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		if strings.Contains(n, "*") {
			b.WriteString(n)
		} else {
			b.WriteString(quoteName(n))
		}
	}
}

func writeExprs(b *strings.Builder, es []Expr) {
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ExprString(e))
	}
}

func writeSortKeys(b *strings.Builder, keys []SortKey) {
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ExprString(k.Expr))
		if k.Desc {
			b.WriteString(" desc")
		} else {
			b.WriteString(" asc")
		}
		if k.NullsFirst {
			b.WriteString(" nulls-first")
		} else {
			b.WriteString(" nulls-last")
		}
	}
}

// infix lists the catalogue operators printed between their operands.
var infix = map[string]bool{
	"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "=~": true, "!~": true,
	"and": true, "or": true, "+": true, "-": true, "*": true, "/": true, "%": true,
	"has": true, "!has": true, "has_cs": true, "!has_cs": true,
	"contains": true, "!contains": true, "contains_cs": true, "!contains_cs": true,
	"startswith": true, "!startswith": true, "startswith_cs": true, "!startswith_cs": true,
	"endswith": true, "!endswith": true, "endswith_cs": true, "!endswith_cs": true,
	"matches regex": true,
}

// listOps are printed as `x op (a, b, …)`.
var listOps = map[string]bool{"in": true, "!in": true, "in~": true, "!in~": true, "has_any": true, "has_all": true}

// ExprString renders e: operators infix and fully parenthesized, other calls
// as name(args), columns by name (['…'] when not an identifier), literals
// with their type when the text alone would be ambiguous.
func ExprString(e Expr) string {
	switch e := e.(type) {
	case nil:
		return "<nil>"
	case *Literal:
		return formatValue(e.Value, e.Type)
	case *ColumnRef:
		return quoteName(e.Name)
	case *Member:
		if isIdent(e.Name) {
			return ExprString(e.X) + "." + e.Name
		}
		return ExprString(e.X) + "[" + strconv.Quote(e.Name) + "]"
	case *Index:
		return ExprString(e.X) + "[" + ExprString(e.Index) + "]"
	case *Call:
		switch {
		case infix[e.Func] && len(e.Args) == 2:
			return "(" + ExprString(e.Args[0]) + " " + e.Func + " " + ExprString(e.Args[1]) + ")"
		case listOps[e.Func] && len(e.Args) >= 1:
			var b strings.Builder
			b.WriteString("(" + ExprString(e.Args[0]) + " " + e.Func + " (")
			writeExprs(&b, e.Args[1:])
			b.WriteString("))")
			return b.String()
		case (e.Func == "between" || e.Func == "!between") && len(e.Args) == 3:
			return "(" + ExprString(e.Args[0]) + " " + e.Func + " (" + ExprString(e.Args[1]) + " .. " + ExprString(e.Args[2]) + "))"
		}
		var b strings.Builder
		b.WriteString(e.Func)
		b.WriteString("(")
		writeExprs(&b, e.Args)
		b.WriteString(")")
		return b.String()
	}
	return "?"
}

func formatValue(v event.Value, t Type) string {
	switch v.Kind() {
	case event.KindNull:
		if t == TypeUnknown {
			return "null"
		}
		return t.String() + "(null)"
	case event.KindReal:
		s := v.Text()
		if !strings.ContainsAny(s, ".eEIN") {
			s += ".0"
		}
		if t == TypeDynamic {
			return "dynamic(" + s + ")"
		}
		return s
	case event.KindString:
		if t == TypeDynamic {
			return "dynamic(" + strconv.Quote(v.Str()) + ")"
		}
		return strconv.Quote(v.Str())
	case event.KindBool, event.KindLong:
		if t == TypeDynamic {
			return "dynamic(" + v.Text() + ")"
		}
		return v.Text()
	}
	return v.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r)) {
			continue
		}
		return false
	}
	return true
}

// quoteName renders a column or table name, bracketed when it is not a plain
// identifier.
func quoteName(s string) string {
	if isIdent(s) {
		return s
	}
	return "['" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "']"
}

// String implements Expr.
func (e *Literal) String() string { return ExprString(e) }

// String implements Expr.
func (e *ColumnRef) String() string { return ExprString(e) }

// String implements Expr.
func (e *Member) String() string { return ExprString(e) }

// String implements Expr.
func (e *Index) String() string { return ExprString(e) }

// String implements Expr.
func (e *Call) String() string { return ExprString(e) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Scan) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Values) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Filter) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Extend) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Project) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *ProjectAway) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Rename) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Reorder) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Aggregate) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Join) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Union) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *MvExpand) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Sort) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Top) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Limit) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Distinct) String() string { return Format(n) }

// String implements Node: the plan tree rooted at n (see Format).
func (n *Count) String() string { return Format(n) }
