package records

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Data is a record's data as the Web API takes it: attribute logical
// names to values, and "<navigation>@odata.bind" keys to "/<set>(<id>)".
// Values are what DecodeData makes of JSON (string, json.Number, bool,
// nil) or Go values a caller builds (int, int64, float64, time.Time).
type Data map[string]any

// Ref is a lookup's value on its way in: the target entity and id.
type Ref struct {
	Entity string
	ID     string
}

// MaxDataBytes bounds the JSON of one record's data.
const MaxDataBytes = 1 << 20

// unsupported stands for a JSON object or array, which no attribute takes.
type unsupported string

// DecodeData reads a record's data from the JSON CIF passes (createRecord's
// and updateRecord's data). It must be one object, with each key once.
func DecodeData(raw []byte) (Data, error) {
	if len(raw) > MaxDataBytes {
		return nil, Invalid("the data is %d bytes; a record's data may be at most %d: send less", len(raw), MaxDataBytes)
	}
	var fields map[string]jsontext.Value
	if err := jsonv2.Unmarshal(raw, &fields); err != nil {
		return nil, Invalid("the data is not a JSON object of attributes (%s); pass one, such as {\"firstname\":\"Ann\"}", jsonError(err))
	}
	if fields == nil {
		return nil, Invalid("the data is null; pass a JSON object of attributes, such as {\"firstname\":\"Ann\"}")
	}
	d := make(Data, len(fields))
	for k, v := range fields {
		switch v.Kind() {
		case '"':
			var s string
			if err := jsonv2.Unmarshal(v, &s); err != nil {
				return nil, Invalid("the data's %q is not a valid JSON string (%v)", errcode.Clip(k), err)
			}
			d[k] = s
		case '0':
			d[k] = json.Number(v)
		case 't', 'f':
			d[k] = v.Kind() == 't'
		case 'n':
			d[k] = nil
		case '{':
			d[k] = unsupported("an object")
		case '[':
			d[k] = unsupported("a list")
		}
	}
	return d, nil
}

func jsonError(err error) string {
	var sy *jsontext.SyntacticError
	var se *jsonv2.SemanticError
	switch {
	case errors.As(err, &sy) && sy.Err != nil:
		return fmt.Sprintf("%v at byte %d", sy.Err, sy.ByteOffset)
	case errors.As(err, &se):
		return "it is " + kindName(se.JSONKind)
	}
	return err.Error()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	}
	return "not an object"
}

// Change is data checked against an entity: typed values by attribute
// logical name (nil clears a value; a lookup's value is a Ref) and, on
// create, the primary id the caller chose.
type Change struct {
	Entity *metadata.Entity
	ID     string
	Values map[string]any

	catalog *metadata.Catalog
}

// Lookups returns the lookups the change sets, by attribute, in the
// entity's attribute order, for the store to check that they exist.
func (c *Change) Lookups() []Ref {
	var refs []Ref
	for _, a := range c.Entity.Attributes {
		if r, ok := c.Values[a.LogicalName].(Ref); ok {
			refs = append(refs, r)
		}
	}
	return refs
}

// Prepare checks data against the entity and types its values. current is
// the record's current values (as a store reads them) for an update, nil
// for a create. It fills in what the organisation computes: defaults,
// statecode and statuscode from each other, contact's fullname.
func Prepare(cat *metadata.Catalog, e *metadata.Entity, data Data, current map[string]any) (*Change, error) {
	create := current == nil
	c := &Change{Entity: e, Values: map[string]any{}, catalog: cat}
	for _, key := range sortedKeys(data) {
		v := data[key]
		if nav, ok := strings.CutSuffix(key, "@odata.bind"); ok {
			if err := c.bind(nav, v); err != nil {
				return nil, err
			}
			continue
		}
		if strings.Contains(key, "@") {
			// An instance annotation (a formatted value, an ETag) from a
			// record read earlier: it describes a value, it is not one.
			continue
		}
		a, ok := e.Attribute(key)
		switch {
		case !ok:
			return nil, c.unknownAttribute(key)
		case a.Type.IsLookup():
			return nil, Invalid("%s is a lookup; set it with %s, as the Web API does", key, c.bindExample(a))
		case a.LogicalName == e.PrimaryIDAttribute:
			id, isString := v.(string)
			g, valid := ParseGUID(id)
			switch {
			case !isString || !valid:
				return nil, Invalid("%s is the %s's id, a GUID such as 00000000-0000-0000-0000-000000000001, not %s", key, e.LogicalName, describe(v))
			case !create && g != current[key]:
				return nil, Invalid("%s is the record's id, which cannot change; leave it out of the update", key)
			}
			c.ID = g
			continue
		case a.ReadOnly:
			return nil, Invalid("%s is set by the organisation, not by callers%s; leave it out", key, readOnlyHint(e, a))
		}
		value, err := convert(a, v)
		if err != nil {
			return nil, err
		}
		c.Values[key] = value
	}
	if err := c.states(); err != nil {
		return nil, err
	}
	if create {
		for _, a := range e.Attributes {
			if _, set := c.Values[a.LogicalName]; !set && a.Default != nil {
				c.Values[a.LogicalName] = defaultValue(a)
			}
		}
	}
	c.compute(current)
	for _, a := range e.Attributes {
		if a.RequiredLevel != metadata.RequiredSystem || a.LogicalName == e.PrimaryIDAttribute {
			continue
		}
		v, set := c.Values[a.LogicalName]
		if (create && !set || set) && v == nil {
			verb := "needs"
			if !create {
				verb = "cannot clear"
			}
			how := "set " + a.LogicalName
			if a.Type.IsLookup() {
				how = "set it with " + c.bindExample(a)
			}
			return nil, Invalid("a %s %s %s (%s): %s", e.LogicalName, verb, a.LogicalName, a.DisplayName, how)
		}
	}
	return c, nil
}

func sortedKeys(d Data) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (c *Change) unknownAttribute(key string) error {
	e := c.Entity
	if strings.HasPrefix(key, "_") && strings.HasSuffix(key, "_value") {
		if a, ok := e.Attribute(strings.TrimSuffix(strings.TrimPrefix(key, "_"), "_value")); ok && a.Type.IsLookup() {
			return Invalid("%s is read-only in the Web API; set the lookup with %s", key, c.bindExample(a))
		}
	}
	var names []string
	for _, a := range e.Attributes {
		if !a.ReadOnly && !a.Type.IsLookup() {
			names = append(names, a.LogicalName)
		}
	}
	names = append(names, e.NavigationNames()...)
	hint := "; its attributes are " + strings.Join(names, ", ")
	if close := metadata.Closest(key, names, 3); len(close) > 0 {
		hint = "; did you mean " + strings.Join(close, " or ") + "?"
	}
	return Invalid("entity %s has no attribute %q%s", e.LogicalName, errcode.Clip(key), hint)
}

func (c *Change) bindExample(a *metadata.Attribute) string {
	var parts []string
	for _, t := range a.Targets {
		parts = append(parts, fmt.Sprintf(`"%s@odata.bind": "/%s(<id>)"`, t.Navigation, c.setName(t.Entity)))
	}
	return strings.Join(parts, " or ")
}

func (c *Change) setName(entity string) string {
	if t, ok := c.catalog.Entity(entity); ok {
		return t.EntitySetName
	}
	return entity + "s"
}

func readOnlyHint(e *metadata.Entity, a *metadata.Attribute) string {
	switch {
	case e.LogicalName == "contact" && a.LogicalName == "fullname":
		return " (it is made from firstname and lastname: set those)"
	case a.LogicalName == "ticketnumber":
		return " (each case gets the next number, CAS-…)"
	}
	return ""
}

// bind reads "<nav>@odata.bind": "/<set>(<id>)".
func (c *Change) bind(nav string, v any) error {
	e := c.Entity
	a, target, ok := e.Navigation(nav)
	if !ok {
		navs := e.NavigationNames()
		hint := "it has no lookups"
		if len(navs) > 0 {
			hint = "its navigation properties are " + strings.Join(navs, ", ")
		}
		if close := metadata.Closest(nav, navs, 3); len(close) > 0 {
			hint = "did you mean " + strings.Join(close, " or ") + "?"
		}
		return Invalid("entity %s has no navigation property %q for @odata.bind; %s", e.LogicalName, errcode.Clip(nav), hint)
	}
	if prev, set := c.Values[a.LogicalName]; set {
		switch {
		case v == nil:
			return nil // the other target's bind to null leaves this one
		case prev != nil:
			return Invalid("%s@odata.bind and another binding both set %s; bind it once", nav, a.LogicalName)
		}
	}
	if v == nil {
		c.Values[a.LogicalName] = nil
		return nil
	}
	s, isString := v.(string)
	if !isString {
		return Invalid(`%s@odata.bind must be a string such as "/%s(<id>)", not %s`, nav, c.setName(target.Entity), describe(v))
	}
	set, id, ok := parseBindPath(s)
	if !ok {
		return Invalid(`%s@odata.bind is %q; write the record's address as "/<entity set>(<id>)", such as "/%s(00000000-0000-0000-0000-000000000001)"`, nav, errcode.Clip(s), c.setName(target.Entity))
	}
	gid, valid := ParseGUID(id)
	if !valid {
		return Invalid("%s@odata.bind names the id %q, which is not a GUID", nav, errcode.Clip(id))
	}
	if want := c.setName(target.Entity); set != want {
		return Invalid(`%s@odata.bind names the entity set %q, but %s points at %s, whose set is %s: write "/%s(<id>)"`,
			nav, errcode.Clip(set), nav, target.Entity, want, want)
	}
	c.Values[a.LogicalName] = Ref{Entity: target.Entity, ID: gid}
	return nil
}

// parseBindPath reads "/contacts(<id>)", "contacts(<id>)" or a full
// address ending in it.
func parseBindPath(s string) (set, id string, ok bool) {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		s = u.Path
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	open := strings.IndexByte(s, '(')
	if open <= 0 || !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	return s[:open], strings.Trim(s[open+1:len(s)-1], "'"), true
}

func defaultValue(a *metadata.Attribute) any {
	if a.Type == metadata.Boolean {
		return *a.Default == 1
	}
	return int64(*a.Default)
}

// states makes statecode and statuscode agree, as Dataverse keeps them.
func (c *Change) states() error {
	e := c.Entity
	stateAttr, hasState := e.Attribute("statecode")
	statusAttr, hasStatus := e.Attribute("statuscode")
	if !hasState || !hasStatus {
		return nil
	}
	state, stateSet := c.Values["statecode"]
	status, statusSet := c.Values["statuscode"]
	if stateSet && state == nil || statusSet && status == nil {
		return Invalid("statecode and statuscode cannot be cleared; set a value, such as statecode 0 (%s)", stateAttr.Options[0].Label)
	}
	switch {
	case statusSet && stateSet:
		so, _ := statusAttr.Option(int(status.(int64)))
		if int64(so.State) != state.(int64) {
			st, _ := stateAttr.Option(so.State)
			cur, _ := stateAttr.Option(int(state.(int64)))
			return Invalid("statuscode %d (%s) belongs to statecode %d (%s), not %d (%s); set the matching pair, or statuscode alone",
				so.Value, so.Label, st.Value, st.Label, cur.Value, cur.Label)
		}
	case statusSet:
		so, _ := statusAttr.Option(int(status.(int64)))
		c.Values["statecode"] = int64(so.State)
	case stateSet:
		so, _ := stateAttr.Option(int(state.(int64)))
		c.Values["statuscode"] = int64(so.DefaultStatus)
	}
	return nil
}

// compute fills in contact's fullname from firstname and lastname.
func (c *Change) compute(current map[string]any) {
	if c.Entity.LogicalName != "contact" {
		return
	}
	first, firstSet := c.Values["firstname"]
	last, lastSet := c.Values["lastname"]
	if current != nil && !firstSet && !lastSet {
		return
	}
	if !firstSet && current != nil {
		first = current["firstname"]
	}
	if !lastSet && current != nil {
		last = current["lastname"]
	}
	var parts []string
	for _, p := range []any{first, last} {
		if s, ok := p.(string); ok && strings.TrimSpace(s) != "" {
			parts = append(parts, strings.TrimSpace(s))
		}
	}
	if len(parts) == 0 {
		c.Values["fullname"] = nil
		return
	}
	c.Values["fullname"] = strings.Join(parts, " ")
}

// describe says what a caller gave, for messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the text %q", errcode.Clip(v))
	case json.Number:
		return "the number " + errcode.Clip(string(v))
	case int, int64, float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return strconv.FormatBool(v)
	case unsupported:
		return string(v)
	case time.Time:
		return "the time " + v.Format(time.RFC3339)
	}
	return fmt.Sprintf("a %T", v)
}

// convert types a value for an attribute, or says what was expected.
func convert(a *metadata.Attribute, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	name := a.LogicalName
	wrong := func(want string) error {
		return Invalid("%s is a %s: give %s, not %s", name, typeName(a), want, describe(v))
	}
	switch t := a.Type; {
	case t.IsText():
		s, ok := v.(string)
		if !ok {
			return nil, wrong("text")
		}
		if s == "" {
			return nil, nil // Dataverse keeps no empty strings
		}
		if n := utf8.RuneCountInString(s); n > a.MaxLength {
			return nil, Invalid("%s is %d characters long; its maximum is %d: shorten it", name, n, a.MaxLength)
		}
		if strings.ContainsRune(s, 0) {
			// PostgreSQL's text cannot hold it; SQLite's refuses it too,
			// so that both organisations take the same values.
			return nil, Invalid("%s holds a NUL character (U+0000), which the organisation does not store: remove it", name)
		}
		return s, nil
	case t == metadata.Integer:
		n, ok := wholeNumber(v)
		if !ok {
			return nil, wrong("a whole number")
		}
		if float64(n) < a.MinValue || float64(n) > a.MaxValue {
			return nil, Invalid("%s is %d; it takes %s to %s", name, n, formatNumber(a.MinValue, 0), formatNumber(a.MaxValue, 0))
		}
		return n, nil
	case t == metadata.Decimal || t == metadata.Money:
		f, ok := number(v)
		if !ok {
			return nil, wrong("a number")
		}
		if f < a.MinValue || f > a.MaxValue {
			return nil, Invalid("%s is %v; it takes %s to %s", name, f, formatNumber(a.MinValue, a.Precision), formatNumber(a.MaxValue, a.Precision))
		}
		scale := math.Pow10(a.Precision)
		return math.Round(f*scale) / scale, nil
	case t == metadata.Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, wrong(fmt.Sprintf("true (%s) or false (%s)", a.BooleanLabel(true), a.BooleanLabel(false)))
		}
		return b, nil
	case t == metadata.DateTime:
		if tv, ok := v.(time.Time); ok {
			return normaliseTime(a, tv), nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, wrong(dateExample(a))
		}
		tv, err := ParseDateTime(a, s)
		if err != nil {
			return nil, Invalid("%s is %q, which is not %s", name, errcode.Clip(s), dateExample(a))
		}
		return tv, nil
	case t.IsOptionSet():
		n, ok := wholeNumber(v)
		if !ok {
			return nil, wrong("an option's value: " + optionList(a))
		}
		if _, found := a.Option(int(n)); !found || n != int64(int(n)) {
			return nil, Invalid("%s is %d, which is not one of its options: %s", name, n, optionList(a))
		}
		return n, nil
	case t == metadata.Uniqueidentifier:
		s, _ := v.(string)
		g, ok := ParseGUID(s)
		if !ok {
			return nil, wrong("a GUID")
		}
		return g, nil
	}
	return nil, Invalid("%s cannot be written", name)
}

func typeName(a *metadata.Attribute) string {
	switch a.Type {
	case metadata.String:
		return fmt.Sprintf("String (%s, at most %d characters)", a.Format, a.MaxLength)
	case metadata.Memo:
		return fmt.Sprintf("Memo (at most %d characters)", a.MaxLength)
	case metadata.DateTime:
		return fmt.Sprintf("DateTime (%s)", a.Format)
	}
	return string(a.Type)
}

func dateExample(a *metadata.Attribute) string {
	if a.Format == metadata.FormatDateOnly {
		return "a date such as \"2024-01-31\""
	}
	return "a date and time such as \"2024-01-31T10:00:00Z\""
}

func optionList(a *metadata.Attribute) string {
	var parts []string
	for i, o := range a.Options {
		if i == 12 {
			parts = append(parts, fmt.Sprintf("… (%d in all; getEntityMetadata lists them)", len(a.Options)))
			break
		}
		parts = append(parts, fmt.Sprintf("%d (%s)", o.Value, o.Label))
	}
	return strings.Join(parts, ", ")
}

func wholeNumber(v any) (int64, bool) {
	switch v := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return n, true
		}
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, false
		}
		return int64(f), true
	case int:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return 0, false
		}
		return int64(v), true
	}
	return 0, false
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return f, err == nil && !math.IsInf(f, 0)
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	return 0, false
}

// ParseDateTime reads a DateTime attribute's value: a date (2024-01-31)
// for DateOnly, a date and time in RFC 3339 (or a date, meaning midnight
// UTC) for DateAndTime. Times are kept in UTC, to the second.
func ParseDateTime(a *metadata.Attribute, s string) (time.Time, error) {
	if a.Format == metadata.FormatDateOnly {
		return time.Parse(time.DateOnly, s)
	}
	if len(s) == len(time.DateOnly) {
		return time.Parse(time.DateOnly, s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return normaliseTime(a, t), nil
}

func normaliseTime(a *metadata.Attribute, t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second)
	if a.Format == metadata.FormatDateOnly {
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return t
}

// ParseGUID reads a GUID, with or without braces, in either case, and
// returns it in the Web API's form: lower case, hyphenated.
func ParseGUID(s string) (string, bool) {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return "", false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return "", false
		}
	}
	return strings.ToLower(s), true
}
