// Package sqlite opens the embedded organisation: one SQLite file per
// user, shared by every browser profile and every cif-host at once. It
// runs in WAL mode (readers never wait for the writer), with a busy
// timeout (a writer waits its turn rather than failing), and every call
// in one transaction; writes begin IMMEDIATE, so two hosts never deadlock
// upgrading a read to a write. The driver is modernc.org/sqlite, pure Go.
//
// Open returns at once: the file is opened, created or migrated by the
// first call that needs it.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/sqlstore"
)

// Options say where the organisation is and how to open it.
type Options struct {
	// Path is the database file; its folder is created if need be.
	Path    string
	Catalog *metadata.Catalog
	Logger  *slog.Logger
	// Now is the clock for createdon and modifiedon; nil for time.Now.
	Now func() time.Time
	// BusyTimeout is how long a write waits for another host's write
	// (default 10 s).
	BusyTimeout time.Duration
	// CacheKiB is each connection's page cache (default 2048 KiB); with
	// MaxConns connections it bounds the memory the database takes.
	CacheKiB int
	// MaxConns bounds the open connections (default 4).
	MaxConns int
	// NewID makes record ids; nil for random GUIDs.
	NewID func() string
	// Trace sees every SELECT a query runs (for tests).
	Trace func(query string, args []any)
	// Poll is how often Watch reads the change log for the other hosts'
	// changes (sqlstore.DefaultPoll when 0).
	Poll time.Duration
}

// Open returns the organisation as a Store that opens the file on its
// first call.
func Open(o Options) *records.Lazy {
	return records.NewLazy(o.Catalog, func(ctx context.Context) (records.Store, error) {
		return OpenNow(ctx, o)
	})
}

// OpenNow opens (creating or migrating) the organisation file at once.
func OpenNow(ctx context.Context, o Options) (*sqlstore.Store, error) {
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.CacheKiB <= 0 {
		o.CacheKiB = 2048
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 4
	}
	if o.Path == "" {
		return nil, records.Unavailable("no file is configured for the organisation's database; set records.database in settings.json, or leave it out for the default")
	}
	path, err := filepath.Abs(o.Path)
	if err != nil {
		return nil, records.Unavailable("the organisation's database path %q cannot be made absolute (%v); give an absolute path in settings.json's records.database", o.Path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, records.Unavailable("cannot create the folder of the organisation's database, %s (%v); create it yourself or choose another place with records.database in settings.json", filepath.Dir(path), err)
	}
	db, err := sql.Open("sqlite", DSN(path, o.BusyTimeout, o.CacheKiB))
	if err != nil {
		return nil, records.Unavailable("cannot open the organisation's database %s: %v", path, err)
	}
	db.SetMaxOpenConns(o.MaxConns)
	db.SetMaxIdleConns(min(2, o.MaxConns))
	db.SetConnMaxIdleTime(time.Minute)
	if err := ping(ctx, db, o.BusyTimeout); err != nil {
		db.Close()
		return nil, records.Unavailable("cannot open the organisation's database %s (%v); check that its folder is writable and the file is an SQLite database, or choose another place with records.database in settings.json", path, err)
	}
	s, err := sqlstore.New(ctx, sqlstore.Options{
		Catalog: o.Catalog, Dialect: sqlstore.SQLite{}, DB: db, SerializeWrites: true,
		Where: path, Now: o.Now, Logger: o.Logger, NewID: o.NewID, Trace: o.Trace,
		Feed: sqlstore.ChangeLog{DB: db, Every: o.Poll}, Statements: statements,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// statements is how many prepared statements the organisation keeps: more
// than the shapes of query and write one agent's calls make.
const statements = 64

// ping opens the first connection. Switching a new file to WAL needs the
// file to itself for a moment, and SQLite reports another host's doing
// the same as busy without waiting: that is tried again, within the busy
// timeout.
func ping(ctx context.Context, db *sql.DB, busy time.Duration) error {
	deadline := time.Now().Add(busy)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := db.PingContext(ctx)
		if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// DSN is the driver's data source name for a file: a file: URI (so that
// any character in the path is safe) with WAL, the busy timeout, IMMEDIATE
// write transactions, synchronous=NORMAL (WAL keeps that durable across
// crashes of cif-host; an OS crash may lose the last commits) and the page
// cache size.
func DSN(path string, busy time.Duration, cacheKiB int) string {
	p := filepath.ToSlash(path)
	if runtime.GOOS == "windows" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p}
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Set("_busy_timeout", fmt.Sprint(busy.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
	q.Add("_pragma", "temp_store(memory)")
	return u.String() + "?" + q.Encode()
}
