// Package clocktest is a clock for tests that moves only when told to, so
// expiry, last-used and rate-limit windows are tested by moving time, never
// by sleeping.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a settable time source, safe for concurrent use. Its Now method
// fits tenx.Clock and every func() time.Time parameter.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock standing at start.
func New(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
