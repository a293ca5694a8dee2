package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// keyPrefix namespaces limiter keys so they can share a Redis with other data
// and be found (or flushed) with one pattern.
const keyPrefix = "tenx:rl:"

// gcraScript is the same step as gcra, run atomically inside Redis so that
// instances sharing a key cannot interleave a read and a write. It reads the
// server's clock so instances with skewed clocks still agree, and the key's TTL
// is exactly the time until its TAT passes, after which the stored state would
// equal that of an unknown key anyway. Times are microseconds: TIME's
// resolution, and small enough to stay exact in Lua's doubles.
//
// KEYS[1] key; ARGV[1] emission interval (µs); ARGV[2] burst.
// Returns {allowed, remaining, reset after (µs), retry after (µs)}.
var gcraScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if now < allow_at then
  return {0, 0, tat - now, allow_at - now}
end
local ttl = new_tat - now
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil(ttl / 1000))
return {1, math.floor((now - allow_at) / interval), ttl, 0}
`)

// Redis is a GCRA limiter whose state lives in Redis, so every instance pointed
// at the same Redis shares one budget per key. When Redis fails it degrades to
// a per-instance fallback rather than failing requests or letting them all
// through: limits get looser (each instance counts alone) but stay in force.
type Redis struct {
	client   redis.UniversalClient
	fallback Limiter
	logger   *slog.Logger
	down     atomic.Bool
}

// NewRedis returns a limiter backed by client. Every Redis error, including a
// timeout, sends that call to fallback, so the client's timeouts and retries
// bound the latency Redis can add to a request. go-redis defaults (5s dial
// timeout, 3 command retries, 5 dial attempts 100ms apart) would stall every
// request during an outage; configure the client short, for example:
//
//	redis.Options{
//		DialTimeout: 100 * time.Millisecond, DialerRetries: 1,
//		ReadTimeout: 50 * time.Millisecond, WriteTimeout: 50 * time.Millisecond,
//		MaxRetries: -1,
//	}
//
// While Redis refuses connections, go-redis stops dialling after PoolSize
// failed dials and probes once a second, so a dead Redis then costs almost
// nothing per request. fallback nil means a default NewMemory; logger nil
// discards logs.
func NewRedis(client redis.UniversalClient, fallback Limiter, logger *slog.Logger) *Redis {
	if fallback == nil {
		fallback = NewMemory(nil, 0)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Redis{client: client, fallback: fallback, logger: logger}
}

// Allow implements Limiter. It returns an error only for an invalid limit or
// one from the fallback; an unavailable Redis is logged, not returned.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	l, err := l.normalize()
	if err != nil {
		return Result{}, err
	}
	res, err := r.allow(ctx, key, l)
	if err != nil {
		r.markDown(ctx, err)
		return r.fallback.Allow(ctx, key, l)
	}
	if r.down.CompareAndSwap(true, false) {
		r.logger.Info("rate limiter: Redis recovered, sharing limits again")
	}
	return res, nil
}

// markDown logs the switch to the fallback once per outage rather than per
// request, which would flood the logs exactly when the system is struggling.
// A caller cancelling its own request says nothing about Redis.
func (r *Redis) markDown(ctx context.Context, err error) {
	if errors.Is(ctx.Err(), context.Canceled) {
		return
	}
	if r.down.CompareAndSwap(false, true) {
		r.logger.Warn("rate limiter: Redis unavailable, falling back to per-instance limits", "err", err)
	}
}

// allow runs one GCRA step in Redis. State lives at tenx:rl:<policy>:<key>, so
// policies stay apart as they do in Memory.
func (r *Redis) allow(ctx context.Context, key string, l Limit) (Result, error) {
	interval := max(l.interval().Microseconds(), 1)
	keys := []string{keyPrefix + l.Name + ":" + key}
	vals, err := gcraScript.Run(ctx, r.client, keys, interval, l.Burst).Int64Slice()
	if err != nil {
		return Result{}, err
	}
	if len(vals) != 4 {
		return Result{}, fmt.Errorf("rate limit script: got %d values, want 4", len(vals))
	}
	return Result{
		Allowed:    vals[0] == 1,
		Limit:      l,
		Remaining:  int(vals[1]),
		ResetAfter: time.Duration(vals[2]) * time.Microsecond,
		RetryAfter: time.Duration(vals[3]) * time.Microsecond,
	}, nil
}
