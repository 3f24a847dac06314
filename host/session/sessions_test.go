package session

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	blankSessionID = "The sessionId parameter is null. Provide a value to the parameter: pass the id createSession resolved with"
	notMine        = " does not exist. It was closed or belongs to another provider; getAllSessions lists this provider's open sessions"
)

// twoProviders opens a session for alice, then one for bob, which is
// focused.
func twoProviders(t *testing.T) (h *harness, a, b string) {
	h = newHarness(t, Options{})
	a = h.create(t, alice, CreateInput{TemplateName: "s_chat", Context: json.RawMessage(`{"ticket":"T-1"}`),
		TemplateParameters: map[string]any{"customer": "Contoso", "conversationId": "conv-1"}, CustomerName: "Ann"})
	b = h.create(t, bob, CreateInput{TemplateName: "s_plain"})
	return h, a, b
}

func TestGetSession(t *testing.T) {
	h, a, b := twoProviders(t)
	info, err := h.GetSession(alice, a)
	require.NoError(t, err)
	got, err := json.Marshal(info)
	require.NoError(t, err)
	assert.JSONEq(t, `{"sessionId":"`+a+`","focused":false,"isFocused":false,"context":{"ticket":"T-1"},
		"conversationId":"conv-1","title":"Chat with Contoso","templateName":"s_chat","customerName":"Ann","tabs":["tab-2","tab-3"]}`, string(got))

	info, err = h.GetSession(bob, b)
	require.NoError(t, err)
	assert.True(t, info.Focused)
	assert.True(t, info.IsFocused)
	assert.Nil(t, info.Context)
	assert.Equal(t, []string{}, info.Tabs)

	_, err = h.GetSession(bob, a)
	requireError(t, err, errcode.SessionNotFound, "Session with ID:"+a+notMine)
	_, err = h.GetSession(alice, "session-x")
	requireError(t, err, errcode.SessionNotFound, "Session with ID:session-x"+notMine)
	_, err = h.GetSession(alice, "")
	requireError(t, err, errcode.InvalidParams, blankSessionID)
}

func TestGetFocusedAndAllSessionsSeeOnlyTheProvidersOwn(t *testing.T) {
	h := newHarness(t, Options{})
	assert.Nil(t, h.GetFocusedSession(alice), "home session")
	assert.Equal(t, []string{}, h.GetAllSessions(alice))

	a1 := h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	b1 := h.create(t, bob, CreateInput{TemplateName: "s_plain"})
	a2 := h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	assert.Equal(t, []string{a1, a2}, h.GetAllSessions(alice), "oldest first")
	assert.Equal(t, []string{b1}, h.GetAllSessions(bob))
	assert.Equal(t, []string{}, h.GetAllSessions("https://carol.example"))
	require.NotNil(t, h.GetFocusedSession(alice))
	assert.Equal(t, a2, *h.GetFocusedSession(alice))
	assert.Nil(t, h.GetFocusedSession(bob))
}

func TestSetSessionTitle(t *testing.T) {
	tests := []struct {
		name    string
		caller  string
		input   func(a, b string) map[string]any
		want    string
		code    errcode.Code
		message string
	}{
		{"slug values from the input", alice, func(a, _ string) map[string]any { return map[string]any{"sessionId": a, "customer": "Fabrikam"} },
			"Chat with Fabrikam", 0, ""},
		{"other slugs from the session's parameters", alice, func(a, _ string) map[string]any { return map[string]any{"sessionId": a, "title": "ignored"} },
			"Chat with Contoso", 0, ""},
		{"unresolved slugs are empty", bob, func(_, b string) map[string]any { return map[string]any{"sessionId": b} },
			"Plain", 0, ""},
		{"without sessionId, the focused session", bob, func(string, string) map[string]any { return map[string]any{} },
			"Plain", 0, ""},
		{"without sessionId, another provider's focused session", alice, func(string, string) map[string]any { return map[string]any{"customer": "x"} },
			"", errcode.NotOwner, "Focused session does not belong to the provider: setSessionTitle without a sessionId acts on the focused session, which is not yours; pass sessionId"},
		{"another provider's session", bob, func(a, _ string) map[string]any { return map[string]any{"sessionId": a} },
			"", errcode.SessionNotFound, "Session with ID:session-1" + notMine},
		{"no input", alice, func(string, string) map[string]any { return nil },
			"", errcode.InvalidParams, "The input Parameter is blank. Provide a value to the parameter: pass {sessionId, <slug>: <value>}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, a, b := twoProviders(t)
			v := h.Version()
			title, err := h.SetSessionTitle(tt.caller, tt.input(a, b))
			if tt.code != 0 {
				requireError(t, err, tt.code, tt.message)
				h.unchanged(t, v)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, title)
			id := a
			if tt.caller == bob {
				id = b
			}
			info, err := h.GetSession(tt.caller, id)
			require.NoError(t, err)
			assert.Equal(t, tt.want, info.Title)
			assert.Empty(t, h.take(t), "retitling raises no event")
		})
	}
}

func TestRequestFocusSessionOnlyFlagsTheSession(t *testing.T) {
	h, a, b := twoProviders(t)
	require.NoError(t, h.RequestFocusSession(alice, a))
	assert.True(t, h.session(t, a).Attention.FocusRequested)
	assert.Equal(t, b, h.workspace().Focused, "the agent, not the provider, switches")
	assert.Empty(t, h.take(t))

	require.NoError(t, h.SwitchSession(a))
	assert.False(t, h.session(t, a).Attention.FocusRequested, "focusing the session clears the request")

	require.NoError(t, h.RequestFocusSession(alice, a))
	assert.False(t, h.session(t, a).Attention.FocusRequested, "a focused session needs no flag")

	requireError(t, h.RequestFocusSession(alice, ""), errcode.InvalidParams, "SessionID is null or undefined: pass the id createSession resolved with")
	requireError(t, h.RequestFocusSession(alice, b), errcode.SessionNotFound, "Session with ID:"+b+notMine)
}

func TestNotifyNewActivity(t *testing.T) {
	h, a, b := twoProviders(t)
	require.NoError(t, h.NotifyNewActivity(alice, a, 3))
	assert.Equal(t, 3, h.session(t, a).Attention.NewActivity)
	require.NoError(t, h.NotifyNewActivity(bob, b, 2))
	assert.Zero(t, h.session(t, b).Attention.NewActivity, "the focused session shows no count")

	v := h.Version()
	requireError(t, h.NotifyNewActivity(alice, a, -1), errcode.InvalidParams, "The count parameter must be zero or a positive number, not -1")
	requireError(t, h.NotifyNewActivity(alice, "", 1), errcode.InvalidParams, blankSessionID)
	requireError(t, h.NotifyNewActivity(bob, a, 1), errcode.SessionNotFound, "Session with ID:"+a+notMine)
	h.unchanged(t, v)

	require.NoError(t, h.SwitchSession(a))
	assert.Zero(t, h.session(t, a).Attention.NewActivity, "focusing the session clears the count")
}

func TestNotifyKpiBreach(t *testing.T) {
	h, a, b := twoProviders(t)
	require.NoError(t, h.NotifyKpiBreach(alice, a, true, json.RawMessage(`{"kpi":"wait"}`)))
	att := h.session(t, a).Attention
	assert.True(t, att.KPIBreach)
	assert.JSONEq(t, `{"kpi":"wait"}`, string(att.KPIDetails))

	v := h.Version()
	require.NoError(t, h.NotifyKpiBreach(alice, a, true, json.RawMessage(`{"kpi":"wait"}`)))
	assert.Equal(t, v, h.Version(), "the same breach again changes nothing")

	require.NoError(t, h.SwitchSession(a))
	assert.True(t, h.session(t, a).Attention.KPIBreach, "a breach stays until the provider resets it")
	require.NoError(t, h.NotifyKpiBreach(alice, a, false, json.RawMessage(`{"ignored":1}`)))
	assert.Equal(t, Attention{}, h.session(t, a).Attention, "false clears the breach and its details")

	requireError(t, h.NotifyKpiBreach(alice, "", false, nil), errcode.InvalidParams, blankSessionID)
	requireError(t, h.NotifyKpiBreach(alice, b, false, nil), errcode.SessionNotFound, "Session with ID:"+b+notMine)
}

func TestUpdateContext(t *testing.T) {
	h, a, b := twoProviders(t)
	params, err := h.UpdateContext(alice, a, map[string]any{"customer": "Fabrikam", "queue": "vip"}, nil, false)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"customer": "Fabrikam", "queue": "vip", "conversationId": "conv-1", "customerName": "Ann"}, params, "merged")

	params, err = h.UpdateContext(alice, a, nil, []string{"queue", "conversationId", "absent"}, true)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"customer": "Fabrikam", "customerName": "Ann"}, params, "deleted")

	params["customer"] = "not the session's"
	info, err := h.GetSession(alice, a)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ticket":"T-1"}`, string(info.Context), "context is createSession's, which updateContext leaves alone")
	title, err := h.SetSessionTitle(alice, map[string]any{"sessionId": a})
	require.NoError(t, err)
	assert.Equal(t, "Chat with Fabrikam", title, "slugs resolve from the updated parameters")

	params, err = h.UpdateContext(bob, "", map[string]any{"x": 1.0}, nil, false)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"x": 1.0}, params, "without sessionId, the focused session")

	v := h.Version()
	_, err = h.UpdateContext(alice, "", map[string]any{"x": 1.0}, nil, false)
	requireError(t, err, errcode.NotOwner, "Focused session does not belong to the provider: updateContext without a sessionId acts on the focused session, which is not yours; pass sessionId")
	_, err = h.UpdateContext(alice, b, map[string]any{"x": 1.0}, nil, false)
	requireError(t, err, errcode.SessionNotFound, "Session with ID:"+b+notMine)
	h.unchanged(t, v)
}

func TestASessionCannotGrowPastItsLimitAndARefusedChangeChangesNothing(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	big := strings.Repeat("x", 150<<10)
	_, err := h.UpdateContext(alice, id, map[string]any{"a": big}, nil, false)
	require.NoError(t, err)
	v, before := h.Version(), h.workspace()
	_, err = h.UpdateContext(alice, id, map[string]any{"b": big}, nil, false)
	requireError(t, err, errcode.InvalidParams, "the session would hold 307427 bytes of data, over its limit of 262144 (its titles, context, template parameters and tabs together); keep large data out of CIF sessions")
	h.unchanged(t, v)
	assert.Equal(t, before, h.workspace())
	assert.Equal(t, []string{"a"}, slices.Sorted(maps.Keys(h.session(t, id).Params)))

	_, err = h.CreateSession(bob, CreateInput{TemplateName: "s_plain", Context: json.RawMessage(`"` + big + big + `"`)})
	require.Error(t, err)
	h.unchanged(t, v)
	assert.Equal(t, before, h.workspace(), "a session too large to open is not open, and focus stays")
}
