package api

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records/organization"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// create makes a record through createRecord and returns its id.
func (c *client) create(entity string, data map[string]any) string {
	c.t.Helper()
	var ref struct{ ID string }
	c.str("createRecord", map[string]any{"entityName": entity, "data": data}, &ref)
	return ref.ID
}

// view calls an agent operation that must succeed and decodes its result.
func (c *client) view(method string, args map[string]any, into any) {
	c.t.Helper()
	c.Result(method, agent(args), into)
}

// recordPage is records.page's result as a view reads it.
type recordPage struct {
	Entity struct {
		LogicalName, PrimaryIDAttribute, PrimaryNameAttribute string
		Attributes                                            []struct {
			LogicalName, Type, Format string
			Required, ReadOnly        bool
			Options                   []struct {
				Value int
				Label string
			}
			Targets []struct{ Entity, EntitySetName, Navigation string }
		}
	}
	Record  map[string]any
	Related []struct {
		Entity, Title, Attribute string
		Records                  []struct{ ID, Name, Detail string }
		More                     bool
	}
}

func TestRecordsPageShowsARecordItsEntityAndItsRelatedRecords(t *testing.T) {
	c := withOrganisation(t)
	account := c.create("account", map[string]any{"name": "Contoso"})
	ann := c.create("contact", map[string]any{"firstname": "Ann", "lastname": "Lee", "parentcustomerid_account@odata.bind": "/accounts(" + account + ")"})
	c.create("incident", map[string]any{"title": "Broken printer", "customerid_contact@odata.bind": "/contacts(" + ann + ")"})
	for i := range relatedPerList + 1 {
		c.create("phonecall", map[string]any{"subject": fmt.Sprintf("Call %d", i), "regardingobjectid_contact_phonecall@odata.bind": "/contacts(" + ann + ")"})
	}

	var p recordPage
	c.view("records.page", map[string]any{"entityName": "contact", "id": strings.ToUpper(ann)}, &p)
	assert.Equal(t, "contact", p.Entity.LogicalName)
	assert.Equal(t, "fullname", p.Entity.PrimaryNameAttribute)
	assert.Equal(t, "contactid", p.Entity.Attributes[0].LogicalName, "attributes come in the entity's order")
	assert.True(t, p.Entity.Attributes[0].ReadOnly, "the primary id is the organisation's")
	byName := map[string]int{}
	for i, a := range p.Entity.Attributes {
		byName[a.LogicalName] = i
	}
	telephone := p.Entity.Attributes[byName["telephone1"]]
	assert.Equal(t, []string{"String", "Phone"}, []string{telephone.Type, telephone.Format})
	assert.True(t, p.Entity.Attributes[byName["lastname"]].Required)
	assert.Equal(t, "Allow", p.Entity.Attributes[byName["donotphone"]].Options[0].Label)
	parent := p.Entity.Attributes[byName["parentcustomerid"]]
	require.Len(t, parent.Targets, 2)
	assert.Equal(t, "accounts", parent.Targets[0].EntitySetName)
	assert.Equal(t, "parentcustomerid_account", parent.Targets[0].Navigation)

	assert.Equal(t, ann, p.Record["contactid"])
	assert.Equal(t, "Ann Lee", p.Record["fullname"])
	assert.Equal(t, "Contoso", p.Record["_parentcustomerid_value@OData.Community.Display.V1.FormattedValue"], "the record is in the Web API's shape")
	assert.Contains(t, p.Record, "@odata.etag")

	require.Len(t, p.Related, 2)
	cases, calls := p.Related[0], p.Related[1]
	assert.Equal(t, []string{"incident", "Cases (Customer)", "customerid"}, []string{cases.Entity, cases.Title, cases.Attribute})
	require.Len(t, cases.Records, 1)
	assert.Equal(t, "Broken printer", cases.Records[0].Name)
	assert.True(t, strings.HasPrefix(cases.Records[0].Detail, "Active · "), cases.Records[0].Detail)
	assert.Equal(t, "phonecall", calls.Entity)
	assert.Len(t, calls.Records, relatedPerList)
	assert.True(t, calls.More, "one list shows at most %d records", relatedPerList)

	var form recordPage
	c.view("records.page", map[string]any{"entityName": "incident"}, &form)
	assert.Equal(t, "incident", form.Entity.LogicalName)
	assert.Nil(t, form.Record, "without an id, the entity alone, for a new-record form")
}

func TestTheAgentSavesAnEditUnlessTheRecordChangedSince(t *testing.T) {
	c := withOrganisation(t)
	ann := c.create("contact", map[string]any{"firstname": "Ann", "lastname": "Lee"})
	var p recordPage
	c.view("records.page", map[string]any{"entityName": "contact", "id": ann}, &p)
	etag := p.Record["@odata.etag"].(string)

	var saved struct{ ETag string }
	c.view("records.save", map[string]any{"entityName": "contact", "id": ann, "etag": etag, "data": map[string]any{"jobtitle": "Buyer", "donotphone": true}}, &saved)
	assert.NotEqual(t, etag, saved.ETag)
	var rec map[string]any
	c.str("retrieveRecord", map[string]any{"entityName": "contact", "id": ann, "query": "$select=jobtitle,donotphone"}, &rec)
	assert.Equal(t, "Buyer", rec["jobtitle"], "a page's retrieveRecord sees the agent's edit")
	assert.Equal(t, true, rec["donotphone"])

	// A provider changed it since the agent opened it: the stale edit is refused.
	c.str("updateRecord", map[string]any{"entityName": "contact", "id": ann, "data": map[string]any{"jobtitle": "Owner"}}, &rec)
	msg := c.Fails("records.save", agent(map[string]any{"entityName": "contact", "id": ann, "etag": saved.ETag, "data": map[string]any{"jobtitle": "Clerk"}}), errcode.RecordConflict)
	assert.Contains(t, msg, "changed since the version the update was based on")
	c.str("retrieveRecord", map[string]any{"entityName": "contact", "id": ann, "query": "$select=jobtitle"}, &rec)
	assert.Equal(t, "Owner", rec["jobtitle"], "nothing was overwritten")

	assert.Equal(t, "records.save: etag is required: pass the @odata.etag of the record as the agent saw it, so that a change made since is refused rather than overwritten",
		c.Fails("records.save", agent(map[string]any{"entityName": "contact", "id": ann, "data": map[string]any{}}), errcode.InvalidParams))
	assert.Equal(t, "records.save: data must be an object of attributes by logical name, not a string",
		c.Fails("records.save", agent(map[string]any{"entityName": "contact", "id": ann, "etag": "*", "data": `{"jobtitle":"x"}`}), errcode.InvalidParams))
	assert.Equal(t, "records.save: there is no parameter If-Match; check its spelling and letter case (see docs/api.md)",
		c.Fails("records.save", agent(map[string]any{"entityName": "contact", "id": ann, "If-Match": "*"}), errcode.InvalidParams))
	assert.Equal(t, "records.save: entityName is required, such as \"contact\"",
		c.Fails("records.save", agent(map[string]any{"id": ann, "etag": "*", "data": map[string]any{}}), errcode.InvalidParams))
	c.Fails("records.save", agent(map[string]any{"entityName": "contact", "id": ann, "etag": "*", "data": map[string]any{"nosuch": 1}}), errcode.InvalidParams)
}

func TestTheAgentCreatesARecord(t *testing.T) {
	c := withOrganisation(t)
	var created struct{ ID string }
	c.view("records.create", map[string]any{"entityName": "contact", "data": map[string]any{"firstname": "Bo", "lastname": "Ng", "telephone1": "+1 206 555 0100"}}, &created)
	var rec map[string]any
	c.str("retrieveRecord", map[string]any{"entityName": "contact", "id": created.ID, "query": "$select=fullname"}, &rec)
	assert.Equal(t, "Bo Ng", rec["fullname"])
	c.Fails("records.create", agent(map[string]any{"entityName": "contacts", "data": map[string]any{}}), errcode.EntityNotFound)
}

func TestRecordsSearchFindsOrListsRecords(t *testing.T) {
	c := withOrganisation(t)
	for i := range maxResults + 1 {
		c.create("contact", map[string]any{"firstname": fmt.Sprintf("Person%02d", i), "lastname": "Lee", "telephone1": fmt.Sprintf("+1 206 555 %04d", i)})
	}
	type results struct {
		Entity  struct{ LogicalName string }
		Columns []string
		Records []map[string]any
		More    bool
	}
	var r results
	c.view("records.search", map[string]any{"entityName": "contact", "searchText": "(206) 555-0007"}, &r)
	require.Len(t, r.Records, 1, "a phone number matches by its digits")
	assert.Equal(t, "Person07 Lee", r.Records[0]["fullname"])
	assert.Equal(t, []string{"emailaddress1", "telephone1", "telephone2", "modifiedon"}, r.Columns)
	assert.Contains(t, r.Records[0], "telephone1")
	assert.NotContains(t, r.Records[0], "jobtitle", "only the columns are read")

	r = results{}
	c.view("records.search", map[string]any{"entityName": "contact", "searchText": "person03 & $top=1"}, &r)
	assert.Empty(t, r.Records, "the text is searched for, never read as query options")

	r = results{}
	c.view("records.search", map[string]any{"entityName": "contact"}, &r)
	assert.Len(t, r.Records, maxResults)
	assert.True(t, r.More)
	assert.Equal(t, fmt.Sprintf("Person%02d Lee", maxResults), r.Records[0]["fullname"], "without text, the most recently changed first")

	var incidents results
	c.view("records.search", map[string]any{"entityName": "incident", "searchText": "x"}, &incidents)
	assert.Equal(t, []string{"ticketnumber", "modifiedon"}, incidents.Columns)
	c.Fails("records.search", agent(map[string]any{"entityName": "contact", "searchText": strings.Repeat("x", 201)}), errcode.InvalidQuery)
}

func TestWebPagesCannotCallTheRecordPagesOperations(t *testing.T) {
	c := withOrganisation(t)
	for _, method := range []string{"records.page", "records.save", "records.create", "records.search"} {
		msg := c.Fails(method, with(page, map[string]any{"entityName": "contact"}), errcode.AgentOnly)
		assert.Equal(t, method+" is one of the agent's own operations; web pages cannot call it (only the agent switches and closes sessions)", msg)
	}
}

func TestOpenFormBoundsItsFormParameters(t *testing.T) {
	c := withOrganisation(t)
	big := map[string]any{"description": strings.Repeat("x", maxFormBytes)}
	msg := c.Fails("openForm", with(page, map[string]any{"entityFormOptions": `{"entityName":"contact"}`, "formParameters": big}), errcode.InvalidParams)
	assert.True(t, strings.HasPrefix(msg, "openForm: formParameters are "), msg)
}

// A session template's {$odata…} title reads the organisation; a value a
// page passes that holds such a slug does not.
func TestODataSlugsInTitlesResolveAgainstTheOrganisation(t *testing.T) {
	cfg := testConfig(t)
	cfg.Dirs.Data = t.TempDir()
	file := filepath.Join(cfg.Dirs.Config, "templates.json")
	require.NoError(t, os.MkdirAll(cfg.Dirs.Config, 0o700))
	require.NoError(t, os.WriteFile(file, []byte(`{"sessionTemplates": [{
		"uniqueName": "contoso_call", "title": "Call: {$odata.contact.fullname.?$filter=telephone1 eq '{phone}'&$select=fullname}",
		"anchorTab": "contoso_search"}],
	  "applicationTabTemplates": [{"uniqueName": "contoso_search", "title": "{$odata.contact.emailaddress1.?$filter=telephone1 eq '{phone}'}",
		"pageType": "search", "parameters": {"searchText": "{$odata.contact.lastname.?$filter=telephone1 eq '{phone}'}"}}]}`), 0o600))
	catalog, problems := templates.Load(file)
	require.Empty(t, problems)
	cfg.Catalog = catalog
	org, _ := organization.Open(cfg.Dirs, config.Settings{}, nil)
	t.Cleanup(func() { org.Close() })
	cfg.Records = org
	c := serve(t, cfg)
	c.hello("p1")
	c.create("contact", map[string]any{"firstname": "Ann", "lastname": "O'Lee", "emailaddress1": "ann@contoso.example", "telephone1": "+1 206 555 0143"})

	var id string
	c.Result("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "contoso_call", "templateParameters": map[string]any{"phone": "(206) 555-0143"}}}), &id)
	var s map[string]any
	c.Result("getSession", with(page, map[string]any{"sessionId": id}), &s)
	assert.Equal(t, "Call: Ann O'Lee", s["title"])
	var tab TabView
	c.view("workspace.tab", map[string]any{"tabId": s["tabs"].([]any)[0]}, &tab)
	assert.Equal(t, "ann@contoso.example", tab.Title)
	assert.Equal(t, "O'Lee", tab.Params["searchText"], "the template's own parameters query too")

	c.Result("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "contoso_call", "templateParameters": map[string]any{
		"phone": "x' or fullname ne 'y", "searchText": "{$odata.contact.emailaddress1.?$top=1}"}}}), &id)
	c.Result("getSession", with(page, map[string]any{"sessionId": id}), &s)
	assert.Equal(t, "Call: ", s["title"], "a value cannot rewrite the query: nothing matches")
	c.view("workspace.tab", map[string]any{"tabId": s["tabs"].([]any)[0]}, &tab)
	assert.Equal(t, "", tab.Params["searchText"], "a slug in a page's value queries nothing")
}
