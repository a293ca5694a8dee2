// Command webhookbench is `make bench-webhooks`: it commits N changes that
// each emit a webhook event (link.created) on SQLite (and on Postgres when
// TENX_TEST_POSTGRES_URL is set, in a schema of its own that it drops),
// lets River's workers deliver them to a local receiver, and prints the
// events delivered per second and the p50/p99 time from each change's
// commit to its arrival at the receiver.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	_ "github.com/lib/pq" // the "postgres" driver, for creating the run's schema

	"tenx"
	"tenx/queue"
	"tenx/store"
	"tenx/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	events := flag.Int("events", 10000, "events to deliver per database")
	writers := flag.Int("writers", 8, "goroutines committing changes")
	workers := flag.Int("workers", 50, "River workers delivering (TENX_WEBHOOK_WORKERS's default)")
	rate := flag.Int("rate", 0, "changes committed per second (0: as fast as the writers can)")
	flag.Parse()
	fmt.Printf("%-9s %7s %9s %10s %10s %10s\n", "database", "events", "seconds", "events/s", "p50", "p99")
	dbs := []string{"sqlite"}
	if os.Getenv("TENX_TEST_POSTGRES_URL") != "" {
		dbs = append(dbs, "postgres")
	}
	for _, d := range dbs {
		if err := bench(ctx, d, *events, *writers, *workers, *rate); err != nil {
			fmt.Fprintln(os.Stderr, "webhookbench:", d+":", err)
			os.Exit(1)
		}
	}
}

// arrivals is what the receiver saw: when each slug's event arrived.
type arrivals struct {
	mu   sync.Mutex
	at   map[string]time.Time
	done chan struct{}
	want int
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	var body struct{ Payload struct{ Slug string } }
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &body)
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, seen := a.at[body.Payload.Slug]; !seen {
		a.at[body.Payload.Slug] = now
		if len(a.at) == a.want {
			close(a.done)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func bench(ctx context.Context, dialect string, n, writers, workers, rate int) error {
	dbURL, cleanup, err := databaseURL(dialect)
	if err != nil {
		return err
	}
	defer cleanup()
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	recv := &arrivals{at: make(map[string]time.Time, n), done: make(chan struct{}), want: n}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	if err := fixture(ctx, db, srv.URL); err != nil {
		return err
	}
	pool, err := db.QueuePool(4)
	if err != nil {
		return err
	}
	defer pool.Close()
	w := webhook.New(webhook.Config{AllowHTTP: true, AllowPrivate: true}, db)
	runner, err := queue.Start(ctx, db.Dialect(), pool, queue.Config{Workers: workers, Register: w.Register})
	if err != nil {
		return err
	}
	defer runner.Stop(context.Background())
	start := time.Now()
	committed, err := commit(ctx, db, n, writers, rate)
	if err != nil {
		return err
	}
	select {
	case <-recv.done:
	case <-time.After(10 * time.Minute):
		return fmt.Errorf("only %d of %d events arrived in 10 minutes", len(recv.at), n)
	case <-ctx.Done():
		return ctx.Err()
	}
	elapsed := time.Since(start)
	lat := make([]time.Duration, 0, n)
	recv.mu.Lock()
	for slug, at := range recv.at {
		lat = append(lat, at.Sub(committed[slug]))
	}
	recv.mu.Unlock()
	slices.Sort(lat)
	fmt.Printf("%-9s %7d %9.1f %10.0f %10s %10s\n", dialect, n, elapsed.Seconds(), float64(n)/elapsed.Seconds(),
		lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond))
	return nil
}

// fixture makes a user, the handle bench and its subscription to url.
func fixture(ctx context.Context, db *store.DB, url string) error {
	u := &tenx.User{Email: "bench@example.com", PasswordHash: "x"}
	if err := db.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := db.CreateHandle(ctx, &tenx.Handle{Name: "bench", DisplayName: "bench", OwnerID: u.ID}); err != nil {
		return err
	}
	return db.CreateWebhook(ctx, &tenx.Webhook{Handle: "bench", EndpointURL: url, EventTypes: []string{tenx.EventLinkCreated}})
}

// commit creates n links from writers goroutines, at most rate a second
// when rate > 0, and returns when each one's transaction had committed
// (UpsertLink returned).
func commit(ctx context.Context, db *store.DB, n, writers, rate int) (map[string]time.Time, error) {
	var tick <-chan time.Time
	if rate > 0 {
		t := time.NewTicker(time.Second / time.Duration(rate))
		defer t.Stop()
		tick = t.C
	}
	var mu sync.Mutex
	at := make(map[string]time.Time, n)
	next := make(chan int)
	errc := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				slug := "bench-" + strconv.Itoa(i)
				_, err := db.UpsertLink(ctx, &tenx.Link{Handle: "bench", Slug: slug, DestinationURL: "https://example.com",
					Enabled: true, RedirectType: 302})
				if err != nil {
					errc <- err
					return
				}
				mu.Lock()
				at[slug] = time.Now()
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		if tick != nil {
			<-tick
		}
		select {
		case next <- i:
		case err := <-errc:
			close(next)
			wg.Wait()
			return nil, err
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	return at, nil
}

// databaseURL returns a fresh database of the dialect and how to remove it.
func databaseURL(dialect string) (string, func(), error) {
	if dialect == "sqlite" {
		dir, err := os.MkdirTemp("", "webhookbench")
		if err != nil {
			return "", nil, err
		}
		return "sqlite:" + filepath.Join(dir, "tenx.db"), func() { os.RemoveAll(dir) }, nil
	}
	base := os.Getenv("TENX_TEST_POSTGRES_URL")
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "webhookbench_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() }, nil
}
