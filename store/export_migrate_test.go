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
