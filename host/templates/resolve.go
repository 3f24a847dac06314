package templates

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cifbridge/cif-bridge/internal/lazyre"
)

// Slug syntax. A slug is `{name}` with no braces or double quotes inside,
// so `{a}{b}` is two slugs and a JSON text such as `{"name":"{customer}"}`
// keeps its own braces while the slug inside it resolves. A Dataverse query
// `{$odata.…}` (any letter case, as Dynamics reads it) may nest slugs one
// level deep; anySlug matches either kind, so that one pass resolves both
// and no inserted value is ever resolved again.
var (
	slugPattern = lazyre.New(`\{([^{}"]*)\}`)
	anySlug     = lazyre.New(`\{(?i:\$odata)\.(?:[^{}]|\{[^{}]*\})*\}|\{[^{}"]*\}`)
)

// Values are what a slug or a parameter can be resolved from, most
// specific first.
type Values struct {
	// Input holds the values a call passes for itself, such as the input
	// of setSessionTitle or setTabTitle. It wins over everything else.
	Input map[string]any
	// Params are a session's templateParameters: top-level keys are global;
	// a key equal to an application tab template's unique name holds an
	// object of values for that tab only.
	Params map[string]any
	// Anchor holds the anchor tab's resolved parameters, for {anchor.x}.
	Anchor map[string]any
	// Session holds values the session itself provides (customerName,
	// sessionId), used when nothing more specific is given.
	Session map[string]any
	// OData answers {$odata…} slugs; with none they are empty.
	OData OData
}

// lookup finds a slug's value in scope: the call's input, the scope's own
// parameters, the global parameters, then the session's values.
func (v Values) lookup(scope, name string) (any, bool) {
	if rest, ok := strings.CutPrefix(name, "anchor."); ok {
		val, found := v.Anchor[rest]
		return val, found
	}
	if val, ok := v.Input[name]; ok {
		return val, true
	}
	if scoped, ok := v.Params[scope].(map[string]any); ok && scope != "" {
		if val, ok := scoped[name]; ok {
			return val, true
		}
	}
	if val, ok := v.Params[name]; ok {
		return val, true
	}
	val, ok := v.Session[name]
	return val, ok
}

// MaxResolved is the most bytes a string may grow to by resolving its
// slugs. A value is inserted once per slug, so a 1 MiB call naming the
// same large value many times could otherwise ask for gigabytes.
const MaxResolved = 1 << 20

// Resolve replaces every slug in s, a template's own text (a title), with
// its value in scope (a template's unique name, or "" for global only).
// The rules, from CIF:
//   - {name}: the scope's parameters first, then global ones;
//   - {anchor.name}: the anchor tab's resolved parameter;
//   - {$session.x.name}, {$oc.x.name}: resolved as {name};
//   - {$odata.entity.attribute.?options}: what v.OData answers (see
//     OData); at most MaxODataSlugs of them in one text, the others empty;
//   - any other {$…}, and anything unresolved: empty.
//
// Values are inserted as they are: a slug inside a value stays text. Slugs
// that would take the result past MaxResolved resolve to empty.
func (v Values) Resolve(s, scope string) string {
	out, _ := v.resolveWithin(s, scope, MaxResolved, true)
	return out
}

// resolveWithin resolves s, cutting the result short at limit bytes.
// Only a template's own text (own) may query the organisation: in a value
// a page passed, {$odata…} is empty, so that no page can make a template
// read records for it.
func (v Values) resolveWithin(s, scope string, limit int, own bool) (string, bool) {
	if !strings.Contains(s, "{") {
		return s, len(s) > limit
	}
	size, cut, queries := len(s), false, 0
	out := anySlug().ReplaceAllStringFunc(s, func(slug string) string {
		name := strings.TrimSpace(slug[1 : len(slug)-1])
		if name == "" {
			return slug
		}
		size -= len(slug)
		if cut {
			return ""
		}
		var text string
		if isOData(name) {
			if !own || queries == MaxODataSlugs {
				return ""
			}
			queries++
			text = v.odata(name, scope)
		} else {
			text, _ = v.value(name, scope)
		}
		if size+len(text) > limit {
			cut = true
			return ""
		}
		size += len(text)
		return text
	})
	return out, cut
}

// value is the text of a plain slug's value, and whether it has one.
func (v Values) value(name, scope string) (string, bool) {
	if strings.HasPrefix(name, "$session.") || strings.HasPrefix(name, "$oc.") {
		name = name[strings.LastIndexByte(name, '.')+1:]
	} else if strings.HasPrefix(name, "$") {
		return "", false
	}
	val, ok := v.lookup(scope, name)
	if !ok {
		return "", false
	}
	return Text(val), true
}

// Text renders a parameter value as slug text: strings as they are,
// numbers without exponent noise, booleans as true/false, null as empty,
// and objects or arrays as JSON.
func Text(val any) string {
	switch x := val.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(val)
	if err != nil {
		return ""
	}
	return string(b)
}

// ParamError says which parameter of which tab could not take its value.
type ParamError struct {
	Tab, Param string
	Type       ParamType
	Value      string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("parameter %q of tab template %q must be a %s, but resolves to %q; pass a %s in templateParameters", e.Param, e.Tab, e.Type, e.Value, e.Type)
}

// TabParams resolves a tab template's parameters: a value passed for the
// tab (templateParameters[tab][name]) wins over a global one
// (templateParameters[name]), which wins over the configured value; strings
// then have their slugs resolved in the tab's scope and are converted to
// the parameter's type. Parameters with no value are left out.
func (v Values) TabParams(t *Tab) (map[string]any, error) {
	specs, _ := t.PageType.Params()
	out := make(map[string]any, len(specs))
	scoped, _ := v.Params[t.UniqueName].(map[string]any)
	for _, spec := range specs {
		raw, own, ok := v.param(scoped, t, spec.Name)
		if !ok {
			continue
		}
		budget := MaxResolved
		raw = v.resolveDeep(raw, t.UniqueName, &budget, own)
		if budget < 0 {
			return nil, fmt.Errorf("parameter %q of tab template %q resolves to more than %d bytes; pass shorter values in templateParameters (each {slug} inserts its value again)", spec.Name, t.UniqueName, MaxResolved)
		}
		val, err := convert(raw, spec.Type)
		if err != nil {
			return nil, &ParamError{Tab: t.UniqueName, Param: spec.Name, Type: spec.Type, Value: Text(raw)}
		}
		if val != nil {
			out[spec.Name] = val
		}
	}
	return out, nil
}

// param finds a tab parameter's value: passed for the tab, passed
// globally, or the template's own (own is true only then).
func (v Values) param(scoped map[string]any, t *Tab, name string) (raw any, own, ok bool) {
	if raw, ok = scoped[name]; ok {
		return raw, false, true
	}
	if raw, ok = v.Params[name]; ok {
		return raw, false, true
	}
	raw, ok = t.Parameters[name]
	return raw, ok, ok
}

// resolveDeep resolves the slugs of a string, or of every string inside
// an object or array (a json parameter's configured value), within a
// budget of bytes shared by all of them; a budget overrun leaves it
// negative. own says the value is the template's own, not a page's.
func (v Values) resolveDeep(val any, scope string, budget *int, own bool) any {
	switch x := val.(type) {
	case string:
		out, cut := v.resolveWithin(x, scope, max(*budget, 0), own)
		*budget -= len(out)
		if cut {
			*budget = -1
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = v.resolveDeep(e, scope, budget, own)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = v.resolveDeep(e, scope, budget, own)
		}
		return out
	}
	return val
}

// convert turns a resolved value into a parameter's type. An empty string
// means "no value" for every type but string.
func convert(val any, to ParamType) (any, error) {
	s, isString := val.(string)
	if to == String {
		return Text(val), nil
	}
	if !isString {
		if to == JSON {
			return val, nil
		}
		if _, ok := val.(float64); ok && to == Number {
			return val, nil
		}
		if _, ok := val.(bool); ok && to == Boolean {
			return val, nil
		}
		return nil, fmt.Errorf("wrong type")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	switch to {
	case Number:
		return strconv.ParseFloat(s, 64)
	case Boolean:
		switch strings.ToLower(s) {
		case "true", "1", "yes":
			return true, nil
		case "false", "0", "no":
			return false, nil
		}
		return nil, fmt.Errorf("not a boolean")
	default: // JSON
		var out any
		err := json.Unmarshal([]byte(s), &out)
		return out, err
	}
}
