package session

import (
	"maps"

	"github.com/cifbridge/cif-bridge/host/templates"
)

// FocusedPage is what the agent is looking at, as a provider may know it:
// the page type and parameters of the focused tab of the focused session.
type FocusedPage struct {
	PageType templates.PageType
	Params   map[string]any
}

// FocusedPage returns the page of the focused session's focused tab when
// the provider owns that session, and false otherwise (the home session,
// another provider's session, a session without tabs): as in Dynamics,
// a provider learns nothing of another provider's pages.
func (m *Manager) FocusedPage(provider string) (FocusedPage, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.focused()
	if s == nil || s.Provider != provider {
		return FocusedPage{}, false
	}
	t := s.tab(s.FocusedTab)
	if t == nil {
		return FocusedPage{}, false
	}
	return FocusedPage{PageType: t.PageType, Params: maps.Clone(t.Params)}, true
}
