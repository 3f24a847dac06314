// Package postgres opens a team's organisation on PostgreSQL, through
// pgx: a pgxpool (which reconnects by itself after the server restarts or
// the network drops) under database/sql (pgx's stdlib), so that sqlstore
// serves it as it serves the embedded SQLite file, with this package's
// Dialect; and a connection of its own that LISTENs for the changes every
// host NOTIFYs (Notifier).
//
// Open returns at once; the first record call connects, and creates or
// migrates the tables (the migration holds an advisory lock, so hosts
// starting at once migrate one after the other).
package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/sqlstore"
)

// Options say which database holds the organisation and how to use it.
type Options struct {
	// URL is the connection string, postgres://user@host:port/database?…,
	// without a password.
	URL string
	// Password, when set, is the user's password (read from
	// records.passwordFile or the variable settings.json names); without
	// it pgx reads PGPASSWORD and ~/.pgpass as libpq does.
	Password string
	Catalog  *metadata.Catalog
	Logger   *slog.Logger
	// Now is the clock for createdon and modifiedon; nil for time.Now.
	Now func() time.Time
	// NewID makes record ids; nil for random GUIDs.
	NewID func() string
	// MaxConns bounds the pool's connections (default 4): one cif-host
	// serves one browser profile, whose calls come one at a time.
	MaxConns int
	// ConnectTimeout bounds one attempt to connect (default 5 s, below a
	// record call's 8 s), unless the URL sets connect_timeout.
	ConnectTimeout time.Duration
	// Trace sees every SELECT a query runs (for tests).
	Trace func(query string, args []any)
}

// IsURL reports whether a records.database value names a PostgreSQL
// database rather than a file.
func IsURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Open returns the organisation as a Store that connects on its first
// call, and connects again on a later call if that failed.
func Open(o Options) *records.Lazy {
	return records.NewLazy(o.Catalog, func(ctx context.Context) (records.Store, error) {
		return OpenNow(ctx, o)
	})
}

// Store is a team's organisation: a sqlstore.Store over the pool, which
// it closes with the store.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
}

// Close implements records.Store.
func (s *Store) Close() error {
	err := s.Store.Close()
	s.pool.Close()
	return err
}

// Pool is the pgx pool, for tests and tools.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Where names a database in messages: its URL, which holds no password.
func Where(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(an unreadable address)"
	}
	u.User = url.User(u.User.Username())
	if u.User.Username() == "" {
		u.User = nil
	}
	return u.String()
}

// OpenNow connects to the organisation's database at once, creating or
// migrating its tables.
func OpenNow(ctx context.Context, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 4
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	where := Where(o.URL)
	cfg, err := pgxpool.ParseConfig(o.URL)
	if err != nil {
		return nil, records.Unavailable("records.database in settings.json, %s, is not a PostgreSQL connection string cif-host can read (%v); write it as postgres://user@host:5432/database", where, err)
	}
	if o.Password != "" {
		cfg.ConnConfig.Password = o.Password
	}
	if !strings.Contains(o.URL, "connect_timeout") {
		cfg.ConnConfig.ConnectTimeout = o.ConnectTimeout
	}
	cfg.MaxConns = int32(o.MaxConns)
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 30 * time.Second
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "cif-host"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, records.Unavailable("cannot use the organisation's database %s (%v); %s", where, err, Explain(err))
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		pool.Close()
		return nil, records.Unavailable("cannot connect to the organisation's database %s (%v); %s", where, err, Explain(err))
	}
	channel, err := channelOf(ctx, db)
	if err != nil {
		db.Close()
		pool.Close()
		return nil, records.Unavailable("cannot read the organisation's schema in %s (%v); %s", where, err, Explain(err))
	}
	s, err := sqlstore.New(ctx, sqlstore.Options{
		Catalog: o.Catalog, Dialect: Dialect{}, DB: db, Where: where,
		Now: o.Now, Logger: o.Logger, NewID: o.NewID, Trace: o.Trace,
		Feed: &Notifier{Pool: pool, Channel: channel, Logger: o.Logger},
	})
	if err != nil {
		db.Close()
		pool.Close()
		return nil, err
	}
	return &Store{Store: s, pool: pool}, nil
}

// channelOf is the organisation's NOTIFY channel: one per schema (the
// first of the connection's search_path), as the organisation is, and
// NOTIFY is per database already.
func channelOf(ctx context.Context, db *sql.DB) (string, error) {
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", err
	}
	ch := "cifbridge_records_" + schema
	if len(ch) > 63 {
		sum := sha256.Sum256([]byte(schema))
		ch = "cifbridge_records_" + hex.EncodeToString(sum[:8])
	}
	return ch, nil
}
