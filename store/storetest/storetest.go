// Package storetest gives tests of any package a real, migrated database:
// SQLite in a temporary directory, or a fresh schema of the Postgres named by
// TENX_TEST_POSTGRES_URL.
package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
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
// test ends.
func MustOpen(tb testing.TB, url string, clock tenx.Clock) *store.DB {
	tb.Helper()
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
