package store_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"tenx"
	"tenx/invalidate"
	"tenx/store"
	"tenx/store/storetest"
)

// recorder collects the events a bus delivers.
type recorder struct {
	mu     sync.Mutex
	events []invalidate.Event
}

func record(bus *invalidate.Bus) *recorder {
	r := &recorder{}
	bus.Subscribe(func(e invalidate.Event) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.events = append(r.events, e)
	})
	return r
}

func (r *recorder) take() []invalidate.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// has reports whether the events hold want.
func (r *recorder) has(want invalidate.Event) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.events, want)
}

// TestWritesPublishInvalidations checks that every write the caches depend
// on tells this instance's bus, after its commit, and that a write that
// fails tells nothing.
func TestWritesPublishInvalidations(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		rec := record(db.Bus())
		ctx := t.Context()
		u := mustCreateUser(t, db, "owner@example.com")
		mustCreateHandle(t, db, "acme", u.ID)
		tok := mustCreateToken(t, db, "acme", u.ID, "ci", nil)
		mustUpsertLink(t, db, newLink("acme", "launch"), true)
		if err := db.RevokeToken(ctx, "acme", tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteLink(ctx, "acme", "launch"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReplaceCollaborators(ctx, "acme", nil); err != nil {
			t.Fatal(err)
		}
		want := []invalidate.Event{
			{Kind: invalidate.Handle, Key: "acme"},
			{Kind: invalidate.Token, Key: tok.ID},
			{Kind: invalidate.Link, Key: "acme/launch"},
			{Kind: invalidate.Token, Key: tok.ID},
			{Kind: invalidate.Link, Key: "acme/launch"},
			{Kind: invalidate.Role, Key: "acme"},
		}
		if got := rec.take(); !slices.Equal(got, want) {
			t.Fatalf("events:\n got %v\nwant %v", got, want)
		}
		// Failed writes roll back and publish nothing.
		checkCode(t, db.RevokeToken(ctx, "acme", tok.ID), tenx.ENOTFOUND)
		checkCode(t, db.DeleteLink(ctx, "acme", "launch"), tenx.ENOTFOUND)
		if got := rec.take(); len(got) != 0 {
			t.Fatalf("failed writes published %v", got)
		}
	})
}

// TestFollowLinkSeesChangesAtOnce follows a cached link, then changes,
// disables and deletes it: each change holds for the next visit.
func TestFollowLinkSeesChangesAtOnce(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		u := mustCreateUser(t, db, "owner@example.com")
		mustCreateHandle(t, db, "acme", u.ID)
		checkCode(t, followErr(t, db, "launch"), tenx.ENOTFOUND) // cached as unknown
		l := mustUpsertLink(t, db, newLink("acme", "launch"), true)
		for i := range int64(2) { // the second from the cache
			if got := mustFollow(t, db, "launch"); got.DestinationURL != l.DestinationURL || got.ClickCount != i+1 {
				t.Fatalf("follow = %s (%d clicks), want %s (%d)", got.DestinationURL, got.ClickCount, l.DestinationURL, i+1)
			}
		}
		l.DestinationURL = "https://example.net/moved"
		mustUpsertLink(t, db, l, false)
		if got := mustFollow(t, db, "launch"); got.DestinationURL != "https://example.net/moved" || got.ClickCount != 3 {
			t.Fatalf("after update: follow = %s (%d clicks), want the new destination (3)", got.DestinationURL, got.ClickCount)
		}
		l.Enabled = false
		mustUpsertLink(t, db, l, false)
		checkCode(t, followErr(t, db, "launch"), tenx.ENOTFOUND)
		l.Enabled, l.MaxClicks = true, new(int64(3))
		mustUpsertLink(t, db, l, false)
		checkCode(t, followErr(t, db, "launch"), tenx.EGONE)
		if err := db.DeleteLink(ctx, "acme", "launch"); err != nil {
			t.Fatal(err)
		}
		checkCode(t, followErr(t, db, "launch"), tenx.ENOTFOUND)
		hits, misses := db.LinkCacheStats()
		if hits == 0 || misses == 0 {
			t.Errorf("link cache: %d hits, %d misses; want both", hits, misses)
		}
	})
}

func followErr(t *testing.T, db *store.DB, slug string) error {
	t.Helper()
	_, err := db.FollowLink(t.Context(), "acme", slug)
	return err
}

func mustFollow(t *testing.T, db *store.DB, slug string) *tenx.Link {
	t.Helper()
	l, err := db.FollowLink(t.Context(), "acme", slug)
	if err != nil {
		t.Fatalf("follow %s: %v", slug, err)
	}
	return l
}

// TestNotifyReachesOtherInstances writes through one DB and waits for the
// events at another on the same schema, then kills the listener's
// connection: the other's bus turns unhealthy (short TTL) until the
// listener is back, and then hears writes again.
func TestNotifyReachesOtherInstances(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	a := storetest.MustOpen(t, url, nil)
	b := storetest.MustOpen(t, url, nil)
	if b.Bus().Healthy() {
		t.Fatal("bus healthy before it listens")
	}
	li, err := b.Listen(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { li.Close() })
	waitFor(t, "the bus to turn healthy", func() bool { return b.Bus().Healthy() })
	if b.Bus().TTL(time.Second) != invalidate.DefaultLongTTL {
		t.Fatal("a healthy bus does not trust entries for the long TTL")
	}
	rec := record(b.Bus())
	u := mustCreateUser(t, a, "owner@example.com")
	mustCreateHandle(t, a, "acme", u.ID)
	waitFor(t, "the handle event", func() bool { return rec.has(invalidate.Event{Kind: invalidate.Handle, Key: "acme"}) })

	killListener(t, url)
	waitFor(t, "the bus to turn unhealthy", func() bool { return !b.Bus().Healthy() })
	if b.Bus().TTL(time.Second) != time.Second {
		t.Fatal("an unhealthy bus does not fall back to the short TTL")
	}
	if !rec.has(invalidate.Event{Kind: invalidate.All}) {
		t.Fatal("losing the listener did not forget everything")
	}
	waitFor(t, "the listener to reconnect", func() bool { return b.Bus().Healthy() })
	mustUpsertLink(t, a, newLink("acme", "launch"), true)
	waitFor(t, "the link event after reconnecting", func() bool {
		return rec.has(invalidate.Event{Kind: invalidate.Link, Key: "acme/launch"})
	})
}

// killListener terminates the backend LISTENing on the schema's channel.
func killListener(t *testing.T, url string) {
	t.Helper()
	raw := rawDB(t, url)
	var channel string
	q := `SELECT 'tenx_' || left(md5(COALESCE(current_schema(), '')), 16)`
	if err := raw.QueryRowContext(t.Context(), q).Scan(&channel); err != nil {
		t.Fatal(err)
	}
	var n int
	err := raw.QueryRowContext(t.Context(), `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE query = 'LISTEN "' || $1 || '"'`, channel).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the listener: %d backends, %v", n, err)
	}
}

// waitFor polls cond for up to 20s: a hang guard, not a speed assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
