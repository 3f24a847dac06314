package session

import (
	"fmt"
	"sync"
)

// Store keeps a manager's state across restarts: a snapshot and a journal
// of the changes after it (host/store is the real one).
type Store interface {
	// Append adds records to the journal, flushed to disk, or fails and
	// leaves none of them there.
	Append(records [][]byte) error
	// Compact replaces the snapshot with data and empties the journal.
	Compact(data []byte) error
	// JournalSize is how many bytes the journal holds.
	JournalSize() int64
}

// compactAt is the journal size past which a save writes a new snapshot
// instead, when that is larger than the snapshot itself: loading then
// replays at most about as much as it reads.
const compactAt = 1 << 20

// Persister makes a manager's changes durable through a Store. Changes
// that pile up while one save runs go out together in the next one (group
// commit), so a burst of calls costs a few saves, not one each; each save
// appends only the sessions that changed.
type Persister struct {
	m     *Manager
	store Store

	mu       sync.Mutex
	cond     *sync.Cond
	durable  uint64 // the newest version known to be saved
	saving   bool
	snapshot bool  // the next save writes a snapshot
	snapSize int64 // the size of the last snapshot
}

// NewPersister returns a persister for m, whose current state is taken to
// be the one in the store. With snapshot set, its first save writes a
// snapshot: the store has none yet, or its journal should be rewritten.
func NewPersister(m *Manager, store Store, snapshot bool) *Persister {
	p := &Persister{m: m, store: store, durable: m.Version(), snapshot: snapshot}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// Saved reports whether the state at version v, or a later one, is
// already saved; unlike WaitDurable it neither waits nor saves.
func (p *Persister) Saved(v uint64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.durable >= v
}

// WaitDurable returns once the state at version v, or a later one, is
// saved, saving it itself when no other caller is. If saving failed, the
// change at v and every change after it that was not saved were undone,
// and it returns the save's error.
func (p *Persister) WaitDurable(v uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if err := p.m.Abandoned(v); err != nil {
			return err
		}
		if p.durable >= v {
			return nil
		}
		if p.saving {
			p.cond.Wait()
			continue
		}
		p.saving = true
		p.mu.Unlock()
		saved, err := p.save()
		p.mu.Lock()
		p.saving = false
		p.cond.Broadcast()
		if err != nil {
			err = fmt.Errorf("save session state: %w", err)
			p.snapshot = true
			p.m.Abandon(err)
			if p.m.Abandoned(v) == nil {
				return err // nothing to undo: the state is as saved, only not saved again
			}
			continue
		}
		p.durable = max(p.durable, saved)
	}
}

// save writes what the store does not have yet, and returns the version
// it saved.
func (p *Persister) save() (uint64, error) {
	changes := p.m.Unsaved()
	if !p.snapshot && len(changes) == 0 {
		return p.m.Version(), nil
	}
	var records [][]byte
	size := int64(0)
	for _, c := range changes {
		r, err := EncodeChange(c)
		if err != nil {
			return 0, err
		}
		records = append(records, r)
		size += int64(len(r))
	}
	if p.snapshot || p.store.JournalSize()+size > max(compactAt, p.snapSize) {
		data, v, err := p.m.Encode()
		if err != nil {
			return 0, err
		}
		if err := p.store.Compact(data); err != nil {
			return 0, err
		}
		p.snapshot, p.snapSize = false, int64(len(data))
		p.m.Saved(v)
		return v, nil
	}
	if err := p.store.Append(records); err != nil {
		return 0, err
	}
	v := changes[len(changes)-1].Version
	p.m.Saved(v)
	return v, nil
}
