package session

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

const (
	alice = "https://alice.example"
	bob   = "http://127.0.0.1:8080"
)

func no() *bool { f := false; return &f }

// testCatalog holds one template for each case the tests need.
func testCatalog() *templates.Catalog {
	return templates.NewCatalog([]templates.Session{
		{UniqueName: "s_chat", Type: templates.Generic, Title: "Chat with {customer}", PanelMode: templates.PanelDocked, Icon: "chat",
			AnchorTab: "t_anchor", AdditionalTabs: []string{"t_extra"}, Tags: []string{"chat"}},
		{UniqueName: "s_plain", Type: templates.Generic, Title: "Plain", PanelMode: templates.PanelMinimized, Tags: []string{"voice"}},
		{UniqueName: "s_record", Type: templates.Generic, Title: "{anchor.entityName}: {customerName}", AnchorTab: "t_record", ApplyTitleToAnchorTab: true},
		{UniqueName: "s_entity", Type: templates.Entity, Title: "Case", AnchorTab: "t_record"},
		{UniqueName: "s_web", Type: templates.Generic, Title: "Web", AnchorTab: "t_web"},
		{UniqueName: "s_named", Name: "Named session", Type: templates.Generic, Title: "{missing}", AnchorTab: "t_named"},
	}, []templates.Tab{
		{UniqueName: "t_anchor", Title: "Conversation", PageType: templates.Control,
			Parameters: map[string]any{"controlName": "c", "data": "{customer}"}, CanClose: no()},
		{UniqueName: "t_extra", Title: "{customer} site", PageType: templates.ThirdPartyWebsite,
			Parameters: map[string]any{"url": "https://example.com/?q=", "data": "{customer}"}},
		{UniqueName: "t_web", Title: "{title}", PageType: templates.ThirdPartyWebsite,
			Parameters: map[string]any{"url": "{url}"}, Tags: []string{"web", "kb"}},
		{UniqueName: "t_record", Title: "{entityName}", PageType: templates.EntityRecord,
			Parameters: map[string]any{"entityName": "{entityName}", "entityId": "{entityId}", "validateRecord": "false"}},
		{UniqueName: "t_named", Name: "Named tab", Title: "{missing}", PageType: templates.Control,
			Parameters: map[string]any{"controlName": "c"}},
		{UniqueName: "t_fixed", Title: "Search", PageType: templates.Search,
			Parameters: map[string]any{"searchText": "x"}, CanClose: no(), Tags: []string{"kb"}},
	})
}

// harness is a manager with a predictable clock-free id source and an
// event log.
type harness struct {
	*Manager
	mu     sync.Mutex
	events []Event
	ids    int
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	h := &harness{}
	if opts.Catalog == nil {
		opts.Catalog = testCatalog()
	}
	opts.NewID = func() string { h.ids++; return fmt.Sprint(h.ids) }
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC) }
	}
	opts.Emit = func(e Event) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.events = append(h.events, e)
	}
	h.Manager = New(nil, opts)
	return h
}

// take returns the events emitted since the last take, each as
// "name provider payload" with the payload as it goes on the wire.
func (h *harness) take(t *testing.T) []string {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []string{}
	for _, e := range h.events {
		b, err := json.Marshal(e.Data)
		require.NoError(t, err)
		out = append(out, e.Name+" "+e.Provider+" "+string(b))
	}
	h.events = nil
	return out
}

// create opens a session that must succeed and forgets its events.
func (h *harness) create(t *testing.T, provider string, in CreateInput) string {
	t.Helper()
	id, err := h.CreateSession(provider, in)
	require.NoError(t, err)
	h.take(t)
	return id
}

// session returns the saved form of a session.
func (h *harness) session(t *testing.T, id string) *Session {
	t.Helper()
	for _, s := range h.workspace().Sessions {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no session %s", id)
	return nil
}

// requireError checks an error's code and its exact text.
func requireError(t *testing.T, err error, code errcode.Code, message string) {
	t.Helper()
	var pe *errcode.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, code.String(), pe.Code.String())
	assert.Equal(t, message, pe.Message)
}

// unchanged asserts that a failed call changed nothing and told no one.
func (h *harness) unchanged(t *testing.T, version uint64) {
	t.Helper()
	assert.Equal(t, version, h.Version(), "a failed call must not change the state")
	assert.Empty(t, h.take(t), "a failed call must not emit events")
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// workspace is a deep copy of the whole state, contexts and parameters
// included, as a store would save it.
func (h *harness) workspace() *State {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.Manager.mu.Lock()
	defer h.Manager.mu.Unlock()
	b, _ := json.Marshal(h.Manager.state)
	var out State
	_ = json.Unmarshal(b, &out)
	return &out
}
