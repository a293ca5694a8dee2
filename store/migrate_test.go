package store_test

import (
	"strings"
	"sync"
	"testing"

	"tenx/store"
	"tenx/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url) // migrates once
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if err := db.CheckSchema(t.Context()); err != nil {
			t.Fatalf("CheckSchema: %v", err)
		}
	})
}

func TestCheckSchema(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		migrate bool
		// bump records a migration newer than any this binary embeds.
		bump    bool
		wantErr string
	}{
		{name: "current", migrate: true},
		{name: "older", wantErr: "run `tenx migrate`"},
		{name: "newer", migrate: true, bump: true, wantErr: "is newer than this binary knows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Dialects(t, func(t *testing.T, url string) {
				t.Parallel()
				db, err := store.Open(t.Context(), url, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if tt.migrate {
					if err := db.Migrate(t.Context()); err != nil {
						t.Fatal(err)
					}
				}
				if tt.bump {
					_, err := rawDB(t, url).ExecContext(t.Context(),
						`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, TRUE)`)
					if err != nil {
						t.Fatal(err)
					}
				}
				checkErrorContains(t, db.CheckSchema(t.Context()), tt.wantErr)
			})
		})
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		_, err := rawDB(t, url).ExecContext(t.Context(),
			`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, TRUE)`)
		if err != nil {
			t.Fatal(err)
		}
		checkErrorContains(t, db.Migrate(t.Context()), "database schema version 99999 is newer")
	})
}

// TestMigrateConcurrently starts several replicas on one empty schema at once.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	const replicas = 4
	dbs := make([]*store.DB, replicas)
	for i := range dbs {
		db, err := store.Open(t.Context(), url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { errs[i] = db.Migrate(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: Migrate: %v", i, err)
		}
	}
	if err := dbs[0].CheckSchema(t.Context()); err != nil {
		t.Fatalf("CheckSchema: %v", err)
	}
}

func checkErrorContains(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}
