package tenx

import (
	"context"
	"time"
)

// MaxTokenNameLength bounds a PAT's name.
const MaxTokenNameLength = 64

// MaxTokenLifetimeDays bounds expiresInDays at creation and rotation.
const MaxTokenLifetimeDays = 365

// MaxRotationOverlap bounds how long a rotated PAT keeps working.
const MaxRotationOverlap = 7 * 24 * time.Hour

// Token is a personal access token: a handle-scoped credential with
// explicit scopes. Only a hash of its secret is ever stored.
type Token struct {
	ID         string // tok_...
	Handle     string
	Name       string
	Scopes     []string
	SecretHash []byte
	CreatedBy  string // user id
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
	LastUsedIP string
	// ReplacedBy is the id of the one successor a rotation made; a token
	// is rotated at most once.
	ReplacedBy string
}

// Usable reports why t cannot be used at now: "" when it can, else the
// public error code (token_revoked or token_expired).
func (t *Token) Usable(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return ETOKENREVOKED
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return ETOKENEXPIRED
	}
	return ""
}

// TokenFilter selects the active tokens of one handle.
type TokenFilter struct {
	Handle string

	Limit     int
	NextToken string
}

// TokenService stores personal access tokens. Its writes record their
// audit event in their own transaction.
type TokenService interface {
	// CreateToken inserts t (CreatedAt set by the store); a taken ID is
	// ECONFLICT, and a caller who is no longer OPERATOR+ on the handle
	// EINSUFFICIENTROLE.
	CreateToken(ctx context.Context, t *Token) error
	// FindTokenByID returns the token whatever its state; ENOTFOUND if unknown.
	FindTokenByID(ctx context.Context, id string) (*Token, error)
	// FindTokens lists the handle's active (not revoked, not expired)
	// tokens, newest first, one page at a time.
	FindTokens(ctx context.Context, f TokenFilter) ([]*Token, string, error)
	// RevokeToken revokes an active token of the handle; an unknown,
	// revoked or expired one (or one of another handle) is ENOTFOUND.
	RevokeToken(ctx context.Context, handle, id string) error
	// RotateToken, in one transaction, inserts next and makes the active
	// token oldID of the handle expire at oldExpiresAt (never later than it
	// already would) and records next as its one successor; ENOTFOUND when
	// oldID is not active, ECONFLICT when it was already rotated.
	RotateToken(ctx context.Context, handle, oldID string, next *Token, oldExpiresAt time.Time) error
	// TouchToken records a use of the token.
	TouchToken(ctx context.Context, id string, at time.Time, ip string) error
}
