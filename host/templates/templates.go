// Package templates holds the session and application tab templates an
// administrator configures: their schema, the embedded defaults modelled on
// Dynamics' out-of-box templates, loading and validating a templates file,
// and resolving `{slug}` strings and typed parameters against the values a
// provider passes to createSession and createTab.
package templates

import (
	"maps"
	"slices"
)

// SessionType is a session template's kind. CIF's createSession accepts
// Generic templates only.
type SessionType string

// Session template types.
const (
	Generic SessionType = "generic"
	Entity  SessionType = "entity"
)

// PanelMode is the communication panel's state while a session is focused.
type PanelMode string

// Panel modes, with CIF's numeric setMode values in the comments.
const (
	PanelMinimized PanelMode = "minimized" // 0
	PanelDocked    PanelMode = "docked"    // 1
	PanelHidden    PanelMode = "hidden"    // 2
)

// Session is a session template (Dynamics' msdyn_sessiontemplate).
type Session struct {
	UniqueName string      `json:"uniqueName"`
	Name       string      `json:"name"`
	Type       SessionType `json:"type"`
	// Title may hold slugs, for example "Chat with {customer}".
	Title     string    `json:"title"`
	PanelMode PanelMode `json:"panelMode,omitempty"`
	Icon      string    `json:"icon,omitempty"`
	// AnchorTab names the application tab template opened first; it cannot
	// be closed.
	AnchorTab string `json:"anchorTab,omitempty"`
	// AdditionalTabs are opened with the session, after the anchor tab.
	AdditionalTabs []string `json:"additionalTabs,omitempty"`
	// ApplyTitleToAnchorTab gives the anchor tab the session's title.
	ApplyTitleToAnchorTab bool `json:"applyTitleToAnchorTab,omitempty"`
	// Tags let createSession find the template by input.templateTag.
	Tags []string `json:"tags,omitempty"`
}

// Tab is an application tab template (Dynamics'
// msdyn_applicationtabtemplate).
type Tab struct {
	UniqueName string   `json:"uniqueName"`
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	PageType   PageType `json:"pageType"`
	// Parameters are the configured values of the page type's parameters:
	// strings (which may hold slugs), numbers, booleans or JSON.
	Parameters map[string]any `json:"parameters,omitempty"`
	// CanClose is false for tabs the agent may not close.
	CanClose *bool `json:"canClose,omitempty"`
	// Tags let getTabs find tabs of this template by tag.
	Tags []string `json:"tags,omitempty"`
}

// Closable reports whether the agent or a provider may close such a tab;
// tabs are closable unless the template says otherwise.
func (t *Tab) Closable() bool { return t.CanClose == nil || *t.CanClose }

// Catalog is the set of templates a session manager works from.
type Catalog struct {
	sessions      map[string]*Session
	tabs          map[string]*Tab
	notifications map[string]*Notification
}

// NewCatalog builds a catalog from templates that are already valid.
func NewCatalog(sessions []Session, tabs []Tab) *Catalog {
	c := &Catalog{sessions: map[string]*Session{}, tabs: map[string]*Tab{}, notifications: map[string]*Notification{}}
	for i := range sessions {
		c.sessions[sessions[i].UniqueName] = &sessions[i]
	}
	for i := range tabs {
		c.tabs[tabs[i].UniqueName] = &tabs[i]
	}
	return c
}

// withNotifications adds notification templates that are already valid.
func (c *Catalog) withNotifications(notifications []Notification) *Catalog {
	for i := range notifications {
		c.notifications[notifications[i].UniqueName] = &notifications[i]
	}
	return c
}

// Session returns the session template with that unique name.
func (c *Catalog) Session(uniqueName string) (*Session, bool) {
	s, ok := c.sessions[uniqueName]
	return s, ok
}

// Tab returns the application tab template with that unique name.
func (c *Catalog) Tab(uniqueName string) (*Tab, bool) {
	t, ok := c.tabs[uniqueName]
	return t, ok
}

// SessionByTag returns the session template carrying that tag; when
// several do, the one whose unique name sorts first.
func (c *Catalog) SessionByTag(tag string) (*Session, bool) {
	for _, name := range c.SessionNames() {
		if s := c.sessions[name]; slices.Contains(s.Tags, tag) {
			return s, true
		}
	}
	return nil, false
}

// SessionNames lists the session templates' unique names, sorted.
func (c *Catalog) SessionNames() []string { return slices.Sorted(maps.Keys(c.sessions)) }

// TabNames lists the application tab templates' unique names, sorted.
func (c *Catalog) TabNames() []string { return slices.Sorted(maps.Keys(c.tabs)) }
