package templates

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolve(t *testing.T) {
	v := Values{
		Input: map[string]any{"override": "from input"},
		Params: map[string]any{
			"customer": "Contoso",
			"count":    3.0,
			"vip":      true,
			"override": "from params",
			"tab_a":    map[string]any{"customer": "Fabrikam"},
			"obj":      map[string]any{"k": "v"},
		},
		Anchor:  map[string]any{"entityId": "42"},
		Session: map[string]any{"customerName": "Ann", "customer": "session value"},
	}
	tests := []struct{ in, scope, want string }{
		{"Chat with {customer}", "", "Chat with Contoso"},
		{"Chat with {customer}", "tab_a", "Chat with Fabrikam"},
		{"{customer}{customer}", "", "ContosoContoso"},
		{"{ customer }", "", "Contoso"},
		{"{count} items, vip={vip}", "", "3 items, vip=true"},
		{"{override}", "", "from input"},
		{"{customerName}", "", "Ann"},
		{"record {anchor.entityId}", "", "record 42"},
		{"{anchor.missing}", "", ""},
		{"{$session.current.customer}", "", "Contoso"},
		{"{$oc.customer}", "tab_a", "Fabrikam"},
		{"{$odata.account.name.?$filter=accountid eq '{anchor.entityId}'}", "", ""},
		{"[{unknown}]", "", "[]"},
		{"{obj}", "", `{"k":"v"}`},
		{"no slugs", "", "no slugs"},
		{"unbalanced {customer", "", "unbalanced {customer"},
	}
	for _, tt := range tests {
		t.Run(tt.in+"@"+tt.scope, func(t *testing.T) {
			assert.Equal(t, tt.want, v.Resolve(tt.in, tt.scope))
		})
	}
}

func TestTabParamsOverrideConvertAndResolve(t *testing.T) {
	tab := &Tab{UniqueName: "t", PageType: EntityRecord, Parameters: map[string]any{
		"entityName":     "contact",
		"entityId":       "{contactId}",
		"validateRecord": "false",
		"data":           `{"name":"{customer}"}`,
	}}
	v := Values{Params: map[string]any{
		"contactId": "c-1",
		"customer":  "Contoso",
		"t":         map[string]any{"entityName": "account"},
	}}
	got, err := v.TabParams(tab)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"entityName":     "account",
		"entityId":       "c-1",
		"validateRecord": false,
		"data":           map[string]any{"name": "Contoso"},
	}, got, "tab-scoped value wins, slugs resolve, the string false is false, JSON parses, unset formId is left out")

	tab.Parameters["data"] = map[string]any{"name": "{customer}", "tags": []any{"{contactId}", 1.0}}
	got, err = v.TabParams(tab)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": "Contoso", "tags": []any{"c-1", 1.0}}, got["data"], "slugs inside a JSON value resolve too")

	v.Params["validateRecord"] = true
	got, err = v.TabParams(tab)
	require.NoError(t, err)
	assert.Equal(t, true, got["validateRecord"], "a global value overrides the configured one")
}

func TestTabParamsConversionErrors(t *testing.T) {
	tab := &Tab{UniqueName: "kb", PageType: Search, Parameters: map[string]any{"searchText": "x", "searchType": "{kind}"}}
	_, err := Values{Params: map[string]any{"kind": "relevance"}}.TabParams(tab)
	assert.EqualError(t, err, `parameter "searchType" of tab template "kb" must be a number, but resolves to "relevance"; pass a number in templateParameters`)

	got, err := Values{}.TabParams(tab)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"searchText": "x"}, got, "an unresolved number is left out, not an error")

	tab.Parameters["searchType"] = "1"
	got, err = Values{}.TabParams(tab)
	require.NoError(t, err)
	assert.Equal(t, 1.0, got["searchType"])

	rec := &Tab{UniqueName: "r", PageType: EntityRecord, Parameters: map[string]any{"entityName": "x", "validateRecord": "maybe"}}
	_, err = Values{}.TabParams(rec)
	assert.EqualError(t, err, `parameter "validateRecord" of tab template "r" must be a boolean, but resolves to "maybe"; pass a boolean in templateParameters`)

	_, err = Values{Params: map[string]any{"validateRecord": 3.0}}.TabParams(rec)
	assert.EqualError(t, err, `parameter "validateRecord" of tab template "r" must be a boolean, but resolves to "3"; pass a boolean in templateParameters`)
}

func TestURL(t *testing.T) {
	web := &Tab{UniqueName: "w", PageType: ThirdPartyWebsite}
	tests := []struct {
		name   string
		tab    *Tab
		params map[string]any
		org    string
		want   string
	}{
		{"website with data appended", web, map[string]any{"url": "https://www.bing.com/search?q=", "data": "CAS-01"}, "", "https://www.bing.com/search?q=CAS-01"},
		{"website without url", web, map[string]any{}, "", ""},
		{"record without organisation", &Tab{PageType: EntityRecord}, map[string]any{"entityName": "contact"}, "", ""},
		{"record", &Tab{PageType: EntityRecord}, map[string]any{"entityName": "contact", "entityId": "c 1"}, "https://org.crm.dynamics.com/", "https://org.crm.dynamics.com/main.aspx?etn=contact&id=c+1&pagetype=entityrecord"},
		{"list", &Tab{PageType: EntityList}, map[string]any{"entityName": "incident", "viewId": "v"}, "https://org", "https://org/main.aspx?etn=incident&pagetype=entitylist&viewid=v&viewtype=1039"},
		{"list without view", &Tab{PageType: EntityList}, map[string]any{"entityName": "incident"}, "https://org", "https://org/main.aspx?etn=incident&pagetype=entitylist"},
		{"new record with field values", &Tab{PageType: EntityRecord}, map[string]any{"entityName": "contact", "data": map[string]any{"firstname": "Ann", "age": 3.0}}, "https://org", "https://org/main.aspx?etn=contact&extraqs=age%3D3%26firstname%3DAnn&pagetype=entityrecord"},
		{"dashboard", &Tab{PageType: Dashboard}, map[string]any{"dashboardId": "d"}, "https://org", "https://org/main.aspx?id=d&pagetype=dashboard"},
		{"search", &Tab{PageType: Search}, map[string]any{"searchText": "printer", "searchType": 1.0}, "https://org", "https://org/main.aspx?pagetype=search&searchText=printer&searchType=1"},
		{"web resource", &Tab{PageType: WebResource}, map[string]any{"webresourceName": "new_page.html", "data": "a=1"}, "https://org", "https://org/main.aspx?data=a%3D1&pagetype=webresource&webresourceName=new_page.html"},
		{"custom page", &Tab{PageType: Custom}, map[string]any{"name": "new_custom", "entityName": "account", "recordId": "r"}, "https://org", "https://org/main.aspx?entityName=account&name=new_custom&pagetype=custom&recordId=r"},
		{"control", &Tab{PageType: Control}, map[string]any{"controlName": "c"}, "https://org", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := URL(tt.tab, tt.params, tt.org)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestURLRefusesWhatIsNotAWebAddress(t *testing.T) {
	web := &Tab{UniqueName: "w", PageType: ThirdPartyWebsite}
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "example.com/x", "https://"} {
		_, err := URL(web, map[string]any{"url": bad}, "")
		assert.EqualError(t, err, `tab template "w" resolves to the address "`+bad+`", which is not an absolute http or https URL; pass a full URL such as https://example.com/ in templateParameters`)
	}
	assert.True(t, ValidOrgURL(""))
	assert.True(t, ValidOrgURL("https://org.crm.dynamics.com"))
	assert.False(t, ValidOrgURL("org.crm.dynamics.com"))
}

func TestResolveKeepsJSONAndEmptyBraces(t *testing.T) {
	v := Values{Params: map[string]any{"customer": "Contoso"}}
	assert.Equal(t, `{"name":"Contoso","tags":{}}`, v.Resolve(`{"name":"{customer}","tags":{}}`, ""))
	assert.Equal(t, "a {} b", v.Resolve("a {} b", ""))
	assert.Equal(t, "{customer}", Values{Params: map[string]any{"customer": "{customer}"}}.Resolve("{customer}", ""), "values are not resolved again")
}
