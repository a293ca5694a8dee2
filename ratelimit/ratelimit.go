// Package ratelimit decides whether a request may proceed under a rate limit.
//
// Both limiters implement the generic cell rate algorithm (GCRA): a key's whole
// state is one timestamp, the theoretical arrival time (TAT), so a check is a
// single read-modify-write. That keeps the in-memory limiter cheap and lets the
// Redis limiter do the whole check in one atomic script round trip. Compared with
// fixed windows, GCRA has no boundary burst (2x the rate across a window edge)
// and needs no per-request bookkeeping as a sliding log would.
//
// The package knows nothing about HTTP requests or principals: callers build the
// key (for example handle, token id and source IP) and pick the Limit.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limiter is the seam the HTTP layer depends on, so one instance can limit in
// memory while several share limits through Redis without the caller knowing.
type Limiter interface {
	// Allow spends one request from key's budget under l. The error is for
	// invalid limits only: an unavailable backend is not the caller's problem.
	Allow(ctx context.Context, key string, l Limit) (Result, error)
	// AllowAll spends one request from each budget in order and stops at
	// the first refusal, so a refused request spends no wider budget. It
	// returns the results up to and including that refusal; the last one is
	// the decision. A backend with a network in between does it in one
	// round trip. An empty list is allowed and returns no results.
	AllowAll(ctx context.Context, budgets []Budget) ([]Result, error)
}

// Budget is one key under one limit, a step of AllowAll.
type Budget struct {
	// Key identifies whose budget this is, e.g. "handle:acme".
	Key string
	// Limit is the policy the key is held to.
	Limit Limit
}

// Limit is a policy: Rate requests per Period, allowing bursts of up to Burst.
// It is plain data so limits can live in configuration.
type Limit struct {
	// Name identifies the policy in the RateLimit header fields and keeps the
	// state of different policies apart even when callers reuse a key.
	Name string
	// Rate is the number of requests granted per Period.
	Rate int
	// Period is the window Rate is measured over.
	Period time.Duration
	// Burst is how many requests may arrive at once after the key has been
	// idle; 0 means Rate, the common "N per period" policy.
	Burst int
}

// Result tells the caller what to do and what to advertise to the client.
type Result struct {
	// Allowed reports whether the request may proceed.
	Allowed bool
	// Limit is the limit that was applied, with Burst filled in, so headers
	// can be derived from the Result alone.
	Limit Limit
	// Remaining is how many more requests would be allowed right now.
	Remaining int
	// ResetAfter is how long until the full burst is available again.
	ResetAfter time.Duration
	// RetryAfter is how long until the next request would be allowed; zero
	// when Allowed.
	RetryAfter time.Duration
}

// ErrInvalidLimit is wrapped by every limit validation error so callers can
// tell a configuration mistake from anything else with errors.Is.
var ErrInvalidLimit = errors.New("invalid rate limit")

// normalize fills defaults and rejects limits GCRA cannot express, so both
// limiters agree on what a Limit means.
func (l Limit) normalize() (Limit, error) {
	if l.Burst == 0 {
		l.Burst = l.Rate
	}
	if l.Rate <= 0 || l.Period <= 0 || l.Burst < 0 {
		return l, fmt.Errorf("%w %q: rate %d per %s, burst %d", ErrInvalidLimit, l.Name, l.Rate, l.Period, l.Burst)
	}
	return l, nil
}

// validate rejects a list with any invalid limit, before anything is spent.
func validate(budgets []Budget) error {
	for _, b := range budgets {
		if _, err := b.Limit.normalize(); err != nil {
			return err
		}
	}
	return nil
}

// interval is the emission interval: the time one request "costs". It never
// rounds down to zero, which would make the limit unlimited.
func (l Limit) interval() time.Duration {
	return max(l.Period/time.Duration(l.Rate), 1)
}

// decision is one GCRA step on nanosecond offsets, shared by the in-memory
// limiter and mirrored by the Lua script so both behave the same.
type decision struct {
	result Result
	tat    int64 // new TAT to store when result.Allowed
}

// gcra applies one request at now to a key whose stored TAT is tat (now when
// unknown). A denied request does not move the TAT, so clients hammering a
// limit do not push their own recovery further out.
func gcra(l Limit, tat, now int64) decision {
	interval := int64(l.interval())
	tat = max(tat, now)
	newTAT := tat + interval
	allowAt := newTAT - int64(l.Burst)*interval
	if now < allowAt {
		return decision{result: Result{
			Limit:      l,
			ResetAfter: time.Duration(tat - now),
			RetryAfter: time.Duration(allowAt - now),
		}}
	}
	return decision{tat: newTAT, result: Result{
		Allowed:    true,
		Limit:      l,
		Remaining:  int((now - allowAt) / interval),
		ResetAfter: time.Duration(newTAT - now),
	}}
}
