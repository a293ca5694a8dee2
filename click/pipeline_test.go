package click_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tenx"
	"tenx/click"
	"tenx/clocktest"
	"tenx/store"
	"tenx/store/storetest"
)

// mustDB is a migrated database with a handle "acme" and its link
// "launch", on the test clock.
func mustDB(t *testing.T, url string, clock *clocktest.Clock) *store.DB {
	t.Helper()
	db := storetest.MustOpen(t, url, clock.Now)
	u := &tenx.User{Email: "ann@example.com", PasswordHash: "x"}
	if err := db.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateHandle(t.Context(), &tenx.Handle{Name: "acme", OwnerID: u.ID}); err != nil {
		t.Fatal(err)
	}
	l := &tenx.Link{Handle: "acme", Slug: "launch", DestinationURL: "https://example.com", Enabled: true, RedirectType: 302}
	if _, err := db.UpsertLink(t.Context(), l); err != nil {
		t.Fatal(err)
	}
	return db
}

func newTestClock() *clocktest.Clock {
	return clocktest.New(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
}

func visit(ua string) *tenx.Visit {
	return &tenx.Visit{Handle: "acme", Slug: "launch", Destination: "https://example.com", UserAgent: ua, IP: "203.0.113.7"}
}

func totals(t *testing.T, db *store.DB) tenx.AnalyticsCounts {
	t.Helper()
	r, err := db.QueryAnalytics(t.Context(), tenx.AnalyticsQuery{Handle: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Totals
}

// syncBuffer is a log destination the writer and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPipelineWritesWithinTwoSeconds: with the default settings a visit
// is stored, enriched and counted within two seconds, and Freshness
// catches up.
func TestPipelineWritesWithinTwoSeconds(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		clock := newTestClock()
		db := mustDB(t, url, clock)
		var batches [][]*tenx.Click
		var mu sync.Mutex
		p := click.New(click.Config{Now: clock.Now, OnBatch: func(c []*tenx.Click) {
			mu.Lock()
			defer mu.Unlock()
			batches = append(batches, c)
		}}, db)
		defer p.Close(context.Background())
		for _, ua := range []string{iPhone, windows, "Twitterbot/1.0"} {
			if !p.Record(visit(ua)) {
				t.Fatal("visit refused")
			}
		}
		deadline := time.Now().Add(2 * time.Second)
		for totals(t, db).Clicks < 3 {
			if time.Now().After(deadline) {
				t.Fatalf("after 2s: %+v", totals(t, db))
			}
			time.Sleep(20 * time.Millisecond)
		}
		got := totals(t, db)
		if got.BotClicks != 1 || got.UniqueVisitors != 2 {
			t.Fatalf("totals %+v: want 1 bot click and 2 visitors (same address, two user agents)", got)
		}
		l, err := db.FindLink(t.Context(), "acme", "launch")
		if err != nil || l.ClickCount != 3 {
			t.Fatalf("click count %v, %v", l, err)
		}
		mu.Lock()
		n := len(batches)
		mu.Unlock()
		if n == 0 {
			t.Fatal("OnBatch was not called")
		}
		if f := p.Freshness(); f.Stale || f.CaughtUpAt.IsZero() {
			t.Fatalf("freshness %+v", f)
		}
	})
}

// TestPipelineCloseFlushes: Close writes what is buffered, though no tick
// came; visits after Close are refused and counted.
func TestPipelineCloseFlushes(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		clock := newTestClock()
		db := mustDB(t, url, clock)
		p := click.New(click.Config{Now: clock.Now, Interval: time.Hour}, db)
		for range 5 {
			p.Record(visit(windows))
		}
		if err := p.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := totals(t, db).Clicks; got != 5 {
			t.Fatalf("%d clicks after Close, want 5", got)
		}
		if p.Record(visit(windows)) || p.Stats().Dropped != 1 {
			t.Fatalf("a visit after Close: %+v", p.Stats())
		}
		if err := p.Close(context.Background()); err != nil {
			t.Fatal("a second Close:", err)
		}
	})
}

// TestPipelineOverflow: a full buffer refuses visits without waiting,
// counts them and logs the loss.
func TestPipelineOverflow(t *testing.T) {
	clock := newTestClock()
	db := mustDB(t, storetest.SQLiteURL(t), clock)
	var logs syncBuffer
	p := click.New(click.Config{Now: clock.Now, Interval: time.Hour, Buffer: 2,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}, db)
	accepted := 0
	for range 5 {
		if p.Record(visit(windows)) {
			accepted++
		}
	}
	if accepted != 2 || p.Stats().Dropped != 3 || p.Stats().Pending != 2 {
		t.Fatalf("accepted %d, stats %+v", accepted, p.Stats())
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := totals(t, db).Clicks; got != 2 {
		t.Fatalf("%d clicks stored, want the 2 accepted", got)
	}
	if !strings.Contains(logs.String(), "visits dropped") || !strings.Contains(logs.String(), "dropped=3") {
		t.Fatalf("no log line for the loss: %s", logs.String())
	}
}

// TestPipelineShutdownWithDatabaseDown: when the database is gone, Close
// gives up when its context ends and says how much was lost.
func TestPipelineShutdownWithDatabaseDown(t *testing.T) {
	clock := newTestClock()
	db := mustDB(t, storetest.SQLiteURL(t), clock)
	var logs syncBuffer
	p := click.New(click.Config{Now: clock.Now, Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, db)
	p.Record(visit(windows))
	db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := p.Close(ctx); err == nil {
		t.Fatal("Close reported no loss")
	}
	if !strings.Contains(logs.String(), "lost=1") {
		t.Fatalf("the loss is not logged: %s", logs.String())
	}
	if p.Stats().Failed == 0 {
		t.Fatalf("stats %+v", p.Stats())
	}
}
