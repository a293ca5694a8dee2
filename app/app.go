// Package app puts tenx together: the store, the auth services, the rate
// limiter and the HTTP server. cmd/tenx and the tests of the server build
// it the same way, through New, so that what is tested is what runs.
package app

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"time"

	"tenx"
	"tenx/auth"
	"tenx/blob"
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

// Config is everything New needs besides the database.
type Config struct {
	// Server is the HTTP server's configuration; its PublicURL also names
	// the JWT issuer unless Issuer does.
	Server server.Config
	Issuer string
	// Auth tunes the auth services; its Issuer, SessionTTL and Now are
	// filled from Server, Issuer and Now.
	Auth auth.Config
	// Limiter limits requests (default: in memory, with Now).
	Limiter ratelimit.Limiter
	// Logger logs (default: discard).
	Logger *slog.Logger
	// Now is the clock of every service (default time.Now).
	Now tenx.Clock
	// Metrics, when set, is told about requests and exports the caches'
	// and the database pool's statistics.
	Metrics *metrics.Metrics
	// DNS looks up the TXT records of custom domains (default: the
	// system's resolver). Payments takes payments (default: none, and
	// checkout answers 503).
	DNS      tenx.TXTResolver
	Payments tenx.Payments
	// Clicks tunes the click pipeline; its Now and Logger are filled from
	// Now and Logger.
	Clicks click.Config
	// BlobURL names the blob store of files and sites (package blob): a
	// directory or file:// URL, or s3://. Required.
	BlobURL string
	// Purge tunes the purge job.
	Purge purge.Config
	// Webhooks tunes webhook delivery; its Now and Logger are filled from
	// Now and Logger, and its AllowHTTP from Server.WebhookAllowHTTP.
	Webhooks webhook.Config
	// Queue tunes the background workers StartWorkers starts.
	Queue queue.Config
}

// App is a built tenx: its server, database and auth services, and the
// click pipeline, whose writer runs until Close.
type App struct {
	Server *server.Server
	DB     *store.DB
	Auth   *auth.Services

	closers []io.Closer
	Clicks  *click.Pipeline
	// Blobs is the open blob store; Purger removes expired files and old
	// deployments (run it with Run).
	Blobs  *blob.Bucket
	Purger *purge.Purger

	stopUsage chan struct{}
	usageDone chan struct{}
	webhooks  webhook.Config
	queue     queue.Config
	workers   *queue.Runner
	pool      *sql.DB // the workers' own connections
}

// usageFlushEvery is how often the usage counts of PAT requests are
// stored.
const usageFlushEvery = 5 * time.Second

// workerConns is how many database connections the background workers
// hold: River's fetch, completion and maintenance loops, and a few spare.
const workerConns = 4

// New wires the auth services and the server on db.
func New(ctx context.Context, cfg Config, db *store.DB) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DNS == nil {
		cfg.DNS = dnscheck.New("")
	}
	if cfg.Limiter == nil {
		cfg.Limiter = ratelimit.NewMemory(cfg.Now, 100_000)
	}
	acfg := cfg.Auth
	acfg.Issuer, acfg.SessionTTL, acfg.Now, acfg.Bus = cfg.Issuer, cfg.Server.SessionTTL, cfg.Now, db.Bus()
	if acfg.Issuer == "" {
		acfg.Issuer = cfg.Server.PublicURL
	}
	as, err := auth.New(ctx, acfg, auth.Stores{Users: db, Sessions: db, Handles: db, Tokens: db, Keys: db, Standing: db})
	if err != nil {
		return nil, err
	}
	blobs, err := blob.Open(ctx, cfg.BlobURL)
	if err != nil {
		return nil, err
	}
	secret, err := db.Secret(ctx, click.SecretName)
	if err != nil {
		blobs.Close()
		return nil, err
	}
	deps := server.Deps{Users: db, Handles: db, Audit: db, Links: db, DB: db,
		Pages: db, Campaigns: db, Profiles: db, Files: db, Deployments: db, Blobs: blobs,
		Auth: as.Authenticator, Sessions: as.Sessions, PATs: as.PATs, Keys: as.Keys,
		Limiter: cfg.Limiter, Logger: cfg.Logger, Now: cfg.Now, Metrics: observer(cfg.Metrics),
		Domains: db, DomainHosts: store.NewDomainCache(db, time.Second, 0, cfg.Now), DNS: cfg.DNS,
		Plans: db, Payments: cfg.Payments, Admin: db, Webhooks: db}
	deps.Analytics, deps.ClickSigner = db, click.NewSigner(secret, cfg.Now)
	ccfg := cfg.Clicks
	ccfg.Now, ccfg.Logger = cfg.Now, cfg.Logger
	pipeline := click.New(ccfg, db)
	deps.Clicks = pipeline
	deps.Personalization, deps.Classifier, deps.Tracking = db, click.NewClassifier(ccfg.GeoIP), db
	deps.Functions, deps.Usage, deps.Chain, deps.Origins = db, db, db, db
	srv, err := server.New(cfg.Server, deps)
	if err != nil {
		pipeline.Close(ctx)
		return nil, err
	}
	pcfg := cfg.Purge
	pcfg.Now, pcfg.Logger = cfg.Now, cfg.Logger
	a := &App{Server: srv, DB: db, Auth: as, Clicks: pipeline, Blobs: blobs, Purger: purge.New(pcfg, db, blobs),
		stopUsage: make(chan struct{}), usageDone: make(chan struct{}),
		webhooks: cfg.Webhooks, queue: cfg.Queue}
	a.webhooks.Now, a.webhooks.Logger, a.webhooks.AllowHTTP = cfg.Now, cfg.Logger, cfg.Server.WebhookAllowHTTP
	if a.queue.Logger == nil {
		a.queue.Logger = cfg.Logger
	}
	go a.flushUsage(cfg.Logger)
	if cfg.Metrics != nil {
		a.export(cfg.Metrics)
	}
	return a, nil
}

// Listen makes this instance hear the changes other instances make to the
// shared database (Postgres LISTEN/NOTIFY), so its caches trust entries
// until told otherwise instead of re-reading them every second; until
// Close. cmd/tenx serve listens; tests that do not see the short TTL.
func (a *App) Listen(ctx context.Context, log *slog.Logger) error {
	c, err := a.DB.Listen(ctx, log)
	if err != nil {
		return err
	}
	a.closers = append(a.closers, c)
	return nil
}

// StartWorkers starts the background workers (webhook deliveries, on
// River) on connections of their own, until Close. cmd/tenx serve starts
// them unless TENX_WORKERS=off, and tenx worker runs nothing else.
func (a *App) StartWorkers(ctx context.Context) error {
	if a.workers != nil {
		return errors.New("workers already started")
	}
	pool, err := a.DB.QueuePool(workerConns)
	if err != nil {
		return err
	}
	qcfg := a.queue
	qcfg.Register = webhook.New(a.webhooks, a.DB).Register
	r, err := queue.Start(ctx, a.DB.Dialect(), pool, qcfg)
	if err != nil {
		pool.Close()
		return err
	}
	a.workers, a.pool = r, pool
	return nil
}

// StopWorkers stops the background workers: running attempts get until
// ctx ends to finish (else they run again later); nothing if none run.
func (a *App) StopWorkers(ctx context.Context) error {
	if a.workers == nil {
		return nil
	}
	err := errors.Join(a.workers.Stop(ctx), a.pool.Close())
	a.workers, a.pool = nil, nil
	return err
}

// Close writes the clicks still buffered (until ctx ends), stops the click
// writer and pruner and the background workers, and stops what Listen started; the database and the
// blob store are the caller's to close. Call it after the HTTP server has
// drained.
func (a *App) Close(ctx context.Context) error {
	errs := []error{a.Clicks.Close(ctx), a.StopWorkers(ctx)}
	if a.stopUsage != nil {
		close(a.stopUsage)
		<-a.usageDone
		a.stopUsage = nil
		errs = append(errs, a.Server.FlushUsage(ctx))
	}
	for _, c := range a.closers {
		errs = append(errs, c.Close())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// flushUsage stores the usage counts every usageFlushEvery until Close.
func (a *App) flushUsage(log *slog.Logger) {
	defer close(a.usageDone)
	t := time.NewTicker(usageFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-a.stopUsage:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := a.Server.FlushUsage(ctx); err != nil {
				log.Warn("store usage counts; will retry", "err", err)
			}
			cancel()
		}
	}
}
