package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
)

// BenchmarkLoadLinks is a loopback load run: b.N real HTTP requests from
// eight keep-alive clients, against GET /v2/public/handles/{handle}/links
// with a PAT (20 links, SQLite) and against a bare Echo endpoint, in the
// same run. It reports requests/s and the p99 latency.
func BenchmarkLoadLinks(b *testing.B) {
	b.Run("bare-echo", func(b *testing.B) {
		e := echo.New()
		e.GET("/bench", trivial)
		loadRun(b, e, "/bench", "")
	})
	b.Run("pat-links", func(b *testing.B) {
		s, d := newBenchServer(b, 0)
		token := benchPAT(b, d)
		for i := 0; i < 20; i++ {
			l := &tenx.Link{Handle: "bench", Slug: "slug-" + string(rune('a'+i)) + "xyz", DestinationURL: "https://example.com",
				Enabled: true, RedirectType: 302, Tags: []string{"t"}}
			if _, err := d.db.UpsertLink(context.Background(), l); err != nil {
				b.Fatal(err)
			}
		}
		loadRun(b, s.Handler(), "/v2/public/handles/bench/links", token)
	})
}

func loadRun(b *testing.B, h http.Handler, path, token string) {
	const workers = 8
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 10 * time.Second}
	var next atomic.Int64
	latencies := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if err := getOnce(client, srv.URL+path, token); err != nil {
					b.Error(err)
					return
				}
				latencies[w] = append(latencies[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
		b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
}

func getOnce(c *http.Client, url, token string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("x-api-key", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
