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
	"tenx/app"
	"tenx/auth"
	"tenx/click"
	"tenx/dnscheck"
	"tenx/metrics"
	"tenx/purge"
	"tenx/queue"
	"tenx/ratelimit"
	"tenx/server"
	"tenx/store"
	"tenx/webhook"
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
	db.SetPool(store.Pool{MaxOpen: cfg.DBMaxConns, MaxIdle: cfg.DBMaxConns, MaxLifetime: cfg.DBConnLifetime})
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
	ln = server.GuardFraming(ln)
	defer ln.Close()
	if !cfg.PublicURLSet {
		// With port 0 only the listener knows the port that links and the
		// JWT issuer must name.
		cfg.PublicURL = publicURLFor(ln.Addr().String())
	}
	acfg := appConfig(cfg, log)
	if cfg.MetricsAddr != "" {
		acfg.Metrics = metrics.New()
	}
	if acfg.Clicks.GeoIP, err = openGeoIP(cfg.GeoIPDB, log); err != nil {
		return err
	}
	defer acfg.Clicks.GeoIP.Close()
	a, err := app.New(ctx, acfg, db)
	if err != nil {
		return err
	}
	if err := a.Listen(ctx, log); err != nil {
		return errors.Join(err, a.Close(ctx))
	}
	defer a.Blobs.Close()
	if err := ensureAdmin(ctx, cfg, db, a.Auth.Sessions, log); err != nil {
		return errors.Join(err, a.Close(ctx))
	}
	if acfg.Metrics != nil {
		stop, err := serveMetrics(cfg.MetricsAddr, acfg.Metrics, log)
		if err != nil {
			return errors.Join(err, a.Close(ctx))
		}
		defer stop()
	}
	if cfg.Webhooks.Workers {
		if err := a.StartWorkers(ctx); err != nil {
			return errors.Join(err, a.Close(ctx))
		}
		log.Info("background workers started")
	}
	// The purge job stops before the database closes.
	pctx, stopPurge := context.WithCancel(ctx)
	purged := make(chan struct{})
	go func() { a.Purger.Run(pctx); close(purged) }()
	defer func() { stopPurge(); <-purged }()
	// One write: whoever reads the first line finds the pages right after.
	fmt.Fprintf(stdout, "tenx listening on %s\nAPI docs:  %s/docs/\ndashboard: %s/app/\n", ln.Addr(), cfg.PublicURL, cfg.PublicURL)
	err = serveHTTP(ctx, ln, a.Server.Handler(), log)
	// The HTTP server has drained: no visit can arrive any more, so the
	// clicks still buffered are written now.
	flushCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(err, a.Close(flushCtx))
}

// worker runs the background workers (webhook deliveries) without the
// API, until ctx ends: beside API instances that run with TENX_WORKERS=off.
func worker(ctx context.Context, cfg config, log *slog.Logger) error {
	log.Info("starting tenx worker", "version", version, "config", cfg)
	db, err := openStore(ctx, cfg, cfg.AutoMigrate)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := app.New(ctx, appConfig(cfg, log), db)
	if err != nil {
		return err
	}
	defer a.Blobs.Close()
	if err := a.StartWorkers(ctx); err != nil {
		return errors.Join(err, a.Close(ctx))
	}
	log.Info("background workers started")
	<-ctx.Done()
	log.Info("stopping background workers")
	stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return a.Close(stopCtx)
}

// openGeoIP opens TENX_GEOIP_DB when it is set.
func openGeoIP(path string, log *slog.Logger) (*click.GeoIP, error) {
	if path == "" {
		return nil, nil
	}
	g, err := click.OpenGeoIP(path)
	if err != nil {
		return nil, fmt.Errorf("TENX_GEOIP_DB: %w", err)
	}
	log.Info("GeoIP database opened", "path", path)
	return g, nil
}

// appConfig maps the environment's configuration onto the application's.
func appConfig(cfg config, log *slog.Logger) app.Config {
	scfg := server.DefaultConfig()
	scfg.MaxBodyBytes, scfg.SignupOpen, scfg.TrustedProxies = cfg.MaxBodyBytes, cfg.SignupOpen, cfg.TrustedProxies
	scfg.DBTimeout, scfg.PlansEnabled = cfg.DBTimeout, cfg.Control.Plans
	scfg.PublicURL, scfg.CORSOrigins = cfg.PublicURL, cfg.CORSOrigins
	scfg.PATPerMinute.Rate, scfg.HandleBurst.Rate, scfg.UserPerMinute.Rate = cfg.PATPerMinute, cfg.HandleBurst, cfg.UserPerMinute
	scfg.AuthFailuresPerIP.Rate = cfg.AuthFailures
	scfg.FileMaxBytes, scfg.HandleQuota = cfg.FileMaxBytes, cfg.HandleQuota
	scfg.WebhookAllowHTTP = cfg.Webhooks.AllowHTTP
	hasher := auth.DefaultPasswordHasher().Bound(cfg.HashConcurrency, auth.DefaultHashWait)
	return app.Config{Server: scfg, Auth: auth.Config{AccessTTL: cfg.AccessTTL, Hasher: hasher, RefreshGrace: cfg.RefreshGrace},
		Limiter: newLimiter(cfg, log), Logger: log, Now: time.Now,
		DNS: dnscheck.New(cfg.Control.DNSResolver), Payments: cfg.Control.payments(cfg.PublicURL, time.Now),
		Clicks:  click.Config{Retention: time.Duration(cfg.ClickRetentionDays) * 24 * time.Hour},
		BlobURL: cfg.BlobURL, Purge: purge.Config{KeepDeployments: cfg.KeepDeployments},
		Webhooks: webhook.Config{AllowPrivate: cfg.Webhooks.AllowPrivate},
		Queue:    queue.Config{Workers: cfg.Webhooks.Deliverers}}
}

// newLimiter limits in memory, or through Redis when configured, falling
// back to memory whenever Redis fails and while its breaker is open.
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
	// Short timeouts and no retries: a request waits at most about 50ms on a
	// hung Redis (the dial, a full pool, or the one script round trip), and
	// only until the limiter's breaker opens; after that it uses memory
	// without touching Redis until a background probe finds it answering.
	opts.DialTimeout, opts.DialerRetries = 50*time.Millisecond, 1
	opts.ReadTimeout, opts.WriteTimeout = 50*time.Millisecond, 50*time.Millisecond
	opts.PoolTimeout = 50 * time.Millisecond
	opts.MaxRetries = -1
	return ratelimit.NewRedis(redis.NewClient(opts), mem, log)
}

// ensureAdmin creates the platform admin named by the configuration on
// first start.
func ensureAdmin(ctx context.Context, cfg config, db *store.DB, sessions *auth.Sessions, log *slog.Logger) error {
	if cfg.AdminEmail == "" {
		return nil
	}
	u, err := db.FindUserByEmail(ctx, tenx.NormalizeEmail(cfg.AdminEmail))
	if err == nil && !u.IsAdmin {
		// Silently skipping would leave the operator believing the
		// configured account can administer the platform.
		return fmt.Errorf("TENX_ADMIN_EMAIL %s belongs to an existing user who is not a platform admin: "+
			"name another email, or unset TENX_ADMIN_EMAIL", cfg.AdminEmail)
	}
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
