package spl

import (
	"strconv"
	"strings"
)

// The printer renders the canonical form of a search: commands joined by
// "\n| ", one space between arguments, quotes where the parser needs them.
// Parsing the printed text (with no macros) gives the same tree.

func render(n Node) string {
	var b strings.Builder
	pr(&b, n)
	return b.String()
}

// quote renders s as a double-quoted SPL string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// bareWord reports whether s reads back as the same single base-search
// word: non-empty, only word characters, not a keyword, not a number where
// a count may stand.
func bareWord(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '+' || s[0] == '\'' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	switch strings.ToUpper(s) {
	case "AND", "OR", "NOT", "IN", "AS", "BY", "OUTPUT", "OUTPUTNEW", "SORTBY":
		return false
	}
	return true
}

func fieldText(name string, quoted bool) string {
	if quoted || !bareWord(name) {
		return quote(name)
	}
	return name
}

// evalIdent reports whether s reads back as a field name in an eval
// expression.
func evalIdent(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	switch strings.ToUpper(s) {
	case "AND", "OR", "NOT", "XOR", "LIKE":
		return false
	}
	return true
}

func pr(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *Search:
		for i, c := range n.Commands {
			if i > 0 {
				b.WriteString("\n| ")
			} else if _, ok := c.(*SearchCmd); !ok {
				b.WriteString("| ")
			}
			pr(b, c)
		}
	case *Field:
		b.WriteString(fieldText(n.Name, n.Quoted))
	case *Option:
		b.WriteString(n.Key)
		b.WriteByte('=')
		if n.Quoted || !bareWord(n.Value) && !isCountLike(n.Value) {
			b.WriteString(quote(n.Value))
		} else {
			b.WriteString(n.Value)
		}
	case *SearchCmd:
		b.WriteString(n.Keyword)
		if n.Expr != nil {
			if n.Keyword != "" {
				b.WriteByte(' ')
			}
			pr(b, n.Expr)
		}
	case *Term:
		if n.Quoted || !bareWord(n.Text) && n.Text != "*" && !isCountLike(n.Text) {
			b.WriteString(quote(n.Text))
		} else {
			b.WriteString(n.Text)
		}
	case *Compare:
		pr(b, n.Field)
		b.WriteString(n.Op)
		pr(b, n.Value)
	case *InList:
		pr(b, n.Field)
		b.WriteString(" IN (")
		for i, v := range n.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			pr(b, v)
		}
		b.WriteByte(')')
	case *Not:
		b.WriteString("NOT ")
		pr(b, n.X)
	case *And:
		pr(b, n.L)
		if n.Implicit {
			b.WriteByte(' ')
		} else {
			b.WriteString(" AND ")
		}
		pr(b, n.R)
	case *Or:
		pr(b, n.L)
		b.WriteString(" OR ")
		pr(b, n.R)
	case *Group:
		b.WriteByte('(')
		pr(b, n.X)
		b.WriteByte(')')
	case *Where:
		b.WriteString("where ")
		pr(b, n.Pred)
	case *Eval:
		b.WriteString("eval ")
		for i, a := range n.Assigns {
			if i > 0 {
				b.WriteString(", ")
			}
			pr(b, a)
		}
	case *EvalAssign:
		pr(b, n.Field)
		b.WriteString(" = ")
		pr(b, n.Value)
	case *Rename:
		b.WriteString("rename ")
		for i, p := range n.Pairs {
			if i > 0 {
				b.WriteString(", ")
			}
			pr(b, p)
		}
	case *RenamePair:
		pr(b, n.Old)
		b.WriteString(" as ")
		pr(b, n.New)
	case *Fillnull:
		b.WriteString("fillnull")
		if n.Value != nil {
			b.WriteByte(' ')
			pr(b, n.Value)
		}
		fieldList(b, n.Fields)
	case *Stats:
		b.WriteString(n.Keyword)
		for _, a := range n.Aggs {
			b.WriteByte(' ')
			pr(b, a)
		}
		if len(n.By) > 0 {
			b.WriteString(" by")
			fieldList(b, n.By)
		}
	case *Agg:
		b.WriteString(n.Func)
		if n.Arg != nil {
			b.WriteByte('(')
			pr(b, n.Arg)
			b.WriteByte(')')
		}
		if n.As != nil {
			b.WriteString(" as ")
			pr(b, n.As)
		}
	case *Bin:
		b.WriteString(n.Keyword)
		options(b, n.Options)
		b.WriteByte(' ')
		pr(b, n.Field)
		if n.As != nil {
			b.WriteString(" as ")
			pr(b, n.As)
		}
	case *Table:
		b.WriteString("table")
		fieldList(b, n.Fields)
	case *Fields:
		b.WriteString("fields")
		switch {
		case n.Remove:
			b.WriteString(" -")
		case n.Plus:
			b.WriteString(" +")
		}
		fieldList(b, n.Fields)
	case *Dedup:
		b.WriteString("dedup")
		if n.N != 1 {
			b.WriteString(" " + strconv.FormatInt(n.N, 10))
		}
		fieldList(b, n.Fields)
		options(b, n.Options)
	case *Rex:
		b.WriteString("rex")
		options(b, n.Options)
		b.WriteString(" " + quote(n.Regex))
	case *Spath:
		b.WriteString("spath")
		options(b, n.Options)
		if n.Path != "" {
			b.WriteString(" path=" + quote(n.Path))
		}
	case *Convert:
		b.WriteString("convert")
		options(b, n.Options)
		for _, f := range n.Funcs {
			b.WriteByte(' ')
			pr(b, f)
		}
	case *ConvertFunc:
		b.WriteString(n.Func + "(")
		pr(b, n.Field)
		b.WriteByte(')')
		if n.As != nil {
			b.WriteString(" as ")
			pr(b, n.As)
		}
	case *Sort:
		b.WriteString("sort")
		if n.Limit >= 0 {
			b.WriteString(" " + strconv.FormatInt(n.Limit, 10))
		}
		for _, k := range n.Keys {
			b.WriteByte(' ')
			pr(b, k)
		}
	case *SortKey:
		switch {
		case n.Desc:
			b.WriteByte('-')
		case n.Sign:
			b.WriteByte('+')
		}
		pr(b, n.Field)
	case *Head:
		b.WriteString("head")
		if n.N >= 0 {
			b.WriteString(" " + strconv.FormatInt(n.N, 10))
		}
	case *Mvexpand:
		b.WriteString("mvexpand ")
		pr(b, n.Field)
		options(b, n.Options)
	case *Makemv:
		b.WriteString("makemv")
		options(b, n.Options)
		b.WriteByte(' ')
		pr(b, n.Field)
	case *Lookup:
		b.WriteString("lookup " + fieldText(n.Table, strings.ContainsAny(n.Table, " \"'|()=,")))
		for _, k := range n.Keys {
			b.WriteByte(' ')
			pr(b, k)
		}
		if n.Output != "" {
			b.WriteString(" " + n.Output)
			for _, k := range n.Outputs {
				b.WriteByte(' ')
				pr(b, k)
			}
		}
	case *LookupField:
		pr(b, n.Field)
		if n.As != nil {
			b.WriteString(" as ")
			pr(b, n.As)
		}
	case *FieldRef:
		if n.Quoted || !evalIdent(n.Name) {
			b.WriteString("'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(n.Name) + "'")
		} else {
			b.WriteString(n.Name)
		}
	case *StringLit:
		b.WriteString(quote(n.Value))
	case *NumberLit:
		b.WriteString(n.Text)
	case *Call:
		b.WriteString(n.Func + "(")
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			pr(b, a)
		}
		b.WriteByte(')')
	case *Binary:
		pr(b, n.L)
		b.WriteString(" " + n.Op + " ")
		pr(b, n.R)
	case *Unary:
		b.WriteString(n.Op)
		if n.Op == "NOT" {
			b.WriteByte(' ')
		}
		pr(b, n.X)
	case *Paren:
		b.WriteByte('(')
		pr(b, n.X)
		b.WriteByte(')')
	}
}

// isCountLike reports whether s is a word of digits and word characters
// that reads back as itself where no count is expected (values, options).
func isCountLike(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	switch strings.ToUpper(s) {
	case "AND", "OR", "NOT", "IN":
		return false
	}
	return true
}

func fieldList(b *strings.Builder, fs []*Field) {
	for _, f := range fs {
		b.WriteByte(' ')
		pr(b, f)
	}
}

func options(b *strings.Builder, os []*Option) {
	for _, o := range os {
		b.WriteByte(' ')
		pr(b, o)
	}
}

// String renders the node in canonical SPL (see print.go).
func (n *Search) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Field) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Option) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *SearchCmd) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Term) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Compare) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *InList) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Not) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *And) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Or) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Group) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Where) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Eval) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *EvalAssign) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Rename) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *RenamePair) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Fillnull) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Stats) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Agg) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Bin) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Table) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Fields) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Dedup) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Rex) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Spath) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Convert) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *ConvertFunc) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Sort) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *SortKey) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Head) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Mvexpand) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Makemv) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Lookup) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *LookupField) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *FieldRef) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *StringLit) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *NumberLit) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Call) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Binary) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Unary) String() string { return render(n) }

// String renders the node in canonical SPL (see print.go).
func (n *Paren) String() string { return render(n) }
