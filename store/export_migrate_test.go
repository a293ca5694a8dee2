package store

import (
	"context"
	"fmt"
)

// MigrateTo applies the migrations up to and including version only, so a
// test can write rows as an older tenx did and then migrate past them.
func (db *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := db.provider(ctx)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}

// MigrationVersions lists the versions of every migration this tenx knows,
// SQL files and Go migrations alike, in order.
func (db *DB) MigrationVersions(ctx context.Context) ([]int64, error) {
	p, err := db.provider(ctx)
	if err != nil {
		return nil, err
	}
	var versions []int64
	for _, s := range p.ListSources() {
		versions = append(versions, s.Version)
	}
	return versions, nil
}
