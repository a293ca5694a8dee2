package auth

import (
	"sync"
	"time"
)

// ttlCache is a bounded map whose entries expire. When full it drops the
// expired entries, then arbitrary ones until a tenth is free: a cache miss
// only costs a re-verification, so eviction order does not matter.
type ttlCache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	items map[K]ttlEntry[V]
}

type ttlEntry[V any] struct {
	value V
	until time.Time
}

func newTTLCache[K comparable, V any](max int) *ttlCache[K, V] {
	return &ttlCache[K, V]{max: max, items: make(map[K]ttlEntry[V])}
}

// get returns the value while now is before its deadline.
func (c *ttlCache[K, V]) get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	e, ok := c.items[k]
	c.mu.Unlock()
	if !ok || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.value, true
}

func (c *ttlCache[K, V]) put(k K, v V, until, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		c.evict(now)
	}
	c.items[k] = ttlEntry[V]{value: v, until: until}
}

func (c *ttlCache[K, V]) evict(now time.Time) {
	for k, e := range c.items {
		if !now.Before(e.until) {
			delete(c.items, k)
		}
	}
	for k := range c.items {
		if len(c.items) < c.max-c.max/10 {
			return
		}
		delete(c.items, k)
	}
}

// delete drops one entry.
func (c *ttlCache[K, V]) delete(k K) {
	c.mu.Lock()
	delete(c.items, k)
	c.mu.Unlock()
}

// deleteWhere drops every entry whose value matches.
func (c *ttlCache[K, V]) deleteWhere(match func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.items {
		if match(e.value) {
			delete(c.items, k)
		}
	}
}
