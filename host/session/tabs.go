package session

import (
	"slices"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Texts CIF rejects a blank tab id with, by method.
const (
	tabIDNull  = "tabId is null or undefined"
	tabIDBlank = "The tabId Parameter is blank. Provide a value to the parameter"
)

// providerFocus returns the focused session for the tab methods, which in
// CIF act on the focused session only and only when it is the caller's.
// CIF also lets them act on the home (default) session; CIF Bridge's home
// session has no tabs, so that is refused with its own code.
func (m *Manager) providerFocus(provider, method string) (*Session, error) {
	s := m.focused()
	notYours, home := "Focused session is neither the default session nor it belongs to the provider", "No session of yours is focused"
	if method == "getTabs" {
		notYours, home = "Session not in focus", "Session not in focus"
	}
	if s == nil {
		return nil, errcode.Errorf(errcode.NoFocusedSession, "%s: the agent is on the home session, which has no application tabs in CIF Bridge; %s works only while one of your sessions is focused (wait for onSessionSwitched with focused true, or create a session)", home, method)
	}
	if s.Provider != provider {
		return nil, errcode.Errorf(errcode.NotOwner, "%s; %s works only while one of your sessions is focused (wait for onSessionSwitched with focused true)", notYours, method)
	}
	return s, nil
}

// focusedTab finds a tab of the focused session, which must be the
// provider's. blank is CIF's text for a missing tab id.
func (m *Manager) focusedTab(provider, method, blank, tabID string) (*Session, *Tab, error) {
	if tabID == "" {
		return nil, nil, errcode.Errorf(errcode.InvalidParams, "%s: pass the id createTab, getTabs or getFocusedTab gave", blank)
	}
	s, err := m.providerFocus(provider, method)
	if err != nil {
		return nil, nil, err
	}
	if t := s.tab(tabID); t != nil {
		return s, t, nil
	}
	for _, other := range m.state.Sessions {
		if other.Provider == provider && other.tab(tabID) != nil {
			return nil, nil, errcode.Errorf(errcode.NotOwner, "Tab %s belongs to session %s, which is not focused; %s works on the focused session's tabs only (see onSessionSwitched)", tabID, other.ID, method)
		}
	}
	return nil, nil, errcode.Errorf(errcode.TabNotFound, "Tab with ID:%s does not exist in the focused session. It was closed or belongs to another session; getTabs lists the focused session's tabs", errcode.Clip(tabID))
}

func (s *Session) tab(id string) *Tab {
	for _, t := range s.Tabs {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// TabInput is createTab's input.
type TabInput struct {
	TemplateName       string
	TemplateParameters map[string]any
	IsFocused          bool
}

// CreateTab opens a tab from an application tab template in the focused
// session and returns its id. Its parameters resolve from the input's
// templateParameters, then the session's. It is focused when the input
// says so, or when the session has no focused tab.
func (m *Manager) CreateTab(provider string, in TabInput) (_ string, err error) {
	defer m.begin()(&err)
	if in.TemplateName == "" {
		return "", errcode.Errorf(errcode.InvalidParams, "Some of the required parameters are Null: input.templateName names an application tab template, such as msdyn_website_tab")
	}
	s, err := m.providerFocus(provider, "createTab")
	if err != nil {
		return "", err
	}
	if len(s.Tabs) >= m.opts.MaxTabs {
		return "", errcode.Errorf(errcode.TabLimit, "The focused session already has %d tabs, its limit; close one (closeTab) before you create another, or raise maxTabsPerSession in settings.json", m.opts.MaxTabs)
	}
	v := m.values(s)
	v.Params = mergeParams(s.Params, in.TemplateParameters)
	tab, terr := m.newTab(in.TemplateName, v)
	if terr != nil {
		return "", terr
	}
	tab.TemplateParameters = cloneParams(in.TemplateParameters)
	s.Tabs = append(s.Tabs, tab)
	if in.IsFocused || s.FocusedTab == "" {
		s.FocusedTab = tab.ID
	}
	m.touch(s)
	return tab.ID, nil
}

// GetTabs lists the focused session's tabs made from the named template;
// when none are, those carrying one of the tags (CIF looks by name first,
// then by tag); with neither name nor tags, all its tabs.
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
func (m *Manager) FocusTab(provider, tabID string) (err error) {
	defer m.begin()(&err)
	s, t, err := m.focusedTab(provider, "focusTab", tabIDNull, tabID)
	if err != nil {
		return err
	}
	if s.FocusedTab != t.ID {
		s.FocusedTab = t.ID
		m.touch(s)
	}
	return nil
}

// RefreshTab asks the views showing a tab of the focused session to
// reload it.
func (m *Manager) RefreshTab(provider, tabID string) (err error) {
	defer m.begin()(&err)
	s, t, err := m.focusedTab(provider, "refreshTab", tabIDBlank, tabID)
	if err != nil {
		return err
	}
	t.Refreshes++
	m.touch(s)
	return nil
}

// SetTabTitle resolves the tab template's title with the input's values,
// then the tab's own templateParameters, then the session's, and returns
// it: as in CIF, {title: "x"} retitles only a tab whose template title is
// "{title}".
func (m *Manager) SetTabTitle(provider, tabID string, input map[string]any) (_ string, err error) {
	defer m.begin()(&err)
	s, t, err := m.focusedTab(provider, "setTabTitle", tabIDBlank, tabID)
	if err != nil {
		return "", err
	}
	if input == nil {
		return "", errcode.Errorf(errcode.InvalidParams, "The input Parameter cannot be NULL: pass the values of the tab template's title slugs, such as {title: \"…\"} for a title of \"{title}\"")
	}
	v := m.values(s)
	v.Params = mergeParams(s.Params, t.TemplateParameters)
	v.Input = input
	title := resolveTitle(v, t.TitleFormat, t.Template)
	if title != t.Title {
		t.Title = title
		m.touch(s)
	}
	return title, nil
}

// CloseTab closes a tab of the focused session; the anchor tab and tabs
// whose template says they cannot be closed refuse.
func (m *Manager) CloseTab(provider, tabID string) (err error) {
	defer m.begin()(&err)
	s, t, err := m.focusedTab(provider, "closeTab", tabIDBlank, tabID)
	if err != nil {
		return err
	}
	if err := notClosable(t); err != nil {
		return err
	}
	m.dropTab(s, t.ID)
	return nil
}

// notClosable refuses to close an anchor tab or a tab whose template (or
// whose place among the session's additional tabs) keeps it open.
func notClosable(t *Tab) error {
	switch {
	case t.Anchor:
		return errcode.Errorf(errcode.TabNotClosable, "Tab %s is the session's anchor tab and cannot be closed; it closes with its session, which only the agent ends", t.ID)
	case !t.Closable:
		return errcode.Errorf(errcode.TabNotClosable, "Tab %s cannot be closed: its template %s is not closable (canClose false, or one of the session template's additionalTabs)", t.ID, t.Template)
	}
	return nil
}

// dropTab removes a tab; if it was focused, focus moves to the first tab
// left (the anchor tab, when there is one).
func (m *Manager) dropTab(s *Session, tabID string) {
	s.Tabs = slices.DeleteFunc(s.Tabs, func(t *Tab) bool { return t.ID == tabID })
	if s.FocusedTab == tabID {
		s.FocusedTab = ""
		if len(s.Tabs) > 0 {
			s.FocusedTab = s.Tabs[0].ID
		}
	}
	m.touch(s)
}
