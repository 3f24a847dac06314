package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// testDB is a one-table SQLite database with at most conns connections.
func testDB(t *testing.T, conns int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(conns)
	_, err = db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two')")
	require.NoError(t, err)
	return db
}

// prepared waits, with a bound, for text's statement to be kept.
func prepared(t *testing.T, c *stmtCache, text string) *sql.Stmt {
	t.Helper()
	var stmt *sql.Stmt
	require.Eventually(t, func() bool { stmt = c.get(text); return stmt != nil }, 10*time.Second, time.Millisecond,
		"the statement %q should be prepared in the background", text)
	return stmt
}

func value(t *testing.T, c *stmtCache, tx *sql.Tx, text string, id int) string {
	t.Helper()
	var v string
	require.NoError(t, c.queryRow(context.Background(), tx, text, id).Scan(&v))
	return v
}

func TestAStatementSeenOnceIsPreparedForTheNextTime(t *testing.T) {
	db := testDB(t, 2)
	c := newStmtCache(db, 4)
	defer c.close()
	const text = "SELECT v FROM t WHERE id = ?"
	tx, err := db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()

	require.Equal(t, "one", value(t, c, tx, text, 1), "the first time, unprepared")
	stmt := prepared(t, c, text)
	require.Equal(t, "two", value(t, c, tx, text, 2), "then prepared")
	require.Same(t, stmt, c.get(text), "the same statement is kept")
}

func TestATransactionHoldingEveryConnectionStillRunsNewStatements(t *testing.T) {
	// The background preparation needs a connection of its own; the
	// query must not wait for it.
	db := testDB(t, 1)
	c := newStmtCache(db, 4)
	defer c.close()
	tx, err := db.Begin()
	require.NoError(t, err)
	for i := range 3 {
		require.Equal(t, "one", value(t, c, tx, fmt.Sprintf("SELECT v FROM t WHERE id = ? AND %d = %d", i, i), 1))
	}
	require.NoError(t, tx.Rollback())
	prepared(t, c, "SELECT v FROM t WHERE id = ? AND 2 = 2")
}

func TestTheLeastRecentlyUsedStatementGoesAndOneInUseStillWorks(t *testing.T) {
	db := testDB(t, 2)
	c := newStmtCache(db, 2)
	defer c.close()
	texts := []string{"SELECT v FROM t WHERE id = ?", "SELECT v || '' FROM t WHERE id = ?", "SELECT v || '!' FROM t WHERE id = ?"}
	ctx := context.Background()
	tx, err := db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()

	c.get(texts[0])
	first := tx.StmtContext(ctx, prepared(t, c, texts[0]))
	c.get(texts[1])
	prepared(t, c, texts[1])
	c.get(texts[2])
	prepared(t, c, texts[2])

	c.mu.Lock()
	_, kept := c.byText[texts[0]]
	require.False(t, kept, "the oldest of three statements goes when two are kept")
	require.Equal(t, 2, c.order.Len())
	c.mu.Unlock()
	var v string
	require.NoError(t, first.QueryRowContext(ctx, 2).Scan(&v), "a transaction keeps a statement closed under it")
	require.Equal(t, "two", v)
	require.Equal(t, "one", value(t, c, tx, texts[0], 1), "an evicted text runs unprepared")
}

func TestAClosedCacheKeepsNothingAndQueriesStillRun(t *testing.T) {
	db := testDB(t, 2)
	c := newStmtCache(db, 4)
	const text = "SELECT v FROM t WHERE id = ?"
	c.get(text)
	prepared(t, c, text)
	c.close()
	require.Nil(t, c.get(text))
	tx, err := db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()
	require.Equal(t, "one", value(t, c, tx, text, 1))
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Empty(t, c.byText, "nothing is prepared after close")
}

func TestNoCacheKeepsNothing(t *testing.T) {
	db := testDB(t, 1)
	c := newStmtCache(db, 0)
	defer c.close()
	tx, err := db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()
	require.Equal(t, "one", value(t, c, tx, "SELECT v FROM t WHERE id = ?", 1))
	require.Nil(t, c.get("SELECT v FROM t WHERE id = ?"))
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Empty(t, c.byText)
}
