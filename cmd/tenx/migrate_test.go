package main

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	"tenx/store/storetest"
)

func TestMigrate(t *testing.T) {
	t.Parallel()
	env, url := sqliteEnv(t)
	env["TENX_LOG_LEVEL"] = "info"
	_, stderr, err := runCmd(t, env, "", "migrate")
	if err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if !strings.Contains(stderr, "database migrated") {
		t.Errorf("migrate did not log its success:\n%s", stderr)
	}
	applied := countMigrations(t, url)
	if applied == 0 {
		t.Fatal("migrate recorded no migration")
	}
	if _, _, err := runCmd(t, env, "", "migrate"); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if again := countMigrations(t, url); again != applied {
		t.Fatalf("second migrate changed the recorded migrations from %d to %d", applied, again)
	}
}

// TestServeRefusesNewerSchema is a rollback to an older tenx: neither serve
// nor migrate may touch a schema it does not know.
func TestServeRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		env := quietEnv(t, url)
		if _, _, err := runCmd(t, env, "", "migrate"); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		// A migration recorded by a newer tenx, as store's own tests do it.
		exec(t, url, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, TRUE)`)

		checkErrorContains(t, serveExpectingError(t, env), "schema version 99999 is newer than this binary knows")
		_, _, err := runCmd(t, env, "", "migrate")
		checkErrorContains(t, err, "schema version 99999 is newer than this binary knows")
	})
}

func TestServeWithoutAutoMigrate(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	storetest.Dialects(t, func(t *testing.T, url string) {
		env := quietEnv(t, url)
		env["TENX_AUTO_MIGRATE"] = "false"
		checkErrorContains(t, serveExpectingError(t, env), "run `tenx migrate`")

		if _, _, err := runCmd(t, env, "", "migrate"); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		srv := mustServe(t, env)
		call(t, "GET", srv.URL+"/readyz", "", nil, 200, nil)
		if err := srv.Stop(t); err != nil {
			t.Fatalf("serve returned %v, want nil", err)
		}
	})
}

// serveExpectingError runs serve, which should fail before it listens. If it
// does listen, the context ends it after hangGuard and the nil error fails
// the caller's check.
func serveExpectingError(t *testing.T, env map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"serve"}, mapEnv(env), strings.NewReader(""), &stdout, &stderr)
	if stdout.Len() != 0 {
		t.Errorf("serve wrote %q to stdout, want nothing: it must not listen", stdout.String())
	}
	return err
}

// rawDB opens the database behind a tenx URL with database/sql, bypassing
// the store.
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

func exec(t *testing.T, url, query string) {
	t.Helper()
	if _, err := rawDB(t, url).ExecContext(t.Context(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func countMigrations(t *testing.T, url string) int {
	t.Helper()
	var n int
	q := `SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0`
	if err := rawDB(t, url).QueryRowContext(t.Context(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
