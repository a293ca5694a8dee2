package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/auth"
	"tenx/server"
)

// benchPage is the page both live-site benchmarks serve: about 4 KiB.
var benchPage = "<!doctype html><title>bench</title>" + strings.Repeat("<p>Lorem ipsum dolor sit amet.</p>\n", 115)

// benchSitePAT gives the handle "bench" (made by benchPAT) a token that
// may deploy.
func benchSitePAT(b *testing.B, d benchDeps) string {
	benchPAT(b, d)
	u, err := d.db.FindUserByEmail(context.Background(), "pat-owner@example.com")
	if err != nil {
		b.Fatal(err)
	}
	id, token, hash := auth.NewPAT()
	t := &tenx.Token{ID: id, Handle: "bench", Name: "site", Scopes: []string{"site.deployments.write", "files.write"},
		SecretHash: hash, CreatedBy: u.ID}
	if err := d.db.CreateToken(context.Background(), t); err != nil {
		b.Fatal(err)
	}
	return token
}

// BenchmarkLoadLiveSite is a loopback load run of GET /s/bench/index.html
// (a warm site: manifest and bytes in memory) against a bare Echo handler
// serving the same bytes, in the same run; it reports requests/s, p50 and
// p99.
func BenchmarkLoadLiveSite(b *testing.B) {
	b.Run("bare-echo", func(b *testing.B) {
		e := echo.New()
		e.GET("/bench", func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, []byte(benchPage)) })
		loadRun(b, e, "/bench", "")
	})
	b.Run("tenx-site", func(b *testing.B) {
		s, d := newBenchServer(b, 0)
		token := benchSitePAT(b, d)
		body, _ := json.Marshal(map[string]string{"inlineHtml": benchPage})
		req := httptest.NewRequest(http.MethodPost, "/v2/public/handles/bench/site-deployments", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", token)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("deploy: %d %s", rec.Code, rec.Body.String())
		}
		loadRun(b, s.Handler(), "/s/bench/index.html", "")
	})
}

// BenchmarkUpload100MB streams a 100 MiB file through the local store's
// signed upload URL over loopback and reports the throughput and the
// process's peak resident memory (VmHWM), which must not grow with the
// file: the body is streamed to the store, never held.
func BenchmarkUpload100MB(b *testing.B) {
	const size = 100 << 20
	s, d := newBenchServerWith(b, func(c *server.Config) { c.HandleQuota = -1 })
	token := benchSitePAT(b, d)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	client := &http.Client{Timeout: 5 * time.Minute}
	before := peakRSS(b) << 10 // kB to bytes
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		u := benchCreateFile(b, client, srv.URL, token, size)
		b.StartTimer()
		req, err := http.NewRequest(http.MethodPut, u, io.LimitReader(zeros{}, size))
		if err != nil {
			b.Fatal(err)
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/octet-stream")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			b.Fatalf("upload: %d", resp.StatusCode)
		}
	}
	b.StopTimer()
	after := peakRSS(b) << 10
	b.ReportMetric(float64(after)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(float64(after-before)/(1<<20), "RSS-growth-MiB")
}

// benchCreateFile creates a file of size and returns its upload URL.
func benchCreateFile(b *testing.B, c *http.Client, base, token string, size int) string {
	body := `{"fileName":"big.bin","contentType":"application/octet-stream","sizeBytes":` + strconv.Itoa(size) + `}`
	req, _ := http.NewRequest(http.MethodPost, base+"/v2/public/handles/bench/files", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Api-Key", token)
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ UploadURL string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		b.Fatalf("create file: %d %v", resp.StatusCode, err)
	}
	// The URL names the configured public base; the test server is elsewhere.
	return base + out.UploadURL[strings.Index(out.UploadURL, "/v2/uploads/"):]
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
