package auth_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"tenx/clocktest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"tenx"
	"tenx/auth"
	"tenx/store"
	"tenx/store/storetest"
)

// The settings every test environment shares.
const (
	testIssuer   = "https://tenx.test"
	accessTTL    = 15 * time.Minute
	cacheTTL     = 5 * time.Second
	sessionTTL   = 30 * 24 * time.Hour
	testPassword = "correct horse battery"
)

type testClock = clocktest.Clock

// newClock starts on a whole second, so that access token times (which are
// whole seconds) equal the clock exactly.
func newClock() *testClock { return clocktest.New(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)) }

// env is the auth package wired to a real database, as cmd/tenx wires it.
type env struct {
	db       *store.DB
	clock    *testClock
	keys     *auth.KeySet
	tokens   *auth.Tokens
	authn    *auth.Authenticator
	sessions *auth.Sessions
}

// option changes the auth services' configuration.
type option func(*auth.Config)

func withCacheTTL(d time.Duration) option {
	return func(c *auth.Config) { c.CacheTTL = d }
}

func withMaxCached(n int) option {
	return func(c *auth.Config) { c.MaxCached = n }
}

// mustOpenEnv opens a migrated database at url and builds the auth services
// on it with a fresh test clock.
func mustOpenEnv(tb testing.TB, url string, opts ...option) *env {
	tb.Helper()
	c := newClock()
	db := storetest.MustOpen(tb, url, c.Now)
	cfg := auth.Config{Issuer: testIssuer, AccessTTL: accessTTL, SessionTTL: sessionTTL,
		Hasher: auth.FastPasswordHasher(), Now: c.Now, CacheTTL: cacheTTL}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := auth.New(tb.Context(), cfg, auth.Stores{Users: db, Sessions: db, Handles: db, Tokens: db, Keys: db})
	if err != nil {
		tb.Fatalf("auth services: %v", err)
	}
	return &env{db: db, clock: c, keys: s.Keys, tokens: s.Tokens, authn: s.Authenticator, sessions: s.Sessions}
}

// mustOpenSQLiteEnv is mustOpenEnv on a new SQLite file.
func mustOpenSQLiteEnv(tb testing.TB, opts ...option) *env {
	tb.Helper()
	return mustOpenEnv(tb, storetest.SQLiteURL(tb), opts...)
}

// mustSignup creates a user with testPassword.
func (e *env) mustSignup(tb testing.TB, email string, admin bool) *tenx.User {
	tb.Helper()
	u, err := e.sessions.Signup(tb.Context(), email, testPassword, admin)
	if err != nil {
		tb.Fatalf("signup %s: %v", email, err)
	}
	return u
}

// mustLogin starts a session with testPassword.
func (e *env) mustLogin(tb testing.TB, email string) *auth.Grant {
	tb.Helper()
	g, err := e.sessions.Login(tb.Context(), email, testPassword)
	if err != nil {
		tb.Fatalf("login %s: %v", email, err)
	}
	return g
}

// mustSignupAndLogin creates a user and starts a session for them.
func (e *env) mustSignupAndLogin(tb testing.TB, email string, admin bool) *auth.Grant {
	tb.Helper()
	e.mustSignup(tb, email, admin)
	return e.mustLogin(tb, email)
}

// mustCreateSession stores a session for userID that ends after ttl.
func (e *env) mustCreateSession(tb testing.TB, userID string, ttl time.Duration) *tenx.Session {
	tb.Helper()
	s := &tenx.Session{UserID: userID, ExpiresAt: e.clock.Now().Add(ttl)}
	if err := e.db.CreateSession(tb.Context(), s, auth.HashToken(rand.Text())); err != nil {
		tb.Fatalf("create session: %v", err)
	}
	return s
}

// mustIssue issues an access token.
func (e *env) mustIssue(tb testing.TB, userID, sessionID string) string {
	tb.Helper()
	tok, _, err := e.tokens.Issue(userID, sessionID)
	if err != nil {
		tb.Fatalf("issue access token: %v", err)
	}
	return tok
}

// signingKey returns the stored key that signs access tokens.
func (e *env) signingKey(tb testing.TB) (kid string, key ed25519.PrivateKey) {
	tb.Helper()
	keys, err := e.db.FindSigningKeys(tb.Context())
	if err != nil || len(keys) == 0 {
		tb.Fatalf("find signing keys: %v (%d keys)", err, len(keys))
	}
	return keys[0].ID, ed25519.NewKeyFromSeed(keys[0].PrivateKey)
}

// claims returns the claims of a valid access token issued now.
func (e *env) claims(userID, sessionID string) auth.AccessClaims {
	now := e.clock.Now()
	return auth.AccessClaims{SessionID: sessionID, RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    testIssuer,
		Subject:   userID,
		Audience:  jwt.ClaimStrings{auth.Audience},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(accessTTL)),
	}}
}

// sign builds a token by hand; kid "" leaves the header without one.
func sign(tb testing.TB, method jwt.SigningMethod, key any, kid string, claims jwt.Claims) string {
	tb.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		tb.Fatalf("sign token: %v", err)
	}
	return s
}

// checkCode fails the test unless err carries the public code want ("" for
// no error).
func checkCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := tenx.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q, want %q (error: %v)", got, want, err)
	}
}
