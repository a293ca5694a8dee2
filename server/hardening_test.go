package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestJWTInAPIKeyRefused: x-api-key is the PAT scheme's header; a signed-in
// user's JWT sent there is refused on every kind of route.
func TestJWTInAPIKeyRefused(t *testing.T) {
	t.Parallel()
	e := MustOpenServer(t)
	alice := e.MustSignup(t, "alice@example.com")
	e.MustCreateHandle(t, alice, "alpha")
	for _, path := range []string{"/v2/auth/me", "/v2/handles/alpha", "/v2/public/handles/alpha/links"} {
		rec := e.do(request{method: "GET", path: path, header: http.Header{"X-Api-Key": {alice.Token}}})
		b := mustError(t, rec, http.StatusUnauthorized, "invalid_token")
		if !strings.Contains(b.Message, "x-api-key") {
			t.Errorf("%s: message %q does not say why", path, b.Message)
		}
	}
	// The same token in Authorization still works.
	mustStatus(t, e.do(request{method: "GET", path: "/v2/auth/me", token: alice.Token}), http.StatusOK)
}

// TestMediaTypesAreCaseInsensitive: RFC 9110 media types compare without
// regard to case, parameters included.
func TestMediaTypesAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	e := MustOpenServer(t)
	for i, ct := range []string{"APPLICATION/JSON", "Application/Json; Charset=UTF-8", "application/JSON;charset=utf-8"} {
		email := string(rune('a'+i)) + "@example.com"
		rec := e.do(request{method: "POST", path: "/v2/auth/signup", header: http.Header{"Content-Type": {ct}},
			body: `{"email":"` + email + `","password":"` + password + `"}`})
		mustStatus(t, rec, http.StatusCreated)
	}
	rec := e.do(request{method: "POST", path: "/v2/auth/signup", header: http.Header{"Content-Type": {"TEXT/PLAIN"}},
		body: `{"email":"z@example.com","password":"` + password + `"}`})
	if rec.Code < 400 || rec.Code >= 500 {
		t.Fatalf("text/plain body: got %d %s, want a 4xx", rec.Code, rec.Body)
	}
}

// TestDocsPageHeaders: /docs is locked down like the dashboard and keeps no
// pasted credential in the browser's storage.
func TestDocsPageHeaders(t *testing.T) {
	t.Parallel()
	e := MustOpenServer(t)
	rec := e.do(request{method: "GET", path: "/docs/"})
	mustStatus(t, rec, http.StatusOK)
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if got := rec.Header().Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q, want DENY", got)
	}
	if body := rec.Body.String(); strings.Contains(body, `"persistAuthorization":"true"`) ||
		strings.Contains(body, `persistAuthorization: true`) || strings.Contains(body, `"persistAuthorization":true`) {
		t.Errorf("/docs persists pasted credentials: %s", body)
	}
}
