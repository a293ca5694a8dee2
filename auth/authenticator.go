package auth

import (
	"context"
	"crypto/sha256"
	"sync/atomic"
	"time"

	"tenx"
)

// Authenticator turns credentials into principals. Verified access tokens
// are cached by their hash so the hot path skips the signature check and
// the session read; the cache honours `exp`, forgets a session's entries the
// moment it is revoked here, and re-checks the session after CacheTTL so a
// logout on another instance is seen within that time.
type Authenticator struct {
	tokens   *Tokens
	users    tenx.UserService
	sessions tenx.SessionService
	handles  tenx.HandleService
	pats     *PATs
	now      tenx.Clock
	cacheTTL time.Duration

	jwtCache *ttlCache[[32]byte, tenx.Principal]
	// standing caches disabled users and suspended handles (standing.go).
	standing *standing
	// forgets counts evictions: a lookup that raced one (read the store
	// before a revocation, would cache after it) must not cache its result.
	forgets atomic.Uint64
}

// AuthenticatorConfig wires an Authenticator.
type AuthenticatorConfig struct {
	Tokens   *Tokens
	Users    tenx.UserService
	Sessions tenx.SessionService
	Handles  tenx.HandleService
	PATs     tenx.TokenService
	Now      tenx.Clock
	// CacheTTL bounds how long a verified token is trusted without
	// re-reading its session (default 1s, so a logout on another instance holds
	// within a second, as PAT revocation does); MaxCached bounds memory
	// (default 10000 tokens).
	CacheTTL  time.Duration
	MaxCached int
	// PATCacheTTL bounds how long a PAT looked up here is trusted without
	// re-reading it (default 1s), which is how a revocation made on another
	// instance takes effect within a second. Revocations made here (through
	// PATs) evict at once.
	PATCacheTTL time.Duration
	// TouchEvery coalesces lastUsedAt writes (default 1m).
	TouchEvery time.Duration
	// Standing, when set, refuses disabled users and suspended handles,
	// re-read as often as PATs (PATCacheTTL).
	Standing tenx.StandingService
}

// NewAuthenticator returns an Authenticator.
func NewAuthenticator(cfg AuthenticatorConfig) *Authenticator {
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = time.Second
	}
	if cfg.MaxCached == 0 {
		cfg.MaxCached = 10000
	}
	if cfg.PATCacheTTL == 0 {
		cfg.PATCacheTTL = time.Second
	}
	if cfg.TouchEvery == 0 {
		cfg.TouchEvery = time.Minute
	}
	a := &Authenticator{tokens: cfg.Tokens, users: cfg.Users, sessions: cfg.Sessions,
		handles: cfg.Handles, now: cfg.Now, cacheTTL: cfg.CacheTTL,
		pats:     newPATs(cfg.PATs, cfg.Now, cfg.PATCacheTTL, cfg.MaxCached, cfg.TouchEvery),
		jwtCache: newTTLCache[[32]byte, tenx.Principal](cfg.MaxCached)}
	if cfg.Standing != nil {
		a.standing = newStanding(cfg.Standing, cfg.PATCacheTTL, cfg.MaxCached, cfg.Now)
	}
	return a
}

// PATs is the lifecycle of personal access tokens whose cache this
// Authenticator verifies them through.
func (a *Authenticator) PATs() *PATs { return a.pats }

// AuthenticateJWT verifies an access token and its session and returns the
// user as a principal.
func (a *Authenticator) AuthenticateJWT(ctx context.Context, token string) (*tenx.Principal, error) {
	key := sha256.Sum256([]byte(token))
	now := a.now()
	if p, ok := a.jwtCache.get(key, now); ok {
		return &p, nil
	}
	epoch := a.forgets.Load()
	claims, err := a.tokens.Verify(token)
	if err != nil {
		return nil, err
	}
	p, sessionEnd, err := a.principalFor(ctx, claims, now)
	if err != nil {
		return nil, err
	}
	until := now.Add(a.cacheTTL)
	for _, end := range []time.Time{claims.ExpiresAt.Time, sessionEnd} {
		if end.Before(until) {
			until = end
		}
	}
	if a.forgets.Load() == epoch {
		a.jwtCache.put(key, *p, until, now)
	}
	return p, nil
}

// principalFor reads the token's session and user; it also returns when
// the session ends, which bounds how long the answer may be cached.
func (a *Authenticator) principalFor(ctx context.Context, c *AccessClaims, now time.Time) (*tenx.Principal, time.Time, error) {
	s, err := a.sessions.FindSessionByID(ctx, c.SessionID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, time.Time{}, tenx.Errorf(tenx.EINVALIDTOKEN, "access token is not valid")
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	if !s.Active(now) || s.UserID != c.Subject {
		return nil, time.Time{}, tenx.Errorf(tenx.ETOKENREVOKED, "the session of this access token has ended")
	}
	u, err := a.users.FindUserByID(ctx, s.UserID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, time.Time{}, tenx.Errorf(tenx.ETOKENREVOKED, "the user of this access token no longer exists")
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	return &tenx.Principal{Kind: tenx.CredentialJWT, UserID: u.ID, SessionID: s.ID, IsAdmin: u.IsAdmin}, s.ExpiresAt, nil
}

// ForgetSession drops every cached token of a session, so a logout takes
// effect on this instance at once.
func (a *Authenticator) ForgetSession(sessionID string) {
	a.forgets.Add(1)
	a.jwtCache.deleteWhere(func(p tenx.Principal) bool { return p.SessionID == sessionID })
}
