// Package metadata describes the organisation's entities the way Dataverse
// does: logical names, entity set names, primary id and primary name
// attributes, and typed attributes (String with its format, Memo, Integer,
// Decimal, Money, Boolean, DateTime, Picklist, State, Status, Lookup,
// Customer, Uniqueidentifier).
//
// A Catalog holds the built-in entities (contact, account, incident,
// phonecall, task, with their real names, attributes and option values)
// plus the administrator's own entities and attributes from entities.json
// (see Load). A Catalog never changes once built, so it is safe to share.
//
// Everything that becomes an SQL identifier elsewhere (table and column
// names) comes from a Catalog, and every name in it has passed
// ValidName, so a name in a Catalog is always [a-z][a-z0-9_]*.
package metadata

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// Type is an attribute's type, named as Dataverse's AttributeTypeCode.
type Type string

// Attribute types.
const (
	String           Type = "String"
	Memo             Type = "Memo"
	Integer          Type = "Integer"
	BigInt           Type = "BigInt"
	Decimal          Type = "Decimal"
	Money            Type = "Money"
	Boolean          Type = "Boolean"
	DateTime         Type = "DateTime"
	Picklist         Type = "Picklist"
	State            Type = "State"
	Status           Type = "Status"
	Lookup           Type = "Lookup"
	Customer         Type = "Customer"
	Uniqueidentifier Type = "Uniqueidentifier"
)

// typeCodes are Dataverse's AttributeTypeCode numbers, which
// getEntityMetadata reports.
var typeCodes = map[Type]int{
	Boolean: 0, Customer: 1, DateTime: 2, Decimal: 3, Integer: 5, Lookup: 6, Memo: 7,
	Money: 8, Picklist: 11, State: 12, Status: 13, String: 14, Uniqueidentifier: 15, BigInt: 18,
}

// Code is the type's AttributeTypeCode number.
func (t Type) Code() int { return typeCodes[t] }

// IsLookup reports whether values of this type point at records.
func (t Type) IsLookup() bool { return t == Lookup || t == Customer }

// IsText reports whether values of this type are strings.
func (t Type) IsText() bool { return t == String || t == Memo }

// IsOptionSet reports whether values of this type are option values.
func (t Type) IsOptionSet() bool { return t == Picklist || t == State || t == Status }

// IsNumber reports whether values of this type are numbers.
func (t Type) IsNumber() bool {
	return t == Integer || t == BigInt || t == Decimal || t == Money
}

// String formats (Dataverse's StringFormat and FormatName).
const (
	FormatText         = "Text"
	FormatEmail        = "Email"
	FormatPhone        = "Phone"
	FormatURL          = "Url"
	FormatTextArea     = "TextArea"
	FormatTickerSymbol = "TickerSymbol"
)

// Integer formats.
const (
	FormatNone     = "None"
	FormatDuration = "Duration"
)

// DateTime formats (Dataverse's DateTimeFormat).
const (
	FormatDateOnly    = "DateOnly"
	FormatDateAndTime = "DateAndTime"
)

// Required levels (Dataverse's AttributeRequiredLevel). The Web API
// enforces only SystemRequired; ApplicationRequired is a form's business.
const (
	RequiredNone        = "None"
	RequiredApplication = "ApplicationRequired"
	RequiredSystem      = "SystemRequired"
)

// Bounds that Dataverse itself puts on attribute definitions.
const (
	MaxStringLength = 4000
	MaxMemoLength   = 1048576
	MinInteger      = -2147483648
	MaxInteger      = 2147483647
	MaxMoney        = 922337203685477
	MaxDecimal      = 100000000000
	MaxPrecision    = 10
	MaxMoneyDigits  = 4
)

// Option is one value of an option set. For a Status option, State is the
// statecode it belongs to; for a State option, DefaultStatus is the
// statuscode a record gets when only its statecode is set.
type Option struct {
	Value         int    `json:"value"`
	Label         string `json:"label"`
	State         int    `json:"state,omitempty"`
	DefaultStatus int    `json:"defaultStatus,omitempty"`
}

// Target is an entity a lookup can point at, and the single-valued
// navigation property that names that relationship in the Web API (what
// `@odata.bind` and `$expand` use): contact's parentcustomerid has
// parentcustomerid_account and parentcustomerid_contact.
type Target struct {
	Entity     string `json:"entity"`
	Navigation string `json:"navigation"`
}

// Attribute is one attribute of an entity.
type Attribute struct {
	LogicalName string
	DisplayName string
	Type        Type
	// Format is the String format (Text, Email, Phone, Url, TextArea,
	// TickerSymbol), the Integer format (None, Duration) or the DateTime
	// format (DateOnly, DateAndTime).
	Format string
	// MaxLength bounds String and Memo values, in characters.
	MaxLength int
	// MinValue and MaxValue bound Integer, Decimal and Money values.
	MinValue, MaxValue float64
	// Precision is the number of decimal places of Decimal and Money.
	Precision int
	// Options are the values of a Picklist, State or Status attribute; a
	// Boolean has two, 0 (false) and 1 (true), whose labels are shown.
	Options []Option
	// Default is the value a new record gets when none is given: an option
	// value, or 0/1 for a Boolean. Nil means none.
	Default *int
	// Targets are the entities a Lookup or Customer can point at.
	Targets []Target
	// RequiredLevel is None, ApplicationRequired or SystemRequired.
	RequiredLevel string
	// ReadOnly attributes are set by the organisation, not by callers:
	// ids, fullname, ticketnumber, createdon, modifiedon, versionnumber.
	ReadOnly bool
	// Searchable attributes are what relevance search ($search) reads.
	Searchable bool
	// Custom marks the administrator's own attributes.
	Custom bool
	// Entity is the logical name of the entity the attribute belongs to.
	Entity string
}

// IsPhone reports whether the attribute holds phone numbers, which the
// store also keeps as digits so that a number in any format finds them.
func (a *Attribute) IsPhone() bool { return a.Type == String && a.Format == FormatPhone }

// Option returns the option with that value.
func (a *Attribute) Option(value int) (Option, bool) {
	i := slices.IndexFunc(a.Options, func(o Option) bool { return o.Value == value })
	if i < 0 {
		return Option{}, false
	}
	return a.Options[i], true
}

// BooleanLabel is the label of a Boolean's value (for example "Do Not
// Allow" for contact's donotphone true).
func (a *Attribute) BooleanLabel(v bool) string {
	want := 0
	if v {
		want = 1
	}
	if o, ok := a.Option(want); ok {
		return o.Label
	}
	if v {
		return "Yes"
	}
	return "No"
}

// Target returns the target of a lookup that is that entity.
func (a *Attribute) Target(entity string) (Target, bool) {
	i := slices.IndexFunc(a.Targets, func(t Target) bool { return t.Entity == entity })
	if i < 0 {
		return Target{}, false
	}
	return a.Targets[i], true
}

// TargetNames lists the lookup's target entities.
func (a *Attribute) TargetNames() []string {
	names := make([]string, len(a.Targets))
	for i, t := range a.Targets {
		names[i] = t.Entity
	}
	return names
}

// LookupValueName is how the Web API names a lookup's value:
// _parentcustomerid_value.
func LookupValueName(attribute string) string { return "_" + attribute + "_value" }

// Entity is one entity (table).
type Entity struct {
	LogicalName           string
	EntitySetName         string
	DisplayName           string
	DisplayCollectionName string
	PrimaryIDAttribute    string
	PrimaryNameAttribute  string
	ObjectTypeCode        int
	IsActivity            bool
	IsCustomEntity        bool
	// Attributes in the order forms and exports show them.
	Attributes []*Attribute

	byName map[string]*Attribute
	byNav  map[string]navigation
}

type navigation struct {
	attribute *Attribute
	target    Target
}

// Attribute returns the attribute with that logical name.
func (e *Entity) Attribute(name string) (*Attribute, bool) {
	a, ok := e.byName[name]
	return a, ok
}

// PrimaryID is the primary id attribute.
func (e *Entity) PrimaryID() *Attribute { return e.byName[e.PrimaryIDAttribute] }

// PrimaryName is the primary name attribute.
func (e *Entity) PrimaryName() *Attribute { return e.byName[e.PrimaryNameAttribute] }

// Navigation resolves a single-valued navigation property
// (parentcustomerid_account) to its lookup attribute and target.
func (e *Entity) Navigation(name string) (*Attribute, Target, bool) {
	n, ok := e.byNav[name]
	return n.attribute, n.target, ok
}

// NavigationNames lists the entity's navigation properties, sorted.
func (e *Entity) NavigationNames() []string {
	var names []string
	for _, a := range e.Attributes {
		for _, t := range a.Targets {
			names = append(names, t.Navigation)
		}
	}
	slices.Sort(names)
	return names
}

// AttributeNames lists the attributes' logical names in order.
func (e *Entity) AttributeNames() []string {
	names := make([]string, len(e.Attributes))
	for i, a := range e.Attributes {
		names[i] = a.LogicalName
	}
	return names
}

// ResolveProperty resolves a property name as the Web API reads it in
// $select, $filter and $orderby: an attribute's logical name, or a
// lookup's _<name>_value. A lookup named without _value is refused, as
// Dataverse does, with the name to use.
func (e *Entity) ResolveProperty(name string) (*Attribute, error) {
	if strings.HasPrefix(name, "_") && strings.HasSuffix(name, "_value") && len(name) > len("__value") {
		if a, ok := e.byName[name[1:len(name)-len("_value")]]; ok && a.Type.IsLookup() {
			return a, nil
		}
	}
	if inner, ok := strings.CutPrefix(name, "_"); ok {
		if inner, ok := strings.CutSuffix(inner, "_value"); ok {
			if _, ok := e.byName[inner]; ok {
				return nil, fmt.Errorf("%s is not a lookup: name it %s", inner, inner)
			}
		}
	}
	a, ok := e.byName[name]
	switch {
	case ok && a.Type.IsLookup():
		return nil, fmt.Errorf("%s is a lookup: name its value %s", name, LookupValueName(name))
	case ok:
		return a, nil
	}
	return nil, fmt.Errorf("entity %s has no attribute %q%s", e.LogicalName, name, e.suggest(name))
}

// suggest names the attributes closest to a misspelt name, or lists them
// all when none is close.
func (e *Entity) suggest(name string) string {
	var names []string
	for _, a := range e.Attributes {
		if a.Type.IsLookup() {
			names = append(names, LookupValueName(a.LogicalName))
		} else {
			names = append(names, a.LogicalName)
		}
	}
	if close := Closest(name, names, 3); len(close) > 0 {
		return "; did you mean " + orList(close) + "?"
	}
	return "; its attributes are " + strings.Join(names, ", ")
}

// Catalog is the organisation's set of entities. It does not change once
// built.
type Catalog struct {
	entities map[string]*Entity
	bySet    map[string]*Entity
	names    []string
}

// Entity returns the entity with that logical name.
func (c *Catalog) Entity(logicalName string) (*Entity, bool) {
	e, ok := c.entities[logicalName]
	return e, ok
}

// EntityBySet returns the entity with that entity set name (contacts).
func (c *Catalog) EntityBySet(setName string) (*Entity, bool) {
	e, ok := c.bySet[setName]
	return e, ok
}

// Names lists the entities' logical names, sorted.
func (c *Catalog) Names() []string { return slices.Clone(c.names) }

// Find returns the entity with that logical name, or an error that names
// the closest ones.
func (c *Catalog) Find(logicalName string) (*Entity, error) {
	if e, ok := c.entities[logicalName]; ok {
		return e, nil
	}
	hint := "the organisation's entities are " + strings.Join(c.names, ", ")
	if close := Closest(logicalName, c.names, 3); len(close) > 0 {
		hint = "did you mean " + orList(close) + "? " + hint
	}
	for _, e := range c.entities {
		switch {
		case e.EntitySetName == logicalName:
			hint = fmt.Sprintf("%s is the entity set name; the logical name is %s", logicalName, e.LogicalName)
		case strings.EqualFold(e.DisplayName, logicalName):
			hint = fmt.Sprintf("%s is the display name; the logical name is %s", e.DisplayName, e.LogicalName)
		}
	}
	return nil, fmt.Errorf("the organisation has no entity %q; %s", clip(logicalName), hint)
}

// Reference is a lookup attribute of one entity that can point at another.
type Reference struct {
	Entity    *Entity
	Attribute *Attribute
}

// ReferencesTo lists every lookup, of every entity, that can point at the
// entity: a contact's cases are the incidents whose customerid or
// primarycontactid point at it. Sorted by entity, then attribute.
func (c *Catalog) ReferencesTo(target string) []Reference {
	var refs []Reference
	for _, name := range c.names {
		e := c.entities[name]
		for _, a := range e.Attributes {
			if _, ok := a.Target(target); ok {
				refs = append(refs, Reference{Entity: e, Attribute: a})
			}
		}
	}
	return refs
}

// newCatalog indexes entities that are already valid.
func newCatalog(entities []*Entity) *Catalog {
	c := &Catalog{entities: map[string]*Entity{}, bySet: map[string]*Entity{}}
	for _, e := range entities {
		e.index()
		c.entities[e.LogicalName] = e
		c.bySet[e.EntitySetName] = e
		c.names = append(c.names, e.LogicalName)
	}
	slices.Sort(c.names)
	return c
}

func (e *Entity) index() {
	e.byName = map[string]*Attribute{}
	e.byNav = map[string]navigation{}
	for _, a := range e.Attributes {
		a.Entity = e.LogicalName
		e.byName[a.LogicalName] = a
		for _, t := range a.Targets {
			e.byNav[t.Navigation] = navigation{attribute: a, target: t}
		}
	}
}

var namePattern = lazyre.New(`^[a-z][a-z0-9_]*$`)

// MaxNameLength bounds logical names, as Dataverse's schema names.
const MaxNameLength = 50

// ValidName reports whether a logical name is one this package accepts:
// lower-case letters, digits and underscores, starting with a letter, no
// double underscore (the store keeps its own columns after one), at most
// MaxNameLength characters.
func ValidName(name string) bool {
	return len(name) <= MaxNameLength && namePattern().MatchString(name) && !strings.Contains(name, "__")
}

// Closest returns up to n of the candidates nearest to name (by edit
// distance, ignoring case), nearest first; only reasonably close ones.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	var s []scored
	lname := strings.ToLower(name)
	if len(lname) > 2*MaxNameLength {
		return nil
	}
	for _, c := range candidates {
		d := distance(lname, strings.ToLower(c))
		limit := max(1, len(c)/3)
		if d <= limit || len(lname) >= 3 && strings.Contains(strings.ToLower(c), lname) || len(c) >= 4 && strings.Contains(lname, strings.ToLower(c)) {
			s = append(s, scored{c, d})
		}
	}
	slices.SortStableFunc(s, func(a, b scored) int { return a.d - b.d })
	var out []string
	for i := 0; i < len(s) && i < n; i++ {
		out = append(out, s[i].name)
	}
	return out
}

// distance is the Levenshtein distance between two strings, by bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// clip shortens a caller's name for quoting in a message.
func clip(s string) string {
	const n = 80
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
