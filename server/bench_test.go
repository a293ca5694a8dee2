package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/auth"
	"tenx/ratelimit"
	"tenx/store"
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

// benchDeps are the real services behind a benchmark server.
type benchDeps struct {
	db       *store.DB
	sessions *auth.Sessions
}

func benchServerWith(b *testing.B, cacheTTL time.Duration) (*Server, string) {
	s, d := newBenchServer(b, cacheTTL)
	if _, err := d.sessions.Signup(context.Background(), "bench@example.com", "bench password", false); err != nil {
		b.Fatal(err)
	}
	g, err := d.sessions.Login(context.Background(), "bench@example.com", "bench password")
	if err != nil {
		b.Fatal(err)
	}
	return s, g.AccessToken
}

func newBenchServer(b *testing.B, cacheTTL time.Duration) (*Server, benchDeps) {
	db := storetest.MustOpen(b, storetest.SQLiteURL(b), time.Now)
	ctx := context.Background()
	keys, err := auth.LoadKeySet(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	tokens := auth.NewTokens(keys, "http://tenx.test", 24*time.Hour, time.Now)
	authn := auth.NewAuthenticator(auth.AuthenticatorConfig{Tokens: tokens, Users: db, Sessions: db, Handles: db,
		PATs: db, Now: time.Now, CacheTTL: cacheTTL, PATCacheTTL: cacheTTL})
	sessions := &auth.Sessions{Users: db, Sessions: db, Hasher: auth.FastPasswordHasher(), Tokens: tokens,
		Auth: authn, Now: time.Now, SessionTTL: time.Hour}
	cfg := DefaultConfig()
	cfg.PATPerMinute.Rate, cfg.HandleBurst.Rate, cfg.UserPerMinute.Rate = 1e9, 1e9, 1e9 // measure, do not limit
	s, err := New(cfg, Deps{Users: db, Handles: db, Audit: db, Links: db, DB: db, Auth: authn, Sessions: sessions, PATs: authn.PATs(),
		Keys: keys, Limiter: ratelimit.NewMemory(nil, 0), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	s.contract.ops[route{http.MethodGet, "/bench"}] = &operation{requirement: auth.Requirement{JWT: true}}
	s.echo.GET("/bench", trivial)
	s.contract.ops[route{http.MethodGet, "/bench/:handle"}] = &operation{
		requirement: auth.Requirement{PAT: true, PATScopes: []string{"links.read"}}}
	s.echo.GET("/bench/:handle", trivial)
	return s, benchDeps{db: db, sessions: sessions}
}

func serveLoop(b *testing.B, h http.Handler, token string) { serveLoopPath(b, h, "/bench", token) }

func serveLoopPath(b *testing.B, h http.Handler, path, token string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
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

// benchPAT creates a user, the handle "bench" and a links.read PAT on it.
func benchPAT(b *testing.B, d benchDeps) string {
	ctx := context.Background()
	u, err := d.sessions.Signup(ctx, "pat-owner@example.com", "bench password", false)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.db.CreateHandle(ctx, &tenx.Handle{Name: "bench", OwnerID: u.ID}); err != nil {
		b.Fatal(err)
	}
	id, token, hash := auth.NewPAT()
	t := &tenx.Token{ID: id, Handle: "bench", Name: "bench", Scopes: []string{"links.read"}, SecretHash: hash, CreatedBy: u.ID}
	if err := d.db.CreateToken(ctx, t); err != nil {
		b.Fatal(err)
	}
	return token
}

// BenchmarkPATChain serves trivial behind the whole chain with a PAT from
// the warm PAT cache (checksum, hash compare, scopes, two rate limits).
func BenchmarkPATChain(b *testing.B) {
	s, d := newBenchServer(b, 0)
	token := benchPAT(b, d)
	serveLoopPath(b, s.echo, "/bench/bench", token)
}
