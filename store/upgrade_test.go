package store_test

import (
	"slices"
	"testing"

	"tenx/store"
	"tenx/store/storetest"
)

// releasedVersions are the migrations that landed releases have applied to
// somebody's database. goose refuses to apply a version below the current
// one, so a migration added later must be numbered above all of them, or
// every upgraded instance would stop at start-up. Append the versions of
// each release when it lands.
var releasedVersions = []int64{1, 2, 3, 4, 10, 30, 31, 40, 41, 60, 61}

// TestNewMigrationsComeAfterReleasedOnes checks the numbering on both
// databases, then upgrades a database holding exactly the released
// migrations to the current schema.
func TestNewMigrationsComeAfterReleasedOnes(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, err := store.Open(t.Context(), url, newClock().Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		versions, err := db.MigrationVersions(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		released := slices.Max(releasedVersions)
		for _, v := range versions {
			if !slices.Contains(releasedVersions, v) && v < released {
				t.Errorf("migration %05d is new but numbered below the released %05d: renumber it above", v, released)
			}
		}
		for _, v := range releasedVersions {
			if !slices.Contains(versions, v) {
				t.Errorf("released migration %05d is gone", v)
			}
		}
		if err := db.MigrateTo(t.Context(), released); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("upgrade from version %d: %v", released, err)
		}
		if err := db.CheckSchema(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
}
