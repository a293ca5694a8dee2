package server_test

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"tenx/ratelimit"
	"tenx/ratelimit/redistest"
)

// timedRequests sends n requests, each wanting 200, and returns their
// latencies.
func timedRequests(t *testing.T, e *env, r request, n int) []time.Duration {
	t.Helper()
	out := make([]time.Duration, n)
	for i := range out {
		start := time.Now()
		rec := e.do(r)
		out[i] = time.Since(start)
		mustStatus(t, rec, 200)
	}
	return out
}

// latencySummary is "p50 X, max Y" for the log.
func latencySummary(d []time.Duration) string {
	s := slices.Clone(d)
	slices.Sort(s)
	return "p50 " + s[len(s)/2].String() + ", max " + s[len(s)-1].String()
}

// TestRedisFrozen_PATRequestsStopWaiting freezes a private redis-server
// (SIGSTOP) under a server's limiter: once the breaker has seen its
// consecutive failures, PAT requests no longer wait on Redis at all, and
// after SIGCONT a probe brings limiting back to Redis.
func TestRedisFrozen_PATRequestsStopWaiting(t *testing.T) {
	rs := redistest.Start(t)
	client := redisClient(t, rs.URL())
	var hook redistest.ScriptCalls
	client.AddHook(&hook)
	var limiter *ratelimit.Redis
	e := MustOpenServer(t, smallLimits(1000, 1000, 1000), withLimiter(func(c *clock) ratelimit.Limiter {
		// The test drives the probe itself: no background probe in the way.
		limiter = ratelimit.NewRedis(client, ratelimit.NewMemory(c.Now, 100), slog.New(slog.DiscardHandler),
			ratelimit.WithBreaker(ratelimit.Breaker{ProbeInterval: time.Hour}))
		t.Cleanup(func() { limiter.Close() })
		return limiter
	}))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	get := request{method: "GET", path: "/v2/public/handles/acme/links", token: e.MustCreatePAT(t, owner, "acme", "links.read")}

	calls0, _ := hook.Load()
	healthy := timedRequests(t, e, get, 10)
	calls1, _ := hook.Load()
	t.Logf("Redis healthy: %d script calls for 10 PAT requests; latency %s", calls1-calls0, latencySummary(healthy))

	rs.Freeze(t)
	frozen := timedRequests(t, e, get, 20)
	calls2, failed := hook.Load()
	t.Logf("Redis frozen: %d script calls (%d failed) for 20 PAT requests; latency %s",
		calls2-calls1, failed, latencySummary(frozen))
	if calls1-calls0 != 10 {
		t.Errorf("healthy: %d script calls for 10 requests, want one round trip each", calls1-calls0)
	}
	// Each request makes at most one call, so this is also how many
	// requests paid a timeout.
	if n := ratelimit.DefaultBreakerFailures; calls2-calls1 != int64(n) || failed != int64(n) {
		t.Errorf("while frozen: %d script calls, %d failed; want exactly %d failures, then none", calls2-calls1, failed, n)
	}
	if !limiter.BreakerOpen() {
		t.Fatal("breaker closed while Redis is frozen")
	}
	if err := limiter.Probe(t.Context()); err == nil || !limiter.BreakerOpen() {
		t.Fatalf("probe of a frozen Redis: %v, open %v; want an error and the breaker still open", err, limiter.BreakerOpen())
	}

	rs.Thaw(t)
	if err := limiter.Probe(t.Context()); err != nil || limiter.BreakerOpen() {
		t.Fatalf("probe after SIGCONT: %v, open %v; want the breaker closed", err, limiter.BreakerOpen())
	}
	timedRequests(t, e, get, 5)
	if calls3, failed3 := hook.Load(); calls3-calls2 != 5 || failed3 != failed {
		t.Errorf("after recovery: %d script calls (%d new failures) for 5 requests; want Redis to answer each",
			calls3-calls2, failed3-failed)
	}
}
