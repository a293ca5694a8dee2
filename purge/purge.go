// Package purge removes what tenx no longer keeps from the blob store and
// the database: deleted and expired files, pending files whose upload URL
// expired, and site deployments beyond the newest few of each handle.
//
// Everything it does is found from the database on each pass and done in
// an order that a crash cannot spoil (the row is hidden first, the object
// removed next, the row dropped last), so a restart simply finishes the
// work; nothing acknowledged to a client is lost.
package purge

import (
	"context"
	"log/slog"
	"time"

	"tenx"
)

// Config tunes the job.
type Config struct {
	// Interval between passes (default 1 minute).
	Interval time.Duration
	// KeepDeployments is how many deployments each handle keeps, the
	// newest (default tenx.DefaultKeepDeploys); the live one is always
	// kept.
	KeepDeployments int
	// Batch bounds the work of one step of a pass (default 100).
	Batch int
	// Now is the clock (default time.Now); Logger logs (default discard).
	Now    tenx.Clock
	Logger *slog.Logger
}

// Store is what the job reads and changes.
type Store interface {
	tenx.PurgeService
	RemoveFile(ctx context.Context, id string) error
}

// Purger runs the passes.
type Purger struct {
	cfg   Config
	db    Store
	blobs tenx.BlobStore
}

// New returns a purger of db and blobs.
func New(cfg Config, db Store, blobs tenx.BlobStore) *Purger {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Minute
	}
	if cfg.KeepDeployments <= 0 {
		cfg.KeepDeployments = tenx.DefaultKeepDeploys
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Purger{cfg: cfg, db: db, blobs: blobs}
}

// Run makes a pass at once and then every Interval until ctx ends.
func (p *Purger) Run(ctx context.Context) {
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	for {
		if n, err := p.RunOnce(ctx); err != nil {
			p.cfg.Logger.Warn("purge pass failed; retrying next pass", "err", err, "removed", n)
		} else if n > 0 {
			p.cfg.Logger.Info("purged", "removed", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce makes one pass and returns how many files and deployments it
// removed. It stops at the first error; the next pass starts over.
func (p *Purger) RunOnce(ctx context.Context) (int, error) {
	files, err := p.purgeFiles(ctx)
	if err != nil {
		return files, err
	}
	deps, err := p.purgeDeployments(ctx)
	return files + deps, err
}

func (p *Purger) purgeFiles(ctx context.Context) (int, error) {
	now := p.cfg.Now()
	n := 0
	for {
		files, err := p.db.FindPurgeableFiles(ctx, now, now.Add(-tenx.PendingFileRetention), p.cfg.Batch)
		if err != nil || len(files) == 0 {
			return n, err
		}
		for _, f := range files {
			if err := p.blobs.Delete(ctx, f.ObjectKey()); err != nil {
				return n, err
			}
			// An expired file stays listed (EXPIRED, answering 410);
			// deleted and abandoned pending ones go.
			if f.Status != tenx.FileDeleted && f.ExpiresAt != nil && !now.Before(*f.ExpiresAt) {
				err = p.db.ExpireFile(ctx, f.ID)
			} else {
				err = p.db.RemoveFile(ctx, f.ID)
			}
			if err != nil {
				return n, err
			}
			n++
		}
		if len(files) < p.cfg.Batch {
			return n, nil
		}
	}
}

func (p *Purger) purgeDeployments(ctx context.Context) (int, error) {
	n := 0
	for {
		deps, err := p.db.FindSurplusDeployments(ctx, p.cfg.KeepDeployments, p.cfg.Batch)
		if err != nil || len(deps) == 0 {
			return n, err
		}
		for _, d := range deps {
			for _, f := range d.Files {
				if err := p.blobs.Delete(ctx, tenx.DeploymentObjectKey(d.Handle, d.ID, f.Path)); err != nil {
					return n, err
				}
			}
			if err := p.db.RemoveDeployment(ctx, d.ID); err != nil {
				return n, err
			}
			n++
		}
		if len(deps) < p.cfg.Batch {
			return n, nil
		}
	}
}
