package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
	"tenx/cache"
	"tenx/invalidate"
)

var _ tenx.OriginService = (*DB)(nil)

// FindContextOrigins returns the handle's origins, sorted.
func (db *DB) FindContextOrigins(ctx context.Context, handle string) ([]string, error) {
	out := []string{}
	err := query(ctx, db.db, &out, `SELECT origin FROM context_origins WHERE handle = ? ORDER BY origin`, handle)
	return out, translate(err, "find context origins", "context origins")
}

// ReplaceContextOrigins replaces the handle's origins in one transaction
// with its audit row, and invalidates the origin cache.
func (db *DB) ReplaceContextOrigins(ctx context.Context, handle string, origins []string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := exec(ctx, tx, `DELETE FROM context_origins WHERE handle = ?`, handle); err != nil {
			return err
		}
		if len(origins) > 0 {
			args := make([]any, 0, 2*len(origins))
			for _, o := range origins {
				args = append(args, handle, o)
			}
			if _, err := exec(ctx, tx, `INSERT INTO context_origins (handle, origin) VALUES `+
				placeholders(len(origins), 2), args...); err != nil {
				return err
			}
		}
		if err := record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: "context_origins.replaced"}); err != nil {
			return err
		}
		return db.note(ctx, tx, invalidate.Event{Kind: invalidate.Origins, Key: handle})
	})
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	return translate(err, "replace context origins", "context origins")
}

// The answer for each origin a browser presents, and for each (handle,
// origin) pair, is cached (unknown ones too: a page on any site can send
// them); any change of any handle's origins clears the cache here and on
// other instances.
const maxCachedOrigins = 10000

func newOriginCache() *cache.Map[string, bool] { return cache.New[string, bool](maxCachedOrigins) }

// subscribeOrigins keeps the origin cache in step with the Bus.
func (db *DB) subscribeOrigins() {
	db.bus.Subscribe(func(e invalidate.Event) {
		switch e.Kind {
		case invalidate.Origins, invalidate.Handle, invalidate.All:
			db.origins.Clear()
		}
	})
}

// OriginAllowed reports whether some handle lists origin.
func (db *DB) OriginAllowed(ctx context.Context, origin string) (bool, error) {
	return db.cachedOrigin(ctx, origin, `SELECT COUNT(*) FROM context_origins WHERE origin = ?`, origin)
}

// HandleListsOrigin reports whether handle lists origin.
func (db *DB) HandleListsOrigin(ctx context.Context, handle, origin string) (bool, error) {
	// No header value that Go's server accepts holds a NUL, and no handle
	// name does, so these keys never meet OriginAllowed's.
	return db.cachedOrigin(ctx, handle+"\x00"+origin,
		`SELECT COUNT(*) FROM context_origins WHERE handle = ? AND origin = ?`, handle, origin)
}

// cachedOrigin answers whether the count query finds a row, through the
// origin cache under key.
func (db *DB) cachedOrigin(ctx context.Context, key, countSQL string, args ...any) (bool, error) {
	now := db.now()
	if ok, hit := db.origins.Get(key, now); hit {
		return ok, nil
	}
	epoch := db.origins.Epoch()
	var n int
	if err := get(ctx, db.db, &n, countSQL, args...); err != nil {
		return false, translate(err, "find context origin", "context origin")
	}
	db.origins.Put(key, n > 0, now.Add(db.bus.TTL(linkShortTTL)), now, epoch)
	return n > 0, nil
}
