package store_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

// mustCreateSession starts a one-hour session for a new user with refresh
// token "r1".
func mustCreateSession(t *testing.T, db *store.DB, clock *testClock) *tenx.Session {
	t.Helper()
	u := mustCreateUser(t, db, "ann@example.com")
	s := &tenx.Session{UserID: u.ID, ExpiresAt: clock.Now().Add(time.Hour)}
	if err := db.CreateSession(t.Context(), s, hash("r1")); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCreateSession(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		s := mustCreateSession(t, db, clock)
		if !strings.HasPrefix(s.ID, "ses_") || len(s.ID) != 24 {
			t.Errorf("ID = %q, want ses_ and 20 characters", s.ID)
		}
		want := &tenx.Session{ID: s.ID, UserID: s.UserID, CreatedAt: stored(clock.Now()),
			ExpiresAt: stored(clock.Now().Add(time.Hour))}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("created session (-want +got):\n%s", diff)
		}
		got, err := db.FindSessionByID(t.Context(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("found session (-want +got):\n%s", diff)
		}

		_, err = db.FindSessionByID(t.Context(), "ses_nothing")
		checkCode(t, err, tenx.ENOTFOUND)
		again := &tenx.Session{UserID: s.UserID, ExpiresAt: s.ExpiresAt}
		checkCode(t, db.CreateSession(t.Context(), again, hash("r1")), tenx.ECONFLICT)
	})
}

// rot exchanges old for next, sealing "sealed:"+next, with the given grace.
func rot(old, next string, grace time.Duration) tenx.RefreshRotation {
	return tenx.RefreshRotation{OldHash: hash(old), NewHash: hash(next), Sealed: []byte("sealed:" + next), Grace: grace}
}

// rotation is one call of RotateRefreshToken.
type rotation struct {
	old, new string
	wantCode string
}

func TestRotateRefreshToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// prepare runs after the session with refresh token "r1" exists.
		prepare     func(t *testing.T, db *store.DB, clock *testClock, s *tenx.Session)
		rotations   []rotation
		wantRevoked bool
	}{
		{
			name:      "each new token rotates once",
			rotations: []rotation{{"r1", "r2", ""}, {"r2", "r3", ""}, {"r3", "r4", ""}},
		},
		{
			name:      "unknown token",
			rotations: []rotation{{"nope", "r2", tenx.EINVALIDREFRESH}},
		},
		{
			name: "reuse revokes the session and its newer token",
			rotations: []rotation{
				{"r1", "r2", ""},
				{"r1", "r3", tenx.EINVALIDREFRESH},
				{"r2", "r4", tenx.EINVALIDREFRESH},
			},
			wantRevoked: true,
		},
		{
			name:      "expired session",
			prepare:   func(_ *testing.T, _ *store.DB, clock *testClock, _ *tenx.Session) { clock.Add(time.Hour) },
			rotations: []rotation{{"r1", "r2", tenx.EINVALIDREFRESH}},
		},
		{
			name:      "just before expiry",
			prepare:   func(_ *testing.T, _ *store.DB, clock *testClock, _ *tenx.Session) { clock.Add(59 * time.Minute) },
			rotations: []rotation{{"r1", "r2", ""}},
		},
		{
			name: "revoked session",
			prepare: func(t *testing.T, db *store.DB, _ *testClock, s *tenx.Session) {
				if err := db.RevokeSession(t.Context(), s.ID); err != nil {
					t.Fatal(err)
				}
			},
			rotations:   []rotation{{"r1", "r2", tenx.EINVALIDREFRESH}},
			wantRevoked: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Dialects(t, func(t *testing.T, url string) {
				t.Parallel()
				db, clock := mustOpen(t, url)
				s := mustCreateSession(t, db, clock)
				if tt.prepare != nil {
					tt.prepare(t, db, clock, s)
				}
				for _, r := range tt.rotations {
					got, _, err := db.RotateRefreshToken(t.Context(), rot(r.old, r.new, 0))
					checkCode(t, err, r.wantCode)
					if err == nil && got.ID != s.ID {
						t.Fatalf("rotated session %q, want %q", got.ID, s.ID)
					}
				}
				found, err := db.FindSessionByID(t.Context(), s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if revoked := found.RevokedAt != nil; revoked != tt.wantRevoked {
					t.Fatalf("revoked = %v, want %v", revoked, tt.wantRevoked)
				}
			})
		})
	}
}

func TestRevokeSession(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		s := mustCreateSession(t, db, clock)
		revokedAt := stored(clock.Now())
		if err := db.RevokeSession(t.Context(), s.ID); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Minute)
		if err := db.RevokeSession(t.Context(), s.ID); err != nil {
			t.Fatalf("revoking again: %v", err)
		}
		got, err := db.FindSessionByID(t.Context(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&revokedAt, got.RevokedAt); diff != "" {
			t.Errorf("RevokedAt (-want +got):\n%s", diff)
		}
		checkCode(t, db.RevokeSession(t.Context(), "ses_nothing"), tenx.ENOTFOUND)
	})
}

// TestRotateRefreshTokenRace presents one token twice at once: exactly one
// rotation may win, and the loser counts as reuse.
func TestRotateRefreshTokenRace(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		s := mustCreateSession(t, db, clock)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				_, _, errs[i] = db.RotateRefreshToken(t.Context(), rot("r1", fmt.Sprintf("r2-%d", i), 0))
			})
		}
		wg.Wait()
		codes := []string{tenx.ErrorCode(errs[0]), tenx.ErrorCode(errs[1])}
		slices.Sort(codes)
		if diff := cmp.Diff([]string{"", tenx.EINVALIDREFRESH}, codes); diff != "" {
			t.Fatalf("error codes (-want +got):\n%s\nerrors: %v", diff, errs)
		}
		found, err := db.FindSessionByID(t.Context(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if found.RevokedAt == nil {
			t.Fatal("session not revoked after reuse")
		}
	})
}

// TestRotateRefreshTokenGrace presents a rotated token again: within the
// grace it changes nothing and returns the first rotation's sealed
// successor, which keeps working; after the grace it revokes the session.
func TestRotateRefreshTokenGrace(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		s := mustCreateSession(t, db, clock)
		const grace = 10 * time.Second
		rotate := func(old, next string) ([]byte, error) {
			t.Helper()
			got, replay, err := db.RotateRefreshToken(t.Context(), rot(old, next, grace))
			if err == nil && got.ID != s.ID {
				t.Fatalf("rotated session %q, want %q", got.ID, s.ID)
			}
			return replay, err
		}
		if replay, err := rotate("r1", "r2"); err != nil || replay != nil {
			t.Fatalf("first rotation: replay %q, err %v", replay, err)
		}
		clock.Add(grace)
		replay, err := rotate("r1", "r2-other")
		if err != nil || string(replay) != "sealed:r2" {
			t.Fatalf("within the grace: replay %q, err %v; want the first successor", replay, err)
		}
		_, err = rotate("r2-other", "r3") // the retry stored nothing
		checkCode(t, err, tenx.EINVALIDREFRESH)
		if replay, err := rotate("r2", "r3"); err != nil || replay != nil {
			t.Fatalf("the replayed successor rotates: replay %q, err %v", replay, err)
		}
		clock.Add(time.Millisecond)
		_, err = rotate("r1", "r4") // grace + 1 ms after its rotation
		checkCode(t, err, tenx.EINVALIDREFRESH)
		found, err := db.FindSessionByID(t.Context(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if found.RevokedAt == nil {
			t.Fatal("session not revoked by reuse after the grace")
		}
		_, err = rotate("r3", "r5")
		checkCode(t, err, tenx.EINVALIDREFRESH)
	})
}

// TestRotateRefreshTokenRaceWithinGrace presents one token twice at once
// with a grace: one rotation wins, the other gets its successor back, and
// the session lives on.
func TestRotateRefreshTokenRaceWithinGrace(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		s := mustCreateSession(t, db, clock)
		replays := make([][]byte, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				_, replays[i], errs[i] = db.RotateRefreshToken(t.Context(), rot("r1", fmt.Sprintf("r2-%d", i), 10*time.Second))
			})
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("errors: %v", errs)
		}
		winner := 1 - slices.IndexFunc(replays, func(b []byte) bool { return b != nil })
		if winner > 1 || replays[winner] != nil || string(replays[1-winner]) != fmt.Sprintf("sealed:r2-%d", winner) {
			t.Fatalf("replays %q: want exactly one, the winner's successor", replays)
		}
		found, err := db.FindSessionByID(t.Context(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if found.RevokedAt != nil {
			t.Fatal("session revoked by a race within the grace")
		}
	})
}
