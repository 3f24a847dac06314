package session

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// What the agent's views see of the workspace.

// PageBytes bounds one page of the agent's view of the workspace, well
// within the browser's 1 MiB message limit: a session holds at most
// MaxSessionBytes, so at least one always fits.
const PageBytes = 512 << 10

// Page is one page of the workspace as the agent's views show it: the
// sessions from some index on, each without the providers' contexts and
// parameters (which can be large, and which no list shows; TabDetail has
// a tab's parameters). A KPI breach's details stay: they are small
// (MaxKPIDetails) and the views show them. Next, when set, is the index
// of the first session of the next page.
type Page struct {
	Sessions []json.RawMessage `json:"sessions"`
	Focused  string            `json:"focused,omitempty"`
	Next     *int              `json:"next,omitempty"`
	Version  uint64            `json:"version"`
}

// View returns the page of the workspace that starts at session from.
func (m *Manager) View(from int) (Page, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if from < 0 || from > len(m.state.Sessions) {
		return Page{}, errcode.Errorf(errcode.InvalidParams, "workspace.get: from is %d; the workspace has %d sessions, so pass 0 to %d (the next a page gave)", from, len(m.state.Sessions), len(m.state.Sessions))
	}
	page := Page{Sessions: []json.RawMessage{}, Focused: m.state.Focused, Version: m.version}
	size := 0
	for i := from; i < len(m.state.Sessions); i++ {
		b, err := json.Marshal(viewOf(m.state.Sessions[i]))
		if err != nil {
			return Page{}, fmt.Errorf("encode the view of session %s: %w", m.state.Sessions[i].ID, err)
		}
		if size += len(b); size > PageBytes && len(page.Sessions) > 0 {
			page.Next = &i
			break
		}
		page.Sessions = append(page.Sessions, b)
	}
	return page, nil
}

// viewOf is a session as the agent's views see it.
func viewOf(s *Session) *Session {
	c := *s
	c.Context, c.Params = nil, nil
	c.Tabs = make([]*Tab, len(s.Tabs))
	for j, t := range s.Tabs {
		tc := *t
		tc.Params = nil
		c.Tabs[j] = &tc
	}
	return &c
}

// TabDetail returns one tab, parameters included, and its session's id,
// for the page that shows the tab to the agent.
func (m *Manager) TabDetail(tabID string) (*Tab, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, t, err := m.agentTab(tabID)
	if err != nil {
		return nil, "", err
	}
	c := *t
	c.Params = maps.Clone(t.Params)
	return &c, s.ID, nil
}
