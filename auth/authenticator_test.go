package auth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/auth"
	"tenx/store"
)

func TestAuthenticateJWT(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	for _, admin := range []bool{false, true} {
		email := "user@example.com"
		if admin {
			email = "admin@example.com"
		}
		g := e.mustSignupAndLogin(t, email, admin)
		want := &tenx.Principal{Kind: tenx.CredentialJWT, UserID: g.User.ID, SessionID: g.SessionID, IsAdmin: admin}
		// The first call verifies, the second is served from the cache.
		for _, call := range []string{"first", "cached"} {
			p, err := e.authn.AuthenticateJWT(t.Context(), g.AccessToken)
			if err != nil {
				t.Fatalf("%s, %s call: %v", email, call, err)
			}
			if diff := cmp.Diff(want, p); diff != "" {
				t.Errorf("%s, %s call: principal (-want +got):\n%s", email, call, diff)
			}
			// A caller changing its principal must not change the cache.
			p.IsAdmin, p.Handle, p.Role = !admin, "acme", tenx.RoleOwner
		}
	}
}

func TestAuthenticateJWTRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// token sets the scene and returns the token to present.
		token func(t *testing.T, e *env) string
		want  string
	}{
		{"garbage", func(*testing.T, *env) string { return "garbage" }, tenx.EINVALIDTOKEN},
		{"expired", func(t *testing.T, e *env) string {
			g := e.mustSignupAndLogin(t, "ann@example.com", false)
			e.clock.Add(accessTTL)
			return g.AccessToken
		}, tenx.ETOKENEXPIRED},
		{"session revoked", func(t *testing.T, e *env) string {
			g := e.mustSignupAndLogin(t, "ann@example.com", false)
			if err := e.db.RevokeSession(t.Context(), g.SessionID); err != nil {
				t.Fatal(err)
			}
			return g.AccessToken
		}, tenx.ETOKENREVOKED},
		{"session expired", func(t *testing.T, e *env) string {
			u := e.mustSignup(t, "ann@example.com", false)
			s := e.mustCreateSession(t, u.ID, time.Minute)
			tok := e.mustIssue(t, u.ID, s.ID)
			e.clock.Add(time.Minute)
			return tok
		}, tenx.ETOKENREVOKED},
		{"unknown session", func(t *testing.T, e *env) string {
			u := e.mustSignup(t, "ann@example.com", false)
			return e.mustIssue(t, u.ID, "ses_unknown")
		}, tenx.EINVALIDTOKEN},
		{"session of another user", func(t *testing.T, e *env) string {
			ann := e.mustSignupAndLogin(t, "ann@example.com", false)
			bob := e.mustSignup(t, "bob@example.com", false)
			return e.mustIssue(t, bob.ID, ann.SessionID)
		}, tenx.ETOKENREVOKED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustOpenSQLiteEnv(t)
			tok := tt.token(t, e)
			p, err := e.authn.AuthenticateJWT(t.Context(), tok)
			checkCode(t, err, tt.want)
			if p != nil {
				t.Errorf("principal = %+v, want nil", p)
			}
		})
	}
}

// TestAuthenticatorCacheRevocation documents the cache contract: a session
// revoked in the store is seen at once after ForgetSession on this
// instance, and otherwise within CacheTTL.
func TestAuthenticatorCacheRevocation(t *testing.T) {
	t.Parallel()
	t.Run("ForgetSession", func(t *testing.T) {
		t.Parallel()
		e := mustOpenSQLiteEnv(t)
		g := e.mustSignupAndLogin(t, "ann@example.com", false)
		mustAuthenticate(t, e, g.AccessToken)
		if err := e.db.RevokeSession(t.Context(), g.SessionID); err != nil {
			t.Fatal(err)
		}
		e.authn.ForgetSession(g.SessionID)
		_, err := e.authn.AuthenticateJWT(t.Context(), g.AccessToken)
		checkCode(t, err, tenx.ETOKENREVOKED)
	})
	t.Run("without ForgetSession", func(t *testing.T) {
		t.Parallel()
		e := mustOpenSQLiteEnv(t)
		g := e.mustSignupAndLogin(t, "ann@example.com", false)
		mustAuthenticate(t, e, g.AccessToken)
		if err := e.db.RevokeSession(t.Context(), g.SessionID); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(cacheTTL - time.Millisecond)
		mustAuthenticate(t, e, g.AccessToken) // still trusted from the cache
		e.clock.Add(time.Millisecond)
		_, err := e.authn.AuthenticateJWT(t.Context(), g.AccessToken)
		checkCode(t, err, tenx.ETOKENREVOKED)
	})
	t.Run("ForgetSession keeps other sessions", func(t *testing.T) {
		t.Parallel()
		e := mustOpenSQLiteEnv(t)
		first := e.mustSignupAndLogin(t, "ann@example.com", false)
		second := e.mustLogin(t, "ann@example.com")
		mustAuthenticate(t, e, first.AccessToken)
		mustAuthenticate(t, e, second.AccessToken)
		for _, id := range []string{first.SessionID, second.SessionID} {
			if err := e.db.RevokeSession(t.Context(), id); err != nil {
				t.Fatal(err)
			}
		}
		e.authn.ForgetSession(first.SessionID)
		_, err := e.authn.AuthenticateJWT(t.Context(), first.AccessToken)
		checkCode(t, err, tenx.ETOKENREVOKED)
		mustAuthenticate(t, e, second.AccessToken) // cached until CacheTTL
	})
}

// TestAuthenticatorCacheHonoursExp trusts cached tokens for a day, longer
// than they live: the cache must still stop at exp.
func TestAuthenticatorCacheHonoursExp(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t, withCacheTTL(24*time.Hour))
	g := e.mustSignupAndLogin(t, "ann@example.com", false)
	mustAuthenticate(t, e, g.AccessToken)
	e.clock.Set(g.ExpiresAt.Add(-time.Second))
	mustAuthenticate(t, e, g.AccessToken)
	e.clock.Set(g.ExpiresAt)
	_, err := e.authn.AuthenticateJWT(t.Context(), g.AccessToken)
	checkCode(t, err, tenx.ETOKENEXPIRED)
}

// TestAuthenticatorCacheBounded authenticates more tokens than the cache
// holds. The cache size is not exported, so it is measured by behaviour:
// after the session is revoked in the store, exactly the cached tokens are
// still accepted.
func TestAuthenticatorCacheBounded(t *testing.T) {
	t.Parallel()
	const maxCached, tokens = 4, 20
	e := mustOpenSQLiteEnv(t, withMaxCached(maxCached))
	g := e.mustSignupAndLogin(t, "ann@example.com", false)
	var list []string
	for range tokens {
		list = append(list, e.mustIssue(t, g.User.ID, g.SessionID))
		e.clock.Add(time.Second) // a new iat makes a distinct token
	}
	for round := range 2 {
		for i, tok := range list {
			if _, err := e.authn.AuthenticateJWT(t.Context(), tok); err != nil {
				t.Fatalf("round %d, token %d: %v", round, i, err)
			}
		}
	}
	if err := e.db.RevokeSession(t.Context(), g.SessionID); err != nil {
		t.Fatal(err)
	}
	cached := 0
	for _, tok := range list {
		_, err := e.authn.AuthenticateJWT(t.Context(), tok)
		switch tenx.ErrorCode(err) {
		case "":
			cached++
		case tenx.ETOKENREVOKED:
		default:
			t.Fatalf("after revoke: %v", err)
		}
	}
	if cached < 1 || cached > maxCached {
		t.Errorf("%d tokens still served from the cache, want 1..%d", cached, maxCached)
	}
}

// TestAuthenticatorConcurrent is for the race detector: logins, cached and
// uncached verification and ForgetSession at once.
func TestAuthenticatorConcurrent(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t, withMaxCached(8))
	g := e.mustSignupAndLogin(t, "ann@example.com", false)
	var list []string
	for range 16 {
		list = append(list, e.mustIssue(t, g.User.ID, g.SessionID))
		e.clock.Add(time.Second)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(list))
	for w := range 4 {
		wg.Go(func() {
			for i := range list {
				tok := list[(i+w*3)%len(list)]
				if _, err := e.authn.AuthenticateJWT(t.Context(), tok); err != nil {
					errs <- err
				}
				if i%5 == 0 {
					e.authn.ForgetSession(g.SessionID)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func mustAuthenticate(t *testing.T, e *env, token string) *tenx.Principal {
	t.Helper()
	p, err := e.authn.AuthenticateJWT(t.Context(), token)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	return p
}

// hookedSessions is the real store with a hook run right after a session is
// read, to force one interleaving of a request and a logout.
type hookedSessions struct {
	*store.DB
	afterFind func()
}

func (h *hookedSessions) FindSessionByID(ctx context.Context, id string) (*tenx.Session, error) {
	s, err := h.DB.FindSessionByID(ctx, id)
	if f := h.afterFind; f != nil {
		h.afterFind = nil
		f()
	}
	return s, err
}

// TestLogoutDuringAuthentication logs out while a request holding the
// session's access token is between its session read and its cache write.
// The request itself may pass, but the logout must hold from then on.
func TestLogoutDuringAuthentication(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	g := e.mustSignupAndLogin(t, "ann@example.com", false)
	hooked := &hookedSessions{DB: e.db}
	authn := auth.NewAuthenticator(auth.AuthenticatorConfig{Tokens: e.tokens, Users: e.db, Sessions: hooked,
		Handles: e.db, PATs: e.db, Now: e.clock.Now, CacheTTL: cacheTTL})
	sessions := &auth.Sessions{Users: e.db, Sessions: e.db, Hasher: e.sessions.Hasher, Tokens: e.tokens,
		Auth: authn, Now: e.clock.Now, SessionTTL: sessionTTL}
	hooked.afterFind = func() {
		if err := sessions.Logout(t.Context(), g.SessionID); err != nil {
			t.Errorf("logout: %v", err)
		}
	}
	if _, err := authn.AuthenticateJWT(t.Context(), g.AccessToken); err != nil {
		t.Fatalf("in-flight request: %v", err)
	}
	_, err := authn.AuthenticateJWT(t.Context(), g.AccessToken)
	checkCode(t, err, tenx.ETOKENREVOKED)
}
