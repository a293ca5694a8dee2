// Package app puts tenx together: the store, the auth services, the rate
// limiter and the HTTP server. cmd/tenx and the tests of the server build
// it the same way, through New, so that what is tested is what runs.
package app

import (
	"context"
	"log/slog"
	"time"

	"tenx"
	"tenx/auth"
	"tenx/blob"
	"tenx/purge"
	"tenx/ratelimit"
	"tenx/server"
	"tenx/store"
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
	// BlobURL names the blob store of files and sites (package blob): a
	// directory or file:// URL, or s3://. Required.
	BlobURL string
	// Purge tunes the purge job.
	Purge purge.Config
}

// App is a built tenx: its server, database and auth services.
type App struct {
	Server *server.Server
	DB     *store.DB
	Auth   *auth.Services
	// Blobs is the open blob store; Purger removes expired files and old
	// deployments (run it with Run).
	Blobs  *blob.Bucket
	Purger *purge.Purger
}

// New wires the auth services and the server on db.
func New(ctx context.Context, cfg Config, db *store.DB) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Limiter == nil {
		cfg.Limiter = ratelimit.NewMemory(cfg.Now, 100_000)
	}
	acfg := cfg.Auth
	acfg.Issuer, acfg.SessionTTL, acfg.Now = cfg.Issuer, cfg.Server.SessionTTL, cfg.Now
	if acfg.Issuer == "" {
		acfg.Issuer = cfg.Server.PublicURL
	}
	as, err := auth.New(ctx, acfg, auth.Stores{Users: db, Sessions: db, Handles: db, Tokens: db, Keys: db})
	if err != nil {
		return nil, err
	}
	blobs, err := blob.Open(ctx, cfg.BlobURL)
	if err != nil {
		return nil, err
	}
	srv, err := server.New(cfg.Server, server.Deps{Users: db, Handles: db, Audit: db, Links: db, DB: db,
		Files: db, Deployments: db, Blobs: blobs, Now: cfg.Now,
		Auth: as.Authenticator, Sessions: as.Sessions, PATs: as.PATs, Keys: as.Keys,
		Limiter: cfg.Limiter, Logger: cfg.Logger})
	if err != nil {
		blobs.Close()
		return nil, err
	}
	pcfg := cfg.Purge
	pcfg.Now, pcfg.Logger = cfg.Now, cfg.Logger
	return &App{Server: srv, DB: db, Auth: as, Blobs: blobs, Purger: purge.New(pcfg, db, blobs)}, nil
}
