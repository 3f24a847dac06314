package records

import (
	"context"
	"sync"
	"time"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
)

// Lazy is a Store that opens the real one on its first call, so that
// opening a database costs nothing until a record is needed (cif-host
// answers hello before any record call). A failed open is returned to
// that call and tried again on the next, so fixing the cause (a folder's
// permissions, a full disk) heals the store without a restart.
type Lazy struct {
	catalog *metadata.Catalog
	open    func(context.Context) (Store, error)

	mu     sync.Mutex
	store  Store
	closed bool

	// Following changes: the subscribers, and the watch that feeds them
	// while the store is open.
	subMu       sync.Mutex
	subscribers map[int]func([]Changed)
	nextSub     int
	stopWatch   context.CancelFunc
	watching    sync.WaitGroup
}

// NewLazy returns a Store that calls open on first use.
func NewLazy(catalog *metadata.Catalog, open func(context.Context) (Store, error)) *Lazy {
	return &Lazy{catalog: catalog, open: open}
}

// get opens the store if it is not open yet. Concurrent first calls wait
// for one open.
func (l *Lazy) get(ctx context.Context) (Store, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, Unavailable("the organisation's database is closed: cif-host is stopping; call again once it has restarted")
	}
	if l.store != nil {
		return l.store, nil
	}
	s, err := l.open(ctx)
	if err != nil {
		return nil, err
	}
	l.store = s
	if w, ok := s.(Watcher); ok {
		wctx, cancel := context.WithCancel(context.Background())
		l.stopWatch = cancel
		ready := make(chan struct{})
		var once sync.Once
		l.watching.Go(func() { l.watch(wctx, w, func() { once.Do(func() { close(ready) }) }) })
		// The first call waits, briefly, until the changes after it will
		// be heard: a record page that has just read its record misses
		// none.
		select {
		case <-ready:
		case <-ctx.Done():
		case <-time.After(readyWait):
		}
	}
	return s, nil
}

// readyWait bounds how long opening the store waits for its watch to
// hear changes.
const readyWait = 2 * time.Second

// watchRetry is how long the watch waits before it starts again after it
// failed (the database unreachable).
const watchRetry = time.Second

// watch follows the store's changes until ctx ends, starting again after
// a failure; the views are then told that changes may have been missed.
func (l *Lazy) watch(ctx context.Context, w Watcher, ready func()) {
	for {
		err := w.Watch(ctx, ready, l.deliver)
		if ctx.Err() != nil {
			return
		}
		_ = err // the store logs its own failures
		select {
		case <-ctx.Done():
			return
		case <-time.After(watchRetry):
		}
		l.deliver([]Changed{{}})
	}
}

func (l *Lazy) deliver(changes []Changed) {
	l.subMu.Lock()
	subs := make([]func([]Changed), 0, len(l.subscribers))
	for _, fn := range l.subscribers {
		subs = append(subs, fn)
	}
	l.subMu.Unlock()
	for _, fn := range subs {
		fn(changes)
	}
}

// Subscribe calls deliver with the changes any host makes to the
// organisation's records, from when the store is open (on the first
// record call: a host without record pages needs none) until unsubscribe
// is called. deliver runs on the watching goroutine and must not block
// long.
func (l *Lazy) Subscribe(deliver func([]Changed)) (unsubscribe func()) {
	l.subMu.Lock()
	defer l.subMu.Unlock()
	if l.subscribers == nil {
		l.subscribers = map[int]func([]Changed){}
	}
	id := l.nextSub
	l.nextSub++
	l.subscribers[id] = deliver
	return func() {
		l.subMu.Lock()
		defer l.subMu.Unlock()
		delete(l.subscribers, id)
	}
}

// Opened reports whether the database has been opened.
func (l *Lazy) Opened() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.store != nil
}

// Catalog is the organisation's metadata; it needs no database.
func (l *Lazy) Catalog() *metadata.Catalog { return l.catalog }

// Create implements Store.
func (l *Lazy) Create(ctx context.Context, entity string, data Data) (string, error) {
	s, err := l.get(ctx)
	if err != nil {
		return "", err
	}
	return s.Create(ctx, entity, data)
}

// Retrieve implements Store.
func (l *Lazy) Retrieve(ctx context.Context, entity, id string, q *odata.Query) (*Record, error) {
	s, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.Retrieve(ctx, entity, id, q)
}

// Update implements Store.
func (l *Lazy) Update(ctx context.Context, entity, id string, data Data, ifMatch string) (string, error) {
	s, err := l.get(ctx)
	if err != nil {
		return "", err
	}
	return s.Update(ctx, entity, id, data, ifMatch)
}

// Delete implements Store.
func (l *Lazy) Delete(ctx context.Context, entity, id string) error {
	s, err := l.get(ctx)
	if err != nil {
		return err
	}
	return s.Delete(ctx, entity, id)
}

// Query implements Store.
func (l *Lazy) Query(ctx context.Context, entity string, q *odata.Query) ([]*Record, error) {
	s, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.Query(ctx, entity, q)
}

// Related implements Store.
func (l *Lazy) Related(ctx context.Context, entity, id string, limit int) ([]Related, error) {
	s, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.Related(ctx, entity, id, limit)
}

// Import implements Store.
func (l *Lazy) Import(ctx context.Context, items []Item) (ImportStats, error) {
	s, err := l.get(ctx)
	if err != nil {
		return ImportStats{}, err
	}
	return s.Import(ctx, items)
}

// Export implements Store.
func (l *Lazy) Export(ctx context.Context, entity string, each func(*Record) error) error {
	s, err := l.get(ctx)
	if err != nil {
		return err
	}
	return s.Export(ctx, entity, each)
}

// Count implements Store.
func (l *Lazy) Count(ctx context.Context, entity string) (int, error) {
	s, err := l.get(ctx)
	if err != nil {
		return 0, err
	}
	return s.Count(ctx, entity)
}

// Close closes the store if it was opened; later calls fail.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.store == nil {
		return nil
	}
	if l.stopWatch != nil {
		l.stopWatch()
		l.watching.Wait()
	}
	err := l.store.Close()
	l.store = nil
	return err
}
