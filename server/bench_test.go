package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/app"
	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
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
	serveLoop(b, s.Handler(), token)
}

// BenchmarkJWTChainUncached is the same chain with the cache disabled
// (every request verifies the signature and reads session and user).
func BenchmarkJWTChainUncached(b *testing.B) {
	s, token := benchServerWith(b, time.Nanosecond)
	serveLoop(b, s.Handler(), token)
}

func benchServer(b *testing.B) (*server.Server, string) { return benchServerWith(b, 0) }

// benchDeps are the real services behind a benchmark server.
type benchDeps struct {
	db       *store.DB
	sessions *auth.Sessions
}

func benchServerWith(b *testing.B, cacheTTL time.Duration) (*server.Server, string) {
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

// newBenchServer builds the server as cmd/tenx does, with limits too high
// to bite, and adds GET /bench (JWT) and GET /bench/{handle} (PAT,
// links.read) serving trivial.
func newBenchServer(b *testing.B, cacheTTL time.Duration) (*server.Server, benchDeps) {
	return newBenchServerCfg(b, cacheTTL, func(*server.Config) {})
}

// newBenchServerWith is newBenchServer with its configuration edited.
func newBenchServerWith(b *testing.B, edit func(*server.Config)) (*server.Server, benchDeps) {
	return newBenchServerCfg(b, 0, edit)
}

func newBenchServerCfg(b *testing.B, cacheTTL time.Duration, edit func(*server.Config)) (*server.Server, benchDeps) {
	db := storetest.MustOpen(b, storetest.SQLiteURL(b), time.Now)
	cfg := server.DefaultConfig()
	edit(&cfg)
	cfg.SessionTTL = time.Hour
	cfg.PATPerMinute.Rate, cfg.HandleBurst.Rate, cfg.UserPerMinute.Rate = 1e9, 1e9, 1e9 // measure, do not limit
	a, err := app.New(context.Background(), app.Config{Server: cfg, Issuer: "http://tenx.test",
		Auth: auth.Config{AccessTTL: 24 * time.Hour, Hasher: auth.FastPasswordHasher(), CacheTTL: cacheTTL,
			PATCacheTTL: cacheTTL},
		Limiter: ratelimit.NewMemory(nil, 0), Now: time.Now, BlobURL: b.TempDir()}, db)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close(context.Background()) })
	a.Server.AddRoute(http.MethodGet, "/bench", auth.Requirement{JWT: true}, trivial)
	a.Server.AddRoute(http.MethodGet, "/bench/:handle", auth.Requirement{PAT: true, PATScopes: []string{"links.read"}}, trivial)
	return a.Server, benchDeps{db: db, sessions: a.Auth.Sessions}
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
	serveLoopPath(b, s.Handler(), "/bench/bench", token)
}
