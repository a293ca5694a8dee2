package server

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"tenx"
	"tenx/ratelimit"
)

// maxBlockedIPs bounds the addresses remembered as over their budget of
// failed authentications. Past it an address is still refused, but only
// after its credential has been checked (see authFailures.fail).
const maxBlockedIPs = 10_000

// authFailures throttles failed authentications per source IP: a flood of
// bad, forged, revoked or expired credentials spends a budget of its own
// (Config.AuthFailuresPerIP), and once an address is over it, every
// credentialed request from it is 429 rate_limited before any token is
// looked up, like a flood of good ones. Successes spend nothing.
//
// Failures are spent in the shared Limiter (Redis when configured), so
// instances share the budget; an instance learns that an address is over it
// from its own refused spend and remembers that here, so that checking a
// request costs no round trip.
type authFailures struct {
	limiter ratelimit.Limiter
	limit   ratelimit.Limit
	now     tenx.Clock

	mu      sync.RWMutex
	blocked map[string]block
	n       atomic.Int64 // len(blocked), read without the lock
}

// block is a refused spend: when it was refused and what the limiter said.
type block struct {
	at  time.Time
	res ratelimit.Result
}

func newAuthFailures(limiter ratelimit.Limiter, limit ratelimit.Limit, now tenx.Clock) *authFailures {
	return &authFailures{limiter: limiter, limit: limit, now: now, blocked: map[string]block{}}
}

// isAuthFailure reports whether err is a credential that failed to
// authenticate (401), as opposed to a missing one or one lacking a right.
func isAuthFailure(err error) bool {
	code := tenx.ErrorCode(err)
	return code != tenx.EMISSINGBEARER && statusOf[code] == http.StatusUnauthorized
}

// check is rate_limited while ip is over its budget, with the RateLimit
// fields set on h; nil otherwise.
func (f *authFailures) check(h http.Header, ip string) error {
	if f.n.Load() == 0 {
		return nil // the common case: nobody is blocked
	}
	f.mu.RLock()
	b, ok := f.blocked[ip]
	f.mu.RUnlock()
	if !ok {
		return nil
	}
	elapsed := f.now().Sub(b.at)
	res := b.res
	res.RetryAfter -= elapsed
	res.ResetAfter = max(res.ResetAfter-elapsed, 0)
	if res.RetryAfter <= 0 {
		f.unblock(ip, b.at)
		return nil
	}
	return limited(h, res)
}

// fail spends one failure of ip and returns err, or rate_limited when the
// spend was refused, remembering ip as blocked.
func (f *authFailures) fail(ctx context.Context, h http.Header, ip string, err error) error {
	res, lerr := f.limiter.Allow(ctx, "authfail:"+ip, f.limit)
	if lerr != nil || res.Allowed {
		return err // lerr is an invalid limit, which the configuration refuses
	}
	f.block(ip, block{at: f.now(), res: res})
	return limited(h, res)
}

func (f *authFailures) block(ip string, b block) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.blocked[ip]; !ok && len(f.blocked) >= maxBlockedIPs {
		f.sweep(b.at)
		if len(f.blocked) >= maxBlockedIPs {
			return
		}
	}
	f.blocked[ip] = b
	f.n.Store(int64(len(f.blocked)))
}

// unblock forgets ip unless a newer refusal replaced the block at at.
func (f *authFailures) unblock(ip string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.blocked[ip]; ok && b.at.Equal(at) {
		delete(f.blocked, ip)
		f.n.Store(int64(len(f.blocked)))
	}
}

// sweep drops the blocks that have run out; the caller holds the lock.
func (f *authFailures) sweep(now time.Time) {
	for ip, b := range f.blocked {
		if now.Sub(b.at) >= b.res.RetryAfter {
			delete(f.blocked, ip)
		}
	}
}

// limited sets the RateLimit fields of a refused res on h and returns
// rate_limited.
func limited(h http.Header, res ratelimit.Result) error {
	h[headerRateLimitPolicy] = []string{res.PolicyHeader()}
	h[headerRateLimit] = []string{res.Header()}
	return refusal(res)
}
