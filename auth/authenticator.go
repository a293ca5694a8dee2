package auth

import (
	"context"
	"crypto/sha256"
	"sync"
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
	now      tenx.Clock
	cacheTTL time.Duration
	maxItems int

	mu    sync.Mutex
	cache map[[32]byte]cachedToken
}

type cachedToken struct {
	principal tenx.Principal
	until     time.Time
}

// AuthenticatorConfig wires an Authenticator.
type AuthenticatorConfig struct {
	Tokens   *Tokens
	Users    tenx.UserService
	Sessions tenx.SessionService
	Handles  tenx.HandleService
	Now      tenx.Clock
	// CacheTTL bounds how long a verified token is trusted without
	// re-reading its session (default 5s); MaxCached bounds memory
	// (default 10000 tokens).
	CacheTTL  time.Duration
	MaxCached int
}

// NewAuthenticator returns an Authenticator.
func NewAuthenticator(cfg AuthenticatorConfig) *Authenticator {
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = 5 * time.Second
	}
	if cfg.MaxCached == 0 {
		cfg.MaxCached = 10000
	}
	return &Authenticator{tokens: cfg.Tokens, users: cfg.Users, sessions: cfg.Sessions,
		handles: cfg.Handles, now: cfg.Now, cacheTTL: cfg.CacheTTL, maxItems: cfg.MaxCached,
		cache: make(map[[32]byte]cachedToken)}
}

// AuthenticateJWT verifies an access token and its session and returns the
// user as a principal.
func (a *Authenticator) AuthenticateJWT(ctx context.Context, token string) (*tenx.Principal, error) {
	key := sha256.Sum256([]byte(token))
	now := a.now()
	if p, ok := a.cached(key, now); ok {
		return p, nil
	}
	claims, err := a.tokens.Verify(token)
	if err != nil {
		return nil, err
	}
	p, err := a.principalFor(ctx, claims, now)
	if err != nil {
		return nil, err
	}
	until := now.Add(a.cacheTTL)
	if exp := claims.ExpiresAt.Time; exp.Before(until) {
		until = exp
	}
	a.store(key, cachedToken{principal: *p, until: until}, now)
	return p, nil
}

func (a *Authenticator) principalFor(ctx context.Context, c *AccessClaims, now time.Time) (*tenx.Principal, error) {
	s, err := a.sessions.FindSessionByID(ctx, c.SessionID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN, "access token is not valid")
	}
	if err != nil {
		return nil, err
	}
	if !s.Active(now) || s.UserID != c.Subject {
		return nil, tenx.Errorf(tenx.ETOKENREVOKED, "the session of this access token has ended")
	}
	u, err := a.users.FindUserByID(ctx, s.UserID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ETOKENREVOKED, "the user of this access token no longer exists")
	}
	if err != nil {
		return nil, err
	}
	return &tenx.Principal{Kind: tenx.CredentialJWT, UserID: u.ID, SessionID: s.ID, IsAdmin: u.IsAdmin}, nil
}

func (a *Authenticator) cached(key [32]byte, now time.Time) (*tenx.Principal, bool) {
	a.mu.Lock()
	e, ok := a.cache[key]
	a.mu.Unlock()
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	p := e.principal
	return &p, true
}

func (a *Authenticator) store(key [32]byte, e cachedToken, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.cache) >= a.maxItems {
		a.evict(now)
	}
	a.cache[key] = e
}

// evict drops expired entries, then arbitrary ones until a tenth is free.
func (a *Authenticator) evict(now time.Time) {
	for k, e := range a.cache {
		if !now.Before(e.until) {
			delete(a.cache, k)
		}
	}
	for k := range a.cache {
		if len(a.cache) < a.maxItems-a.maxItems/10 {
			break
		}
		delete(a.cache, k)
	}
}

// ForgetSession drops every cached token of a session, so a logout takes
// effect on this instance at once.
func (a *Authenticator) ForgetSession(sessionID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, e := range a.cache {
		if e.principal.SessionID == sessionID {
			delete(a.cache, k)
		}
	}
}
