package ratelimit_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"tenx/ratelimit"
	"tenx/ratelimit/redistest"
)

// mustFlakyRedis is a limiter on the test Redis whose connections fail
// while the returned flag is set, with its script calls counted and the
// background probe out of the way (the tests call Probe).
func mustFlakyRedis(t *testing.T) (*ratelimit.Redis, *atomic.Bool, *redistest.ScriptCalls, *LogCounter) {
	t.Helper()
	opt := MustRedisOptions(t)
	down := new(atomic.Bool)
	opt.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if down.Load() {
			return nil, errors.New("test: Redis is down")
		}
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		return &flakyConn{Conn: c, down: down}, err
	}
	client := MustRedisClient(t, opt)
	calls := new(redistest.ScriptCalls)
	client.AddHook(calls)
	logs := NewLogCounter()
	r := ratelimit.NewRedis(client, nil, slog.New(logs), ratelimit.WithBreaker(ratelimit.Breaker{ProbeInterval: time.Hour}))
	t.Cleanup(func() { r.Close() })
	return r, down, calls, logs
}

func TestRedis_BreakerOpensAfterConsecutiveFailures(t *testing.T) {
	t.Parallel()
	r, down, calls, logs := mustFlakyRedis(t)
	key, l := UniqueKey(t), perHour3
	MustAllow(t, r, key, l)

	down.Store(true)
	var open []bool
	for range 3 {
		MustAllow(t, r, key, l)
		open = append(open, r.BreakerOpen())
	}
	if want := []bool{false, false, true}; !slices.Equal(open, want) {
		t.Fatalf("breaker open after each failure: %v, want %v", open, want)
	}
	before, _ := calls.Load()
	Allowed(t, r, key, l, 10)
	if after, _ := calls.Load(); after != before {
		t.Errorf("open breaker: %d script calls for 10 requests, want none", after-before)
	}
	if err := r.Probe(context.Background()); err == nil || !r.BreakerOpen() {
		t.Errorf("probe while down: %v, open %v; want an error and still open", err, r.BreakerOpen())
	}
	if w := logs.Count(slog.LevelWarn); w != 1 {
		t.Errorf("%d warnings logged, want 1 per outage", w)
	}
}

func TestRedis_BreakerCountsOnlyConsecutiveFailures(t *testing.T) {
	t.Parallel()
	r, down, _, _ := mustFlakyRedis(t)
	key, l := UniqueKey(t), ratelimit.Limit{Name: "pat", Rate: 100, Period: time.Hour}
	for _, fail := range []bool{true, true, false, true, true, false, true, true} {
		down.Store(fail)
		MustAllow(t, r, key, l)
	}
	if r.BreakerOpen() {
		t.Error("breaker opened on failures a success had interrupted")
	}
}

func TestRedis_BreakerIgnoresCanceledCallers(t *testing.T) {
	t.Parallel()
	r, _, _, _ := mustFlakyRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 5 {
		if _, err := r.Allow(ctx, UniqueKey(t), perHour3); err != nil {
			t.Fatal(err)
		}
	}
	if r.BreakerOpen() {
		t.Error("breaker opened because callers gave up, not because Redis failed")
	}
}

// TestRedis_FrozenServer freezes a private redis-server (SIGSTOP): the
// breaker opens after its failures, no call reaches Redis while open, and
// after SIGCONT the background probe closes it and instances share limits
// again.
func TestRedis_FrozenServer(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	newLimiter := func(logs *LogCounter) (*ratelimit.Redis, *redistest.ScriptCalls) {
		client := MustRedisClient(t, MustShortOptions(t, rs.URL()))
		calls := new(redistest.ScriptCalls)
		client.AddHook(calls)
		r := ratelimit.NewRedis(client, nil, slog.New(logs), ratelimit.WithBreaker(ratelimit.Breaker{ProbeInterval: 20 * time.Millisecond}))
		t.Cleanup(func() { r.Close() })
		return r, calls
	}
	logs := NewLogCounter()
	a, calls := newLimiter(logs)
	b, _ := newLimiter(NewLogCounter())
	l := ratelimit.Limit{Name: "pat", Rate: 100, Period: time.Hour}
	MustAllow(t, a, UniqueKey(t), l)

	rs.Freeze(t)
	before, _ := calls.Load()
	latencies := make([]time.Duration, 20)
	for i := range latencies {
		start := time.Now()
		MustAllow(t, a, UniqueKey(t), l)
		latencies[i] = time.Since(start)
	}
	after, failed := calls.Load()
	slices.Sort(latencies)
	t.Logf("frozen: %d script calls (%d failed) for 20 calls; latency p50 %s, max %s",
		after-before, failed, latencies[10], latencies[19])
	if n := int64(ratelimit.DefaultBreakerFailures); after-before != n || failed != n || !a.BreakerOpen() {
		t.Fatalf("frozen: %d calls, %d failed, open %v; want %d failures, then the breaker open", after-before, failed, a.BreakerOpen(), n)
	}

	rs.Thaw(t)
	waitClosed(t, a, 5*time.Second)
	key := UniqueKey(t)
	shared := ratelimit.Limit{Name: "pat", Rate: 3, Period: time.Hour}
	var got []bool
	for _, r := range []*ratelimit.Redis{a, b, a, b} {
		got = append(got, MustAllow(t, r, key, shared).Allowed)
	}
	if want := []bool{true, true, true, false}; !slices.Equal(got, want) {
		t.Errorf("after recovery, allowed across instances %v, want %v (one shared budget)", got, want)
	}
	if w, i := logs.Count(slog.LevelWarn), logs.Count(slog.LevelInfo); w != 1 || i != 1 {
		t.Errorf("logged %d warnings and %d infos, want one of each", w, i)
	}
}

// waitClosed polls, bounded, for the background probe to close r's breaker.
func waitClosed(t *testing.T, r *ratelimit.Redis, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for r.BreakerOpen() {
		if time.Now().After(deadline) {
			t.Fatalf("breaker still open %s after Redis resumed", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
