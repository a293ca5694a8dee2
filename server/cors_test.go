package server_test

import (
	"net/http"
	"testing"

	"tenx/server"
)

const (
	listedOrigin   = "https://app.example.com"
	unlistedOrigin = "https://evil.example.com"
)

func withCORS(origins ...string) option {
	return withConfig(func(c *server.Config) { c.CORSOrigins = origins })
}

// TestCORS: only listed origins get CORS headers, with credentials, on the
// control plane and auth routes; preflights are answered before the
// contract; no configuration means no CORS at all.
func TestCORS(t *testing.T) {
	t.Parallel()
	e := MustOpenServer(t, withCORS(listedOrigin, "http://localhost:3000"))
	none := MustOpenServer(t)
	preflight := func(origin, method string) http.Header {
		return http.Header{"Origin": {origin}, "Access-Control-Request-Method": {method},
			"Access-Control-Request-Headers": {"authorization,content-type"}}
	}
	tests := []struct {
		name       string
		e          *env
		req        request
		wantStatus int
		wantOrigin string // "" means no CORS headers at all
		wantVary   bool
		preflight  bool
	}{
		{name: "listed origin, refresh", e: e, req: request{method: "POST", path: "/v2/auth/refresh",
			header: http.Header{"Origin": {listedOrigin}}}, wantStatus: 401, wantOrigin: listedOrigin, wantVary: true},
		{name: "listed origin, control plane", e: e, req: request{method: "GET", path: "/v2/handles",
			header: http.Header{"Origin": {"http://localhost:3000"}}}, wantStatus: 401, wantOrigin: "http://localhost:3000", wantVary: true},
		{name: "unlisted origin", e: e, req: request{method: "POST", path: "/v2/auth/refresh",
			header: http.Header{"Origin": {unlistedOrigin}}}, wantStatus: 401, wantVary: true},
		{name: "a subdomain of a listed origin is not listed", e: e, req: request{method: "GET", path: "/v2/auth/me",
			header: http.Header{"Origin": {"https://x.app.example.com"}}}, wantStatus: 401, wantVary: true},
		{name: "listed origin, preflight", e: e, req: request{method: "OPTIONS", path: "/v2/auth/refresh",
			header: preflight(listedOrigin, "POST")}, wantStatus: 204, wantOrigin: listedOrigin, wantVary: true, preflight: true},
		{name: "listed origin, preflight of a handle route", e: e, req: request{method: "OPTIONS", path: "/v2/handles/acme/tokens/tok_1",
			header: preflight(listedOrigin, "DELETE")}, wantStatus: 204, wantOrigin: listedOrigin, wantVary: true, preflight: true},
		// An OPTIONS that is not a preflight of a listed origin is a method
		// the route does not have: 404 like any other, no CORS headers.
		{name: "unlisted origin, preflight", e: e, req: request{method: "OPTIONS", path: "/v2/auth/refresh",
			header: preflight(unlistedOrigin, "POST")}, wantStatus: 404},
		{name: "OPTIONS without an origin", e: e, req: request{method: "OPTIONS", path: "/v2/auth/refresh"}, wantStatus: 404},
		{name: "listed origin, OPTIONS that is no preflight", e: e, req: request{method: "OPTIONS", path: "/v2/auth/refresh",
			header: http.Header{"Origin": {listedOrigin}}}, wantStatus: 404},
		{name: "PAT routes are not for browsers", e: e, req: request{method: "GET", path: "/v2/public/handles/acme/links",
			header: http.Header{"Origin": {listedOrigin}}}, wantStatus: 401},
		{name: "not configured", e: none, req: request{method: "POST", path: "/v2/auth/refresh",
			header: http.Header{"Origin": {listedOrigin}}}, wantStatus: 401},
		{name: "not configured, preflight", e: none, req: request{method: "OPTIONS", path: "/v2/auth/refresh",
			header: preflight(listedOrigin, "POST")}, wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.e.do(tt.req)
			if tt.wantStatus != 0 && rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			h := rec.Header()
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.wantOrigin)
			}
			wantCreds := ""
			if tt.wantOrigin != "" {
				wantCreds = "true"
			}
			if got := h.Get("Access-Control-Allow-Credentials"); got != wantCreds {
				t.Errorf("Access-Control-Allow-Credentials %q, want %q", got, wantCreds)
			}
			if got := hasValue(h.Values("Vary"), "Origin"); got != tt.wantVary {
				t.Errorf("Vary %q, want Origin in it: %v", h.Values("Vary"), tt.wantVary)
			}
			wantMethods, wantHeaders, wantMaxAge := "", "", ""
			if tt.preflight {
				wantMethods, wantHeaders, wantMaxAge = "GET,POST,PUT,PATCH,DELETE", "Authorization,Content-Type,X-Api-Key,X-Request-Id", "600"
			}
			for name, want := range map[string]string{"Access-Control-Allow-Methods": wantMethods,
				"Access-Control-Allow-Headers": wantHeaders, "Access-Control-Max-Age": wantMaxAge} {
				if got := h.Get(name); got != want {
					t.Errorf("%s %q, want %q", name, got, want)
				}
			}
			if tt.wantOrigin != "" && !tt.preflight && h.Get("Access-Control-Expose-Headers") == "" {
				t.Error("no Access-Control-Expose-Headers: the page cannot read X-Request-Id")
			}
		})
	}
}

func hasValue(values []string, want string) bool {
	for _, v := range values {
		if v == want {
			return true
		}
	}
	return false
}
