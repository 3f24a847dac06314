package templates

import "strings"

// OData answers one {$odata.<entity>.<attribute>.?<options>} slug, as
// Dynamics' slug resolver does: the value of attribute (a key of the
// record as the Web API returns it, such as title, _customerid_value or
// prioritycode@OData.Community.Display.V1.FormattedValue) in the first
// record of entity that options (OData query options, with their "?")
// select, as slug text; "" when no record matches. It must bound its own
// time: it is called while a session is being made or retitled. An error
// makes the slug empty; the function reports it where the administrator
// reads it.
type OData func(entity, attribute, options string) (string, error)

// MaxODataSlugs is how many {$odata…} slugs one text may query; the
// others are empty. A title is at most 200 characters, so this is no
// limit in practice, only a bound.
const MaxODataSlugs = 4

// isOData reports whether a slug's name (between its braces) is a
// Dataverse query, in any letter case, as Dynamics reads it.
func isOData(name string) bool {
	return len(name) > len("$odata.") && strings.EqualFold(name[:len("$odata.")], "$odata.")
}

// odata resolves a {$odata…} slug's name. Its parts are split first, as
// Dynamics splits them, then the slugs nested in each are resolved: in
// the options, a value is written so that it stays one literal however it
// reads (each quote doubled, each percent sign written %25), so a value can
// complete a string such as '{phone}' but never change the query around it.
func (v Values) odata(name, scope string) string {
	if v.OData == nil {
		return ""
	}
	entity, attribute, options, ok := splitOData(name)
	if !ok {
		return ""
	}
	text, err := v.OData(v.nested(entity, scope, nil), v.nested(attribute, scope, nil), v.nested(options, scope, queryLiteral))
	if err != nil {
		return ""
	}
	return text
}

// splitOData splits $odata.<entity>.<attribute>.?<options> as Dynamics
// does: at the one ".?" (the attribute may hold dots, as annotated keys
// do), the entity being the part after the first dot. ok is false for any
// other shape, which Dynamics ignores.
func splitOData(name string) (entity, attribute, options string, ok bool) {
	head, query, found := strings.Cut(name, ".?")
	if !found || strings.Contains(query, ".?") {
		return "", "", "", false
	}
	_, rest, _ := strings.Cut(head, ".")
	entity, attribute, found = strings.Cut(rest, ".")
	if !found || entity == "" || attribute == "" {
		return "", "", "", false
	}
	return entity, attribute, "?" + query, true
}

// nested resolves the plain slugs inside a part of a {$odata…} slug,
// writing each value with escape when given.
func (v Values) nested(s, scope string, escape func(string) string) string {
	return slugPattern().ReplaceAllStringFunc(s, func(slug string) string {
		name := strings.TrimSpace(slug[1 : len(slug)-1])
		if name == "" {
			return slug
		}
		text, _ := v.value(name, scope)
		if escape != nil {
			text = escape(text)
		}
		return text
	})
}

// queryLiteral writes a value into OData query options so that it reads
// back as itself inside a string literal.
var queryLiteral = strings.NewReplacer("%", "%25", "'", "''").Replace
