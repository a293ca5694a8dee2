package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"tenx/auth"
	"tenx/ratelimit"
	"tenx/store/storetest"
)

// trivial is the handler both benchmarks serve.
func trivial(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) }

// BenchmarkBareEcho is the baseline: Echo routing one GET to trivial.
func BenchmarkBareEcho(b *testing.B) {
	e := echo.New()
	e.GET("/bench", trivial)
	serveLoop(b, e, "")
}

// BenchmarkJWTChain serves trivial behind the whole production middleware
// chain (request id, access log, panic recovery, client IP, contract
// enforcement with a JWT from the verified-token cache).
func BenchmarkJWTChain(b *testing.B) {
	s, token := benchServer(b)
	serveLoop(b, s.echo, token)
}

// BenchmarkJWTChainUncached is the same chain with the cache disabled
// (every request verifies the signature and reads session and user).
func BenchmarkJWTChainUncached(b *testing.B) {
	s, token := benchServerWith(b, time.Nanosecond)
	serveLoop(b, s.echo, token)
}

func benchServer(b *testing.B) (*Server, string) { return benchServerWith(b, 0) }

func benchServerWith(b *testing.B, cacheTTL time.Duration) (*Server, string) {
	db := storetest.MustOpen(b, storetest.SQLiteURL(b), time.Now)
	ctx := context.Background()
	keys, err := auth.LoadKeySet(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	tokens := auth.NewTokens(keys, "http://tenx.test", time.Hour, time.Now)
	authn := auth.NewAuthenticator(auth.AuthenticatorConfig{Tokens: tokens, Users: db, Sessions: db, Handles: db,
		PATs: db, Now: time.Now, CacheTTL: cacheTTL})
	sessions := &auth.Sessions{Users: db, Sessions: db, Hasher: auth.FastPasswordHasher(), Tokens: tokens,
		Auth: authn, Now: time.Now, SessionTTL: time.Hour}
	s, err := New(DefaultConfig(), Deps{Users: db, Handles: db, Tokens: db, Audit: db, Links: db, DB: db, Auth: authn, Sessions: sessions,
		Keys: keys, Limiter: ratelimit.NewMemory(nil, 0), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	s.contract.ops[routeKey(http.MethodGet, "/bench")] = &operation{requirement: auth.Requirement{JWT: true}}
	s.echo.GET("/bench", trivial)
	if _, err := sessions.Signup(ctx, "bench@example.com", "bench password", false); err != nil {
		b.Fatal(err)
	}
	g, err := sessions.Login(ctx, "bench@example.com", "bench password")
	if err != nil {
		b.Fatal(err)
	}
	return s, g.AccessToken
}

func serveLoop(b *testing.B, h http.Handler, token string) {
	req := httptest.NewRequest(http.MethodGet, "/bench", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
}
