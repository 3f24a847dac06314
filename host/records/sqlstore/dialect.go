package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Storage is how a column stores its values.
type Storage int

// Storage classes.
const (
	StoreText   Storage = iota // exact text: ids, lookup types, phone digits
	StoreCIText                // text compared and ordered ignoring case
	StoreInteger
	StoreReal
	StoreBool
	StoreDateTime
	StoreDate
)

func (s Storage) String() string {
	return [...]string{"text", "citext", "integer", "real", "bool", "datetime", "date"}[s]
}

// Dialect is what differs between SQL databases. Identifiers passed to it
// come from validated metadata only; values never pass through it as text,
// only as arguments.
type Dialect interface {
	// Name names the dialect in messages: "SQLite", "PostgreSQL".
	Name() string
	// Placeholder is the nth (1-based) argument's placeholder: ? or $n.
	Placeholder(n int) string
	// Quote quotes an identifier.
	Quote(ident string) string
	// ColumnType is a column's declared type.
	ColumnType(s Storage) string
	// CompareText compares case-insensitive text with an argument, as
	// Dataverse compares strings.
	CompareText(col, op, arg string) string
	// LikeText matches case-insensitive text against a LIKE pattern
	// argument whose escape character is a backslash.
	LikeText(col, arg string) string
	// OrderBy orders by an expression with nulls first ascending (last
	// descending), as Dataverse orders.
	OrderBy(expr string, desc bool) string
	// RowOrder is the cheapest stable order of a table's rows (alias.id
	// where there is nothing better): the default order of a query and
	// the tie-breaker after $orderby.
	RowOrder(alias, id string) string
	// NoIndex keeps the planner from using an index to order by expr, so
	// that a selective WHERE (a phone number's index) picks the rows and
	// only they are sorted, instead of walking an ordering index through
	// the whole table looking for them.
	NoIndex(expr string) string
	// Value converts a Go value to what the driver stores: booleans, times.
	Bool(v bool) any
	Time(t time.Time, dateOnly bool) any
	// ScanTime reads a stored time.
	ScanTime(v any, dateOnly bool) (time.Time, error)
	// Columns lists a table's columns, or nil when it does not exist.
	Columns(ctx context.Context, tx *sql.Tx, table string) (map[string]bool, error)
	// LockSchema makes schema changes of concurrent hosts wait for each
	// other, inside the migrating transaction.
	LockSchema(ctx context.Context, tx *sql.Tx) error
	// FoldCase is a case-insensitive text expression as it is ordered and
	// indexed: the expression itself where the column's collation folds
	// case already (SQLite's NOCASE), lower(expr) elsewhere.
	FoldCase(expr string) string
	// NextCounter is the statement that takes the next value of one of
	// the store's counters (version, ticketnumber; names from the code
	// only), returning it as its one column. It takes no arguments.
	NextCounter(name string) string
	// Migration is the dialect's own statements of a versioned
	// migration, run after the statements every dialect shares.
	Migration(version int) []string
	// TxOptions are a write transaction's options.
	TxOptions() *sql.TxOptions
	// Retry reports whether a failed transaction may be run again as it
	// was (a serialisation failure, a deadlock), and then runs again.
	Retry(err error) bool
	// Explain says, for a failure of the database itself, what is wrong
	// and what to do, in a sentence that ends the error's message.
	Explain(where string, err error) string
}

// SQLite is the dialect of the embedded organisation. Text compares
// ignoring case through COLLATE NOCASE, which folds ASCII letters only:
// "ÉMILE" and "émile" differ there (PostgreSQL's dialect folds every
// letter).
type SQLite struct{}

// Name implements Dialect.
func (SQLite) Name() string { return "SQLite" }

// Placeholder implements Dialect.
func (SQLite) Placeholder(int) string { return "?" }

// Quote implements Dialect.
func (SQLite) Quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// ColumnType implements Dialect.
func (SQLite) ColumnType(s Storage) string {
	switch s {
	case StoreCIText:
		return "TEXT COLLATE NOCASE"
	case StoreInteger, StoreBool:
		return "INTEGER"
	case StoreReal:
		return "REAL"
	}
	return "TEXT"
}

// CompareText implements Dialect: the column's NOCASE collation applies.
func (SQLite) CompareText(col, op, arg string) string { return col + " " + op + " " + arg }

// LikeText implements Dialect: SQLite's LIKE ignores ASCII case.
func (SQLite) LikeText(col, arg string) string { return col + " LIKE " + arg + ` ESCAPE '\'` }

// OrderBy implements Dialect: SQLite sorts nulls first ascending already.
func (SQLite) OrderBy(expr string, desc bool) string {
	if desc {
		return expr + " DESC"
	}
	return expr
}

// RowOrder implements Dialect: the rowid, the order of the table itself,
// which costs no index walk (ordering by the id would read the whole
// table through its index to find the first matches).
func (SQLite) RowOrder(alias, _ string) string { return alias + ".rowid" }

// NoIndex implements Dialect: SQLite's unary + makes a column an
// expression, which no index orders.
func (SQLite) NoIndex(expr string) string { return "+" + expr }

// Bool implements Dialect.
func (SQLite) Bool(v bool) any {
	if v {
		return int64(1)
	}
	return int64(0)
}

// Stored time formats: fixed width, so text order is time order.
const (
	timeLayout = "2006-01-02T15:04:05Z"
	dateLayout = "2006-01-02"
)

// Time implements Dialect.
func (SQLite) Time(t time.Time, dateOnly bool) any {
	if dateOnly {
		return t.UTC().Format(dateLayout)
	}
	return t.UTC().Format(timeLayout)
}

// ScanTime implements Dialect.
func (SQLite) ScanTime(v any, dateOnly bool) (time.Time, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		return v.UTC(), nil
	default:
		return time.Time{}, fmt.Errorf("a stored time is %T, not text", v)
	}
	layout := timeLayout
	if dateOnly {
		layout = dateLayout
	}
	return time.Parse(layout, s)
}

// Columns implements Dialect.
func (SQLite) Columns(ctx context.Context, tx *sql.Tx, table string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
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

// LockSchema implements Dialect: a write transaction (BEGIN IMMEDIATE)
// already holds SQLite's only write lock.
func (SQLite) LockSchema(context.Context, *sql.Tx) error { return nil }

// FoldCase implements Dialect: NOCASE columns fold case themselves.
func (SQLite) FoldCase(expr string) string { return expr }

// NextCounter implements Dialect: the counters table, whose row the write
// transaction (the only one) holds.
func (SQLite) NextCounter(name string) string {
	return "UPDATE cifbridge_counters SET value = value + 1 WHERE name = '" + name + "' RETURNING value"
}

// Migration implements Dialect. Version 2 is the change log, which the
// hosts sharing the file poll for live changes (ChangeLog).
func (SQLite) Migration(version int) []string {
	if version == 2 {
		return []string{`CREATE TABLE IF NOT EXISTS cifbridge_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, record_id TEXT NOT NULL, version INTEGER NOT NULL, deleted INTEGER NOT NULL)`}
	}
	return nil
}

// TxOptions implements Dialect: SQLite's transactions are serialisable.
func (SQLite) TxOptions() *sql.TxOptions { return nil }

// Retry implements Dialect: a write waits for the lock (the busy
// timeout) rather than failing to be retried.
func (SQLite) Retry(error) bool { return false }

// Explain implements Dialect.
func (SQLite) Explain(where string, err error) string {
	return "if it is locked or busy, another program holds it: call again; otherwise check the disk and the file " + where + ", or run `cif-host doctor`"
}

// placeholders writes n placeholders from the (1-based) next one on.
func placeholders(d Dialect, next, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = d.Placeholder(next + i)
	}
	return strings.Join(parts, ", ")
}
