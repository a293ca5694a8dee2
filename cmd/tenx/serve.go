package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"tenx"
	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
	"tenx/store"
)

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// openStore opens the database and makes sure its schema is the one this
// binary knows, migrating first when asked to.
func openStore(ctx context.Context, cfg config, migrate bool) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, time.Now)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrate(ctx context.Context, cfg config, log *slog.Logger) error {
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database migrated", "database_url", maskURL(cfg.DatabaseURL))
	return nil
}

// serve runs the API until ctx ends, then drains in-flight requests.
func serve(ctx context.Context, cfg config, log *slog.Logger, stdout io.Writer) error {
	log.Info("starting tenx", "version", version, "config", cfg)
	db, err := openStore(ctx, cfg, cfg.AutoMigrate)
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	if !cfg.PublicURLSet {
		// With port 0 only the listener knows the port that links and the
		// JWT issuer must name.
		cfg.PublicURL = publicURLFor(ln.Addr().String())
	}
	srv, sessions, err := build(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	if err := ensureAdmin(ctx, cfg, db, sessions, log); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tenx listening on %s\n", ln.Addr())
	return serveHTTP(ctx, ln, srv.Handler(), log)
}

// build wires the services into the HTTP server.
func build(ctx context.Context, cfg config, db *store.DB, log *slog.Logger) (*server.Server, *auth.Sessions, error) {
	keys, err := auth.LoadKeySet(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	tokens := auth.NewTokens(keys, cfg.PublicURL, cfg.AccessTTL, time.Now)
	authn := auth.NewAuthenticator(auth.AuthenticatorConfig{Tokens: tokens, Users: db, Sessions: db, Handles: db,
		PATs: db, Now: time.Now})
	scfg := server.DefaultConfig()
	scfg.MaxBodyBytes, scfg.SignupOpen, scfg.TrustedProxies = cfg.MaxBodyBytes, cfg.SignupOpen, cfg.TrustedProxies
	scfg.PublicURL = cfg.PublicURL
	scfg.PATPerMinute.Rate, scfg.HandleBurst.Rate, scfg.UserPerMinute.Rate = cfg.PATPerMinute, cfg.HandleBurst, cfg.UserPerMinute
	hasher := auth.DefaultPasswordHasher().Bound(cfg.HashConcurrency, auth.DefaultHashWait)
	sessions := &auth.Sessions{Users: db, Sessions: db, Hasher: hasher, Tokens: tokens,
		Auth: authn, Now: time.Now, SessionTTL: scfg.SessionTTL, RefreshGrace: cfg.RefreshGrace}
	srv, err := server.New(scfg, server.Deps{Users: db, Handles: db, Tokens: db, Audit: db, Links: db, DB: db, Auth: authn, Sessions: sessions,
		Keys: keys, Limiter: newLimiter(cfg, log), Logger: log})
	return srv, sessions, err
}

// newLimiter limits in memory, or through Redis when configured, falling
// back to memory whenever Redis fails.
func newLimiter(cfg config, log *slog.Logger) ratelimit.Limiter {
	mem := ratelimit.NewMemory(time.Now, 100_000)
	if cfg.RedisURL == "" {
		return mem
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		log.Error("TENX_REDIS_URL is not valid; limiting in memory", "err", err)
		return mem
	}
	// Short timeouts and no retries: a request must never wait seconds on a
	// Redis that is down; the limiter falls back to memory instead.
	opts.DialTimeout, opts.DialerRetries = 100*time.Millisecond, 1
	opts.ReadTimeout, opts.WriteTimeout = 50*time.Millisecond, 50*time.Millisecond
	opts.MaxRetries = -1
	return ratelimit.NewRedis(redis.NewClient(opts), mem, log)
}

// ensureAdmin creates the platform admin named by the configuration on
// first start.
func ensureAdmin(ctx context.Context, cfg config, db *store.DB, sessions *auth.Sessions, log *slog.Logger) error {
	if cfg.AdminEmail == "" {
		return nil
	}
	_, err := db.FindUserByEmail(ctx, tenx.NormalizeEmail(cfg.AdminEmail))
	if err == nil {
		return nil
	}
	if tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return err
	}
	if _, err := sessions.Signup(ctx, cfg.AdminEmail, cfg.AdminPassword, true); err != nil {
		return fmt.Errorf("create platform admin: %s", tenx.ErrorMessage(err))
	}
	log.Info("platform admin created", "email", cfg.AdminEmail)
	return nil
}

// serveHTTP serves with explicit timeouts and shuts down gracefully.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
