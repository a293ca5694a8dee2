package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var _ tenx.ChainService = (*DB)(nil)

// AddChainSignals stores the batch under the three limits in one
// transaction. It first upserts the session's row and then the IP's row:
// on Postgres those updates lock the rows until commit, so batches of one
// session or one IP are counted one after the other (SQLite has one
// writer); the lock order is always session then IP, so two batches never
// wait for each other's locks. Windows slide: a signal counts while
// received_at > now - SignalWindow.
func (db *DB) AddChainSignals(ctx context.Context, b *tenx.ChainBatch) (int, error) {
	ipKey := chainIPKey(b.IP)
	var total int
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		ms, since := toMillis(now), toMillis(now.Add(-tenx.SignalWindow))
		if err := get(ctx, tx, &total, `INSERT INTO chain_sessions (handle, session_id, total, updated_at) VALUES (?, ?, 0, ?)
			ON CONFLICT (handle, session_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING total`,
			b.Handle, b.SessionID, ms); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `INSERT INTO chain_ips (ip_key, updated_at) VALUES (?, ?)
			ON CONFLICT (ip_key) DO UPDATE SET updated_at = excluded.updated_at`, ipKey, ms); err != nil {
			return err
		}
		n := len(b.Signals)
		if total+n > tenx.MaxSignalsPerSession {
			return tenx.Errorf(tenx.ECONFLICT, "session %q holds %d signals; at most %d", b.SessionID, total, tenx.MaxSignalsPerSession)
		}
		if err := checkWindow(ctx, tx, now, n, tenx.MaxSignalsPerSessionInWindow, "this session",
			`handle = ? AND session_id = ? AND received_at > ?`, b.Handle, b.SessionID, since); err != nil {
			return err
		}
		if err := checkWindow(ctx, tx, now, n, tenx.MaxSignalsPerIPInWindow, "this address",
			`ip_key = ? AND received_at > ?`, ipKey, since); err != nil {
			return err
		}
		if n > 0 { // at most 60 (the spec's maxItems): one INSERT
			args := make([]any, 0, 7*n)
			for i, s := range b.Signals {
				args = append(args, b.Handle, b.SessionID, total+i+1, s.Type, s.Value, ipKey, ms)
			}
			if _, err := exec(ctx, tx, `INSERT INTO chain_signals (handle, session_id, seq, type, value, ip_key, received_at)
				VALUES `+placeholders(n, 7), args...); err != nil {
				return err
			}
		}
		total += n
		_, err := exec(ctx, tx, `UPDATE chain_sessions SET total = ? WHERE handle = ? AND session_id = ?`, total, b.Handle, b.SessionID)
		return err
	})
	if isForeignKeyViolation(err) {
		return 0, tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	return total, translate(err, "add chain signals", "chain session")
}

// checkWindow refuses n more signals when the ones matching where in the
// window, plus n, would pass limit; Retry-After is when enough of them
// have left the window.
func checkWindow(ctx context.Context, tx *sqlx.Tx, now time.Time, n, limit int, who, where string, args ...any) error {
	var times []int64
	if err := query(ctx, tx, &times, `SELECT received_at FROM chain_signals WHERE `+where+` ORDER BY received_at`, args...); err != nil {
		return err
	}
	over := len(times) + n - limit // how many must leave the window first
	if over <= 0 {
		return nil
	}
	retry := int(tenx.SignalWindow / time.Second)
	if over <= len(times) {
		wait := time.UnixMilli(times[over-1]).Add(tenx.SignalWindow).Sub(now)
		retry = max(int((wait+time.Second-1)/time.Second), 1)
	}
	return &tenx.Error{Code: tenx.ERATELIMITED, RetryAfterSeconds: retry,
		Message: "too many chain signals from " + who + " in a minute; retry later"}
}

// chainIPKey is a hash of the client IP: limits need to tell addresses
// apart, not to know them.
func chainIPKey(ip string) string {
	h := sha256.Sum256([]byte("chain-ip\x00" + ip))
	return hex.EncodeToString(h[:12])
}

// FindChainSession returns the session's signals, oldest first.
func (db *DB) FindChainSession(ctx context.Context, handle, sessionID string) ([]tenx.ChainSignal, error) {
	var rows []struct {
		Type       string `db:"type"`
		Value      string `db:"value"`
		ReceivedAt int64  `db:"received_at"`
	}
	if err := query(ctx, db.db, &rows, `SELECT type, value, received_at FROM chain_signals
		WHERE handle = ? AND session_id = ? ORDER BY seq`, handle, sessionID); err != nil {
		return nil, translate(err, "find chain session", "chain session")
	}
	out := make([]tenx.ChainSignal, len(rows))
	for i, r := range rows {
		out[i] = tenx.ChainSignal{Type: r.Type, Value: r.Value, ReceivedAt: fromMillis(r.ReceivedAt)}
	}
	return out, nil
}
