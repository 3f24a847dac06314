package session

import (
	"encoding/json"
	"maps"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Opening sessions: createSession, from Generic session templates, with
// their tabs.

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
func (m *Manager) CreateSession(provider string, in CreateInput) (_ string, err error) {
	defer m.begin()(&err)
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

// values are what a session's slugs resolve from.
func (m *Manager) values(s *Session) templates.Values {
	v := templates.Values{Params: s.Params, Session: map[string]any{"sessionId": s.ID}, OData: m.opts.OData}
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
		anchor, err := m.newTab(tpl.AnchorTab, m.values(s))
		if err != nil {
			return err
		}
		anchor.Anchor, anchor.Closable = true, false
		s.Tabs = append(s.Tabs, anchor)
		s.FocusedTab = anchor.ID
	}
	// The title may read the anchor tab's parameters, so it comes second.
	s.Title = orName(resolveTitle(m.values(s), tpl.Title, tpl.UniqueName), tpl.Name)
	if anchor := s.anchor(); anchor != nil && tpl.ApplyTitleToAnchorTab {
		anchor.Title = s.Title
	}
	for _, name := range tpl.AdditionalTabs {
		tab, err := m.newTab(name, m.values(s))
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
	if len(url) > MaxURLBytes {
		return nil, errcode.Errorf(errcode.InvalidParams, "the address of tab template %s would be %d bytes long, over the limit of %d; pass shorter values in templateParameters", tpl.UniqueName, len(url), MaxURLBytes)
	}
	return &Tab{
		ID:          "tab-" + m.opts.NewID(),
		Template:    tpl.UniqueName,
		Title:       orName(resolveTitle(v, tpl.Title, tpl.UniqueName), tpl.Name),
		TitleFormat: tpl.Title,
		Tags:        tpl.Tags,
		PageType:    tpl.PageType,
		URL:         url,
		Params:      params,
		Closable:    tpl.Closable(),
	}, nil
}

// MaxTitleRunes bounds a session's or tab's title: a longer one is cut,
// as the agent's tab strip would cut it anyway.
const MaxTitleRunes = 256

// MaxURLBytes bounds a tab's address.
const MaxURLBytes = 8 << 10

// resolveTitle resolves a title format with v, cut to MaxTitleRunes.
func resolveTitle(v templates.Values, format, template string) string {
	t := v.Resolve(format, template)
	if len(t) <= MaxTitleRunes {
		return t
	}
	if r := []rune(t); len(r) > MaxTitleRunes {
		return string(r[:MaxTitleRunes-1]) + "…"
	}
	return t
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
