package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// signingKeyRow is a row of signing_keys.
type signingKeyRow struct {
	ID         string `db:"id"`
	PrivateKey []byte `db:"private_key"`
	CreatedAt  int64  `db:"created_at"`
}

func (r signingKeyRow) toSigningKey() *tenx.SigningKey {
	return &tenx.SigningKey{ID: r.ID, PrivateKey: r.PrivateKey, CreatedAt: fromMillis(r.CreatedAt)}
}

// FindSigningKeys lists keys, newest first.
func (db *DB) FindSigningKeys(ctx context.Context) ([]*tenx.SigningKey, error) {
	var rows []signingKeyRow
	err := query(ctx, db.db, &rows,
		`SELECT id, private_key, created_at FROM signing_keys ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, translate(err, "find signing keys", "signing key")
	}
	keys := make([]*tenx.SigningKey, 0, len(rows))
	for _, r := range rows {
		keys = append(keys, r.toSigningKey())
	}
	return keys, nil
}

// CreateSigningKey inserts k, setting its CreatedAt; a taken ID is ECONFLICT.
func (db *DB) CreateSigningKey(ctx context.Context, k *tenx.SigningKey) error {
	row := signingKeyRow{ID: k.ID, PrivateKey: k.PrivateKey}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt = toMillis(now)
		_, err := exec(ctx, tx, `INSERT INTO signing_keys (id, private_key, created_at) VALUES (?, ?, ?)`,
			row.ID, row.PrivateKey, row.CreatedAt)
		return err
	})
	if err != nil {
		return translate(err, "create signing key", "signing key")
	}
	*k = *row.toSigningKey()
	return nil
}
