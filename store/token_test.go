package store_test

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

// mustCreateToken creates the token "tok_"+name of the handle.
func mustCreateToken(t *testing.T, db *store.DB, handle, createdBy, name string, expiresAt *time.Time) *tenx.Token {
	t.Helper()
	tok := newToken(handle, createdBy, name, expiresAt)
	if err := db.CreateToken(t.Context(), tok); err != nil {
		t.Fatalf("create token %s: %v", name, err)
	}
	return tok
}

func newToken(handle, createdBy, name string, expiresAt *time.Time) *tenx.Token {
	return &tenx.Token{ID: "tok_" + name, Handle: handle, Name: name,
		Scopes: []string{"links.read", "links.write"}, SecretHash: hash(name),
		CreatedBy: createdBy, ExpiresAt: expiresAt}
}

func mustFindToken(t *testing.T, db *store.DB, id string) *tenx.Token {
	t.Helper()
	tok, err := db.FindTokenByID(t.Context(), id)
	if err != nil {
		t.Fatalf("find token %s: %v", id, err)
	}
	return tok
}

// checkTokens fails unless the handle's active tokens (all of one page) are
// want, by id.
func checkTokens(t *testing.T, db *store.DB, handle string, want ...string) {
	t.Helper()
	tokens, next, err := db.FindTokens(t.Context(), tenx.TokenFilter{Handle: handle, Limit: tenx.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, tok := range tokens {
		got = append(got, tok.ID)
	}
	if want == nil {
		want = []string{}
	}
	if diff := gocmp.Diff(want, got); diff != "" || next != "" {
		t.Errorf("active tokens of %s (-want +got):\n%s (next %q)", handle, diff, next)
	}
}

func ptr[T any](v T) *T { return &v }

func TestCreateToken(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		exp := clock.Now().Add(24 * time.Hour)

		tok := mustCreateToken(t, db, "shop", ann.ID, "ci", &exp)
		want := &tenx.Token{ID: "tok_ci", Handle: "shop", Name: "ci",
			Scopes: []string{"links.read", "links.write"}, SecretHash: hash("ci"), CreatedBy: ann.ID,
			CreatedAt: stored(clock.Now()), ExpiresAt: ptr(stored(exp))}
		if diff := gocmp.Diff(want, tok); diff != "" {
			t.Errorf("created token (-want +got):\n%s", diff)
		}
		if diff := gocmp.Diff(want, mustFindToken(t, db, "tok_ci")); diff != "" {
			t.Errorf("found token (-want +got):\n%s", diff)
		}

		noScopes := &tenx.Token{ID: "tok_bare", Handle: "shop", SecretHash: hash("bare"), CreatedBy: ann.ID}
		checkCode(t, db.CreateToken(t.Context(), noScopes), "")
		if got := mustFindToken(t, db, "tok_bare"); got.Scopes == nil || len(got.Scopes) != 0 || got.ExpiresAt != nil {
			t.Errorf("bare token: scopes %#v, expiresAt %v; want empty, nil", got.Scopes, got.ExpiresAt)
		}

		checkCode(t, db.CreateToken(t.Context(), newToken("shop", ann.ID, "ci", nil)), tenx.ECONFLICT)
		checkCode(t, db.CreateToken(t.Context(), newToken("nope", ann.ID, "x", nil)), tenx.ENOTFOUND)
		checkCode(t, db.CreateToken(t.Context(), newToken("shop", "usr_ghost", "y", nil)), tenx.ENOTFOUND)
		_, err := db.FindTokenByID(t.Context(), "tok_nope")
		checkCode(t, err, tenx.ENOTFOUND)
	})
}

func TestFindTokensListsActiveOnly(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateHandle(t, db, "other", ann.ID)
		mustCreateToken(t, db, "shop", ann.ID, "forever", nil)
		clock.Add(time.Millisecond)
		mustCreateToken(t, db, "shop", ann.ID, "hour", ptr(clock.Now().Add(time.Hour)))
		clock.Add(time.Millisecond)
		mustCreateToken(t, db, "shop", ann.ID, "revoked", nil)
		checkCode(t, db.RevokeToken(t.Context(), "shop", "tok_revoked"), "")
		mustCreateToken(t, db, "other", ann.ID, "elsewhere", nil)

		checkTokens(t, db, "shop", "tok_hour", "tok_forever")
		clock.Add(time.Hour - 2*time.Millisecond) // a moment before expiry
		checkTokens(t, db, "shop", "tok_hour", "tok_forever")
		clock.Add(time.Millisecond) // exactly at expiry, as tenx.Token.Usable
		checkTokens(t, db, "shop", "tok_forever")
		checkTokens(t, db, "nope")
	})
}

func TestFindTokensPages(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateHandle(t, db, "other", ann.ID)
		// Groups of three share a millisecond, so that pages must break
		// ties by id.
		var tokens []*tenx.Token
		for i := range 23 {
			if i%3 == 0 {
				clock.Add(time.Millisecond)
			}
			name := string(rune('a'+i%26)) + string(rune('Z'-i))
			tokens = append(tokens, mustCreateToken(t, db, "shop", ann.ID, name, nil))
			mustCreateToken(t, db, "other", ann.ID, "other"+name, nil)
		}
		slices.SortFunc(tokens, func(a, b *tenx.Token) int {
			return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
		})
		var want []string
		for _, tok := range tokens {
			want = append(want, tok.ID)
		}
		find := func(ctx context.Context, limit int, next string) ([]*tenx.Token, string, error) {
			return db.FindTokens(ctx, tenx.TokenFilter{Handle: "shop", Limit: limit, NextToken: next})
		}
		for _, tt := range []struct {
			limit     int
			wantSizes []int
		}{{0, []int{23}}, {1, slices.Repeat([]int{1}, 23)}, {5, []int{5, 5, 5, 5, 3}}, {23, []int{23}}, {1000, []int{23}}} {
			got, sizes := pageThrough(t, find, tt.limit, func(tok *tenx.Token) string { return tok.ID })
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("limit %d: ids (-want +got):\n%s", tt.limit, diff)
			}
			if diff := gocmp.Diff(tt.wantSizes, sizes); diff != "" {
				t.Errorf("limit %d: page sizes (-want +got):\n%s", tt.limit, diff)
			}
		}
		checkMalformedPageTokens(t, find, "not base64!", b64("no comma"), b64("12,"), b64("x,tok_a"), b64(",tok_a"))
	})
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		handle   string
		id       string
		wantCode string
	}{
		{name: "active", handle: "shop", id: "tok_active"},
		{name: "twice", handle: "shop", id: "tok_revoked", wantCode: tenx.ENOTFOUND},
		{name: "expired", handle: "shop", id: "tok_expired", wantCode: tenx.ENOTFOUND},
		{name: "of another handle", handle: "other", id: "tok_active", wantCode: tenx.ENOTFOUND},
		{name: "unknown", handle: "shop", id: "tok_nope", wantCode: tenx.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Dialects(t, func(t *testing.T, url string) {
				t.Parallel()
				db, clock := mustOpen(t, url)
				ann := mustCreateUser(t, db, "ann@example.com")
				mustCreateHandle(t, db, "shop", ann.ID)
				mustCreateHandle(t, db, "other", ann.ID)
				mustCreateToken(t, db, "shop", ann.ID, "active", nil)
				mustCreateToken(t, db, "shop", ann.ID, "revoked", nil)
				mustCreateToken(t, db, "shop", ann.ID, "expired", ptr(clock.Now().Add(time.Minute)))
				checkCode(t, db.RevokeToken(t.Context(), "shop", "tok_revoked"), "")
				clock.Add(time.Minute)
				before := mustFindToken(t, db, "tok_active")

				checkCode(t, db.RevokeToken(t.Context(), tt.handle, tt.id), tt.wantCode)
				got := mustFindToken(t, db, "tok_active")
				want := before
				if tt.wantCode == "" {
					want.RevokedAt = ptr(stored(clock.Now()))
				}
				if diff := gocmp.Diff(want, got); diff != "" {
					t.Errorf("token (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestRotateTokenOverlap(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateToken(t, db, "shop", ann.ID, "old", nil)
		clock.Add(time.Minute)

		overlapEnd := clock.Now().Add(time.Hour)
		// next.Handle is ignored: rotation stays within the handle.
		next := newToken("elsewhere", ann.ID, "new", nil)
		if err := db.RotateToken(t.Context(), "shop", "tok_old", next, overlapEnd); err != nil {
			t.Fatal(err)
		}
		if next.Handle != "shop" || !next.CreatedAt.Equal(stored(clock.Now())) {
			t.Errorf("next: handle %q, createdAt %v; want shop, %v", next.Handle, next.CreatedAt, stored(clock.Now()))
		}
		if diff := gocmp.Diff(next, mustFindToken(t, db, "tok_new")); diff != "" {
			t.Errorf("stored next (-want +got):\n%s", diff)
		}
		if got := mustFindToken(t, db, "tok_old").ExpiresAt; got == nil || !got.Equal(stored(overlapEnd)) {
			t.Errorf("old expiresAt = %v, want %v", got, stored(overlapEnd))
		}

		clock.Add(time.Hour - time.Millisecond)
		checkTokens(t, db, "shop", "tok_new", "tok_old")
		if code := mustFindToken(t, db, "tok_old").Usable(clock.Now()); code != "" {
			t.Errorf("old token within the overlap: Usable = %q", code)
		}
		clock.Add(time.Millisecond)
		checkTokens(t, db, "shop", "tok_new")
		checkCode(t, db.RevokeToken(t.Context(), "shop", "tok_old"), tenx.ENOTFOUND)
		// Expired, but rotated: it has its successor already.
		checkCode(t, db.RotateToken(t.Context(), "shop", "tok_old", newToken("shop", ann.ID, "newer", nil),
			clock.Now().Add(time.Hour)), tenx.ECONFLICT)
	})
}

func TestRotateToken(t *testing.T) {
	t.Parallel()
	// ann's tokens of "shop": "soon" expires in 10 minutes, "revoked" is
	// revoked and "forever" never expires. Rotations ask for one hour.
	tests := []struct {
		name        string
		handle      string
		old         string
		next        string
		wantCode    string
		wantExpires time.Duration // of old, from now; 0 for never
	}{
		{name: "keeps an earlier expiry", handle: "shop", old: "soon", next: "new", wantExpires: 10 * time.Minute},
		{name: "sets the overlap", handle: "shop", old: "forever", next: "new", wantExpires: time.Hour},
		{name: "revoked", handle: "shop", old: "revoked", next: "new", wantCode: tenx.ENOTFOUND},
		{name: "of another handle", handle: "other", old: "forever", next: "new", wantCode: tenx.ENOTFOUND},
		{name: "unknown", handle: "shop", old: "nope", next: "new", wantCode: tenx.ENOTFOUND},
		{name: "next id taken", handle: "shop", old: "forever", next: "soon", wantCode: tenx.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Dialects(t, func(t *testing.T, url string) {
				t.Parallel()
				db, clock := mustOpen(t, url)
				ann := mustCreateUser(t, db, "ann@example.com")
				mustCreateHandle(t, db, "shop", ann.ID)
				mustCreateHandle(t, db, "other", ann.ID)
				mustCreateToken(t, db, "shop", ann.ID, "soon", ptr(clock.Now().Add(10*time.Minute)))
				mustCreateToken(t, db, "shop", ann.ID, "forever", nil)
				mustCreateToken(t, db, "shop", ann.ID, "revoked", nil)
				checkCode(t, db.RevokeToken(t.Context(), "shop", "tok_revoked"), "")
				start := clock.Now()
				oldBefore, _ := db.FindTokenByID(t.Context(), "tok_"+tt.old)

				err := db.RotateToken(t.Context(), tt.handle, "tok_"+tt.old, newToken("shop", ann.ID, tt.next, nil),
					start.Add(time.Hour))
				checkCode(t, err, tt.wantCode)
				if err != nil {
					if tt.next == "new" {
						_, err := db.FindTokenByID(t.Context(), "tok_new")
						checkCode(t, err, tenx.ENOTFOUND)
					}
					if oldBefore != nil {
						if diff := gocmp.Diff(oldBefore, mustFindToken(t, db, "tok_"+tt.old)); diff != "" {
							t.Errorf("old token changed (-before +after):\n%s", diff)
						}
					}
					return
				}
				got := mustFindToken(t, db, "tok_"+tt.old).ExpiresAt
				if want := stored(start.Add(tt.wantExpires)); got == nil || !got.Equal(want) {
					t.Errorf("old expiresAt = %v, want %v", got, want)
				}
				mustFindToken(t, db, "tok_"+tt.next)
			})
		})
	}
}

func TestTouchToken(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateToken(t, db, "shop", ann.ID, "ci", nil)
		t0 := clock.Now()

		steps := []struct {
			name     string
			id       string
			at       time.Time
			ip       string
			wantCode string
			wantAt   time.Time
			wantIP   string
		}{
			{name: "first use", id: "tok_ci", at: t0.Add(time.Minute), ip: "192.0.2.1",
				wantAt: t0.Add(time.Minute), wantIP: "192.0.2.1"},
			{name: "older use is ignored", id: "tok_ci", at: t0.Add(time.Second), ip: "192.0.2.2",
				wantAt: t0.Add(time.Minute), wantIP: "192.0.2.1"},
			{name: "later use without ip", id: "tok_ci", at: t0.Add(time.Hour),
				wantAt: t0.Add(time.Hour), wantIP: ""},
			{name: "unknown token", id: "tok_nope", at: t0.Add(2 * time.Hour), wantCode: tenx.ENOTFOUND,
				wantAt: t0.Add(time.Hour), wantIP: ""},
		}
		for _, s := range steps {
			checkCode(t, db.TouchToken(t.Context(), s.id, s.at, s.ip), s.wantCode)
			got := mustFindToken(t, db, "tok_ci")
			if got.LastUsedAt == nil || !got.LastUsedAt.Equal(stored(s.wantAt)) || got.LastUsedIP != s.wantIP {
				t.Errorf("%s: last used %v from %q, want %v from %q", s.name, got.LastUsedAt, got.LastUsedIP,
					stored(s.wantAt), s.wantIP)
			}
		}
	})
}
