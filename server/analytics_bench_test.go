package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tenx"
	"tenx/app"
	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
	"tenx/store"
	"tenx/store/storetest"
)

// benchClicks is how many click events the analytics benchmarks seed
// (TENX_BENCH_CLICKS, default 1,000,000).
func benchClicks(b *testing.B) int {
	if s := os.Getenv("TENX_BENCH_CLICKS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 1_000_000
}

// seedBenchClicks stores n clicks of 50 links over the 30 days before
// end, oldest first, through the click writer's store method (batches of
// 2,000, rollups included), and reports how long that took.
func seedBenchClicks(b *testing.B, db *store.DB, n int, end time.Time) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 9))
	countries := []string{"DE", "FR", "US", "GB", "IN", "BR", "JP", "ES", "IT", "NL", "SE", "PL", "CA", "AU", "MX", "KR", "TR", "ZA", "AR", "ZZ"}
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	start, step := end.Add(-30*24*time.Hour), 30*24*time.Hour/time.Duration(n)
	t0 := time.Now()
	batch := make([]*tenx.Click, 0, 2000)
	for i := range n {
		c := &tenx.Click{ID: fmt.Sprintf("clk_%09d", i), Handle: "bench", Slug: fmt.Sprintf("link-%02d", rng.IntN(50)),
			OccurredAt: start.Add(time.Duration(i) * step), Destination: "https://example.com/launch",
			Referrer: pick("", "t.co", "news.example", "www.google.com", "l.facebook.com"), Device: pick(tenx.DeviceMobile,
				tenx.DeviceMobile, tenx.DeviceDesktop, tenx.DeviceTablet, tenx.DeviceBot), Browser: pick("Chrome", "Safari", "Firefox", "Edge"),
			OS: pick("iOS", "Android", "Windows", "MacOS"), Country: countries[rng.IntN(len(countries))],
			VisitorHash: fmt.Sprintf("%032x", rng.IntN(200_000)), Counted: true}
		c.Bot = c.Device == tenx.DeviceBot
		if batch = append(batch, c); len(batch) == cap(batch) || i == n-1 {
			if err := db.RecordClicks(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.Logf("seeded %d clicks in %s (%.0f clicks/s through RecordClicks)", n, time.Since(t0).Round(time.Second),
		float64(n)/time.Since(t0).Seconds())
}

// BenchmarkAnalyticsQuery times the handle's 30-day report grouped by day
// and by country over benchClicks events, on SQLite and Postgres, and
// reports the median and p99 of the query through the store.
//
//	go test -run '^$' -bench AnalyticsQuery -benchtime 50x -timeout 60m ./server/
func BenchmarkAnalyticsQuery(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			db, end := benchDB(b, dialect)
			for _, g := range []string{tenx.GroupByDay, tenx.GroupByCountry} {
				b.Run(g, func(b *testing.B) {
					q := tenx.AnalyticsQuery{Handle: "bench", GroupBy: g, From: end.Add(-30 * 24 * time.Hour), To: end}
					var took []time.Duration
					for b.Loop() {
						t0 := time.Now()
						r, err := db.QueryAnalytics(context.Background(), q)
						took = append(took, time.Since(t0))
						if err != nil || r.Totals.Clicks == 0 {
							b.Fatalf("%v %+v", err, r)
						}
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}

// benchDB is a database of the dialect seeded with benchClicks events
// ending at the returned time.
func benchDB(b *testing.B, dialect string) (*store.DB, time.Time) {
	url := storetest.SQLiteURL(b)
	if dialect == "postgres" {
		url = storetest.PostgresURL(b)
	}
	db := storetest.MustOpen(b, url, time.Now)
	end := time.Now().UTC().Truncate(time.Hour).Add(time.Hour)
	seedBenchClicks(b, db, benchClicks(b), end)
	return db, end
}

// BenchmarkAnalyticsExport streams every seeded event as CSV through the
// JWT export route and reports the bytes and the process's peak resident
// memory during the export (VmHWM, reset before it through
// /proc/self/clear_refs), so that two sizes show whether memory stays flat.
//
//	TENX_BENCH_CLICKS=100000 go test -run '^$' -bench AnalyticsExport -benchtime 1x ./server/
func BenchmarkAnalyticsExport(b *testing.B) {
	db, end := benchDB(b, "sqlite")
	a, err := app.New(context.Background(), app.Config{Server: server.DefaultConfig(), Issuer: "http://tenx.test",
		Auth:    auth.Config{Hasher: auth.FastPasswordHasher(), AccessTTL: time.Hour},
		Limiter: ratelimit.NewMemory(nil, 0), Now: time.Now}, db)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(context.Background())
	ctx := context.Background()
	u, err := a.Auth.Sessions.Signup(ctx, "bench@example.com", "bench password long", false)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.CreateHandle(ctx, &tenx.Handle{Name: "bench", OwnerID: u.ID}); err != nil {
		b.Fatal(err)
	}
	g, err := a.Auth.Sessions.Login(ctx, "bench@example.com", "bench password long")
	if err != nil {
		b.Fatal(err)
	}
	path := "/v2/handles/bench/analytics/export?from=" + end.Add(-30*24*time.Hour).Format(time.RFC3339) +
		"&to=" + end.Format(time.RFC3339)
	for b.Loop() {
		resetPeakRSS(b)
		before := peakRSS(b)
		w := &countingWriter{header: http.Header{}}
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+g.AccessToken)
		a.Server.Handler().ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
		b.ReportMetric(float64(w.n)/1e6, "MB-csv")
		b.ReportMetric(float64(before)/1024, "rss-before-MB")
		b.ReportMetric(float64(peakRSS(b))/1024, "peak-rss-MB")
	}
}

// countingWriter is a ResponseWriter that keeps nothing but counts.
type countingWriter struct {
	header http.Header
	status int
	n      int64
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(s int)   { w.status = s }
func (w *countingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skip("cannot reset the peak RSS here:", err)
	}
}

// peakRSS is VmHWM in kB.
func peakRSS(b *testing.B) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skip(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
