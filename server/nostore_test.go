package server_test

import (
	"net/http"
	"testing"
)

// TestTokenResponsesAreNotStored checks that the answers carrying a bearer
// token (login, refresh, PAT create and rotate), and every other /v2
// answer with them, errors included, forbid caching; the public key set
// stays cacheable.
func TestTokenResponsesAreNotStored(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	login := e.do(request{method: "POST", path: "/v2/auth/login",
		body: `{"email":"owner@example.com","password":"` + password + `"}`})
	refresh := refreshWith(e, owner.Refresh)
	create := e.do(request{method: "POST", path: "/v2/handles/acme/tokens", token: owner.Token,
		body: `{"name":"ci","scopes":["links.read"]}`})
	pat := decode[struct{ Token string }](t, create).Token
	rotate := e.do(request{method: "POST", path: "/v2/handles/acme/tokens/" + tokenID(pat) + "/rotate",
		token: owner.Token, body: `{}`})
	for _, tt := range []struct {
		name   string
		rec    *httpRecorder
		status int
	}{
		{"login", login, http.StatusOK},
		{"refresh", refresh, http.StatusOK},
		{"PAT create", create, http.StatusCreated},
		{"PAT rotate", rotate, http.StatusCreated},
		{"me", e.do(request{method: "GET", path: "/v2/auth/me", token: owner.Token}), http.StatusOK},
		{"an error", e.do(request{method: "GET", path: "/v2/auth/me"}), http.StatusUnauthorized},
	} {
		mustStatus(t, tt.rec, tt.status)
		if got := tt.rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control = %q, want no-store", tt.name, got)
		}
	}
	jwks := e.do(request{method: "GET", path: "/.well-known/jwks.json"})
	if got := jwks.Header().Get("Cache-Control"); got == "no-store" {
		t.Errorf("JWKS: Cache-Control = %q, want it cacheable", got)
	}
}
