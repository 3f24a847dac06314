package session

import (
	"fmt"
	"sync"
)

// Persister makes a manager's changes durable through a Store. Changes
// that pile up while one save runs go out together in the next one (group
// commit), so a burst of calls costs a few saves, not one each.
type Persister struct {
	m     *Manager
	store Store

	mu      sync.Mutex
	cond    *sync.Cond
	durable uint64 // the newest version known to be saved
	saving  bool
}

// NewPersister returns a persister for m, whose current state is taken to
// be the one already in the store.
func NewPersister(m *Manager, store Store) *Persister {
	p := &Persister{m: m, store: store, durable: m.Version()}
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
// saved, saving it itself when no other caller is. It returns the save's
// error if that failed; the change stays in memory and the next call tries
// again.
func (p *Persister) WaitDurable(v uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.durable < v {
		if p.saving {
			p.cond.Wait()
			continue
		}
		p.saving = true
		p.mu.Unlock()
		data, saved, err := p.m.Encode()
		if err == nil {
			err = p.store.Save(data)
		}
		p.mu.Lock()
		p.saving = false
		p.cond.Broadcast()
		if err != nil {
			return fmt.Errorf("save session state: %w", err)
		}
		p.durable = max(p.durable, saved)
	}
	return nil
}
