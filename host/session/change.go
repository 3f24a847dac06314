package session

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Every call that changes the workspace is a transaction: it changes the
// state in place, marking each session it modifies (touch); at its end the
// changed sessions are encoded, checked against the limits, and become one
// Change for the store, and the events the call raised go out. A call that
// fails, at any point, is undone from the sessions' last committed
// encodings and tells no one: a refused change changes nothing.
//
// A committed change stays undoable until the store has it (Saved): if
// the store fails, Abandon undoes every change it does not have, newest
// first, so that what a reply said did not happen did not happen.

// MaxSessionBytes bounds what one session holds, encoded: its titles,
// context, template parameters, and its tabs' parameters and addresses.
// It keeps each save small, and the agent's views within the browser's
// message limit.
const MaxSessionBytes = 256 << 10

// Change is one call's change as the store keeps it.
type Change struct {
	Version uint64 `json:"version"`
	// Put are the sessions the call added or modified, encoded; one
	// already open replaces it, a new one is added after the others.
	Put []json.RawMessage `json:"put,omitempty"`
	// Delete are the ids of the sessions the call closed.
	Delete []string `json:"delete,omitempty"`
	// Focus is the focused session after the call, when it moved ("" is
	// the home session).
	Focus *string `json:"focus,omitempty"`
}

// Delta is one committed change as the agent's views see the workspace
// (View): the sessions the call added or modified, those it closed, and
// the focused session when focus moved. Applied to the workspace at the
// version before it, as the journal's records are (a session already open
// is replaced, a new one goes after the others), it gives the workspace at
// Version.
type Delta struct {
	Version uint64            `json:"-"`
	Put     []json.RawMessage `json:"put,omitempty"`
	Delete  []string          `json:"delete,omitempty"`
	Focus   *string           `json:"focus,omitempty"`
}

// MaxDeltaBytes bounds the sessions a Delta carries: a change larger than
// that is announced without them, and the views read the workspace.
const MaxDeltaBytes = 64 << 10

// tx is the call in progress.
type tx struct {
	touched map[*Session]bool
	order   []string // the open sessions' ids before the call
	focus   string   // the focused session before the call
	events  []Event
}

// undo is what reverts one committed change.
type undo struct {
	change Change
	images map[string][]byte // id -> encoding before (nil: it was not open)
	order  []string
	focus  string
}

// span is a range of versions that were committed and then abandoned.
type span struct {
	from, to uint64
	err      error
}

// begin locks the manager and starts a transaction; the function it
// returns commits it, or undoes it if *err is set or the commit fails,
// then unlocks. Use it as: defer m.begin()(&err).
func (m *Manager) begin() func(*error) {
	m.mu.Lock()
	m.tx = &tx{touched: map[*Session]bool{}, order: ids(m.state.Sessions), focus: m.state.Focused}
	return func(err *error) {
		defer m.mu.Unlock()
		if *err == nil {
			*err = m.commit()
		}
		if *err != nil {
			m.revert(m.tx.order, m.tx.focus, m.tx.affected(m.state.Sessions))
		}
		m.tx = nil
	}
}

// touch marks a session the current call modified.
func (m *Manager) touch(s *Session) { m.tx.touched[s] = true }

// emit queues an event; it goes out if the call commits.
func (m *Manager) emit(name, provider string, data any) {
	m.tx.events = append(m.tx.events, Event{Name: name, Provider: provider, Data: data})
}

func ids(sessions []*Session) []string {
	out := make([]string, len(sessions))
	for i, s := range sessions {
		out[i] = s.ID
	}
	return out
}

// affected are the ids of the sessions the call touched, added or closed.
func (t *tx) affected(now []*Session) []string {
	var out []string
	for s := range t.touched {
		out = append(out, s.ID)
	}
	for _, s := range now {
		if !slices.Contains(t.order, s.ID) {
			out = append(out, s.ID)
		}
	}
	for _, id := range t.order {
		if !slices.ContainsFunc(now, func(s *Session) bool { return s.ID == id }) {
			out = append(out, id)
		}
	}
	return out
}

// commit turns the call's effects into a Change, or fails if a session
// would break its limit. Nothing is committed when nothing changed.
func (m *Manager) commit() error {
	t := m.tx
	c := Change{}
	u := undo{images: map[string][]byte{}, order: t.order, focus: t.focus}
	put := map[string][]byte{}
	for _, s := range m.state.Sessions {
		if !t.touched[s] && slices.Contains(t.order, s.ID) {
			continue
		}
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("encode session %s: %w", s.ID, err)
		}
		if len(b) > MaxSessionBytes {
			return errcode.Errorf(errcode.InvalidParams, "the session would hold %d bytes of data, over its limit of %d (its titles, context, template parameters and tabs together); keep large data out of CIF sessions", len(b), MaxSessionBytes)
		}
		if prev, ok := m.images[s.ID]; ok && string(prev) == string(b) {
			continue
		}
		put[s.ID] = b
		c.Put = append(c.Put, b)
	}
	for _, id := range t.order {
		if !slices.ContainsFunc(m.state.Sessions, func(s *Session) bool { return s.ID == id }) {
			c.Delete = append(c.Delete, id)
		}
	}
	if m.state.Focused != t.focus {
		f := m.state.Focused
		c.Focus = &f
	}
	if len(c.Put) == 0 && len(c.Delete) == 0 && c.Focus == nil {
		return nil
	}
	m.version++
	c.Version = m.version
	for id := range put {
		u.images[id] = m.images[id]
		m.images[id] = put[id]
	}
	for _, id := range c.Delete {
		u.images[id] = m.images[id]
		delete(m.images, id)
	}
	u.change = c
	m.unsaved = append(m.unsaved, u)
	m.delta = m.deltaOf(c, put)
	for _, e := range t.events {
		m.opts.Emit(e)
	}
	return nil
}

// deltaOf is a committed change as the views see it, or only its version
// when its sessions would take more than MaxDeltaBytes or one cannot be
// encoded.
func (m *Manager) deltaOf(c Change, put map[string][]byte) Delta {
	d := Delta{Version: c.Version, Delete: c.Delete, Focus: c.Focus}
	size := 0
	for _, s := range m.state.Sessions {
		if _, ok := put[s.ID]; !ok {
			continue
		}
		b, err := json.Marshal(viewOf(s))
		if size += len(b); err != nil || size > MaxDeltaBytes {
			return Delta{Version: c.Version}
		}
		d.Put = append(d.Put, b)
	}
	return d
}

// DeltaAt returns the change that made version v as the views see it,
// when it is the last one committed and small enough to announce.
func (m *Manager) DeltaAt(v uint64) (Delta, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.delta
	if d.Version != v || v == 0 || (d.Put == nil && d.Delete == nil && d.Focus == nil) {
		return Delta{}, false
	}
	return d, true
}

// revert puts the sessions named back as their committed encodings have
// them (closing those that have none), in the order given, and focus.
func (m *Manager) revert(order []string, focus string, affected []string) {
	byID := map[string]*Session{}
	for _, s := range m.state.Sessions {
		byID[s.ID] = s
	}
	for _, id := range affected {
		delete(byID, id)
		if img, ok := m.images[id]; ok {
			byID[id] = mustDecodeSession(img)
		}
	}
	sessions := make([]*Session, 0, len(order))
	for _, id := range order {
		if s, ok := byID[id]; ok {
			sessions = append(sessions, s)
		}
	}
	m.state.Sessions = sessions
	m.state.Focused = focus
}

// mustDecodeSession decodes an encoding the manager made itself.
func mustDecodeSession(b []byte) *Session {
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		panic(fmt.Sprintf("session: cannot decode a session it encoded: %v", err))
	}
	if s.Tabs == nil {
		s.Tabs = []*Tab{}
	}
	return &s
}

// Unsaved returns the changes the store does not have yet, oldest first.
func (m *Manager) Unsaved() []Change {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Change, len(m.unsaved))
	for i, u := range m.unsaved {
		out[i] = u.change
	}
	return out
}

// Saved tells the manager that the store has every change up to version
// v: they can no longer be undone.
func (m *Manager) Saved(v uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := 0
	for i < len(m.unsaved) && m.unsaved[i].change.Version <= v {
		i++
	}
	m.unsaved = slices.Delete(m.unsaved, 0, i)
}

// Abandon undoes every change the store does not have, newest first,
// because saving failed with err: the replies that reported them say
// so. The workspace is then as the store has it, at a new version.
func (m *Manager) Abandon(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.unsaved) == 0 {
		return
	}
	from := m.unsaved[0].change.Version
	for i := len(m.unsaved) - 1; i >= 0; i-- {
		u := m.unsaved[i]
		var affected []string
		for id, img := range u.images {
			affected = append(affected, id)
			if img == nil {
				delete(m.images, id)
			} else {
				m.images[id] = img
			}
		}
		m.revert(u.order, u.focus, affected)
	}
	m.abandoned = append(m.abandoned, span{from: from, to: m.version, err: err})
	m.unsaved = nil
	m.version++
}

// Abandoned returns the error that undid the change at version v, or nil
// if it was not undone.
func (m *Manager) Abandoned(v uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.abandoned {
		if v >= s.from && v <= s.to {
			return s.err
		}
	}
	return nil
}
