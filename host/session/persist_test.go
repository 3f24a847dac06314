package session

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeStore records saves; a save can be made to block or to fail.
type fakeStore struct {
	mu      sync.Mutex
	saved   [][]byte
	fail    error
	entered chan struct{} // a save started; nil for none
	release chan struct{} // lets a blocked save go on; nil for none
}

func (s *fakeStore) Load() ([]byte, error) { return nil, nil }

func (s *fakeStore) Save(data []byte) error {
	if s.entered != nil {
		s.entered <- struct{}{}
		<-s.release
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.saved = append(s.saved, data)
	return nil
}

func (s *fakeStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.saved)
}

func TestPersisterSavesOnlyWhatIsNotYetDurable(t *testing.T) {
	h := newHarness(t, Options{})
	store := &fakeStore{}
	p := NewPersister(h.Manager, store)
	require.NoError(t, p.WaitDurable(h.Version()), "nothing changed: nothing to save")
	assert.Zero(t, store.count())

	h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, p.WaitDurable(h.Version()))
	require.Equal(t, 1, store.count())
	state, _, err := Decode(store.saved[0])
	require.NoError(t, err)
	assert.Equal(t, h.workspace(), state)

	require.NoError(t, p.WaitDurable(h.Version()))
	assert.Equal(t, 1, store.count(), "already durable")
}

func TestPersisterGroupsChangesMadeDuringASave(t *testing.T) {
	h := newHarness(t, Options{})
	store := &fakeStore{entered: make(chan struct{}), release: make(chan struct{})}
	p := NewPersister(h.Manager, store)

	h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	first := make(chan error)
	go func() { first <- p.WaitDurable(h.Version()) }()
	<-store.entered // the first save is under way

	// Five more changes, each with a waiter, while it runs.
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		h.create(t, alice, CreateInput{TemplateName: "s_plain"})
		v := h.Version()
		wg.Go(func() { errs <- p.WaitDurable(v) })
	}
	store.release <- struct{}{}
	require.NoError(t, <-first)
	<-store.entered // one of the waiters saves everything
	store.release <- struct{}{}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 2, store.count(), "six changes, two saves")
	state, _, err := Decode(store.saved[1])
	require.NoError(t, err)
	assert.Len(t, state.Sessions, 6)
}

func TestPersisterReportsAFailedSaveAndRetries(t *testing.T) {
	h := newHarness(t, Options{})
	store := &fakeStore{fail: errors.New("disk full")}
	p := NewPersister(h.Manager, store)
	h.create(t, alice, CreateInput{TemplateName: "s_plain"})

	err := p.WaitDurable(h.Version())
	assert.EqualError(t, err, "save session state: disk full")
	assert.Len(t, h.GetAllSessions(alice), 1, "the change stays in memory")

	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()
	require.NoError(t, p.WaitDurable(h.Version()), "the next wait saves it")
	require.Equal(t, 1, store.count())
	state, _, err := Decode(store.saved[0])
	require.NoError(t, err)
	assert.Len(t, state.Sessions, 1)
}
