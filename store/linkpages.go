package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"tenx"
	"tenx/cache"
)

// Reads of a handle's links (list pages and single links) are cached for
// pageTTL. Every write of a link, and every visit counted here, makes the
// handle's cached reads unreachable at once (its generation moves on);
// writes on other instances do too, through the Bus. Visits counted on
// other instances are not announced (one NOTIFY per visit would cost more
// than the cache saves), so a clickCount read here may lag those by up to
// pageTTL, whatever the Bus.
const (
	pageTTL       = time.Second
	maxCachedPage = 10000
)

// pageKey names one read: a page of FindLinks (slug empty) or one FindLink.
type pageKey struct {
	handle, slug      string
	gen               uint64
	tag, q, nextToken string
	enabled           int8 // 0 any, 1 enabled, 2 disabled
	limit             int
}

func filterKey(f tenx.LinkFilter) pageKey {
	k := pageKey{handle: f.Handle, tag: f.Tag, q: f.Q, nextToken: f.NextToken, limit: f.Limit}
	if f.Enabled != nil {
		k.enabled = 2
		if *f.Enabled {
			k.enabled = 1
		}
	}
	return k
}

// page is a cached read.
type page struct {
	links []tenx.Link
	next  string
}

// linkPages is the cache and the generation of each handle's reads.
type linkPages struct {
	pages *cache.Map[pageKey, page]
	gens  sync.Map // handle -> *atomic.Uint64
	all   atomic.Uint64
}

func newLinkPages() *linkPages {
	return &linkPages{pages: cache.New[pageKey, page](maxCachedPage)}
}

// gen is the current generation of the handle's reads.
func (p *linkPages) gen(handle string) uint64 {
	v, ok := p.gens.Load(handle)
	if !ok {
		return p.all.Load()
	}
	return p.all.Load() + v.(*atomic.Uint64).Load()
}

// forget makes the handle's cached reads unreachable.
func (p *linkPages) forget(handle string) {
	v, _ := p.gens.LoadOrStore(handle, new(atomic.Uint64))
	v.(*atomic.Uint64).Add(1)
}

// forgetAll makes every cached read unreachable.
func (p *linkPages) forgetAll() { p.all.Add(1 << 32) }

// read returns the read named by key from the cache, or loads and caches it.
// The generation is taken before loading: a read that raced a write is
// cached under the old generation, where nobody looks any more.
func (p *linkPages) read(key pageKey, now time.Time, load func() ([]*tenx.Link, string, error)) ([]*tenx.Link, string, error) {
	key.gen = p.gen(key.handle)
	if pg, ok := p.pages.Get(key, now); ok {
		return pg.copy(), pg.next, nil
	}
	epoch := p.pages.Epoch()
	links, next, err := load()
	if err != nil {
		return nil, "", err
	}
	pg := page{links: make([]tenx.Link, len(links)), next: next}
	for i, l := range links {
		pg.links[i] = *l
	}
	p.pages.Put(key, pg, now.Add(pageTTL), now, epoch)
	return links, next, nil
}

// copy hands out links the caller may change without changing the cache.
func (pg page) copy() []*tenx.Link {
	out := make([]*tenx.Link, len(pg.links))
	for i := range pg.links {
		l := pg.links[i]
		l.Tags = append([]string{}, l.Tags...)
		out[i] = &l
	}
	return out
}

// FindLinks lists the links of f.Handle in slug order, through the cache;
// see findLinks.
func (db *DB) FindLinks(ctx context.Context, f tenx.LinkFilter) ([]*tenx.Link, string, error) {
	return db.pages.read(filterKey(f), db.clock(), func() ([]*tenx.Link, string, error) {
		return db.findLinks(ctx, f)
	})
}

// FindLink returns the link, through the cache; ENOTFOUND for an unknown
// slug (not cached).
func (db *DB) FindLink(ctx context.Context, handle, slug string) (*tenx.Link, error) {
	links, _, err := db.pages.read(pageKey{handle: handle, slug: slug}, db.clock(), func() ([]*tenx.Link, string, error) {
		l, err := db.findLink(ctx, handle, slug)
		if err != nil {
			return nil, "", err
		}
		return []*tenx.Link{l}, "", nil
	})
	if err != nil {
		return nil, err
	}
	return links[0], nil
}

// LinkPageStats returns the hits and misses of the link read cache.
func (db *DB) LinkPageStats() (hits, misses uint64) { return db.pages.pages.Stats() }
