package ratelimit_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"sync"
	"sync/atomic"
	"tenx/clocktest"
	"testing"
	"time"

	"tenx/ratelimit"
)

// Clock steps tests through rate-limit windows without sleeping.
type Clock = clocktest.Clock

func NewClock() *Clock { return clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

// CountingLimiter records how often it was asked, to prove which limiter
// answered.
type CountingLimiter struct {
	ratelimit.Limiter
	calls atomic.Int64
}

func (c *CountingLimiter) Allow(ctx context.Context, key string, l ratelimit.Limit) (ratelimit.Result, error) {
	c.calls.Add(1)
	return c.Limiter.Allow(ctx, key, l)
}

func (c *CountingLimiter) AllowAll(ctx context.Context, b []ratelimit.Budget) ([]ratelimit.Result, error) {
	c.calls.Add(1)
	return c.Limiter.AllowAll(ctx, b)
}

// LogCounter is a slog handler that counts records per level, to assert that
// state changes are logged once and not per request.
type LogCounter struct {
	mu     sync.Mutex
	counts map[slog.Level]int
}

func NewLogCounter() *LogCounter { return &LogCounter{counts: map[slog.Level]int{}} }

func (h *LogCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *LogCounter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *LogCounter) WithGroup(string) slog.Handler            { return h }

func (h *LogCounter) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[r.Level]++
	return nil
}

func (h *LogCounter) Count(l slog.Level) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[l]
}

// UniqueKey returns a key no other test uses, so tests sharing one Redis can
// run in parallel and repeatedly.
func UniqueKey(tb testing.TB) string {
	tb.Helper()
	return tb.Name() + ":" + rand.Text()
}

// MustAllow calls Allow and fails the test on error.
func MustAllow(tb testing.TB, l ratelimit.Limiter, key string, lim ratelimit.Limit) ratelimit.Result {
	tb.Helper()
	res, err := l.Allow(context.Background(), key, lim)
	if err != nil {
		tb.Fatalf("Allow(%q): %v", key, err)
	}
	return res
}

// Allowed reports for each of n calls whether it was allowed.
func Allowed(tb testing.TB, l ratelimit.Limiter, key string, lim ratelimit.Limit, n int) []bool {
	tb.Helper()
	got := make([]bool, n)
	for i := range got {
		got[i] = MustAllow(tb, l, key, lim).Allowed
	}
	return got
}
