package auth

import (
	"math"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"tenx"
)

// DefaultHashWait is how long a hash or verification waits for a free slot
// before the request is answered 503.
const DefaultHashWait = time.Second

// hashSlots bounds concurrent argon2id work. Each computation holds its
// memory parameter (19 MiB by default) for its whole run, so unbounded
// parallel sign-ups or logins grow the heap without limit and slow every
// login down; past the bound a request waits a short time, then is refused
// with 503 unavailable and Retry-After. Waiters are bounded too, so nothing
// queues without bound.
type hashSlots struct {
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	wait       time.Duration
}

func newHashSlots(n int, wait time.Duration) *hashSlots {
	n = max(n, 1)
	return &hashSlots{slots: make(chan struct{}, n), maxWaiting: 4 * int64(n), wait: wait}
}

// DefaultHashConcurrency is one argon2id computation per CPU the Go runtime
// uses (argon2id with one lane is CPU-bound: more in parallel only queue in
// the scheduler while holding memory), fewer when a quarter of the Go memory
// limit (GOMEMLIMIT, when set) cannot hold that many blocks of memoryK KiB.
func DefaultHashConcurrency(memoryK uint32) int {
	n := runtime.GOMAXPROCS(0)
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 && memoryK > 0 {
		n = min(n, int(limit/4/(int64(memoryK)*1024)))
	}
	return max(n, 1)
}

// acquire takes a slot, waiting at most the configured time; release gives
// it back.
func (h *hashSlots) acquire() (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	default:
	}
	if h.wait <= 0 || h.waiting.Add(1) > h.maxWaiting {
		if h.wait > 0 {
			h.waiting.Add(-1)
		}
		return nil, errHashBusy()
	}
	defer h.waiting.Add(-1)
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	case <-t.C:
		return nil, errHashBusy()
	}
}

func (h *hashSlots) release() { <-h.slots }

func errHashBusy() error {
	return &tenx.Error{Code: tenx.EUNAVAILABLE, Message: "the server is busy checking passwords; retry shortly",
		RetryAfterSeconds: 1}
}
