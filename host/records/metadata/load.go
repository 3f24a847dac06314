package metadata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// Problem is one fault in entities.json, precise enough to fix without
// reading the code: the file, the entity and attribute it concerns, the
// field that is wrong, and a message that says what is wrong and how to
// fix it.
type Problem struct {
	File      string `json:"file"`
	Entity    string `json:"entity,omitempty"`
	Attribute string `json:"attribute,omitempty"`
	Field     string `json:"field,omitempty"`
	Message   string `json:"message"`
}

func (p Problem) String() string {
	s := p.File
	if p.Entity != "" {
		s += fmt.Sprintf(": entity %q", p.Entity)
	}
	if p.Attribute != "" {
		s += fmt.Sprintf(": attribute %q", p.Attribute)
	}
	if p.Field != "" {
		s += fmt.Sprintf(": field %q", p.Field)
	}
	return s + ": " + p.Message
}

// The file's schema. Decoding is strict: exact key names, no duplicate
// keys, no unknown keys.
type fileConfig struct {
	Entities   []jsontext.Value            `json:"entities"`
	Attributes map[string][]jsontext.Value `json:"attributes"`
}

type entityConfig struct {
	LogicalName           string           `json:"logicalName"`
	EntitySetName         string           `json:"entitySetName"`
	DisplayName           string           `json:"displayName"`
	DisplayCollectionName string           `json:"displayCollectionName"`
	PrimaryIDAttribute    string           `json:"primaryIdAttribute"`
	PrimaryNameAttribute  string           `json:"primaryNameAttribute"`
	Attributes            []jsontext.Value `json:"attributes"`
}

type optionConfig struct {
	Value *int   `json:"value"`
	Label string `json:"label"`
}

type attributeConfig struct {
	LogicalName   string         `json:"logicalName"`
	DisplayName   string         `json:"displayName"`
	Type          string         `json:"type"`
	Format        string         `json:"format"`
	MaxLength     *int           `json:"maxLength"`
	MinValue      *float64       `json:"minValue"`
	MaxValue      *float64       `json:"maxValue"`
	Precision     *int           `json:"precision"`
	Options       []optionConfig `json:"options"`
	TrueLabel     string         `json:"trueLabel"`
	FalseLabel    string         `json:"falseLabel"`
	DefaultValue  jsontext.Value `json:"defaultValue"`
	Targets       []string       `json:"targets"`
	RequiredLevel string         `json:"requiredLevel"`
	Searchable    bool           `json:"searchable"`
}

const (
	entityFields    = "logicalName, entitySetName, displayName, displayCollectionName, primaryIdAttribute, primaryNameAttribute, attributes"
	attributeFields = "logicalName, displayName, type, format, maxLength, minValue, maxValue, precision, options, trueLabel, falseLabel, defaultValue, targets, requiredLevel, searchable"
	configTypes     = "String, Memo, Integer, Decimal, Money, Boolean, DateTime, Picklist, Lookup, Customer"
	maxDisplayLen   = 100
	maxOptions      = 1000
	maxFileBytes    = 4 << 20
)

// prefixPattern is a publisher prefix and underscore, as Dataverse requires
// of custom names: new_project, contoso_tier.
var prefixPattern = lazyre.New(`^[a-z][a-z0-9]{1,7}_[a-z0-9]`)

// Load returns the built-in entities plus the administrator's own entities
// and attributes from the entities file at path (docs/records.md documents
// its format). A missing file is no problem. Each fault is reported as a
// Problem and costs only what it touches: a bad attribute is left out, an
// entity with a bad name or primary attribute is left out, an unreadable
// or malformed file leaves the built-in entities alone.
func Load(path string) (*Catalog, []Problem) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return BuiltinCatalog(), nil
	}
	if err != nil {
		return BuiltinCatalog(), []Problem{{File: path, Message: fmt.Sprintf("cannot be read (%v); fix its permissions or remove it", err)}}
	}
	return Parse(path, data)
}

// Parse is Load for the file's content; file names it in problems.
func Parse(file string, data []byte) (*Catalog, []Problem) {
	l := loader{file: file}
	if len(data) > maxFileBytes {
		l.add("", "", "", "is larger than %d MiB; an entities file that large is a mistake: keep entity definitions only", maxFileBytes>>20)
		return BuiltinCatalog(), l.problems
	}
	var doc fileConfig
	if err := json.Unmarshal(data, &doc, json.RejectUnknownMembers(true)); err != nil {
		l.add("", "", "", "is not a valid entities file (%s); it takes \"entities\" (a list of your own entities) and \"attributes\" (your attributes of existing entities, by entity): see docs/records.md", decodeError(err))
		return BuiltinCatalog(), l.problems
	}
	entities := Builtin()
	byName := map[string]*Entity{}
	sets := map[string]string{}
	for _, e := range entities {
		e.index()
		byName[e.LogicalName] = e
		sets[e.EntitySetName] = e.LogicalName
	}

	// First the custom entities' names, so that lookups may point at any
	// of them whatever the order.
	type pending struct {
		cfg    entityConfig
		entity *Entity
	}
	var custom []pending
	for i, raw := range doc.Entities {
		var c entityConfig
		if err := json.Unmarshal(raw, &c, json.RejectUnknownMembers(true)); err != nil {
			l.add(entityLabel(raw, i), "", "", "is not a valid entity (%s); an entity takes %s", decodeError(err), entityFields)
			continue
		}
		e, ok := l.entity(c, byName, sets)
		if !ok {
			continue
		}
		byName[e.LogicalName] = e
		sets[e.EntitySetName] = e.LogicalName
		custom = append(custom, pending{c, e})
	}
	for _, p := range custom {
		l.attributes(p.entity, p.cfg.Attributes, byName, true)
		if p.entity.PrimaryName() == nil {
			// The primary name was defined and dropped for a fault.
			l.add(p.entity.LogicalName, "", "primaryNameAttribute", "names %s, which is not a valid String attribute (see the problem above); the entity is left out until it is", p.entity.PrimaryNameAttribute)
			delete(byName, p.entity.LogicalName)
			continue
		}
		entities = append(entities, p.entity)
	}
	for _, name := range sortedKeys(doc.Attributes) {
		e, ok := byName[name]
		if !ok {
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range byName {
					if !yield(n) {
						return
					}
				}
			})
			l.add(name, "", "", "is not an entity of the organisation, so its attributes are left out; the entities are %s", strings.Join(names, ", "))
			continue
		}
		l.attributes(e, doc.Attributes[name], byName, false)
	}
	// Lookups may only point at entities that made it.
	final := entities[:0]
	for _, e := range entities {
		if _, ok := byName[e.LogicalName]; ok {
			final = append(final, e)
		}
	}
	for _, e := range final {
		e.Attributes = slices.DeleteFunc(e.Attributes, func(a *Attribute) bool {
			for _, t := range a.Targets {
				if _, ok := byName[t.Entity]; !ok {
					l.add(e.LogicalName, a.LogicalName, "targets", "names %s, which was left out for the problem above; the attribute is left out until it is fixed", t.Entity)
					return true
				}
			}
			return false
		})
	}
	return newCatalog(final), l.problems
}

type loader struct {
	file     string
	problems []Problem
}

func (l *loader) add(entity, attribute, field, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: l.file, Entity: entity, Attribute: attribute, Field: field, Message: fmt.Sprintf(format, args...)})
}

// decodeError says where in the file a decoding error is.
func decodeError(err error) string {
	var se *json.SemanticError
	var sy *jsontext.SyntacticError
	switch {
	case errors.As(err, &sy):
		where := ""
		if sy.JSONPointer != "" {
			where = fmt.Sprintf(" at %s", sy.JSONPointer)
		}
		return fmt.Sprintf("%v%s, byte %d", sy.Err, where, sy.ByteOffset)
	case errors.As(err, &se):
		if se.Err != nil && strings.Contains(se.Err.Error(), "unknown object member") {
			return fmt.Sprintf("unknown field %q", lastPointerToken(string(se.JSONPointer)))
		}
		what := "a JSON " + se.JSONKind.String()
		if se.JSONKind == 0 {
			what = "that value"
		}
		return fmt.Sprintf("%s at %s cannot be %s", what, se.JSONPointer, goKind(se))
	}
	return err.Error()
}

func goKind(se *json.SemanticError) string {
	if se.GoType == nil {
		return "read"
	}
	switch se.GoType.String() {
	case "int", "*int":
		return "read as a whole number"
	case "float64", "*float64":
		return "read as a number"
	case "string":
		return "read as a string"
	case "bool":
		return "read as true or false"
	}
	if strings.HasPrefix(se.GoType.String(), "[]") {
		return "read as a list"
	}
	return "read as an object"
}

func lastPointerToken(p string) string {
	i := strings.LastIndexByte(p, '/')
	t := p[i+1:]
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
}

// entityLabel names an entity that could not be decoded: its logicalName
// if the raw value has one, else its place in the list.
func entityLabel(raw jsontext.Value, i int) string {
	var probe struct {
		LogicalName string `json:"logicalName"`
	}
	if json.Unmarshal(raw, &probe) == nil && probe.LogicalName != "" {
		return probe.LogicalName
	}
	return fmt.Sprintf("entities[%d]", i)
}

func (l *loader) entity(c entityConfig, byName map[string]*Entity, sets map[string]string) (*Entity, bool) {
	name := c.LogicalName
	switch {
	case name == "":
		l.add("(unnamed)", "", "logicalName", "is missing; every entity needs a logical name with your publisher prefix, such as new_project")
		return nil, false
	case !ValidName(name):
		l.add(name, "", "logicalName", "may hold only lower-case letters, digits and single underscores, start with a letter and be at most %d characters, as Dataverse's logical names: use for example new_project", MaxNameLength)
		return nil, false
	case byName[name] != nil && !byName[name].IsCustomEntity:
		l.add(name, "", "logicalName", "is a built-in entity; add attributes to it under \"attributes\": {%q: [...]}, or give your entity its own name such as new_%s", name, name)
		return nil, false
	case byName[name] != nil:
		l.add(name, "", "logicalName", "is defined twice; the later definition is left out: rename or remove one")
		return nil, false
	case !prefixPattern().MatchString(name):
		l.add(name, "", "logicalName", "has no publisher prefix; custom names start with one, as in Dataverse: new_%s", name)
		return nil, false
	}
	e := &Entity{
		LogicalName: name, EntitySetName: c.EntitySetName, DisplayName: c.DisplayName, DisplayCollectionName: c.DisplayCollectionName,
		PrimaryIDAttribute: c.PrimaryIDAttribute, PrimaryNameAttribute: c.PrimaryNameAttribute, IsCustomEntity: true,
		ObjectTypeCode: 10000 + len(sets),
	}
	if e.EntitySetName == "" {
		e.EntitySetName = name + "s"
	}
	if e.DisplayName == "" {
		e.DisplayName = name
	}
	if e.DisplayCollectionName == "" {
		e.DisplayCollectionName = e.DisplayName + "s"
	}
	if e.PrimaryIDAttribute == "" {
		e.PrimaryIDAttribute = name + "id"
	}
	if e.PrimaryNameAttribute == "" {
		e.PrimaryNameAttribute = name[:strings.IndexByte(name, '_')] + "_name"
	}
	for _, f := range []struct{ field, value string }{{"displayName", e.DisplayName}, {"displayCollectionName", e.DisplayCollectionName}} {
		if len([]rune(f.value)) > maxDisplayLen {
			l.add(name, "", f.field, "is longer than %d characters; shorten it", maxDisplayLen)
			return nil, false
		}
	}
	for _, f := range []struct{ field, value string }{{"entitySetName", e.EntitySetName}, {"primaryIdAttribute", e.PrimaryIDAttribute}, {"primaryNameAttribute", e.PrimaryNameAttribute}} {
		if !ValidName(f.value) {
			l.add(name, "", f.field, "is %q; it may hold only lower-case letters, digits and single underscores, start with a letter and be at most %d characters", clip(f.value), MaxNameLength)
			return nil, false
		}
	}
	if other, taken := sets[e.EntitySetName]; taken {
		l.add(name, "", "entitySetName", "is %q, which is already entity %s's; choose another, such as %ss", e.EntitySetName, other, name)
		return nil, false
	}
	if e.PrimaryIDAttribute == e.PrimaryNameAttribute {
		l.add(name, "", "primaryNameAttribute", "is the primary id attribute too; give the name its own attribute, such as %s", name[:strings.IndexByte(name, '_')]+"_name")
		return nil, false
	}
	primaryName := searchable(required(RequiredApplication, str(e.PrimaryNameAttribute, "Name", FormatText, 100)))
	primaryName.Custom = true
	e.Attributes = attrs([]*Attribute{id(e.PrimaryIDAttribute, e.DisplayName), primaryName}, activeInactive(), system())
	e.index()
	return e, true
}

// attributes adds the configured attributes to an entity. own is true for
// the attributes of a custom entity, which may define its primary name
// attribute themselves.
func (l *loader) attributes(e *Entity, raws []jsontext.Value, byName map[string]*Entity, own bool) {
	seen := map[string]bool{}
	for i, raw := range raws {
		var c attributeConfig
		if err := json.Unmarshal(raw, &c, json.RejectUnknownMembers(true)); err != nil {
			l.add(e.LogicalName, attributeLabel(raw, i), "", "is not a valid attribute (%s); an attribute takes %s", decodeError(err), attributeFields)
			continue
		}
		if seen[c.LogicalName] && c.LogicalName != "" {
			l.add(e.LogicalName, c.LogicalName, "logicalName", "is defined twice; the later definition is left out: rename or remove one")
			continue
		}
		seen[c.LogicalName] = true
		if own && c.LogicalName == e.PrimaryNameAttribute && c.LogicalName != "" {
			// A custom entity may define its primary name attribute, a
			// String, to choose its length and label.
			if c.Type != string(String) {
				l.add(e.LogicalName, c.LogicalName, "type", "is %q, but %s is the entity's primary name attribute, which is a String", c.Type, c.LogicalName)
				e.Attributes = slices.DeleteFunc(e.Attributes, func(a *Attribute) bool { return a.LogicalName == c.LogicalName })
				e.index()
				continue
			}
			a, ok := l.attribute(e, c, byName)
			i := slices.IndexFunc(e.Attributes, func(x *Attribute) bool { return x.LogicalName == c.LogicalName })
			if !ok {
				e.Attributes = slices.Delete(e.Attributes, i, i+1)
			} else {
				a.Searchable = true
				if a.RequiredLevel == RequiredNone && c.RequiredLevel == "" {
					a.RequiredLevel = RequiredApplication
				}
				e.Attributes[i] = a
			}
			e.index()
			continue
		}
		switch {
		case c.LogicalName == "":
			l.add(e.LogicalName, fmt.Sprintf("attributes[%d]", i), "logicalName", "is missing; every attribute needs a logical name with your publisher prefix, such as new_tier")
			continue
		case !ValidName(c.LogicalName):
			l.add(e.LogicalName, clip(c.LogicalName), "logicalName", "may hold only lower-case letters, digits and single underscores, start with a letter and be at most %d characters: use for example new_tier", MaxNameLength)
			continue
		case e.byName[c.LogicalName] != nil:
			l.add(e.LogicalName, c.LogicalName, "logicalName", "is already an attribute of %s; give yours another name, such as new_%s", e.LogicalName, c.LogicalName)
			continue
		case !prefixPattern().MatchString(c.LogicalName):
			l.add(e.LogicalName, c.LogicalName, "logicalName", "has no publisher prefix; custom names start with one, as in Dataverse: new_%s", c.LogicalName)
			continue
		}
		a, ok := l.attribute(e, c, byName)
		if !ok {
			continue
		}
		if clash := l.navigationClash(e, a); clash {
			continue
		}
		e.Attributes = append(e.Attributes, a)
		e.index()
	}
}

func attributeLabel(raw jsontext.Value, i int) string {
	var probe struct {
		LogicalName string `json:"logicalName"`
	}
	if json.Unmarshal(raw, &probe) == nil && probe.LogicalName != "" {
		return clip(probe.LogicalName)
	}
	return fmt.Sprintf("attributes[%d]", i)
}

func (l *loader) navigationClash(e *Entity, a *Attribute) bool {
	for _, t := range a.Targets {
		if other, _, taken := e.Navigation(t.Navigation); taken {
			l.add(e.LogicalName, a.LogicalName, "logicalName", "makes the navigation property %s, which %s already has; rename the attribute", t.Navigation, other.LogicalName)
			return true
		}
		if _, taken := e.byName[t.Navigation]; taken && t.Navigation != a.LogicalName {
			l.add(e.LogicalName, a.LogicalName, "logicalName", "makes the navigation property %s, which is the name of another attribute; rename the attribute", t.Navigation)
			return true
		}
	}
	return false
}

// attribute validates one attribute definition.
func (l *loader) attribute(e *Entity, c attributeConfig, byName map[string]*Entity) (*Attribute, bool) {
	name := c.LogicalName
	bad := func(field, format string, args ...any) (*Attribute, bool) {
		l.add(e.LogicalName, name, field, format, args...)
		return nil, false
	}
	a := &Attribute{LogicalName: name, DisplayName: c.DisplayName, Type: Type(c.Type), Format: c.Format, RequiredLevel: c.RequiredLevel, Searchable: c.Searchable, Custom: true}
	if a.DisplayName == "" {
		a.DisplayName = name
	}
	if len([]rune(a.DisplayName)) > maxDisplayLen {
		return bad("displayName", "is longer than %d characters; shorten it", maxDisplayLen)
	}
	switch a.RequiredLevel {
	case "":
		a.RequiredLevel = RequiredNone
	case RequiredNone, RequiredApplication, RequiredSystem:
	default:
		return bad("requiredLevel", "is %q; use None, ApplicationRequired (forms ask for it) or SystemRequired (a record cannot be created without it)", clip(c.RequiredLevel))
	}
	// Fields that only some types take.
	unused := func(field string, set bool, types string) bool {
		if set {
			l.add(e.LogicalName, name, field, "does not apply to a %s attribute (only to %s); remove it", c.Type, types)
		}
		return set
	}
	t := a.Type
	if unused("maxLength", c.MaxLength != nil && !t.IsText(), "String and Memo") ||
		unused("minValue", c.MinValue != nil && !t.IsNumber(), "Integer, Decimal and Money") ||
		unused("maxValue", c.MaxValue != nil && !t.IsNumber(), "Integer, Decimal and Money") ||
		unused("precision", c.Precision != nil && t != Decimal && t != Money, "Decimal and Money") ||
		unused("options", c.Options != nil && t != Picklist, "Picklist") ||
		unused("trueLabel", c.TrueLabel != "" && t != Boolean, "Boolean") ||
		unused("falseLabel", c.FalseLabel != "" && t != Boolean, "Boolean") ||
		unused("defaultValue", len(c.DefaultValue) > 0 && t != Boolean && t != Picklist, "Boolean and Picklist") ||
		unused("targets", c.Targets != nil && !t.IsLookup(), "Lookup and Customer") ||
		unused("format", c.Format != "" && t != String && t != Memo && t != Integer && t != DateTime, "String, Memo, Integer and DateTime") {
		return nil, false
	}
	switch t {
	case String, Memo:
		formats, def, ceiling, defLen := []string{FormatText, FormatEmail, FormatPhone, FormatURL, FormatTextArea, FormatTickerSymbol}, FormatText, MaxStringLength, 100
		if t == Memo {
			formats, def, ceiling, defLen = []string{FormatTextArea}, FormatTextArea, MaxMemoLength, 2000
		}
		if a.Format == "" {
			a.Format = def
		} else if !slices.Contains(formats, a.Format) {
			return bad("format", "is %q; a %s takes %s", clip(a.Format), t, strings.Join(formats, ", "))
		}
		a.MaxLength = defLen
		if c.MaxLength != nil {
			if *c.MaxLength < 1 || *c.MaxLength > ceiling {
				return bad("maxLength", "is %d; use a length from 1 to %d characters", *c.MaxLength, ceiling)
			}
			a.MaxLength = *c.MaxLength
		}
	case Integer, Decimal, Money:
		lo, hi := float64(MinInteger), float64(MaxInteger)
		switch t {
		case Decimal:
			lo, hi = -MaxDecimal, MaxDecimal
		case Money:
			lo, hi = -MaxMoney, MaxMoney
		}
		a.MinValue, a.MaxValue = lo, hi
		if c.MinValue != nil {
			a.MinValue = *c.MinValue
		}
		if c.MaxValue != nil {
			a.MaxValue = *c.MaxValue
		}
		switch {
		case a.MinValue < lo || a.MinValue > hi:
			return bad("minValue", "is %v; a %s's values lie from %v to %v", a.MinValue, t, lo, hi)
		case a.MaxValue < lo || a.MaxValue > hi:
			return bad("maxValue", "is %v; a %s's values lie from %v to %v", a.MaxValue, t, lo, hi)
		case a.MinValue > a.MaxValue:
			return bad("minValue", "is %v, more than maxValue %v; swap them", a.MinValue, a.MaxValue)
		case t == Integer && (a.MinValue != float64(int64(a.MinValue)) || a.MaxValue != float64(int64(a.MaxValue))):
			return bad("minValue", "and maxValue of an Integer must be whole numbers")
		}
		if t == Integer {
			if a.Format == "" {
				a.Format = FormatNone
			} else if a.Format != FormatNone && a.Format != FormatDuration {
				return bad("format", "is %q; an Integer takes None or Duration", clip(a.Format))
			}
		}
		if t != Integer {
			ceiling := MaxPrecision
			if t == Money {
				ceiling = MaxMoneyDigits
			}
			a.Precision = 2
			if c.Precision != nil {
				if *c.Precision < 0 || *c.Precision > ceiling {
					return bad("precision", "is %d; a %s takes 0 to %d decimal places", *c.Precision, t, ceiling)
				}
				a.Precision = *c.Precision
			}
		}
	case Boolean:
		trueLabel, falseLabel := c.TrueLabel, c.FalseLabel
		if trueLabel == "" {
			trueLabel = "Yes"
		}
		if falseLabel == "" {
			falseLabel = "No"
		}
		if len([]rune(trueLabel)) > maxDisplayLen || len([]rune(falseLabel)) > maxDisplayLen {
			return bad("trueLabel", "or falseLabel is longer than %d characters; shorten it", maxDisplayLen)
		}
		a.Options = []Option{{Value: 0, Label: falseLabel}, {Value: 1, Label: trueLabel}}
		a.Default = ptr(0)
		if len(c.DefaultValue) > 0 {
			var v bool
			if json.Unmarshal(c.DefaultValue, &v) != nil {
				return bad("defaultValue", "is %s; a Boolean's default is true or false", clip(string(c.DefaultValue)))
			}
			if v {
				a.Default = ptr(1)
			}
		}
	case DateTime:
		if a.Format == "" {
			a.Format = FormatDateAndTime
		} else if a.Format != FormatDateOnly && a.Format != FormatDateAndTime {
			return bad("format", "is %q; a DateTime takes DateOnly or DateAndTime", clip(a.Format))
		}
	case Picklist:
		if len(c.Options) == 0 {
			return bad("options", "is missing; a Picklist needs its options, such as [{\"value\": 100000000, \"label\": \"Gold\"}]")
		}
		if len(c.Options) > maxOptions {
			return bad("options", "has %d options; at most %d", len(c.Options), maxOptions)
		}
		values, labels := map[int]bool{}, map[string]bool{}
		for i, o := range c.Options {
			switch {
			case o.Value == nil:
				return bad(fmt.Sprintf("options[%d].value", i), "is missing; give each option a whole number, such as %d", 100000000+i)
			case o.Label == "":
				return bad(fmt.Sprintf("options[%d].label", i), "is missing; give each option the label agents see")
			case len([]rune(o.Label)) > maxDisplayLen:
				return bad(fmt.Sprintf("options[%d].label", i), "is longer than %d characters; shorten it", maxDisplayLen)
			case values[*o.Value]:
				return bad(fmt.Sprintf("options[%d].value", i), "is %d, which an earlier option has; give each option its own value", *o.Value)
			case labels[o.Label]:
				return bad(fmt.Sprintf("options[%d].label", i), "is %q, which an earlier option has; give each option its own label", o.Label)
			}
			values[*o.Value], labels[o.Label] = true, true
			a.Options = append(a.Options, Option{Value: *o.Value, Label: o.Label})
		}
		if len(c.DefaultValue) > 0 {
			var v int
			if json.Unmarshal(c.DefaultValue, &v) != nil || !values[v] {
				return bad("defaultValue", "is %s; it must be the value of one of the options", clip(string(c.DefaultValue)))
			}
			a.Default = ptr(v)
		}
	case Lookup, Customer:
		targets := c.Targets
		if t == Customer {
			if targets != nil && !slices.Equal(slices.Sorted(slices.Values(targets)), []string{"account", "contact"}) {
				return bad("targets", "is %v; a Customer points at account and contact: leave targets out, or use a Lookup", targets)
			}
			targets = []string{"account", "contact"}
		}
		if len(targets) == 0 {
			return bad("targets", "is missing; a Lookup names the entities it points at, such as [\"account\"]")
		}
		seen := map[string]bool{}
		for _, target := range targets {
			if seen[target] {
				return bad("targets", "names %s twice; name each entity once", target)
			}
			seen[target] = true
			if _, ok := byName[target]; !ok {
				return bad("targets", "names %q, which is not an entity of the organisation; use one of %s", clip(target), strings.Join(sortedKeys(byName), ", "))
			}
			nav := name
			if len(targets) > 1 {
				nav = name + "_" + target
			}
			a.Targets = append(a.Targets, Target{Entity: target, Navigation: nav})
		}
	case "":
		return bad("type", "is missing; use one of %s", configTypes)
	case State, Status, Uniqueidentifier, BigInt:
		return bad("type", "is %s, which only the organisation's own attributes have; use one of %s", t, configTypes)
	default:
		return bad("type", "is %q; use one of %s", clip(c.Type), configTypes)
	}
	if a.Searchable && t != String && t != Memo {
		return bad("searchable", "applies to String and Memo attributes only; relevance search reads text")
	}
	return a, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
