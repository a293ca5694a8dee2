// Package tenx holds the domain of the tenx API platform: its types, their
// validation rules, the service interfaces the store implements, and the
// public error codes. It imports nothing of the project.
package tenx

import (
	"context"
	"time"
)

// Clock returns the current time. Services take one so tests control time.
type Clock func() time.Time

// Page asks for one page of a list: at most Limit items after the opaque
// cursor Token returned by the previous page.
type Page struct {
	Limit int
	Token string
}

// DefaultPageLimit is used when a caller asks for no particular page size.
const DefaultPageLimit = 50

// MaxPageLimit bounds every page.
const MaxPageLimit = 100

// Pinger reports whether the backing database can be reached.
type Pinger interface {
	Ping(ctx context.Context) error
}
