package records

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func TestPhoneDigits(t *testing.T) {
	for in, want := range map[string]string{
		"+1 (206) 555-0143": "12065550143",
		"206.555.0143":      "2065550143",
		"０２０ ７９４６":          "0207946",
		"٠١٢٣":              "0123",
		"ext. 12":           "12",
		"":                  "",
	} {
		assert.Equal(t, want, PhoneDigits(in), in)
	}
	assert.Equal(t, "34105556021", ReversedDigits("+1 (206) 555-0143"))
	assert.True(t, LooksLikePhone("+1 (206) 555-0143"))
	assert.True(t, LooksLikePhone("2065550143"))
	assert.False(t, LooksLikePhone("555-0143 Lee"))
	assert.False(t, LooksLikePhone("555 01"))
}

func TestFormatted(t *testing.T) {
	c := metadata.BuiltinCatalog()
	contact, _ := c.Entity("contact")
	account, _ := c.Entity("account")
	call, _ := c.Entity("phonecall")
	attr := func(e *metadata.Entity, name string) *metadata.Attribute {
		a, ok := e.Attribute(name)
		require.True(t, ok, name)
		return a
	}
	for _, tt := range []struct {
		a    *metadata.Attribute
		v    any
		want string
		ok   bool
	}{
		{attr(contact, "creditlimit"), 1234567.5, "$1,234,567.50", true},
		{attr(contact, "creditlimit"), -5.0, "-$5.00", true},
		{attr(contact, "creditlimit"), 0.0, "$0.00", true},
		{attr(account, "numberofemployees"), int64(1200), "1,200", true},
		{attr(account, "numberofemployees"), int64(-1200), "-1,200", true},
		{attr(call, "actualdurationminutes"), int64(1), "1 minute", true},
		{attr(call, "actualdurationminutes"), int64(120), "2 hours", true},
		{attr(call, "actualdurationminutes"), int64(2880), "2 days", true},
		{attr(call, "actualdurationminutes"), int64(0), "0 minutes", true},
		{attr(contact, "donotphone"), false, "Allow", true},
		{attr(contact, "statuscode"), int64(2), "Inactive", true},
		{attr(contact, "statuscode"), int64(99), "", false},
		{attr(contact, "birthdate"), time.Date(1990, 2, 3, 0, 0, 0, 0, time.UTC), "2/3/1990", true},
		{attr(contact, "createdon"), time.Date(2026, 12, 31, 23, 5, 0, 0, time.UTC), "12/31/2026 11:05 PM", true},
		{attr(contact, "fullname"), "Ann", "", false},
		{attr(contact, "creditlimit"), nil, "", false},
	} {
		got, ok := Formatted(tt.a, tt.v)
		assert.Equal(t, tt.ok, ok, "%s %v", tt.a.LogicalName, tt.v)
		assert.Equal(t, tt.want, got, "%s %v", tt.a.LogicalName, tt.v)
	}
}

func TestParseGUID(t *testing.T) {
	for in, want := range map[string]string{
		"0F8FAD5B-D9CB-469F-A165-70867728950E":   "0f8fad5b-d9cb-469f-a165-70867728950e",
		"{0f8fad5b-d9cb-469f-a165-70867728950e}": "0f8fad5b-d9cb-469f-a165-70867728950e",
	} {
		got, ok := ParseGUID(in)
		assert.True(t, ok)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"", "0f8fad5bd9cb469fa16570867728950e", "0f8fad5b-d9cb-469f-a165-70867728950", "zf8fad5b-d9cb-469f-a165-70867728950e", "{0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b_d9cb-469f-a165-70867728950e"} {
		_, ok := ParseGUID(bad)
		assert.False(t, ok, bad)
	}
}

func TestParseBindPath(t *testing.T) {
	for in, want := range map[string][2]string{
		"/contacts(0f8fad5b-d9cb-469f-a165-70867728950e)":                                           {"contacts", "0f8fad5b-d9cb-469f-a165-70867728950e"},
		"contacts(0f8fad5b-d9cb-469f-a165-70867728950e)":                                            {"contacts", "0f8fad5b-d9cb-469f-a165-70867728950e"},
		"https://org.crm.dynamics.com/api/data/v9.2/accounts(0f8fad5b-d9cb-469f-a165-70867728950e)": {"accounts", "0f8fad5b-d9cb-469f-a165-70867728950e"},
	} {
		set, id, ok := parseBindPath(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, [2]string{set, id}, in)
	}
	for _, bad := range []string{"", "contacts", "(x)", "/contacts(x"} {
		_, _, ok := parseBindPath(bad)
		assert.False(t, ok, bad)
	}
}

func TestRecordMarshalsInTheWebAPIShape(t *testing.T) {
	c := metadata.BuiltinCatalog()
	incident, _ := c.Entity("incident")
	account, _ := c.Entity("account")
	r := &Record{Entity: incident, ID: "00000000-0000-4000-8000-000000000001", Version: 7, Values: map[string]any{
		"title": "Broken", "customerid": Lookup{Entity: "account", ID: "00000000-0000-4000-8000-000000000002", Name: "Contoso"},
		"primarycontactid": nil, "prioritycode": int64(1),
	}, Expanded: map[string]*Record{
		"customerid_account": {Entity: account, ID: "00000000-0000-4000-8000-000000000002", Version: 3, Values: map[string]any{"name": "Contoso"}},
		"customerid_contact": nil,
	}}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, `{"@odata.etag":"W/\"7\"","incidentid":"00000000-0000-4000-8000-000000000001","title":"Broken",`+
		`"_customerid_value@OData.Community.Display.V1.FormattedValue":"Contoso",`+
		`"_customerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty":"customerid_account",`+
		`"_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname":"account",`+
		`"_customerid_value":"00000000-0000-4000-8000-000000000002","_primarycontactid_value":null,`+
		`"prioritycode@OData.Community.Display.V1.FormattedValue":"High","prioritycode":1,`+
		`"customerid_account":{"@odata.etag":"W/\"3\"","accountid":"00000000-0000-4000-8000-000000000002","name":"Contoso"},`+
		`"customerid_contact":null}`, string(b))
	assert.Equal(t, "Broken", r.Name())
	b, err = json.Marshal(Indexed([]*Record{r}))
	require.NoError(t, err)
	assert.Contains(t, string(b), `{"0":{"@odata.etag":"W/\"7\""`)
}

func TestQueryError(t *testing.T) {
	_, err := odata.Parse("$skip=1")
	e, ok := errors.AsType[*errcode.Error](QueryError(err))
	require.True(t, ok)
	assert.Equal(t, errcode.InvalidQuery, e.Code)
	plain := errors.New("x")
	assert.Same(t, plain, QueryError(plain))
	assert.NoError(t, QueryError(nil))
}

// fakeStore counts the calls that reach it.
type fakeStore struct {
	Store
	counts atomic.Int64
}

func (f *fakeStore) Count(context.Context, string) (int, error) { f.counts.Add(1); return 42, nil }
func (f *fakeStore) Close() error                               { return nil }

func TestLazyOpensOnceAndRetriesAFailure(t *testing.T) {
	var mu sync.Mutex
	opens, fail := 0, true
	fake := &fakeStore{}
	l := NewLazy(metadata.BuiltinCatalog(), func(context.Context) (Store, error) {
		mu.Lock()
		defer mu.Unlock()
		opens++
		if fail {
			return nil, Unavailable("disk on fire; put it out")
		}
		return fake, nil
	})
	_, err := l.Count(t.Context(), "contact")
	assert.EqualError(t, err, "disk on fire; put it out")
	assert.False(t, l.Opened())
	mu.Lock()
	fail = false
	mu.Unlock()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			n, err := l.Count(t.Context(), "contact")
			assert.NoError(t, err)
			assert.Equal(t, 42, n)
		})
	}
	wg.Wait()
	assert.Equal(t, 2, opens, "one failed open, then one open for every caller")
	assert.Equal(t, int64(8), fake.counts.Load())
	require.NoError(t, l.Close())
	_, err = l.Count(t.Context(), "contact")
	assert.Error(t, err)
}
