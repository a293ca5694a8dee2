package store_test

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"tenx/clocktest"
	"testing"
	"time"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

type testClock = clocktest.Clock

// newClock starts at an instant with sub-millisecond digits, which the store
// must drop.
func newClock() *testClock {
	return clocktest.New(time.Date(2026, 3, 4, 5, 6, 7, 891_234_567, time.UTC))
}

// stored is t as the store keeps it.
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// mustOpen opens a migrated database at url with a fresh test clock.
func mustOpen(t *testing.T, url string) (*store.DB, *testClock) {
	t.Helper()
	c := newClock()
	return storetest.MustOpen(t, url, c.Now), c
}

func mustCreateUser(t *testing.T, db *store.DB, email string) *tenx.User {
	t.Helper()
	u := &tenx.User{Email: email, PasswordHash: "hash-of-" + email}
	if err := db.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func mustCreateHandle(t *testing.T, db *store.DB, name, ownerID string) *tenx.Handle {
	t.Helper()
	h := &tenx.Handle{Name: name, DisplayName: "Display " + name, OwnerID: ownerID}
	if err := db.CreateHandle(t.Context(), h); err != nil {
		t.Fatalf("create handle %s: %v", name, err)
	}
	return h
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// checkCode fails the test unless err carries the public code want ("" for
// no error).
func checkCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := tenx.ErrorCode(err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}

// rawDB opens url with the bare driver, for poking at the schema.
func rawDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	driver, dsn := "postgres", url
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		driver, dsn = "sqlite", path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpen(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"", "mysql://localhost/tenx", "sqlite:", "file:tenx.db", "postgres:/x"} {
		t.Run(url, func(t *testing.T) {
			if db, err := store.Open(t.Context(), url, nil); err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want error", url)
			}
		})
	}
}

func TestOpenSQLiteCreatesDirectory(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a", "b", "tenx.db")
	db, err := store.Open(t.Context(), "sqlite:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	if got := db.Dialect(); got != store.DialectSQLite {
		t.Fatalf("Dialect() = %q, want %q", got, store.DialectSQLite)
	}
}

func TestDialect(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		want := store.DialectSQLite
		if strings.HasPrefix(url, "postgres") {
			want = store.DialectPostgres
		}
		if got := db.Dialect(); got != want {
			t.Fatalf("Dialect() = %q, want %q", got, want)
		}
		checkCode(t, db.Ping(t.Context()), "")
	})
}

// TestUnavailable needs no server: it points at a port nothing listens on.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/test?sslmode=disable&connect_timeout=5", port)
	db, err := store.Open(t.Context(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	tests := []struct {
		name string
		call func() error
	}{
		{"FindUserByID", func() error { _, err := db.FindUserByID(t.Context(), "usr_x"); return err }},
		{"CreateUser", func() error { return db.CreateUser(t.Context(), &tenx.User{Email: "a@example.com"}) }},
		{"Ping", func() error { return db.Ping(t.Context()) }},
		{"Migrate", func() error { return db.Migrate(t.Context()) }},
		{"CheckSchema", func() error { return db.CheckSchema(t.Context()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkCode(t, tt.call(), tenx.EUNAVAILABLE)
		})
	}
}

// TestSQLiteFilesArePrivate: the database, its WAL and shared-memory files
// hold password hashes and signing keys, so only their owner may read them.
func TestSQLiteFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "tenx.db")
	db := storetest.MustOpen(t, "sqlite:"+path, clocktest.New(time.Now()).Now)
	if err := db.CreateUser(t.Context(), &tenx.User{Email: "a@example.com", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", p, perm)
		}
	}
}
