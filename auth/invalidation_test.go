package auth_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"tenx"
	"tenx/auth"
	"tenx/invalidate"
	"tenx/store"
	"tenx/store/storetest"
)

// countingStore counts the reads the caches are meant to save.
type countingStore struct {
	*store.DB
	tokenReads, roleReads atomic.Int64
}

func (s *countingStore) FindTokenByID(ctx context.Context, id string) (*tenx.Token, error) {
	s.tokenReads.Add(1)
	return s.DB.FindTokenByID(ctx, id)
}

func (s *countingStore) FindRole(ctx context.Context, handle, userID string) (tenx.Role, error) {
	s.roleReads.Add(1)
	return s.DB.FindRole(ctx, handle, userID)
}

// cachedEnv is the auth services on SQLite through a countingStore, with
// the store's bus unless bus is false.
func cachedEnv(t *testing.T, bus bool) (*countingStore, *auth.Services, *testClock) {
	t.Helper()
	c := newClock()
	db := storetest.MustOpen(t, storetest.SQLiteURL(t), c.Now)
	cs := &countingStore{DB: db}
	cfg := auth.Config{Issuer: testIssuer, AccessTTL: accessTTL, SessionTTL: sessionTTL,
		Hasher: auth.FastPasswordHasher(), Now: c.Now}
	if bus {
		cfg.Bus = db.Bus()
	}
	s, err := auth.New(t.Context(), cfg, auth.Stores{Users: db, Sessions: db, Handles: cs, Tokens: cs, Keys: db})
	if err != nil {
		t.Fatal(err)
	}
	return cs, s, c
}

// TestUnknownPATIDCached presents a forged token whose checksum is valid:
// its id is read once, then remembered as unknown for a second, and a token
// created with that id works at once here (the store's write tells the
// bus), or within the second without a bus (as on another instance whose
// listener is down).
func TestUnknownPATIDCached(t *testing.T) {
	t.Parallel()
	for _, bus := range []bool{true, false} {
		cs, s, clock := cachedEnv(t, bus)
		ctx := t.Context()
		u, err := s.Sessions.Signup(ctx, "owner@example.com", testPassword, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := cs.CreateHandle(ctx, &tenx.Handle{Name: "acme", OwnerID: u.ID}); err != nil {
			t.Fatal(err)
		}
		id, token, hash := auth.NewPAT()
		for range 3 {
			_, err := s.PATs.Verify(ctx, token, "acme", nil)
			checkAuthCode(t, err, tenx.EINVALIDTOKEN)
		}
		if n := cs.tokenReads.Load(); n != 1 {
			t.Fatalf("bus %v: %d reads for three tries of one unknown id, want 1", bus, n)
		}
		tok := &tenx.Token{ID: id, Handle: "acme", Name: "ci", Scopes: []string{"links.read"}, SecretHash: hash, CreatedBy: u.ID}
		if err := cs.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if !bus {
			_, err := s.PATs.Verify(ctx, token, "acme", nil)
			checkAuthCode(t, err, tenx.EINVALIDTOKEN) // still remembered as unknown
			clock.Add(time.Second)
		}
		if _, err := s.PATs.Verify(ctx, token, "acme", nil); err != nil {
			t.Fatalf("bus %v: the created token is refused: %v", bus, err)
		}
	}
}

// TestUnknownPATIDCacheBounded floods the cache with forged ids: it keeps
// at most MaxCached of them.
func TestUnknownPATIDCacheBounded(t *testing.T) {
	t.Parallel()
	c := newClock()
	db := storetest.MustOpen(t, storetest.SQLiteURL(t), c.Now)
	cs := &countingStore{DB: db}
	s, err := auth.New(t.Context(), auth.Config{Issuer: testIssuer, Hasher: auth.FastPasswordHasher(), Now: c.Now,
		MaxCached: 10}, auth.Stores{Users: db, Sessions: db, Handles: cs, Tokens: cs, Keys: db})
	if err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, 30)
	for i := range tokens {
		_, tokens[i], _ = auth.NewPAT()
		_, err := s.PATs.Verify(t.Context(), tokens[i], "acme", nil)
		checkAuthCode(t, err, tenx.EINVALIDTOKEN)
	}
	before := cs.tokenReads.Load()
	for _, tok := range tokens {
		_, _ = s.PATs.Verify(t.Context(), tok, "acme", nil)
	}
	if again := cs.tokenReads.Load() - before; again < 20 {
		t.Fatalf("%d of 30 forged ids read again; a cache of 10 must have forgotten at least 20", again)
	}
}

// TestRoleCache checks that a caller's role is read once, and that lowering
// or removing it holds for the very next request.
func TestRoleCache(t *testing.T) {
	t.Parallel()
	cs, s, _ := cachedEnv(t, true)
	ctx := t.Context()
	owner, err := s.Sessions.Signup(ctx, "owner@example.com", testPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sessions.Signup(ctx, "op@example.com", testPassword, false); err != nil {
		t.Fatal(err)
	}
	g, err := s.Sessions.Login(ctx, "op@example.com", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.CreateHandle(ctx, &tenx.Handle{Name: "acme", OwnerID: owner.ID}); err != nil {
		t.Fatal(err)
	}
	req := &auth.Requirement{JWT: true, MinRole: tenx.RoleOperator}
	cred := auth.Credential{Token: g.AccessToken}
	authorize := func() error {
		_, err := s.Authenticator.Authorize(ctx, req, cred, true, "acme")
		return err
	}
	checkAuthCode(t, authorize(), tenx.ENOTFOUND) // no role yet, and that is cached too
	replace := func(role tenx.Role) {
		t.Helper()
		octx := tenx.NewContextWithPrincipal(ctx, &tenx.Principal{Kind: tenx.CredentialJWT, UserID: owner.ID})
		list := []tenx.Collaborator{}
		if role != "" {
			list = append(list, tenx.Collaborator{UserID: g.User.ID, Role: role})
		}
		if _, err := cs.ReplaceCollaborators(octx, "acme", list); err != nil {
			t.Fatal(err)
		}
	}
	replace(tenx.RoleOperator)
	for range 3 {
		if err := authorize(); err != nil {
			t.Fatalf("operator refused: %v", err)
		}
	}
	if n := cs.roleReads.Load(); n != 2 {
		t.Fatalf("%d role reads, want 2 (before and after the grant)", n)
	}
	replace(tenx.RoleCreator)
	checkAuthCode(t, authorize(), tenx.EINSUFFICIENTROLE)
	replace("")
	checkAuthCode(t, authorize(), tenx.ENOTFOUND)
	cs.Bus().Publish(invalidate.Event{Kind: invalidate.All})
	if hits := s.Authenticator.CacheStats()["role"][0]; hits == 0 {
		t.Error("no role cache hits counted")
	}
}

func checkAuthCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := tenx.ErrorCode(err); got != want {
		t.Fatalf("error %v (code %q), want code %q", err, got, want)
	}
}
