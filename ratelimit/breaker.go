package ratelimit

import (
	"context"
	"errors"
	"time"
)

// Breaker defaults: three timeouts in a row are not a blip, and a second of
// per-instance limits after Redis returns costs little.
const (
	DefaultBreakerFailures = 3
	DefaultProbeInterval   = time.Second
	DefaultProbeTimeout    = 100 * time.Millisecond
)

// Breaker configures the circuit breaker of the Redis limiter. Closed, every
// call goes to Redis; after Failures consecutive failed calls it opens, and
// calls go straight to the fallback without touching Redis, so a hung Redis
// costs at most Failures timeouts rather than one per request. While open, a
// background probe PINGs Redis every ProbeInterval and closes the breaker as
// soon as Redis answers. Each transition is logged once.
//
// It is a small state machine rather than sony/gobreaker: gobreaker's
// half-open state probes with live requests, each of which would wait out a
// timeout while Redis is still hung, and it has no way to close from a
// background check.
type Breaker struct {
	// Failures is how many consecutive failed calls open the breaker; 0
	// means DefaultBreakerFailures.
	Failures int
	// ProbeInterval is how often an open breaker checks Redis; 0 means
	// DefaultProbeInterval.
	ProbeInterval time.Duration
	// ProbeTimeout bounds one check; 0 means DefaultProbeTimeout.
	ProbeTimeout time.Duration
}

func (b Breaker) withDefaults() Breaker {
	if b.Failures <= 0 {
		b.Failures = DefaultBreakerFailures
	}
	if b.ProbeInterval <= 0 {
		b.ProbeInterval = DefaultProbeInterval
	}
	if b.ProbeTimeout <= 0 {
		b.ProbeTimeout = DefaultProbeTimeout
	}
	return b
}

// BreakerOpen reports whether Redis is being left alone after failures.
func (r *Redis) BreakerOpen() bool { return r.open.Load() }

// Probe PINGs Redis now and closes the breaker if it answers. The background
// probe calls it every ProbeInterval while the breaker is open; tests and
// readiness checks may call it directly.
func (r *Redis) Probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.ProbeTimeout)
	defer cancel()
	if err := r.client.Ping(ctx).Err(); err != nil {
		return err
	}
	// Reset before closing, so failures of calls that were in flight when
	// the breaker opened cannot reopen it at once.
	r.failures.Store(0)
	if r.open.CompareAndSwap(true, false) {
		r.logger.Info("rate limiter: Redis answers again; sharing limits through it")
	}
	return nil
}

// Close stops the background probe. The limiter keeps working; an open
// breaker then stays open. The client is the caller's to close.
func (r *Redis) Close() error {
	r.closeOnce.Do(func() { close(r.done) })
	return nil
}

// failed counts a failed call and opens the breaker at the threshold. A
// caller cancelling its own request says nothing about Redis.
func (r *Redis) failed(ctx context.Context, err error) {
	if errors.Is(ctx.Err(), context.Canceled) {
		return
	}
	n := r.failures.Add(1)
	if n < int64(r.cfg.Failures) || !r.open.CompareAndSwap(false, true) {
		return
	}
	r.logger.Warn("rate limiter: Redis failing; limiting per instance until it answers again",
		"consecutive_failures", n, "err", err)
	go r.probeUntilClosed()
}

// probeUntilClosed runs while the breaker is open. Redis is only PINGed, on
// this goroutine, so requests never wait on the check.
func (r *Redis) probeUntilClosed() {
	t := time.NewTicker(r.cfg.ProbeInterval)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
		}
		if !r.open.Load() || r.Probe(context.Background()) == nil {
			return // closed here or by a direct Probe
		}
	}
}
