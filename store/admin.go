package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
	"tenx/invalidate"
)

// accountRow is a user joined to their plan and whether they are disabled.
type accountRow struct {
	userRow
	Plan       string        `db:"plan"`
	DisabledAt sql.NullInt64 `db:"disabled_at"`
}

func (r accountRow) toAccount() *tenx.Account {
	return &tenx.Account{User: *r.toUser(), Plan: tenx.Plan(r.Plan), DisabledAt: fromNullMillis(r.DisabledAt)}
}

const accountSelect = `SELECT u.id, u.email, u.password_hash, u.is_admin, u.created_at,
	COALESCE(p.plan, 'FREE') AS plan, d.disabled_at
	FROM users u LEFT JOIN user_plans p ON p.user_id = u.id LEFT JOIN disabled_users d ON d.user_id = u.id`

// FindAccounts lists users in id order; f.Q matches their email
// case-insensitively and literally.
func (db *DB) FindAccounts(ctx context.Context, f tenx.AccountFilter) ([]*tenx.Account, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := "u.id > ?", []any{after}
	if f.Q != "" {
		where, args = where+` AND LOWER(u.email) LIKE LOWER(?) ESCAPE '!'`, append(args, containsPattern(f.Q))
	}
	var rows []accountRow
	err = query(ctx, db.db, &rows, accountSelect+` WHERE `+where+` ORDER BY u.id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find accounts", "user")
	}
	rows, next := trimPage(rows, limit, func(r accountRow) string { return encodePageToken(r.ID) })
	out := make([]*tenx.Account, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toAccount())
	}
	return out, next, nil
}

// FindAccount returns one user with their plan; ENOTFOUND if unknown.
func (db *DB) FindAccount(ctx context.Context, userID string) (*tenx.Account, error) {
	var row accountRow
	if err := get(ctx, db.db, &row, accountSelect+` WHERE u.id = ?`, userID); err != nil {
		return nil, translate(err, "find account", "user")
	}
	return row.toAccount(), nil
}

// handleStatusRow is a handle joined to its owner's email and suspension.
type handleStatusRow struct {
	handleRow
	OwnerEmail  string        `db:"owner_email"`
	SuspendedAt sql.NullInt64 `db:"suspended_at"`
}

const handleStatusSelect = `SELECT h.name, h.display_name, h.owner_id, h.created_at, h.updated_at,
	u.email AS owner_email, s.suspended_at
	FROM handles h JOIN users u ON u.id = h.owner_id LEFT JOIN suspended_handles s ON s.handle = h.name`

func (r handleStatusRow) toHandleStatus() *tenx.HandleStatus {
	return &tenx.HandleStatus{Handle: *r.toHandle(), OwnerEmail: r.OwnerEmail, SuspendedAt: fromNullMillis(r.SuspendedAt)}
}

// FindHandleStatuses lists handles by name; f.Q matches name and display
// name case-insensitively and literally.
func (db *DB) FindHandleStatuses(ctx context.Context, f tenx.HandleStatusFilter) ([]*tenx.HandleStatus, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := "h.name > ?", []any{after}
	if f.Q != "" {
		p := containsPattern(f.Q)
		where += ` AND (LOWER(h.name) LIKE LOWER(?) ESCAPE '!' OR LOWER(h.display_name) LIKE LOWER(?) ESCAPE '!')`
		args = append(args, p, p)
	}
	var rows []handleStatusRow
	err = query(ctx, db.db, &rows, handleStatusSelect+` WHERE `+where+` ORDER BY h.name LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find handles", "handle")
	}
	rows, next := trimPage(rows, limit, func(r handleStatusRow) string { return encodePageToken(r.Name) })
	out := make([]*tenx.HandleStatus, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toHandleStatus())
	}
	return out, next, nil
}

// FindHandleStatus returns one handle; ENOTFOUND if unknown.
func (db *DB) FindHandleStatus(ctx context.Context, name string) (*tenx.HandleStatus, error) {
	var row handleStatusRow
	if err := get(ctx, db.db, &row, handleStatusSelect+` WHERE h.name = ?`, name); err != nil {
		return nil, translate(err, "find handle", "handle")
	}
	return row.toHandleStatus(), nil
}

// adminRecord writes the audit row of an administrator's action: the
// actor is the caller in ctx, or CLIActor when there is none.
func adminRecord(ctx context.Context, tx *sqlx.Tx, now time.Time, e tenx.AuditEvent) error {
	if tenx.PrincipalFromContext(ctx) == nil {
		e.ActorUserID = tenx.CLIActor
	}
	return record(ctx, tx, now, e)
}

// DisableUser disables the user and revokes their open sessions,
// returning their ids; ENOTFOUND for an unknown user. Disabling a
// disabled user changes nothing and writes no audit row.
func (db *DB) DisableUser(ctx context.Context, userID string) ([]string, error) {
	var ids []string
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := mustUser(ctx, tx, userID); err != nil {
			return err
		}
		n, err := exec(ctx, tx, `INSERT INTO disabled_users (user_id, disabled_at) VALUES (?, ?)
			ON CONFLICT (user_id) DO NOTHING`, userID, toMillis(now))
		if err != nil || n == 0 {
			return err
		}
		if err := query(ctx, tx, &ids, `UPDATE sessions SET revoked_at = ?
			WHERE user_id = ? AND revoked_at IS NULL RETURNING id`, toMillis(now), userID); err != nil {
			return err
		}
		// Every instance drops the ended sessions' cached access tokens.
		ended := make([]invalidate.Event, 0, len(ids))
		for _, id := range ids {
			ended = append(ended, sessionEvent(id))
		}
		if err := db.note(ctx, tx, ended...); err != nil {
			return err
		}
		return adminRecord(ctx, tx, now, tenx.AuditEvent{Action: tenx.AuditUserDisabled, TargetID: userID})
	})
	if err != nil {
		return nil, translate(err, "disable user", "user")
	}
	return ids, nil
}

// EnableUser enables a disabled user; ENOTFOUND for an unknown user.
func (db *DB) EnableUser(ctx context.Context, userID string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := mustUser(ctx, tx, userID); err != nil {
			return err
		}
		n, err := exec(ctx, tx, `DELETE FROM disabled_users WHERE user_id = ?`, userID)
		if err != nil || n == 0 {
			return err
		}
		return adminRecord(ctx, tx, now, tenx.AuditEvent{Action: tenx.AuditUserEnabled, TargetID: userID})
	})
	return translate(err, "enable user", "user")
}

func mustUser(ctx context.Context, tx *sqlx.Tx, userID string) error {
	var id string
	return get(ctx, tx, &id, `SELECT id FROM users WHERE id = ?`, userID)
}

// SetHandleSuspended suspends or reinstates the handle; ENOTFOUND for an
// unknown handle. Asking for the state it is in changes nothing.
func (db *DB) SetHandleSuspended(ctx context.Context, name string, suspended bool) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := findHandle(ctx, tx, name); err != nil {
			return err
		}
		q, args, action := `DELETE FROM suspended_handles WHERE handle = ?`, []any{name}, tenx.AuditHandleReinstated
		if suspended {
			q = `INSERT INTO suspended_handles (handle, suspended_at) VALUES (?, ?) ON CONFLICT (handle) DO NOTHING`
			args, action = []any{name, toMillis(now)}, tenx.AuditHandleSuspended
		}
		n, err := exec(ctx, tx, q, args...)
		if err != nil || n == 0 {
			return err
		}
		return adminRecord(ctx, tx, now, tenx.AuditEvent{Handle: name, Action: action, TargetID: name})
	})
	return translate(err, "suspend handle", "handle")
}

// FindAdminActions lists the administrators' actions (by a platform
// administrator or the CLI), newest first.
func (db *DB) FindAdminActions(ctx context.Context, f tenx.AuditFilter) ([]*tenx.AuditEvent, string, error) {
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cond, condArgs := timeCursorClause(after)
	args := []any{tenx.CLIActor}
	for _, a := range tenx.AdminActions {
		args = append(args, a)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(tenx.AdminActions)), ", ")
	var rows []auditRow
	err = query(ctx, db.db, &rows, `SELECT `+auditColumns+` FROM audit_events
		WHERE (actor_user_id = ? OR actor_user_id IN (SELECT id FROM users WHERE is_admin))
		AND action IN (`+marks+`)`+cond+` ORDER BY created_at DESC, id DESC LIMIT ?`,
		append(append(args, condArgs...), limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find admin actions", "audit event")
	}
	rows, next := trimPage(rows, limit, func(r auditRow) string { return encodeTimeCursor(r.CreatedAt, r.ID) })
	out := make([]*tenx.AuditEvent, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toAuditEvent())
	}
	return out, next, nil
}

// UserDisabled reports whether the user is disabled.
func (db *DB) UserDisabled(ctx context.Context, userID string) (bool, error) {
	var n int
	err := get(ctx, db.db, &n, `SELECT COUNT(*) FROM disabled_users WHERE user_id = ?`, userID)
	return n > 0, translate(err, "read user standing", "user")
}

// HandleSuspended reports whether the handle is suspended.
func (db *DB) HandleSuspended(ctx context.Context, name string) (bool, error) {
	var n int
	err := get(ctx, db.db, &n, `SELECT COUNT(*) FROM suspended_handles WHERE handle = ?`, name)
	return n > 0, translate(err, "read handle standing", "handle")
}
