// Package store keeps tenx's data in Postgres or SQLite. It implements the
// service interfaces of package tenx on one type, DB, owns the schema and its
// migrations, and translates driver errors into tenx error codes.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"tenx"
	"tenx/cache"
	"tenx/invalidate"
	"tenx/queue"
)

// The dialects Open understands, as reported by DB.Dialect.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// sqlitePragmas are applied to every SQLite connection. WAL lets readers run
// beside the one writer; immediate transactions take the write lock at BEGIN
// so that busy_timeout applies instead of a mid-transaction SQLITE_BUSY.
// synchronous=NORMAL (see README): in WAL mode a commit survives a crash of
// tenx, and the file is never corrupted, but the last commits before a
// power loss or OS crash may be lost; FULL would fsync every commit.
const sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"

// DB is the tenx database. It is safe for concurrent use.
type DB struct {
	// db reads; w writes. On Postgres they are one pool. On SQLite w is
	// the one writer connection (writers queue in Go instead of spinning
	// on the file lock) and db a pool of query_only readers.
	db      *sqlx.DB
	w       *sqlx.DB
	dialect string
	clock   tenx.Clock

	bus     *invalidate.Bus
	pending sync.Map // *sqlx.Tx -> *[]invalidate.Event, see note
	links   *cache.Map[linkKey, *tenx.Link]
	rules   *cache.Map[string, []tenx.RoutingRule] // enabled personalization rules by handle
	origins *cache.Map[string, bool]               // whether some handle lists a context origin
	pages   *linkPages
	dsn     string // Postgres, for the invalidation listener; holds secrets
	path    string // SQLite, for the job queue's own connections
	// jobs queues background jobs inside write transactions (emit).
	jobs *queue.Inserter
}

var (
	_ tenx.UserService       = (*DB)(nil)
	_ tenx.SessionService    = (*DB)(nil)
	_ tenx.HandleService     = (*DB)(nil)
	_ tenx.SigningKeyService = (*DB)(nil)
	_ tenx.TokenService      = (*DB)(nil)
	_ tenx.AuditService      = (*DB)(nil)
	_ tenx.LinkService       = (*DB)(nil)
	_ tenx.Pinger            = (*DB)(nil)
)

// Open opens the database named by url: postgres://... or postgresql://...
// for Postgres, sqlite:PATH for SQLite. clock stamps every write; nil means
// time.Now. A SQLite file is opened at once, so a bad path fails here; a
// Postgres server is first contacted on use, so a database that comes up
// after tenx is reported by Ping rather than failing the start.
func Open(ctx context.Context, url string, clock tenx.Clock) (*DB, error) {
	if clock == nil {
		clock = time.Now
	}
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(url, clock)
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "sqlite:"), clock)
	}
	return nil, fmt.Errorf("open database: unsupported url %q: want postgres://, postgresql:// or sqlite:PATH",
		redact(url))
}

// openSQLite creates the file's directory and opens the file.
func openSQLite(ctx context.Context, path string, clock tenx.Clock) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: sqlite url needs a path (sqlite:PATH)")
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db, err := open(DialectSQLite, "sqlite", path+"?"+sqlitePragmas+"&_pragma=query_only(1)", clock)
	if err != nil {
		return nil, err
	}
	if db.w, err = sqlx.Open("sqlite", path+"?"+sqlitePragmas+"&_txlock=immediate"); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.w.SetMaxOpenConns(1)
	db.path = path
	if db.jobs, err = queue.NewInserter(queue.DialectSQLite, db.w.DB); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetPool(DefaultSQLitePool())
	db.bus = invalidate.NewLocal()
	db.subscribeLinks()
	db.subscribeRules()
	db.subscribeOrigins()
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// createPrivate makes the database file, and its directory when missing,
// readable by this user only: it holds password hashes and the JWT signing
// keys. SQLite gives its -wal and -shm files the database file's mode.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

func open(dialect, driver, dsn string, clock tenx.Clock) (*DB, error) {
	sdb, err := sqlx.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return &DB{db: sdb, w: sdb, dialect: dialect, clock: clock, links: newLinkCache(), rules: newRuleCache(), origins: newOriginCache(),
		pages: newLinkPages()}, nil
}

// redact hides the part of a url that may hold a password.
func redact(url string) string {
	if i := strings.Index(url, "@"); i >= 0 {
		return "..." + url[i:]
	}
	return url
}

// Close closes every connection.
func (db *DB) Close() error {
	err := db.db.Close()
	if db.w != nil && db.w != db.db {
		err = errors.Join(err, db.w.Close())
	}
	return err
}

// Ping reports whether the database can be reached, for reading and for
// writing; EUNAVAILABLE if not.
func (db *DB) Ping(ctx context.Context) error {
	err := db.db.PingContext(ctx)
	if err == nil && db.w != db.db {
		err = db.w.PingContext(ctx)
	}
	return translate(err, "ping database", "database")
}

// Dialect returns DialectPostgres or DialectSQLite.
func (db *DB) Dialect() string {
	return db.dialect
}

// now is the one timestamp of a transaction, at the precision it is stored.
func (db *DB) now() time.Time {
	return db.clock().UTC().Truncate(time.Millisecond)
}

// inTx runs fn in a transaction and commits it if fn succeeds. A
// transaction aborted by a deadlock, a serialization failure or a busy
// SQLite is run again (see isRetryable), so fn must do nothing outside tx
// that cannot be done twice.
func (db *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx, now time.Time) error) error {
	for attempt := 1; ; attempt++ {
		err := db.tryTx(ctx, fn)
		if err == nil || !isRetryable(err) || attempt == txAttempts {
			return err
		}
		if pause(ctx, attempt+1) != nil {
			return err
		}
	}
}

// tryTx is one attempt of inTx.
func (db *DB) tryTx(ctx context.Context, fn func(tx *sqlx.Tx, now time.Time) error) error {
	tx, err := db.w.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer db.discardNotes(tx)
	defer tx.Rollback()
	if err := fn(tx, db.now()); err != nil {
		return err
	}
	return db.commit(tx)
}

// get, query and exec take queries written with ? placeholders and rebind
// them for the dialect; q is the DB or a transaction.
func get(ctx context.Context, q sqlx.ExtContext, dest any, query string, args ...any) error {
	return sqlx.GetContext(ctx, q, dest, q.Rebind(query), args...)
}

func query(ctx context.Context, q sqlx.ExtContext, dest any, query string, args ...any) error {
	return sqlx.SelectContext(ctx, q, dest, q.Rebind(query), args...)
}

func exec(ctx context.Context, q sqlx.ExtContext, query string, args ...any) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(query), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Timestamps are stored as unix milliseconds in both dialects.

func toMillis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func toNullMillis(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: toMillis(*t), Valid: true}
}

func fromNullMillis(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

// newID returns prefix and 20 random base62 characters (about 119 bits).
func newID(prefix string) string {
	return prefix + tenx.RandomBase62(20)
}
