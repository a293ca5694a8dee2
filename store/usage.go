package store

import (
	"context"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var _ tenx.UsageService = (*DB)(nil)

// AddUsage adds the counts to usage_counters in one transaction.
func (db *DB) AddUsage(ctx context.Context, counts []tenx.UsageCount) error {
	if len(counts) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		for chunk := range slices.Chunk(counts, rowsPerInsert) {
			var args []any
			for _, c := range chunk {
				args = append(args, c.Handle, c.TokenID, toMillis(dayStart(c.Day)), c.Requests, c.RateLimited)
			}
			if _, err := exec(ctx, tx, `INSERT INTO usage_counters (handle, token_id, day, requests, rate_limited)
				VALUES `+placeholders(len(chunk), 5)+`
				ON CONFLICT (handle, day, token_id) DO UPDATE SET requests = usage_counters.requests + excluded.requests,
					rate_limited = usage_counters.rate_limited + excluded.rate_limited`, args...); err != nil {
				return err
			}
		}
		return nil
	})
	return translate(err, "add usage", "usage")
}

// FindUsageMeters reads the handle's counters of day, its clicks of day
// (from the daily rollup) and the bytes it stores now.
func (db *DB) FindUsageMeters(ctx context.Context, handle string, day time.Time) (*tenx.UsageMeters, error) {
	day = dayStart(day)
	m := &tenx.UsageMeters{Handle: handle, Day: day, Tokens: []tenx.TokenUsage{}}
	var rows []struct {
		TokenID     string `db:"token_id"`
		Name        string `db:"name"`
		Requests    int64  `db:"requests"`
		RateLimited int64  `db:"rate_limited"`
	}
	err := query(ctx, db.db, &rows, `SELECT u.token_id, COALESCE(t.name, '') AS name, u.requests, u.rate_limited
		FROM usage_counters u LEFT JOIN tokens t ON t.id = u.token_id
		WHERE u.handle = ? AND u.day = ? ORDER BY u.token_id`, handle, toMillis(day))
	if err != nil {
		return nil, translate(err, "find usage", "usage")
	}
	for _, r := range rows {
		m.Tokens = append(m.Tokens, tenx.TokenUsage{TokenID: r.TokenID, Name: r.Name, Requests: r.Requests, RateLimited: r.RateLimited})
		m.Requests += r.Requests
		m.RateLimited += r.RateLimited
	}
	err = get(ctx, db.db, &m.Clicks, `SELECT COALESCE(SUM(clicks), 0) FROM click_rollups_daily
		WHERE handle = ? AND slug = '' AND dimension = 'total' AND bucket = ?`, handle, toMillis(day))
	if err != nil {
		return nil, translate(err, "find usage clicks", "usage")
	}
	err = get(ctx, db.db, &m.StorageBytes, `SELECT
		COALESCE((SELECT SUM(size_bytes) FROM files WHERE handle = ? AND status IN ('PENDING', 'READY')), 0) +
		COALESCE((SELECT SUM(total_bytes) FROM site_deployments WHERE handle = ?), 0)`, handle, handle)
	if err != nil {
		return nil, translate(err, "find usage storage", "usage")
	}
	return m, nil
}
