// Package storetest is the test suite every records.Store must pass: the
// embedded SQLite organisation runs it, and so will PostgreSQL's. It
// checks results in the Web API's shape, every refusal's code and
// message, transactions (a failed call writes nothing), injection attempts
// through every query option and every value, and concurrent callers.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Config is what a suite's store is opened with.
type Config struct {
	Catalog *metadata.Catalog
	// Now is a fixed clock, so that results can be compared exactly.
	Now func() time.Time
	// NewID makes predictable ids.
	NewID func() string
}

// Opener opens a new, empty organisation for one test; the test closes
// it.
type Opener func(t *testing.T, c Config) records.Store

// clock is the suite's fixed time.
func clock() time.Time { return time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC) }

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	s := suite{open: open}
	t.Run("CreateAndRetrieveInTheWebAPIShape", s.createAndRetrieve)
	t.Run("CreateRefuses", s.createRefuses)
	t.Run("Update", s.update)
	t.Run("UpdateRefuses", s.updateRefuses)
	t.Run("Delete", s.delete)
	t.Run("Query", s.query)
	t.Run("QueryRefuses", s.queryRefuses)
	t.Run("SearchByPhoneInAnyFormat", s.searchByPhone)
	t.Run("RelevanceSearch", s.relevance)
	t.Run("Related", s.related)
	t.Run("AFailedCallWritesNothing", s.failedCallsWriteNothing)
	t.Run("InjectionAttemptsStayValues", s.injection)
	t.Run("ImportAndExport", s.importExport)
	t.Run("CustomEntities", s.custom)
	t.Run("ConcurrentCallers", s.concurrent)
}

type suite struct{ open Opener }

// Sequence returns an id maker giving 00000000-0000-4000-8000-000000000001,
// …002, and so on.
func Sequence() func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}

func (s suite) store(t *testing.T) records.Store {
	t.Helper()
	st := s.open(t, Config{Catalog: metadata.BuiltinCatalog(), Now: clock, NewID: Sequence()})
	t.Cleanup(func() { st.Close() })
	return st
}

func data(t *testing.T, js string) records.Data {
	t.Helper()
	d, err := records.DecodeData([]byte(js))
	require.NoError(t, err)
	return d
}

func create(t *testing.T, st records.Store, entity, js string) string {
	t.Helper()
	id, err := st.Create(context.Background(), entity, data(t, js))
	require.NoError(t, err, "creating a %s from %s", entity, js)
	return id
}

func query(t *testing.T, s string) *odata.Query {
	t.Helper()
	q, err := odata.Parse(s)
	require.NoError(t, err)
	return q
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// coded checks an error's code and message.
func coded(t *testing.T, err error, code errcode.Code, message string) {
	t.Helper()
	require.Error(t, err)
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok, "%v is not coded", err)
	assert.Equal(t, code, e.Code, e.Message)
	assert.Equal(t, message, e.Message)
}

func names(recs []*records.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Name())
	}
	return out
}

const (
	id1 = "00000000-0000-4000-8000-000000000001"
	id2 = "00000000-0000-4000-8000-000000000002"
	id3 = "00000000-0000-4000-8000-000000000003"
	id4 = "00000000-0000-4000-8000-000000000004"
)

func (s suite) createAndRetrieve(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	acc := create(t, st, "account", `{"name":"Contoso Ltd","telephone1":"+1 (425) 555-0100","revenue":1234567.891,"numberofemployees":4200,"industrycode":7,"websiteurl":"https://contoso.example"}`)
	assert.Equal(t, id1, acc)
	c := create(t, st, "contact", `{"firstname":"Ann","lastname":"Lee","emailaddress1":"ann@contoso.example","telephone1":"206-555-0143",
		"parentcustomerid_account@odata.bind":"/accounts(`+acc+`)","birthdate":"1990-02-03","donotphone":true,"creditlimit":2500,
		"preferredcontactmethodcode":3,"description":"Prefers mornings."}`)
	rec, err := st.Retrieve(ctx, "contact", c, query(t, "?$select=fullname,telephone1,_parentcustomerid_value,donotphone,birthdate,creditlimit,preferredcontactmethodcode,createdon"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"@odata.etag":"W/\"1002\"","contactid":"`+id2+`","fullname":"Ann Lee",
		"_parentcustomerid_value@OData.Community.Display.V1.FormattedValue":"Contoso Ltd",
		"_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty":"parentcustomerid_account",
		"_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname":"account",
		"_parentcustomerid_value":"`+id1+`","telephone1":"206-555-0143",
		"preferredcontactmethodcode@OData.Community.Display.V1.FormattedValue":"Phone","preferredcontactmethodcode":3,
		"donotphone@OData.Community.Display.V1.FormattedValue":"Do Not Allow","donotphone":true,
		"birthdate@OData.Community.Display.V1.FormattedValue":"2/3/1990","birthdate":"1990-02-03",
		"creditlimit@OData.Community.Display.V1.FormattedValue":"$2,500.00","creditlimit":2500,
		"createdon@OData.Community.Display.V1.FormattedValue":"3/14/2026 9:26 AM","createdon":"2026-03-14T09:26:53Z"}`, marshal(t, rec))

	rec, err = st.Retrieve(ctx, "account", acc, query(t, "?$select=revenue,numberofemployees,industrycode"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"@odata.etag":"W/\"1001\"","accountid":"`+id1+`",
		"industrycode@OData.Community.Display.V1.FormattedValue":"Consulting","industrycode":7,
		"revenue@OData.Community.Display.V1.FormattedValue":"$1,234,567.89","revenue":1234567.89,
		"numberofemployees@OData.Community.Display.V1.FormattedValue":"4,200","numberofemployees":4200}`, marshal(t, rec))

	// $expand of a lookup, with and without the lookup selected; a GUID
	// in upper case or braces finds the record.
	rec, err = st.Retrieve(ctx, "contact", "{"+c+"}", query(t, "?$select=fullname&$expand=parentcustomerid_account($select=name,telephone1),parentcustomerid_contact"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"@odata.etag":"W/\"1002\"","contactid":"`+id2+`","fullname":"Ann Lee",
		"parentcustomerid_account":{"@odata.etag":"W/\"1001\"","accountid":"`+id1+`","name":"Contoso Ltd","telephone1":"+1 (425) 555-0100"},
		"parentcustomerid_contact":null}`, marshal(t, rec))

	// Defaults, computed values and every attribute without $select.
	rec, err = st.Retrieve(ctx, "contact", c, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(0), rec.Values["statecode"])
	assert.Equal(t, int64(1), rec.Values["statuscode"])
	assert.Nil(t, rec.Values["jobtitle"])
	assert.Equal(t, "Prefers mornings.", rec.Values["description"])
	assert.Equal(t, int64(1002), rec.Values["versionnumber"])

	// A case gets its number; a phone call its defaults.
	inc := create(t, st, "incident", `{"title":"Router reboots","customerid_contact@odata.bind":"/contacts(`+c+`)","caseorigincode":1}`)
	rec, err = st.Retrieve(ctx, "incident", inc, query(t, "?$select=ticketnumber,statuscode,prioritycode,caseorigincode,_customerid_value"))
	require.NoError(t, err)
	assert.Regexp(t, `^CAS-01001-[0-9A-Z]{6}$`, rec.Values["ticketnumber"])
	assert.Equal(t, records.Lookup{Entity: "contact", ID: c, Name: "Ann Lee"}, rec.Values["customerid"])
	call := create(t, st, "phonecall", `{"subject":"Call back","phonenumber":"206-555-0143","regardingobjectid_incident_phonecall@odata.bind":"/incidents(`+inc+`)","actualdurationminutes":90,"scheduledend":"2026-03-15T17:00:00+01:00"}`)
	rec, err = st.Retrieve(ctx, "phonecall", call, query(t, "?$select=directioncode,actualdurationminutes,scheduledend,statuscode,_regardingobjectid_value"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"@odata.etag":"W/\"1004\"","activityid":"`+id4+`",
		"directioncode@OData.Community.Display.V1.FormattedValue":"Outgoing","directioncode":true,
		"_regardingobjectid_value@OData.Community.Display.V1.FormattedValue":"Router reboots",
		"_regardingobjectid_value@Microsoft.Dynamics.CRM.associatednavigationproperty":"regardingobjectid_incident_phonecall",
		"_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname":"incident",
		"_regardingobjectid_value":"`+inc+`",
		"actualdurationminutes@OData.Community.Display.V1.FormattedValue":"90 minutes","actualdurationminutes":90,
		"scheduledend@OData.Community.Display.V1.FormattedValue":"3/15/2026 4:00 PM","scheduledend":"2026-03-15T16:00:00Z",
		"statuscode@OData.Community.Display.V1.FormattedValue":"Open","statuscode":1}`, marshal(t, rec))

	// The caller may choose the id.
	chosen := "6F9619FF-8B86-D011-B42D-00C04FC964FF"
	got := create(t, st, "contact", `{"contactid":"`+chosen+`","lastname":"Chosen"}`)
	assert.Equal(t, "6f9619ff-8b86-d011-b42d-00c04fc964ff", got)

	_, err = st.Retrieve(ctx, "contact", "6f9619ff-8b86-d011-b42d-00c04fc96400", nil)
	coded(t, err, errcode.RecordNotFound, "Entity 'contact' With Id = 6f9619ff-8b86-d011-b42d-00c04fc96400 Does Not Exist; check the id, or find the record with searchAndOpenRecords")
	_, err = st.Retrieve(ctx, "contact", "42", nil)
	coded(t, err, errcode.InvalidParams, `the record id "42" is not a GUID; a contact's id looks like 00000000-0000-0000-0000-000000000001`)
	_, err = st.Retrieve(ctx, "contact", c, query(t, "$filter=fullname eq 'x'"))
	coded(t, err, errcode.InvalidQuery, "the query cannot be used: retrieveRecord reads $select and $expand only; to filter, order or search records use searchAndOpenRecords")
	n, err := st.Count(ctx, "contact")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

func (s suite) createRefuses(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	acc := create(t, st, "account", `{"name":"Fabrikam"}`)
	missing := "00000000-0000-4000-8000-000000000999"
	tests := []struct {
		entity, data string
		code         errcode.Code
		message      string
	}{
		{"contacts", `{}`, errcode.EntityNotFound, `the organisation has no entity "contacts"; contacts is the entity set name; the logical name is contact`},
		{"", `{}`, errcode.InvalidParams, "the entity name is blank; give an entity's logical name, such as contact"},
		{"contact", `{"telephone":"555"}`, errcode.InvalidParams, `entity contact has no attribute "telephone"; did you mean telephone1 or telephone2?`},
		{"contact", `{"firstname; DROP TABLE contact":"x"}`, errcode.InvalidParams, `entity contact has no attribute "firstname; DROP TABLE contact"; did you mean firstname?`},
		{"contact", `{"telephone1":5550143}`, errcode.InvalidParams, "telephone1 is a String (Phone, at most 50 characters): give text, not the number 5550143"},
		{"contact", `{"lastname":"Lee", "firstname":"` + strings.Repeat("x", 51) + `"}`, errcode.InvalidParams, "firstname is 51 characters long; its maximum is 50: shorten it"},
		{"contact", `{"creditlimit":"lots"}`, errcode.InvalidParams, `creditlimit is a Money: give a number, not the text "lots"`},
		{"contact", `{"creditlimit":-1}`, errcode.InvalidParams, "creditlimit is -1; it takes 0.00 to 1,000,000,000,000.00"},
		{"account", `{"name":"x","numberofemployees":1.5}`, errcode.InvalidParams, "numberofemployees is a Integer: give a whole number, not the number 1.5"},
		{"contact", `{"donotphone":"yes"}`, errcode.InvalidParams, `donotphone is a Boolean: give true (Do Not Allow) or false (Allow), not the text "yes"`},
		{"contact", `{"preferredcontactmethodcode":9}`, errcode.InvalidParams, "preferredcontactmethodcode is 9, which is not one of its options: 1 (Any), 2 (Email), 3 (Phone), 4 (Fax), 5 (Mail)"},
		{"contact", `{"birthdate":"03/02/1990"}`, errcode.InvalidParams, `birthdate is "03/02/1990", which is not a date such as "2024-01-31"`},
		{"contact", `{"description":{"text":"x"}}`, errcode.InvalidParams, "description is a Memo (at most 2000 characters): give text, not an object"},
		{"contact", `{"fullname":"Ann Lee"}`, errcode.InvalidParams, "fullname is set by the organisation, not by callers (it is made from firstname and lastname: set those); leave it out"},
		{"contact", `{"createdon":"2020-01-01T00:00:00Z"}`, errcode.InvalidParams, "createdon is set by the organisation, not by callers; leave it out"},
		{"contact", `{"parentcustomerid":"` + acc + `"}`, errcode.InvalidParams, `parentcustomerid is a lookup; set it with "parentcustomerid_account@odata.bind": "/accounts(<id>)" or "parentcustomerid_contact@odata.bind": "/contacts(<id>)", as the Web API does`},
		{"contact", `{"_parentcustomerid_value":"` + acc + `"}`, errcode.InvalidParams, `_parentcustomerid_value is read-only in the Web API; set the lookup with "parentcustomerid_account@odata.bind": "/accounts(<id>)" or "parentcustomerid_contact@odata.bind": "/contacts(<id>)"`},
		{"contact", `{"parentcustomerid_account@odata.bind":"/accounts(` + missing + `)"}`, errcode.RecordNotFound, "Entity 'account' With Id = " + missing + " Does Not Exist, so parentcustomerid_account@odata.bind cannot point at it; bind an existing account (find one with searchAndOpenRecords) or create it first"},
		{"contact", `{"parentcustomerid_account@odata.bind":"/contacts(` + acc + `)"}`, errcode.InvalidParams, `parentcustomerid_account@odata.bind names the entity set "contacts", but parentcustomerid_account points at account, whose set is accounts: write "/accounts(<id>)"`},
		{"contact", `{"parentcustomerid_account@odata.bind":"Contoso"}`, errcode.InvalidParams, `parentcustomerid_account@odata.bind is "Contoso"; write the record's address as "/<entity set>(<id>)", such as "/accounts(00000000-0000-0000-0000-000000000001)"`},
		{"contact", `{"parentcustomerid_account@odata.bind":"/accounts(1)"}`, errcode.InvalidParams, `parentcustomerid_account@odata.bind names the id "1", which is not a GUID`},
		{"contact", `{"parentcustomer_account@odata.bind":"/accounts(` + acc + `)"}`, errcode.InvalidParams, `entity contact has no navigation property "parentcustomer_account" for @odata.bind; did you mean parentcustomerid_account or parentcustomerid_contact?`},
		{"contact", `{"parentcustomerid_account@odata.bind":"/accounts(` + acc + `)","parentcustomerid_contact@odata.bind":"/contacts(` + acc + `)"}`, errcode.InvalidParams, "parentcustomerid_contact@odata.bind and another binding both set parentcustomerid; bind it once"},
		{"incident", `{"title":"No customer"}`, errcode.InvalidParams, `a incident needs customerid (Customer): set it with "customerid_account@odata.bind": "/accounts(<id>)" or "customerid_contact@odata.bind": "/contacts(<id>)"`},
		{"incident", `{"title":"x","customerid_account@odata.bind":"/accounts(` + acc + `)","statecode":0,"statuscode":5}`, errcode.InvalidParams, "statuscode 5 (Problem Solved) belongs to statecode 1 (Resolved), not 0 (Active); set the matching pair, or statuscode alone"},
		{"incident", `{"title":"x","customerid_account@odata.bind":"/accounts(` + acc + `)","statecode":null}`, errcode.InvalidParams, "statecode and statuscode cannot be cleared; set a value, such as statecode 0 (Active)"},
		{"account", `{"accountid":"` + acc + `","name":"Again"}`, errcode.InvalidParams, "a account with accountid " + acc + " already exists; update it instead, or leave accountid out to get a new id"},
		{"account", `{"accountid":"nope"}`, errcode.InvalidParams, `accountid is the account's id, a GUID such as 00000000-0000-0000-0000-000000000001, not the text "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.entity+" "+tt.message, func(t *testing.T) {
			_, err := st.Create(ctx, tt.entity, data(t, tt.data))
			coded(t, err, tt.code, tt.message)
		})
	}
	for _, tt := range []struct{ raw, message string }{
		{`[1]`, "the data is not a JSON object of attributes (it is a list); pass one, such as {\"firstname\":\"Ann\"}"},
		{`null`, "the data is null; pass a JSON object of attributes, such as {\"firstname\":\"Ann\"}"},
		{`{"a":1,"a":2}`, "the data is not a JSON object of attributes (duplicate object member name at byte 7); pass one, such as {\"firstname\":\"Ann\"}"},
		{`{"a":`, "the data is not a JSON object of attributes (unexpected EOF at byte 5); pass one, such as {\"firstname\":\"Ann\"}"},
	} {
		_, err := records.DecodeData([]byte(tt.raw))
		coded(t, err, errcode.InvalidParams, tt.message)
	}
	n, err := st.Count(ctx, "contact")
	require.NoError(t, err)
	assert.Zero(t, n, "no refused create wrote anything")
	// A status alone sets its state.
	inc := create(t, st, "incident", `{"title":"x","customerid_account@odata.bind":"/accounts(`+acc+`)","statuscode":5}`)
	rec, err := st.Retrieve(ctx, "incident", inc, query(t, "$select=statecode"))
	require.NoError(t, err)
	assert.Equal(t, int64(1), rec.Values["statecode"])
}

func (s suite) update(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	acc := create(t, st, "account", `{"name":"Contoso"}`)
	c := create(t, st, "contact", `{"firstname":"Ann","lastname":"Lee","jobtitle":"Buyer","parentcustomerid_account@odata.bind":"/accounts(`+acc+`)"}`)
	etag, err := st.Update(ctx, "contact", c, data(t, `{"lastname":"Leigh","jobtitle":null}`), `W/"1002"`)
	require.NoError(t, err)
	assert.Equal(t, `W/"1003"`, etag)
	rec, err := st.Retrieve(ctx, "contact", c, nil)
	require.NoError(t, err)
	assert.Equal(t, "Ann Leigh", rec.Values["fullname"], "fullname follows lastname")
	assert.Nil(t, rec.Values["jobtitle"])
	assert.Equal(t, "Ann", rec.Values["firstname"], "an update changes only what it names")
	assert.Equal(t, rec.ETag(), etag)

	// A lookup is cleared with a null bind, and set to the other target.
	_, err = st.Update(ctx, "contact", c, data(t, `{"parentcustomerid_account@odata.bind":null}`), "")
	require.NoError(t, err)
	rec, _ = st.Retrieve(ctx, "contact", c, query(t, "$select=_parentcustomerid_value"))
	assert.Nil(t, rec.Values["parentcustomerid"])
	other := create(t, st, "contact", `{"lastname":"Parent"}`)
	_, err = st.Update(ctx, "contact", c, data(t, `{"parentcustomerid_contact@odata.bind":"contacts(`+other+`)"}`), "*")
	require.NoError(t, err)
	rec, _ = st.Retrieve(ctx, "contact", c, query(t, "$select=_parentcustomerid_value"))
	assert.Equal(t, records.Lookup{Entity: "contact", ID: other, Name: "Parent"}, rec.Values["parentcustomerid"])

	// An empty update changes nothing, not even the version.
	before := rec.ETag()
	etag, err = st.Update(ctx, "contact", c, records.Data{}, "")
	require.NoError(t, err)
	assert.Equal(t, before, etag)
	// The id may be repeated in the data.
	_, err = st.Update(ctx, "contact", c, data(t, `{"contactid":"`+c+`","jobtitle":"CEO"}`), "")
	require.NoError(t, err)
	// A lookup's target renamed shows its new name.
	_, err = st.Update(ctx, "contact", other, data(t, `{"lastname":"Renamed"}`), "")
	require.NoError(t, err)
	rec, _ = st.Retrieve(ctx, "contact", c, query(t, "$select=_parentcustomerid_value"))
	assert.Equal(t, "Renamed", rec.Values["parentcustomerid"].(records.Lookup).Name)
}

func (s suite) updateRefuses(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	c := create(t, st, "contact", `{"lastname":"Lee"}`)
	missing := "00000000-0000-4000-8000-000000000999"
	tests := []struct {
		id, data, ifMatch string
		code              errcode.Code
		message           string
	}{
		{c, `{"lastname":"X"}`, `W/"999"`, errcode.RecordConflict, "the contact " + c + ` changed since the version the update was based on (If-Match W/"999"; it is now W/"1001"); retrieve it again and reapply your change`},
		{c, `{"lastname":"X"}`, `yesterday`, errcode.InvalidParams, `If-Match "yesterday" is not an ETag; pass the record's @odata.etag as it was read, such as W/"1234", or * for any version`},
		{missing, `{"lastname":"X"}`, "", errcode.RecordNotFound, "Entity 'contact' With Id = " + missing + " Does Not Exist; check the id, or find the record with searchAndOpenRecords"},
		{c, `{"contactid":"` + missing + `"}`, "", errcode.InvalidParams, "contactid is the record's id, which cannot change; leave it out of the update"},
		{c, `{"statuscode":3}`, "", errcode.InvalidParams, "statuscode is 3, which is not one of its options: 1 (Active), 2 (Inactive)"},
		{c, `{"versionnumber":5}`, "", errcode.InvalidParams, "versionnumber is set by the organisation, not by callers; leave it out"},
		{c, `{"parentcustomerid_account@odata.bind":"/accounts(` + missing + `)"}`, "", errcode.RecordNotFound, "Entity 'account' With Id = " + missing + " Does Not Exist, so parentcustomerid_account@odata.bind cannot point at it; bind an existing account (find one with searchAndOpenRecords) or create it first"},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			_, err := st.Update(ctx, "contact", tt.id, data(t, tt.data), tt.ifMatch)
			coded(t, err, tt.code, tt.message)
		})
	}
	rec, err := st.Retrieve(ctx, "contact", c, nil)
	require.NoError(t, err)
	assert.Equal(t, `W/"1001"`, rec.ETag(), "no refused update wrote anything")
	// A case cannot lose its customer.
	inc := create(t, st, "incident", `{"title":"x","customerid_contact@odata.bind":"/contacts(`+c+`)"}`)
	_, err = st.Update(ctx, "incident", inc, data(t, `{"customerid_contact@odata.bind":null}`), "")
	coded(t, err, errcode.InvalidParams, `a incident cannot clear customerid (Customer): set it with "customerid_account@odata.bind": "/accounts(<id>)" or "customerid_contact@odata.bind": "/contacts(<id>)"`)
}

func (s suite) delete(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	acc := create(t, st, "account", `{"name":"Contoso"}`)
	c := create(t, st, "contact", `{"lastname":"Lee","parentcustomerid_account@odata.bind":"/accounts(`+acc+`)"}`)
	_, err := st.Update(ctx, "account", acc, data(t, `{"primarycontactid@odata.bind":"/contacts(`+c+`)"}`), "")
	require.NoError(t, err)
	inc := create(t, st, "incident", `{"title":"x","customerid_account@odata.bind":"/accounts(`+acc+`)","primarycontactid@odata.bind":"/contacts(`+c+`)"}`)

	err = st.Delete(ctx, "account", acc)
	coded(t, err, errcode.InvalidParams, "the account "+acc+" is the customerid (Customer) of 1 case, which cannot be without one; delete those or point them at another record first")
	before, _ := st.Retrieve(ctx, "contact", c, nil)
	require.NoError(t, st.Delete(ctx, "contact", c))
	_, err = st.Retrieve(ctx, "contact", c, nil)
	coded(t, err, errcode.RecordNotFound, "Entity 'contact' With Id = "+c+" Does Not Exist; check the id, or find the record with searchAndOpenRecords")
	// Lookups that pointed at it are cleared, and their records' versions grow.
	rec, err := st.Retrieve(ctx, "account", acc, query(t, "$select=_primarycontactid_value,versionnumber"))
	require.NoError(t, err)
	assert.Nil(t, rec.Values["primarycontactid"])
	assert.Greater(t, rec.Version, before.Version)
	rec, err = st.Retrieve(ctx, "incident", inc, query(t, "$select=_primarycontactid_value"))
	require.NoError(t, err)
	assert.Nil(t, rec.Values["primarycontactid"])
	err = st.Delete(ctx, "contact", c)
	coded(t, err, errcode.RecordNotFound, "Entity 'contact' With Id = "+c+" Does Not Exist; check the id, or find the record with searchAndOpenRecords")
	require.NoError(t, st.Delete(ctx, "incident", inc))
	require.NoError(t, st.Delete(ctx, "account", acc))
}

// people makes a small organisation for queries.
func people(t *testing.T, st records.Store) map[string]string {
	ids := map[string]string{}
	ids["contoso"] = create(t, st, "account", `{"name":"Contoso","telephone1":"425-555-0100"}`)
	ids["fabrikam"] = create(t, st, "account", `{"name":"Fabrikam","telephone1":"+44 20 7946 0958"}`)
	for _, p := range []struct{ key, js string }{
		{"ann", `{"firstname":"Ann","lastname":"Lee","telephone1":"+1 (206) 555-0143","emailaddress1":"ann.lee@contoso.example","creditlimit":500,"birthdate":"1990-02-03","parentcustomerid_account@odata.bind":"/accounts(` + ids["contoso"] + `)"}`},
		{"anna", `{"firstname":"Anna","lastname":"Zeller","mobilephone":"206.555.0199","creditlimit":1500,"donotphone":true,"parentcustomerid_account@odata.bind":"/accounts(` + ids["fabrikam"] + `)"}`},
		{"bob", `{"firstname":"Bob","lastname":"lee","telephone1":"555-0143","creditlimit":1000,"birthdate":"1985-07-20"}`},
		{"zoe", `{"firstname":"Zoë","lastname":"Ångström","telephone2":"0207 946 0958","jobtitle":"100% owner_of \\ things"}`},
		{"dan", `{"firstname":"Dan","lastname":"O'Brien","emailaddress1":"DAN@FABRIKAM.EXAMPLE","statuscode":2}`},
	} {
		ids[p.key] = create(t, st, "contact", p.js)
	}
	return ids
}

func (s suite) query(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	ids := people(t, st)
	tests := []struct{ q, want string }{
		{"$filter=lastname eq 'lee'&$orderby=firstname", "Ann Lee,Bob lee"},
		{"$filter=lastname eq 'LEE'&$orderby=firstname desc", "Bob lee,Ann Lee"},
		{"$filter=lastname ne 'Lee'&$orderby=lastname", "Dan O'Brien,Anna Zeller,Zoë Ångström"},
		{"$filter=contains(fullname,'ann')&$orderby=fullname", "Ann Lee,Anna Zeller"},
		{"$filter=startswith(lastname,'o''b')", "Dan O'Brien"},
		{"$filter=endswith(emailaddress1,'@fabrikam.example')", "Dan O'Brien"},
		{"$filter=contains(jobtitle,'100%25')", "Zoë Ångström"},
		{"$filter=contains(jobtitle,'r_o')", "Zoë Ångström"},
		{"$filter=contains(jobtitle,'0_')", ""},
		{"$filter=contains(jobtitle,'\\')", "Zoë Ångström"},
		{"$filter=contains(fullname,'%25')", ""},
		{"$filter=contains(fullname,'_')", ""},
		{"$filter=creditlimit gt 500&$orderby=creditlimit desc", "Anna Zeller,Bob lee"},
		{"$filter=creditlimit ge 500 and creditlimit le 1000&$orderby=creditlimit", "Ann Lee,Bob lee"},
		{"$filter=creditlimit eq null&$orderby=fullname", "Dan O'Brien,Zoë Ångström"},
		{"$filter=creditlimit ne null and not (creditlimit lt 1000)&$orderby=fullname", "Anna Zeller,Bob lee"},
		{"$filter=birthdate lt 1989-01-01", "Bob lee"},
		{"$filter=createdon ge 2026-03-14T09:26:53Z and createdon lt 2026-03-15&$top=2&$orderby=fullname", "Ann Lee,Anna Zeller"},
		{"$filter=donotphone eq true", "Anna Zeller"},
		{"$filter=statecode eq 1", "Dan O'Brien"},
		{"$filter=_parentcustomerid_value eq " + ids["contoso"], "Ann Lee"},
		{"$filter=_parentcustomerid_value eq null&$orderby=fullname", "Bob lee,Dan O'Brien,Zoë Ångström"},
		{"$filter=contactid eq " + ids["bob"], "Bob lee"},
		{"$filter=lastname eq 'Lee' or firstname eq 'Dan'&$orderby=fullname", "Ann Lee,Bob lee,Dan O'Brien"},
		{"$filter=(lastname eq 'Lee' or firstname eq 'Dan') and creditlimit eq null", "Dan O'Brien"},
		{"$orderby=creditlimit,fullname&$top=3", "Dan O'Brien,Zoë Ångström,Ann Lee"},
		{"$orderby=creditlimit desc,fullname&$top=2", "Anna Zeller,Bob lee"},
		// Phone attributes match by digits, the caller's number in any format.
		{"$filter=telephone1 eq '2065550143'&$orderby=fullname", "Ann Lee,Bob lee"},
		{"$filter=telephone1 eq '(206) 555-0143'&$orderby=fullname", "Ann Lee,Bob lee"},
		{"$filter=telephone1 eq '+1 206 555 0143'&$orderby=fullname", "Ann Lee,Bob lee"},
		{"$filter=telephone1 eq '555-0143'&$orderby=fullname", "Ann Lee,Bob lee"},
		{"$filter=mobilephone eq '(206) 555-0199'", "Anna Zeller"},
		{"$filter=telephone2 eq '+44 20 7946 0958'", "Zoë Ångström"},
		{"$filter=telephone1 eq '0143'", ""},
		{"$filter=telephone1 ne '425 555 0100'&$orderby=fullname", "Ann Lee,Bob lee"},
		{"$filter=telephone1 eq '+1 425 555 0143'", "Bob lee"},
		{"$filter=contains(telephone1,'555-01')&$orderby=fullname", "Ann Lee,Bob lee"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			found, err := st.Query(ctx, "contact", query(t, tt.q))
			require.NoError(t, err)
			got := names(found)
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tt.want, join(got))
		})
	}
	// $select and $expand shape each record; Indexed is what
	// searchAndOpenRecords resolves with.
	found, err := st.Query(ctx, "contact", query(t, "$select=fullname&$filter=firstname eq 'Ann'&$expand=parentcustomerid_account($select=name)"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"0":{"@odata.etag":"W/\"1003\"","contactid":"`+ids["ann"]+`","fullname":"Ann Lee","parentcustomerid_account":{"@odata.etag":"W/\"1001\"","accountid":"`+ids["contoso"]+`","name":"Contoso"}}}`,
		marshal(t, records.Indexed(found)))
	found, err = st.Query(ctx, "contact", query(t, "$filter=firstname eq 'Nobody'"))
	require.NoError(t, err)
	assert.Equal(t, "{}", marshal(t, records.Indexed(found)))
	// Accounts are searched by their own phone numbers.
	found, err = st.Query(ctx, "account", query(t, "$filter=telephone1 eq '020 7946 0958'"))
	require.NoError(t, err)
	assert.Equal(t, []string{"Fabrikam"}, names(found))
}

func join(s []string) string { return strings.Join(s, ",") }

func (s suite) queryRefuses(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	for _, tt := range []struct{ entity, q, message string }{
		{"contact", "$filter=telephone1 eq 555", "the query cannot be used: $filter: telephone1 is a String; compare it with text in single quotes, such as '555', not 555"},
		{"contact", "$select=lastnme", `the query cannot be used: $select: entity contact has no attribute "lastnme"; did you mean lastname?`},
		{"account", "$expand=parentcustomerid_account", `the query cannot be used: $expand: entity account has no navigation property "parentcustomerid_account"; its navigation properties are parentaccountid, primarycontactid`},
	} {
		_, err := st.Query(ctx, tt.entity, query(t, tt.q))
		coded(t, err, errcode.InvalidQuery, tt.message)
	}
	_, err := st.Query(ctx, "lead", nil)
	coded(t, err, errcode.EntityNotFound, `the organisation has no entity "lead"; the organisation's entities are account, contact, incident, phonecall, task`)
	_, err = odata.Parse("$skip=5")
	coded(t, records.QueryError(err), errcode.InvalidQuery, "the query cannot be used: $skip: is not supported: Dataverse does not support $skip either; narrow the query with $filter, or raise $top (at most 5000)")
}

func (s suite) searchByPhone(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	people(t, st)
	for _, tt := range []struct{ search, want string }{
		{"+1 (206) 555-0143", "Ann Lee,Bob lee"},
		{"2065550143", "Ann Lee,Bob lee"},
		{"206.555.0199", "Anna Zeller"},
		{"+44 20 7946 0958", "Zoë Ångström"},
		{"+1 999 555 0000", ""},
	} {
		found, err := st.Query(ctx, "contact", query(t, "$search="+tt.search+"&$select=fullname"))
		require.NoError(t, err, tt.search)
		assert.Equal(t, tt.want, join(names(found)), tt.search)
	}
	found, err := st.Query(ctx, "account", query(t, "$search=(425) 555-0100"))
	require.NoError(t, err)
	assert.Equal(t, []string{"Contoso"}, names(found))
}

func (s suite) relevance(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	people(t, st)
	create(t, st, "contact", `{"firstname":"Leeann","lastname":"Brook"}`)
	for _, tt := range []struct{ q, want string }{
		{"$search=lee", "Ann Lee,Bob lee,Leeann Brook"},
		{"$search=ann lee", "Ann Lee,Leeann Brook"},
		{"$search=Ann", "Ann Lee,Anna Zeller,Leeann Brook"},
		{"$search=ann.lee@contoso.example", "Ann Lee"},
		{"$search=o'brien", "Dan O'Brien"},
		{"$search=\"zeller\"", "Anna Zeller"},
		// SQLite's NOCASE folds ASCII letters only, so the suite searches
		// other letters in their own case.
		{"$search=Ångström", "Zoë Ångström"},
		{"$search=lee&$filter=firstname eq 'Bob'", "Bob lee"},
		{"$search=lee&$top=1", "Ann Lee"},
		{"$search=nobody", ""},
		{"$search=%25", ""},
		{"$search=*", ""},
	} {
		found, err := st.Query(ctx, "contact", query(t, tt.q))
		require.NoError(t, err, tt.q)
		assert.Equal(t, tt.want, join(names(found)), tt.q)
	}
}

func (s suite) related(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	ids := people(t, st)
	a := create(t, st, "incident", `{"title":"First","customerid_contact@odata.bind":"/contacts(`+ids["ann"]+`)"}`)
	create(t, st, "incident", `{"title":"Second","customerid_account@odata.bind":"/accounts(`+ids["contoso"]+`)","primarycontactid@odata.bind":"/contacts(`+ids["ann"]+`)"}`)
	create(t, st, "phonecall", `{"subject":"Called","regardingobjectid_contact_phonecall@odata.bind":"/contacts(`+ids["ann"]+`)"}`)
	create(t, st, "task", `{"subject":"Follow up","regardingobjectid_incident_task@odata.bind":"/incidents(`+a+`)"}`)
	rel, err := st.Related(ctx, "contact", ids["ann"], 10)
	require.NoError(t, err)
	var got []string
	for _, r := range rel {
		got = append(got, r.Entity.LogicalName+"."+r.Attribute.LogicalName+": "+join(names(r.Records)))
	}
	assert.Equal(t, []string{"incident.customerid: First", "incident.primarycontactid: Second", "phonecall.regardingobjectid: Called"}, got)
	rel, err = st.Related(ctx, "account", ids["contoso"], 10)
	require.NoError(t, err)
	require.Len(t, rel, 2)
	assert.Equal(t, "contact", rel[0].Entity.LogicalName)
	assert.Equal(t, "incident", rel[1].Entity.LogicalName)
	_, err = st.Related(ctx, "contact", "00000000-0000-4000-8000-000000000999", 10)
	coded(t, err, errcode.RecordNotFound, "Entity 'contact' With Id = 00000000-0000-4000-8000-000000000999 Does Not Exist; check the id, or find the record with searchAndOpenRecords")
}

func (s suite) failedCallsWriteNothing(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	acc := create(t, st, "account", `{"name":"Contoso"}`)
	counts := func() [3]int {
		var n [3]int
		for i, e := range []string{"account", "contact", "incident"} {
			c, err := st.Count(ctx, e)
			require.NoError(t, err)
			n[i] = c
		}
		return n
	}
	before := counts()
	// An import whose last record fails imports none of the others.
	_, err := st.Import(ctx, []records.Item{
		{Entity: "account", Data: data(t, `{"name":"Fabrikam"}`)},
		{Entity: "contact", Data: data(t, `{"lastname":"Lee","parentcustomerid_account@odata.bind":"/accounts(`+acc+`)"}`)},
		{Entity: "incident", Data: data(t, `{"title":"x","customerid_account@odata.bind":"/accounts(`+acc+`)","prioritycode":7}`)},
	})
	coded(t, err, errcode.InvalidParams, "record 3 (incident): prioritycode is 7, which is not one of its options: 1 (High), 2 (Normal), 3 (Low)")
	assert.Equal(t, before, counts())
	// A deferred lookup that never appears fails the whole import.
	_, err = st.Import(ctx, []records.Item{
		{Entity: "contact", Data: data(t, `{"lastname":"Lee","parentcustomerid_account@odata.bind":"/accounts(00000000-0000-4000-8000-000000000999)"}`)},
	})
	coded(t, err, errcode.RecordNotFound, "record 1 (contact): Entity 'account' With Id = 00000000-0000-4000-8000-000000000999 Does Not Exist, so parentcustomerid_account@odata.bind cannot point at it; bind an existing account (find one with searchAndOpenRecords) or create it first")
	assert.Equal(t, before, counts())
	// A refused delete leaves the record and the lookups to it.
	create(t, st, "incident", `{"title":"x","customerid_account@odata.bind":"/accounts(`+acc+`)"}`)
	c := create(t, st, "contact", `{"lastname":"Lee","parentcustomerid_account@odata.bind":"/accounts(`+acc+`)"}`)
	require.Error(t, st.Delete(ctx, "account", acc))
	rec, err := st.Retrieve(ctx, "contact", c, query(t, "$select=_parentcustomerid_value"))
	require.NoError(t, err)
	assert.NotNil(t, rec.Values["parentcustomerid"])
	// A cancelled context writes nothing.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = st.Create(cancelled, "contact", data(t, `{"lastname":"Never"}`))
	require.Error(t, err)
	found, err := st.Query(ctx, "contact", query(t, "$filter=lastname eq 'Never'"))
	require.NoError(t, err)
	assert.Empty(t, found)
}

func (s suite) injection(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	hostile := []string{
		`'); DROP TABLE contact; --`,
		`x' OR '1'='1`,
		`" OR ""="`,
		`%' OR 1=1 --`,
		`\'; DELETE FROM contact WHERE ''='`,
		"Robert'); DROP TABLE account;--",
		`_%\`,
	}
	// NUL is refused alike by every organisation (PostgreSQL's text
	// cannot hold it), in values and in queries.
	_, err := st.Create(ctx, "contact", records.Data{"lastname": "a\x00b"})
	coded(t, err, errcode.InvalidParams, "lastname holds a NUL character (U+0000), which the organisation does not store: remove it")
	_, err = odata.Parse("$filter=lastname eq 'a%00b'")
	assert.ErrorContains(t, err, "holds a NUL character (%00), which no record holds: remove it")
	var ids []string
	for _, h := range hostile {
		js, _ := json.Marshal(map[string]any{"lastname": h, "jobtitle": h, "telephone1": h})
		ids = append(ids, create(t, st, "contact", string(js)))
	}
	for i, h := range hostile {
		rec, err := st.Retrieve(ctx, "contact", ids[i], nil)
		require.NoError(t, err)
		assert.Equal(t, h, rec.Values["lastname"], "stored verbatim")
		lit := "'" + strings.ReplaceAll(h, "'", "''") + "'"
		for _, q := range []string{
			"$filter=lastname eq " + lit,
			"$filter=contains(jobtitle," + lit + ")",
			"$filter=startswith(lastname," + lit + ") and endswith(jobtitle," + lit + ")",
			"$filter=telephone1 eq " + lit,
		} {
			pq, err := odata.Parse(encodeForQuery(q))
			if err != nil {
				continue // refused before any SQL
			}
			found, err := st.Query(ctx, "contact", pq)
			require.NoError(t, err, q)
			var got []string
			for _, f := range found {
				got = append(got, f.ID)
			}
			assert.True(t, slices.Contains(got, ids[i]), "%s finds its record", q)
		}
		found, err := st.Query(ctx, "contact", query(t, "$filter=lastname eq "+encodeForQuery(lit)))
		require.NoError(t, err)
		require.Len(t, found, 1, h)
		assert.Equal(t, ids[i], found[0].ID)
		found, err = st.Query(ctx, "contact", query(t, "$filter=contains(jobtitle,"+encodeForQuery(lit)+")"))
		require.NoError(t, err)
		for _, f := range found {
			assert.Contains(t, strings.ToLower(f.Values["jobtitle"].(string)), strings.ToLower(h))
		}
		pq, err := odata.Parse("$search=" + encodeForQuery(h))
		if err == nil {
			_, err = st.Query(ctx, "contact", pq)
			require.NoError(t, err, h)
		}
	}
	// Names cannot carry SQL: every option refuses them before the store.
	for _, q := range []string{
		"$select=lastname,(SELECT 1)", "$orderby=lastname; DROP TABLE contact", "$orderby=1", "$filter=lastname eq lastname",
		"$expand=parentcustomerid_account($select=name FROM account--)", "$filter=lastname eq 'x' UNION SELECT * FROM contact",
	} {
		pq, err := odata.Parse(q)
		if err == nil {
			_, err = st.Query(ctx, "contact", pq)
		}
		require.Error(t, err, q)
	}
	n, err := st.Count(ctx, "contact")
	require.NoError(t, err)
	assert.Equal(t, len(hostile), n, "every table and record is still there")
	n, err = st.Count(ctx, "account")
	require.NoError(t, err)
	assert.Zero(t, n)
}

// encodeForQuery percent-encodes what a query string cannot carry as is.
func encodeForQuery(s string) string {
	out := ""
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%', '&', 0:
			out += fmt.Sprintf("%%%02X", c)
		default:
			out += string(c)
		}
	}
	return out
}

func (s suite) importExport(t *testing.T) {
	ctx := context.Background()
	st := s.store(t)
	// Lookups may point forward, at records later in the batch, and in
	// cycles (an account's primary contact works for it).
	stats, err := st.Import(ctx, []records.Item{
		{Entity: "incident", Data: data(t, `{"incidentid":"`+id3+`","title":"Broken","customerid_contact@odata.bind":"/contacts(`+id2+`)"}`)},
		{Entity: "account", Data: data(t, `{"accountid":"`+id1+`","name":"Contoso","primarycontactid@odata.bind":"/contacts(`+id2+`)"}`)},
		{Entity: "contact", Data: data(t, `{"contactid":"`+id2+`","firstname":"Ann","lastname":"Lee","parentcustomerid_account@odata.bind":"/accounts(`+id1+`)"}`)},
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"account": 1, "contact": 1, "incident": 1}, stats.Created)
	rec, err := st.Retrieve(ctx, "account", id1, query(t, "$select=_primarycontactid_value"))
	require.NoError(t, err)
	assert.Equal(t, "Ann Lee", rec.Values["primarycontactid"].(records.Lookup).Name)
	// Importing again updates the same records.
	stats, err = st.Import(ctx, []records.Item{{Entity: "contact", Data: data(t, `{"contactid":"`+id2+`","jobtitle":"Buyer"}`)}})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"contact": 1}, stats.Updated)
	var exported []string
	require.NoError(t, st.Export(ctx, "contact", func(r *records.Record) error {
		exported = append(exported, r.Name()+"/"+fmt.Sprint(r.Values["jobtitle"]))
		return nil
	}))
	assert.Equal(t, []string{"Ann Lee/Buyer"}, exported)
}

func (s suite) custom(t *testing.T) {
	ctx := context.Background()
	cat, problems := metadata.Parse("entities.json", []byte(`{
		"entities": [{"logicalName": "new_project", "attributes": [
			{"logicalName": "new_customerid", "type": "Customer"},
			{"logicalName": "new_budget", "type": "Decimal", "precision": 1},
			{"logicalName": "new_hotline", "type": "String", "format": "Phone", "searchable": true}]}],
		"attributes": {"contact": [{"logicalName": "new_tier", "type": "Picklist", "options": [{"value": 100000000, "label": "Gold"}]}]}}`))
	require.Empty(t, problems)
	st := s.open(t, Config{Catalog: cat, Now: clock, NewID: Sequence()})
	t.Cleanup(func() { st.Close() })
	c := create(t, st, "contact", `{"lastname":"Lee","new_tier":100000000}`)
	p := create(t, st, "new_project", `{"new_name":"Rollout","new_budget":12.345,"new_hotline":"555 0100 200","new_customerid_contact@odata.bind":"/contacts(`+c+`)"}`)
	rec, err := st.Retrieve(ctx, "new_project", p, nil)
	require.NoError(t, err)
	assert.Equal(t, 12.3, rec.Values["new_budget"])
	found, err := st.Query(ctx, "new_project", query(t, "$search=5550100200"))
	require.NoError(t, err)
	assert.Equal(t, []string{"Rollout"}, names(found))
	rel, err := st.Related(ctx, "contact", c, 5)
	require.NoError(t, err)
	require.Len(t, rel, 1)
	assert.Equal(t, "new_project", rel[0].Entity.LogicalName)
	rec, err = st.Retrieve(ctx, "contact", c, query(t, "$select=new_tier"))
	require.NoError(t, err)
	assert.Contains(t, marshal(t, rec), `"new_tier@OData.Community.Display.V1.FormattedValue":"Gold"`)
}

func (s suite) concurrent(t *testing.T) {
	ctx := context.Background()
	st := s.open(t, Config{Catalog: metadata.BuiltinCatalog()})
	t.Cleanup(func() { st.Close() })
	acc := create(t, st, "account", `{"name":"Counter","numberofemployees":0}`)
	const workers, each = 6, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				// Creates from every goroutine, and a read-modify-write of
				// one counter guarded by If-Match: conflicts retry, so no
				// increment is lost.
				if _, err := st.Create(ctx, "contact", records.Data{"lastname": fmt.Sprintf("W%d-%d", w, i)}); err != nil {
					errs <- err
				}
				for {
					rec, err := st.Retrieve(ctx, "account", acc, nil)
					if err != nil {
						errs <- err
						return
					}
					n := rec.Values["numberofemployees"].(int64)
					_, err = st.Update(ctx, "account", acc, records.Data{"numberofemployees": n + 1}, rec.ETag())
					if e, ok := errors.AsType[*errcode.Error](err); ok && e.Code == errcode.RecordConflict {
						continue
					}
					if err != nil {
						errs <- err
					}
					break
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := st.Count(ctx, "contact")
	require.NoError(t, err)
	assert.Equal(t, workers*each, n)
	rec, err := st.Retrieve(ctx, "account", acc, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(workers*each), rec.Values["numberofemployees"])
}
