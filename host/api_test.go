package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/api"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// other is a second provider, to show that each sees only its own.
const other = "https://other.example"

// exchanged is one call's reply and the notifications that followed it.
type exchanged struct {
	Result json.RawMessage
	Error  *errcode.Error
	// Events are the notifications after the reply, as "method params".
	Events []string
}

// exchange sends a call and collects what the host writes for it: the
// reply first, then its notifications. A read-only sentinel call after
// it marks where they end, since the host answers in order.
func exchange(t *testing.T, p *hosttest.Proc, method string, params any) exchanged {
	t.Helper()
	id := p.Send(method, params)
	reply := p.Read()
	require.JSONEq(t, string(mustJSON(t, id)), string(reply.ID), "the reply comes first, before any notification; got %s %s", reply.Method, reply.Params)
	sentinel := p.Send("workspace.get", hosttest.View(nil))
	out := exchanged{Result: reply.Result, Error: reply.Error}
	for {
		m := p.Read()
		if len(m.ID) > 0 {
			require.JSONEq(t, string(mustJSON(t, sentinel)), string(m.ID))
			return out
		}
		out.Events = append(out.Events, m.Method+" "+compact(t, m.Params))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return string(mustJSON(t, v))
}

// ok makes a call that must succeed and returns its result compacted and
// its notifications.
func ok(t *testing.T, p *hosttest.Proc, method string, params any) (string, []string) {
	t.Helper()
	x := exchange(t, p, method, params)
	require.Nil(t, x.Error, "%s failed", method)
	return compact(t, x.Result), x.Events
}

// refused makes a call that must fail with code, and returns its message.
func refused(t *testing.T, p *hosttest.Proc, method string, params any, code errcode.Code) string {
	t.Helper()
	x := exchange(t, p, method, params)
	require.NotNil(t, x.Error, "%s succeeded with %s", method, x.Result)
	assert.Equal(t, code.String(), x.Error.Code.String(), x.Error.Message)
	assert.Empty(t, x.Events, "a refused call changes nothing and tells no one")
	return x.Error.Message
}

// as builds a page's call params.
func as(provider string, args map[string]any) map[string]any { return hosttest.As(provider, args) }

// event renders a notification as exchange does.
func event(method, provider string, data map[string]any) string {
	b, _ := json.Marshal(map[string]any{"provider": provider, "data": data})
	return method + " " + string(b)
}

func switchedEvent(provider, id string, focused bool, context string) string {
	data := map[string]any{"sessionId": id, "focused": focused}
	if context != "" {
		data["context"] = json.RawMessage(context)
	}
	return event("onSessionSwitched", provider, data)
}

func closedEvent(provider, id, context string) string {
	data := map[string]any{"sessionId": id}
	if context != "" {
		data["context"] = json.RawMessage(context)
	}
	return event("onSessionClosed", provider, data)
}

func unquote(t *testing.T, s string) string {
	t.Helper()
	var out string
	require.NoError(t, json.Unmarshal([]byte(s), &out))
	return out
}

// changed matches the notification the extension's own views get after
// every change.
func changed(t *testing.T, events []string) []string {
	t.Helper()
	require.NotEmpty(t, events)
	last := events[len(events)-1]
	assert.True(t, strings.HasPrefix(last, api.WorkspaceChanged+" "), "the last notification is %s", last)
	return events[:len(events)-1]
}

func TestEveryMethodThroughTheBinary(t *testing.T) {
	p := hosttest.Start(t, hosttest.NewDirs(t))
	p.Hello("profile-1")

	res, events := ok(t, p, "canCreateSession", as(provider, nil))
	assert.Equal(t, "true", res)
	assert.Empty(t, events)

	// createSession: the reply, then onSessionSwitched to the owner, then
	// the views' notice.
	res, events = ok(t, p, "createSession", as(provider, map[string]any{"correlationId": "c-1", "input": map[string]any{
		"templateName":       "msdyn_chat_session",
		"templateParameters": map[string]any{"customer": "Contoso", "conversationId": "conv-1"},
		"context":            map[string]any{"ticket": 42},
		"customerName":       "Ann",
	}}))
	a := unquote(t, res)
	assert.Regexp(t, `^session-[0-9a-f-]{36}$`, a)
	assert.Equal(t, []string{switchedEvent(provider, a, true, `{"ticket":42}`)}, changed(t, events))

	var info map[string]any
	res, _ = ok(t, p, "getSession", as(provider, map[string]any{"sessionId": a}))
	require.NoError(t, json.Unmarshal([]byte(res), &info))
	assert.Equal(t, a, info["sessionId"])
	assert.Equal(t, true, info["focused"])
	assert.Equal(t, map[string]any{"ticket": 42.0}, info["context"])
	assert.Equal(t, "conv-1", info["conversationId"])
	assert.Equal(t, "Contoso", info["title"])
	assert.Equal(t, "Ann", info["customerName"])
	require.Len(t, info["tabs"], 2, "the anchor tab and the additional tab")
	anchor := info["tabs"].([]any)[0].(string)
	assert.Regexp(t, `^tab-[0-9a-f-]{36}$`, anchor)

	res, _ = ok(t, p, "getFocusedSession", as(provider, nil))
	assert.Equal(t, `"`+a+`"`, res)
	res, _ = ok(t, p, "getFocusedSession", as(other, nil))
	assert.Equal(t, "null", res, "another provider's focused session is null")
	res, _ = ok(t, p, "getAllSessions", as(provider, nil))
	assert.Equal(t, `["`+a+`"]`, res)
	res, _ = ok(t, p, "getAllSessions", as(other, nil))
	assert.Equal(t, `[]`, res)

	res, events = ok(t, p, "setSessionTitle", as(provider, map[string]any{"input": map[string]any{"sessionId": a, "customer": "Fabrikam"}}))
	assert.Equal(t, `"Fabrikam"`, res, "the template's title {customer}, resolved with the input")
	assert.Empty(t, changed(t, events))

	// Tabs.
	res, _ = ok(t, p, "createTab", as(provider, map[string]any{"input": map[string]any{
		"templateName":       "msdyn_website_tab",
		"templateParameters": map[string]any{"url": "https://www.bing.com/search?q=", "data": "printer", "title": "Bing"},
		"isFocused":          true,
	}}))
	web := unquote(t, res)
	res, _ = ok(t, p, "getTabs", as(provider, map[string]any{"templateName": "msdyn_website_tab"}))
	assert.Equal(t, `["`+web+`"]`, res)
	res, _ = ok(t, p, "getTabs", as(provider, nil))
	assert.Equal(t, string(mustJSON(t, append(info["tabs"].([]any), web))), res)
	res, _ = ok(t, p, "getFocusedTab", as(provider, nil))
	assert.Equal(t, `"`+web+`"`, res)
	res, _ = ok(t, p, "focusTab", as(provider, map[string]any{"tabId": anchor}))
	assert.Equal(t, "null", res)
	res, _ = ok(t, p, "getFocusedTab", as(provider, nil))
	assert.Equal(t, `"`+anchor+`"`, res)
	res, _ = ok(t, p, "refreshTab", as(provider, map[string]any{"tabId": web}))
	assert.Equal(t, "true", res)
	res, _ = ok(t, p, "setTabTitle", as(provider, map[string]any{"tabId": web, "input": map[string]any{"title": "Search"}}))
	assert.Equal(t, `"Search"`, res)

	var ws struct {
		Sessions []struct {
			ID        string         `json:"id"`
			Attention map[string]any `json:"attention"`
			Tabs      []struct {
				ID, Title, URL string
			} `json:"tabs"`
		} `json:"sessions"`
		Focused     string `json:"focused"`
		MaxSessions int    `json:"maxSessions"`
	}
	res, _ = ok(t, p, "workspace.get", hosttest.View(nil))
	require.NoError(t, json.Unmarshal([]byte(res), &ws))
	require.Len(t, ws.Sessions, 1)
	assert.Equal(t, "Search", ws.Sessions[0].Tabs[2].Title)
	assert.Equal(t, "https://www.bing.com/search?q=printer", ws.Sessions[0].Tabs[2].URL)
	assert.Equal(t, 10, ws.MaxSessions)

	assert.Contains(t, refused(t, p, "closeTab", as(provider, map[string]any{"tabId": anchor}), errcode.TabNotClosable), "anchor tab")
	res, _ = ok(t, p, "closeTab", as(provider, map[string]any{"tabId": web}))
	assert.Equal(t, "true", res)
	assert.Contains(t, refused(t, p, "focusTab", as(provider, map[string]any{"tabId": web}), errcode.TabNotFound), "Tab with ID:"+web+" does not exist")

	// Attention and context.
	for _, call := range []struct {
		method string
		params map[string]any
	}{
		{"requestFocusSession", map[string]any{"sessionId": a}},
		{"notifyNewActivity", map[string]any{"sessionId": a, "count": 2}},
		{"notifyKpiBreach", map[string]any{"sessionId": a, "shouldReset": true, "details": map[string]any{"kpi": "wait"}}},
	} {
		res, _ = ok(t, p, call.method, as(provider, call.params))
		assert.Equal(t, "null", res, call.method)
	}
	res, _ = ok(t, p, "updateContext", as(provider, map[string]any{"input": map[string]any{"queue": "vip"}, "sessionId": a}))
	assert.Equal(t, `{"conversationId":"conv-1","customer":"Contoso","customerName":"Ann","queue":"vip"}`, res)
	res, _ = ok(t, p, "updateContext", as(provider, map[string]any{"input": []any{"queue", "conversationId"}, "isDelete": true}))
	assert.Equal(t, `{"customer":"Contoso","customerName":"Ann"}`, res, "without sessionId: the focused session")

	// A second provider's session takes the focus: each owner hears of it.
	res, events = ok(t, p, "createSession", as(other, map[string]any{"input": map[string]any{"templateName": "msdyn_voicecall_session"}}))
	b := unquote(t, res)
	assert.Equal(t, []string{switchedEvent(provider, a, false, `{"ticket":42}`), switchedEvent(other, b, true, "")}, changed(t, events))

	assert.Equal(t, "Session with ID:"+a+" does not exist. It was closed or belongs to another provider; getAllSessions lists this provider's open sessions",
		refused(t, p, "getSession", as(other, map[string]any{"sessionId": a}), errcode.SessionNotFound))
	refused(t, p, "createTab", as(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_website_tab"}}), errcode.NotOwner)
	refused(t, p, "getTabs", as(provider, nil), errcode.NotOwner)
	res, _ = ok(t, p, "getFocusedTab", as(provider, nil))
	assert.Equal(t, "null", res)

	_, events = ok(t, p, "requestFocusSession", as(provider, map[string]any{"sessionId": a}))
	assert.Empty(t, changed(t, events), "only a flag: no switch")
	res, _ = ok(t, p, "getFocusedSession", as(other, nil))
	assert.Equal(t, `"`+b+`"`, res)

	// The agent's own operations: refused to pages, the agent's to do.
	for _, op := range []string{"workspace.get", "workspace.switchSession", "workspace.closeSession", "workspace.closeTab", "workspace.focusTab"} {
		refused(t, p, op, as(provider, map[string]any{"sessionId": a}), errcode.AgentOnly)
	}
	_, events = ok(t, p, "workspace.switchSession", hosttest.View(map[string]any{"sessionId": a}))
	assert.Equal(t, []string{switchedEvent(other, b, false, ""), switchedEvent(provider, a, true, `{"ticket":42}`)}, changed(t, events))
	res, _ = ok(t, p, "workspace.get", hosttest.View(nil))
	require.NoError(t, json.Unmarshal([]byte(res), &ws))
	assert.Equal(t, map[string]any{"kpiBreach": true, "kpiDetails": map[string]any{"kpi": "wait"}}, ws.Sessions[0].Attention, "focus clears the focus request and the count, not the breach")

	_, events = ok(t, p, "workspace.closeSession", hosttest.View(map[string]any{"sessionId": b}))
	assert.Equal(t, []string{closedEvent(other, b, "")}, changed(t, events))
	_, events = ok(t, p, "workspace.focusTab", hosttest.View(map[string]any{"tabId": anchor}))
	assert.Empty(t, events, "the anchor tab is already focused")
	_, events = ok(t, p, "workspace.closeTab", hosttest.View(map[string]any{"tabId": anchor}))
	assert.Equal(t, []string{closedEvent(provider, a, `{"ticket":42}`)}, changed(t, events), "closing the anchor tab closes the session")
	_, events = ok(t, p, "workspace.switchSession", hosttest.View(map[string]any{"sessionId": ""}))
	assert.Empty(t, events, "already home")

	res, _ = ok(t, p, "getAllSessions", as(provider, nil))
	assert.Equal(t, "[]", res)
	refused(t, p, "createTab", as(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_website_tab"}}), errcode.NoFocusedSession)
}

func TestErrorsThroughTheBinary(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	require.NoError(t, os.MkdirAll(filepath.Dir(dirs.App(t, "settings.json")), 0o700))
	require.NoError(t, os.WriteFile(dirs.App(t, "settings.json"), []byte(`{"maxSessions": 1}`), 0o600))
	p := hosttest.Start(t, dirs)
	res := p.Hello("profile-1")
	assert.Equal(t, 1.0, res["limits"].(map[string]any)["maxSessions"])

	for _, tt := range []struct {
		method  string
		params  map[string]any
		code    errcode.Code
		message string
	}{
		{"createSession", nil, errcode.InvalidParams, "Some of required parameters are null"},
		{"createSession", map[string]any{"input": map[string]any{"templateName": "nope"}}, errcode.TemplateNotFound, "Did not find template by name (nope)."},
		{"createSession", map[string]any{"input": map[string]any{"templateTag": "nope"}}, errcode.TemplateNotFound, "Error retrieving template by tag (nope) :"},
		{"createSession", map[string]any{"input": map[string]any{"templateName": "msdyn_case_session"}}, errcode.UnsupportedTemplate, "Template msdyn_case_session is of type entity; createSession supports Generic session templates only"},
		{"createSession", map[string]any{"input": 7}, errcode.InvalidParams, "createSession: parameter input must be an object, not a number"},
		{"getSession", nil, errcode.InvalidParams, "The sessionId parameter is null. Provide a value to the parameter"},
		{"getSession", map[string]any{"sessionId": "session-x"}, errcode.SessionNotFound, "Session with ID:session-x does not exist."},
		{"setSessionTitle", nil, errcode.InvalidParams, "The input Parameter is blank. Provide a value to the parameter"},
		{"setSessionTitle", map[string]any{"input": map[string]any{}}, errcode.NotOwner, "Focused session does not belong to the provider"},
		{"requestFocusSession", nil, errcode.InvalidParams, "SessionID is null or undefined"},
		{"notifyNewActivity", map[string]any{"sessionId": "s", "count": -1}, errcode.SessionNotFound, "Session with ID:s does not exist."},
		{"notifyKpiBreach", map[string]any{"sessionId": "s"}, errcode.SessionNotFound, "Session with ID:s does not exist."},
		{"updateContext", nil, errcode.InvalidParams, "The input parameter is null. Provide a value to the parameter"},
		{"createTab", nil, errcode.InvalidParams, "Some of the required parameters are Null"},
		{"createTab", map[string]any{"input": map[string]any{"templateName": "msdyn_website_tab"}}, errcode.NoFocusedSession, "No session of yours is focused"},
		{"getTabs", nil, errcode.NoFocusedSession, "Session not in focus"},
		{"focusTab", nil, errcode.InvalidParams, "tabId is null or undefined"},
		{"refreshTab", nil, errcode.InvalidParams, "The tabId Parameter is blank. Provide a value to the parameter"},
		{"setTabTitle", nil, errcode.InvalidParams, "The tabId Parameter is blank. Provide a value to the parameter"},
		{"closeTab", nil, errcode.InvalidParams, "The tabId Parameter is blank. Provide a value to the parameter"},
		{"closeTab", map[string]any{"tabId": "tab-x"}, errcode.NoFocusedSession, "No session of yours is focused"},
	} {
		t.Run(tt.method+" "+tt.message, func(t *testing.T) {
			msg := refused(t, p, tt.method, as(provider, tt.params), tt.code)
			assert.True(t, strings.HasPrefix(msg, tt.message), "CIF's text first: %s", msg)
		})
	}

	_, _ = ok(t, p, "createSession", as(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_sms_session"}}))
	res2, _ := ok(t, p, "canCreateSession", as(other, nil))
	assert.Equal(t, "false", res2, "the limit counts every provider's sessions")
	msg := refused(t, p, "createSession", as(other, map[string]any{"input": map[string]any{"templateName": "msdyn_sms_session"}}), errcode.SessionLimit)
	assert.True(t, strings.HasPrefix(msg, "Cannot add the Session. Maximum Sessions limit reached. Limit: 1."), msg)
}

func TestSessionsSurviveARestart(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	first := hosttest.Start(t, dirs)
	first.Hello("profile-1")
	a, _ := ok(t, first, "createSession", as(provider, map[string]any{"input": map[string]any{
		"templateName": "msdyn_chat_session", "templateParameters": map[string]any{"customer": "Contoso"}, "context": []any{"kept", 1},
	}}))
	b, _ := ok(t, first, "createSession", as(other, map[string]any{"input": map[string]any{"templateName": "msdyn_voicecall_session"}}))
	_, _ = ok(t, first, "createTab", as(other, map[string]any{"input": map[string]any{"templateName": "msdyn_knowledge_search_tab"}}))
	before, _ := ok(t, first, "workspace.get", hosttest.View(nil))
	first.CloseStdin()
	require.Equal(t, 0, first.Wait(5*time.Second))

	second := hosttest.Start(t, dirs)
	second.Hello("profile-1")
	res, _ := ok(t, second, "getAllSessions", as(provider, nil))
	assert.Equal(t, "["+a+"]", res)
	res, _ = ok(t, second, "getFocusedSession", as(other, nil))
	assert.Equal(t, b, res, "the focus survives too")
	res, _ = ok(t, second, "getSession", as(provider, map[string]any{"sessionId": unquote(t, a)}))
	var info map[string]any
	require.NoError(t, json.Unmarshal([]byte(res), &info))
	assert.Equal(t, []any{"kept", 1.0}, info["context"])
	assert.Equal(t, "Contoso", info["title"])
	after, _ := ok(t, second, "workspace.get", hosttest.View(nil))
	assert.JSONEq(t, before, after, "the same workspace, tab for tab")

	_, events := ok(t, second, "workspace.switchSession", hosttest.View(map[string]any{"sessionId": unquote(t, a)}))
	assert.Equal(t, []string{switchedEvent(other, unquote(t, b), false, ""), switchedEvent(provider, unquote(t, a), true, `["kept",1]`)}, changed(t, events))
}

func TestACorruptStateFileIsMovedAside(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	path := dirs.StateFile(t, "profile-1")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(`{"format":1,"state":{"sessions":[null]}}`), 0o600))

	p := hosttest.Start(t, dirs)
	p.Hello("profile-1")
	res, _ := ok(t, p, "getAllSessions", as(provider, nil))
	assert.Equal(t, "[]", res, "the host starts empty")

	aside, err := filepath.Glob(path + ".broken-*")
	require.NoError(t, err)
	require.Len(t, aside, 1)
	kept, err := os.ReadFile(aside[0])
	require.NoError(t, err)
	assert.Equal(t, `{"format":1,"state":{"sessions":[null]}}`, string(kept), "kept as it was, for inspection")
	p.WaitStderr("state file unreadable; moved it aside and started with no sessions")
	log, err := os.ReadFile(filepath.Join(dirs.State, "cif-bridge", "cif-host.log"))
	require.NoError(t, err)
	assert.Contains(t, string(log), "movedTo="+aside[0])

	_, _ = ok(t, p, "createSession", as(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))
	_, err = os.Stat(path)
	assert.NoError(t, err, "the next change writes a fresh state file")
}

func TestTemplateProblemsAreReportedAndTheRestStaysUsable(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	require.NoError(t, os.MkdirAll(filepath.Dir(dirs.App(t, "templates.json")), 0o700))
	require.NoError(t, os.WriteFile(dirs.App(t, "templates.json"), []byte(`{
	  "sessionTemplates": [
	    {"uniqueName": "contoso_call", "title": "Call {phone}", "anchorTab": "contoso_crm"},
	    {"uniqueName": "contoso_broken", "title": "x", "anchorTab": "contoso_missing"}
	  ],
	  "applicationTabTemplates": [
	    {"uniqueName": "contoso_crm", "title": "CRM", "pageType": "thirdPartyWebsite",
	     "parameters": {"url": "https://crm.contoso.com/?phone=", "data": "{phone}"}, "canClose": false}
	  ]
	}`), 0o600))

	p := hosttest.Start(t, dirs)
	res := p.Hello("profile-1")
	assert.Equal(t, []any{map[string]any{
		"file":     dirs.App(t, "templates.json"),
		"template": "contoso_broken",
		"field":    "anchorTab",
		"message":  `names tab template "contoso_missing", which does not exist; add it to applicationTabTemplates or fix the name`,
	}}, res["problems"])
	p.WaitStderr("configuration problem")
	p.WaitStderr("contoso_missing")

	id, _ := ok(t, p, "createSession", as(provider, map[string]any{"input": map[string]any{"templateName": "contoso_call", "templateParameters": map[string]any{"phone": "555"}}}))
	info, _ := ok(t, p, "getSession", as(provider, map[string]any{"sessionId": unquote(t, id)}))
	assert.Contains(t, info, `"title":"Call 555"`)
	ws, _ := ok(t, p, "workspace.get", hosttest.View(nil))
	assert.Contains(t, ws, `"url":"https://crm.contoso.com/?phone=555"`)
	_, _ = ok(t, p, "createSession", as(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))
	refused(t, p, "createSession", as(provider, map[string]any{"input": map[string]any{"templateName": "contoso_broken"}}), errcode.TemplateNotFound)
}

func TestABrokenTemplatesFileLeavesTheDefaults(t *testing.T) {
	dirs := hosttest.NewDirs(t)
	require.NoError(t, os.MkdirAll(filepath.Dir(dirs.App(t, "templates.json")), 0o700))
	require.NoError(t, os.WriteFile(dirs.App(t, "templates.json"), []byte(`{"sessionTemplates": [`), 0o600))
	require.NoError(t, os.WriteFile(dirs.App(t, "settings.json"), []byte(`{"maxSessions": 0.5}`), 0o600))

	p := hosttest.Start(t, dirs)
	res := p.Hello("profile-1")
	problems := res["problems"].([]any)
	require.Len(t, problems, 2)
	assert.Equal(t, dirs.App(t, "templates.json"), problems[0].(map[string]any)["file"], "the message is host/templates' to pin")
	assert.Equal(t, dirs.App(t, "settings.json"), problems[1].(map[string]any)["file"])
	assert.Equal(t, 10.0, res["limits"].(map[string]any)["maxSessions"], "broken settings give the defaults")
	_, _ = ok(t, p, "createSession", as(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))
}
