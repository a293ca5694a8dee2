package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// CreateAuditEvent stores e as it is given, setting its ID and CreatedAt.
// Only tests have it: in production every audit event is written by the
// write it records.
func (db *DB) CreateAuditEvent(ctx context.Context, e *tenx.AuditEvent) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		return insertAudit(ctx, tx, e, now)
	})
	return translate(err, "create audit event", "audit event")
}
