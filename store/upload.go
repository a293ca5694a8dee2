package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// uploadRow is a row of uploads.
type uploadRow struct {
	ID           string         `db:"id"`
	Handle       string         `db:"handle"`
	ObjectKey    string         `db:"object_key"`
	SizeBytes    int64          `db:"size_bytes"`
	ContentType  string         `db:"content_type"`
	ExpiresAt    int64          `db:"expires_at"`
	FileID       sql.NullString `db:"file_id"`
	DeploymentID sql.NullString `db:"deployment_id"`
	Path         sql.NullString `db:"path"`
	ClaimedAt    sql.NullInt64  `db:"claimed_at"`
	DoneAt       sql.NullInt64  `db:"done_at"`
}

const uploadColumns = `id, handle, object_key, size_bytes, content_type, expires_at, file_id, deployment_id, path,
	claimed_at, done_at`

func (r uploadRow) toUpload() *tenx.Upload {
	return &tenx.Upload{ID: r.ID, Handle: r.Handle, ObjectKey: r.ObjectKey, SizeBytes: r.SizeBytes,
		ContentType: r.ContentType, ExpiresAt: fromMillis(r.ExpiresAt), FileID: r.FileID.String,
		DeploymentID: r.DeploymentID.String, Path: r.Path.String}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// insertUpload stores u inside the caller's transaction.
func insertUpload(ctx context.Context, tx *sqlx.Tx, u *tenx.Upload) error {
	_, err := exec(ctx, tx, `INSERT INTO uploads (`+uploadColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
		u.ID, u.Handle, u.ObjectKey, u.SizeBytes, u.ContentType, toMillis(u.ExpiresAt),
		nullString(u.FileID), nullString(u.DeploymentID), nullString(u.Path))
	return err
}

// FindUpload returns ENOTFOUND for an unknown upload.
func (db *DB) FindUpload(ctx context.Context, id string) (*tenx.Upload, error) {
	var row uploadRow
	if err := get(ctx, db.db, &row, `SELECT `+uploadColumns+` FROM uploads WHERE id = ?`, id); err != nil {
		return nil, translate(err, "find upload", "upload")
	}
	return row.toUpload(), nil
}

// ClaimUpload takes the upload for one PUT. A claim older than UploadTTL
// is from a PUT that cannot still be running (its URL expired meanwhile),
// such as one of an instance that crashed.
func (db *DB) ClaimUpload(ctx context.Context, id string) (*tenx.Upload, error) {
	var row uploadRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := get(ctx, tx, &row, `SELECT `+uploadColumns+` FROM uploads WHERE id = ?`, id); err != nil {
			return err
		}
		switch {
		case row.DoneAt.Valid:
			return tenx.Errorf(tenx.ECONFLICT, "this upload URL was already used")
		case !now.Before(fromMillis(row.ExpiresAt)):
			return tenx.Errorf(tenx.EGONE, "this upload URL expired")
		case row.ClaimedAt.Valid && now.Before(fromMillis(row.ClaimedAt.Int64).Add(tenx.UploadTTL)):
			return tenx.Errorf(tenx.ECONFLICT, "another upload to this URL is running")
		}
		_, err := exec(ctx, tx, `UPDATE uploads SET claimed_at = ? WHERE id = ?`, toMillis(now), id)
		return err
	})
	if err != nil {
		return nil, translate(err, "claim upload", "upload")
	}
	return row.toUpload(), nil
}

// ReleaseUpload gives a claimed upload back after a failed PUT.
func (db *DB) ReleaseUpload(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		_, err := exec(ctx, tx, `UPDATE uploads SET claimed_at = NULL WHERE id = ? AND done_at IS NULL`, id)
		return err
	})
	return translate(err, "release upload", "upload")
}

// CompleteUpload records the stored object: the upload is used up, and its
// file is READY or its deployment file uploaded. ENOTFOUND when the file
// or deployment was deleted meanwhile (the caller removes the object).
func (db *DB) CompleteUpload(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var row uploadRow
		if err := get(ctx, tx, &row, `UPDATE uploads SET done_at = ? WHERE id = ? AND done_at IS NULL
			RETURNING `+uploadColumns, toMillis(now), id); err != nil {
			return err
		}
		if row.FileID.Valid {
			return db.readyFile(ctx, tx, &fileRow{ID: row.FileID.String, Handle: row.Handle}, now)
		}
		n, err := exec(ctx, tx, `UPDATE site_deployment_files SET uploaded = ? WHERE deployment_id = ? AND path = ?`,
			true, row.DeploymentID.String, row.Path.String)
		if err == nil && n == 0 {
			return tenx.Errorf(tenx.ENOTFOUND, "deployment not found")
		}
		return err
	})
	return translate(err, "complete upload", "upload")
}
