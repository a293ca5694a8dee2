// Package invalidate tells tenx's read caches which stored rows changed:
// at once in the instance that wrote them, and through Postgres
// LISTEN/NOTIFY in every other instance on the same schema. The store
// publishes an Event from inside each write transaction (a NOTIFY issued
// in a transaction is delivered when it commits, and never if it rolls
// back), so no write can forget it. While the listener is down, or has not
// started, the Bus is not Healthy and caches trust entries only for a short
// TTL, as if there were no notifications at all.
package invalidate

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind names what changed; an Event's Key says which one.
type Kind string

// The kinds of events.
const (
	// Token: a personal access token was created, revoked or rotated; the
	// key is its id.
	Token Kind = "token"
	// Session: a session ended; the key is its id.
	Session Kind = "session"
	// Role: the members or roles of a handle changed; the key is the handle.
	Role Kind = "role"
	// Link: a link changed or was deleted; the key is LinkKey(handle, slug).
	Link Kind = "link"
	// Rules: the personalization rules of a handle changed; the key is
	// the handle.
	Rules Kind = "rules"
	// Origins: the context origins of a handle changed; the key is the
	// handle.
	Origins Kind = "origins"
	// Handle: a handle was created or deleted, and with it all of its
	// roles, tokens and links; the key is the handle.
	Handle Kind = "handle"
	// All: notifications may have been lost; forget everything.
	All Kind = "all"
)

// DefaultLongTTL is how long caches trust an entry while the Bus is
// healthy. Changes made through tenx invalidate at once; the TTL bounds
// only what bypasses it (an operator's SQL).
const DefaultLongTTL = time.Minute

// Event is one change.
type Event struct {
	Kind Kind
	Key  string
}

// LinkKey is the key of a Link event. Handles contain no "/".
func LinkKey(handle, slug string) string { return handle + "/" + slug }

// SplitLinkKey undoes LinkKey.
func SplitLinkKey(key string) (handle, slug string) {
	handle, slug, _ = strings.Cut(key, "/")
	return handle, slug
}

// String is the event as sent in a NOTIFY payload: kind:key.
func (e Event) String() string { return string(e.Kind) + ":" + e.Key }

// Parse reads a payload written by String.
func Parse(payload string) (Event, bool) {
	kind, key, ok := strings.Cut(payload, ":")
	if !ok {
		return Event{}, false
	}
	switch k := Kind(kind); k {
	case Token, Session, Role, Link, Rules, Origins, Handle, All:
		return Event{Kind: k, Key: key}, true
	}
	return Event{}, false
}

// Bus delivers events to the caches of one instance. A nil *Bus is valid:
// it delivers nothing and is never healthy.
type Bus struct {
	mu   sync.RWMutex
	subs []func(Event)

	healthy atomic.Bool
	// LongTTL is how long entries are trusted while healthy (default
	// DefaultLongTTL). Set it before use.
	LongTTL time.Duration

	published, received atomic.Uint64
}

// NewLocal returns the bus of an SQLite database: changes made by this
// process reach its caches at once, but another process on the same file
// (the tenx CLI's `user disable`, say) is heard by no one, so the bus is
// never healthy and entries are trusted only for the short TTL.
func NewLocal() *Bus {
	return &Bus{LongTTL: DefaultLongTTL}
}

// NewShared returns the bus of one of several instances (Postgres): healthy
// only while a Listener says it hears the others.
func NewShared() *Bus {
	return &Bus{LongTTL: DefaultLongTTL}
}

// Subscribe calls fn with every event from now on, on the goroutine that
// publishes it; fn must be quick and must not publish.
func (b *Bus) Subscribe(fn func(Event)) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs = append(b.subs, fn)
}

// Publish delivers events to every subscriber of this instance.
func (b *Bus) Publish(events ...Event) {
	if b == nil || len(events) == 0 {
		return
	}
	b.published.Add(uint64(len(events)))
	b.fanout(events...)
}

func (b *Bus) fanout(events ...Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, e := range events {
		for _, fn := range b.subs {
			fn(e)
		}
	}
}

// deliver is Publish for events that arrived from the database.
func (b *Bus) deliver(e Event) {
	b.received.Add(1)
	b.fanout(e)
}

// Healthy reports whether every change made by any instance reaches this
// one.
func (b *Bus) Healthy() bool { return b != nil && b.healthy.Load() }

// SetHealthy records whether changes of other instances reach this one.
// Every change of state forgets everything: while unhealthy, changes may
// have been missed, and entries cached for long must not outlive that.
func (b *Bus) SetHealthy(ok bool) {
	if b.healthy.Swap(ok) != ok {
		b.fanout(Event{Kind: All})
	}
}

// TTL is how long a cache may trust an entry stored now: LongTTL while
// healthy, else short (which is what bounds staleness then).
func (b *Bus) TTL(short time.Duration) time.Duration {
	if b.Healthy() && b.LongTTL > short {
		return b.LongTTL
	}
	return short
}

// Stats returns how many events were published here and how many arrived
// from other instances' (and this one's) NOTIFYs.
func (b *Bus) Stats() (published, received uint64) {
	if b == nil {
		return 0, 0
	}
	return b.published.Load(), b.received.Load()
}
