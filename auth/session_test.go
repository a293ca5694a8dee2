package auth_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store/storetest"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		e := mustOpenEnv(t, url)
		u, err := e.sessions.Signup(t.Context(), "  Ann@Example.COM ", testPassword, true)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == "" || u.Email != "ann@example.com" || !u.IsAdmin {
			t.Errorf("user = %+v, want an id, the normalized email and IsAdmin", u)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$") || !verifies(t, e.sessions.Hasher, u.PasswordHash, testPassword) {
			t.Errorf("password hash %q is not an argon2id hash of the password", u.PasswordHash)
		}
		stored, err := e.db.FindUserByEmail(t.Context(), "ann@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u.PasswordHash, stored.PasswordHash); diff != "" {
			t.Errorf("stored hash (-returned +stored):\n%s", diff)
		}

		_, err = e.sessions.Signup(t.Context(), "ANN@example.com", "another password", false)
		checkCode(t, err, tenx.ECONFLICT)
	})
}

func TestSignupValidation(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	tests := []struct {
		name, email, password string
		field                 string
	}{
		{"empty email", "", testPassword, "email"},
		{"no at sign", "ann.example.com", testPassword, "email"},
		{"display name", "Ann <ann@example.com>", testPassword, "email"},
		{"two addresses", "ann@example.com, bob@example.com", testPassword, "email"},
		{"empty password", "ann@example.com", "", "password"},
		{"nine characters", "ann@example.com", "123456789", "password"},
		{"257 characters", "ann@example.com", strings.Repeat("p", 257), "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := e.sessions.Signup(t.Context(), tt.email, tt.password, false)
			var te *tenx.Error
			if !errors.As(err, &te) || te.Code != tenx.EVALIDATION || te.Field != tt.field {
				t.Fatalf("error = %#v, want %s on field %q", err, tenx.EVALIDATION, tt.field)
			}
			if u != nil {
				t.Errorf("user = %+v, want nil", u)
			}
		})
	}
	// The shortest and longest lengths accepted (neither common nor one
	// character repeated, which the policy refuses).
	for _, pw := range []string{"7n3kq9x2mw", strings.Repeat("pq", 128)} {
		if _, err := e.sessions.Signup(t.Context(), "ok"+pw[:3]+"@example.com", pw, false); err != nil {
			t.Errorf("password of %d characters: %v", len(pw), err)
		}
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		e := mustOpenEnv(t, url)
		u := e.mustSignup(t, "ann@example.com", false)
		now := e.clock.Now()
		g, err := e.sessions.Login(t.Context(), " ANN@example.com", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if g.User.ID != u.ID || g.SessionID == "" || !g.ExpiresAt.Equal(now.Add(accessTTL)) {
			t.Errorf("grant = %+v, want user %s, a session and ExpiresAt now+%v", g, u.ID, accessTTL)
		}
		if b, err := base64.RawURLEncoding.DecodeString(g.RefreshToken); err != nil || len(b) != 32 {
			t.Errorf("refresh token %q: want 32 random bytes, base64url (%v)", g.RefreshToken, err)
		}
		claims, err := e.tokens.Verify(g.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if claims.Subject != u.ID || claims.SessionID != g.SessionID {
			t.Errorf("access token sub/sid = %s/%s, want %s/%s", claims.Subject, claims.SessionID, u.ID, g.SessionID)
		}
		s, err := e.db.FindSessionByID(t.Context(), g.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		want := &tenx.Session{ID: g.SessionID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("session (-want +got):\n%s", diff)
		}
		p := mustAuthenticate(t, e, g.AccessToken)
		if p.UserID != u.ID || p.SessionID != g.SessionID {
			t.Errorf("principal = %+v, want user %s session %s", p, u.ID, g.SessionID)
		}
	})
}

// TestLoginFailures checks that a wrong password and an unknown email give
// the same answer.
func TestLoginFailures(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	e.mustSignup(t, "ann@example.com", false)
	var messages []string
	for _, c := range []struct{ email, password string }{
		{"ann@example.com", "wrong password"},
		{"ann@example.com", ""},
		{"ann@example.com", strings.ToUpper(testPassword)},
		{"nobody@example.com", testPassword},
		{"", ""},
	} {
		g, err := e.sessions.Login(t.Context(), c.email, c.password)
		checkCode(t, err, tenx.EINVALIDCREDENTIALS)
		if g != nil {
			t.Errorf("%s: grant = %+v, want nil", c.email, g)
		}
		messages = append(messages, tenx.ErrorMessage(err))
	}
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Errorf("messages differ: %q", messages)
			break
		}
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		e := mustOpenEnv(t, url)
		first := e.mustSignupAndLogin(t, "ann@example.com", false)

		_, err := e.sessions.Refresh(t.Context(), "")
		checkCode(t, err, tenx.EREFRESHMISSING)
		_, err = e.sessions.Refresh(t.Context(), "never-issued")
		checkCode(t, err, tenx.EINVALIDREFRESH)

		e.clock.Add(time.Minute)
		second, err := e.sessions.Refresh(t.Context(), first.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		if second.RefreshToken == first.RefreshToken || second.RefreshToken == "" {
			t.Errorf("refresh token not rotated: %q", second.RefreshToken)
		}
		if second.SessionID != first.SessionID || second.User.ID != first.User.ID {
			t.Errorf("refreshed grant session/user = %s/%s, want %s/%s",
				second.SessionID, second.User.ID, first.SessionID, first.User.ID)
		}
		if want := e.clock.Now().Add(accessTTL); !second.ExpiresAt.Equal(want) {
			t.Errorf("ExpiresAt = %v, want %v", second.ExpiresAt, want)
		}
		mustAuthenticate(t, e, second.AccessToken)

		// Reuse of the rotated token ends the session.
		_, err = e.sessions.Refresh(t.Context(), first.RefreshToken)
		checkCode(t, err, tenx.EINVALIDREFRESH)
		s, err := e.db.FindSessionByID(t.Context(), first.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		if s.RevokedAt == nil {
			t.Fatal("session not revoked after refresh token reuse")
		}
		_, err = e.sessions.Refresh(t.Context(), second.RefreshToken)
		checkCode(t, err, tenx.EINVALIDREFRESH)
		e.clock.Add(time.Second)
		third, _, err := e.tokens.Issue(first.User.ID, first.SessionID) // a new iat: not cached
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.authn.AuthenticateJWT(t.Context(), third)
		checkCode(t, err, tenx.ETOKENREVOKED)
	})
}

func TestRefreshExpiredSession(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	g := e.mustSignupAndLogin(t, "ann@example.com", false)
	e.clock.Add(sessionTTL)
	_, err := e.sessions.Refresh(t.Context(), g.RefreshToken)
	checkCode(t, err, tenx.EINVALIDREFRESH)
}

func TestLogout(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		e := mustOpenEnv(t, url)
		g := e.mustSignupAndLogin(t, "ann@example.com", false)
		other := e.mustLogin(t, "ann@example.com")
		mustAuthenticate(t, e, g.AccessToken) // now cached
		mustAuthenticate(t, e, other.AccessToken)

		if err := e.sessions.Logout(t.Context(), g.SessionID); err != nil {
			t.Fatal(err)
		}
		_, err := e.authn.AuthenticateJWT(t.Context(), g.AccessToken)
		checkCode(t, err, tenx.ETOKENREVOKED)
		_, err = e.sessions.Refresh(t.Context(), g.RefreshToken)
		checkCode(t, err, tenx.EINVALIDREFRESH)
		mustAuthenticate(t, e, other.AccessToken) // another session lives on

		if err := e.sessions.Logout(t.Context(), g.SessionID); err != nil {
			t.Errorf("second logout: %v", err)
		}
		checkCode(t, e.sessions.Logout(t.Context(), "ses_unknown"), tenx.ENOTFOUND)
	})
}
