package session

import (
	"encoding/json"
	"testing"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// threeSessions opens a (alice), b (bob) and c (alice), in that order;
// c is focused.
func threeSessions(t *testing.T) (h *harness, a, b, c string) {
	h = newHarness(t, Options{})
	a = h.create(t, alice, CreateInput{TemplateName: "s_plain", Context: json.RawMessage(`{"n":"a"}`)})
	b = h.create(t, bob, CreateInput{TemplateName: "s_plain", Context: json.RawMessage(`{"n":"b"}`)})
	c = h.create(t, alice, CreateInput{TemplateName: "s_plain", Context: json.RawMessage(`{"n":"c"}`)})
	return h, a, b, c
}

func switched(provider, id string, focused bool, ctx string) string {
	b, _ := json.Marshal(switchedData{SessionID: id, Focused: focused, Context: json.RawMessage(ctx)})
	return "onSessionSwitched " + provider + " " + string(b)
}

func closed(provider, id, ctx string) string {
	b, _ := json.Marshal(closedData{SessionID: id, Context: json.RawMessage(ctx)})
	return "onSessionClosed " + provider + " " + string(b)
}

func TestSwitchSession(t *testing.T) {
	h, a, b, c := threeSessions(t)
	require.NoError(t, h.RequestFocusSession(bob, b))
	require.NoError(t, h.NotifyNewActivity(bob, b, 4))

	require.NoError(t, h.SwitchSession(b))
	assert.Equal(t, []string{switched(alice, c, false, `{"n":"c"}`), switched(bob, b, true, `{"n":"b"}`)}, h.take(t))
	assert.Equal(t, Attention{}, h.session(t, b).Attention, "the attention flags clear on focus")

	require.NoError(t, h.SwitchSession(b))
	assert.Empty(t, h.take(t), "switching to the focused session says nothing")

	require.NoError(t, h.SwitchSession(""))
	assert.Equal(t, []string{switched(bob, b, false, `{"n":"b"}`)}, h.take(t), "the home session has no owner to tell")
	assert.Equal(t, "", h.workspace().Focused)

	require.NoError(t, h.SwitchSession(a))
	assert.Equal(t, []string{switched(alice, a, true, `{"n":"a"}`)}, h.take(t))

	v := h.Version()
	requireError(t, h.SwitchSession("session-x"), errcode.SessionNotFound, "Session with ID:session-x does not exist; it may have been closed already")
	h.unchanged(t, v)
}

func TestCloseSession(t *testing.T) {
	tests := []struct {
		name        string
		focus       func(a, b, c string) string
		close       func(a, b, c string) string
		wantEvents  func(a, b, c string) []string
		wantFocused func(a, b, c string) string
	}{
		{"an unfocused session", func(_, _, c string) string { return c }, func(_, b, _ string) string { return b },
			func(_, b, _ string) []string { return []string{closed(bob, b, `{"n":"b"}`)} },
			func(_, _, c string) string { return c }},
		{"the focused one focuses the one before it", func(_, b, _ string) string { return b }, func(_, b, _ string) string { return b },
			func(a, b, _ string) []string {
				return []string{closed(bob, b, `{"n":"b"}`), switched(alice, a, true, `{"n":"a"}`)}
			},
			func(a, _, _ string) string { return a }},
		{"the first focused one focuses the one after it", func(a, _, _ string) string { return a }, func(a, _, _ string) string { return a },
			func(a, b, _ string) []string {
				return []string{closed(alice, a, `{"n":"a"}`), switched(bob, b, true, `{"n":"b"}`)}
			},
			func(_, b, _ string) string { return b }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, a, b, c := threeSessions(t)
			require.NoError(t, h.SwitchSession(tt.focus(a, b, c)))
			h.take(t)
			require.NoError(t, h.CloseSession(tt.close(a, b, c)))
			assert.Equal(t, tt.wantEvents(a, b, c), h.take(t))
			assert.Equal(t, tt.wantFocused(a, b, c), h.workspace().Focused)
			assert.Len(t, h.workspace().Sessions, 2)
		})
	}
}

func TestClosingTheLastSessionGoesHome(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, h.CloseSession(a))
	assert.Equal(t, []string{closed(alice, a, "")}, h.take(t), "no context, no key")
	assert.Equal(t, "", h.workspace().Focused)
	assert.Nil(t, h.GetFocusedSession(alice))
	requireError(t, h.CloseSession(a), errcode.SessionNotFound, "Session with ID:"+a+" does not exist; it may have been closed already")
}

func TestCloseAgentTab(t *testing.T) {
	h := chatSession(t) // alice: session-1, anchor tab-2, additional tab-3
	web, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", IsFocused: true})
	require.NoError(t, err)

	v := h.Version()
	requireError(t, h.CloseAgentTab("tab-3"), errcode.TabNotClosable,
		"Tab tab-3 cannot be closed: its template t_extra is not closable (canClose false, or one of the session template's additionalTabs)")
	requireError(t, h.CloseAgentTab("tab-x"), errcode.TabNotFound, "Tab with ID:tab-x does not exist; it may have been closed already")
	h.unchanged(t, v)

	require.NoError(t, h.CloseAgentTab(web))
	assert.Equal(t, "tab-2", h.session(t, "session-1").FocusedTab)
	assert.Empty(t, h.take(t))

	require.NoError(t, h.CloseAgentTab("tab-2"))
	assert.Equal(t, []string{closed(alice, "session-1", "")}, h.take(t), "closing the anchor tab closes the session")
	assert.Empty(t, h.workspace().Sessions)
}

func TestFocusAgentTabSwitchesToItsSession(t *testing.T) {
	h := chatSession(t) // alice: session-1, tab-2, tab-3
	h.create(t, bob, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, h.FocusAgentTab("tab-3"))
	assert.Equal(t, []string{switched(bob, "session-4", false, ""), switched(alice, "session-1", true, "")}, h.take(t))
	assert.Equal(t, "tab-3", *h.GetFocusedTab(alice))
	requireError(t, h.FocusAgentTab("tab-x"), errcode.TabNotFound, "Tab with ID:tab-x does not exist; it may have been closed already")
}
