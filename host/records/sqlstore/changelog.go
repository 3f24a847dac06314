package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cifbridge/cif-bridge/host/records"
)

// ChangeLog is the embedded organisation's Feed: each write adds its
// changes to a table in the same transaction (cifbridge_changes, made by
// migration 2), and every host sharing the file polls it. A poll is one
// read of the table's newest rows through its primary key, which costs a
// few microseconds when nothing changed, so polling four times a second
// is cheap; it needs nothing beside the file (no socket, no file watcher,
// which network and sandboxed file systems do not all support), and it
// reaches every browser profile's cif-host alike.
//
// The log keeps the last KeepChanges changes: a host that falls further
// behind (a laptop that slept) is told that it may have missed changes.
type ChangeLog struct {
	// DB is the organisation's database.
	DB *sql.DB
	// Every is how often Watch polls; DefaultPoll when 0.
	Every time.Duration
}

// DefaultPoll is how often ChangeLog polls.
const DefaultPoll = 250 * time.Millisecond

// KeepChanges is how many changes the log keeps.
const KeepChanges = 10_000

// Announce implements Feed.
func (l ChangeLog) Announce(ctx context.Context, tx *sql.Tx, changes []records.Changed) error {
	var last int64
	for _, c := range changes {
		err := tx.QueryRowContext(ctx, `INSERT INTO cifbridge_changes (entity, record_id, version, deleted) VALUES (?, ?, ?, ?) RETURNING seq`,
			c.Entity, c.ID, c.Version, c.Deleted).Scan(&last)
		if err != nil {
			return fmt.Errorf("writing the change log: %w", err)
		}
	}
	// Trim now and then, not on every write: when the log passes a
	// multiple of 256.
	if last/256 != (last-int64(len(changes)))/256 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cifbridge_changes WHERE seq <= ?`, last-KeepChanges); err != nil {
			return fmt.Errorf("trimming the change log: %w", err)
		}
	}
	return nil
}

// Watch implements Feed: it starts at the newest change, then polls.
func (l ChangeLog) Watch(ctx context.Context, ready func(), deliver func([]records.Changed)) error {
	every := l.Every
	if every <= 0 {
		every = DefaultPoll
	}
	var last int64
	if err := l.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM cifbridge_changes`).Scan(&last); err != nil {
		return fmt.Errorf("reading the change log: %w", err)
	}
	ready()
	tick := time.NewTicker(every)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		next, changes, err := l.since(ctx, last)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			// The file is busy or gone for a moment: try again, and tell
			// the views to refresh once it reads again.
			failing = true
			continue
		case failing:
			failing = false
			changes = append([]records.Changed{{}}, changes...)
		}
		last = next
		if len(changes) > 0 {
			deliver(changes)
		}
	}
}

// pollBatch bounds the rows one poll reads; the next poll goes on.
const pollBatch = 500

// since reads the changes after seq last. A gap before the first (the
// log was trimmed past it) becomes a change that says changes may have
// been missed.
func (l ChangeLog) since(ctx context.Context, last int64) (int64, []records.Changed, error) {
	rows, err := l.DB.QueryContext(ctx, `SELECT seq, entity, record_id, version, deleted FROM cifbridge_changes WHERE seq > ? ORDER BY seq LIMIT ?`, last, pollBatch)
	if err != nil {
		return last, nil, err
	}
	defer rows.Close()
	var out []records.Changed
	for rows.Next() {
		var seq int64
		var c records.Changed
		if err := rows.Scan(&seq, &c.Entity, &c.ID, &c.Version, &c.Deleted); err != nil {
			return last, nil, err
		}
		if seq != last+1 {
			out = append(out, records.Changed{})
		}
		out = append(out, c)
		last = seq
	}
	return last, out, rows.Err()
}
