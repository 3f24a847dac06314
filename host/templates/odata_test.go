package templates

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// query is one call of a fake OData resolver.
type query struct{ entity, attribute, options string }

// fakeOData answers every query with its parts, and records it.
func fakeOData(calls *[]query) OData {
	return func(entity, attribute, options string) (string, error) {
		*calls = append(*calls, query{entity, attribute, options})
		if entity == "broken" {
			return "", errors.New("no such entity")
		}
		return fmt.Sprintf("<%s.%s>", entity, attribute), nil
	}
}

func TestODataSlugsQueryTheOrganisation(t *testing.T) {
	var calls []query
	v := Values{Params: map[string]any{"caseId": "c-1", "phone": "x' or fullname ne 'y", "pct": "%27"}, OData: fakeOData(&calls)}
	tests := []struct {
		in, want string
		q        []query
	}{
		{"Case {$odata.incident.title.?$filter=incidentid eq '{caseId}'&$select=title}", "Case <incident.title>",
			[]query{{"incident", "title", "?$filter=incidentid eq 'c-1'&$select=title"}}},
		{"{$Odata.account.name.?$filter=id eq '{caseId}'}", "<account.name>",
			[]query{{"account", "name", "?$filter=id eq 'c-1'"}}},
		{"{$odata.incident._customerid_value@OData.Community.Display.V1.FormattedValue.?$filter=incidentid eq '{caseId}'}", "<incident._customerid_value@OData.Community.Display.V1.FormattedValue>",
			[]query{{"incident", "_customerid_value@OData.Community.Display.V1.FormattedValue", "?$filter=incidentid eq 'c-1'"}}},
		{"{$odata.contact.fullname.?$filter=telephone1 eq '{phone}'}", "<contact.fullname>",
			[]query{{"contact", "fullname", "?$filter=telephone1 eq 'x'' or fullname ne ''y'"}}},
		{"{$odata.contact.fullname.?$filter=telephone1 eq '{pct}'}", "<contact.fullname>",
			[]query{{"contact", "fullname", "?$filter=telephone1 eq '%2527'"}}},
		{"[{$odata.contact.fullname}] [{$odata.contact.?$top=1}] [{$odata.a.b.?x.?y}]", "[] [] []", nil},
		{"[{$odata.broken.name.?$top=1}]", "[]", []query{{"broken", "name", "?$top=1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			calls = nil
			assert.Equal(t, tt.want, v.Resolve(tt.in, ""))
			assert.Equal(t, tt.q, calls)
		})
	}
}

func TestAnODataAnswerIsNotResolvedAgain(t *testing.T) {
	v := Values{Params: map[string]any{"x": "X"}, OData: func(string, string, string) (string, error) { return "{x}", nil }}
	assert.Equal(t, "{x} X", v.Resolve("{$odata.a.b.?$top=1} {x}", ""))
}

func TestODataSlugsAreBounded(t *testing.T) {
	var calls []query
	v := Values{OData: fakeOData(&calls)}
	got := v.Resolve(strings.Repeat("{$odata.a.b.?$top=1}", MaxODataSlugs+3), "")
	assert.Equal(t, strings.Repeat("<a.b>", MaxODataSlugs), got, "the slugs past the bound are empty")
	assert.Len(t, calls, MaxODataSlugs)
}

// A page's values never query: only a template's own text does.
func TestODataSlugsInAPagesValuesAreEmpty(t *testing.T) {
	var calls []query
	tab := &Tab{UniqueName: "t", PageType: Search, Parameters: map[string]any{
		"searchText": "{$odata.incident.title.?$filter=incidentid eq '{caseId}'}",
	}}
	v := Values{Params: map[string]any{"caseId": "c-1"}, OData: fakeOData(&calls)}
	got, err := v.TabParams(tab)
	require.NoError(t, err)
	assert.Equal(t, "<incident.title>", got["searchText"], "the template's own parameter queries")

	v.Params["searchText"] = "{$odata.contact.emailaddress1.?$top=1}"
	calls = nil
	got, err = v.TabParams(tab)
	require.NoError(t, err)
	assert.Empty(t, got["searchText"], "a value a page passed does not")
	assert.Empty(t, calls)

	v.Params = map[string]any{"t": map[string]any{"searchText": "{$odata.contact.emailaddress1.?$top=1}"}}
	got, err = v.TabParams(tab)
	require.NoError(t, err)
	assert.Empty(t, got["searchText"], "nor one passed for the tab alone")
	assert.Empty(t, calls)
}
