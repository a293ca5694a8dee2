package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// handleRow is a row of handles.
type handleRow struct {
	ID          string `db:"id"`
	Name        string `db:"name"`
	DisplayName string `db:"display_name"`
	OwnerID     string `db:"owner_id"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
}

func (r handleRow) toHandle() *tenx.Handle {
	return &tenx.Handle{
		ID:          r.ID,
		Name:        r.Name,
		DisplayName: r.DisplayName,
		OwnerID:     r.OwnerID,
		CreatedAt:   fromMillis(r.CreatedAt),
		UpdatedAt:   fromMillis(r.UpdatedAt),
	}
}

// handleAccessRow is a handle joined to one member's role.
type handleAccessRow struct {
	handleRow
	Role string `db:"role"`
}

// memberRow is a row of handle_members without its handle.
type memberRow struct {
	UserID string `db:"user_id"`
	Role   string `db:"role"`
}

const handleColumns = `id, name, display_name, owner_id, created_at, updated_at`

// CreateHandle inserts h, setting its new ID, CreatedAt and UpdatedAt, and
// makes h.OwnerID its OWNER; a taken name is ECONFLICT.
func (db *DB) CreateHandle(ctx context.Context, h *tenx.Handle) error {
	row := handleRow{ID: newID("hdl_"), Name: h.Name, DisplayName: h.DisplayName, OwnerID: h.OwnerID}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt, row.UpdatedAt = toMillis(now), toMillis(now)
		_, err := exec(ctx, tx, `INSERT INTO handles (`+handleColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			row.ID, row.Name, row.DisplayName, row.OwnerID, row.CreatedAt, row.UpdatedAt)
		if err != nil {
			return err
		}
		if err := insertMember(ctx, tx, row.Name, row.OwnerID, tenx.RoleOwner, now); err != nil {
			return err
		}
		return db.note(ctx, tx, handleEvent(row.Name)) // forget what a handle of this name left
	})
	if err != nil {
		return translate(err, "create handle", "handle")
	}
	*h = *row.toHandle()
	return nil
}

func insertMember(ctx context.Context, tx *sqlx.Tx, handle, userID string, role tenx.Role, now time.Time) error {
	_, err := exec(ctx, tx, `INSERT INTO handle_members (handle, user_id, role, created_at) VALUES (?, ?, ?, ?)`,
		handle, userID, string(role), toMillis(now))
	return err
}

// FindHandle returns ENOTFOUND for an unknown name.
func (db *DB) FindHandle(ctx context.Context, name string) (*tenx.Handle, error) {
	row, err := findHandle(ctx, db.db, name)
	if err != nil {
		return nil, translate(err, "find handle", "handle")
	}
	return row.toHandle(), nil
}

func findHandle(ctx context.Context, q sqlx.ExtContext, name string) (handleRow, error) {
	var row handleRow
	err := get(ctx, q, &row, `SELECT `+handleColumns+` FROM handles WHERE name = ?`, name)
	return row, err
}

// FindHandlesForUser lists every handle the user has a role on, by name.
func (db *DB) FindHandlesForUser(ctx context.Context, userID string) ([]tenx.HandleAccess, error) {
	var rows []handleAccessRow
	err := query(ctx, db.db, &rows, `
		SELECT h.id, h.name, h.display_name, h.owner_id, h.created_at, h.updated_at, m.role
		FROM handle_members m JOIN handles h ON h.name = m.handle
		WHERE m.user_id = ?
		ORDER BY h.name`, userID)
	if err != nil {
		return nil, translate(err, "find handles for user", "handle")
	}
	list := make([]tenx.HandleAccess, 0, len(rows))
	for _, r := range rows {
		list = append(list, tenx.HandleAccess{Handle: *r.toHandle(), Role: tenx.Role(r.Role)})
	}
	return list, nil
}

// UpdateHandle applies upd and returns the new handle; ENOTFOUND for an
// unknown name. UpdatedAt moves only when something changes. Like every
// write to a handle's settings or roles, it needs the acting user to still
// be OWNER (see lockHandleAs): EINSUFFICIENTROLE otherwise.
func (db *DB) UpdateHandle(ctx context.Context, name string, upd tenx.HandleUpdate) (*tenx.Handle, error) {
	if upd.DisplayName == nil {
		return db.FindHandle(ctx, name)
	}
	var row handleRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := db.lockHandleAs(ctx, tx, name, tenx.RoleOwner); err != nil {
			return err
		}
		return get(ctx, tx, &row, `
			UPDATE handles SET display_name = ?, updated_at = ? WHERE name = ?
			RETURNING `+handleColumns, *upd.DisplayName, toMillis(now), name)
	})
	if err != nil {
		return nil, translate(err, "update handle", "handle")
	}
	return row.toHandle(), nil
}

// DeleteHandle removes the handle with its memberships, tokens and links
// (by foreign key cascade); ENOTFOUND if missing. Its audit events stay,
// keyed by its ID, so a new handle of the same name never lists them.
// The acting user must still be OWNER (see lockHandleAs).
func (db *DB) DeleteHandle(ctx context.Context, name string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		if _, err := db.lockHandleAs(ctx, tx, name, tenx.RoleOwner); err != nil {
			return err
		}
		n, err := exec(ctx, tx, `DELETE FROM handles WHERE name = ?`, name)
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		return db.note(ctx, tx, handleEvent(name))
	})
	return translate(err, "delete handle", "handle")
}

// FindRole returns the user's role on the handle, ENOTFOUND if none.
func (db *DB) FindRole(ctx context.Context, handle, userID string) (tenx.Role, error) {
	var role string
	err := get(ctx, db.db, &role, `SELECT role FROM handle_members WHERE handle = ? AND user_id = ?`,
		handle, userID)
	if err != nil {
		return "", translate(err, "find role", "role")
	}
	return tenx.Role(role), nil
}

// FindCollaborators returns the owner and the non-owner members by user
// id, in one read of the handle's members; ENOTFOUND for an unknown handle
// (every handle has its owner among its members).
func (db *DB) FindCollaborators(ctx context.Context, handle string) (string, []tenx.Collaborator, error) {
	var rows []memberRow
	err := query(ctx, db.db, &rows, `
		SELECT user_id, role FROM handle_members WHERE handle = ? ORDER BY user_id`, handle)
	if err == nil && len(rows) == 0 {
		err = sql.ErrNoRows
	}
	if err != nil {
		return "", nil, translate(err, "find collaborators", "handle")
	}
	owner, list := "", make([]tenx.Collaborator, 0, len(rows)-1)
	for _, r := range rows {
		if r.Role == string(tenx.RoleOwner) {
			owner = r.UserID
			continue
		}
		list = append(list, tenx.Collaborator{UserID: r.UserID, Role: tenx.Role(r.Role)})
	}
	return owner, list, nil
}

// ReplaceCollaborators replaces the non-owner members of a handle in one
// transaction. The list is checked with tenx.ValidateCollaborators; a user
// id that does not exist is EINVALIDCOLLABORATORS; an unknown handle is
// ENOTFOUND. In the same transaction it revokes every active PAT of the
// handle whose creator is no longer OWNER or OPERATOR, and returns their
// ids in order, and records collaborators.replaced. The acting user must
// still be OWNER (see lockHandleAs).
func (db *DB) ReplaceCollaborators(ctx context.Context, handle string, list []tenx.Collaborator) ([]string, error) {
	var revoked []string
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		h, err := db.lockHandleAs(ctx, tx, handle, tenx.RoleOwner)
		if err != nil {
			return err
		}
		if err := tenx.ValidateCollaborators(h.OwnerID, list); err != nil {
			return err
		}
		if err := checkUsersExist(ctx, tx, list); err != nil {
			return err
		}
		if err := replaceMembers(ctx, tx, handle, list, now); err != nil {
			return err
		}
		if revoked, err = revokeOrphanedTokens(ctx, tx, handle, now); err != nil {
			return err
		}
		if err := db.note(ctx, tx, append(tokenEvents(revoked), roleEvent(handle))...); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: tenx.AuditCollaboratorsReplaced})
	})
	if err != nil {
		return nil, translate(err, "replace collaborators", "collaborator")
	}
	return revoked, nil
}

func replaceMembers(ctx context.Context, tx *sqlx.Tx, handle string, list []tenx.Collaborator, now time.Time) error {
	if _, err := exec(ctx, tx, `DELETE FROM handle_members WHERE handle = ? AND role <> 'OWNER'`,
		handle); err != nil {
		return err
	}
	for _, c := range list {
		if err := insertMember(ctx, tx, handle, c.UserID, c.Role, now); err != nil {
			return err
		}
	}
	return nil
}

// revokeOrphanedTokens revokes the handle's active PATs whose creator may no
// longer manage PATs (offboarding a contractor, or demoting them below
// OPERATOR, must not leave their tokens working) and returns their ids in
// order.
func revokeOrphanedTokens(ctx context.Context, tx *sqlx.Tx, handle string, now time.Time) ([]string, error) {
	ids := []string{}
	err := query(ctx, tx, &ids, `
		UPDATE tokens SET revoked_at = ?
		WHERE handle = ? AND `+activeToken+` AND NOT EXISTS (
			SELECT 1 FROM handle_members m
			WHERE m.handle = tokens.handle AND m.user_id = tokens.created_by
			AND m.role IN ('OWNER', 'OPERATOR'))
		RETURNING id`, toMillis(now), handle, toMillis(now))
	slices.Sort(ids)
	return ids, err
}

// checkUsersExist returns EINVALIDCOLLABORATORS naming the first listed user
// that does not exist.
func checkUsersExist(ctx context.Context, tx *sqlx.Tx, list []tenx.Collaborator) error {
	ids := make([]string, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.UserID)
	}
	missing, err := firstMissing(ctx, tx, ids, `SELECT id FROM users WHERE id IN (?)`)
	if err != nil || missing == "" {
		return err
	}
	return tenx.Errorf(tenx.EINVALIDCOLLABORATORS, "user %s does not exist", missing)
}

// firstMissing runs stmt, whose last parameter is an "IN (?)" that takes
// ids, and returns the first of ids it does not answer ("" when it answers
// them all, or when ids is empty, without a query).
func firstMissing(ctx context.Context, tx *sqlx.Tx, ids []string, stmt string, args ...any) (string, error) {
	if len(ids) == 0 {
		return "", nil
	}
	stmt, args, err := sqlx.In(stmt, append(args, ids)...)
	if err != nil {
		return "", err
	}
	var found []string
	if err := query(ctx, tx, &found, stmt, args...); err != nil {
		return "", err
	}
	known := make(map[string]bool, len(found))
	for _, id := range found {
		known[id] = true
	}
	for _, id := range ids {
		if !known[id] {
			return id, nil
		}
	}
	return "", nil
}

// TransferOwnership makes newOwnerID the OWNER of the handle and the old
// owner an OPERATOR, and records ownership.transferred. An unknown handle or
// user is ENOTFOUND; transferring to the current owner changes nothing and
// records nothing. The acting user must still be OWNER (see lockHandleAs):
// of two concurrent transfers by one owner, the second is
// EINSUFFICIENTROLE.
func (db *DB) TransferOwnership(ctx context.Context, handle, newOwnerID string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		h, err := db.lockHandleAs(ctx, tx, handle, tenx.RoleOwner)
		if err != nil {
			return err
		}
		if h.OwnerID == newOwnerID {
			return nil
		}
		var id string
		if err := get(ctx, tx, &id, `SELECT id FROM users WHERE id = ?`, newOwnerID); err != nil {
			return notFound(err, "user")
		}
		if err := transfer(ctx, tx, handle, h.OwnerID, newOwnerID, now); err != nil {
			return err
		}
		if err := db.note(ctx, tx, roleEvent(handle)); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: tenx.AuditOwnershipTransferred, TargetID: newOwnerID})
	})
	return translate(err, "transfer ownership", "handle")
}

// transfer demotes the old owner before promoting the new one, because a
// handle may have only one OWNER at any moment.
func transfer(ctx context.Context, tx *sqlx.Tx, handle, oldOwnerID, newOwnerID string, now time.Time) error {
	if _, err := exec(ctx, tx, `UPDATE handle_members SET role = 'OPERATOR' WHERE handle = ? AND user_id = ?`,
		handle, oldOwnerID); err != nil {
		return err
	}
	if _, err := exec(ctx, tx, `
		INSERT INTO handle_members (handle, user_id, role, created_at) VALUES (?, ?, 'OWNER', ?)
		ON CONFLICT (handle, user_id) DO UPDATE SET role = 'OWNER'`,
		handle, newOwnerID, toMillis(now)); err != nil {
		return err
	}
	_, err := exec(ctx, tx, `UPDATE handles SET owner_id = ?, updated_at = ? WHERE name = ?`,
		newOwnerID, toMillis(now), handle)
	return err
}
