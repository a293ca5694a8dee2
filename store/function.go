package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var _ tenx.FunctionBindingService = (*DB)(nil)

// bindingRow is a row of function_bindings.
type bindingRow struct {
	Handle        string `db:"handle"`
	Key           string `db:"key"`
	Description   string `db:"description"`
	TargetURL     string `db:"target_url"`
	RequiredScope string `db:"required_scope"`
	CreatedAt     int64  `db:"created_at"`
	UpdatedAt     int64  `db:"updated_at"`
}

const bindingColumns = `handle, key, description, target_url, required_scope, created_at, updated_at`

func (r bindingRow) toBinding() *tenx.FunctionBinding {
	return &tenx.FunctionBinding{Handle: r.Handle, Key: r.Key, Description: r.Description, TargetURL: r.TargetURL,
		RequiredScope: r.RequiredScope, CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt)}
}

// FindFunctionBindings lists f.Handle's bindings by key.
func (db *DB) FindFunctionBindings(ctx context.Context, f tenx.FunctionBindingFilter) ([]*tenx.FunctionBinding, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var rows []bindingRow
	err = query(ctx, db.db, &rows, `SELECT `+bindingColumns+` FROM function_bindings
		WHERE handle = ? AND key > ? ORDER BY key LIMIT ?`, f.Handle, after, limit+1)
	if err != nil {
		return nil, "", translate(err, "find function bindings", "function binding")
	}
	rows, next := trimPage(rows, limit, func(r bindingRow) string { return encodePageToken(r.Key) })
	out := make([]*tenx.FunctionBinding, len(rows))
	for i, r := range rows {
		out[i] = r.toBinding()
	}
	return out, next, nil
}

// CreateFunctionBinding stores a new binding with its audit row.
func (db *DB) CreateFunctionBinding(ctx context.Context, b *tenx.FunctionBinding) error {
	row := bindingRow{Handle: b.Handle, Key: b.Key, Description: b.Description, TargetURL: b.TargetURL, RequiredScope: b.RequiredScope}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt, row.UpdatedAt = toMillis(now), toMillis(now)
		if err := checkRoom(ctx, tx, "function_bindings", row.Handle, tenx.MaxFunctionBindings, "function bindings"); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `INSERT INTO function_bindings (`+bindingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			row.Handle, row.Key, row.Description, row.TargetURL, row.RequiredScope, row.CreatedAt, row.UpdatedAt); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: row.Handle, Action: "function_binding.created", TargetID: row.Key})
	})
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	if isUniqueViolation(err) {
		return tenx.Errorf(tenx.ECONFLICT, "function binding %q already exists", b.Key)
	}
	if err != nil {
		return translate(err, "create function binding", "function binding")
	}
	*b = *row.toBinding()
	return nil
}

// UpdateFunctionBinding replaces the binding's description, target and scope.
func (db *DB) UpdateFunctionBinding(ctx context.Context, b *tenx.FunctionBinding) error {
	row := bindingRow{Handle: b.Handle, Key: b.Key, Description: b.Description, TargetURL: b.TargetURL, RequiredScope: b.RequiredScope}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.UpdatedAt = toMillis(now)
		err := get(ctx, tx, &row.CreatedAt, `UPDATE function_bindings SET description = ?, target_url = ?, required_scope = ?,
			updated_at = ? WHERE handle = ? AND key = ? RETURNING created_at`,
			row.Description, row.TargetURL, row.RequiredScope, row.UpdatedAt, row.Handle, row.Key)
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: row.Handle, Action: "function_binding.updated", TargetID: row.Key})
	})
	if err != nil {
		return translate(err, "update function binding", "function binding")
	}
	*b = *row.toBinding()
	return nil
}

// DeleteFunctionBinding removes a binding.
func (db *DB) DeleteFunctionBinding(ctx context.Context, handle, key string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `DELETE FROM function_bindings WHERE handle = ? AND key = ?`, handle, key)
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: "function_binding.deleted", TargetID: key})
	})
	return translate(err, "delete function binding", "function binding")
}
