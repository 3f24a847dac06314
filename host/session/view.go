package session

import "maps"

// What the agent's views see of the workspace.

// View returns the workspace as the agent's views show it, and the
// version it is at: every session and tab, without the providers'
// contexts and parameters (which can be large, and which no list shows;
// TabDetail has a tab's parameters). A KPI breach's details stay: they
// are small (MaxKPIDetails) and the views show them.
func (m *Manager) View() (*State, uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := &State{Focused: m.state.Focused, Sessions: make([]*Session, len(m.state.Sessions))}
	for i, s := range m.state.Sessions {
		c := *s
		c.Context, c.Params = nil, nil
		c.Tabs = make([]*Tab, len(s.Tabs))
		for j, t := range s.Tabs {
			tc := *t
			tc.Params = nil
			c.Tabs[j] = &tc
		}
		out.Sessions[i] = &c
	}
	return out, m.version
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
