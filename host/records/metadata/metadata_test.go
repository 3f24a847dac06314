package metadata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuiltinEntitiesHaveDataversesNames(t *testing.T) {
	c := BuiltinCatalog()
	assert.Equal(t, []string{"account", "contact", "incident", "phonecall", "task"}, c.Names())
	for _, tt := range []struct{ entity, set, id, name string }{
		{"contact", "contacts", "contactid", "fullname"},
		{"account", "accounts", "accountid", "name"},
		{"incident", "incidents", "incidentid", "title"},
		{"phonecall", "phonecalls", "activityid", "subject"},
		{"task", "tasks", "activityid", "subject"},
	} {
		e, ok := c.Entity(tt.entity)
		require.True(t, ok, tt.entity)
		assert.Equal(t, tt.set, e.EntitySetName)
		assert.Equal(t, tt.id, e.PrimaryID().LogicalName)
		assert.Equal(t, Uniqueidentifier, e.PrimaryID().Type)
		assert.Equal(t, tt.name, e.PrimaryName().LogicalName)
		bySet, ok := c.EntityBySet(tt.set)
		assert.True(t, ok)
		assert.Same(t, e, bySet)
		for _, a := range e.Attributes {
			assert.True(t, ValidName(a.LogicalName), a.LogicalName)
			assert.Equal(t, tt.entity, a.Entity)
		}
		for _, name := range []string{"statecode", "statuscode", "createdon", "modifiedon", "versionnumber"} {
			_, ok := e.Attribute(name)
			assert.True(t, ok, "%s.%s", tt.entity, name)
		}
	}
	contact, _ := c.Entity("contact")
	a, target, ok := contact.Navigation("parentcustomerid_account")
	require.True(t, ok)
	assert.Equal(t, "parentcustomerid", a.LogicalName)
	assert.Equal(t, Customer, a.Type)
	assert.Equal(t, "account", target.Entity)
	phone, _ := contact.Attribute("telephone1")
	assert.True(t, phone.IsPhone())
	dnp, _ := contact.Attribute("donotphone")
	assert.Equal(t, "Do Not Allow", dnp.BooleanLabel(true))

	call, _ := c.Entity("phonecall")
	_, target, ok = call.Navigation("regardingobjectid_incident_phonecall")
	require.True(t, ok)
	assert.Equal(t, "incident", target.Entity)
	dir, _ := call.Attribute("directioncode")
	assert.Equal(t, "Outgoing", dir.BooleanLabel(true))

	refs := c.ReferencesTo("contact")
	var names []string
	for _, r := range refs {
		names = append(names, r.Entity.LogicalName+"."+r.Attribute.LogicalName)
	}
	assert.Equal(t, []string{"account.primarycontactid", "contact.parentcustomerid", "incident.customerid",
		"incident.primarycontactid", "phonecall.regardingobjectid", "task.regardingobjectid"}, names)
}

func TestResolveProperty(t *testing.T) {
	contact, _ := BuiltinCatalog().Entity("contact")
	a, err := contact.ResolveProperty("_parentcustomerid_value")
	require.NoError(t, err)
	assert.Equal(t, "parentcustomerid", a.LogicalName)
	_, err = contact.ResolveProperty("parentcustomerid")
	assert.EqualError(t, err, "parentcustomerid is a lookup: name its value _parentcustomerid_value")
	_, err = contact.ResolveProperty("telephon1")
	assert.EqualError(t, err, `entity contact has no attribute "telephon1"; did you mean telephone1 or telephone2?`)
	_, err = contact.ResolveProperty("zzzzzzzzzzzz")
	assert.ErrorContains(t, err, `entity contact has no attribute "zzzzzzzzzzzz"; its attributes are contactid, fullname, firstname,`)
	_, err = contact.ResolveProperty("_fullname_value")
	assert.EqualError(t, err, `fullname is not a lookup: name it fullname`)
}

func TestFind(t *testing.T) {
	c := BuiltinCatalog()
	_, err := c.Find("contacts")
	assert.EqualError(t, err, `the organisation has no entity "contacts"; contacts is the entity set name; the logical name is contact`)
	_, err = c.Find("case")
	assert.EqualError(t, err, `the organisation has no entity "case"; Case is the display name; the logical name is incident`)
	_, err = c.Find("lead")
	assert.EqualError(t, err, `the organisation has no entity "lead"; the organisation's entities are account, contact, incident, phonecall, task`)
}

func TestLoadMissingFileIsTheBuiltins(t *testing.T) {
	c, problems := Load(filepath.Join(t.TempDir(), "entities.json"))
	assert.Empty(t, problems)
	assert.Equal(t, BuiltinCatalog().Names(), c.Names())
}

const goodConfig = `{
  "entities": [
    {"logicalName": "new_project", "displayName": "Project",
     "attributes": [
       {"logicalName": "new_name", "type": "String", "maxLength": 200},
       {"logicalName": "new_customerid", "type": "Customer", "displayName": "Customer"},
       {"logicalName": "new_stage", "type": "Picklist", "options": [{"value": 100000000, "label": "Planning"}, {"value": 100000001, "label": "Done"}], "defaultValue": 100000000},
       {"logicalName": "new_budget", "type": "Money", "precision": 2, "minValue": 0},
       {"logicalName": "new_due", "type": "DateTime", "format": "DateOnly"},
       {"logicalName": "new_caseid", "type": "Lookup", "targets": ["incident"]},
       {"logicalName": "new_partnerid", "type": "Lookup", "targets": ["new_partner"]}
     ]},
    {"logicalName": "new_partner", "entitySetName": "new_partnerships", "primaryNameAttribute": "new_title"}
  ],
  "attributes": {
    "contact": [
      {"logicalName": "new_tier", "type": "Picklist", "options": [{"value": 1, "label": "Gold"}]},
      {"logicalName": "new_vip", "type": "Boolean", "trueLabel": "VIP", "falseLabel": "Regular", "defaultValue": true},
      {"logicalName": "new_nickname", "type": "String", "searchable": true},
      {"logicalName": "new_fax", "type": "String", "format": "Phone", "maxLength": 30}
    ]
  }
}`

func TestParseAGoodFile(t *testing.T) {
	c, problems := Parse("entities.json", []byte(goodConfig))
	require.Empty(t, problems)
	assert.Equal(t, []string{"account", "contact", "incident", "new_partner", "new_project", "phonecall", "task"}, c.Names())
	p, _ := c.Entity("new_project")
	assert.Equal(t, "new_projects", p.EntitySetName)
	assert.Equal(t, "new_projectid", p.PrimaryIDAttribute)
	assert.Equal(t, "new_name", p.PrimaryNameAttribute)
	assert.Equal(t, 200, p.PrimaryName().MaxLength)
	assert.True(t, p.PrimaryName().Searchable)
	assert.True(t, p.IsCustomEntity)
	_, _, ok := p.Navigation("new_customerid_contact")
	assert.True(t, ok)
	_, _, ok = p.Navigation("new_caseid")
	assert.True(t, ok)
	stage, _ := p.Attribute("new_stage")
	assert.Equal(t, 100000000, *stage.Default)
	partner, _ := c.Entity("new_partner")
	assert.Equal(t, "new_partnerships", partner.EntitySetName)
	assert.Equal(t, "new_title", partner.PrimaryName().LogicalName)
	contact, _ := c.Entity("contact")
	vip, _ := contact.Attribute("new_vip")
	assert.Equal(t, "VIP", vip.BooleanLabel(true))
	assert.Equal(t, 1, *vip.Default)
	fax, _ := contact.Attribute("new_fax")
	assert.True(t, fax.IsPhone())
	assert.Len(t, c.ReferencesTo("new_partner"), 1)

	// The built-in catalog is not changed by a file.
	builtinContact, _ := BuiltinCatalog().Entity("contact")
	_, ok = builtinContact.Attribute("new_vip")
	assert.False(t, ok)
}

func TestParseReportsEachFault(t *testing.T) {
	entity := func(attrs string) string {
		return `{"entities": [{"logicalName": "new_x", "attributes": [` + attrs + `]}]}`
	}
	tests := []struct {
		name, config string
		want         []string
	}{
		{"not JSON", `{"entities": [`,
			[]string{`f: is not a valid entities file (unexpected EOF at /entities, byte 14); it takes "entities" (a list of your own entities) and "attributes" (your attributes of existing entities, by entity): see docs/records.md`}},
		{"unknown top-level key", `{"entitys": []}`,
			[]string{`f: is not a valid entities file (unknown field "entitys"); it takes "entities" (a list of your own entities) and "attributes" (your attributes of existing entities, by entity): see docs/records.md`}},
		{"duplicate key", `{"entities": [], "entities": []}`,
			[]string{`f: is not a valid entities file (duplicate object member name at /entities, byte 17); it takes "entities" (a list of your own entities) and "attributes" (your attributes of existing entities, by entity): see docs/records.md`}},
		{"key in the wrong case", `{"entities": [{"logicalname": "new_x"}]}`,
			[]string{`f: entity "entities[0]": is not a valid entity (unknown field "logicalname"); an entity takes logicalName, entitySetName, displayName, displayCollectionName, primaryIdAttribute, primaryNameAttribute, attributes`}},
		{"duplicate attribute key", entity(`{"logicalName": "new_a", "type": "String", "type": "Memo"}`),
			[]string{`f: is not a valid entities file (duplicate object member name at /entities/0/attributes/0/type, byte 97); it takes "entities" (a list of your own entities) and "attributes" (your attributes of existing entities, by entity): see docs/records.md`}},
		{"wrong JSON type", entity(`{"logicalName": "new_a", "type": "String", "maxLength": "50"}`),
			[]string{`f: entity "new_x": attribute "new_a": is not a valid attribute (a JSON string at /maxLength cannot be read as a whole number); an attribute takes ` + attributeFields}},
		{"no prefix", `{"entities": [{"logicalName": "project"}]}`,
			[]string{`f: entity "project": field "logicalName": has no publisher prefix; custom names start with one, as in Dataverse: new_project`}},
		{"a built-in name", `{"entities": [{"logicalName": "contact"}]}`,
			[]string{`f: entity "contact": field "logicalName": is a built-in entity; add attributes to it under "attributes": {"contact": [...]}, or give your entity its own name such as new_contact`}},
		{"bad characters", `{"entities": [{"logicalName": "new_Project"}]}`,
			[]string{`f: entity "new_Project": field "logicalName": may hold only lower-case letters, digits and single underscores, start with a letter and be at most 50 characters, as Dataverse's logical names: use for example new_project`}},
		{"a set name taken", `{"entities": [{"logicalName": "new_x", "entitySetName": "contacts"}]}`,
			[]string{`f: entity "new_x": field "entitySetName": is "contacts", which is already entity contact's; choose another, such as new_xs`}},
		{"twice", `{"entities": [{"logicalName": "new_x"}, {"logicalName": "new_x"}]}`,
			[]string{`f: entity "new_x": field "logicalName": is defined twice; the later definition is left out: rename or remove one`}},
		{"unknown type", entity(`{"logicalName": "new_a", "type": "Text"}`),
			[]string{`f: entity "new_x": attribute "new_a": field "type": is "Text"; use one of String, Memo, Integer, Decimal, Money, Boolean, DateTime, Picklist, Lookup, Customer`}},
		{"system type", entity(`{"logicalName": "new_a", "type": "Status"}`),
			[]string{`f: entity "new_x": attribute "new_a": field "type": is Status, which only the organisation's own attributes have; use one of String, Memo, Integer, Decimal, Money, Boolean, DateTime, Picklist, Lookup, Customer`}},
		{"bad format", entity(`{"logicalName": "new_a", "type": "String", "format": "phone"}`),
			[]string{`f: entity "new_x": attribute "new_a": field "format": is "phone"; a String takes Text, Email, Phone, Url, TextArea, TickerSymbol`}},
		{"too long", entity(`{"logicalName": "new_a", "type": "String", "maxLength": 5000}`),
			[]string{`f: entity "new_x": attribute "new_a": field "maxLength": is 5000; use a length from 1 to 4000 characters`}},
		{"a field of another type", entity(`{"logicalName": "new_a", "type": "Integer", "maxLength": 5}`),
			[]string{`f: entity "new_x": attribute "new_a": field "maxLength": does not apply to a Integer attribute (only to String and Memo); remove it`}},
		{"min above max", entity(`{"logicalName": "new_a", "type": "Integer", "minValue": 10, "maxValue": 1}`),
			[]string{`f: entity "new_x": attribute "new_a": field "minValue": is 10, more than maxValue 1; swap them`}},
		{"money precision", entity(`{"logicalName": "new_a", "type": "Money", "precision": 6}`),
			[]string{`f: entity "new_x": attribute "new_a": field "precision": is 6; a Money takes 0 to 4 decimal places`}},
		{"no options", entity(`{"logicalName": "new_a", "type": "Picklist"}`),
			[]string{`f: entity "new_x": attribute "new_a": field "options": is missing; a Picklist needs its options, such as [{"value": 100000000, "label": "Gold"}]`}},
		{"duplicate option", entity(`{"logicalName": "new_a", "type": "Picklist", "options": [{"value": 1, "label": "A"}, {"value": 1, "label": "B"}]}`),
			[]string{`f: entity "new_x": attribute "new_a": field "options[1].value": is 1, which an earlier option has; give each option its own value`}},
		{"bad default", entity(`{"logicalName": "new_a", "type": "Picklist", "options": [{"value": 1, "label": "A"}], "defaultValue": 2}`),
			[]string{`f: entity "new_x": attribute "new_a": field "defaultValue": is 2; it must be the value of one of the options`}},
		{"unknown target", entity(`{"logicalName": "new_a", "type": "Lookup", "targets": ["lead"]}`),
			[]string{`f: entity "new_x": attribute "new_a": field "targets": names "lead", which is not an entity of the organisation; use one of account, contact, incident, new_x, phonecall, task`}},
		{"no targets", entity(`{"logicalName": "new_a", "type": "Lookup"}`),
			[]string{`f: entity "new_x": attribute "new_a": field "targets": is missing; a Lookup names the entities it points at, such as ["account"]`}},
		{"an attribute twice", entity(`{"logicalName": "new_a", "type": "Memo"}, {"logicalName": "new_a", "type": "Memo"}`),
			[]string{`f: entity "new_x": attribute "new_a": field "logicalName": is defined twice; the later definition is left out: rename or remove one`}},
		{"a built-in attribute", `{"attributes": {"contact": [{"logicalName": "telephone1", "type": "String"}]}}`,
			[]string{`f: entity "contact": attribute "telephone1": field "logicalName": is already an attribute of contact; give yours another name, such as new_telephone1`}},
		{"attributes of no entity", `{"attributes": {"lead": [{"logicalName": "new_a", "type": "String"}]}}`,
			[]string{`f: entity "lead": is not an entity of the organisation, so its attributes are left out; the entities are account, contact, incident, phonecall, task`}},
		{"searchable number", entity(`{"logicalName": "new_a", "type": "Integer", "searchable": true}`),
			[]string{`f: entity "new_x": attribute "new_a": field "searchable": applies to String and Memo attributes only; relevance search reads text`}},
		{"primary name not a string", `{"entities": [{"logicalName": "new_x", "attributes": [{"logicalName": "new_name", "type": "Integer"}]}]}`,
			[]string{`f: entity "new_x": attribute "new_name": field "type": is "Integer", but new_name is the entity's primary name attribute, which is a String`,
				`f: entity "new_x": field "primaryNameAttribute": names new_name, which is not a valid String attribute (see the problem above); the entity is left out until it is`}},
		{"a double underscore", entity(`{"logicalName": "new__a", "type": "String"}`),
			[]string{`f: entity "new_x": attribute "new__a": field "logicalName": may hold only lower-case letters, digits and single underscores, start with a letter and be at most 50 characters: use for example new_tier`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Parse("f", []byte(tt.config))
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAFaultCostsOnlyWhatItTouches(t *testing.T) {
	c, problems := Parse("f", []byte(`{"entities": [
		{"logicalName": "new_a", "attributes": [{"logicalName": "new_bad", "type": "Nope"}, {"logicalName": "new_good", "type": "Memo"}]},
		{"logicalName": "nope"},
		{"logicalName": "new_b", "attributes": [{"logicalName": "new_aid", "type": "Lookup", "targets": ["new_a"]}]}
	]}`))
	assert.Len(t, problems, 2)
	a, ok := c.Entity("new_a")
	require.True(t, ok)
	_, ok = a.Attribute("new_good")
	assert.True(t, ok)
	_, ok = a.Attribute("new_bad")
	assert.False(t, ok)
	_, ok = c.Entity("new_b")
	assert.True(t, ok)
}

func TestLoadReadsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entities.json")
	require.NoError(t, os.WriteFile(path, []byte(goodConfig), 0o600))
	c, problems := Load(path)
	assert.Empty(t, problems)
	_, ok := c.Entity("new_project")
	assert.True(t, ok)
}

func TestDescribe(t *testing.T) {
	contact, _ := BuiltinCatalog().Entity("contact")
	m, err := contact.Describe([]string{"statuscode", "telephone1"})
	require.NoError(t, err)
	assert.Equal(t, "contacts", m.EntitySetName)
	assert.Len(t, m.Attributes, 2)
	assert.Equal(t, 13, m.Attributes["statuscode"].AttributeType)
	assert.Equal(t, "Inactive", m.Attributes["statuscode"].OptionSet["2"].Text)
	assert.Equal(t, "Phone", m.Attributes["telephone1"].Format)
	_, err = contact.Describe([]string{"nope"})
	assert.ErrorContains(t, err, `entity contact has no attribute "nope"`)
	all, err := contact.Describe(nil)
	require.NoError(t, err)
	assert.Len(t, all.Attributes, len(contact.Attributes))
}

func TestClosest(t *testing.T) {
	assert.Equal(t, []string{"telephone1", "telephone2"}, Closest("telefone1", []string{"fullname", "telephone1", "telephone2"}, 3))
	assert.Empty(t, Closest(strings.Repeat("x", 500), []string{"a"}, 3))
}
