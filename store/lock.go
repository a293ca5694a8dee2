package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// Every transaction that changes who holds which role on a handle, or the
// handle itself, first locks the handle's row, then checks that the acting
// user still holds the role it needs. The server checked that role when the
// request began, but a concurrent transfer or replacement may have changed
// it since: without the lock two transfers from one owner both succeeded,
// the second taking the handle from the first's new owner, and concurrent
// replacements of one collaborator list deadlocked on Postgres. SQLite
// needs no row lock: its transactions begin IMMEDIATE, one writer at a time.

// lockHandleAs locks the handle's row for the rest of tx and returns it;
// ENOTFOUND for an unknown name, EINSUFFICIENTROLE when the acting user
// (the Principal in ctx) no longer has min on it. Any other error is
// returned as the driver gave it, so that inTx can retry a deadlock.
func (db *DB) lockHandleAs(ctx context.Context, tx *sqlx.Tx, name string, min tenx.Role) (handleRow, error) {
	q := `SELECT ` + handleColumns + ` FROM handles WHERE name = ?`
	if db.dialect == DialectPostgres {
		q += ` FOR UPDATE`
	}
	var row handleRow
	if err := get(ctx, tx, &row, q, name); err != nil {
		return row, notFound(err, "handle")
	}
	return row, checkActingRole(ctx, tx, name, min)
}

// checkActingRole returns EINSUFFICIENTROLE unless the acting user has at
// least min on the handle. A context with no Principal is a caller acting
// for the system (the command line, a store test), which needs no role.
func checkActingRole(ctx context.Context, tx *sqlx.Tx, handle string, min tenx.Role) error {
	p := tenx.PrincipalFromContext(ctx)
	if p == nil {
		return nil
	}
	var role string
	err := get(ctx, tx, &role, `SELECT role FROM handle_members WHERE handle = ? AND user_id = ?`,
		handle, p.UserID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if !tenx.Role(role).AtLeast(min) {
		return tenx.Errorf(tenx.EINSUFFICIENTROLE,
			"your role on %s changed while this request ran: it needs %s", handle, min)
	}
	return nil
}

// notFound turns sql.ErrNoRows into ENOTFOUND for what and passes any
// other error through untranslated.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return tenx.Errorf(tenx.ENOTFOUND, "%s not found", what)
	}
	return err
}

// checkRoom is ECONFLICT when the handle already has max rows in table
// (a constant of the caller, never input); what names them in the message.
func checkRoom(ctx context.Context, tx *sqlx.Tx, table, handle string, max int, what string) error {
	var n int
	if err := get(ctx, tx, &n, `SELECT COUNT(*) FROM `+table+` WHERE handle = ?`, handle); err != nil {
		return err
	}
	if n >= max {
		return tenx.Errorf(tenx.ECONFLICT, "a handle has at most %d %s", max, what)
	}
	return nil
}
