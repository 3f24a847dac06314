package session

import (
	"encoding/json"
	"fmt"
	"slices"
)

// The persistence format: how a store keeps a manager's state.

// A store keeps a snapshot, the whole state as Encode writes it, and a
// journal of the Changes committed after it, each encoded by
// EncodeChange. Decode reads them back.

// stateFormat is the version of the snapshot's encoding.
const stateFormat = 1

type savedState struct {
	Format  int    `json:"format"`
	Version uint64 `json:"version"`
	State   *State `json:"state"`
}

// snapshot is savedState written from the sessions' encodings.
type snapshot struct {
	Format  int    `json:"format"`
	Version uint64 `json:"version"`
	State   struct {
		Sessions []json.RawMessage `json:"sessions"`
		Focused  string            `json:"focused,omitempty"`
	} `json:"state"`
}

// Encode returns the whole state as a store's snapshot keeps it, and the
// version it is at.
func (m *Manager) Encode() ([]byte, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var snap snapshot
	snap.Format, snap.Version, snap.State.Focused = stateFormat, m.version, m.state.Focused
	snap.State.Sessions = make([]json.RawMessage, len(m.state.Sessions))
	for i, s := range m.state.Sessions {
		snap.State.Sessions[i] = m.images[s.ID]
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return nil, 0, fmt.Errorf("encode session state: %w", err)
	}
	return b, m.version, nil
}

// EncodeChange returns a change as a journal record: one line of JSON.
func EncodeChange(c Change) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode change %d: %w", c.Version, err)
	}
	return b, nil
}

// Decode reads a snapshot (empty for none) and the journal records after
// it, and returns the state and the version it is at. Records the
// snapshot already holds (an older version) are skipped.
func Decode(data []byte, records [][]byte) (*State, uint64, error) {
	state, version := &State{}, uint64(0)
	if len(data) > 0 {
		var saved savedState
		if err := json.Unmarshal(data, &saved); err != nil {
			return nil, 0, fmt.Errorf("decode session state: %w", err)
		}
		if saved.Format != stateFormat || saved.State == nil {
			return nil, 0, fmt.Errorf("decode session state: format %d is not %d (written by another version of cif-host?)", saved.Format, stateFormat)
		}
		state, version = saved.State, saved.Version
	}
	for i, r := range records {
		var c struct {
			Version uint64     `json:"version"`
			Put     []*Session `json:"put"`
			Delete  []string   `json:"delete"`
			Focus   *string    `json:"focus"`
		}
		if err := json.Unmarshal(r, &c); err != nil {
			return nil, 0, fmt.Errorf("decode journal record %d: %w", i+1, err)
		}
		if c.Version <= version {
			continue
		}
		state.apply(c.Put, c.Delete, c.Focus)
		version = c.Version
	}
	if err := state.check(); err != nil {
		return nil, 0, fmt.Errorf("decode session state: %w", err)
	}
	return state, version, nil
}

// apply replays one change.
func (st *State) apply(put []*Session, del []string, focus *string) {
	for _, s := range put {
		if s == nil {
			continue
		}
		if i := slices.IndexFunc(st.Sessions, func(o *Session) bool { return o.ID == s.ID }); i >= 0 {
			st.Sessions[i] = s
		} else {
			st.Sessions = append(st.Sessions, s)
		}
	}
	st.Sessions = slices.DeleteFunc(st.Sessions, func(s *Session) bool { return slices.Contains(del, s.ID) })
	if focus != nil {
		st.Focused = *focus
	}
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
