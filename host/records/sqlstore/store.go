// Package sqlstore is a records.Store over an SQL database through
// database/sql: a table per entity with a column per attribute, indexes on
// the attributes searched, versioned migrations, and SQL generated for a
// Dialect (SQLite here; PostgreSQL adds its own). Identifiers in the SQL
// come from validated metadata only, and every value a caller gives
// reaches the database as a bound argument, never as SQL text.
//
// The sqlite package opens the embedded organisation with it.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Options configure a Store.
type Options struct {
	Catalog *metadata.Catalog
	Dialect Dialect
	// DB runs every transaction. Write transactions must take the
	// database's write lock at their start (SQLite: _txlock=immediate);
	// read-only ones may run beside them.
	DB *sql.DB
	// SerializeWrites makes this process's writes wait for each other in
	// Go rather than in the database's busy loop (SQLite has one writer at
	// a time anyway).
	SerializeWrites bool
	// Where names the database in messages, such as its file.
	Where  string
	Now    func() time.Time
	Logger *slog.Logger
	// NewID makes record ids; nil for random GUIDs.
	NewID func() string
	// Trace, when set, sees every SELECT a query runs, with its
	// arguments (tests check the plans with it).
	Trace func(query string, args []any)
	// Feed, when set, announces each write's changes to every host that
	// shares the organisation, and Watch follows them.
	Feed Feed
	// Statements is how many prepared statements the store keeps for the
	// queries and writes it makes again; 0 keeps none (pgx keeps its own
	// on each PostgreSQL connection).
	Statements int
}

// Feed carries the organisation's changes between the hosts that share
// it: SQLite's change log (ChangeLog), PostgreSQL's NOTIFY.
type Feed interface {
	// Announce makes a write's changes known to the other hosts. It runs
	// inside the write's transaction, last, so that they are known when,
	// and only if, it commits.
	Announce(ctx context.Context, tx *sql.Tx, changes []records.Changed) error
	// Watch is records.Watcher's.
	Watch(ctx context.Context, ready func(), deliver func([]records.Changed)) error
}

// Store is a records.Store over SQL.
type Store struct {
	catalog *metadata.Catalog
	dialect Dialect
	db      *sql.DB
	where   string
	now     func() time.Time
	logger  *slog.Logger
	newID   func() string
	tables  map[string]*table
	writeMu *sync.Mutex
	trace   func(string, []any)
	feed    Feed
	stmts   *stmtCache
}

var _ records.Store = (*Store)(nil)

// New returns a Store over an open database, after bringing its schema up
// to date.
func New(ctx context.Context, o Options) (*Store, error) {
	s := &Store{catalog: o.Catalog, dialect: o.Dialect, db: o.DB, where: o.Where, now: o.Now, logger: o.Logger,
		newID: o.NewID, tables: map[string]*table{}, trace: o.Trace, feed: o.Feed, stmts: newStmtCache(o.DB, o.Statements)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.newID == nil {
		s.newID = randomID
	}
	if o.SerializeWrites {
		s.writeMu = &sync.Mutex{}
	}
	for _, name := range s.catalog.Names() {
		e, _ := s.catalog.Entity(name)
		s.tables[name] = planTable(e)
	}
	start := time.Now()
	if err := s.migrate(ctx); err != nil {
		s.stmts.close()
		return nil, s.unavailable("preparing its tables", err)
	}
	s.logger.Debug("the organisation's database is ready", "where", s.where, "took", time.Since(start))
	return s, nil
}

// Catalog implements records.Store.
func (s *Store) Catalog() *metadata.Catalog { return s.catalog }

// Close implements records.Store.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// Watch implements records.Watcher: it follows the feed, or returns at
// once with an error when the store has none.
func (s *Store) Watch(ctx context.Context, ready func(), deliver func([]records.Changed)) error {
	if s.feed == nil {
		return errors.New("this organisation's store announces no changes")
	}
	return s.feed.Watch(ctx, ready, deliver)
}

// wtx is a write transaction and the changes it made, which the feed
// announces as it commits.
type wtx struct {
	*sql.Tx
	changes []records.Changed
}

// changed notes a record's change.
func (w *wtx) changed(entity, id string, version int64) {
	w.changes = append(w.changes, records.Changed{Entity: entity, ID: id, Version: version, Deleted: version == 0})
}

// maxAttempts bounds how often a transaction is run again: a write the
// database could not serialise with a concurrent one (PostgreSQL's
// serialisable transactions), or one whose connection was found dead
// before anything reached the server.
const maxAttempts = 8

// write runs fn in a write transaction: all of it or nothing. A
// transaction the database could not serialise with another is run again,
// from the start.
func (s *Store) write(ctx context.Context, fn func(*wtx) error) error {
	if s.writeMu != nil {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if err == nil || attempt == maxAttempts || !s.dialect.Retry(err) || ctx.Err() != nil {
			return err
		}
		s.logger.Debug("running a write again after a conflict with a concurrent one", "attempt", attempt, "error", err)
	}
}

func (s *Store) writeOnce(ctx context.Context, fn func(*wtx) error) error {
	tx, err := s.db.BeginTx(ctx, s.dialect.TxOptions())
	if err != nil {
		return s.unavailable("starting a change", err)
	}
	w := &wtx{Tx: tx}
	err = fn(w)
	if err == nil && s.feed != nil && len(w.changes) > 0 {
		if err = s.feed.Announce(ctx, tx, records.Summarise(w.changes)); err != nil {
			err = s.unavailable("announcing a change to the other hosts", err)
		}
	}
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.unavailable("saving a change", err)
	}
	return nil
}

// read runs fn in a read-only transaction, one consistent view; again,
// on a fresh connection, when the dialect says the failure allows it.
func (s *Store) read(ctx context.Context, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.readOnce(ctx, fn)
		if err == nil || attempt == maxAttempts || !s.dialect.Retry(err) || ctx.Err() != nil {
			return err
		}
		s.logger.Debug("running a read again", "attempt", attempt, "error", err)
	}
}

func (s *Store) readOnce(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.unavailable("starting a read", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// unavailable explains a database failure; coded errors pass unchanged.
// The failure keeps its cause, for Dialect.Retry.
func (s *Store) unavailable(doing string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*errcode.Error](err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Failure{Coded: records.Unavailable("the organisation's database (%s %s) did not answer in time while %s (%v); %s",
			s.dialect.Name(), s.where, doing, err, s.dialect.Explain(s.where, err)), Cause: err}
	}
	return &Failure{Coded: records.Unavailable("the organisation's database (%s %s) failed while %s: %v; %s",
		s.dialect.Name(), s.where, doing, err, s.dialect.Explain(s.where, err)), Cause: err}
}

// Failure is a failure of the database, explained for the caller (Coded,
// RecordsUnavailable) and kept for the store (Cause). errors.As finds
// both.
type Failure struct {
	Coded *errcode.Error
	Cause error
}

func (f *Failure) Error() string { return f.Coded.Message }

// Unwrap returns the explanation and the cause.
func (f *Failure) Unwrap() []error { return []error{f.Coded, f.Cause} }

// entity finds an entity's table.
func (s *Store) entity(name string) (*table, error) {
	e, err := records.Entity(s.catalog, name)
	if err != nil {
		return nil, err
	}
	return s.tables[e.LogicalName], nil
}

// nextCounter takes the next value of one of the store's counters.
func (s *Store) nextCounter(ctx context.Context, tx *wtx, name string) (int64, error) {
	var v int64
	err := s.stmts.queryRow(ctx, tx.Tx, s.dialect.NextCounter(name)).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("taking the next %s: %w", name, err)
	}
	return v, nil
}

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

func sqlOp(op string) string {
	switch op {
	case "eq":
		return "="
	case "ne":
		return "<>"
	case "gt":
		return ">"
	case "ge":
		return ">="
	case "lt":
		return "<"
	case "le":
		return "<="
	}
	panic("unknown comparison " + op)
}

// RawDB is the database handle, for tests and tools that inspect the
// store's own tables.
func (s *Store) RawDB() *sql.DB { return s.db }
