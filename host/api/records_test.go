package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/organization"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// withOrganisation serves with an empty organisation of its own.
func withOrganisation(t *testing.T) *client {
	cfg := testConfig(t)
	cfg.Dirs.Data = t.TempDir()
	org, problems := organization.Open(cfg.Dirs, config.Settings{}, nil)
	require.Empty(t, problems)
	t.Cleanup(func() { org.Close() })
	cfg.Records = org
	c := serve(t, cfg)
	c.hello("p1")
	return c
}

// str calls a method that resolves with a JSON string and decodes it.
func (c *client) str(method string, args map[string]any, into any) {
	c.t.Helper()
	var s string
	require.NoError(c.t, json.Unmarshal([]byte(c.ok(method, with(page, args))), &s))
	require.NoError(c.t, json.Unmarshal([]byte(s), into), "%s resolves with a JSON string", method)
}

func TestRecordsFromCreateToDelete(t *testing.T) {
	c := withOrganisation(t)
	var created struct{ EntityType, ID string }
	c.str("createRecord", map[string]any{"entityName": "contact", "data": `{"firstname":"Ann","lastname":"Lee","telephone1":"+1 206 555 0143"}`}, &created)
	assert.Equal(t, "contact", created.EntityType)
	assert.Len(t, created.ID, 36)

	var rec map[string]any
	c.str("retrieveRecord", map[string]any{"entityName": "contact", "id": created.ID, "query": "?$select=fullname,telephone1"}, &rec)
	assert.Equal(t, "Ann Lee", rec["fullname"])
	assert.Equal(t, created.ID, rec["contactid"])
	assert.Contains(t, rec, "@odata.etag")

	c.str("updateRecord", map[string]any{"entityName": "contact", "id": created.ID, "data": map[string]any{"jobtitle": "Buyer"}}, &created)
	c.str("retrieveRecord", map[string]any{"entityName": "contact", "id": created.ID, "query": "$select=jobtitle"}, &rec)
	assert.Equal(t, "Buyer", rec["jobtitle"], "an object for data works too")

	c.str("deleteRecord", map[string]any{"entityName": "contact", "id": created.ID}, &created)
	assert.Equal(t, errcode.RecordNotFound, c.Call("retrieveRecord", with(page, map[string]any{"entityName": "contact", "id": created.ID})).Error.Code)
}

func TestRecordCallsRefuseWithCIFsTexts(t *testing.T) {
	c := withOrganisation(t)
	for _, tt := range []struct {
		method string
		args   map[string]any
		code   errcode.Code
		prefix string
	}{
		{"createRecord", map[string]any{"data": "{}"}, errcode.InvalidParams, "The EntityName parameter is blank. Provide a value to the parameter.: "},
		{"createRecord", map[string]any{"entityName": "contact"}, errcode.InvalidParams, "Provide a value to the data parameter to create record.: "},
		{"createRecord", map[string]any{"entityName": "contacts", "data": "{}"}, errcode.EntityNotFound, ""},
		{"retrieveRecord", map[string]any{"id": "x"}, errcode.InvalidParams, "The EntityName parameter is blank.Provide a value to the parameter.: "},
		{"retrieveRecord", map[string]any{"entityName": "contact"}, errcode.InvalidParams, "The EntityId parameter is blank. Provide a value to the parameter.: "},
		{"retrieveRecord", map[string]any{"entityName": "contact", "id": "00000000-0000-0000-0000-000000000001", "query": "?$skip=1"}, errcode.InvalidQuery, ""},
		{"updateRecord", map[string]any{"entityName": "contact", "id": "x"}, errcode.InvalidParams, "The data parameter is blank. Provide a value to the parameter to update the record.: "},
		{"searchAndOpenRecords", map[string]any{"entityName": "contact", "searchOnly": true}, errcode.InvalidParams, "The queryParmeters parameter is blank."},
		{"searchAndOpenRecords", map[string]any{"entityName": "contact", "query": "$top=1"}, errcode.InvalidParams, "The searchOnly parameter is blank."},
		{"searchAndOpenRecords", map[string]any{"entityName": "contact", "query": "", "searchOnly": true}, errcode.InvalidQuery, "Error. Either the seach query is empty or searchOnly is true for search query"},
		{"getEntityMetadata", map[string]any{}, errcode.InvalidParams, "The EntityName parameter is blank. Provide a value to the parameter: "},
		{"openForm", map[string]any{}, errcode.InvalidParams, "The EntityFormOptions parameter is blank."},
		{"renderSearchPage", map[string]any{"entityName": "contact"}, errcode.InvalidParams, "The SearchString Parameter cannot be NULL"},
	} {
		t.Run(tt.method+" "+tt.prefix, func(t *testing.T) {
			msg := c.Fails(tt.method, with(page, tt.args), tt.code)
			assert.True(t, strings.HasPrefix(msg, tt.prefix), msg)
		})
	}
}

func TestAScreenPopOpensTheRecordInTheCallersSession(t *testing.T) {
	c := withOrganisation(t)
	var ann, bob struct{ ID string }
	c.str("createRecord", map[string]any{"entityName": "contact", "data": `{"firstname":"Ann","telephone1":"+1 206 555 0143"}`}, &ann)
	c.str("createRecord", map[string]any{"entityName": "contact", "data": `{"firstname":"Bob","telephone1":"+1 206 555 0199"}`}, &bob)

	// On the home session, the page opens in a tab of the extension's own.
	var found map[string]map[string]any
	c.str("searchAndOpenRecords", map[string]any{"entityName": "contact", "query": "?$select=fullname&$search=(206) 555-0143", "searchOnly": false}, &found)
	require.Len(t, found, 1)
	assert.Equal(t, ann.ID, found["0"]["contactid"])
	open := c.Read()
	assert.Equal(t, OpenPage, open.Method)
	assert.JSONEq(t, `{"page":"record","entityName":"contact","entityId":"`+ann.ID+`"}`, string(open.Params))

	// In the caller's own session, as a tab of it.
	c.ok("createSession", with(page, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))
	found = nil
	c.str("searchAndOpenRecords", map[string]any{"entityName": "contact", "query": "$filter=contains(telephone1,'206')", "searchOnly": false}, &found)
	assert.Len(t, found, 2)
	var tabs []string
	require.NoError(t, json.Unmarshal([]byte(c.ok("getTabs", with(page, map[string]any{"templateName": "msdyn_records_search_tab"}))), &tabs))
	assert.Len(t, tabs, 1, "several matches open the search results")

	var saved map[string][]map[string]string
	c.str("openForm", map[string]any{"entityFormOptions": `{"entityName":"contact","entityId":"` + bob.ID + `"}`}, &saved)
	assert.Equal(t, []map[string]string{{"entityType": "contact", "id": bob.ID, "name": "Bob"}}, saved["savedEntityReference"])
	require.NoError(t, json.Unmarshal([]byte(c.ok("getTabs", with(page, map[string]any{"templateName": "msdyn_entityrecord_tab"}))), &tabs))
	assert.Len(t, tabs, 1)

	// Another provider's focused session is not this one's to open pages in.
	c.ok("createSession", with("http://other.example", map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))
	msg := c.Fails("renderSearchPage", with(page, map[string]any{"entityName": "contact", "searchString": "Ann"}), errcode.NotOwner)
	assert.Equal(t, "This operation can be performed from the active provider: renderSearchPage opens a page in the focused session, which is another provider's", msg)
	found = nil
	c.str("searchAndOpenRecords", map[string]any{"entityName": "contact", "query": "$search=Ann", "searchOnly": true}, &found)
	assert.Len(t, found, 1, "searching only opens nothing, so any provider may")
}

func TestGetEntityMetadataDescribesTheEntity(t *testing.T) {
	c := withOrganisation(t)
	var m struct {
		LogicalName, EntitySetName, PrimaryIdAttribute, PrimaryNameAttribute string
		Attributes                                                           map[string]map[string]any
	}
	c.str("getEntityMetadata", map[string]any{"entityName": "contact", "attributes": []string{"telephone1"}}, &m)
	assert.Equal(t, "contacts", m.EntitySetName)
	assert.Equal(t, "contactid", m.PrimaryIdAttribute)
	assert.Equal(t, "fullname", m.PrimaryNameAttribute)
	assert.Contains(t, m.Attributes, "telephone1")
	assert.Len(t, m.Attributes, 1)
}

// Two agents' connections on one organisation (two browser profiles of
// one user, each with its cif-host; here in one process).
func TestAChangeByOneAgentReachesTheOthersViewsAndAStaleSaveIsRefused(t *testing.T) {
	cfg := testConfig(t)
	cfg.Dirs.Data = t.TempDir()
	org, _ := organization.Open(cfg.Dirs, config.Settings{}, nil)
	t.Cleanup(func() { org.Close() })
	cfg.Records = org
	a := serve(t, cfg)
	a.hello("p1")
	bcfg := cfg
	bcfg.Dirs.State = t.TempDir()
	b := serve(t, bcfg)
	b.hello("p2")

	var created struct{ EntityType, ID string }
	a.str("createRecord", map[string]any{"entityName": "contact", "data": `{"firstname":"Ann","lastname":"Lee"}`}, &created)
	var rec map[string]any
	b.str("retrieveRecord", map[string]any{"entityName": "contact", "id": created.ID, "query": "?$select=fullname"}, &rec)
	etag := rec["@odata.etag"].(string)

	a.str("updateRecord", map[string]any{"entityName": "contact", "id": created.ID, "data": `{"jobtitle":"Buyer"}`, "ifMatch": etag}, &created)
	// b's views hear of it (the create, too, may come first).
	var ch records.Changed
	b.Event(RecordChanged, func(p json.RawMessage) bool {
		ch = records.Changed{}
		return json.Unmarshal(p, &ch) == nil && ch.ID == created.ID && records.ETag(ch.Version) != etag
	}, 10*time.Second)
	assert.Equal(t, "contact", ch.Entity)
	assert.False(t, ch.Deleted)

	// b saves on the version it read: refused, not silently lost.
	msg := b.Fails("updateRecord", with(page, map[string]any{"entityName": "contact", "id": created.ID, "data": `{"jobtitle":"CEO"}`, "ifMatch": etag}), errcode.RecordConflict)
	assert.Contains(t, msg, "changed since the version the update was based on")
	b.str("retrieveRecord", map[string]any{"entityName": "contact", "id": created.ID, "query": "?$select=jobtitle"}, &rec)
	assert.Equal(t, "Buyer", rec["jobtitle"])
	assert.Equal(t, records.ETag(ch.Version), rec["@odata.etag"])

	// ifMatch is updateRecord's alone.
	b.Fails("createRecord", with(page, map[string]any{"entityName": "contact", "data": `{"lastname":"X"}`, "ifMatch": etag}), errcode.InvalidParams)
}
