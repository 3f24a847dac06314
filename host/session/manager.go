package session

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// DefaultMaxSessions is CIF's limit of open sessions.
const DefaultMaxSessions = 10

// Options configure a Manager. Only Catalog is required.
type Options struct {
	Catalog     *templates.Catalog
	MaxSessions int    // DefaultMaxSessions when 0
	OrgURL      string // Dynamics organisation URL for Dynamics tab pages
	// Version is the version the given state is at, as Decode returned
	// it, so that versions keep growing across restarts.
	Version uint64
	// NewID makes a unique id; the default is a random UUID.
	NewID func() string
	// Now is the clock; the default is time.Now.
	Now func() time.Time
	// Emit receives every event, in order, while the manager is locked:
	// it must not call back into the manager.
	Emit func(Event)
}

// Manager is the session manager of one workspace. Its methods are safe
// for concurrent use; each is atomic.
type Manager struct {
	mu      sync.Mutex
	opts    Options
	state   *State
	version uint64
}

// New returns a manager over state (nil for an empty workspace).
func New(state *State, opts Options) *Manager {
	if state == nil {
		state = &State{}
	}
	if state.Sessions == nil {
		state.Sessions = []*Session{}
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.NewID == nil {
		opts.NewID = uuid.NewString
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Emit == nil {
		opts.Emit = func(Event) {}
	}
	return &Manager{opts: opts, state: state, version: opts.Version}
}

// MaxSessions is the limit of open sessions.
func (m *Manager) MaxSessions() int { return m.opts.MaxSessions }

// Version counts the changes made so far: it grows by one with each call
// that changed the state.
func (m *Manager) Version() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version
}

// stateFormat is the version of the saved state's encoding.
const stateFormat = 1

type savedState struct {
	Format  int    `json:"format"`
	Version uint64 `json:"version"`
	State   *State `json:"state"`
}

// Encode returns the state as a store saves it, and the version it is at.
func (m *Manager) Encode() ([]byte, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := json.Marshal(savedState{Format: stateFormat, Version: m.version, State: m.state})
	if err != nil {
		return nil, 0, fmt.Errorf("encode session state: %w", err)
	}
	return b, m.version, nil
}

// Decode parses a saved state and the version it was at; empty data is
// an empty workspace.
func Decode(data []byte) (*State, uint64, error) {
	if len(data) == 0 {
		return &State{}, 0, nil
	}
	var saved savedState
	if err := json.Unmarshal(data, &saved); err != nil {
		return nil, 0, fmt.Errorf("decode session state: %w", err)
	}
	if saved.Format != stateFormat || saved.State == nil {
		return nil, 0, fmt.Errorf("decode session state: format %d is not %d (written by another version of cif-host?)", saved.Format, stateFormat)
	}
	if err := saved.State.check(); err != nil {
		return nil, 0, fmt.Errorf("decode session state: %w", err)
	}
	return saved.State, saved.Version, nil
}

// check refuses a state the manager could not work with (a file edited by
// hand, or damaged in a way JSON still parses): every session and tab
// present with a unique id, and focus on something that exists.
func (st *State) check() error {
	ids := map[string]bool{}
	for i, s := range st.Sessions {
		if s == nil || s.ID == "" || s.Provider == "" {
			return fmt.Errorf("session %d has no id or no provider", i)
		}
		if ids[s.ID] {
			return fmt.Errorf("id %s appears twice", s.ID)
		}
		ids[s.ID] = true
		for j, t := range s.Tabs {
			if t == nil || t.ID == "" {
				return fmt.Errorf("tab %d of session %s has no id", j, s.ID)
			}
			if ids[t.ID] {
				return fmt.Errorf("id %s appears twice", t.ID)
			}
			ids[t.ID] = true
		}
		if s.FocusedTab != "" && s.tab(s.FocusedTab) == nil {
			return fmt.Errorf("session %s focuses tab %s, which it does not have", s.ID, s.FocusedTab)
		}
		if s.Tabs == nil {
			s.Tabs = []*Tab{}
		}
	}
	if st.Focused != "" && !slices.ContainsFunc(st.Sessions, func(s *Session) bool { return s.ID == st.Focused }) {
		return fmt.Errorf("the focused session %s is not open", st.Focused)
	}
	return nil
}

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

// changed records that the current call modified the state.
func (m *Manager) changed() { m.version++ }

func (m *Manager) emit(name, provider string, data any) {
	m.opts.Emit(Event{Name: name, Provider: provider, Data: data})
}

// find returns the session with that id, whoever owns it.
func (m *Manager) find(id string) *Session {
	for _, s := range m.state.Sessions {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Texts CIF rejects a blank session id with, by method.
const (
	sessionIDNull      = "The sessionId parameter is null. Provide a value to the parameter"
	sessionIDUndefined = "SessionID is null or undefined"
)

// owned returns the provider's session with that id. Another provider's
// session does not exist as far as this one can tell, as in CIF. blank is
// CIF's text for a missing id.
func (m *Manager) owned(provider, id, blank string) (*Session, *errcode.Error) {
	if id == "" {
		return nil, errcode.Errorf(errcode.InvalidParams, "%s: pass the id createSession resolved with", blank)
	}
	if s := m.find(id); s != nil && s.Provider == provider {
		return s, nil
	}
	return nil, sessionNotFound(id)
}

// ownedOrFocused returns the provider's session with that id or, with no
// id, the focused session when it is the provider's: CIF's host acts on
// the focused session for setSessionTitle and updateContext.
func (m *Manager) ownedOrFocused(provider, id, method string) (*Session, *errcode.Error) {
	if id != "" {
		return m.owned(provider, id, sessionIDNull)
	}
	if f := m.focused(); f != nil && f.Provider == provider {
		return f, nil
	}
	return nil, errcode.Errorf(errcode.NotOwner, "Focused session does not belong to the provider: %s without a sessionId acts on the focused session, which is not yours; pass sessionId", method)
}

func sessionNotFound(id string) *errcode.Error {
	return errcode.Errorf(errcode.SessionNotFound, "Session with ID:%s does not exist. It was closed or belongs to another provider; getAllSessions lists this provider's open sessions", errcode.Clip(id))
}

// focused returns the focused session, or nil on the home session.
func (m *Manager) focused() *Session {
	if m.state.Focused == "" {
		return nil
	}
	return m.find(m.state.Focused)
}

// switchTo focuses the session with that id ("" for home) and tells the
// owners of the old and the new session, as CIF does.
func (m *Manager) switchTo(id string) {
	old := m.focused()
	if m.state.Focused == id {
		return
	}
	m.state.Focused = id
	m.changed()
	if old != nil {
		m.emit(EventSessionSwitched, old.Provider, switchedData{SessionID: old.ID, Focused: false, Context: old.Context})
	}
	if s := m.focused(); s != nil {
		s.Attention.FocusRequested = false
		s.Attention.NewActivity = 0
		m.emit(EventSessionSwitched, s.Provider, switchedData{SessionID: s.ID, Focused: true, Context: s.Context})
	}
}

// CanCreateSession tells whether createSession would find room now.
func (m *Manager) CanCreateSession() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.state.Sessions) < m.opts.MaxSessions
}

// CreateInput is createSession's input.
type CreateInput struct {
	TemplateName       string
	TemplateTag        string
	TemplateParameters map[string]any
	Context            json.RawMessage
	CustomerName       string
	CorrelationID      string
}

// CreateSession opens a session from a Generic template, with its anchor
// and additional tabs, focuses it and returns its id. The limit is checked
// here, atomically, whatever canCreateSession said before.
func (m *Manager) CreateSession(provider string, in CreateInput) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tpl, err := m.sessionTemplate(in)
	if err != nil {
		return "", err
	}
	if n := len(m.state.Sessions); n >= m.opts.MaxSessions {
		return "", errcode.Errorf(errcode.SessionLimit, "Cannot add the Session. Maximum Sessions limit reached. Limit: %d. The agent must close a session first; canCreateSession tells when one can be created", m.opts.MaxSessions)
	}
	// input.customerName and templateParameters.customerName are one value
	// (the first wins), so the {customerName} slug reads it either way.
	params := cloneParams(in.TemplateParameters)
	if in.CustomerName != "" {
		params["customerName"] = in.CustomerName
	}
	customer, _ := params["customerName"].(string)
	s := &Session{
		ID:            "session-" + m.opts.NewID(),
		Provider:      provider,
		Template:      tpl.UniqueName,
		TitleFormat:   tpl.Title,
		Icon:          tpl.Icon,
		PanelMode:     tpl.PanelMode,
		Context:       in.Context,
		Params:        params,
		CustomerName:  customer,
		CorrelationID: in.CorrelationID,
		Tabs:          []*Tab{},
		Created:       m.opts.Now().UTC(),
	}
	if err := m.openTemplateTabs(s, tpl); err != nil {
		return "", err
	}
	m.state.Sessions = append(m.state.Sessions, s)
	m.changed()
	m.switchTo(s.ID)
	return s.ID, nil
}

// sessionTemplate finds the Generic template createSession names, by
// unique name or else by tag.
func (m *Manager) sessionTemplate(in CreateInput) (*templates.Session, error) {
	var tpl *templates.Session
	switch {
	case in.TemplateName != "":
		t, ok := m.opts.Catalog.Session(in.TemplateName)
		if !ok {
			return nil, errcode.Errorf(errcode.TemplateNotFound, "Did not find template by name (%s). Known session templates: %s; add yours to templates.json (see docs/templates.md)", errcode.Clip(in.TemplateName), joinNames(m.opts.Catalog.SessionNames()))
		}
		tpl = t
	case in.TemplateTag != "":
		t, ok := m.opts.Catalog.SessionByTag(in.TemplateTag)
		if !ok {
			return nil, errcode.Errorf(errcode.TemplateNotFound, "Error retrieving template by tag (%s) : no session template has this tag; add it to a template's tags in the templates file", errcode.Clip(in.TemplateTag))
		}
		tpl = t
	default:
		return nil, errcode.Errorf(errcode.InvalidParams, "The templateName parameter is null. Provide a value to the parameter: input.templateName names a session template, such as msdyn_chat_session")
	}
	if tpl.Type != templates.Generic {
		return nil, errcode.Errorf(errcode.UnsupportedTemplate, "Template %s is of type %s; createSession supports Generic session templates only. Use a generic template", tpl.UniqueName, tpl.Type)
	}
	return tpl, nil
}

// values are what the session's slugs resolve from.
func (s *Session) values() templates.Values {
	v := templates.Values{Params: s.Params, Session: map[string]any{"sessionId": s.ID}}
	if s.CustomerName != "" {
		v.Session["customerName"] = s.CustomerName
	}
	if anchor := s.anchor(); anchor != nil {
		v.Anchor = anchor.Params
	}
	return v
}

func (s *Session) anchor() *Tab {
	if len(s.Tabs) > 0 && s.Tabs[0].Anchor {
		return s.Tabs[0]
	}
	return nil
}

// openTemplateTabs gives a new session its title, its anchor tab (first
// and focused) and its additional tabs.
func (m *Manager) openTemplateTabs(s *Session, tpl *templates.Session) error {
	if tpl.AnchorTab != "" {
		anchor, err := m.newTab(tpl.AnchorTab, s.values())
		if err != nil {
			return err
		}
		anchor.Anchor, anchor.Closable = true, false
		s.Tabs = append(s.Tabs, anchor)
		s.FocusedTab = anchor.ID
	}
	// The title may read the anchor tab's parameters, so it comes second.
	s.Title = orName(s.values().Resolve(tpl.Title, tpl.UniqueName), tpl.Name)
	if anchor := s.anchor(); anchor != nil && tpl.ApplyTitleToAnchorTab {
		anchor.Title = s.Title
	}
	for _, name := range tpl.AdditionalTabs {
		tab, err := m.newTab(name, s.values())
		if err != nil {
			return err
		}
		tab.Closable = false // additional tabs open with the session and stay
		s.Tabs = append(s.Tabs, tab)
	}
	return nil
}

// newTab builds a tab from a tab template, resolving its parameters,
// title and address from v.
func (m *Manager) newTab(template string, v templates.Values) (*Tab, error) {
	tpl, ok := m.opts.Catalog.Tab(template)
	if !ok {
		return nil, errcode.Errorf(errcode.TemplateNotFound, "Did not find template by name (%s). Known application tab templates: %s; add yours to templates.json (see docs/templates.md)", errcode.Clip(template), joinNames(m.opts.Catalog.TabNames()))
	}
	params, err := v.TabParams(tpl)
	if err != nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "%v", err)
	}
	url, err := templates.URL(tpl, params, m.opts.OrgURL)
	if err != nil {
		return nil, errcode.Errorf(errcode.InvalidParams, "%v", err)
	}
	return &Tab{
		ID:          "tab-" + m.opts.NewID(),
		Template:    tpl.UniqueName,
		Title:       orName(v.Resolve(tpl.Title, tpl.UniqueName), tpl.Name),
		TitleFormat: tpl.Title,
		Tags:        tpl.Tags,
		PageType:    tpl.PageType,
		URL:         url,
		Params:      params,
		Closable:    tpl.Closable(),
	}, nil
}

// orName gives a new session or tab whose title resolves to nothing (its
// slugs had no values) its template's name, so the agent sees what it is.
func orName(title, name string) string {
	if title == "" {
		return name
	}
	return title
}

func joinNames(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	out := names[0]
	for _, n := range names[1:] {
		out += ", " + n
	}
	return out
}

// mergeParams overlays b's keys on a copy of a.
func mergeParams(a, b map[string]any) map[string]any {
	out := cloneParams(a)
	maps.Copy(out, b)
	return out
}

// cloneParams copies a parameters map, so that the manager never shares
// one with its caller; nil becomes empty.
func cloneParams(p map[string]any) map[string]any {
	if p == nil {
		return map[string]any{}
	}
	return maps.Clone(p)
}

// providerSessions lists the ids of a provider's sessions, oldest first.
func (m *Manager) providerSessions(provider string) []string {
	ids := []string{}
	for _, s := range m.state.Sessions {
		if s.Provider == provider {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// remove forgets a session.
func (m *Manager) remove(id string) {
	m.state.Sessions = slices.DeleteFunc(m.state.Sessions, func(s *Session) bool { return s.ID == id })
	m.changed()
}
