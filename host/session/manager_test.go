package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func TestCreateSessionRefuses(t *testing.T) {
	tests := []struct {
		name    string
		in      CreateInput
		code    errcode.Code
		message string
	}{
		{"no template", CreateInput{}, errcode.InvalidParams,
			"The templateName parameter is null. Provide a value to the parameter: input.templateName names a session template, such as msdyn_chat_session"},
		{"unknown name", CreateInput{TemplateName: "nope"}, errcode.TemplateNotFound,
			"Did not find template by name (nope). Known session templates: s_chat, s_entity, s_named, s_plain, s_record, s_web; add yours to templates.json (see docs/templates.md)"},
		{"unknown tag", CreateInput{TemplateTag: "sms"}, errcode.TemplateNotFound,
			"Error retrieving template by tag (sms) : no session template has this tag; add it to a template's tags in the templates file"},
		{"entity template", CreateInput{TemplateName: "s_entity"}, errcode.UnsupportedTemplate,
			"Template s_entity is of type entity; createSession supports Generic session templates only. Use a generic template"},
		{"parameter of the wrong type", CreateInput{TemplateName: "s_record", TemplateParameters: map[string]any{"validateRecord": "maybe"}}, errcode.InvalidParams,
			`parameter "validateRecord" of tab template "t_record" must be a boolean, but resolves to "maybe"; pass a boolean in templateParameters`},
		{"address that is not a web address", CreateInput{TemplateName: "s_web", TemplateParameters: map[string]any{"url": "javascript:alert(1)"}}, errcode.InvalidParams,
			`tab template "t_web" resolves to the address "javascript:alert(1)", which is not an absolute http or https URL; pass a full URL such as https://example.com/ in templateParameters`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			_, err := h.CreateSession(alice, tt.in)
			requireError(t, err, tt.code, tt.message)
			h.unchanged(t, 0)
			assert.Empty(t, h.GetAllSessions(alice))
		})
	}
}

func TestCreateSessionBuildsTheSessionFromItsTemplate(t *testing.T) {
	h := newHarness(t, Options{})
	id, err := h.CreateSession(alice, CreateInput{
		TemplateName: "s_chat",
		TemplateParameters: map[string]any{
			"customer": "Contoso",
			"t_extra":  map[string]any{"customer": "Fabrikam"}, // scoped to that tab only
		},
		Context:       json.RawMessage(`{"callId":7}`),
		CorrelationID: "c-1",
	})
	require.NoError(t, err)
	assert.Equal(t, "session-1", id)
	assert.Equal(t, []string{`onSessionSwitched https://alice.example {"sessionId":"session-1","focused":true,"context":{"callId":7}}`}, h.take(t))

	s := h.session(t, id)
	assert.Equal(t, alice, s.Provider)
	assert.Equal(t, "s_chat", s.Template)
	assert.Equal(t, "Chat with Contoso", s.Title)
	assert.Equal(t, templates.PanelDocked, s.PanelMode)
	assert.Equal(t, "chat", s.Icon)
	assert.JSONEq(t, `{"callId":7}`, string(s.Context))
	assert.Equal(t, "c-1", s.CorrelationID)
	require.Len(t, s.Tabs, 2)

	anchor, extra := s.Tabs[0], s.Tabs[1]
	assert.Equal(t, Tab{ID: "tab-2", Template: "t_anchor", Title: "Conversation", TitleFormat: "Conversation", PageType: templates.Control,
		Params: map[string]any{"controlName": "c", "data": "Contoso"}, Anchor: true, Closable: false}, *anchor)
	assert.Equal(t, "tab-2", s.FocusedTab, "the anchor tab opens first and focused")
	assert.Equal(t, "Fabrikam site", extra.Title, "a key named after a tab template scopes its values to that tab")
	assert.Equal(t, "https://example.com/?q=Fabrikam", extra.URL, "a third-party website opens url + data")
	assert.False(t, extra.Closable, "additional tabs stay open")

	focused := h.GetFocusedSession(alice)
	require.NotNil(t, focused)
	assert.Equal(t, id, *focused, "a new session is focused")
}

func TestCreateSessionByTagCustomerNameAndAnchorSlugs(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create(t, alice, CreateInput{TemplateTag: "voice"})
	assert.Equal(t, "s_plain", h.session(t, id).Template)

	id = h.create(t, alice, CreateInput{TemplateName: "s_record", TemplateParameters: map[string]any{
		"entityName": "contact", "entityId": "c-9", "customerName": "Ann",
	}})
	s := h.session(t, id)
	assert.Equal(t, "Ann", s.CustomerName, "customerName falls back to templateParameters.customerName")
	assert.Equal(t, "contact: Ann", s.Title, "{anchor.x} reads the anchor tab's parameters")
	assert.Equal(t, "contact: Ann", s.Tabs[0].Title, "applyTitleToAnchorTab")
	title, err := h.SetSessionTitle(alice, map[string]any{"sessionId": id, "customerName": "Bea"})
	require.NoError(t, err)
	assert.Equal(t, "contact: Bea", title)
	assert.Equal(t, "contact: Bea", h.session(t, id).Tabs[0].Title, "the anchor tab follows the session's title")
	assert.Equal(t, map[string]any{"entityName": "contact", "entityId": "c-9", "validateRecord": false}, s.Tabs[0].Params,
		"the string false is false")

	id = h.create(t, alice, CreateInput{TemplateName: "s_record", CustomerName: "Bea",
		TemplateParameters: map[string]any{"customerName": "Ann", "entityName": "lead"}})
	assert.Equal(t, "lead: Bea", h.session(t, id).Title, "input.customerName wins over templateParameters.customerName")
}

func TestATitleThatResolvesToNothingIsTheTemplatesName(t *testing.T) {
	h := newHarness(t, Options{})
	s := h.session(t, h.create(t, alice, CreateInput{TemplateName: "s_named"}))
	assert.Equal(t, "Named session", s.Title)
	assert.Equal(t, "Named tab", s.Tabs[0].Title)
	title, err := h.SetSessionTitle(alice, map[string]any{"sessionId": s.ID})
	require.NoError(t, err)
	assert.Equal(t, "", title, "setSessionTitle resolves as CIF does, to nothing")
}

func TestCreateSessionResolvesDynamicsAddressesWithAnOrganisation(t *testing.T) {
	h := newHarness(t, Options{OrgURL: "https://contoso.crm.dynamics.com"})
	id := h.create(t, alice, CreateInput{TemplateName: "s_record", TemplateParameters: map[string]any{"entityName": "contact", "entityId": "c-9"}})
	assert.Equal(t, "https://contoso.crm.dynamics.com/main.aspx?etn=contact&id=c-9&pagetype=entityrecord", h.session(t, id).Tabs[0].URL)

	h = newHarness(t, Options{})
	id = h.create(t, alice, CreateInput{TemplateName: "s_record", TemplateParameters: map[string]any{"entityName": "contact"}})
	assert.Empty(t, h.session(t, id).Tabs[0].URL, "no organisation, no address")
}

func TestCreateSessionKeepsNoReferenceToTheCallersParameters(t *testing.T) {
	h := newHarness(t, Options{})
	params := map[string]any{"customer": "Contoso"}
	id := h.create(t, alice, CreateInput{TemplateName: "s_chat", TemplateParameters: params})
	params["customer"] = "changed"
	assert.Equal(t, "Contoso", h.session(t, id).Params["customer"])
}

func TestTheLimitCountsEveryProvidersSessions(t *testing.T) {
	h := newHarness(t, Options{MaxSessions: 2})
	assert.Equal(t, 2, h.MaxSessions())
	assert.True(t, h.CanCreateSession())
	h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	assert.True(t, h.CanCreateSession())
	last := h.create(t, bob, CreateInput{TemplateName: "s_plain"})
	assert.False(t, h.CanCreateSession())

	v := h.Version()
	_, err := h.CreateSession(alice, CreateInput{TemplateName: "s_plain"})
	requireError(t, err, errcode.SessionLimit,
		"Cannot add the Session. Maximum Sessions limit reached. Limit: 2. The agent must close a session first; canCreateSession tells when one can be created")
	h.unchanged(t, v)

	require.NoError(t, h.CloseSession(last))
	assert.True(t, h.CanCreateSession(), "closing a session makes room")
	assert.Equal(t, DefaultMaxSessions, New(nil, Options{Catalog: testCatalog()}).MaxSessions())
}

func TestTheLimitHoldsUnderConcurrentCalls(t *testing.T) {
	for _, open := range []int{0, 9} {
		t.Run(fmt.Sprintf("%d open", open), func(t *testing.T) {
			h := newHarness(t, Options{MaxSessions: 10})
			for range open {
				h.create(t, alice, CreateInput{TemplateName: "s_plain"})
			}
			var (
				wg               sync.WaitGroup
				mu               sync.Mutex
				created, refused int
				other            []error
			)
			start := make(chan struct{})
			for i := range 50 {
				provider := alice
				if i%2 == 1 {
					provider = bob
				}
				wg.Go(func() {
					<-start
					_, err := h.CreateSession(provider, CreateInput{TemplateName: "s_chat"})
					mu.Lock()
					defer mu.Unlock()
					var pe *errcode.Error
					switch {
					case err == nil:
						created++
					case errors.As(err, &pe) && pe.Code == errcode.SessionLimit:
						refused++
					default:
						other = append(other, err)
					}
				})
			}
			close(start)
			wg.Wait()
			assert.Empty(t, other)
			assert.Equal(t, 10-open, created, "exactly the room left succeeds")
			assert.Equal(t, 40+open, refused)
			assert.Len(t, h.workspace().Sessions, 10)
			assert.False(t, h.CanCreateSession())
		})
	}
}

func TestEveryCreationSwitchesFocusAndTellsBothOwners(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.create(t, alice, CreateInput{TemplateName: "s_plain", Context: json.RawMessage(`"a"`)})
	b, err := h.CreateSession(bob, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, err)
	assert.Equal(t, []string{
		`onSessionSwitched https://alice.example {"sessionId":"` + a + `","focused":false,"context":"a"}`,
		`onSessionSwitched http://127.0.0.1:8080 {"sessionId":"` + b + `","focused":true}`,
	}, h.take(t), "old session first, then the new one, each to its owner; no context, no key")
	assert.Nil(t, h.GetFocusedSession(alice), "another provider's focused session is null to this one")
}

func TestVersionGrowsOnlyWithChanges(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create(t, alice, CreateInput{TemplateName: "s_chat"})
	v := h.Version()
	assert.NotZero(t, v)
	h.CanCreateSession()
	_, _ = h.GetSession(alice, id)
	h.GetAllSessions(alice)
	h.GetFocusedSession(alice)
	h.GetFocusedTab(alice)
	_, _ = h.GetTabs(alice, "", nil)
	require.NoError(t, h.RequestFocusSession(alice, id)) // focused already: nothing to flag
	require.NoError(t, h.SwitchSession(id))              // already there
	assert.Equal(t, v, h.Version())
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.create(t, alice, CreateInput{TemplateName: "s_chat", Context: json.RawMessage(`{"k":[1,2]}`),
		TemplateParameters: map[string]any{"customer": "Contoso"}})
	h.create(t, bob, CreateInput{TemplateName: "s_web", TemplateParameters: map[string]any{"url": "https://bing.com/"}})
	require.NoError(t, h.NotifyKpiBreach(alice, a, true, json.RawMessage(`{"sla":"late"}`)))

	data, version, err := h.Encode()
	require.NoError(t, err)
	assert.Equal(t, h.Version(), version)
	state, savedVersion, err := Decode(data, nil)
	require.NoError(t, err)
	assert.Equal(t, h.workspace(), state)
	assert.Equal(t, version, savedVersion)

	restored := New(state, Options{Catalog: testCatalog(), Version: savedVersion})
	assert.Equal(t, version, restored.Version(), "versions keep growing across restarts")
	assert.Equal(t, []string{a}, restored.GetAllSessions(alice))
	info, err := restored.GetSession(alice, a)
	require.NoError(t, err)
	assert.Equal(t, "Chat with Contoso", info.Title)
	assert.JSONEq(t, `{"k":[1,2]}`, string(info.Context))
}

func TestDecode(t *testing.T) {
	state, _, err := Decode(nil, nil)
	require.NoError(t, err)
	assert.Empty(t, state.Sessions, "nothing saved is an empty workspace")

	session := func(id, provider string) string {
		return `{"id":"` + id + `","provider":"` + provider + `","tabs":[{"id":"tab-1"}]}`
	}
	for name, tt := range map[string]struct{ data, err string }{
		"not JSON":       {`{"format":1,`, "decode session state: unexpected end of JSON input"},
		"another format": {`{"format":2,"state":{"sessions":[]}}`, "decode session state: format 2 is not 1 (written by another version of cif-host?)"},
		"no state":       {`{"format":1}`, "decode session state: format 1 is not 1 (written by another version of cif-host?)"},
		"null session":   {`{"format":1,"state":{"sessions":[null]}}`, "decode session state: session 0 has no id or no provider"},
		"no provider":    {`{"format":1,"state":{"sessions":[` + session("s", "") + `]}}`, "decode session state: session 0 has no id or no provider"},
		"twice":          {`{"format":1,"state":{"sessions":[` + session("s", "p") + `,` + `{"id":"s","provider":"p"}` + `]}}`, "decode session state: id s appears twice"},
		"tab twice":      {`{"format":1,"state":{"sessions":[` + session("s", "p") + `,` + session("t", "p") + `]}}`, "decode session state: id tab-1 appears twice"},
		"null tab":       {`{"format":1,"state":{"sessions":[{"id":"s","provider":"p","tabs":[null]}]}}`, "decode session state: tab 0 of session s has no id"},
		"focused gone":   {`{"format":1,"state":{"sessions":[],"focused":"s"}}`, "decode session state: the focused session s is not open"},
		"tab focus gone": {`{"format":1,"state":{"sessions":[{"id":"s","provider":"p","focusedTab":"x"}]}}`, "decode session state: session s focuses tab x, which it does not have"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := Decode([]byte(tt.data), nil)
			assert.EqualError(t, err, tt.err)
		})
	}
}
