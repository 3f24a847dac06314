package templates

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "templates.json")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestDefaultsAreValidAndModelTheOutOfBoxTemplates(t *testing.T) {
	c := Defaults()
	chat, ok := c.Session("msdyn_chat_session")
	require.True(t, ok)
	assert.Equal(t, Generic, chat.Type)
	assert.Equal(t, "{customer}", chat.Title)
	assert.Equal(t, "msdyn_conversation_tab", chat.AnchorTab)
	caseSession, ok := c.Session("msdyn_case_session")
	require.True(t, ok)
	assert.Equal(t, Entity, caseSession.Type)
	conv, ok := c.Tab("msdyn_conversation_tab")
	require.True(t, ok)
	assert.False(t, conv.Closable())
	assert.Contains(t, c.SessionNames(), "msdyn_voicecall_session")
	assert.Contains(t, c.TabNames(), "msdyn_website_tab")
}

func TestLoadWithoutAFileGivesTheDefaults(t *testing.T) {
	c, problems := Load(filepath.Join(t.TempDir(), "absent.json"))
	assert.Empty(t, problems)
	assert.Equal(t, Defaults().SessionNames(), c.SessionNames())
}

func TestLoadOverridesAndAddsTemplates(t *testing.T) {
	path := writeFile(t, `{
	  "sessionTemplates": [
	    {"uniqueName": "msdyn_chat_session", "type": "generic", "title": "Chat: {customer}", "anchorTab": "contoso_crm"},
	    {"uniqueName": "contoso_call", "title": "Call {phone}"}
	  ],
	  "applicationTabTemplates": [
	    {"uniqueName": "contoso_crm", "title": "CRM", "pageType": "thirdPartyWebsite",
	     "parameters": {"url": "https://crm.contoso.com/?q=", "data": "{phone}"}, "canClose": false}
	  ]
	}`)
	c, problems := Load(path)
	require.Empty(t, problems)
	chat, _ := c.Session("msdyn_chat_session")
	assert.Equal(t, "Chat: {customer}", chat.Title, "the file replaces the default of the same name")
	assert.Equal(t, "msdyn_chat_session", chat.Name, "a missing name defaults to the unique name")
	assert.Equal(t, PanelDocked, chat.PanelMode, "a missing panel mode defaults to docked")
	call, ok := c.Session("contoso_call")
	require.True(t, ok)
	assert.Equal(t, Generic, call.Type, "a missing type defaults to generic")
	_, ok = c.Session("msdyn_voicecall_session")
	assert.True(t, ok, "defaults the file does not mention stay")
	crm, _ := c.Tab("contoso_crm")
	assert.False(t, crm.Closable())
}

func TestLoadReportsEveryProblemAndKeepsWhatIsGood(t *testing.T) {
	path := writeFile(t, `{
	  "sessionTemplates": [
	    {"uniqueName": "bad name", "title": "x"},
	    {"uniqueName": "", "title": "x"},
	    {"uniqueName": "s_type", "type": "chat"},
	    {"uniqueName": "s_panel", "panelMode": "floating"},
	    {"uniqueName": "s_anchor", "anchorTab": "nope"},
	    {"uniqueName": "s_extra", "anchorTab": "t_good", "additionalTabs": ["t_missing"]},
	    {"uniqueName": "s_typo", "titel": "x"},
	    {"uniqueName": "s_good", "anchorTab": "t_good"},
	    {"uniqueName": "s_good", "title": "again"}
	  ],
	  "applicationTabTemplates": [
	    {"uniqueName": "t_good", "title": "ok", "pageType": "dashboard", "parameters": {"dashboardId": "{d}"}},
	    {"uniqueName": "t_kind", "pageType": "spreadsheet"},
	    {"uniqueName": "t_unknown_param", "pageType": "search", "parameters": {"searchText": "x", "color": "red"}},
	    {"uniqueName": "t_required", "pageType": "thirdPartyWebsite", "parameters": {"data": "x"}},
	    {"uniqueName": "t_type", "pageType": "search", "parameters": {"searchText": "x", "searchType": true}},
	    {"uniqueName": "t_script", "pageType": "thirdPartyWebsite", "parameters": {"url": "javascript:alert({x})"}},
	    {"uniqueName": "t_file", "pageType": "thirdPartyWebsite", "parameters": {"url": "file:///etc/passwd"}},
	    {"uniqueName": "t_slug", "pageType": "thirdPartyWebsite", "parameters": {"url": "{url}"}},
	    {"uniqueName": "t_site", "pageType": "thirdPartyWebsite", "parameters": {"url": "HTTPS://example.com/?q={q}"}}
	  ]
	}`)
	c, problems := Load(path)
	var got []string
	for _, p := range problems {
		got = append(got, p.String()[len(path):])
	}
	assert.Equal(t, []string{
		`: template "t_kind": field "pageType": is "spreadsheet"; use one of dashboard, entityList, entityRecord, search, thirdPartyWebsite, webResource, control, custom`,
		`: template "t_unknown_param": field "parameters.color": is not a parameter of page type search; it takes searchText, searchType, entityName`,
		`: template "t_required": field "parameters.url": is required for page type thirdPartyWebsite; give a value or a slug such as "{url}"`,
		`: template "t_type": field "parameters.searchType": must be a number or a string with slugs, not a boolean`,
		`: template "t_script": field "parameters.url": is "javascript:alert({x})", which cannot become an http or https address; write a full URL such as https://example.com/{q}, or a slug that holds one, such as {url}`,
		`: template "t_file": field "parameters.url": is "file:///etc/passwd", which cannot become an http or https address; write a full URL such as https://example.com/{q}, or a slug that holds one, such as {url}`,
		`: template "bad name": field "uniqueName": may hold only letters, digits and underscores, as Dynamics' unique names do`,
		`: template "(unnamed)": field "uniqueName": is missing; every template needs a unique name such as contoso_chat`,
		`: template "s_type": field "type": is "chat"; use "generic" or "entity"`,
		`: template "s_panel": field "panelMode": is "floating"; use "docked", "minimized" or "hidden"`,
		`: template "sessionTemplates[6]": is not a valid template ("titel" is not a member this file takes; check its spelling and letter case); see docs/templates.md for the fields`,
		`: template "s_good": field "uniqueName": is defined twice in this file; the later definition is ignored: rename or remove one`,
		`: template "s_anchor": field "anchorTab": names tab template "nope", which does not exist; add it to applicationTabTemplates or fix the name`,
		`: template "s_extra": field "additionalTabs": names tab template "t_missing", which does not exist; add it to applicationTabTemplates or fix the name`,
	}, got)
	_, ok := c.Session("s_good")
	assert.True(t, ok, "good templates survive their neighbours' faults")
	_, ok = c.Session("s_anchor")
	assert.False(t, ok)
	_, ok = c.Session("msdyn_chat_session")
	assert.True(t, ok)
}

func TestABrokenFileLeavesTheDefaults(t *testing.T) {
	path := writeFile(t, `{"sessionTemplates": [`)
	c, problems := Load(path)
	require.Len(t, problems, 1)
	assert.Equal(t, path+": is not a valid templates file (not valid JSON at byte 22: unexpected EOF); see docs/templates.md for the format", problems[0].String())
	assert.Equal(t, Defaults().SessionNames(), c.SessionNames())

	require.NoError(t, os.WriteFile(path, []byte(`{"sessionTemplates": []} {"applicationTabTemplates": []}`), 0o600))
	_, problems = Load(path)
	require.Len(t, problems, 1)
	assert.Equal(t, path+": is not a valid templates file (not valid JSON at byte 25: invalid character '{' after top-level value); see docs/templates.md for the format", problems[0].String())

	require.NoError(t, os.WriteFile(path, []byte(`{"sessions": []}`), 0o600))
	_, problems = Load(path)
	require.Len(t, problems, 1)
	assert.Equal(t, path+`: is not a valid templates file ("sessions" is not a member this file takes; check its spelling and letter case); see docs/templates.md for the format`, problems[0].String())
}

func TestLoadReportsAnUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	c, problems := Load(dir) // a directory cannot be read as a file
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Message, "cannot be read")
	assert.Equal(t, Defaults().SessionNames(), c.SessionNames())
}

func TestABrokenOverrideKeepsTheDefault(t *testing.T) {
	long := make([]byte, 201)
	for i := range long {
		long[i] = 'x'
	}
	path := writeFile(t, `{
	  "sessionTemplates": [{"uniqueName": "msdyn_chat_session", "title": "`+string(long)+`"}],
	  "applicationTabTemplates": [
	    {"uniqueName": "msdyn_website_tab", "pageType": "thirdPartyWebsite", "parameters": {}},
	    {"uniqueName": "`+string(long[:129])+`", "pageType": "control", "parameters": {"controlName": "c"}},
	    {"uniqueName": "t_json", "pageType": "entityRecord", "parameters": {"entityName": "x", "data": {"a": [1, true]}}}
	  ]
	}`)
	c, problems := Load(path)
	require.Len(t, problems, 3)
	assert.Equal(t, Problem{File: path, Template: "msdyn_website_tab", Field: "parameters.url",
		Message: `is required for page type thirdPartyWebsite; give a value or a slug such as "{url}"`}, problems[0])
	assert.Equal(t, "is longer than 128 characters; shorten it", problems[1].Message)
	assert.Equal(t, Problem{File: path, Template: "msdyn_chat_session", Field: "title", Message: "is longer than 200 characters; shorten it"}, problems[2])

	chat, _ := c.Session("msdyn_chat_session")
	assert.Equal(t, "{customer}", chat.Title, "the default stays when its override is broken")
	web, _ := c.Tab("msdyn_website_tab")
	assert.Equal(t, "{url}", web.Parameters["url"])
	_, ok := c.Tab("t_json")
	assert.True(t, ok, "a JSON parameter takes any JSON value")
}
