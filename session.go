package tenx

import (
	"context"
	"time"
)

// Session is one signed-in browser or script. Access tokens name it in their
// `sid` claim, so revoking it ends every access token issued under it.
type Session struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// Active reports whether the session can still be used at now.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// SessionService stores sessions and their rotating refresh tokens. Refresh
// tokens are opaque; only their SHA-256 hashes are stored.
type SessionService interface {
	// CreateSession inserts s (ID, CreatedAt set by the store) with its first
	// refresh token hash.
	CreateSession(ctx context.Context, s *Session, refreshHash []byte) error
	// FindSessionByID returns ENOTFOUND for an unknown id.
	FindSessionByID(ctx context.Context, id string) (*Session, error)
	// RotateRefreshToken exchanges the refresh token oldHash for newHash in
	// one transaction and returns the session. An unknown token, or one of a
	// revoked or expired session, is EINVALIDREFRESH. A token that was
	// already rotated is reuse: the whole session is revoked and the answer
	// is EINVALIDREFRESH together with that session, so the caller can
	// forget what it cached of it.
	RotateRefreshToken(ctx context.Context, oldHash, newHash []byte) (*Session, error)
	// RevokeSession ends a session; revoking an ended session is a no-op.
	RevokeSession(ctx context.Context, id string) error
}
