package server_test

import (
	"net/http"
	"testing"
)

// unknownRoutes are paths no operation serves, one or more under every
// prefix the API and its pages own, at every depth and on both planes.
var unknownRoutes = []string{
	"/v2", "/v2/", "/v2/anything", "/v2/anything/else", "/v2/a/b/c/d/e/f",
	"/v2/handles/acme/webhooks/whk_1/x", "/v2/handles/acme/webhooks/whk_1/deliveries/dlv_1",
	"/v2/handles/acme/links/new-launch/route-preview/x", "/v2/handles/acme/tokens/tok_1/rotate/x",
	"/v2/public/handles/acme/webhooks/whk_1/test/x", "/v2/public/handles/h/webhooks/whk_1/deliveries/dlv_1",
	"/v2/public/handles/acme/analytics/x", "/v2/public/handles/acme/links/new-launch/x",
	"/v2/public/handles/acme/tokens", "/v2/public/conversions/x",
	"/v2/account", "/v2/account/domains/links.example.com/x", "/v2/billing", "/v2/billing/summary/x",
	"/v2/platform-admin", "/v2/platform-admin/handles/acme", "/v2/public/stripe",
	"/v2/public/files/f_1/x", "/v2/uploads", "/v2/downloads/a/b",
	"/mcp", "/mcp/acme", "/mcp/acme/mcp/x", "/mcp/acme/health/x", "/mcp/acme/sse", "/mcp/acme/mcp/acme/mcp",
	"/.well-known", "/.well-known/x", "/.well-known/jwks.json/x", "/.well-known/openid-configuration",
	"/openapi", "/openapi/x", "/openapi.json/x", "/openapi.yaml/x/y",
	"/healthz/x", "/readyz/x/y", "/docs/x/y/z", "/app/x/y/z",
}

// knownPathsWrongMethod are real routes asked with a method they do not take.
var knownPathsWrongMethod = []struct{ method, path string }{
	{"DELETE", "/v2/handles"}, {"PUT", "/v2/auth/login"}, {"POST", "/healthz"},
	{"POST", "/openapi.json"}, {"DELETE", "/.well-known/jwks.json"},
	{"POST", "/v2/public/handles/acme/links"}, {"PATCH", "/v2/handles/acme/tokens/tok_1"},
	{"POST", "/acme/new-launch"}, {"DELETE", "/acme/new-launch"}, {"HEAD", "/v2/handles"},
	{"PUT", "/mcp/acme/mcp"}, {"PATCH", "/mcp/acme/mcp"}, {"POST", "/mcp/acme/health"},
}

var allMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// TestUnknownRoutesAreNotFound: whatever the method and depth, a path no
// operation serves answers 404 not_found "no such route", never 405, and
// never reaches the short-link handler: the database is closed, so any
// read would answer 503.
func TestUnknownRoutesAreNotFound(t *testing.T) {
	e := MustOpenServer(t)
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	check := func(method, path string) {
		t.Helper()
		rec := e.do(request{method: method, path: path, body: "{}"})
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s %s: got %d %s, want 404", method, path, rec.Code, rec.Body.String())
			return
		}
		if method == "HEAD" {
			return
		}
		b := decode[errorBody](t, rec)
		if b.Error != "not_found" || b.Message != "no such route" || b.RequestID == "" {
			t.Errorf("%s %s: got %+v, want not_found \"no such route\"", method, path, b)
		}
	}
	for _, path := range unknownRoutes {
		for _, m := range allMethods {
			check(m, path)
		}
	}
	for _, r := range knownPathsWrongMethod {
		check(r.method, r.path)
	}
}

// TestPagesStillServe: the pages and the short links that are real are
// untouched by the route rules.
func TestPagesStillServe(t *testing.T) {
	e := MustOpenServer(t)
	for _, p := range []string{"/docs/", "/app/", "/app/app.js"} {
		mustStatus(t, e.do(request{method: "GET", path: p}), http.StatusOK)
	}
	mustStatus(t, e.do(request{method: "GET", path: "/docs"}), http.StatusMovedPermanently)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: owner.Token,
		body: `{"destinationUrl":"https://example.com"}`}), http.StatusCreated)
	mustStatus(t, e.do(request{method: "GET", path: "/acme/launch"}), http.StatusFound)
	b := mustError(t, e.do(request{method: "GET", path: "/acme/nope"}), 404, "not_found")
	if b.Message != "no such link" {
		t.Errorf("a real handle's missing link: %q", b.Message)
	}
}
