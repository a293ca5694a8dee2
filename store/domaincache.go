package store

import (
	"context"
	"sync"
	"time"

	"tenx"
)

// DomainCache answers tenx.DomainHosts from memory for at most TTL, so
// that a request to a custom domain (or to any other host) costs no
// database read most of the time. Answers, "no such domain" included,
// are kept for TTL: a domain deleted or activated on another instance is
// seen here within that time; one changed here is forgotten at once.
//
// A cross-instance invalidation (Postgres LISTEN/NOTIFY) can replace the
// TTL behind the same interface.
type DomainCache struct {
	db  *DB
	ttl time.Duration
	max int
	now tenx.Clock

	mu    sync.Mutex
	items map[string]domainEntry
	// gen counts Forget calls: a lookup that raced one must not store
	// what it read before it.
	gen uint64
}

type domainEntry struct {
	domain *tenx.Domain // nil: no ACTIVE domain of that name
	until  time.Time
}

var _ tenx.DomainHosts = (*DomainCache)(nil)

// NewDomainCache returns a cache in front of db's ActiveDomain keeping
// answers for ttl (at most one second is what the product promises) and
// at most max hosts.
func NewDomainCache(db *DB, ttl time.Duration, max int, now tenx.Clock) *DomainCache {
	if now == nil {
		now = time.Now
	}
	if max <= 0 {
		max = 10000
	}
	return &DomainCache{db: db, ttl: ttl, max: max, now: now, items: make(map[string]domainEntry)}
}

// ActiveDomain returns the ACTIVE domain named host, ENOTFOUND if none.
// Database errors are not cached.
func (c *DomainCache) ActiveDomain(ctx context.Context, host string) (*tenx.Domain, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.items[host]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Before(e.until) {
		return found(e.domain, host)
	}
	d, err := c.db.ActiveDomain(ctx, host)
	if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.items) >= c.max {
			c.evict(now)
		}
		c.items[host] = domainEntry{domain: d, until: now.Add(c.ttl)}
	}
	c.mu.Unlock()
	return found(d, host)
}

func found(d *tenx.Domain, host string) (*tenx.Domain, error) {
	if d == nil {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "domain %s not found", host)
	}
	return d, nil
}

// evict drops expired entries, then arbitrary ones until a tenth is free.
func (c *DomainCache) evict(now time.Time) {
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

// Forget drops host, after a change made on this instance.
func (c *DomainCache) Forget(host string) {
	c.mu.Lock()
	c.gen++
	delete(c.items, host)
	c.mu.Unlock()
}
