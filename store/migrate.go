package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"tenx/queue"
)

// migrations holds the numbered, forward-only SQL migrations of each dialect.
// goose runs each file in its own transaction and records it in
// goose_db_version.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// Migrate applies every pending migration. On Postgres it holds an advisory
// lock meanwhile, so replicas starting together migrate one after another.
// It refuses a database migrated by a newer tenx.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider(ctx)
	if err != nil {
		return err
	}
	if err := db.checkNotNewer(ctx, p); err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return translate(err, "migrate", "migration")
	}
	return nil
}

// CheckSchema returns an error unless the database is at exactly the schema
// version this binary knows, so that a server never runs on a schema it was
// not written for.
func (db *DB) CheckSchema(ctx context.Context) error {
	p, err := db.provider(ctx)
	if err != nil {
		return err
	}
	current, known, err := versions(ctx, p)
	if err != nil {
		return err
	}
	if current > known {
		return errNewer(current, known)
	}
	if current < known {
		return fmt.Errorf("database schema version %d is older than this binary needs (%d); run `tenx migrate`",
			current, known)
	}
	return nil
}

func (db *DB) checkNotNewer(ctx context.Context, p *goose.Provider) error {
	current, known, err := versions(ctx, p)
	if err != nil {
		return err
	}
	if current > known {
		return errNewer(current, known)
	}
	return nil
}

func errNewer(current, known int64) error {
	return fmt.Errorf("database schema version %d is newer than this binary knows (%d); upgrade tenx",
		current, known)
}

// versions returns the database's schema version and the newest embedded one.
// It creates goose's version table if it is missing.
func versions(ctx context.Context, p *goose.Provider) (current, known int64, err error) {
	current, known, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, translate(err, "read schema version", "schema version")
	}
	return current, known, nil
}

// provider builds a goose provider over this dialect's embedded migrations.
func (db *DB) provider(ctx context.Context) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+db.dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(db.riverMigration())}
	dialect := goose.DialectSQLite3
	if db.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		locker, err := db.migrationLocker(ctx)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.w.DB, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// riverMigrationVersion numbers River's migration among ours.
const riverMigrationVersion = 80

// riverMigration is migration 00080 (riverMigrationVersion): River's own tables (the job queue
// of package queue), installed in the same locked run as ours, so that
// `tenx migrate` and the refusal of a newer schema cover them too. On
// Postgres River applies each of its versions in a transaction of its own
// and records it (one transaction cannot add an enum value and use it), so
// a run cut short resumes where it stopped. On SQLite, whose migrations run
// on the store's one writer connection, they run in goose's transaction.
func (db *DB) riverMigration() *goose.Migration {
	if db.dialect == DialectSQLite {
		return goose.NewGoMigration(riverMigrationVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return queue.MigrateTx(ctx, queue.DialectSQLite, tx)
		}}, nil)
	}
	return goose.NewGoMigration(riverMigrationVersion, &goose.GoFunc{Mode: goose.TransactionDisabled,
		RunDB: func(ctx context.Context, sdb *sql.DB) error { return queue.Migrate(ctx, queue.DialectPostgres, sdb) }}, nil)
}

// migrationLocker returns an advisory lock keyed by the current schema:
// replicas of one deployment exclude each other, while deployments (or tests)
// in other schemas of the same database do not wait for one another.
func (db *DB) migrationLocker(ctx context.Context) (lock.SessionLocker, error) {
	var schema string
	if err := get(ctx, db.db, &schema, `SELECT COALESCE(current_schema(), '')`); err != nil {
		return nil, translate(err, "read current schema", "schema")
	}
	h := fnv.New64a()
	h.Write([]byte("tenx migrate " + schema))
	// Retry every second for up to five minutes: a migration holds the lock
	// for moments, so waiting in long steps only slows every other replica.
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(h.Sum64())),
		lock.WithLockTimeout(1, 300),
	)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return locker, nil
}
