package store

import (
	"context"
	"io"
	"log/slog"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"tenx/invalidate"
)

// channelExpr names the NOTIFY channel of the current schema: deployments
// (and tests) in other schemas of one database do not hear each other.
// Channel names are identifiers of at most 63 bytes, hence the hash.
const channelExpr = `'tenx_' || left(md5(COALESCE(current_schema(), '')), 16)`

// note records that the write transaction tx changed what events name. On
// Postgres it NOTIFYs them inside tx, so every other instance hears of them
// when, and only if, tx commits; commit publishes them to this instance's
// caches right after the commit.
func (db *DB) note(ctx context.Context, tx *sqlx.Tx, events ...invalidate.Event) error {
	if len(events) == 0 {
		return nil
	}
	if db.dialect == DialectPostgres {
		payloads := make([]string, len(events))
		for i, e := range events {
			payloads[i] = e.String()
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify(`+channelExpr+`, p) FROM unnest($1::text[]) AS p`,
			pq.Array(payloads)); err != nil {
			return err
		}
	}
	v, _ := db.pending.LoadOrStore(tx, new([]invalidate.Event))
	list := v.(*[]invalidate.Event)
	*list = append(*list, events...)
	return nil
}

// commit commits tx and publishes what it noted here.
func (db *DB) commit(tx *sqlx.Tx) error {
	if err := tx.Commit(); err != nil {
		return err
	}
	if v, ok := db.pending.LoadAndDelete(tx); ok {
		db.bus.Publish(*v.(*[]invalidate.Event)...)
	}
	return nil
}

// discardNotes forgets what a transaction that did not commit noted.
func (db *DB) discardNotes(tx *sqlx.Tx) { db.pending.Delete(tx) }

// Bus is where this database announces its changes to the caches of this
// instance (and, on Postgres with Listen, hears those of the others).
func (db *DB) Bus() *invalidate.Bus { return db.bus }

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// Listen makes the Bus hear the changes other instances make, until the
// returned Closer is closed. On SQLite there are no other instances and it
// does nothing. On Postgres it LISTENs on a connection of its own, which
// reconnects by itself; until the LISTEN is in force, and while the
// connection is down, the Bus is not healthy.
func (db *DB) Listen(ctx context.Context, log *slog.Logger) (io.Closer, error) {
	if db.dialect != DialectPostgres {
		return nopCloser{}, nil
	}
	var channel string
	if err := get(ctx, db.db, &channel, `SELECT `+channelExpr); err != nil {
		return nil, translate(err, "listen", "channel")
	}
	return invalidate.Listen(db.dsn, dialer{d: newNetDialer()}, channel, db.bus, log), nil
}

func tokenEvent(id string) invalidate.Event { return invalidate.Event{Kind: invalidate.Token, Key: id} }

func tokenEvents(ids []string) []invalidate.Event {
	out := make([]invalidate.Event, 0, len(ids)+1)
	for _, id := range ids {
		out = append(out, tokenEvent(id))
	}
	return out
}

func roleEvent(handle string) invalidate.Event {
	return invalidate.Event{Kind: invalidate.Role, Key: handle}
}

func handleEvent(handle string) invalidate.Event {
	return invalidate.Event{Kind: invalidate.Handle, Key: handle}
}

func sessionEvent(id string) invalidate.Event {
	return invalidate.Event{Kind: invalidate.Session, Key: id}
}
