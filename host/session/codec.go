package session

import (
	"encoding/json"
	"fmt"
	"slices"
)

// The persistence format: how a store keeps a manager's state.

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
