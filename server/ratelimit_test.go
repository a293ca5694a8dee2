package server_test

import (
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tenx/ratelimit"
	"tenx/server"
)

func smallLimits(patPerMinute, handleBurst, userPerMinute int) option {
	return withConfig(func(c *server.Config) {
		c.PATPerMinute.Rate, c.HandleBurst.Rate, c.UserPerMinute.Rate = patPerMinute, handleBurst, userPerMinute
	})
}

func TestPATRateLimits(t *testing.T) {
	e := MustOpenServer(t, smallLimits(3, 5, 100))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	one := e.MustCreatePAT(t, owner, "acme", "links.read")
	two := e.MustCreatePAT(t, owner, "acme", "links.read")
	get := func(tok, ip string) *httpRecorder {
		return e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: tok, remote: ip + ":4000"})
	}
	for i := 0; i < 3; i++ {
		rec := get(one, "198.51.100.1")
		mustStatus(t, rec, 200)
		if rec.Header().Get("RateLimit-Policy") != `"pat";q=3;w=60, "handle";q=5;w=60` || rec.Header().Get("RateLimit") == "" {
			t.Fatalf("headers %v", rec.Header())
		}
	}
	rec := get(one, "198.51.100.1")
	mustError(t, rec, 429, "rate_limited")
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 || rec.Header().Get("RateLimit") == "" {
		t.Fatalf("429 headers %v", rec.Header())
	}
	mustStatus(t, get(one, "198.51.100.2"), 200) // another source IP has its own budget
	mustStatus(t, get(two, "198.51.100.1"), 200) // the handle's burst: 5 allowed across tokens so far (3+1+1)
	mustError(t, get(two, "198.51.100.3"), 429, "rate_limited")
	e.clock.Add(time.Minute)
	mustStatus(t, get(one, "198.51.100.1"), 200)
}

func TestUserRateLimit(t *testing.T) {
	e := MustOpenServer(t, smallLimits(100, 100, 2))
	u := e.MustSignup(t, "a@example.com")
	for i := 0; i < 2; i++ {
		mustStatus(t, e.do(request{method: "GET", path: "/v2/handles", token: u.Token}), 200)
	}
	mustError(t, e.do(request{method: "GET", path: "/v2/handles", token: u.Token}), 429, "rate_limited")
}

func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	_, trusted, _ := net.ParseCIDR("10.0.0.0/8")
	e := MustOpenServer(t, smallLimits(1, 100, 100), withConfig(func(c *server.Config) { c.TrustedProxies = []*net.IPNet{trusted} }))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pat := e.MustCreatePAT(t, owner, "acme", "links.read")
	get := func(remote, xff string) *httpRecorder {
		return e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat, remote: remote,
			header: http.Header{"X-Forwarded-For": {xff}}})
	}
	mustStatus(t, get("10.1.1.1:1", "203.0.113.7"), 200)
	mustStatus(t, get("10.1.1.1:1", "203.0.113.8"), 200) // through the proxy: two clients
	mustStatus(t, get("198.51.100.9:1", "203.0.113.9"), 200)
	// Not from a trusted proxy: the header is ignored, so a spoofed address
	// does not buy a fresh budget.
	mustError(t, get("198.51.100.9:1", "203.0.113.10"), 429, "rate_limited")
}

func redisClient(t *testing.T, url string) redis.UniversalClient {
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opts.DialTimeout, opts.DialerRetries, opts.ReadTimeout, opts.WriteTimeout, opts.MaxRetries = 100*time.Millisecond, 1, 50*time.Millisecond, 50*time.Millisecond, -1
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestRateLimitsSharedThroughRedis runs two servers on one Redis: the
// handle's burst is spent across both.
func TestRateLimitsSharedThroughRedis(t *testing.T) {
	url := os.Getenv("TENX_TEST_REDIS_URL")
	if url == "" {
		t.Skip("TENX_TEST_REDIS_URL not set: skipping Redis")
	}
	handle := "rl-" + strconv.FormatInt(time.Now().UnixNano(), 36) // Redis outlives the test
	viaRedis := withLimiter(func(c *clock) ratelimit.Limiter {
		return ratelimit.NewRedis(redisClient(t, url), ratelimit.NewMemory(c.Now, 100), slog.New(slog.DiscardHandler))
	})
	a := MustOpenServer(t, smallLimits(100, 4, 100), viaRedis)
	owner := a.MustSignup(t, "owner@example.com")
	a.MustCreateHandle(t, owner, handle)
	pat := a.MustCreatePAT(t, owner, handle, "links.read")
	b := mustBuild(t, a.db, a.clock, smallLimits(100, 4, 100), viaRedis)
	get := func(e *env) *httpRecorder {
		return e.do(request{method: "GET", path: "/v2/public/handles/" + handle + "/links", token: pat})
	}
	for i := 0; i < 2; i++ {
		mustStatus(t, get(a), 200)
		mustStatus(t, get(b), 200)
	}
	mustError(t, get(a), 429, "rate_limited")
	mustError(t, get(b), 429, "rate_limited")
}

// TestRedisDownFallsBackToMemory points the limiter at a port where no
// Redis listens: requests are still limited, by the in-memory fallback.
func TestRedisDownFallsBackToMemory(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "redis://" + ln.Addr().String() + "/0"
	ln.Close()
	e := MustOpenServer(t, smallLimits(2, 100, 100), withLimiter(func(c *clock) ratelimit.Limiter {
		r := ratelimit.NewRedis(redisClient(t, dead), ratelimit.NewMemory(c.Now, 100), slog.New(slog.DiscardHandler))
		t.Cleanup(func() { r.Close() }) // stops the breaker's probe
		return r
	}))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pat := e.MustCreatePAT(t, owner, "acme", "links.read")
	get := request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}
	mustStatus(t, e.do(get), 200)
	mustStatus(t, e.do(get), 200)
	mustError(t, e.do(get), 429, "rate_limited")
}
