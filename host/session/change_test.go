package session

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// TestEveryChangeReachesTheJournal replays, after each of many random
// calls, the snapshot taken at the start and every change committed since:
// it must give the state in memory. A mutation that forgot to mark its
// session would be lost here.
func TestEveryChangeReachesTheJournal(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	h := newHarness(t, Options{MaxSessions: 4, MaxTabs: 4})
	snapshot, _, err := h.Encode()
	require.NoError(t, err)
	var records [][]byte
	for i := range 400 {
		randomCall(h, r, i)
		for _, c := range h.Unsaved() {
			b, err := EncodeChange(c)
			require.NoError(t, err)
			records = append(records, b)
		}
		h.Saved(h.Version())
		state, version, err := Decode(snapshot, records)
		require.NoError(t, err, "call %d", i)
		require.Equal(t, h.workspace(), state, "call %d", i)
		require.Equal(t, h.Version(), version, "call %d", i)
	}
}

// TestEveryDeltaGivesTheViewsWorkspace applies, after each of many random
// calls, the call's Delta to the agent's view of the workspace before it:
// it must give the view after it, as the extension's tab sync relies on.
func TestEveryDeltaGivesTheViewsWorkspace(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	h := newHarness(t, Options{MaxSessions: 4, MaxTabs: 4})
	view := func() Page {
		p, err := h.View(0)
		require.NoError(t, err)
		return p
	}
	have := view()
	for i := range 400 {
		randomCall(h, r, i)
		want := view()
		if want.Version != have.Version+1 {
			have = want // none, or several changes: the extension reads the workspace
			continue
		}
		d, ok := h.DeltaAt(want.Version)
		require.True(t, ok, "call %d: the change is there to announce", i)
		have = applyDelta(have, d)
		require.Equal(t, want, have, "call %d", i)
	}
	_, ok := h.DeltaAt(have.Version - 1)
	assert.False(t, ok, "only the last change is kept")
}

// applyDelta is what the extension does with a Delta (shared/workspace.js).
func applyDelta(p Page, d Delta) Page {
	id := func(raw json.RawMessage) string {
		var s struct{ ID string }
		_ = json.Unmarshal(raw, &s)
		return s.ID
	}
	out := Page{Sessions: []json.RawMessage{}, Focused: p.Focused, Version: d.Version}
	for _, s := range p.Sessions {
		if !slices.Contains(d.Delete, id(s)) {
			out.Sessions = append(out.Sessions, s)
		}
	}
	for _, put := range d.Put {
		if i := slices.IndexFunc(out.Sessions, func(s json.RawMessage) bool { return id(s) == id(put) }); i >= 0 {
			out.Sessions[i] = put
		} else {
			out.Sessions = append(out.Sessions, put)
		}
	}
	if d.Focus != nil {
		out.Focused = *d.Focus
	}
	return out
}

func TestALargeChangeIsAnnouncedWithoutItsSessions(t *testing.T) {
	h := newHarness(t, Options{})
	h.create(t, alice, CreateInput{TemplateName: "s_record", TemplateParameters: map[string]any{"customerName": strings.Repeat("x", MaxDeltaBytes)}})
	_, ok := h.DeltaAt(h.Version())
	assert.False(t, ok, "the views read the workspace instead")
}

func TestTheVersionGrowsByOnePerCallThatChangedSomething(t *testing.T) {
	h := newHarness(t, Options{})
	v := h.Version()
	a := h.create(t, alice, CreateInput{TemplateName: "s_chat"}) // a session, its tabs and the focus
	assert.Equal(t, v+1, h.Version())
	h.create(t, bob, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, h.SwitchSession(a)) // focus, and the indicators it clears
	assert.Equal(t, v+3, h.Version())
}

func TestASessionHasAtMostItsTabs(t *testing.T) {
	h := newHarness(t, Options{MaxTabs: 3})
	h.create(t, alice, CreateInput{TemplateName: "s_chat"}) // anchor and one additional tab
	_, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"url": "https://example.com/"}})
	require.NoError(t, err)
	v := h.Version()
	_, err = h.CreateTab(alice, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"url": "https://example.com/"}})
	requireError(t, err, errcode.TabLimit, "The focused session already has 3 tabs, its limit; close one (closeTab) before you create another, or raise maxTabsPerSession in settings.json")
	h.unchanged(t, v)
}

func TestTitlesAreCutAndAddressesBounded(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create(t, alice, CreateInput{TemplateName: "s_chat", TemplateParameters: map[string]any{"customer": strings.Repeat("é", 600)}})
	title := h.session(t, id).Title
	assert.Equal(t, MaxTitleRunes, len([]rune(title)))
	assert.True(t, strings.HasSuffix(title, "é…"), title)

	v := h.Version()
	_, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"url": "https://example.com/" + strings.Repeat("a", MaxURLBytes)}})
	requireError(t, err, errcode.InvalidParams, "the address of tab template t_web would be 8212 bytes long, over the limit of 8192; pass shorter values in templateParameters")
	h.unchanged(t, v)
}

func TestTheViewComesInPagesThatFitAMessage(t *testing.T) {
	h := newHarness(t, Options{MaxSessions: 12})
	var ids []string
	for range 12 { // 12 sessions of ~60 KiB of titles and addresses each
		ids = append(ids, h.create(t, alice, CreateInput{TemplateName: "s_web", TemplateParameters: map[string]any{"url": "https://example.com/" + strings.Repeat("u", 7<<10)}}))
		for range 7 {
			_, err := h.CreateTab(alice, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"url": "https://example.com/" + strings.Repeat("u", 7<<10)}})
			require.NoError(t, err)
		}
	}
	var got []string
	from, pages := 0, 0
	for {
		page, err := h.View(from)
		require.NoError(t, err)
		b, err := json.Marshal(page)
		require.NoError(t, err)
		assert.Less(t, len(b), PageBytes+64<<10, "a page fits a message with room to spare")
		for _, s := range page.Sessions {
			var v struct{ ID string }
			require.NoError(t, json.Unmarshal(s, &v))
			got = append(got, v.ID)
		}
		pages++
		if page.Next == nil {
			break
		}
		from = *page.Next
	}
	assert.Equal(t, ids, got)
	assert.Greater(t, pages, 1)
	_, err := h.View(13)
	requireError(t, err, errcode.InvalidParams, "workspace.get: from is 13; the workspace has 12 sessions, so pass 0 to 12 (the next a page gave)")
}

// randomCall makes one of many kinds of calls, as alice or bob, on a
// session picked at random.
func randomCall(h *harness, r *rand.Rand, i int) {
	p := []string{alice, bob}[r.IntN(2)]
	sessions := h.GetAllSessions(p)
	pick := func() string {
		if len(sessions) == 0 {
			return "none"
		}
		return sessions[r.IntN(len(sessions))]
	}
	switch r.IntN(11) {
	case 0:
		_, _ = h.CreateSession(p, CreateInput{TemplateName: []string{"s_chat", "s_plain", "s_web", "s_record"}[r.IntN(4)],
			TemplateParameters: map[string]any{"customer": "C" + strings.Repeat("x", i%5), "url": "https://example.com/", "entityName": "contact"}})
	case 1:
		_ = h.SwitchSession(pick())
	case 2:
		_ = h.CloseSession(pick())
	case 3:
		_, _ = h.SetSessionTitle(p, map[string]any{"sessionId": pick(), "customer": "T" + string(rune('a'+i%26))})
	case 4:
		_ = h.NotifyNewActivity(p, pick(), i%4)
	case 5:
		_ = h.NotifyKpiBreach(p, pick(), i%2 == 1, json.RawMessage(`"late"`))
	case 6:
		_, _ = h.UpdateContext(p, pick(), map[string]any{"k": i}, nil, false)
	case 7:
		_, _ = h.CreateTab(p, TabInput{TemplateName: "t_web", TemplateParameters: map[string]any{"url": "https://example.com/", "title": "w"}})
	case 8:
		if tabs, err := h.GetTabs(p, "", nil); err == nil && len(tabs) > 0 {
			_ = h.CloseTab(p, tabs[r.IntN(len(tabs))])
			_ = h.FocusTab(p, tabs[0])
		}
	case 9:
		_ = h.RequestFocusSession(p, pick())
	case 10:
		for _, id := range h.GetAllSessions(p) {
			if info, err := h.GetSession(p, id); err == nil && len(info.Tabs) > 1 {
				_ = h.CloseAgentTab(info.Tabs[len(info.Tabs)-1])
			}
		}
	}
}
