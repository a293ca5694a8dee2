package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// Config tunes the workers.
type Config struct {
	// Workers is how many jobs run at once (default 50: a delivery mostly
	// waits on its receiver).
	Workers int
	// PollInterval is how often an idle worker looks for due jobs; the
	// database/sql and SQLite drivers have no LISTEN, so it bounds the
	// delay between a commit and its delivery (default 200ms).
	PollInterval time.Duration
	// Logger logs River's warnings and errors (default: discard).
	Logger *slog.Logger
	// Register adds the job workers; at least one is needed.
	Register func(*river.Workers)
}

// Runner runs jobs until Stop.
type Runner struct {
	client *river.Client[*sql.Tx]
}

// Start starts River's workers on db, a pool of the runner's own (River's
// fetch, completion and maintenance loops hold connections of their own
// while they run; on SQLite they must not wait on the store's single
// writer connection).
func Start(ctx context.Context, dialect string, db *sql.DB, cfg Config) (*Runner, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 50
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 200 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// River reports every job count and start at info; tenx's log keeps
	// its warnings and errors.
	cfg.Logger = slog.New(warnings{cfg.Logger.Handler()})
	d, err := driver(dialect, db)
	if err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	if cfg.Register != nil {
		cfg.Register(workers)
	}
	c, err := river.NewClient(d, &river.Config{
		Queues:            map[string]river.QueueConfig{deliveryQueue: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     cfg.PollInterval / 4,
		PollOnly:          true,
		// Each worker bounds its jobs (webhook.Worker.Timeout: the attempt's
		// own timeout and then some); a job running for longer than this
		// has a dead worker.
		RescueStuckJobsAfter: 2 * time.Minute,
		Logger:               cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if err := c.Start(ctx); err != nil {
		return nil, fmt.Errorf("queue: start: %w", err)
	}
	return &Runner{client: c}, nil
}

// Stop lets running jobs finish until ctx ends, then cancels them (their
// attempt is retried later: delivery is at least once).
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil {
		return nil
	}
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return r.client.StopAndCancel(cctx)
}

// warnings passes on records at warn level and above.
type warnings struct{ slog.Handler }

func (w warnings) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

func (w warnings) WithAttrs(as []slog.Attr) slog.Handler { return warnings{w.Handler.WithAttrs(as)} }

func (w warnings) WithGroup(name string) slog.Handler { return warnings{w.Handler.WithGroup(name)} }
