package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// InTx and Translate expose the transaction helper and the error
// translation to the external tests.
func (db *DB) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error { return fn(tx) })
}

// Translate is translate.
var Translate = translate

// TxAttempts is how many times InTx runs a transaction at most.
const TxAttempts = txAttempts

// CreateAuditEvent stores e as it is given, setting its ID and CreatedAt.
// Only tests have it: in production every audit event is written by the
// write it records.
func (db *DB) CreateAuditEvent(ctx context.Context, e *tenx.AuditEvent) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		return insertAudit(ctx, tx, e, now)
	})
	return translate(err, "create audit event", "audit event")
}

// EmitInTx emits an event of handle in a transaction and then returns
// fail from it (nil commits), as a change that fails after its event.
func (db *DB) EmitInTx(ctx context.Context, handle, typ string, fail error) error {
	return db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := db.emit(ctx, tx, now, handle, typ, map[string]string{}); err != nil {
			return err
		}
		return fail
	})
}

// CountRows counts the rows of a table (events, river_job, ...).
func (db *DB) CountRows(ctx context.Context, table string) (n int, err error) {
	err = get(ctx, db.db, &n, `SELECT count(*) FROM `+table)
	return n, err
}
