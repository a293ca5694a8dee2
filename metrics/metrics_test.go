package metrics_test

import (
	"database/sql"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tenx/metrics"
)

// TestMetricsExported records one of everything and finds it on the page.
func TestMetricsExported(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	m.Request("GET /v2/public/handles/:handle/links", 200, 3*time.Millisecond)
	m.Auth("ok")
	m.Auth("token_revoked")
	m.RateLimit("pat", true)
	m.RateLimit("jwt", false)
	m.Cache("pat", func() (uint64, uint64) { return 9, 1 })
	m.Cache("role", func() (uint64, uint64) { return 4, 2 })
	m.DBPool("read", func() sql.DBStats { return sql.DBStats{MaxOpenConnections: 25, InUse: 3} })
	m.DBPool("write", func() sql.DBStats { return sql.DBStats{MaxOpenConnections: 1} })
	m.Gauge("tenx_click_buffer_depth", "Clicks waiting to be written.", func() float64 { return 7 })
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	page := string(body)
	for _, want := range []string{
		`tenx_http_requests_total{route="GET /v2/public/handles/:handle/links",status="200"} 1`,
		`tenx_http_request_duration_seconds_bucket{route="GET /v2/public/handles/:handle/links",le="0.005"} 1`,
		`tenx_auth_outcomes_total{outcome="token_revoked"} 1`,
		`tenx_ratelimit_decisions_total{decision="limited",kind="jwt"} 1`,
		`tenx_cache_hits_total{cache="pat"} 9`,
		`tenx_cache_misses_total{cache="role"} 2`,
		`tenx_db_in_use_connections{pool="read"} 3`,
		`tenx_db_max_open_connections{pool="write"} 1`,
		`tenx_click_buffer_depth 7`,
		`go_goroutines`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("metrics page lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(page)
	}
}
