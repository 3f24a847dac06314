package odata

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

func TestParseTheBriefsExample(t *testing.T) {
	q, err := Parse("?$select=fullname,telephone1&$filter=telephone1 eq '555' and (contains(fullname,'ann') or not startswith(lastname,'Z'))&$orderby=lastname desc,firstname&$top=5&$expand=parentcustomerid_account($select=name)")
	require.NoError(t, err)
	assert.Equal(t, []string{"fullname", "telephone1"}, q.Select)
	assert.Equal(t, []Order{{"lastname", true}, {"firstname", false}}, q.OrderBy)
	assert.Equal(t, 5, q.Top)
	assert.Equal(t, []Expand{{Navigation: "parentcustomerid_account", Select: []string{"name"}}}, q.Expand)
	assert.Equal(t, &Logical{Op: "and",
		Left: &Comparison{Property: "telephone1", Op: "eq", Value: Literal{Kind: StringLit, Str: "555", Text: "'555'"}},
		Right: &Logical{Op: "or",
			Left:  &Function{Name: "contains", Property: "fullname", Value: Literal{Kind: StringLit, Str: "ann", Text: "'ann'"}},
			Right: &Not{X: &Function{Name: "startswith", Property: "lastname", Value: Literal{Kind: StringLit, Str: "Z", Text: "'Z'"}}},
		},
	}, q.Filter)
	assert.Equal(t, "?$select=fullname,telephone1&$filter=telephone1 eq '555' and (contains(fullname,'ann') or not startswith(lastname,'Z'))&$orderby=lastname desc,firstname&$top=5&$expand=parentcustomerid_account($select=name)", q.String())
}

func TestParseCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"?", ""},
		{"$select=fullname", "?$select=fullname"},
		{"$select= fullname , fullname ,lastname", "?$select=fullname,lastname"},
		{"$filter=a eq 'O''Brien'", "?$filter=a eq 'O''Brien'"},
		{"$filter=a eq 'Smith & Co'&$top=1", "?$filter=a eq 'Smith %26 Co'&$top=1"},
		{"$filter=a eq 'Smith %26 Co'", "?$filter=a eq 'Smith %26 Co'"},
		{"$filter=a eq '100%25'", "?$filter=a eq '100%25'"},
		{"$filter=telephone1%20eq%20'%2B1%20555'", "?$filter=telephone1 eq '+1 555'"},
		{"$filter=telephone1 eq '+1 555'", "?$filter=telephone1 eq '+1 555'"},
		{"$filter=(a eq 1)", "?$filter=a eq 1"},
		{"$filter=a eq 1 or b eq 2 and c eq 3", "?$filter=a eq 1 or b eq 2 and c eq 3"},
		{"$filter=(a eq 1 or b eq 2) and c eq 3", "?$filter=(a eq 1 or b eq 2) and c eq 3"},
		{"$filter=a eq 1 and (b eq 2 and c eq 3)", "?$filter=a eq 1 and (b eq 2 and c eq 3)"},
		{"$filter=not (a eq 1 or b eq 2)", "?$filter=not (a eq 1 or b eq 2)"},
		{"$filter=not not a eq null", "?$filter=not not a eq null"},
		{"$filter=a ne -1.5e3 and b gt 2024-01-31 and c lt 2024-01-31T10:00Z", "?$filter=a ne -1.5e3 and b gt 2024-01-31 and c lt 2024-01-31T10:00Z"},
		{"$filter=_parentcustomerid_value eq 0F8FAD5B-D9CB-469F-A165-70867728950E", "?$filter=_parentcustomerid_value eq 0F8FAD5B-D9CB-469F-A165-70867728950E"},
		{"$filter=donotphone eq true", "?$filter=donotphone eq true"},
		{"$search=O'Brien&$top=3", "?$top=3&$search=O'Brien"},
		{"$search=+1 (206) 555-0143", "?$search=+1 (206) 555-0143"},
		{"$expand=a,b($select=x,y)", "?$expand=a,b($select=x,y)"},
		{"$orderby=a asc,b desc", "?$orderby=a,b desc"},
		{"$top=5&", "?$top=5"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, q.String())
			again, err := Parse(q.String())
			require.NoError(t, err)
			assert.Equal(t, q, again)
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ in, want string }{
		// Options cif-host does not support, by name.
		{"$skip=10", "$skip: is not supported: Dataverse does not support $skip either; narrow the query with $filter, or raise $top (at most 5000)"},
		{"$count=true", "$count: is not supported: counting is not supported; read the records' number from the result's length"},
		{"$apply=groupby((name))", "$apply: is not supported: aggregation ($apply) is not supported; query the records and aggregate them yourself"},
		{"fetchXml=<fetch/>", "fetchXml: is not supported: FetchXML queries are not supported; use $filter, $orderby and $top"},
		{"$Filter=a eq 1", `the query option "$Filter" must be written $filter, as Dataverse reads it`},
		{"select=a", `the query option "select" must be written $select, as Dataverse reads it`},
		{"$where=a", `"$where" is not a query option cif-host reads; the options are $select, $filter, $orderby, $top, $expand, $search`},
		{"$top=1&$top=2", "$top: is given twice; give each query option once"},
		{"$top", "$top: has no value; write $top=…"},
		{"$top=0", `$top: is "0"; give a whole number from 1 to 5000`},
		{"$top=5001", `$top: is "5001"; give a whole number from 1 to 5000`},
		{"$top=abc", `$top: is "abc"; give a whole number from 1 to 5000`},
		{"$filter=a eq '%zz'", "$filter: is not correctly percent-encoded (invalid URL escape \"%zz\"); encode % as %25"},
		{"$select=", "$select: is empty; name the attributes to return, such as $select=fullname,telephone1, or leave it out for all"},
		{"$select=*", "$select: * is not supported; leave $select out to return every attribute"},
		{"$select=a,b c", `$select: "b c" is not an attribute name; write names separated by commas, such as fullname,telephone1`},
		{"$select=parentcustomerid_account/name", `$select: "parentcustomerid_account/name" is a path; select the navigation property's attributes with $expand=nav($select=…)`},
		{"$orderby=a sideways", `$orderby: "sideways" after a is not a direction; write asc or desc`},
		{"$orderby=a,,b", `$orderby: "" is not an ordering; write an attribute name, optionally followed by asc or desc`},
		{"$expand=a($filter=x eq 1)", "$expand: $filter inside $expand (of a) is not supported; only $select is"},
		{"$expand=a($expand=b)", "$expand: nests $expand in a; cif-host expands one level only"},
		{"$expand=a/b", `$expand: "a/b" is a path; $expand reaches one level: expand the lookup's navigation property itself`},
		{"$expand=a($select=x", "$expand: has a ( without its ); write nav($select=a,b)"},
		{"$expand=a,a", "$expand: expands a twice; expand it once"},
		{"$search=", "$search: is empty; give the text to search for, such as a name or a phone number"},
		{"$search=a%0Ab", "$search: holds a control character; search for plain text"},
		// $filter syntax.
		{"$filter=", "$filter: is empty; write a condition such as telephone1 eq '555-0100', or leave it out"},
		{"$filter=a eq 'open", "$filter, at character 6: the string that starts here has no closing quote; end it with ' (write a quote inside a string as '')"},
		{`$filter=a eq "x"`, "$filter, at character 6: strings are written in single quotes in OData: 'text'"},
		{"$filter=a == 'x'", `$filter, at character 3: "==" is not an OData operator; write eq, ne, gt, ge, lt or le`},
		{"$filter=a EQ 'x'", "$filter, at character 3: write the operator EQ in lower case: eq"},
		{"$filter=a eq 1 AND b eq 2", "$filter, at character 8: write the operator AND in lower case: and"},
		{"$filter=a eq 1 b eq 2", `$filter, at character 8: "b" follows a complete condition; join conditions with and or or`},
		{"$filter=tolower(fullname) eq 'ann'", "$filter, at character 1: the function tolower is not supported; cif-host supports contains, startswith and endswith (string comparisons ignore case already)"},
		{"$filter=Contains(a,'x')", "$filter, at character 1: write the function Contains in lower case: contains"},
		{"$filter=substringof('x',a)", "$filter, at character 1: substringof is not a function cif-host supports; use contains, startswith or endswith"},
		{"$filter=contains(a,1)", "$filter, at character 12: contains's second argument is the text to look for, in single quotes: contains(a,'text')"},
		{"$filter=contains('x',a)", "$filter, at character 10: contains takes an attribute name first, such as contains(fullname,'ann')"},
		{"$filter=contains(a,'x') eq true", "$filter, at character 17: contains is already a condition; leave out eq …"},
		{"$filter=a add 1 eq 2", "$filter, at character 3: the arithmetic operator add is not supported; compare an attribute with a value"},
		{"$filter=a eq 1 add 2", "$filter, at character 8: the arithmetic operator add is not supported; compare an attribute with a value"},
		{"$filter=a eq -b", "$filter, at character 6: arithmetic is not supported; compare an attribute with a value"},
		{"$filter=a in ('x','y')", "$filter, at character 3: the in operator is not supported; join eq comparisons with or"},
		{"$filter=contact_customer_accounts/any(c:c/fullname eq 'x')", "$filter, at character 1: the lambda operator any is not supported; filter the related entity's own records instead"},
		{"$filter=parentcustomerid_account/name eq 'x'", `$filter, at character 1: "parentcustomerid_account/name" is a navigation path; filter on the lookup's value instead, such as _parentcustomerid_value eq <id>`},
		{"$filter=Microsoft.Dynamics.CRM.Today(PropertyName='createdon')", "$filter, at character 1: the query function Today is not supported; use comparisons (eq, ne, gt, ge, lt, le) and contains, startswith, endswith"},
		{"$filter='x' eq a", "$filter, at character 1: put the attribute on the left of eq: write attribute eq 'x'"},
		{"$filter=a eq b", "$filter, at character 6: a is compared with another attribute, which is not supported; compare with a value (quote text as 'b')"},
		{"$filter=donotphone", "$filter, at character 11: donotphone is not compared with anything; write for example donotphone eq true"},
		{"$filter=a eq", "$filter, at character 5: a value should follow a eq, such as '…', a number, true, false, null, a GUID or a date"},
		{"$filter=(a eq 1", "$filter, at character 8: a ) is missing here, to close the ( at character 1"},
		{"$filter=a eq 1)", `$filter, at character 7: ")" follows a complete condition; join conditions with and or or`},
		{"$filter=a eq 1 and", "$filter, at character 11: the filter ends where a condition should follow; complete it, such as fullname eq 'Ann'"},
		{"$filter=and eq 1", `$filter, at character 1: "and" is an operator; a condition should start here, such as fullname eq 'Ann'`},
		{"$filter=a eq 12abc", `$filter, at character 6: "12abc" is not a number, a date or a GUID; quote text as 'text'`},
		{"$filter=a eq 2024-13-45", "$filter, at character 6: 2024-13-45 is not a valid date; write for example 2024-01-31"},
		{"$filter=a eq 99999999999999999999", "$filter, at character 6: 99999999999999999999 is too large a whole number"},
		{"$filter=a eq 1; DROP TABLE contact", `$filter, at character 7: ";" is not expected here; a filter holds attribute names, operators, functions, quoted strings, numbers, true, false, null, GUIDs and dates`},
		{"$filter=a eq 1 -- comment", "$filter, at character 8: arithmetic is not supported; compare an attribute with a value"},
		{"$filter=a eq 1 /* x */", "$filter, at character 8: arithmetic is not supported; compare an attribute with a value"},
		// Bounds.
		{"$filter=" + strings.Repeat("(", MaxDepth+1) + "a eq 1" + strings.Repeat(")", MaxDepth+1), "$filter, at character 17: the filter nests deeper than 16 levels of parentheses and not; simplify it"},
		{"$filter=" + strings.Repeat("not ", MaxDepth+1) + "a eq 1", "$filter, at character 65: the filter nests deeper than 16 levels of parentheses and not; simplify it"},
		{"$filter=" + strings.Repeat("a eq 1 or ", MaxTerms) + "a eq 1", "$filter, at character 641: the filter has more than 64 comparisons; simplify it"},
		{"$select=" + strings.Repeat("a,", MaxQueryLength), "the query is 16392 characters long; at most 8192 are accepted: select fewer attributes or simplify the $filter"},
		{"$filter=a eq '" + strings.Repeat("x", MaxString+1) + "'", "$filter, at character 6: the string is longer than 4000 characters; shorten it"},
		{"$search=" + strings.Repeat("x", MaxSearch+1), "$search: is longer than 200 characters; search for fewer words"},
	}
	for _, tt := range tests {
		t.Run(clip(tt.in), func(t *testing.T) {
			q, err := Parse(tt.in)
			require.Error(t, err, "parsed as %v", q)
			assert.Equal(t, tt.want, err.Error())
			var e *Error
			assert.ErrorAs(t, err, &e)
		})
	}
}

func contact(t *testing.T) (*metadata.Entity, *metadata.Catalog) {
	t.Helper()
	c := metadata.BuiltinCatalog()
	e, ok := c.Entity("contact")
	require.True(t, ok)
	return e, c
}

func TestResolve(t *testing.T) {
	e, c := contact(t)
	q, err := Parse("$select=fullname,_parentcustomerid_value&$filter=_parentcustomerid_value eq 0F8FAD5B-D9CB-469F-A165-70867728950E and statecode eq 0 and creditlimit gt 10 and birthdate lt 2000-01-01 and createdon ge 2024-01-31T10:00:00+02:00 and donotphone eq false and emailaddress1 ne null&$orderby=lastname desc&$expand=parentcustomerid_account($select=name,telephone1)&$search=ann")
	require.NoError(t, err)
	r, err := Resolve(q, e, c)
	require.NoError(t, err)
	assert.Equal(t, []string{"fullname", "parentcustomerid"}, names(r.Select))
	assert.Equal(t, "lastname", r.OrderBy[0].Attribute.LogicalName)
	assert.True(t, r.OrderBy[0].Desc)
	require.Len(t, r.Expand, 1)
	assert.Equal(t, "account", r.Expand[0].Target.LogicalName)
	assert.Equal(t, []string{"name", "telephone1"}, names(r.Expand[0].Select))
	assert.Equal(t, "ann", r.Search)
	var values []any
	var walk func(Cond)
	walk = func(c Cond) {
		switch c := c.(type) {
		case *Junction:
			walk(c.Left)
			walk(c.Right)
		case *Compare:
			values = append(values, c.Value)
		}
	}
	walk(r.Filter)
	assert.Equal(t, []any{"0f8fad5b-d9cb-469f-a165-70867728950e", int64(0), float64(10),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 31, 8, 0, 0, 0, time.UTC), false, nil}, values)
}

func names(attrs []*metadata.Attribute) []string {
	var out []string
	for _, a := range attrs {
		out = append(out, a.LogicalName)
	}
	return out
}

func TestResolveRefuses(t *testing.T) {
	tests := []struct{ in, want string }{
		{"$select=telephon1", `$select: entity contact has no attribute "telephon1"; did you mean telephone1 or telephone2?`},
		{"$select=parentcustomerid", "$select: parentcustomerid is a lookup: name its value _parentcustomerid_value"},
		{"$filter=telephone1 eq 555", "$filter: telephone1 is a String; compare it with text in single quotes, such as '555', not 555"},
		{"$filter=statecode eq 'Active'", "$filter: statecode is a State; compare it with an option's value, a whole number such as 0 (Active), not 'Active'"},
		{"$filter=numberofemployees eq 1", `$filter: entity contact has no attribute "numberofemployees"; its attributes are contactid, fullname, firstname, lastname, jobtitle, _parentcustomerid_value, emailaddress1, telephone1, telephone2, mobilephone, preferredcontactmethodcode, donotphone, birthdate, creditlimit, address1_line1, address1_city, address1_postalcode, address1_country, description, statecode, statuscode, createdon, modifiedon, versionnumber`},
		{"$filter=donotphone eq 1", "$filter: donotphone is a Boolean; compare it with true or false, not 1"},
		{"$filter=donotphone gt false", "$filter: donotphone is a Boolean; compare it only with eq or ne"},
		{"$filter=contactid eq '0F8FAD5B-D9CB-469F-A165-70867728950E'", "$filter: write the GUID 0F8FAD5B-D9CB-469F-A165-70867728950E without quotes, as the Web API reads GUIDs"},
		{"$filter=contactid gt 0F8FAD5B-D9CB-469F-A165-70867728950E", "$filter: contactid is an id; compare it only with eq or ne"},
		{"$filter=birthdate eq 2000-01-01T00:00:00Z", "$filter: birthdate holds dates only; compare it with a date such as 2000-01-01"},
		{"$filter=createdon eq '2000-01-01'", "$filter: createdon is a DateTime (DateAndTime); compare it with a date or a date and time, without quotes, such as 2024-01-31 or 2024-01-31T10:00:00Z, not '2000-01-01'"},
		{"$filter=fullname gt null", "$filter: fullname gt null cannot be true; compare with null only with eq or ne"},
		{"$filter=contains(creditlimit,'1')", "$filter: contains(creditlimit,…) needs a text attribute; creditlimit is a Money: compare it with eq, ne, gt, ge, lt or le"},
		{"$filter=versionnumber eq 1.5", "$filter: versionnumber is a BigInt; compare it with a whole number, not 1.5"},
		{"$orderby=lastnam", `$orderby: entity contact has no attribute "lastnam"; did you mean lastname?`},
		{"$expand=parentcustomerid", "$expand: entity contact has no navigation property \"parentcustomerid\"; expand one of the lookup's navigation properties: parentcustomerid_account, parentcustomerid_contact"},
		{"$expand=primarycontactid", "$expand: entity contact has no navigation property \"primarycontactid\"; its navigation properties are parentcustomerid_account, parentcustomerid_contact"},
		{"$expand=parentcustomerid_account($select=fullname)", `$select in $expand of parentcustomerid_account: entity account has no attribute "fullname"; did you mean name?`},
	}
	e, c := contact(t)
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := Parse(tt.in)
			require.NoError(t, err)
			_, err = Resolve(q, e, c)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// Injection attempts: each either fails to parse, or parses into names
// that Resolve refuses, or into a string literal that carries the text as
// a value. None becomes anything but a value.
func TestInjectionAttemptsStayValues(t *testing.T) {
	e, c := contact(t)
	attempts := []string{
		"$filter=fullname eq 'x'' OR 1=1 --'",
		"$filter=fullname eq 'x'); DROP TABLE contact; --'",
		"$filter=fullname eq 'a\" OR \"1\"=\"1'",
		"$filter=contains(fullname,'%') or contains(fullname,'_')",
		"$filter=fullname eq '\\' or 1 eq 1 --'",
		"$filter=fullname eq 'x' union select * from sqlite_master",
	}
	for _, s := range attempts {
		q, err := Parse(s)
		if err != nil {
			continue
		}
		r, err := Resolve(q, e, c)
		if err != nil {
			continue
		}
		var check func(Cond)
		check = func(cond Cond) {
			switch cond := cond.(type) {
			case *Junction:
				check(cond.Left)
				check(cond.Right)
			case *Negation:
				check(cond.X)
			case *Compare:
				assert.Equal(t, "fullname", cond.Attribute.LogicalName, s)
			case *Match:
				assert.Equal(t, "fullname", cond.Attribute.LogicalName, s)
			}
		}
		check(r.Filter)
	}
	q, err := Parse("$filter=fullname eq 'x'' OR 1=1 --'")
	require.NoError(t, err)
	assert.Equal(t, "x' OR 1=1 --", q.Filter.(*Comparison).Value.Str)
	_, err = Parse("$filter=fullname eq 'x' union select * from sqlite_master")
	assert.EqualError(t, err, "$filter, at character 30: arithmetic is not supported; compare an attribute with a value")
	for _, s := range []string{"$select=fullname;drop", "$orderby=lastname;drop table contact", "$expand=x);drop", "$select=\"fullname\""} {
		_, err := Parse(s)
		assert.Error(t, err, s)
	}
}
