package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
)

func TestRequestBodies(t *testing.T) {
	e := MustOpenServer(t, withMaxBody(2048))
	u := e.MustSignup(t, "a@example.com")
	big := `{"handle":"acme","displayName":"` + strings.Repeat("x", 4096) + `"}`
	tests := []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"not json", `{"handle":`, 400, "invalid_payload", ""},
		{"json of the wrong shape", `["acme"]`, 400, "validation_error", ""},
		{"unknown field", `{"handle":"acme","color":"red"}`, 400, "validation_error", "color"},
		{"bad pattern", `{"handle":"Not A Handle"}`, 400, "validation_error", "handle"},
		{"too long", `{"handle":"acme","displayName":"` + strings.Repeat("x", 101) + `"}`, 400, "validation_error", "displayName"},
		{"over the body limit", big, 413, "payload_too_large", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(request{method: "POST", path: "/v2/handles", token: u.Token, body: tt.body})
			if b := mustError(t, rec, tt.status, tt.code); b.Field != tt.field {
				t.Errorf("field %q, want %q", b.Field, tt.field)
			}
		})
	}
	t.Run("chunked body over the limit", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/v2/handles", io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1 // unknown length: sent chunked
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+u.Token)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		mustError(t, rec, 413, "payload_too_large")
	})
	t.Run("wrong content type", func(t *testing.T) {
		rec := e.do(request{method: "POST", path: "/v2/handles", token: u.Token, body: `{"handle":"acme"}`,
			header: http.Header{"Content-Type": {"text/plain"}}})
		mustError(t, rec, 400, "validation_error")
	})
	t.Run("bad query parameter", func(t *testing.T) {
		admin := e.MustCreateAdmin(t, "admin@example.com")
		b := mustError(t, e.do(request{method: "GET", path: "/v2/platform-admin/users?limit=1000", token: admin.Token}), 400, "validation_error")
		if b.Field != "limit" {
			t.Errorf("field %q, want limit", b.Field)
		}
		mustError(t, e.do(request{method: "GET", path: "/v2/platform-admin/users?limit=abc", token: admin.Token}), 400, "validation_error")
	})
	t.Run("nothing was written", func(t *testing.T) {
		h := decode[struct{ Handles []any }](t, e.do(request{method: "GET", path: "/v2/handles", token: u.Token}))
		if len(h.Handles) != 0 {
			t.Fatalf("a refused request created %d handles", len(h.Handles))
		}
	})
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	e := MustOpenServer(t)
	mustError(t, e.do(request{method: "GET", path: "/v2/nothing-here"}), 404, "not_found")
	mustError(t, e.do(request{method: "DELETE", path: "/v2/auth/me"}), 404, "not_found")
}

func TestRequestID(t *testing.T) {
	e := MustOpenServer(t)
	rec := e.do(request{method: "GET", path: "/v2/auth/me", header: http.Header{"X-Request-Id": {"trace-123"}}})
	if b := mustError(t, rec, 401, "missing_bearer_token"); b.RequestID != "trace-123" {
		t.Fatalf("request id %q", b.RequestID)
	}
	rec = e.do(request{method: "GET", path: "/healthz", header: http.Header{"X-Request-Id": {"bad id\nwith newline"}}})
	if id := rec.Header().Get("X-Request-Id"); id == "" || strings.ContainsAny(id, " \n") {
		t.Fatalf("insane request id kept: %q", id)
	}
}

// TestPanicIsInternalError builds a server missing its key set, so the JWKS
// handler panics; the client sees internal_error and nothing internal.
func TestPanicIsInternalError(t *testing.T) {
	e := MustOpenServer(t)
	srv, err := server.New(server.DefaultConfig(), server.Deps{Users: e.db, Handles: e.db, DB: e.db,
		Auth: e.authn, Sessions: &auth.Sessions{}, Limiter: ratelimit.NewMemory(nil, 10), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	b := mustError(t, rec, 500, "internal_error")
	if strings.Contains(b.Message, "nil") || strings.Contains(b.Message, "panic") {
		t.Fatalf("internal detail leaked: %q", b.Message)
	}
}

func TestHealth(t *testing.T) {
	e := MustOpenServer(t)
	mustStatus(t, e.do(request{method: "GET", path: "/healthz"}), 200)
	mustStatus(t, e.do(request{method: "GET", path: "/readyz"}), 200)
}
