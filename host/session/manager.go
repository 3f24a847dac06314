package session

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// DefaultMaxSessions is CIF's limit of open sessions.
const DefaultMaxSessions = 10

// DefaultMaxTabs is how many application tabs a session may have open
// at once, anchor and additional tabs included, unless the settings say
// otherwise.
const DefaultMaxTabs = 20

// Options configure a Manager. Only Catalog is required.
type Options struct {
	Catalog     *templates.Catalog
	MaxSessions int    // DefaultMaxSessions when 0
	MaxTabs     int    // DefaultMaxTabs when 0
	OrgURL      string // Dynamics organisation URL for Dynamics tab pages
	// OData answers the {$odata…} slugs of the templates' titles and
	// parameters (the session manager never reads records itself); with
	// none they resolve to empty text.
	OData templates.OData
	// Version is the version the given state is at, as Decode returned
	// it, so that versions keep growing across restarts.
	Version uint64
	// NewID makes a unique id; the default is a random UUID.
	NewID func() string
	// Now is the clock; the default is time.Now.
	Now func() time.Time
	// Emit receives the events of each call that commits, in order,
	// while the manager is locked: it must not call back into the
	// manager.
	Emit func(Event)
}

// Manager is the session manager of one workspace. Its methods are safe
// for concurrent use; each is atomic.
type Manager struct {
	mu      sync.Mutex
	opts    Options
	state   *State
	version uint64
	tx      *tx // the call in progress

	images    map[string][]byte // each open session's committed encoding
	unsaved   []undo            // committed changes the store does not have yet
	abandoned []span            // changes undone because the store failed
	delta     Delta             // the last committed change, as the views see it
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
	if opts.MaxTabs <= 0 {
		opts.MaxTabs = DefaultMaxTabs
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
	m := &Manager{opts: opts, state: state, version: opts.Version, images: map[string][]byte{}}
	for _, s := range state.Sessions {
		b, err := json.Marshal(s)
		if err != nil {
			panic(fmt.Sprintf("session: cannot encode a session: %v", err))
		}
		m.images[s.ID] = b
	}
	return m
}

// MaxSessions is the limit of open sessions.
func (m *Manager) MaxSessions() int { return m.opts.MaxSessions }

// MaxTabs is the limit of a session's open tabs.
func (m *Manager) MaxTabs() int { return m.opts.MaxTabs }

// Count is the number of open sessions.
func (m *Manager) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.state.Sessions)
}

// Version counts the changes made so far: it grows by one with each call
// that changed the state.
func (m *Manager) Version() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version
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
func (m *Manager) owned(provider, id, blank string) (*Session, error) {
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
func (m *Manager) ownedOrFocused(provider, id, method string) (*Session, error) {
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
	if old != nil {
		m.emit(EventSessionSwitched, old.Provider, switchedData{SessionID: old.ID, Focused: false, Context: old.Context})
	}
	if s := m.focused(); s != nil {
		s.Attention.FocusRequested = false
		s.Attention.NewActivity = 0
		m.touch(s)
		m.emit(EventSessionSwitched, s.Provider, switchedData{SessionID: s.ID, Focused: true, Context: s.Context})
	}
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
}
