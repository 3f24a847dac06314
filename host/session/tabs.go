package session

import (
	"slices"

	"github.com/cifbridge/cif-bridge/protocol"
)

// providerFocus returns the focused session for the tab methods that act
// on it, which must belong to the provider.
func (m *Manager) providerFocus(provider, method string) (*Session, *protocol.Error) {
	s := m.focused()
	if s == nil {
		return nil, protocol.Errorf(protocol.CodeNoFocusedSession, "%s acts on the focused session, and the agent is on the home session; wait for onSessionSwitched with focused true, or create a session first", method)
	}
	if s.Provider != provider {
		return nil, protocol.Errorf(protocol.CodeNotOwner, "Focused session is neither the default session nor it belongs to the provider; %s works only while one of your sessions is focused (see onSessionSwitched)", method)
	}
	return s, nil
}

// ownedTab finds one of the provider's tabs, in any of its sessions.
func (m *Manager) ownedTab(provider, tabID string) (*Session, *Tab, *protocol.Error) {
	if tabID == "" {
		return nil, nil, protocol.Errorf(protocol.CodeInvalidParams, "The tabId Parameter is blank. Provide a value to the parameter: pass the id createTab or getTabs gave")
	}
	for _, s := range m.state.Sessions {
		if s.Provider != provider {
			continue
		}
		for _, t := range s.Tabs {
			if t.ID == tabID {
				return s, t, nil
			}
		}
	}
	return nil, nil, protocol.Errorf(protocol.CodeTabNotFound, "Tab with ID:%s does not exist. It was closed or belongs to another provider's session; getTabs lists the focused session's tabs", tabID)
}

// TabInput is createTab's input.
type TabInput struct {
	TemplateName       string
	TemplateParameters map[string]any
	IsFocused          bool
}

// CreateTab opens a tab from an application tab template in the focused
// session and returns its id. Its parameters resolve from the input's
// templateParameters, then the session's.
func (m *Manager) CreateTab(provider string, in TabInput) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if in.TemplateName == "" {
		return "", protocol.Errorf(protocol.CodeInvalidParams, "Some of the required parameters are Null: input.templateName names an application tab template")
	}
	s, err := m.providerFocus(provider, "createTab")
	if err != nil {
		return "", err
	}
	v := s.values()
	v.Params = mergeParams(s.Params, in.TemplateParameters)
	tab, terr := m.newTab(s, in.TemplateName, v)
	if terr != nil {
		return "", terr
	}
	s.Tabs = append(s.Tabs, tab)
	if in.IsFocused {
		s.FocusedTab = tab.ID
	}
	m.changed()
	return tab.ID, nil
}

// GetTabs lists the focused session's tabs made from the named template,
// or else carrying one of the tags; with neither, all its tabs.
func (m *Manager) GetTabs(provider, templateName string, tags []string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.providerFocus(provider, "getTabs")
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, t := range s.Tabs {
		if templateName == "" && len(tags) == 0 || t.Template == templateName {
			ids = append(ids, t.ID)
		}
	}
	if len(ids) > 0 || len(tags) == 0 {
		return ids, nil
	}
	for _, t := range s.Tabs {
		if slices.ContainsFunc(tags, func(tag string) bool { return slices.Contains(t.Tags, tag) }) {
			ids = append(ids, t.ID)
		}
	}
	return ids, nil
}

// GetFocusedTab returns the focused session's focused tab when the
// provider owns the session, and nil otherwise.
func (m *Manager) GetFocusedTab(provider string) *string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.focused(); s != nil && s.Provider == provider && s.FocusedTab != "" {
		id := s.FocusedTab
		return &id
	}
	return nil
}

// FocusTab focuses a tab of the focused session.
func (m *Manager) FocusTab(provider, tabID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, t, err := m.ownedTab(provider, tabID)
	if err != nil {
		return err
	}
	if s.ID != m.state.Focused {
		return protocol.Errorf(protocol.CodeNotOwner, "Tab %s belongs to session %s, which is not focused; focusTab works on the focused session's tabs only", t.ID, s.ID)
	}
	if s.FocusedTab != t.ID {
		s.FocusedTab = t.ID
		m.changed()
	}
	return nil
}

// RefreshTab asks the views showing a tab to reload it.
func (m *Manager) RefreshTab(provider, tabID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, t, err := m.ownedTab(provider, tabID)
	if err != nil {
		return err
	}
	t.Refreshes++
	m.changed()
	return nil
}

// SetTabTitle resolves the tab template's title with the input's values
// (then the session's parameters) and returns it.
func (m *Manager) SetTabTitle(provider, tabID string, input map[string]any) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, t, err := m.ownedTab(provider, tabID)
	if err != nil {
		return "", err
	}
	if input == nil {
		return "", protocol.Errorf(protocol.CodeInvalidParams, "The input Parameter cannot be NULL: pass the values of the tab template's title slugs, such as {title: \"…\"} for a title of \"{title}\"")
	}
	v := s.values()
	v.Input = input
	title := v.Resolve(t.TitleFormat, t.Template)
	if title != t.Title {
		t.Title = title
		m.changed()
	}
	return title, nil
}

// CloseTab closes one of the provider's tabs; the anchor tab and tabs
// whose template says they cannot be closed refuse.
func (m *Manager) CloseTab(provider, tabID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, t, err := m.ownedTab(provider, tabID)
	if err != nil {
		return err
	}
	if t.Anchor || !t.Closable {
		return protocol.Errorf(protocol.CodeTabNotClosable, "Tab %s cannot be closed: it is the session's anchor tab or its template (%s) is not closable; only the agent ends a session", t.ID, t.Template)
	}
	m.dropTab(s, t.ID)
	return nil
}

// dropTab removes a tab; if it was focused, focus moves to the anchor tab,
// or else to the first tab left.
func (m *Manager) dropTab(s *Session, tabID string) {
	s.Tabs = slices.DeleteFunc(s.Tabs, func(t *Tab) bool { return t.ID == tabID })
	if s.FocusedTab == tabID {
		s.FocusedTab = ""
		if len(s.Tabs) > 0 {
			s.FocusedTab = s.Tabs[0].ID
		}
	}
	m.changed()
}
