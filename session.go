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

// RefreshRotation is one exchange of a refresh token for its successor.
type RefreshRotation struct {
	// OldHash is the hash of the presented token, NewHash its successor's.
	OldHash, NewHash []byte
	// Sealed is the successor's secret sealed under the presented token. It
	// is stored with the old token so that presenting the old token again
	// within Grace returns this same successor.
	Sealed []byte
	// Grace is how long after its rotation the old token may be presented
	// again without that counting as reuse; zero means not at all.
	Grace time.Duration
}

// SessionService stores sessions and their rotating refresh tokens. Refresh
// tokens are opaque; only their SHA-256 hashes are stored.
type SessionService interface {
	// CreateSession inserts s (ID, CreatedAt set by the store) with its first
	// refresh token hash.
	CreateSession(ctx context.Context, s *Session, refreshHash []byte) error
	// FindSessionByID returns ENOTFOUND for an unknown id.
	FindSessionByID(ctx context.Context, id string) (*Session, error)
	// RotateRefreshToken exchanges the refresh token r.OldHash for r.NewHash
	// in one transaction and returns the session. An unknown token, or one
	// of a revoked or expired session, is EINVALIDREFRESH. A token rotated
	// at most r.Grace ago changes nothing and returns the session with the
	// Sealed successor of that rotation as replay. A token rotated longer
	// ago is reuse: the whole session is revoked and the answer is
	// EINVALIDREFRESH together with that session, so the caller can forget
	// what it cached of it.
	RotateRefreshToken(ctx context.Context, r RefreshRotation) (s *Session, replay []byte, err error)
	// RevokeSession ends a session; revoking an ended session is a no-op.
	RevokeSession(ctx context.Context, id string) error
}
