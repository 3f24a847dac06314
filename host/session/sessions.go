package session

import (
	"bytes"
	"encoding/json"
	"maps"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Info is what getSession resolves with. The page turns it into a Map
// (CIF's real result, read with .get("context")) that also carries these
// keys as properties (CIF's documented result).
type Info struct {
	SessionID      string          `json:"sessionId"`
	Focused        bool            `json:"focused"`
	IsFocused      bool            `json:"isFocused"`
	Context        json.RawMessage `json:"context,omitempty"`
	ConversationID string          `json:"conversationId,omitempty"`
	Title          string          `json:"title"`
	TemplateName   string          `json:"templateName"`
	CustomerName   string          `json:"customerName,omitempty"`
	Tabs           []string        `json:"tabs"`
}

// GetSession describes one of the provider's sessions.
func (m *Manager) GetSession(provider, id string) (*Info, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.owned(provider, id, sessionIDNull)
	if err != nil {
		return nil, err
	}
	focused := m.state.Focused == s.ID
	info := &Info{
		SessionID:    s.ID,
		Focused:      focused,
		IsFocused:    focused,
		Context:      s.Context,
		Title:        s.Title,
		TemplateName: s.Template,
		CustomerName: s.CustomerName,
		Tabs:         make([]string, 0, len(s.Tabs)),
	}
	for _, key := range []string{"conversationId", "liveWorkItemId"} {
		if c, ok := s.Params[key].(string); ok && info.ConversationID == "" {
			info.ConversationID = c
		}
	}
	for _, t := range s.Tabs {
		info.Tabs = append(info.Tabs, t.ID)
	}
	return info, nil
}

// GetFocusedSession returns the focused session's id when the provider
// owns it, and nil otherwise (the home session or another provider's).
func (m *Manager) GetFocusedSession(provider string) *string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.focused(); s != nil && s.Provider == provider {
		return &s.ID
	}
	return nil
}

// GetAllSessions lists the provider's open sessions, oldest first.
func (m *Manager) GetAllSessions(provider string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.providerSessions(provider)
}

// SetSessionTitle resolves the session template's title with the input's
// values (then the session's templateParameters) and returns it: as in
// CIF, the input holds the slug values, not a title. It retitles the
// session input.sessionId names or, without one, the focused session when
// it is the provider's (what CIF's host always does). An anchor tab that
// shows the session's title (applyTitleToAnchorTab) follows.
func (m *Manager) SetSessionTitle(provider string, input map[string]any) (_ string, err error) {
	defer m.begin()(&err)
	if input == nil {
		return "", errcode.Errorf(errcode.InvalidParams, "The input Parameter is blank. Provide a value to the parameter: pass {sessionId, <slug>: <value>}")
	}
	id, _ := input["sessionId"].(string)
	s, err := m.ownedOrFocused(provider, id, "setSessionTitle")
	if err != nil {
		return "", err
	}
	v := m.values(s)
	v.Input = input
	title := resolveTitle(v, s.TitleFormat, s.Template)
	if title != s.Title {
		s.Title = title
		m.touch(s)
	}
	if tpl, ok := m.opts.Catalog.Session(s.Template); ok && tpl.ApplyTitleToAnchorTab {
		if anchor := s.anchor(); anchor != nil && anchor.Title != title {
			anchor.Title = title
			m.touch(s)
		}
	}
	return title, nil
}

// RequestFocusSession flags a session so the agent notices it; it does
// not switch to it (only the agent switches sessions).
func (m *Manager) RequestFocusSession(provider, id string) (err error) {
	defer m.begin()(&err)
	s, err := m.owned(provider, id, sessionIDUndefined)
	if err != nil {
		return err
	}
	if m.state.Focused != s.ID && !s.Attention.FocusRequested {
		s.Attention.FocusRequested = true
		m.touch(s)
	}
	return nil
}

// NotifyNewActivity shows a count of new activity on an unfocused session;
// focusing the session clears it.
func (m *Manager) NotifyNewActivity(provider, id string, count int) (err error) {
	defer m.begin()(&err)
	s, err := m.owned(provider, id, sessionIDNull)
	if err != nil {
		return err
	}
	if count < 0 {
		return errcode.Errorf(errcode.InvalidParams, "The count parameter must be zero or a positive number, not %d", count)
	}
	if m.state.Focused != s.ID && s.Attention.NewActivity != count {
		s.Attention.NewActivity = count
		m.touch(s)
	}
	return nil
}

// MaxKPIDetails bounds a KPI breach's details, which the agent's views show.
const MaxKPIDetails = 4 << 10

// NotifyKpiBreach raises (breach true) or clears a session's KPI breach
// indicator. CIF's flag is named shouldReset, yet Dynamics passes it to
// its platform as "breached": true raises the breach and false clears it,
// as Microsoft's sample and the documentation's text use it.
func (m *Manager) NotifyKpiBreach(provider, id string, breach bool, details json.RawMessage) (err error) {
	defer m.begin()(&err)
	s, err := m.owned(provider, id, sessionIDNull)
	if err != nil {
		return err
	}
	if !breach {
		details = nil
	}
	if len(details) > MaxKPIDetails {
		return errcode.Errorf(errcode.InvalidParams, "notifyKpiBreach: details are %d bytes; the agent's views show at most %d, so pass a short text or a small object", len(details), MaxKPIDetails)
	}
	if s.Attention.KPIBreach != breach || !bytes.Equal(s.Attention.KPIDetails, details) {
		s.Attention.KPIBreach = breach
		s.Attention.KPIDetails = details
		m.touch(s)
	}
	return nil
}

// UpdateContext merges values into a session's template parameters (the
// values its slugs resolve from), or with del removes the named keys. With
// no session id it acts on the focused session, if the provider owns it.
// It returns the parameters as they now are.
func (m *Manager) UpdateContext(provider, id string, values map[string]any, deleteKeys []string, del bool) (_ map[string]any, err error) {
	defer m.begin()(&err)
	s, err := m.ownedOrFocused(provider, id, "updateContext")
	if err != nil {
		return nil, err
	}
	params := cloneParams(s.Params)
	if del {
		for _, k := range deleteKeys {
			delete(params, k)
		}
	} else {
		maps.Copy(params, values)
	}
	s.Params = params
	m.touch(s)
	return maps.Clone(params), nil
}

// FocusedProvider returns the provider whose session is focused, or ""
// when the agent is on the home session.
func (m *Manager) FocusedProvider() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.focused(); s != nil {
		return s.Provider
	}
	return ""
}
