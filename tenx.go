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

// Every list is read one page at a time through its filter (LinkFilter,
// TokenFilter, ...), which ends in the same two fields: Limit, at most how
// many items (0 means DefaultListLimit, and MaxListLimit caps it), and
// NextToken, the opaque cursor the previous page returned ("" for the first).

// DefaultListLimit is used when a caller asks for no particular page size.
const DefaultListLimit = 50

// MaxListLimit bounds every page of a list.
const MaxListLimit = 100

// Pinger reports whether the backing database can be reached.
type Pinger interface {
	Ping(ctx context.Context) error
}
