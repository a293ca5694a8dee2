package ratelimit

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"
	"time"
)

// DefaultMaxKeys is the key cap NewMemory uses when given none: enough for a
// busy instance's active keys while costing only tens of megabytes.
const DefaultMaxKeys = 100_000

// sweepInterval bounds how long idle keys linger in a shard that is in use.
// Sweeping is O(keys in the shard), so it is amortised over many requests.
const sweepInterval = time.Minute

// Shard sizing: enough shards to keep lock contention low on many cores, but
// never so many that a shard's share of maxKeys is too small for hashing to
// spread keys evenly (a small share would evict long before maxKeys is reached).
const (
	maxShards       = 64
	minKeysPerShard = 1024
)

// Memory is a GCRA limiter for a single instance. It is safe for concurrent use
// and its memory is bounded: idle keys are dropped and the number of keys never
// exceeds the cap given to NewMemory.
type Memory struct {
	now    func() time.Time
	epoch  time.Time
	seed   maphash.Seed
	shards []shard
}

// memKey keeps policies apart without concatenating strings on the hot path.
type memKey struct {
	name, key string
}

type shard struct {
	mu        sync.Mutex
	tats      map[memKey]int64 // TAT as nanoseconds since Memory.epoch
	max       int
	nextSweep int64
	scratch   []int64  // reused by evict to find the oldest TATs
	_         [64]byte // keep neighbouring shards' locks off one cache line
}

// NewMemory returns an in-memory limiter. now is injected so tests control
// time; nil means time.Now. maxKeys caps the number of keys held (<= 0 means
// DefaultMaxKeys) so a flood of distinct keys cannot exhaust memory.
func NewMemory(now func() time.Time, maxKeys int) *Memory {
	if now == nil {
		now = time.Now
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	n := 1
	for n < maxShards && maxKeys/(n*2) >= minKeysPerShard {
		n *= 2
	}
	m := &Memory{now: now, epoch: now(), seed: maphash.MakeSeed(), shards: make([]shard, n)}
	for i := range m.shards {
		// Each shard gets an equal share, rounded down, so the total never
		// exceeds maxKeys.
		m.shards[i].max = maxKeys / n
		m.shards[i].tats = make(map[memKey]int64)
	}
	return m
}

// Allow implements Limiter. The context is unused: nothing here blocks.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Result, error) {
	l, err := l.normalize()
	if err != nil {
		return Result{}, err
	}
	// Offsets from epoch use the monotonic clock, so wall clock jumps neither
	// grant nor revoke budget.
	now := int64(m.now().Sub(m.epoch))
	k := memKey{name: l.Name, key: key}
	s := m.shard(k)

	s.mu.Lock()
	defer s.mu.Unlock()
	if now >= s.nextSweep {
		s.sweep(now)
		s.nextSweep = now + int64(sweepInterval)
	}
	tat, ok := s.tats[k]
	if !ok {
		tat = now
	}
	d := gcra(l, tat, now)
	if d.result.Allowed {
		if !ok && len(s.tats) >= s.max {
			s.evict(now)
		}
		s.tats[k] = d.tat
	}
	return d.result, nil
}

// AllowAll implements Limiter: one Allow per budget, in order, until one is
// refused. Limits are checked first, so an invalid one spends nothing.
func (m *Memory) AllowAll(ctx context.Context, budgets []Budget) ([]Result, error) {
	if err := validate(budgets); err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(budgets))
	for _, b := range budgets {
		res, err := m.Allow(ctx, b.Key, b.Limit)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
		if !res.Allowed {
			break
		}
	}
	return out, nil
}

// Len reports how many keys are held, for metrics and tests.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.tats)
		s.mu.Unlock()
	}
	return n
}

func (m *Memory) shard(k memKey) *shard {
	if len(m.shards) == 1 {
		return &m.shards[0]
	}
	h := maphash.String(m.seed, k.key) ^ maphash.String(m.seed, k.name)
	return &m.shards[h&uint64(len(m.shards)-1)]
}

// sweep drops idle keys: once the TAT has passed, the stored state equals that
// of an unknown key, so forgetting it changes no decision.
func (s *shard) sweep(now int64) int {
	n := 0
	for k, tat := range s.tats {
		if tat <= now {
			delete(s.tats, k)
			n++
		}
	}
	return n
}

// evict makes room in a full shard. Idle keys go first because dropping them
// is free. If too few are idle, the keys with the earliest TATs go: they are
// closest to idle, so forgetting them forgives the least debt, which matters
// because eviction hands a key a fresh burst. Evicting a batch (1/16 of the
// shard) rather than one key means a flood of new keys pays for the O(n) scan
// once per batch instead of on every request.
func (s *shard) evict(now int64) {
	need := max(s.max/16, 1)
	s.scratch = s.scratch[:0]
	for k, tat := range s.tats {
		if tat <= now {
			delete(s.tats, k)
			need--
		} else {
			s.scratch = append(s.scratch, tat)
		}
	}
	if need <= 0 || len(s.scratch) == 0 {
		return
	}
	slices.Sort(s.scratch)
	cutoff := s.scratch[min(need, len(s.scratch))-1]
	for k, tat := range s.tats {
		if need == 0 {
			return
		}
		if tat <= cutoff {
			delete(s.tats, k)
			need--
		}
	}
}
