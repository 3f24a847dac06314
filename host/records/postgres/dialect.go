package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cifbridge/cif-bridge/host/records/sqlstore"
)

// Dialect is PostgreSQL's sqlstore.Dialect. Case-insensitive text is
// plain text compared, matched, ordered and indexed through lower(),
// which folds every letter of the database's locale (create the database
// with a UTF-8 locale); exact text (ids, phone digits) is COLLATE "C", so
// that its B-tree ranges are byte ranges. Times are timestamptz and dates
// date; counters are sequences, so that concurrent writers never wait
// for each other's counter row.
type Dialect struct{}

var _ sqlstore.Dialect = Dialect{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "PostgreSQL" }

// Placeholder implements sqlstore.Dialect.
func (Dialect) Placeholder(n int) string { return fmt.Sprintf("$%d", n) }

// Quote implements sqlstore.Dialect.
func (Dialect) Quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// ColumnType implements sqlstore.Dialect.
func (Dialect) ColumnType(s sqlstore.Storage) string {
	switch s {
	case sqlstore.StoreText:
		return `TEXT COLLATE "C"`
	case sqlstore.StoreCIText:
		return "TEXT"
	case sqlstore.StoreInteger:
		return "BIGINT"
	case sqlstore.StoreReal:
		return "DOUBLE PRECISION"
	case sqlstore.StoreBool:
		return "BOOLEAN"
	case sqlstore.StoreDateTime:
		return "TIMESTAMPTZ"
	case sqlstore.StoreDate:
		return "DATE"
	}
	return "TEXT"
}

// CompareText implements sqlstore.Dialect.
func (Dialect) CompareText(col, op, arg string) string {
	return "lower(" + col + ") " + op + " lower(" + arg + ")"
}

// LikeText implements sqlstore.Dialect.
func (Dialect) LikeText(col, arg string) string {
	return "lower(" + col + ") LIKE lower(" + arg + `) ESCAPE '\'`
}

// OrderBy implements sqlstore.Dialect: nulls first ascending, last
// descending, as Dataverse and SQLite order.
func (Dialect) OrderBy(expr string, desc bool) string {
	if desc {
		return expr + " DESC NULLS LAST"
	}
	return expr + " ASC NULLS FIRST"
}

// RowOrder implements sqlstore.Dialect: the primary key.
func (Dialect) RowOrder(alias, id string) string { return alias + "." + id }

// NoIndex implements sqlstore.Dialect: PostgreSQL's planner weighs the
// WHERE's indexes against the ordering's by their statistics itself.
func (Dialect) NoIndex(expr string) string { return expr }

// Bool implements sqlstore.Dialect.
func (Dialect) Bool(v bool) any { return v }

// Time implements sqlstore.Dialect.
func (Dialect) Time(t time.Time, dateOnly bool) any {
	t = t.UTC()
	if dateOnly {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return t
}

// ScanTime implements sqlstore.Dialect.
func (Dialect) ScanTime(v any, dateOnly bool) (time.Time, error) {
	t, ok := v.(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("a stored time is %T, not a time", v)
	}
	if dateOnly {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	return t.UTC(), nil
}

// Columns implements sqlstore.Dialect: the table in the connection's
// schema (the first of its search_path).
func (Dialect) Columns(ctx context.Context, tx *sql.Tx, table string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols map[string]bool
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		if cols == nil {
			cols = map[string]bool{}
		}
		cols[name] = true
	}
	return cols, rows.Err()
}

// schemaLock is the advisory lock's key that serialises the schema
// changes of hosts starting at once ("cifbridge" in ASCII).
const schemaLock = 0x6369666272696467

// LockSchema implements sqlstore.Dialect: a transaction-scoped advisory
// lock, so that two hosts starting at once migrate one after the other,
// and the second finds the work done.
func (Dialect) LockSchema(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(schemaLock))
	return err
}

// FoldCase implements sqlstore.Dialect.
func (Dialect) FoldCase(expr string) string { return "lower(" + expr + ")" }

// NextCounter implements sqlstore.Dialect: a sequence, which takes no
// lock that a concurrent writer waits for.
func (Dialect) NextCounter(name string) string { return "SELECT nextval('cifbridge_" + name + "')" }

// Migration implements sqlstore.Dialect. Version 2 makes the counters
// sequences, going on from the counters table's values.
func (Dialect) Migration(version int) []string {
	if version != 2 {
		return nil
	}
	var out []string
	for _, name := range []string{"version", "ticketnumber"} {
		out = append(out,
			"CREATE SEQUENCE IF NOT EXISTS cifbridge_"+name,
			"SELECT setval('cifbridge_"+name+"', (SELECT value FROM cifbridge_counters WHERE name = '"+name+"'))")
	}
	return out
}

// TxOptions implements sqlstore.Dialect: serialisable, as SQLite's are,
// so that a write's checks (a lookup's target exists, no case needs the
// account being deleted) hold when it commits; the store runs a write
// the server could not serialise again.
func (Dialect) TxOptions() *sql.TxOptions { return &sql.TxOptions{Isolation: sql.LevelSerializable} }

// Retry implements sqlstore.Dialect: serialisation failures and
// deadlocks; and a connection found dead before anything reached the
// server (pgconn.SafeToRetry: one the server closed while it sat idle in
// the pool, as a restart leaves them), which the pool then replaces.
func (Dialect) Retry(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return pgconn.SafeToRetry(err)
}

// Explain implements sqlstore.Dialect.
func (Dialect) Explain(where string, err error) string {
	return Explain(err)
}

// Explain says what a PostgreSQL failure means and what to do.
func Explain(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01" || pe.Code == "28000":
			return "the server refused the login: check the user in records.database and the password in records.passwordFile or the environment variable settings.json names (PGPASSWORD by default)"
		case pe.Code == "3D000":
			return "the database does not exist: create it (createdb, or CREATE DATABASE) or fix records.database in settings.json"
		case pe.Code == "42501":
			return "the user may not do this: grant it the database's privileges (docs/records.md, \"A team's organisation on PostgreSQL\")"
		case strings.HasPrefix(pe.Code, "57P") || strings.HasPrefix(pe.Code, "08"):
			return "the server is stopping, restarting or unreachable: cif-host reconnects by itself, so call again in a moment; if it goes on, ask whoever runs the server"
		case strings.HasPrefix(pe.Code, "53"):
			return "the server is out of resources (connections, disk or memory): ask whoever runs it, then call again"
		}
		return "the server said " + pe.Code + ": see its log, or ask whoever runs it"
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed") ||
		strings.Contains(err.Error(), "unexpected EOF") || strings.Contains(err.Error(), "connection refused") {
		return "cif-host cannot reach the server: check that it is running and that records.database in settings.json names it; cif-host reconnects by itself, so call again once it is back (your sessions keep working meanwhile)"
	}
	return "call again; if it goes on, check the server's log and records.database in settings.json"
}
