package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// changes collects what a subscriber hears.
type changes struct {
	mu   sync.Mutex
	seen []records.Changed
	more chan struct{}
}

func newChanges() *changes { return &changes{more: make(chan struct{}, 1)} }

func (c *changes) deliver(cs []records.Changed) {
	c.mu.Lock()
	c.seen = append(c.seen, cs...)
	c.mu.Unlock()
	select {
	case c.more <- struct{}{}:
	default:
	}
}

// wait waits, at most d, for a change that match accepts.
func (c *changes) wait(t *testing.T, d time.Duration, what string, match func(records.Changed) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		c.mu.Lock()
		for _, ch := range c.seen {
			if match(ch) {
				c.mu.Unlock()
				return
			}
		}
		seen := append([]records.Changed(nil), c.seen...)
		c.mu.Unlock()
		select {
		case <-c.more:
		case <-deadline:
			t.Fatalf("no %s within %v; heard %+v", what, d, seen)
		}
	}
}

// A cluster of its own, stopped and started while two hosts use it.
func TestTheServerStoppedAndRestartedMidRun(t *testing.T) {
	cluster, err := pgtest.New(pgtest.Options{})
	if errors.Is(err, pgtest.ErrNotInstalled) {
		pgtest.Require(t) // skips, or fails under CIF_E2E=require
	}
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, cluster.Remove()) })
	ctx := t.Context()
	name, err := cluster.NewDatabase(ctx)
	require.NoError(t, err)
	url := cluster.URL("agent", name)
	open := func() *records.Lazy {
		s := Open(Options{URL: url, Password: pgtest.Password, Catalog: metadata.BuiltinCatalog()})
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	heard := newChanges()
	defer b.Subscribe(heard.deliver)()
	id, err := a.Create(ctx, "contact", records.Data{"lastname": "Before"})
	require.NoError(t, err)
	_, err = b.Retrieve(ctx, "contact", id, nil) // b is open, and listening
	require.NoError(t, err)
	_, err = a.Update(ctx, "contact", id, records.Data{"firstname": "Ann"}, "")
	require.NoError(t, err)
	heard.wait(t, 10*time.Second, "update before the stop", func(c records.Changed) bool { return c.ID == id && c.Version > 0 })

	require.NoError(t, cluster.Stop())
	call, cancel := context.WithTimeout(ctx, 8*time.Second)
	_, err = a.Retrieve(call, "contact", id, nil)
	cancel()
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, errcode.RecordsUnavailable, e.Code)
	assert.Contains(t, e.Message, "the organisation's database (PostgreSQL "+url+")")
	assert.Regexp(t, `cif-host cannot reach the server|the server is stopping`, e.Message)
	assert.Contains(t, e.Message, "cif-host reconnects by itself")
	t.Log(e.Message)

	require.NoError(t, cluster.Start())
	// The pool connects again by itself: the first call after the server
	// is back succeeds.
	rec, err := a.Retrieve(ctx, "contact", id, nil)
	require.NoError(t, err, "the first call after the restart")
	assert.Equal(t, "Ann Before", rec.Values["fullname"])
	// b's listener is back too: it says changes may have been missed,
	// then hears a's next change.
	heard.wait(t, 20*time.Second, "word that changes may have been missed", func(c records.Changed) bool { return c == records.Changed{} })
	etag, err := a.Update(ctx, "contact", id, records.Data{"firstname": "Bo"}, rec.ETag())
	require.NoError(t, err)
	heard.wait(t, 10*time.Second, "update after the restart", func(c records.Changed) bool { return c.ID == id && records.ETag(c.Version) == etag })
	// b's first call since the restart, on connections idle across it,
	// reaches the server (a dead one is replaced) and is refused as stale.
	_, err = b.Update(ctx, "contact", id, records.Data{"firstname": "Cy"}, rec.ETag())
	e, _ = errors.AsType[*errcode.Error](err)
	require.NotNil(t, e, "%v", err)
	assert.Equal(t, errcode.RecordConflict, e.Code, e.Message)
}
