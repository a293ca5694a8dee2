// Package cache is the bounded, expiring map behind tenx's read caches
// (tokens, sessions, roles, links). Invalidation is safe against a racing
// read: a value read from the store before an invalidation is not stored
// after it (see Epoch and Put).
package cache

import (
	"sync"
	"sync/atomic"
	"time"
)

// Map is a bounded map whose entries expire. When full it drops the expired
// entries, then arbitrary ones until a tenth is free: a miss only costs a
// read of the store, so eviction order does not matter. It is safe for
// concurrent use.
type Map[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	items map[K]entry[V]
	// epoch counts invalidations (Delete, DeleteWhere, Clear).
	epoch atomic.Uint64

	hits, misses atomic.Uint64
}

type entry[V any] struct {
	value V
	until time.Time
}

// New returns a Map of at most size entries (at least 1).
func New[K comparable, V any](size int) *Map[K, V] {
	return &Map[K, V]{max: max(size, 1), items: make(map[K]entry[V])}
}

// Get returns the value of k while now is before its deadline.
func (m *Map[K, V]) Get(k K, now time.Time) (V, bool) {
	m.mu.Lock()
	e, ok := m.items[k]
	m.mu.Unlock()
	if !ok || !now.Before(e.until) {
		m.misses.Add(1)
		var zero V
		return zero, false
	}
	m.hits.Add(1)
	return e.value, true
}

// Epoch is read before loading a value from the store; Put with it stores
// the value only if nothing was invalidated in between, so a value read
// before a change is never cached after the change's invalidation.
func (m *Map[K, V]) Epoch() uint64 { return m.epoch.Load() }

// Put stores v for k until until, unless an invalidation happened since
// epoch (see Epoch); it reports whether it stored.
func (m *Map[K, V]) Put(k K, v V, until, now time.Time, epoch uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.epoch.Load() != epoch || !now.Before(until) {
		return false
	}
	if len(m.items) >= m.max {
		m.evict(now)
	}
	m.items[k] = entry[V]{value: v, until: until}
	return true
}

func (m *Map[K, V]) evict(now time.Time) {
	for k, e := range m.items {
		if !now.Before(e.until) {
			delete(m.items, k)
		}
	}
	for k := range m.items {
		if len(m.items) < m.max-m.max/10 {
			return
		}
		delete(m.items, k)
	}
}

// Delete drops the entries of keys.
func (m *Map[K, V]) Delete(keys ...K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epoch.Add(1)
	for _, k := range keys {
		delete(m.items, k)
	}
}

// DeleteWhere drops every entry that match accepts.
func (m *Map[K, V]) DeleteWhere(match func(K, V) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epoch.Add(1)
	for k, e := range m.items {
		if match(k, e.value) {
			delete(m.items, k)
		}
	}
}

// Clear drops every entry.
func (m *Map[K, V]) Clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epoch.Add(1)
	clear(m.items)
}

// Len is the number of entries, expired ones included.
func (m *Map[K, V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// Stats returns how many Gets found a live entry and how many did not.
func (m *Map[K, V]) Stats() (hits, misses uint64) {
	return m.hits.Load(), m.misses.Load()
}
