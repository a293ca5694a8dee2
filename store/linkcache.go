package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tenx"
	"tenx/cache"
	"tenx/invalidate"
)

// The links a redirect follows are cached by (handle, slug), unknown ones
// too, so a visit costs one UPDATE (the count) and a bot probing slugs
// costs nothing. Every write of a link or handle invalidates its entries
// here at once and on other instances through the Bus; while the Bus is not
// healthy an entry is trusted for linkShortTTL only.
const (
	linkShortTTL  = time.Second
	maxCachedLink = 10000
)

type linkKey struct{ handle, slug string }

func newLinkCache() *cache.Map[linkKey, *tenx.Link] {
	return cache.New[linkKey, *tenx.Link](maxCachedLink)
}

// subscribeLinks keeps the link cache in step with the Bus.
func (db *DB) subscribeLinks() {
	db.bus.Subscribe(func(e invalidate.Event) {
		switch e.Kind {
		case invalidate.Link:
			h, s := invalidate.SplitLinkKey(e.Key)
			db.links.Delete(linkKey{h, s})
			db.pages.forget(h)
		case invalidate.Handle:
			db.links.DeleteWhere(func(k linkKey, _ *tenx.Link) bool { return k.handle == e.Key })
			db.pages.forget(e.Key)
		case invalidate.All:
			db.links.Clear()
			db.pages.forgetAll()
		}
	})
}

// LinkCacheStats returns the hits and misses of the redirects' link cache.
func (db *DB) LinkCacheStats() (hits, misses uint64) { return db.links.Stats() }

// followable returns the link through the cache; nil for an unknown one.
func (db *DB) followable(ctx context.Context, handle, slug string, now time.Time) (*tenx.Link, error) {
	key := linkKey{handle, slug}
	if l, ok := db.links.Get(key, now); ok {
		return l, nil
	}
	epoch := db.links.Epoch()
	var row linkRow
	err := get(ctx, db.db, &row, `SELECT `+linkColumns+` FROM links WHERE handle = ? AND slug = ?`, handle, slug)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var l *tenx.Link
	if err == nil {
		l = row.toLink(nil)
	}
	db.links.Put(key, l, now.Add(db.bus.TTL(linkShortTTL)), now, epoch)
	return l, nil
}

// FollowLink counts a visit to a link that can be followed now and returns
// it with its new count. The link is read through the cache; the increment
// re-checks the cap in SQL, so concurrent visits cannot overshoot.
func (db *DB) FollowLink(ctx context.Context, handle, slug string) (*tenx.Link, error) {
	now := db.now()
	l, err := db.followable(ctx, handle, slug, now)
	if err != nil {
		return nil, translate(err, "follow link", "link")
	}
	if l == nil {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "link %q not found", slug)
	}
	if code := l.Availability(now); code != "" {
		return nil, tenx.Errorf(code, "link %q cannot be followed", slug)
	}
	var count int64
	err = get(ctx, db.w, &count, `UPDATE links SET click_count = click_count + 1
		WHERE handle = ? AND slug = ? AND (max_clicks IS NULL OR click_count < max_clicks)
		RETURNING click_count`, handle, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.notFollowed(ctx, handle, slug)
	}
	if err != nil {
		return nil, translate(err, "follow link", "link")
	}
	db.pages.forget(handle) // the clickCount of its reads
	out := *l
	out.ClickCount = count
	return &out, nil
}

// notFollowed explains an increment that matched no row: the link reached
// its cap, or was deleted since it was cached.
func (db *DB) notFollowed(ctx context.Context, handle, slug string) error {
	var n int
	err := get(ctx, db.db, &n, `SELECT COUNT(*) FROM links WHERE handle = ? AND slug = ?`, handle, slug)
	switch {
	case err != nil:
		return translate(err, "follow link", "link")
	case n == 0:
		return tenx.Errorf(tenx.ENOTFOUND, "link %q not found", slug)
	}
	return tenx.Errorf(tenx.EGONE, "link %q reached its click cap", slug)
}

// linkEvent is the event of a write to the link (handle, slug).
func linkEvent(handle, slug string) invalidate.Event {
	return invalidate.Event{Kind: invalidate.Link, Key: invalidate.LinkKey(handle, slug)}
}
