package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A transaction that loses a race the database settles by aborting it
// (a Postgres deadlock or serialization failure, SQLite's busy writer
// lock) is run again from the start, at most txAttempts times in all, after
// a random pause below txBackoff doubled per attempt so that the losers do
// not collide again in step. What still fails is EUNAVAILABLE.
const (
	txAttempts = 4
	txBackoff  = 10 * time.Millisecond
)

// isRetryable reports whether err aborted a transaction that may succeed
// if run again unchanged.
func isRetryable(err error) bool {
	if pq.As(err, pqerror.TRSerializationFailure, pqerror.TRDeadlockDetected) != nil {
		return true
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteErr.Code() & 0xff // the primary code of an extended one
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}

// pause waits before attempt (counted from 2) or until ctx ends.
func pause(ctx context.Context, attempt int) error {
	d := rand.N(txBackoff << (attempt - 2))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
