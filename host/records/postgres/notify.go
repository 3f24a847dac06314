package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cifbridge/cif-bridge/host/records"
)

// Notifier is the team's Feed: each write NOTIFYs the organisation's
// channel inside its transaction (PostgreSQL delivers it when, and only
// if, the transaction commits), with the changes as a JSON array
// (records.Summarise keeps it far below NOTIFY's 8000 bytes); Watch
// LISTENs on a connection of its own, outside the pool, and connects
// again by itself after the server restarts or the network drops.
type Notifier struct {
	Pool    *pgxpool.Pool
	Channel string
	Logger  *slog.Logger
}

// Announce implements sqlstore.Feed.
func (n *Notifier) Announce(ctx context.Context, tx *sql.Tx, changes []records.Changed) error {
	payload, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("encoding the changes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, n.Channel, string(payload)); err != nil {
		return fmt.Errorf("notifying the other hosts: %w", err)
	}
	return nil
}

// Reconnect bounds how long the listener waits between attempts to
// connect again: it starts at a tenth of it and doubles.
const Reconnect = 5 * time.Second

// Watch implements sqlstore.Feed. After it connects again, it delivers a
// change that says changes may have been missed meanwhile.
func (n *Notifier) Watch(ctx context.Context, ready func(), deliver func([]records.Changed)) error {
	wait := Reconnect / 10
	connected := false
	for {
		err := n.listen(ctx, deliver, func() {
			if connected {
				n.Logger.Info("listening for the other hosts' changes again")
				deliver([]records.Changed{{}})
			} else {
				ready()
			}
			connected = true
			wait = Reconnect / 10
		})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n.Logger.Warn("lost the organisation's change notifications; connecting again", "channel", n.Channel, "in", wait, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, Reconnect)
	}
}

// listen connects, LISTENs and delivers until the connection fails.
func (n *Notifier) listen(ctx context.Context, deliver func([]records.Changed), ready func()) error {
	conn, err := pgx.ConnectConfig(ctx, n.Pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closing, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(closing)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{n.Channel}.Sanitize()); err != nil {
		return err
	}
	ready()
	for {
		note, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var changes []records.Changed
		if err := json.Unmarshal([]byte(note.Payload), &changes); err != nil {
			n.Logger.Warn("ignored a change notification that is not cif-host's", "channel", n.Channel, "error", err)
			continue
		}
		deliver(changes)
	}
}
