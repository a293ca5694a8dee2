package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var (
	_ tenx.ClickService     = (*DB)(nil)
	_ tenx.SecretService    = (*DB)(nil)
	_ tenx.AnalyticsService = (*DB)(nil)
)

// rowsPerInsert bounds the rows of one multi-row INSERT, far below the
// placeholder limits of both dialects.
const rowsPerInsert = 200

// RecordClicks stores a batch of clicks in one transaction: the raw
// events, the visitors new to their day, the hourly and daily rollups and
// the links' click counts. A click whose id is already stored is skipped
// whole, so a batch written twice (a retry after a commit whose answer was
// lost) counts once.
func (db *DB) RecordClicks(ctx context.Context, clicks []*tenx.Click) error {
	if len(clicks) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		fresh, err := insertClicks(ctx, tx, clicks)
		if err != nil || len(fresh) == 0 {
			return err
		}
		first, err := firstVisits(ctx, tx, fresh)
		if err != nil {
			return err
		}
		hourly, daily := rollupDeltas(fresh, first)
		if err := upsertRollups(ctx, tx, "click_rollups_hourly", hourly); err != nil {
			return err
		}
		if err := upsertRollups(ctx, tx, "click_rollups_daily", daily); err != nil {
			return err
		}
		if err := countClicks(ctx, tx, fresh); err != nil {
			return err
		}
		return db.emitClicks(ctx, tx, now, fresh)
	})
	return translate(err, "record clicks", "click")
}

// insertClicks inserts the clicks and returns those that were not stored
// already.
func insertClicks(ctx context.Context, tx *sqlx.Tx, clicks []*tenx.Click) ([]*tenx.Click, error) {
	inserted := make(map[string]bool, len(clicks))
	for chunk := range slices.Chunk(clicks, rowsPerInsert) {
		var args []any
		for _, c := range chunk {
			args = append(args, c.ID, c.Handle, c.Slug, toMillis(c.OccurredAt), c.Destination, c.Referrer,
				c.Device, c.Browser, c.OS, c.Country, c.VisitorHash, c.Bot, c.RuleID, c.VariantID)
		}
		var ids []string
		err := query(ctx, tx, &ids, `INSERT INTO clicks (id, handle, slug, occurred_at, destination, referrer,
			device, browser, os, country, visitor_hash, bot, rule_id, variant_id) VALUES `+placeholders(len(chunk), 14)+`
			ON CONFLICT (id) DO NOTHING RETURNING id`, args...)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			inserted[id] = true
		}
	}
	fresh := make([]*tenx.Click, 0, len(inserted))
	for _, c := range clicks {
		if inserted[c.ID] {
			fresh = append(fresh, c)
			delete(inserted, c.ID) // a batch naming one id twice counts it once
		}
	}
	return fresh, nil
}

// placeholders is "(?, ?), (?, ?)" for rows rows of cols columns.
func placeholders(rows, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// visitorKey is a visitor of a day in a scope: slug "" is the whole handle.
type visitorKey struct {
	Handle string `db:"handle"`
	Slug   string `db:"slug"`
	Day    int64  `db:"day"`
	Hash   string `db:"visitor_hash"`
}

// firstVisit says which scopes a click was its visitor's first of the day in.
type firstVisit struct{ handle, slug bool }

// firstVisits records the visitors of the clicks (bots' excepted) and
// reports, for each click, whether it was its visitor's first of the day
// for the handle and for the link.
func firstVisits(ctx context.Context, tx *sqlx.Tx, clicks []*tenx.Click) (map[*tenx.Click]firstVisit, error) {
	var keys []visitorKey
	seen := make(map[visitorKey]bool)
	for _, c := range clicks {
		if c.Bot {
			continue
		}
		day := toMillis(dayStart(c.OccurredAt))
		for _, k := range []visitorKey{{c.Handle, "", day, c.VisitorHash}, {c.Handle, c.Slug, day, c.VisitorHash}} {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	added := make(map[visitorKey]bool)
	for chunk := range slices.Chunk(keys, rowsPerInsert) {
		var args []any
		for _, k := range chunk {
			args = append(args, k.Handle, k.Slug, k.Day, k.Hash)
		}
		var rows []visitorKey
		err := query(ctx, tx, &rows, `INSERT INTO click_visitors (handle, slug, day, visitor_hash) VALUES `+
			placeholders(len(chunk), 4)+` ON CONFLICT DO NOTHING RETURNING handle, slug, day, visitor_hash`, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			added[r] = true
		}
	}
	first := make(map[*tenx.Click]firstVisit)
	for _, c := range clicks {
		if c.Bot {
			continue
		}
		day := toMillis(dayStart(c.OccurredAt))
		h, s := visitorKey{c.Handle, "", day, c.VisitorHash}, visitorKey{c.Handle, c.Slug, day, c.VisitorHash}
		first[c] = firstVisit{handle: added[h], slug: added[s]}
		delete(added, h) // the visitor's later clicks in this batch are not first
		delete(added, s)
	}
	return first, nil
}

func dayStart(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// rollupKey is one row of a rollup table.
type rollupKey struct {
	handle, slug, dimension string
	bucket                  int64
	value                   string
}

// rollupDelta is what a batch adds to one rollup row.
type rollupDelta struct{ clicks, bots, visitors int64 }

// rollupDeltas sums the clicks into the rows of the hourly and daily
// rollups they add to: for the handle and for the link, in the total and
// in each dimension.
func rollupDeltas(clicks []*tenx.Click, first map[*tenx.Click]firstVisit) (hourly, daily map[rollupKey]*rollupDelta) {
	hourly, daily = make(map[rollupKey]*rollupDelta), make(map[rollupKey]*rollupDelta)
	for _, c := range clicks {
		hour, day := toMillis(c.OccurredAt.UTC().Truncate(time.Hour)), toMillis(dayStart(c.OccurredAt))
		values := [][2]string{{"total", ""}, {tenx.GroupByCountry, c.Country}, {tenx.GroupByDevice, c.Device},
			{tenx.GroupByBrowser, c.Browser}, {tenx.GroupByOS, c.OS}, {tenx.GroupByReferrer, c.Referrer}}
		fv := first[c]
		for _, scope := range []struct {
			slug  string
			first bool
		}{{"", fv.handle}, {c.Slug, fv.slug}} {
			d := rollupDelta{clicks: 1}
			if c.Bot {
				d.bots = 1
			}
			if scope.first {
				d.visitors = 1
			}
			for _, v := range values {
				addDelta(hourly, rollupKey{c.Handle, scope.slug, v[0], hour, v[1]}, d)
				addDelta(daily, rollupKey{c.Handle, scope.slug, v[0], day, v[1]}, d)
			}
		}
	}
	return hourly, daily
}

func addDelta(m map[rollupKey]*rollupDelta, k rollupKey, d rollupDelta) {
	if m[k] == nil {
		m[k] = &rollupDelta{}
	}
	m[k].clicks += d.clicks
	m[k].bots += d.bots
	m[k].visitors += d.visitors
}

// upsertRollups adds the deltas to table, in key order so that two
// writers never wait for each other's rows in opposite orders.
func upsertRollups(ctx context.Context, tx *sqlx.Tx, table string, deltas map[rollupKey]*rollupDelta) error {
	keys := make([]rollupKey, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rollupKey) int {
		return cmp.Or(strings.Compare(a.handle, b.handle), strings.Compare(a.slug, b.slug),
			strings.Compare(a.dimension, b.dimension), cmp.Compare(a.bucket, b.bucket), strings.Compare(a.value, b.value))
	})
	for chunk := range slices.Chunk(keys, rowsPerInsert) {
		args := make([]any, 0, len(chunk)*8)
		for _, k := range chunk {
			d := deltas[k]
			args = append(args, k.handle, k.slug, k.dimension, k.bucket, k.value, d.clicks, d.bots, d.visitors)
		}
		_, err := exec(ctx, tx, `INSERT INTO `+table+` (handle, slug, dimension, bucket, value, clicks, bot_clicks, visitors)
			VALUES `+placeholders(len(chunk), 8)+`
			ON CONFLICT (handle, slug, dimension, bucket, value) DO UPDATE SET
				clicks = `+table+`.clicks + excluded.clicks,
				bot_clicks = `+table+`.bot_clicks + excluded.bot_clicks,
				visitors = `+table+`.visitors + excluded.visitors`, args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// countClicks adds the clicks that the redirect did not count to their
// links' click counts.
func countClicks(ctx context.Context, tx *sqlx.Tx, clicks []*tenx.Click) error {
	type link struct{ handle, slug string }
	counts := make(map[link]int64)
	for _, c := range clicks {
		if !c.Counted {
			counts[link{c.Handle, c.Slug}]++
		}
	}
	links := make([]link, 0, len(counts))
	for l := range counts {
		links = append(links, l)
	}
	slices.SortFunc(links, func(a, b link) int { return strings.Compare(a.handle+"\x00"+a.slug, b.handle+"\x00"+b.slug) })
	for _, l := range links {
		if _, err := exec(ctx, tx, `UPDATE links SET click_count = click_count + ? WHERE handle = ? AND slug = ?`,
			counts[l], l.handle, l.slug); err != nil {
			return err
		}
	}
	return nil
}

// VisitorSalt returns the salt of the UTC day of day, creating it first.
func (db *DB) VisitorSalt(ctx context.Context, day time.Time) ([]byte, error) {
	return db.getOrCreate(ctx, `INSERT INTO visitor_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING`,
		`SELECT salt FROM visitor_salts WHERE day = ?`, toMillis(dayStart(day)))
}

// Secret returns the named shared secret, creating it first.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	return db.getOrCreate(ctx, `INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, `SELECT secret FROM server_secrets WHERE name = ?`, name)
}

// getOrCreate inserts 32 random bytes under key unless a row has it, and
// returns the row's bytes: whoever inserts first wins.
func (db *DB) getOrCreate(ctx context.Context, insert, sel string, key any) ([]byte, error) {
	var secret []byte
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		args := []any{key, b}
		if strings.Count(insert, "?") == 3 {
			args = append(args, toMillis(now))
		}
		if _, err := exec(ctx, tx, insert, args...); err != nil {
			return err
		}
		return get(ctx, tx, &secret, sel, key)
	})
	return secret, translate(err, "get secret", "secret")
}

// pruneChunk bounds the rows one pruning statement deletes, so that no
// transaction holds the database for long.
const pruneChunk = 10_000

// PruneClicks deletes click events and hourly rollups from before
// before, and the visitor salts and visitor sets more than two days old.
func (db *DB) PruneClicks(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		n, err := exec(ctx, db.w, `DELETE FROM clicks WHERE id IN
			(SELECT id FROM clicks WHERE occurred_at < ? LIMIT ?)`, toMillis(before), pruneChunk)
		if err != nil {
			return total, translate(err, "prune clicks", "click")
		}
		if total += n; n < pruneChunk {
			break
		}
	}
	old := toMillis(dayStart(db.now()).Add(-2 * 24 * time.Hour))
	for _, stmt := range []struct {
		sql string
		arg int64
	}{
		{`DELETE FROM click_rollups_hourly WHERE bucket < ?`, toMillis(before)},
		{`DELETE FROM click_visitors WHERE day < ?`, old},
		{`DELETE FROM visitor_salts WHERE day < ?`, old},
	} {
		if _, err := exec(ctx, db.w, stmt.sql, stmt.arg); err != nil {
			return total, translate(err, "prune clicks", "click")
		}
	}
	return total, nil
}
