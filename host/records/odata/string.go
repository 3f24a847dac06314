package odata

import (
	"strconv"
	"strings"
)

// String writes the query back in canonical form: options in a fixed
// order, values percent-encoded where needed, the filter with only the
// parentheses its shape requires. Parse(q.String()) gives q again.
func (q *Query) String() string {
	var parts []string
	if q.Select != nil {
		parts = append(parts, "$select="+strings.Join(q.Select, ","))
	}
	if q.Filter != nil {
		parts = append(parts, "$filter="+encode(ExprString(q.Filter)))
	}
	if q.OrderBy != nil {
		var items []string
		for _, o := range q.OrderBy {
			item := o.Property
			if o.Desc {
				item += " desc"
			}
			items = append(items, item)
		}
		parts = append(parts, "$orderby="+strings.Join(items, ","))
	}
	if q.Top > 0 {
		parts = append(parts, "$top="+strconv.Itoa(q.Top))
	}
	if q.Expand != nil {
		var items []string
		for _, e := range q.Expand {
			item := e.Navigation
			if e.Select != nil {
				item += "($select=" + strings.Join(e.Select, ",") + ")"
			}
			items = append(items, item)
		}
		parts = append(parts, "$expand="+strings.Join(items, ","))
	}
	if q.HasSearch {
		parts = append(parts, "$search="+encode(q.Search))
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}

var encoder = strings.NewReplacer("%", "%25", "&", "%26")

func encode(s string) string { return encoder.Replace(s) }

// ExprString writes a filter expression in canonical form.
func ExprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *Logical:
		// The parser groups to the left and binds and tighter than or, so
		// only a right operand of the same kind, or an or under an and,
		// needs parentheses.
		writeOperand(b, e.Left, e.Op == "and" && isOp(e.Left, "or"))
		b.WriteString(" " + e.Op + " ")
		writeOperand(b, e.Right, isOp(e.Right, e.Op) || e.Op == "and" && isOp(e.Right, "or"))
	case *Not:
		b.WriteString("not ")
		_, logical := e.X.(*Logical)
		writeOperand(b, e.X, logical)
	case *Comparison:
		b.WriteString(e.Property + " " + e.Op + " " + LiteralString(e.Value))
	case *Function:
		b.WriteString(e.Name + "(" + e.Property + "," + LiteralString(e.Value) + ")")
	}
}

func isOp(e Expr, op string) bool {
	l, ok := e.(*Logical)
	return ok && l.Op == op
}

func writeOperand(b *strings.Builder, e Expr, parens bool) {
	if parens {
		b.WriteByte('(')
	}
	writeExpr(b, e)
	if parens {
		b.WriteByte(')')
	}
}

// LiteralString writes a literal as OData does.
func LiteralString(l Literal) string {
	switch l.Kind {
	case Null:
		return "null"
	case StringLit:
		return "'" + strings.ReplaceAll(l.Str, "'", "''") + "'"
	case BoolLit:
		return strconv.FormatBool(l.Bool)
	}
	return l.Text
}
