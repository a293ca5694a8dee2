// Package queue runs tenx's background jobs on River
// (github.com/riverqueue/river), on Postgres through its database/sql
// driver and on the embedded SQLite through its SQLite driver, so both
// databases run the same code. It installs River's schema (as one of the
// store's migrations), inserts jobs inside the store's own transactions
// (so a job exists exactly when the change that wants it commits), and
// starts and stops the workers.
package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// The dialects this package understands; they are the store's names.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// RiverSchemaVersion is the version of River's own schema that the store's
// migration installs. It is pinned: a River upgrade that brings a newer
// schema comes with a new store migration, so `tenx migrate` stays the one
// place that changes the schema, under its lock.
const RiverSchemaVersion = 8

// DeliveryArgs is the job of one webhook delivery attempt. Attempt is the
// number the attempt will have in the delivery's log: a job whose attempt
// is already logged (its worker crashed after recording it) does nothing.
type DeliveryArgs struct {
	DeliveryID string `json:"deliveryId"`
	Attempt    int    `json:"attempt"`
}

// Kind names the job in River's tables.
func (DeliveryArgs) Kind() string { return "webhook_delivery" }

// deliveryQueue is River's queue of webhook deliveries.
const deliveryQueue = river.QueueDefault

// crashAttempts is how often River runs one delivery job: more than once
// only when a worker dies mid-attempt (its job is rescued later); a failed
// HTTP attempt is not a failed job, its retry is a new job.
const crashAttempts = 3

// driver returns River's driver for dialect over db.
func driver(dialect string, db *sql.DB) (riverdriver.Driver[*sql.Tx], error) {
	switch dialect {
	case DialectPostgres:
		return riverdatabasesql.New(db), nil
	case DialectSQLite:
		return riversqlite.New(db), nil
	}
	return nil, fmt.Errorf("queue: unsupported dialect %q", dialect)
}

// migrator is River's migrator for dialect over db (nil when the caller
// gives the transaction).
func migrator(dialect string, db *sql.DB) (*rivermigrate.Migrator[*sql.Tx], error) {
	d, err := driver(dialect, db)
	if err != nil {
		return nil, err
	}
	m, err := rivermigrate.New(d, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	return m, nil
}

// upToSchema migrates up to RiverSchemaVersion.
var upToSchema = &rivermigrate.MigrateOpts{TargetVersion: RiverSchemaVersion}

// Migrate installs River's schema, up to RiverSchemaVersion, each of
// River's versions in a transaction of its own on db.
func Migrate(ctx context.Context, dialect string, db *sql.DB) error {
	m, err := migrator(dialect, db)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, upToSchema); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// MigrateTx installs River's schema, up to RiverSchemaVersion, in tx. It
// is for SQLite, whose migrations run on one connection that Migrate would
// wait on; River deprecates it because some of its Postgres migrations
// cannot share a transaction, which SQLite's do not have.
func MigrateTx(ctx context.Context, dialect string, tx *sql.Tx) error {
	m, err := migrator(dialect, nil)
	if err != nil {
		return err
	}
	//lint:ignore SA1019 one transaction is right on SQLite (see above)
	if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, upToSchema); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// Inserter inserts jobs in a caller's transaction. It never runs a job.
type Inserter struct {
	client *river.Client[*sql.Tx]
}

// NewInserter returns an Inserter for dialect. db is only named to River;
// every insert uses the caller's transaction.
func NewInserter(dialect string, db *sql.DB) (*Inserter, error) {
	d, err := driver(dialect, db)
	if err != nil {
		return nil, err
	}
	c, err := river.NewClient(d, &river.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return &Inserter{client: c}, nil
}

// Delivery is one delivery attempt to queue; At is when it is due (now
// when zero).
type Delivery struct {
	DeliveryArgs
	At time.Time
}

// InsertDeliveries queues the delivery attempts in tx; they run once tx
// commits, and never if it rolls back.
func (i *Inserter) InsertDeliveries(ctx context.Context, tx *sql.Tx, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(ds))
	now := time.Now()
	for n, d := range ds {
		opts := &river.InsertOpts{MaxAttempts: crashAttempts, Queue: deliveryQueue}
		// A job with a time is "scheduled", and River's scheduler makes it
		// available within 5 s of its time; one already due is available at
		// once.
		if d.At.After(now) {
			opts.ScheduledAt = d.At
		}
		params[n] = river.InsertManyParams{Args: d.DeliveryArgs, InsertOpts: opts}
	}
	if _, err := i.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("queue deliveries: %w", err)
	}
	return nil
}
