package auth

import (
	"context"
	"crypto/sha256"
	"time"

	"tenx"
	"tenx/cache"
	"tenx/invalidate"
)

// Authenticator turns credentials into principals. Verified access tokens
// are cached by their hash so the hot path skips the signature check and
// the session read; the cache honours `exp` and forgets a session's entries
// the moment it is revoked here. With a Bus it also forgets them when the
// session ends on another instance, and caches each caller's role per
// handle; while the Bus is not healthy (and without one) an entry is
// trusted for CacheTTL only, so a logout elsewhere holds within that time.
type Authenticator struct {
	tokens   *Tokens
	users    tenx.UserService
	sessions tenx.SessionService
	handles  tenx.HandleService
	pats     *PATs
	now      tenx.Clock
	cacheTTL time.Duration
	bus      *invalidate.Bus

	jwtCache *cache.Map[[32]byte, tenx.Principal]
	// roles caches FindRole, "" for no role; only with a bus, because a
	// role written behind the bus's back would be seen late.
	roles *cache.Map[roleKey, tenx.Role]
	// standing caches disabled users and suspended handles (standing.go).
	standing *standing
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
	// Bus, when set, tells the caches what the store changed (here and,
	// while healthy, on every instance): entries are then trusted for its
	// LongTTL instead of CacheTTL, and roles are cached too.
	Bus *invalidate.Bus
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
		handles: cfg.Handles, now: cfg.Now, cacheTTL: cfg.CacheTTL, bus: cfg.Bus,
		pats:     newPATs(cfg.PATs, cfg.Now, cfg.PATCacheTTL, cfg.MaxCached, cfg.TouchEvery, cfg.Bus),
		jwtCache: cache.New[[32]byte, tenx.Principal](cfg.MaxCached)}
	if cfg.Standing != nil {
		a.standing = newStanding(cfg.Standing, cfg.PATCacheTTL, cfg.MaxCached, cfg.Now)
	}
	if cfg.Bus != nil {
		a.roles = cache.New[roleKey, tenx.Role](cfg.MaxCached)
		cfg.Bus.Subscribe(a.invalidate)
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
	if p, ok := a.jwtCache.Get(key, now); ok {
		return &p, nil
	}
	epoch := a.jwtCache.Epoch()
	claims, err := a.tokens.Verify(token)
	if err != nil {
		return nil, err
	}
	p, sessionEnd, err := a.principalFor(ctx, claims, now)
	if err != nil {
		return nil, err
	}
	until := now.Add(a.bus.TTL(a.cacheTTL))
	for _, end := range []time.Time{claims.ExpiresAt.Time, sessionEnd} {
		if end.Before(until) {
			until = end
		}
	}
	a.jwtCache.Put(key, *p, until, now, epoch)
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
	a.jwtCache.DeleteWhere(func(_ [32]byte, p tenx.Principal) bool { return p.SessionID == sessionID })
}
