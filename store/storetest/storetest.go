// Package storetest gives tests of any package a real, migrated database:
// SQLite in a temporary directory, or a fresh schema of the Postgres named by
// TENX_TEST_POSTGRES_URL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/lib/pq" // registers the "postgres" driver

	"tenx"
	"tenx/store"
)

// PostgresEnv names the variable holding the URL of a Postgres database that
// tests may create schemas in.
const PostgresEnv = "TENX_TEST_POSTGRES_URL"

// Dialects runs fn as the subtests "sqlite" and "postgres", each with the
// URL of a fresh, empty database.
func Dialects(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// SQLiteURL returns the URL of a new SQLite file in tb.TempDir().
func SQLiteURL(tb testing.TB) string {
	tb.Helper()
	return "sqlite:" + filepath.Join(tb.TempDir(), "tenx.db")
}

// PostgresURL creates a schema of its own for the test, drops it when the
// test ends, and returns a URL whose connections use only that schema. It
// skips the test when TENX_TEST_POSTGRES_URL is unset.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Skip(PostgresEnv + " not set: skipping Postgres")
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		tb.Fatalf("open %s: %v", PostgresEnv, err)
	}
	schema := "test_" + randomHex(8)
	if _, err := admin.ExecContext(tb.Context(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		// tb.Context is already canceled when cleanups run.
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(tb, base, schema)
}

// withSearchPath adds search_path to a Postgres URL; lib/pq sends unknown
// URL parameters to the server as run-time parameters.
func withSearchPath(tb testing.TB, base, schema string) string {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}

// MustOpen opens and migrates the database at url and closes it when the
// test ends. A SQLite file that does not exist yet starts as a copy of a
// database this process migrated once (migratedSQLite): migrating from
// nothing takes about a second under -race, and hundreds of tests open a
// fresh database. Migrate then finds nothing to do, as on any restart.
func MustOpen(tb testing.TB, url string, clock tenx.Clock) *store.DB {
	tb.Helper()
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok && !strings.ContainsAny(path, "?#") {
		// Only into a directory that exists: the store makes a missing
		// one itself, private, and TestSQLiteFilesArePrivate checks that.
		_, dirErr := os.Stat(filepath.Dir(path))
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && dirErr == nil {
			image, err := migratedSQLite()
			if err != nil {
				tb.Fatalf("migrated SQLite template: %v", err)
			}
			if err := os.WriteFile(path, image, 0o600); err != nil {
				tb.Fatal(err)
			}
		}
	}
	db, err := store.Open(tb.Context(), url, clock)
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	// Many tests run in parallel on one Postgres server: each keeps few
	// idle connections, so together they stay under max_connections.
	db.SetPool(store.Pool{MaxOpen: 10, MaxIdle: 2})
	if err := db.Migrate(tb.Context()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// migratedSQLite is the file of a SQLite database migrated to the latest
// version, made once per process.
var migratedSQLite = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "tenx-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tenx.db")
	db, err := store.Open(context.Background(), "sqlite:"+path, nil)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	// Closing the last connection checkpoints the write-ahead log into
	// the file and removes it, so the file alone is the whole database.
	if err := db.Close(); err != nil {
		return nil, err
	}
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return nil, errors.New("the write-ahead log outlived the database's close")
	}
	return os.ReadFile(path)
})
