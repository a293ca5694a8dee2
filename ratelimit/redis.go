package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// keyPrefix namespaces limiter keys so they can share a Redis with other data
// and be found (or flushed) with one pattern.
const keyPrefix = "tenx:rl:"

// gcraScript is the same step as gcra, run atomically inside Redis for each
// key in turn until one is refused, so several budgets cost one round trip
// and instances sharing a key cannot interleave a read and a write. It reads
// the server's clock so instances with skewed clocks still agree, and a key's
// TTL is exactly the time until its TAT passes, after which the stored state
// would equal that of an unknown key anyway. Times are microseconds: TIME's
// resolution, and small enough to stay exact in Lua's doubles.
//
// KEYS[i] key i; ARGV[2i-1] its emission interval (µs); ARGV[2i] its burst.
// Returns {allowed, remaining, reset after (µs), retry after (µs)} for each
// key up to and including the first refused one, flattened.
var gcraScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - burst * interval
  if now < allow_at then
    for _, v in ipairs({0, 0, tat - now, allow_at - now}) do out[#out + 1] = v end
    return out
  end
  local ttl = new_tat - now
  redis.call('SET', key, string.format('%.0f', new_tat), 'PX', math.ceil(ttl / 1000))
  for _, v in ipairs({1, math.floor((now - allow_at) / interval), ttl, 0}) do out[#out + 1] = v end
end
return out
`)

// Redis is a GCRA limiter whose state lives in Redis, so every instance pointed
// at the same Redis shares one budget per key. When Redis fails it degrades to
// a per-instance fallback rather than failing requests or letting them all
// through: limits get looser (each instance counts alone) but stay in force.
// A circuit breaker (see Breaker) stops a hung Redis from costing every
// request a timeout.
type Redis struct {
	client   redis.UniversalClient
	fallback Limiter
	logger   *slog.Logger
	cfg      Breaker

	failures  atomic.Int64 // consecutive failed calls
	open      atomic.Bool  // Redis is not called while set
	done      chan struct{}
	closeOnce sync.Once
}

// RedisOption configures NewRedis.
type RedisOption func(*Redis)

// WithBreaker replaces the default breaker settings; zero fields keep
// their defaults.
func WithBreaker(b Breaker) RedisOption { return func(r *Redis) { r.cfg = b.withDefaults() } }

// NewRedis returns a limiter backed by client. Every Redis error, including a
// timeout, sends that call to fallback, so the client's timeouts and retries
// bound the latency Redis can add to a request, and after Breaker.Failures
// consecutive errors Redis is left alone until a background probe finds it
// answering. go-redis defaults (5s dial timeout, 3 command retries, 5 dial
// attempts 100ms apart) would stall requests for seconds before the breaker
// opens; configure the client short, for example:
//
//	redis.Options{
//		DialTimeout: 100 * time.Millisecond, DialerRetries: 1,
//		ReadTimeout: 50 * time.Millisecond, WriteTimeout: 50 * time.Millisecond,
//		MaxRetries: -1,
//	}
//
// fallback nil means a default NewMemory; logger nil discards logs. Close
// stops the probe.
func NewRedis(client redis.UniversalClient, fallback Limiter, logger *slog.Logger, opts ...RedisOption) *Redis {
	if fallback == nil {
		fallback = NewMemory(nil, 0)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Redis{client: client, fallback: fallback, logger: logger, cfg: Breaker{}.withDefaults(),
		done: make(chan struct{})}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Allow implements Limiter as AllowAll of one budget.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	res, err := r.AllowAll(ctx, []Budget{{Key: key, Limit: l}})
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// AllowAll implements Limiter with one script call, so every budget of a
// request costs a single round trip. It returns an error only for an invalid
// limit or one from the fallback; an unavailable Redis is logged, not
// returned. In Redis Cluster the keys must hash to one slot.
func (r *Redis) AllowAll(ctx context.Context, budgets []Budget) ([]Result, error) {
	if err := validate(budgets); err != nil || len(budgets) == 0 {
		return nil, err
	}
	if r.open.Load() {
		return r.fallback.AllowAll(ctx, budgets)
	}
	res, err := r.run(ctx, budgets)
	if err != nil {
		r.failed(ctx, err)
		return r.fallback.AllowAll(ctx, budgets)
	}
	if r.failures.Load() != 0 {
		r.failures.Store(0)
	}
	return res, nil
}

// run runs the script over budgets. State lives at tenx:rl:<policy>:<key>,
// so policies stay apart as they do in Memory.
func (r *Redis) run(ctx context.Context, budgets []Budget) ([]Result, error) {
	keys := make([]string, len(budgets))
	args := make([]any, 0, 2*len(budgets))
	for i, b := range budgets {
		l, _ := b.Limit.normalize() // validated by the caller
		keys[i] = keyPrefix + l.Name + ":" + b.Key
		args = append(args, max(l.interval().Microseconds(), 1), l.Burst)
	}
	vals, err := gcraScript.Run(ctx, r.client, keys, args...).Int64Slice()
	if err != nil {
		return nil, err
	}
	n := len(vals) / 4
	if len(vals)%4 != 0 || n == 0 || n > len(budgets) || (n < len(budgets) && vals[len(vals)-4] == 1) {
		return nil, fmt.Errorf("rate limit script: %d values for %d keys", len(vals), len(budgets))
	}
	out := make([]Result, n)
	for i := range out {
		v := vals[4*i : 4*i+4]
		l, _ := budgets[i].Limit.normalize()
		out[i] = Result{
			Allowed:    v[0] == 1,
			Limit:      l,
			Remaining:  int(v[1]),
			ResetAfter: time.Duration(v[2]) * time.Microsecond,
			RetryAfter: time.Duration(v[3]) * time.Microsecond,
		}
	}
	return out, nil
}
