package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
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
