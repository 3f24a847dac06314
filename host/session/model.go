// Package session is CIF Bridge's session manager: the sessions and tabs of
// one browser profile's agent workspace, created from templates, owned by
// providers (web origins), focused and closed by the agent, with the events
// CIF raises. It does no I/O of its own: state goes through the Store
// interface, events through the sink the caller provides.
package session

import (
	"encoding/json"
	"time"

	"github.com/cifbridge/cif-bridge/host/templates"
)

// State is everything the manager remembers: what a Store saves.
type State struct {
	// Sessions are the open sessions, oldest first.
	Sessions []*Session `json:"sessions"`
	// Focused is the focused session's id; empty when the agent is on the
	// home session.
	Focused string `json:"focused,omitempty"`
}

// Session is one open session.
type Session struct {
	ID       string `json:"id"`
	Provider string `json:"provider"`
	Template string `json:"template"`
	Title    string `json:"title"`
	// TitleFormat is the template's title with its slugs, kept so that
	// setSessionTitle works even if the templates change.
	TitleFormat string `json:"titleFormat"`
	Icon        string `json:"icon,omitempty"`
	// PanelMode is the communication panel's mode while it is focused.
	PanelMode templates.PanelMode `json:"panelMode,omitempty"`
	// Context is createSession's input.context, kept verbatim.
	Context json.RawMessage `json:"context,omitempty"`
	// Params are the templateParameters, as updateContext leaves them.
	Params        map[string]any `json:"params,omitempty"`
	CustomerName  string         `json:"customerName,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty"`
	Tabs          []*Tab         `json:"tabs"`
	FocusedTab    string         `json:"focusedTab,omitempty"`
	Created       time.Time      `json:"created"`
	Attention     Attention      `json:"attention"`
}

// Attention holds the indicators a provider raises to catch the agent's
// eye. Focusing the session clears the focus request and the activity
// count; a KPI breach stays until the provider resets it.
type Attention struct {
	FocusRequested bool            `json:"focusRequested,omitempty"`
	NewActivity    int             `json:"newActivity,omitempty"`
	KPIBreach      bool            `json:"kpiBreach,omitempty"`
	KPIDetails     json.RawMessage `json:"kpiDetails,omitempty"`
}

// Tab is one application tab of a session.
type Tab struct {
	ID       string `json:"id"`
	Template string `json:"template"`
	Title    string `json:"title"`
	// TitleFormat is the template's title with its slugs, for setTabTitle.
	TitleFormat string             `json:"titleFormat"`
	PageType    templates.PageType `json:"pageType"`
	// Tags are the template's tags, for getTabs.
	Tags []string `json:"tags,omitempty"`
	// URL is where the tab's page lives, when its page type has one.
	URL string `json:"url,omitempty"`
	// Params are the template's parameters, resolved and typed.
	Params map[string]any `json:"params,omitempty"`
	// TemplateParameters are createTab's templateParameters, for
	// setTabTitle's slugs.
	TemplateParameters map[string]any `json:"templateParameters,omitempty"`
	Anchor             bool           `json:"anchor,omitempty"`
	Closable           bool           `json:"closable"`
	// Refreshes counts refreshTab calls, so a view knows to reload.
	Refreshes int `json:"refreshes,omitempty"`
}

// Event is something a provider's pages hear about: CIF's onSessionSwitched
// and onSessionClosed, delivered to the provider that owns the session.
type Event struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Data     any    `json:"data"`
}

// Event names, as CIF has them.
const (
	EventSessionSwitched = "onSessionSwitched"
	EventSessionClosed   = "onSessionClosed"
)

// switchedData is onSessionSwitched's payload.
type switchedData struct {
	SessionID string          `json:"sessionId"`
	Focused   bool            `json:"focused"`
	Context   json.RawMessage `json:"context,omitempty"`
}

// closedData is onSessionClosed's payload.
type closedData struct {
	SessionID string          `json:"sessionId"`
	Context   json.RawMessage `json:"context,omitempty"`
}
