package odata

import (
	"fmt"
	"strings"
	"time"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

// Resolved is a query checked against an entity's metadata: every name is
// an attribute, every literal a Go value of the attribute's type.
type Resolved struct {
	Entity *metadata.Entity
	// Select is nil for every attribute.
	Select  []*metadata.Attribute
	Filter  Cond // nil for none
	OrderBy []ResolvedOrder
	Top     int // 0 for none
	Expand  []ResolvedExpand
	// Search is the $search text; HasSearch tells whether there was one.
	Search    string
	HasSearch bool
}

// ResolvedOrder is one $orderby item.
type ResolvedOrder struct {
	Attribute *metadata.Attribute
	Desc      bool
}

// ResolvedExpand is one $expand item: a lookup, one of its targets and
// the target's attributes to return (nil for all).
type ResolvedExpand struct {
	Navigation string
	Attribute  *metadata.Attribute
	Target     *metadata.Entity
	Select     []*metadata.Attribute
}

// Cond is a resolved $filter: *Junction, *Negation, *Compare or *Match.
type Cond interface{ isCond() }

// Junction is "and" or "or".
type Junction struct {
	Op          string
	Left, Right Cond
}

// Negation is "not".
type Negation struct{ X Cond }

// Compare compares an attribute with a value: nil (null), string (text, or
// a lower-case GUID for ids and lookups), int64, float64, bool or
// time.Time (UTC; for DateOnly attributes, midnight).
type Compare struct {
	Attribute *metadata.Attribute
	Op        string
	Value     any
}

// Match is contains, startswith or endswith of a text attribute.
type Match struct {
	Func      string
	Attribute *metadata.Attribute
	Value     string
}

func (*Junction) isCond() {}
func (*Negation) isCond() {}
func (*Compare) isCond()  {}
func (*Match) isCond()    {}

// Resolve checks a query against an entity of the catalog.
func Resolve(q *Query, e *metadata.Entity, c *metadata.Catalog) (*Resolved, error) {
	r := &Resolved{Entity: e, Top: q.Top, Search: q.Search, HasSearch: q.HasSearch}
	var err error
	if q.Select != nil {
		if r.Select, err = resolveSelect("$select", q.Select, e); err != nil {
			return nil, err
		}
	}
	if q.Filter != nil {
		if r.Filter, err = resolveExpr(q.Filter, e); err != nil {
			return nil, err
		}
	}
	for _, o := range q.OrderBy {
		a, err := e.ResolveProperty(o.Property)
		if err != nil {
			return nil, errorf("$orderby", 0, "%v", err)
		}
		r.OrderBy = append(r.OrderBy, ResolvedOrder{Attribute: a, Desc: o.Desc})
	}
	for _, x := range q.Expand {
		a, target, ok := e.Navigation(x.Navigation)
		if !ok {
			return nil, errorf("$expand", 0, "entity %s has no navigation property %q%s", e.LogicalName, x.Navigation, navHint(e, x.Navigation))
		}
		te, ok := c.Entity(target.Entity)
		if !ok {
			return nil, errorf("$expand", 0, "the target %s of %s is not in the organisation", target.Entity, x.Navigation)
		}
		re := ResolvedExpand{Navigation: x.Navigation, Attribute: a, Target: te}
		if x.Select != nil {
			if re.Select, err = resolveSelect("$select in $expand of "+x.Navigation, x.Select, te); err != nil {
				return nil, err
			}
		}
		r.Expand = append(r.Expand, re)
	}
	return r, nil
}

func navHint(e *metadata.Entity, name string) string {
	navs := e.NavigationNames()
	if len(navs) == 0 {
		return "; it has no lookups to expand"
	}
	if _, ok := e.Attribute(name); ok {
		if a, _ := e.Attribute(name); a.Type.IsLookup() {
			return fmt.Sprintf("; expand one of the lookup's navigation properties: %s", strings.Join(lookupNavs(a), ", "))
		}
		return fmt.Sprintf("; %s is not a lookup. Its navigation properties are %s", name, strings.Join(navs, ", "))
	}
	if close := metadata.Closest(name, navs, 3); len(close) > 0 {
		return "; did you mean " + strings.Join(close, " or ") + "?"
	}
	return "; its navigation properties are " + strings.Join(navs, ", ")
}

func lookupNavs(a *metadata.Attribute) []string {
	var names []string
	for _, t := range a.Targets {
		names = append(names, t.Navigation)
	}
	return names
}

func resolveSelect(option string, names []string, e *metadata.Entity) ([]*metadata.Attribute, error) {
	attrs := make([]*metadata.Attribute, 0, len(names))
	for _, n := range names {
		a, err := e.ResolveProperty(n)
		if err != nil {
			return nil, errorf(option, 0, "%v", err)
		}
		attrs = append(attrs, a)
	}
	return attrs, nil
}

func resolveExpr(x Expr, e *metadata.Entity) (Cond, error) {
	switch x := x.(type) {
	case *Logical:
		l, err := resolveExpr(x.Left, e)
		if err != nil {
			return nil, err
		}
		r, err := resolveExpr(x.Right, e)
		if err != nil {
			return nil, err
		}
		return &Junction{Op: x.Op, Left: l, Right: r}, nil
	case *Not:
		inner, err := resolveExpr(x.X, e)
		if err != nil {
			return nil, err
		}
		return &Negation{X: inner}, nil
	case *Function:
		a, err := e.ResolveProperty(x.Property)
		if err != nil {
			return nil, errorf("$filter", 0, "%v", err)
		}
		if !a.Type.IsText() {
			return nil, errorf("$filter", 0, "%s(%s,…) needs a text attribute; %s is a %s: compare it with eq, ne, gt, ge, lt or le", x.Name, x.Property, x.Property, a.Type)
		}
		return &Match{Func: x.Name, Attribute: a, Value: x.Value.Str}, nil
	case *Comparison:
		a, err := e.ResolveProperty(x.Property)
		if err != nil {
			return nil, errorf("$filter", 0, "%v", err)
		}
		v, err := typed(x, a)
		if err != nil {
			return nil, err
		}
		return &Compare{Attribute: a, Op: x.Op, Value: v}, nil
	}
	return nil, errorf("$filter", 0, "cannot read this condition")
}

// typed converts a comparison's literal to the attribute's type.
func typed(c *Comparison, a *metadata.Attribute) (any, error) {
	lit := c.Value
	bad := func(want string) error {
		return errorf("$filter", 0, "%s is a %s%s; compare it with %s, not %s", c.Property, a.Type, formatNote(a), want, clip(lit.Text))
	}
	if lit.Kind == Null {
		if c.Op != "eq" && c.Op != "ne" {
			return nil, errorf("$filter", 0, "%s %s null cannot be true; compare with null only with eq or ne", c.Property, c.Op)
		}
		return nil, nil
	}
	ordered := c.Op != "eq" && c.Op != "ne"
	switch t := a.Type; {
	case t.IsText():
		if lit.Kind != StringLit {
			return nil, bad("text in single quotes, such as '" + strings.ReplaceAll(clip(lit.Text), "'", "''") + "'")
		}
		return lit.Str, nil
	case t == metadata.Uniqueidentifier || t.IsLookup():
		if lit.Kind == StringLit && guidPattern().MatchString(lit.Str) && len(lit.Str) == 36 {
			return nil, errorf("$filter", 0, "write the GUID %s without quotes, as the Web API reads GUIDs", lit.Str)
		}
		if lit.Kind != GUIDLit {
			return nil, bad("a GUID written without quotes, such as 00000000-0000-0000-0000-000000000001")
		}
		if ordered {
			return nil, errorf("$filter", 0, "%s is an id; compare it only with eq or ne", c.Property)
		}
		return lit.Str, nil
	case t == metadata.Integer || t == metadata.BigInt || t.IsOptionSet():
		if lit.Kind != IntLit {
			if t.IsOptionSet() {
				return nil, bad("an option's value, a whole number such as " + optionExample(a))
			}
			return nil, bad("a whole number")
		}
		return lit.Int, nil
	case t == metadata.Decimal || t == metadata.Money:
		if lit.Kind != IntLit && lit.Kind != DecimalLit {
			return nil, bad("a number")
		}
		return lit.Float, nil
	case t == metadata.Boolean:
		if lit.Kind != BoolLit {
			return nil, bad("true or false")
		}
		if ordered {
			return nil, errorf("$filter", 0, "%s is a Boolean; compare it only with eq or ne", c.Property)
		}
		return lit.Bool, nil
	case t == metadata.DateTime:
		switch {
		case lit.Kind == DateLit:
			return lit.Time, nil
		case lit.Kind == DateTimeLit && a.Format == metadata.FormatDateOnly:
			return nil, errorf("$filter", 0, "%s holds dates only; compare it with a date such as %s", c.Property, lit.Time.Format(time.DateOnly))
		case lit.Kind == DateTimeLit:
			return lit.Time, nil
		}
		return nil, bad("a date or a date and time, without quotes, such as 2024-01-31 or 2024-01-31T10:00:00Z")
	}
	return nil, errorf("$filter", 0, "%s cannot be compared", c.Property)
}

func formatNote(a *metadata.Attribute) string {
	if a.Format != "" && a.Type == metadata.DateTime {
		return " (" + a.Format + ")"
	}
	return ""
}

func optionExample(a *metadata.Attribute) string {
	if len(a.Options) == 0 {
		return "1"
	}
	return fmt.Sprintf("%d (%s)", a.Options[0].Value, a.Options[0].Label)
}
