package server_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestSignup(t *testing.T) {
	e := MustOpenServer(t)
	e.MustSignup(t, "taken@example.com")
	tests := []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"duplicate email", `{"email":"taken@example.com","password":"` + password + `"}`, 409, "conflict", ""},
		{"duplicate email in other case", `{"email":"Taken@Example.com","password":"` + password + `"}`, 409, "conflict", ""},
		{"short password", `{"email":"a@example.com","password":"short"}`, 400, "validation_error", "password"},
		{"common password", `{"email":"a@example.com","password":"Password123"}`, 400, "validation_error", "password"},
		{"password is the email", `{"email":"a.long.name@example.com","password":"A.Long.Name@example.com"}`, 400, "validation_error", "password"},
		{"password is the email's local part", `{"email":"a.long.name@example.com","password":"a.long.name"}`, 400, "validation_error", "password"},
		{"one character repeated", `{"email":"a@example.com","password":"aaaaaaaaaaaa"}`, 400, "validation_error", "password"},
		{"bad email", `{"email":"not-an-email","password":"` + password + `"}`, 400, "validation_error", "email"},
		{"missing password", `{"email":"a@example.com"}`, 400, "validation_error", "password"},
		{"unknown field", `{"email":"a@example.com","password":"` + password + `","admin":true}`, 400, "validation_error", "admin"},
		{"wrong type", `{"email":"a@example.com","password":12345678901}`, 400, "validation_error", "password"},
		{"not json", `{"email":`, 400, "invalid_payload", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustError(t, e.do(request{method: "POST", path: "/v2/auth/signup", body: tt.body}), tt.status, tt.code)
			if b.Field != tt.field {
				t.Errorf("field = %q, want %q", b.Field, tt.field)
			}
		})
	}
}

func TestSignupClosed(t *testing.T) {
	e := MustOpenServer(t, withSignup(false))
	rec := e.do(request{method: "POST", path: "/v2/auth/signup", body: `{"email":"a@example.com","password":"` + password + `"}`})
	mustError(t, rec, http.StatusForbidden, "signup_closed")
}

func TestLoginAnswersUnknownEmailAndWrongPasswordAlike(t *testing.T) {
	e := MustOpenServer(t)
	e.MustSignup(t, "known@example.com")
	wrong := mustError(t, e.do(request{method: "POST", path: "/v2/auth/login",
		body: `{"email":"known@example.com","password":"wrong password!"}`}), 401, "invalid_credentials")
	unknown := mustError(t, e.do(request{method: "POST", path: "/v2/auth/login",
		body: `{"email":"nobody@example.com","password":"wrong password!"}`}), 401, "invalid_credentials")
	if wrong.Message != unknown.Message {
		t.Fatalf("messages differ: %q vs %q", wrong.Message, unknown.Message)
	}
}

func TestLoginIssuesAccessTokenAndRefreshCookie(t *testing.T) {
	e := MustOpenServer(t)
	e.MustSignup(t, "a@example.com")
	rec := e.do(request{method: "POST", path: "/v2/auth/login", body: `{"email":"a@example.com","password":"` + password + `"}`})
	mustStatus(t, rec, http.StatusOK)
	body := decode[struct {
		AccessToken, TokenType string
		ExpiresIn              int
		User                   struct{ ID, Email string }
	}](t, rec)
	if body.TokenType != "Bearer" || body.ExpiresIn != 900 || body.User.Email != "a@example.com" {
		t.Fatalf("unexpected body %+v", body)
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "_10x_admin_refresh" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode ||
		cookie.Path != "/v2/auth" || cookie.MaxAge <= 0 || len(cookie.Value) < 40 {
		t.Fatalf("refresh cookie %+v", cookie)
	}
	checkAccessToken(t, e, body.AccessToken, body.User.ID)
}

// checkAccessToken verifies the token against the published JWKS and
// checks its header and claims as clients rely on them.
func checkAccessToken(t *testing.T, e *env, token, userID string) {
	t.Helper()
	jwks := decode[struct {
		Keys []struct{ Kty, Crv, X, Kid, Alg, Use string }
	}](t, e.do(request{method: "GET", path: "/.well-known/jwks.json"}))
	if len(jwks.Keys) != 1 || jwks.Keys[0].Alg != "EdDSA" || jwks.Keys[0].Crv != "Ed25519" {
		t.Fatalf("jwks %+v", jwks)
	}
	pub, err := base64.RawURLEncoding.DecodeString(jwks.Keys[0].X)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return ed25519.PublicKey(pub), nil },
		jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithTimeFunc(e.clock.Now))
	if err != nil {
		t.Fatalf("token does not verify with the JWKS key: %v", err)
	}
	if tok.Header["kid"] != jwks.Keys[0].Kid {
		t.Errorf("kid %v, want %s", tok.Header["kid"], jwks.Keys[0].Kid)
	}
	for _, c := range []string{"iss", "aud", "sub", "sid", "iat", "exp"} {
		if _, ok := claims[c]; !ok {
			t.Errorf("claim %s missing", c)
		}
	}
	if claims["sub"] != userID {
		t.Errorf("sub %v, want %s", claims["sub"], userID)
	}
	exp, _ := claims.GetExpirationTime()
	if got := exp.Sub(e.clock.Now()); got != 15*time.Minute {
		t.Errorf("token lives %v, want 15m", got)
	}
}

func TestAccessTokenErrors(t *testing.T) {
	e := MustOpenServer(t)
	u := e.MustSignup(t, "a@example.com")
	parts := strings.Split(u.Token, ".")
	forged := forgeToken(t, u.ID)
	tests := []struct {
		name, token, code string
	}{
		{"garbage", "garbage", "invalid_token"},
		{"tampered signature", parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])), "invalid_token"},
		{"alg none", noneToken(t, parts[1]), "invalid_token"},
		{"signed by another key", forged, "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustError(t, e.do(request{method: "GET", path: "/v2/auth/me", token: tt.token}), 401, tt.code)
		})
	}
	t.Run("no bearer scheme", func(t *testing.T) {
		rec := e.do(request{method: "GET", path: "/v2/auth/me", header: http.Header{"Authorization": {"Basic dTpw"}}})
		mustError(t, rec, 401, "missing_bearer_token")
		if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer realm="tenx"` {
			t.Fatalf("WWW-Authenticate %q", got)
		}
	})
	t.Run("expired", func(t *testing.T) {
		e.clock.Add(16 * time.Minute)
		rec := e.do(request{method: "GET", path: "/v2/auth/me", token: u.Token})
		mustError(t, rec, 401, "token_expired")
		if !strings.Contains(rec.Header().Get("WWW-Authenticate"), `error="token_expired"`) {
			t.Fatalf("WWW-Authenticate %q", rec.Header().Get("WWW-Authenticate"))
		}
	})
}

func noneToken(t *testing.T, payload string) string {
	t.Helper()
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"key-1"}`))
	return header + "." + payload + "."
}

func forgeToken(t *testing.T, sub string) string {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(nil)
	claims := jwt.MapClaims{"sub": sub, "sid": "ses_x", "iss": "http://tenx.test", "aud": "tenx-api",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = "key-1"
	s, err := tok.SignedString(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func refreshWith(e *env, cookie string) *httptest.ResponseRecorder {
	h := http.Header{}
	if cookie != "" {
		h.Set("Cookie", "_10x_admin_refresh="+cookie)
	}
	return e.do(request{method: "POST", path: "/v2/auth/refresh", header: h})
}

func TestRefresh(t *testing.T) {
	e := MustOpenServer(t)
	u := e.MustSignup(t, "a@example.com")
	mustError(t, refreshWith(e, ""), 401, "refresh_token_missing")
	mustError(t, refreshWith(e, "unknown-token"), 401, "invalid_refresh_token")

	rec := refreshWith(e, u.Refresh)
	mustStatus(t, rec, http.StatusOK)
	next := refreshCookie(t, rec)
	if next == u.Refresh {
		t.Fatal("refresh token was not rotated")
	}
	access := decode[struct{ AccessToken string }](t, rec).AccessToken
	mustStatus(t, e.do(request{method: "GET", path: "/v2/auth/me", token: access}), http.StatusOK)

	t.Run("reuse revokes the session", func(t *testing.T) {
		mustError(t, refreshWith(e, u.Refresh), 401, "invalid_refresh_token")
		mustError(t, refreshWith(e, next), 401, "invalid_refresh_token")
		// At once, though the access token is in the verified-token cache.
		mustError(t, e.do(request{method: "GET", path: "/v2/auth/me", token: access}), 401, "token_revoked")
	})
}

func TestRefreshAfterSessionExpiry(t *testing.T) {
	e := MustOpenServer(t)
	u := e.MustSignup(t, "a@example.com")
	e.clock.Add(31 * 24 * time.Hour)
	mustError(t, refreshWith(e, u.Refresh), 401, "invalid_refresh_token")
}

func TestLogoutEndsSessionAtOnce(t *testing.T) {
	e := MustOpenServer(t)
	u := e.MustSignup(t, "a@example.com")
	other, _ := e.MustLogin(t, "a@example.com")                                                     // a second session stays alive
	mustStatus(t, e.do(request{method: "GET", path: "/v2/auth/me", token: u.Token}), http.StatusOK) // now cached
	rec := e.do(request{method: "POST", path: "/v2/auth/logout", token: u.Token})
	mustStatus(t, rec, http.StatusNoContent)
	if c := rec.Header().Get("Set-Cookie"); !strings.Contains(c, "_10x_admin_refresh=;") || !strings.Contains(c, "Max-Age=0") {
		t.Fatalf("cookie not cleared: %q", c)
	}
	mustError(t, e.do(request{method: "GET", path: "/v2/auth/me", token: u.Token}), 401, "token_revoked")
	mustError(t, refreshWith(e, u.Refresh), 401, "invalid_refresh_token")
	mustStatus(t, e.do(request{method: "GET", path: "/v2/auth/me", token: other}), http.StatusOK)
}

func TestMe(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	creator := e.MustSignup(t, "creator@example.com")
	e.MustCreateHandle(t, owner, "acme")
	e.MustCreateHandle(t, owner, "beta")
	e.MustSetCollaborators(t, owner, "beta", `[{"userId":"`+creator.ID+`","role":"CREATOR"}]`)
	me := decode[struct {
		User    struct{ ID, Email string }
		Handles []struct{ Handle, Role string }
	}](t, e.do(request{method: "GET", path: "/v2/auth/me", token: creator.Token}))
	if me.User.ID != creator.ID || len(me.Handles) != 1 || me.Handles[0].Handle != "beta" || me.Handles[0].Role != "CREATOR" {
		t.Fatalf("me = %+v", me)
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Run("per account", func(t *testing.T) {
		e := MustOpenServer(t)
		e.MustSignup(t, "a@example.com") // logs in once
		body := `{"email":"a@example.com","password":"wrong password!"}`
		for i := 0; i < 9; i++ {
			mustError(t, e.do(request{method: "POST", path: "/v2/auth/login", body: body}), 401, "invalid_credentials")
		}
		rec := e.do(request{method: "POST", path: "/v2/auth/login", body: body})
		mustError(t, rec, 429, "rate_limited")
		if rec.Header().Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		// The right password is throttled too: the budget is the account's.
		mustError(t, e.do(request{method: "POST", path: "/v2/auth/login",
			body: `{"email":"a@example.com","password":"` + password + `"}`}), 429, "rate_limited")
		e.clock.Add(time.Minute)
		e.MustLogin(t, "a@example.com")
	})
	t.Run("per IP", func(t *testing.T) {
		e := MustOpenServer(t)
		for i := 0; i < 20; i++ {
			body := `{"email":"u` + string(rune('a'+i)) + `@example.com","password":"wrong password!"}`
			mustError(t, e.do(request{method: "POST", path: "/v2/auth/login", body: body}), 401, "invalid_credentials")
		}
		mustError(t, e.do(request{method: "POST", path: "/v2/auth/login",
			body: `{"email":"other@example.com","password":"wrong password!"}`}), 429, "rate_limited")
	})
}
