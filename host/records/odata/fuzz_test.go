package odata

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

// FuzzParse reads arbitrary query strings. Parsing must never panic; a
// query that parses stays within the bounds, writes back to a canonical
// form that parses to the same query, and resolves against contact's
// metadata or fails with an *Error, never a panic. Every literal stays a
// typed value: no input makes a name out of a string.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"?$select=fullname,telephone1&$filter=telephone1 eq '555' and (contains(fullname,'ann') or not startswith(lastname,'Z'))&$orderby=lastname desc,firstname&$top=5&$expand=parentcustomerid_account($select=name)",
		"$filter=fullname eq 'x'' OR 1=1 --'",
		"$filter=fullname eq 'x'); DROP TABLE contact; --'",
		"$filter=_parentcustomerid_value eq 0f8fad5b-d9cb-469f-a165-70867728950e",
		"$filter=createdon ge 2024-01-31T10:00:00+02:00 and birthdate lt 2000-01-01",
		"$search=+1 (206) 555-0143&$top=10",
		"$filter=tolower(fullname) eq 'x'",
		"$filter=a/any(c:c eq 1)",
		"$skip=1",
		"$filter=not not (a eq null or b ne -1.5e3)",
	} {
		f.Add(s)
	}
	c := metadata.BuiltinCatalog()
	contact, _ := c.Entity("contact")
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.True(t, utf8.ValidString(e.Error()) || !utf8.ValidString(s), "message %q", e.Error())
			return
		}
		assert.LessOrEqual(t, len(q.Select), MaxSelect)
		assert.LessOrEqual(t, len(q.OrderBy), MaxOrderBy)
		assert.LessOrEqual(t, len(q.Expand), MaxExpand)
		assert.LessOrEqual(t, q.Top, MaxTop)
		if q.Filter != nil {
			depth, terms := measure(q.Filter)
			assert.LessOrEqual(t, depth, MaxDepth+1)
			assert.LessOrEqual(t, terms, MaxTerms)
		}
		canonical := q.String()
		if len(canonical) <= MaxQueryLength {
			again, err := Parse(canonical)
			require.NoError(t, err, "canonical form %q of %q", canonical, s)
			assert.Equal(t, q, again, "canonical form %q of %q", canonical, s)
		}
		r, err := Resolve(q, contact, c)
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			return
		}
		for _, a := range r.Select {
			_, ok := contact.Attribute(a.LogicalName)
			assert.True(t, ok)
		}
	})
}

// measure returns an expression's nesting of not, and its number of terms.
func measure(e Expr) (depth, terms int) {
	switch e := e.(type) {
	case *Logical:
		ld, lt := measure(e.Left)
		rd, rt := measure(e.Right)
		return max(ld, rd), lt + rt
	case *Not:
		d, t := measure(e.X)
		return d + 1, t
	}
	return 0, 1
}
