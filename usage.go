package tenx

import (
	"context"
	"time"
)

// UsageCount is what one instance counted of a token's PAT requests on a
// day since it last stored its counts.
type UsageCount struct {
	Handle, TokenID string
	Day             time.Time // the UTC day's start
	Requests        int64     // every request that reached the rate limiter
	RateLimited     int64     // those refused with 429
}

// UsageMeters is a handle's usage on one UTC day.
type UsageMeters struct {
	Handle       string
	Day          time.Time
	Requests     int64 // PAT requests on the handle's routes
	RateLimited  int64
	Clicks       int64 // visits of its short links
	StorageBytes int64 // files and retained deployments, now
	Tokens       []TokenUsage
}

// TokenUsage is one token's share of UsageMeters.
type TokenUsage struct {
	TokenID     string
	Name        string
	Requests    int64
	RateLimited int64
}

// UsageService stores request counts and reads the meters.
type UsageService interface {
	// AddUsage adds counts to the stored ones, in one transaction.
	AddUsage(ctx context.Context, counts []UsageCount) error
	// FindUsageMeters reads the handle's meters of day (a UTC day start).
	FindUsageMeters(ctx context.Context, handle string, day time.Time) (*UsageMeters, error)
}
