package session

import (
	"slices"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The agent's own operations. Only the extension's pages (its popup and
// panel) reach these; no web page may, since in CIF providers cannot
// switch or close sessions.

func agentSession(m *Manager, id string) (*Session, error) {
	if s := m.find(id); s != nil {
		return s, nil
	}
	return nil, errcode.Errorf(errcode.SessionNotFound, "Session with ID:%s does not exist; it may have been closed already", errcode.Clip(id))
}

// SwitchSession focuses a session (or, with "", the home session).
func (m *Manager) SwitchSession(id string) (err error) {
	defer m.begin()(&err)
	if id != "" {
		if _, err := agentSession(m, id); err != nil {
			return err
		}
	}
	m.switchTo(id)
	return nil
}

// CloseSession ends a session: its owner hears onSessionClosed with the
// session's context. Closing the focused session focuses the one before
// it, else the one after it, else the home session.
func (m *Manager) CloseSession(id string) (err error) {
	defer m.begin()(&err)
	s, err := agentSession(m, id)
	if err != nil {
		return err
	}
	m.closeSession(s)
	return nil
}

func (m *Manager) closeSession(s *Session) {
	wasFocused := m.state.Focused == s.ID
	i := slices.Index(m.state.Sessions, s)
	m.remove(s.ID)
	m.emit(EventSessionClosed, s.Provider, closedData{SessionID: s.ID, Context: s.Context})
	if !wasFocused {
		return
	}
	m.state.Focused = "" // the closed session hears no focused:false
	if n := len(m.state.Sessions); n > 0 {
		m.switchTo(m.state.Sessions[max(0, min(i-1, n-1))].ID)
	}
}

// agentTab finds a tab in any session.
func (m *Manager) agentTab(tabID string) (*Session, *Tab, error) {
	for _, s := range m.state.Sessions {
		if t := s.tab(tabID); t != nil {
			return s, t, nil
		}
	}
	return nil, nil, errcode.Errorf(errcode.TabNotFound, "Tab with ID:%s does not exist; it may have been closed already", errcode.Clip(tabID))
}

// CloseAgentTab closes a tab because the agent closed it. Closing a
// session's anchor tab closes the session; a tab that cannot be closed
// stays, for the agent as for a provider.
func (m *Manager) CloseAgentTab(tabID string) (err error) {
	defer m.begin()(&err)
	s, t, err := m.agentTab(tabID)
	if err != nil {
		return err
	}
	if t.Anchor {
		m.closeSession(s)
		return nil
	}
	if err := notClosable(t); err != nil {
		return err
	}
	m.dropTab(s, t.ID)
	return nil
}

// FocusAgentTab focuses a tab because the agent picked it, switching to
// its session first when that is not focused.
func (m *Manager) FocusAgentTab(tabID string) (err error) {
	defer m.begin()(&err)
	s, t, err := m.agentTab(tabID)
	if err != nil {
		return err
	}
	m.switchTo(s.ID)
	if s.FocusedTab != t.ID {
		s.FocusedTab = t.ID
		m.touch(s)
	}
	return nil
}
