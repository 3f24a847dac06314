package sqlstore

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements by their text, so that a statement
// the store runs again (a screen pop's phone search, a record read or
// written by id) is not parsed and planned again: with SQLite that was
// half of a screen pop's time in the host. It keeps the last max texts
// used.
//
// A text seen for the first time runs unprepared, and is prepared in the
// background for the next time: a statement made inside a transaction
// cannot wait for a connection of its own, since every connection may be
// held by a transaction waiting in the same way. A statement evicted or
// closed while a transaction takes it is prepared again on that
// transaction's connection (sql.Tx.StmtContext), so nothing fails.
type stmtCache struct {
	db  *sql.DB
	max int
	// ctx ends the background preparations when the store closes.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu sync.Mutex
	// byText holds the prepared statements' elements of order, and nil
	// for a text being prepared.
	byText map[string]*list.Element
	order  *list.List // of *cached, most recently used first
	closed bool
}

type cached struct {
	text string
	stmt *sql.Stmt
}

// newStmtCache keeps up to max statements; with max 0 it keeps none.
func newStmtCache(db *sql.DB, max int) *stmtCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &stmtCache{db: db, max: max, ctx: ctx, cancel: cancel, byText: map[string]*list.Element{}, order: list.New()}
}

// get returns text's prepared statement, or nil when it has none yet, and
// then prepares it in the background.
func (c *stmtCache) get(text string) *sql.Stmt {
	if c.max == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	e, seen := c.byText[text]
	if e != nil {
		c.order.MoveToFront(e)
		return e.Value.(*cached).stmt
	}
	if !seen {
		c.byText[text] = nil
		c.wg.Go(func() { c.prepare(text) })
	}
	return nil
}

// prepare prepares text on a connection of its own and keeps it, evicting
// the least recently used statement when full.
func (c *stmtCache) prepare(text string) {
	stmt, err := c.db.PrepareContext(c.ctx, text)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil || c.closed {
		delete(c.byText, text) // tried again when next used
		if stmt != nil {
			stmt.Close()
		}
		return
	}
	c.byText[text] = c.order.PushFront(&cached{text: text, stmt: stmt})
	for c.order.Len() > c.max {
		old := c.order.Remove(c.order.Back()).(*cached)
		delete(c.byText, old.text)
		old.stmt.Close() // a transaction using it keeps it until it ends
	}
}

// close stops the preparations and closes every statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.order.Front(); e != nil; e = e.Next() {
		e.Value.(*cached).stmt.Close()
	}
	c.order.Init()
	clear(c.byText)
}

// query runs a query in tx, prepared when it was seen before.
func (c *stmtCache) query(ctx context.Context, tx *sql.Tx, text string, args ...any) (*sql.Rows, error) {
	if stmt := c.get(text); stmt != nil {
		return tx.StmtContext(ctx, stmt).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, text, args...)
}

// queryRow is query for one row.
func (c *stmtCache) queryRow(ctx context.Context, tx *sql.Tx, text string, args ...any) *sql.Row {
	if stmt := c.get(text); stmt != nil {
		return tx.StmtContext(ctx, stmt).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, text, args...)
}

// exec runs a statement in tx, prepared when it was seen before.
func (c *stmtCache) exec(ctx context.Context, tx *sql.Tx, text string, args ...any) (sql.Result, error) {
	if stmt := c.get(text); stmt != nil {
		return tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, text, args...)
}
