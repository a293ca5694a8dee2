package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/app"
	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
	"tenx/store/storetest"
)

// BenchmarkLoadRedirect is a loopback load run of GET /{handle}/{slug}:
// tenx (the link read, the click handed to the pipeline, a 302) against a
// bare Echo handler answering 302, at 8 and 64 keep-alive connections, on
// SQLite and Postgres. The two alternate in rounds within one run, so both
// see the same machine; it reports each side's requests/s, p50 and p99,
// their ratio, and the visits the click buffer dropped.
//
//	go test -run '^$' -bench LoadRedirect -benchtime 20000x ./server/
func BenchmarkLoadRedirect(b *testing.B) {
	bare := echo.New()
	bare.GET("/:handle/:slug", func(c echo.Context) error {
		return c.Redirect(http.StatusFound, "https://example.com/launch")
	})
	for _, db := range []string{"sqlite", "postgres"} {
		for _, conns := range []int{8, 64} {
			b.Run(fmt.Sprintf("%s/conns-%d", db, conns), func(b *testing.B) {
				url := storetest.SQLiteURL(b)
				if db == "postgres" {
					url = storetest.PostgresURL(b)
				}
				a := redirectServer(b, url)
				alternate(b, conns, bare, a.Server.Handler())
				b.ReportMetric(float64(a.Clicks.Stats().Dropped), "dropped")
			})
		}
	}
}

// redirectServer is tenx on url with a handle "bench" and its link
// "launch".
func redirectServer(b *testing.B, url string) *app.App {
	ctx := context.Background()
	db := storetest.MustOpen(b, url, time.Now)
	a, err := app.New(ctx, app.Config{Server: server.DefaultConfig(), Issuer: "http://tenx.test",
		Auth:    auth.Config{Hasher: auth.FastPasswordHasher()},
		Limiter: ratelimit.NewMemory(nil, 0), Now: time.Now, BlobURL: b.TempDir()}, db)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close(context.Background()) })
	u := &tenx.User{Email: "bench@example.com", PasswordHash: "x"}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateHandle(ctx, &tenx.Handle{Name: "bench", OwnerID: u.ID}); err != nil {
		b.Fatal(err)
	}
	l := &tenx.Link{Handle: "bench", Slug: "launch", DestinationURL: "https://example.com/launch", Enabled: true, RedirectType: 302}
	if _, err := db.UpsertLink(ctx, l); err != nil {
		b.Fatal(err)
	}
	return a
}

// side is one server of an alternating run.
type side struct {
	srv       *httptest.Server
	client    *http.Client
	latencies []time.Duration
	elapsed   time.Duration
	mu        sync.Mutex
}

// alternate sends b.N requests to each handler, in 10 alternating rounds.
func alternate(b *testing.B, conns int, bare, tenx http.Handler) {
	sides := []*side{newSide(bare, conns), newSide(tenx, conns)}
	defer sides[0].srv.Close()
	defer sides[1].srv.Close()
	const rounds = 10
	per := max(b.N/rounds, 1)
	for _, s := range sides { // warm up the connections
		s.run(b, conns, conns*4)
		s.latencies, s.elapsed = nil, 0
	}
	b.ResetTimer()
	for range rounds {
		for _, s := range sides {
			s.run(b, conns, per)
		}
	}
	b.StopTimer()
	for i, name := range []string{"bare", "tenx"} {
		s := sides[i]
		slices.Sort(s.latencies)
		b.ReportMetric(float64(len(s.latencies))/s.elapsed.Seconds(), name+"-req/s")
		b.ReportMetric(float64(s.latencies[len(s.latencies)/2].Microseconds()), name+"-p50-µs")
		b.ReportMetric(float64(s.latencies[len(s.latencies)*99/100].Microseconds()), name+"-p99-µs")
	}
	ratio := (float64(len(sides[1].latencies)) / sides[1].elapsed.Seconds()) /
		(float64(len(sides[0].latencies)) / sides[0].elapsed.Seconds())
	b.ReportMetric(ratio, "tenx/bare")
}

func newSide(h http.Handler, conns int) *side {
	srv := httptest.NewServer(h)
	return &side{srv: srv, client: &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second}}
}

// run sends n requests over conns connections.
func (s *side) run(b *testing.B, conns, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				resp, err := s.client.Get(s.srv.URL + "/bench/launch")
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusFound {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			s.mu.Lock()
			s.latencies = append(s.latencies, mine...)
			s.mu.Unlock()
		}()
	}
	wg.Wait()
	s.elapsed += time.Since(start)
}
