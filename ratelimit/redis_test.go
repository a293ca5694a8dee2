package ratelimit_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"tenx/ratelimit"
)

// perHour3 is slow enough that no request refills during a test, so results
// against Redis's own clock are predictable.
var perHour3 = ratelimit.Limit{Name: "pat", Rate: 3, Period: time.Hour, Burst: 3}

// MustRedisOptions returns options for the Redis named by TENX_TEST_REDIS_URL
// with the short timeouts NewRedis documents, or skips the test.
func MustRedisOptions(tb testing.TB) *redis.Options {
	tb.Helper()
	url := os.Getenv("TENX_TEST_REDIS_URL")
	if url == "" {
		tb.Skip("TENX_TEST_REDIS_URL not set: skipping Redis")
	}
	return MustShortOptions(tb, url)
}

// MustShortOptions parses url and sets the short timeouts NewRedis documents.
func MustShortOptions(tb testing.TB, url string) *redis.Options {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("parse %q: %v", url, err)
	}
	opt.DialTimeout = 100 * time.Millisecond
	opt.DialerRetries = 1
	opt.ReadTimeout = 100 * time.Millisecond
	opt.WriteTimeout = 100 * time.Millisecond
	opt.MaxRetries = -1
	return opt
}

// MustRedisClient connects to the test Redis and closes it after the test.
func MustRedisClient(tb testing.TB, opt *redis.Options) *redis.Client {
	tb.Helper()
	c := redis.NewClient(opt)
	tb.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		tb.Fatalf("ping test Redis: %v", err)
	}
	return c
}

// MustRedis returns a Redis limiter on the test Redis whose fallback counts
// its calls, so tests can prove Redis answered.
func MustRedis(tb testing.TB) (*ratelimit.Redis, *CountingLimiter, *redis.Client) {
	tb.Helper()
	client := MustRedisClient(tb, MustRedisOptions(tb))
	fallback := &CountingLimiter{Limiter: ratelimit.NewMemory(nil, 0)}
	return ratelimit.NewRedis(client, fallback, nil), fallback, client
}

func TestRedis_AllowsBurstThenDenies(t *testing.T) {
	t.Parallel()
	r, fallback, client := MustRedis(t)
	key, l := UniqueKey(t), perHour3

	var got []ratelimit.Result
	for range 5 {
		got = append(got, MustAllow(t, r, key, l))
	}
	// Durations depend on Redis's clock moving between calls; check their
	// bounds separately below.
	ignoreTimes := cmp.Transformer("", func(r ratelimit.Result) ratelimit.Result {
		r.ResetAfter, r.RetryAfter = 0, 0
		return r
	})
	want := []ratelimit.Result{
		{Allowed: true, Limit: l, Remaining: 2},
		{Allowed: true, Limit: l, Remaining: 1},
		{Allowed: true, Limit: l, Remaining: 0},
		{Allowed: false, Limit: l, Remaining: 0},
		{Allowed: false, Limit: l, Remaining: 0},
	}
	if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	const slack = 5 * time.Second
	if d := got[0].ResetAfter; d > 20*time.Minute || d < 20*time.Minute-slack {
		t.Errorf("first ResetAfter = %s, want about 20m", d)
	}
	if d := got[3].RetryAfter; d > 20*time.Minute || d < 20*time.Minute-slack {
		t.Errorf("denied RetryAfter = %s, want about 20m", d)
	}
	if d := got[3].ResetAfter; d > time.Hour || d < time.Hour-slack {
		t.Errorf("denied ResetAfter = %s, want about 1h", d)
	}
	if n := fallback.calls.Load(); n != 0 {
		t.Errorf("fallback called %d times, want Redis to answer", n)
	}

	// The key is namespaced and expires once it would be idle anyway.
	ttl, err := client.PTTL(context.Background(), "tenx:rl:pat:"+key).Result()
	if err != nil || ttl > time.Hour || ttl < time.Hour-slack {
		t.Errorf("PTTL = %s, %v; want about 1h", ttl, err)
	}
}

func TestRedis_InstancesShareBudget(t *testing.T) {
	t.Parallel()
	a, _, _ := MustRedis(t)
	b, _, _ := MustRedis(t)
	key, l := UniqueKey(t), perHour3

	var got []bool
	for _, r := range []*ratelimit.Redis{a, b, a, b, a} {
		got = append(got, MustAllow(t, r, key, l).Allowed)
	}
	if want := []bool{true, true, true, false, false}; !cmp.Equal(got, want) {
		t.Errorf("allowed across instances = %v, want %v", got, want)
	}
}

func TestRedis_Down_FallsBack(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{
		Addr:          unusedAddr(t),
		DialTimeout:   100 * time.Millisecond,
		DialerRetries: 1,
		ReadTimeout:   100 * time.Millisecond,
		WriteTimeout:  100 * time.Millisecond,
		MaxRetries:    -1,
	})
	t.Cleanup(func() { client.Close() })
	clock := NewClock()
	fallback := &CountingLimiter{Limiter: ratelimit.NewMemory(clock.Now, 0)}
	logs := NewLogCounter()
	r := ratelimit.NewRedis(client, fallback, slog.New(logs))
	t.Cleanup(func() { r.Close() })
	l := ratelimit.Limit{Name: "pat", Rate: 3, Period: time.Minute, Burst: 3}

	// The answers are the fallback's, fake clock included.
	var got []ratelimit.Result
	for range 5 {
		got = append(got, MustAllow(t, r, "k", l))
	}
	want := []ratelimit.Result{
		{Allowed: true, Limit: l, Remaining: 2, ResetAfter: 20 * time.Second},
		{Allowed: true, Limit: l, Remaining: 1, ResetAfter: 40 * time.Second},
		{Allowed: true, Limit: l, Remaining: 0, ResetAfter: time.Minute},
		{Limit: l, ResetAfter: time.Minute, RetryAfter: 20 * time.Second},
		{Limit: l, ResetAfter: time.Minute, RetryAfter: 20 * time.Second},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if n := fallback.calls.Load(); n != 5 {
		t.Errorf("fallback called %d times, want 5", n)
	}
	if n := logs.Count(slog.LevelWarn); n != 1 {
		t.Errorf("%d warnings logged, want 1 per outage", n)
	}
}

func TestRedis_Recovers(t *testing.T) {
	t.Parallel()
	opt := MustRedisOptions(t)
	// Connections fail while down is set, as if Redis went away mid-flight.
	var down atomic.Bool
	opt.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if down.Load() {
			return nil, errors.New("test: Redis is down")
		}
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		return &flakyConn{Conn: c, down: &down}, err
	}
	client := MustRedisClient(t, opt)
	fallback := &CountingLimiter{Limiter: ratelimit.NewMemory(nil, 0)}
	logs := NewLogCounter()
	r := ratelimit.NewRedis(client, fallback, slog.New(logs), ratelimit.WithBreaker(ratelimit.Breaker{ProbeInterval: time.Hour}))
	t.Cleanup(func() { r.Close() })
	key, l := UniqueKey(t), perHour3

	MustAllow(t, r, key, l)
	down.Store(true)
	Allowed(t, r, key, l, 3)
	if n := fallback.calls.Load(); n != 3 {
		t.Fatalf("while down: fallback called %d times, want 3", n)
	}
	if !r.BreakerOpen() {
		t.Fatal("breaker still closed after 3 consecutive failures")
	}
	down.Store(false)
	// The breaker closes when a probe finds Redis answering, not before.
	if err := r.Probe(context.Background()); err != nil || r.BreakerOpen() {
		t.Fatalf("probe after recovery: %v, open %v; want the breaker closed", err, r.BreakerOpen())
	}

	// Redis still holds the one request spent before the outage.
	if got, want := Allowed(t, r, key, l, 3), []bool{true, true, false}; !cmp.Equal(got, want) {
		t.Errorf("after recovery: allowed %v, want %v", got, want)
	}
	if n := fallback.calls.Load(); n != 3 {
		t.Errorf("after recovery: fallback called %d times in all, want 3", n)
	}
	if w, i := logs.Count(slog.LevelWarn), logs.Count(slog.LevelInfo); w != 1 || i != 1 {
		t.Errorf("logged %d warnings and %d infos, want one of each", w, i)
	}
}

// flakyConn fails every read and write while down is set.
type flakyConn struct {
	net.Conn
	down *atomic.Bool
}

func (c *flakyConn) Read(p []byte) (int, error) {
	if c.down.Load() {
		return 0, errors.New("test: connection lost")
	}
	return c.Conn.Read(p)
}

func (c *flakyConn) Write(p []byte) (int, error) {
	if c.down.Load() {
		return 0, errors.New("test: connection lost")
	}
	return c.Conn.Write(p)
}

// unusedAddr returns a local address nothing listens on.
func unusedAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func BenchmarkRedisAllow(b *testing.B) {
	r, fallback, _ := MustRedis(b)
	l := ratelimit.Limit{Name: "pat", Rate: 1_000_000, Period: time.Second}
	key := UniqueKey(b)
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			r.Allow(ctx, key, l)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r.Allow(ctx, key, l)
			}
		})
	})
	if n := fallback.calls.Load(); n != 0 {
		b.Errorf("fallback called %d times, want Redis to answer", n)
	}
}
