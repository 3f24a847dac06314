package session

import (
	"testing"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	blankTab     = "The tabId Parameter is blank. Provide a value to the parameter: pass the id createTab, getTabs or getFocusedTab gave"
	nullTab      = "tabId is null or undefined: pass the id createTab, getTabs or getFocusedTab gave"
	notYourFocus = "Focused session is neither the default session nor it belongs to the provider; %s works only while one of your sessions is focused (wait for onSessionSwitched with focused true)"
	homeFocus    = "No session of yours is focused: the agent is on the home session, which has no application tabs in CIF Bridge; %s works only while one of your sessions is focused (wait for onSessionSwitched with focused true, or create a session)"
)

// chatSession opens alice's chat session: session-1 with its anchor tab-2
// and additional tab-3, focused.
func chatSession(t *testing.T) *harness {
	h := newHarness(t, Options{})
	h.create(t, alice, CreateInput{TemplateName: "s_chat", TemplateParameters: map[string]any{"customer": "Contoso", "url": "https://contoso.com/"}})
	return h
}

func TestCreateTab(t *testing.T) {
	h := chatSession(t)
	id, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"title": "Bing", "url": "https://bing.com/"}})
	require.NoError(t, err)
	assert.Equal(t, "tab-4", id)
	s := h.session(t, "session-1")
	tab := s.Tabs[2]
	assert.Equal(t, "Bing", tab.Title)
	assert.Equal(t, "https://bing.com/", tab.URL, "createTab's parameters win over the session's")
	assert.True(t, tab.Closable)
	assert.Equal(t, "tab-2", s.FocusedTab, "isFocused defaults to false")
	assert.Empty(t, h.take(t), "tabs raise no events")

	id, err = h.CreateTab(alice, TabInput{TemplateName: "t_web", IsFocused: true})
	require.NoError(t, err)
	s = h.session(t, "session-1")
	assert.Equal(t, id, s.FocusedTab)
	assert.Equal(t, "https://contoso.com/", s.Tabs[3].URL, "the session's parameters fill in")
	assert.Equal(t, "", s.Tabs[3].Title)
}

func TestCreateTabFocusesTheFirstTabOfASessionWithout(t *testing.T) {
	h := newHarness(t, Options{})
	h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	id, err := h.CreateTab(alice, TabInput{TemplateName: "t_fixed"})
	require.NoError(t, err)
	require.NotNil(t, h.GetFocusedTab(alice))
	assert.Equal(t, id, *h.GetFocusedTab(alice))
}

func TestCreateTabRefuses(t *testing.T) {
	h := newHarness(t, Options{})
	_, err := h.CreateTab(alice, TabInput{TemplateName: "t_web"})
	requireError(t, err, errcode.NoFocusedSession, sprintf(homeFocus, "createTab"))

	h.create(t, alice, CreateInput{TemplateName: "s_chat"})
	v := h.Version()
	for _, tt := range []struct {
		name, caller string
		in           TabInput
		code         errcode.Code
		message      string
	}{
		{"no template", alice, TabInput{}, errcode.InvalidParams,
			"Some of the required parameters are Null: input.templateName names an application tab template, such as msdyn_website_tab"},
		{"unknown template", alice, TabInput{TemplateName: "nope"}, errcode.TemplateNotFound,
			"Did not find template by name (nope). Known application tab templates: t_anchor, t_extra, t_fixed, t_named, t_record, t_web; add yours to templates.json (see docs/templates.md)"},
		{"another provider's focus", bob, TabInput{TemplateName: "t_web"}, errcode.NotOwner, sprintf(notYourFocus, "createTab")},
		{"bad parameter", alice, TabInput{TemplateName: "t_record", TemplateParameters: map[string]any{"t_record": map[string]any{"validateRecord": 2.0}}}, errcode.InvalidParams,
			`parameter "validateRecord" of tab template "t_record" must be a boolean, but resolves to "2"; pass a boolean in templateParameters`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.CreateTab(tt.caller, tt.in)
			requireError(t, err, tt.code, tt.message)
			h.unchanged(t, v)
		})
	}
}

func TestGetTabs(t *testing.T) {
	h := chatSession(t)
	web, err := h.CreateTab(alice, TabInput{TemplateName: "t_web"})
	require.NoError(t, err)
	fixed, err := h.CreateTab(alice, TabInput{TemplateName: "t_fixed"})
	require.NoError(t, err)
	for _, tt := range []struct {
		name     string
		template string
		tags     []string
		want     []string
	}{
		{"all", "", nil, []string{"tab-2", "tab-3", web, fixed}},
		{"by name", "t_anchor", nil, []string{"tab-2"}},
		{"name first", "t_web", []string{"kb"}, []string{web}},
		{"then tag", "nope", []string{"kb"}, []string{web, fixed}},
		{"tag alone", "", []string{"web"}, []string{web}},
		{"any tag", "", []string{"x", "web"}, []string{web}},
		{"nothing", "nope", nil, []string{}},
		{"no such tag", "", []string{"x"}, []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.GetTabs(alice, tt.template, tt.tags)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err = h.GetTabs(bob, "", nil)
	requireError(t, err, errcode.NotOwner, "Session not in focus; getTabs works only while one of your sessions is focused (wait for onSessionSwitched with focused true)")
	require.NoError(t, h.SwitchSession(""))
	_, err = h.GetTabs(alice, "", nil)
	requireError(t, err, errcode.NoFocusedSession, "Session not in focus: the agent is on the home session, which has no application tabs in CIF Bridge; getTabs works only while one of your sessions is focused (wait for onSessionSwitched with focused true, or create a session)")
}

func TestGetFocusedTab(t *testing.T) {
	h := newHarness(t, Options{})
	assert.Nil(t, h.GetFocusedTab(alice), "home")
	h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	assert.Nil(t, h.GetFocusedTab(alice), "a session without tabs")
	h.create(t, bob, CreateInput{TemplateName: "s_chat"})
	assert.Nil(t, h.GetFocusedTab(alice), "another provider's session")
	require.NotNil(t, h.GetFocusedTab(bob))
	assert.Equal(t, "tab-3", *h.GetFocusedTab(bob), "the anchor tab")
}

// The methods that take a tab id share their checks: on the focused
// session only, and only the provider's.
func TestTabMethodsActOnTheCallersFocusedSessionOnly(t *testing.T) {
	methods := []struct {
		name  string
		blank string
		call  func(h *harness, provider, tab string) error
	}{
		{"focusTab", nullTab, func(h *harness, p, tab string) error { return h.FocusTab(p, tab) }},
		{"refreshTab", blankTab, func(h *harness, p, tab string) error { return h.RefreshTab(p, tab) }},
		{"setTabTitle", blankTab, func(h *harness, p, tab string) error { _, err := h.SetTabTitle(p, tab, map[string]any{}); return err }},
		{"closeTab", blankTab, func(h *harness, p, tab string) error { return h.CloseTab(p, tab) }},
	}
	for _, m := range methods {
		t.Run(m.name, func(t *testing.T) {
			h := chatSession(t) // alice: session-1, tab-2, tab-3
			h.create(t, alice, CreateInput{TemplateName: "s_chat"})
			// alice: session-4 (focused), tab-5, tab-6
			h.create(t, bob, CreateInput{TemplateName: "s_chat"})
			// bob: session-7 (focused), tab-8, tab-9
			v := h.Version()
			requireError(t, m.call(h, alice, ""), errcode.InvalidParams, m.blank)
			requireError(t, m.call(h, alice, "tab-5"), errcode.NotOwner, sprintf(notYourFocus, m.name))
			require.NoError(t, h.SwitchSession("session-4"))
			v = h.Version()
			requireError(t, m.call(h, alice, "tab-2"), errcode.NotOwner,
				"Tab tab-2 belongs to session session-1, which is not focused; "+m.name+" works on the focused session's tabs only (see onSessionSwitched)")
			requireError(t, m.call(h, alice, "tab-8"), errcode.TabNotFound,
				"Tab with ID:tab-8 does not exist in the focused session. It was closed or belongs to another session; getTabs lists the focused session's tabs")
			requireError(t, m.call(h, bob, "tab-8"), errcode.NotOwner, sprintf(notYourFocus, m.name))
			h.take(t)
			h.unchanged(t, v)
			require.NoError(t, h.SwitchSession(""))
			requireError(t, m.call(h, alice, "tab-5"), errcode.NoFocusedSession, sprintf(homeFocus, m.name))
		})
	}
}

func TestFocusTab(t *testing.T) {
	h := chatSession(t)
	require.NoError(t, h.FocusTab(alice, "tab-3"))
	assert.Equal(t, "tab-3", *h.GetFocusedTab(alice))
	v := h.Version()
	require.NoError(t, h.FocusTab(alice, "tab-3"))
	assert.Equal(t, v, h.Version(), "focusing the focused tab changes nothing")
}

func TestRefreshTabCountsRefreshes(t *testing.T) {
	h := chatSession(t)
	require.NoError(t, h.RefreshTab(alice, "tab-3"))
	require.NoError(t, h.RefreshTab(alice, "tab-3"))
	assert.Equal(t, 2, h.session(t, "session-1").Tabs[1].Refreshes)
}

func TestSetTabTitle(t *testing.T) {
	h := chatSession(t)
	web, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"title": "Bing"}})
	require.NoError(t, err)
	for _, tt := range []struct {
		name  string
		tab   string
		input map[string]any
		want  string
	}{
		{"a slug from the input", web, map[string]any{"title": "Search"}, "Search"},
		{"the tab's own parameters fill in", web, map[string]any{}, "Bing"},
		{"the session's parameters fill in", "tab-3", map[string]any{}, "Contoso site"},
		{"the input wins", "tab-3", map[string]any{"customer": "Fabrikam"}, "Fabrikam site"},
		{"a title without slugs stays", "tab-2", map[string]any{"title": "x"}, "Conversation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			title, err := h.SetTabTitle(alice, tt.tab, tt.input)
			require.NoError(t, err)
			assert.Equal(t, tt.want, title)
			for _, tab := range h.session(t, "session-1").Tabs {
				if tab.ID == tt.tab {
					assert.Equal(t, tt.want, tab.Title)
				}
			}
		})
	}
	_, err = h.SetTabTitle(alice, web, nil)
	requireError(t, err, errcode.InvalidParams, `The input Parameter cannot be NULL: pass the values of the tab template's title slugs, such as {title: "…"} for a title of "{title}"`)
}

func TestCloseTab(t *testing.T) {
	h := chatSession(t)
	web, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", IsFocused: true})
	require.NoError(t, err)
	fixed, err := h.CreateTab(alice, TabInput{TemplateName: "t_fixed"})
	require.NoError(t, err)

	v := h.Version()
	requireError(t, h.CloseTab(alice, "tab-2"), errcode.TabNotClosable,
		"Tab tab-2 is the session's anchor tab and cannot be closed; it closes with its session, which only the agent ends")
	requireError(t, h.CloseTab(alice, "tab-3"), errcode.TabNotClosable,
		"Tab tab-3 cannot be closed: its template t_extra is not closable (canClose false, or one of the session template's additionalTabs)")
	requireError(t, h.CloseTab(alice, fixed), errcode.TabNotClosable,
		"Tab "+fixed+" cannot be closed: its template t_fixed is not closable (canClose false, or one of the session template's additionalTabs)")
	h.unchanged(t, v)

	require.NoError(t, h.CloseTab(alice, web))
	assert.Equal(t, "tab-2", *h.GetFocusedTab(alice), "closing the focused tab focuses the anchor tab")
	tabs, err := h.GetTabs(alice, "", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"tab-2", "tab-3", fixed}, tabs)
	assert.Empty(t, h.take(t))
	requireError(t, h.CloseTab(alice, web), errcode.TabNotFound,
		"Tab with ID:"+web+" does not exist in the focused session. It was closed or belongs to another session; getTabs lists the focused session's tabs")
}
