package auth

import (
	"context"
	"time"

	"tenx"
	"tenx/invalidate"
)

// Config is how the auth services behave. Zero values take the documented
// defaults.
type Config struct {
	// Issuer names this instance in access tokens (its public URL).
	Issuer string
	// AccessTTL is how long an access token lives; SessionTTL how long a
	// session (its refresh cookie) lives.
	AccessTTL  time.Duration
	SessionTTL time.Duration
	// Hasher hashes passwords (default DefaultPasswordHasher).
	Hasher *PasswordHasher
	// RefreshGrace is how long a rotated refresh token still returns its
	// successor (two tabs refreshing at once); 0 means none.
	RefreshGrace time.Duration
	// Now is the clock of every service (default time.Now).
	Now tenx.Clock
	// CacheTTL, MaxCached, PATCacheTTL and TouchEvery tune the
	// Authenticator; see AuthenticatorConfig.
	CacheTTL    time.Duration
	MaxCached   int
	PATCacheTTL time.Duration
	TouchEvery  time.Duration
	// Bus tells the caches what changed; see AuthenticatorConfig.
	Bus *invalidate.Bus
}

// Stores are where the auth services keep their data; store.DB is all of
// them.
type Stores struct {
	Users    tenx.UserService
	Sessions tenx.SessionService
	Handles  tenx.HandleService
	Tokens   tenx.TokenService
	Keys     tenx.SigningKeyService
	// Standing, when set, is where disabled users and suspended handles
	// are read.
	Standing tenx.StandingService
}

// Services are the auth services wired together on one set of stores.
type Services struct {
	Keys          *KeySet
	Tokens        *Tokens
	Authenticator *Authenticator
	Sessions      *Sessions
	PATs          *PATs
}

// New loads (or creates) the signing keys and wires the auth services. It
// is the one place they are put together: cmd/tenx, the server and the
// tests all build them here.
func New(ctx context.Context, cfg Config, st Stores) (*Services, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Hasher == nil {
		cfg.Hasher = DefaultPasswordHasher()
	}
	keys, err := LoadKeySet(ctx, st.Keys)
	if err != nil {
		return nil, err
	}
	tokens := NewTokens(keys, cfg.Issuer, cfg.AccessTTL, cfg.Now)
	authn := NewAuthenticator(AuthenticatorConfig{Tokens: tokens, Users: st.Users, Sessions: st.Sessions,
		Handles: st.Handles, PATs: st.Tokens, Now: cfg.Now, CacheTTL: cfg.CacheTTL, MaxCached: cfg.MaxCached,
		PATCacheTTL: cfg.PATCacheTTL, TouchEvery: cfg.TouchEvery, Bus: cfg.Bus, Standing: st.Standing})
	sessions := &Sessions{Users: st.Users, Sessions: st.Sessions, Hasher: cfg.Hasher, Tokens: tokens,
		Auth: authn, Now: cfg.Now, SessionTTL: cfg.SessionTTL, RefreshGrace: cfg.RefreshGrace, Standing: st.Standing}
	return &Services{Keys: keys, Tokens: tokens, Authenticator: authn, Sessions: sessions, PATs: authn.PATs()}, nil
}
