package session

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeStore keeps a snapshot and a journal in memory; a save can be made
// to block or to fail.
type fakeStore struct {
	mu        sync.Mutex
	snapshot  []byte
	records   [][]byte
	snapshots int // how many Compacts
	appends   int // how many Appends
	fail      error
	entered   chan struct{} // a save started; nil for none
	release   chan struct{} // lets a blocked save go on; nil for none
}

func (s *fakeStore) enter() error {
	if s.entered != nil {
		s.entered <- struct{}{}
		<-s.release
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fail
}

func (s *fakeStore) Append(records [][]byte) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, records...)
	s.appends++
	return nil
}

func (s *fakeStore) Compact(data []byte) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snapshot, s.records = data, nil
	s.snapshots++
	return nil
}

func (s *fakeStore) JournalSize() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.records {
		n += len(r) + 10
	}
	return int64(n)
}

func (s *fakeStore) setFail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

// load decodes what the store holds, as the next host would.
func (s *fakeStore) load(t *testing.T) (*State, uint64) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	state, version, err := Decode(s.snapshot, s.records)
	require.NoError(t, err)
	return state, version
}

func TestPersisterWritesASnapshotFirstThenOnlyWhatChanged(t *testing.T) {
	h := newHarness(t, Options{})
	store := &fakeStore{}
	p := NewPersister(h.Manager, store, true)
	a := h.create(t, alice, CreateInput{TemplateName: "s_chat", TemplateParameters: map[string]any{"customer": "Contoso"}})
	require.NoError(t, p.WaitDurable(h.Version()))
	assert.Equal(t, 1, store.snapshots, "the store had no snapshot")

	b := h.create(t, bob, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, h.NotifyNewActivity(alice, a, 3))
	require.NoError(t, p.WaitDurable(h.Version()))
	assert.Equal(t, 1, store.appends, "two changes, one append")
	require.Len(t, store.records, 2)
	var last Change
	require.NoError(t, json.Unmarshal(store.records[1], &last))
	require.Len(t, last.Put, 1, "a one-number change writes the one session it changed")
	assert.Contains(t, string(last.Put[0]), `"newActivity":3`)
	assert.Nil(t, last.Focus)

	state, version := store.load(t)
	assert.Equal(t, h.workspace(), state)
	assert.Equal(t, h.Version(), version)
	require.NoError(t, p.WaitDurable(h.Version()))
	assert.Equal(t, 1, store.appends, "already durable")
	_ = b
}

func TestPersisterGroupsChangesMadeDuringASave(t *testing.T) {
	h := newHarness(t, Options{})
	store := &fakeStore{entered: make(chan struct{}), release: make(chan struct{})}
	p := NewPersister(h.Manager, store, false)

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
	assert.Equal(t, 2, store.appends, "six changes, two saves")
	state, _ := store.load(t)
	assert.Len(t, state.Sessions, 6)
}

func TestAFailedSaveUndoesEveryChangeItCouldNotSave(t *testing.T) {
	h := newHarness(t, Options{})
	store := &fakeStore{}
	p := NewPersister(h.Manager, store, true)
	a := h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, p.WaitDurable(h.Version()))
	before := h.workspace()

	store.setFail(errors.New("disk full"))
	b := h.create(t, bob, CreateInput{TemplateName: "s_chat"})
	bv := h.Version()
	require.NoError(t, h.NotifyNewActivity(alice, a, 2))
	err := p.WaitDurable(bv)
	assert.EqualError(t, err, "save session state: disk full")
	assert.Equal(t, before, h.workspace(), "both changes are undone")
	_, err = h.GetSession(bob, b)
	require.Error(t, err, "the session the failed save held is gone: it fills no place")
	assert.True(t, h.CanCreateSession())
	assert.Greater(t, h.Version(), bv, "the undoing is a change of its own")

	store.setFail(nil)
	c := h.create(t, alice, CreateInput{TemplateName: "s_plain"})
	require.NoError(t, p.WaitDurable(h.Version()))
	state, _ := store.load(t)
	assert.Equal(t, h.workspace(), state)
	assert.Equal(t, []string{a, c}, h.GetAllSessions(alice))
	assert.Equal(t, 2, store.snapshots, "after a failure the store gets a whole snapshot")
}

func TestTheJournalIsCompactedOnceItOutgrowsTheSnapshot(t *testing.T) {
	h := newHarness(t, Options{})
	store := &fakeStore{}
	p := NewPersister(h.Manager, store, true)
	a := h.create(t, alice, CreateInput{TemplateName: "s_chat", TemplateParameters: map[string]any{"customer": "Contoso", "notes": strings.Repeat("n", 60<<10)}})
	require.NoError(t, p.WaitDurable(h.Version()))
	for i := range 20 { // each change rewrites the ~60 KiB session
		require.NoError(t, h.NotifyKpiBreach(alice, a, i%2 == 0, nil))
		require.NoError(t, p.WaitDurable(h.Version()))
	}
	assert.Equal(t, 2, store.snapshots, "past 1 MiB of journal, one more snapshot")
	state, _ := store.load(t)
	assert.Equal(t, h.workspace(), state)
}
