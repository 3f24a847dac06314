package session

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/templates"
)

func TestFocusedPageIsTheOwnersOnly(t *testing.T) {
	h := newHarness(t, Options{})
	_, ok := h.FocusedPage(alice)
	assert.False(t, ok, "the home session has no page")

	a := h.create(t, alice, CreateInput{TemplateName: "s_record", TemplateParameters: map[string]any{"entityName": "contact", "entityId": "674f8695-1416-ee11-8f6d-000d3a4808bc"}})
	page, ok := h.FocusedPage(alice)
	require.True(t, ok)
	assert.Equal(t, FocusedPage{PageType: templates.EntityRecord, Params: map[string]any{"entityName": "contact", "entityId": "674f8695-1416-ee11-8f6d-000d3a4808bc", "validateRecord": false}}, page)
	page.Params["entityName"] = "changed"
	again, _ := h.FocusedPage(alice)
	assert.Equal(t, "contact", again.Params["entityName"], "the caller gets a copy")

	_, ok = h.FocusedPage(bob)
	assert.False(t, ok, "another provider learns nothing of the focused page")

	tab, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"url": "https://example.com/", "title": "w"}, IsFocused: true})
	require.NoError(t, err)
	page, _ = h.FocusedPage(alice)
	assert.Equal(t, templates.ThirdPartyWebsite, page.PageType, "the focused tab decides: %s", tab)

	h.create(t, bob, CreateInput{TemplateName: "s_plain"})
	_, ok = h.FocusedPage(alice)
	assert.False(t, ok, "once another provider's session is focused")
	_, ok = h.FocusedPage(bob)
	assert.False(t, ok, "a session without tabs has no page")
	require.NoError(t, h.SwitchSession(a))
	_, ok = h.FocusedPage(alice)
	assert.True(t, ok)
}
