package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// fileRow is a row of files.
type fileRow struct {
	ID              string        `db:"id"`
	Handle          string        `db:"handle"`
	FileName        string        `db:"file_name"`
	ContentType     string        `db:"content_type"`
	SizeBytes       int64         `db:"size_bytes"`
	Status          string        `db:"status"`
	UploadID        string        `db:"upload_id"`
	UploadExpiresAt int64         `db:"upload_expires_at"`
	ExpiresAt       sql.NullInt64 `db:"expires_at"`
	CreatedAt       int64         `db:"created_at"`
	UploadedAt      sql.NullInt64 `db:"uploaded_at"`
}

const fileColumns = `id, handle, file_name, content_type, size_bytes, status, upload_id, upload_expires_at,
	expires_at, created_at, uploaded_at`

func (r fileRow) toFile() *tenx.File {
	return &tenx.File{ID: r.ID, Handle: r.Handle, FileName: r.FileName, ContentType: r.ContentType,
		SizeBytes: r.SizeBytes, Status: r.Status, UploadID: r.UploadID, UploadExpiresAt: fromMillis(r.UploadExpiresAt),
		ExpiresAt: fromNullMillis(r.ExpiresAt), CreatedAt: fromMillis(r.CreatedAt), UploadedAt: fromNullMillis(r.UploadedAt)}
}

// FindFiles lists the handle's files, newest first.
func (db *DB) FindFiles(ctx context.Context, f tenx.FileFilter) ([]*tenx.File, string, error) {
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cond, condArgs := timeCursorClause(after)
	var rows []fileRow
	err = query(ctx, db.db, &rows, `SELECT `+fileColumns+` FROM files
		WHERE handle = ? AND status <> 'DELETED'`+cond+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(append([]any{f.Handle}, condArgs...), limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find files", "file")
	}
	rows, next := trimPage(rows, limit, func(r fileRow) string { return encodeTimeCursor(r.CreatedAt, r.ID) })
	files := make([]*tenx.File, 0, len(rows))
	for _, r := range rows {
		files = append(files, r.toFile())
	}
	return files, next, nil
}

// FindFile returns ENOTFOUND for an unknown or deleted file.
func (db *DB) FindFile(ctx context.Context, handle, id string) (*tenx.File, error) {
	var row fileRow
	err := get(ctx, db.db, &row, `SELECT `+fileColumns+` FROM files WHERE handle = ? AND id = ? AND status <> 'DELETED'`,
		handle, id)
	if err != nil {
		return nil, translate(err, "find file", "file")
	}
	return row.toFile(), nil
}

// FindFileByID finds a file of any handle; ENOTFOUND if unknown or deleted.
func (db *DB) FindFileByID(ctx context.Context, id string) (*tenx.File, error) {
	var row fileRow
	err := get(ctx, db.db, &row, `SELECT `+fileColumns+` FROM files WHERE id = ? AND status <> 'DELETED'`, id)
	if err != nil {
		return nil, translate(err, "find file", "file")
	}
	return row.toFile(), nil
}

// CreateFile stores a pending file and the upload that fills it. The
// acting user must still be CREATOR+ (see lockHandleAs), which also
// serialises the quota check with the handle's other writes.
func (db *DB) CreateFile(ctx context.Context, f *tenx.File, quota int64) error {
	row := fileRow{ID: newID("fil_"), Handle: f.Handle, FileName: f.FileName, ContentType: f.ContentType,
		SizeBytes: f.SizeBytes, Status: tenx.FilePending, UploadID: newID("upl_"), ExpiresAt: toNullMillis(f.ExpiresAt)}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := db.lockHandleAs(ctx, tx, f.Handle, tenx.RoleCreator); err != nil {
			return err
		}
		if err := checkQuota(ctx, tx, f.Handle, f.SizeBytes, quota); err != nil {
			return err
		}
		row.CreatedAt, row.UploadExpiresAt = toMillis(now), toMillis(now.Add(tenx.UploadTTL))
		if _, err := exec(ctx, tx, `INSERT INTO files (`+fileColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.ID, row.Handle, row.FileName, row.ContentType, row.SizeBytes, row.Status, row.UploadID,
			row.UploadExpiresAt, row.ExpiresAt, row.CreatedAt, row.UploadedAt); err != nil {
			return err
		}
		u := &tenx.Upload{ID: row.UploadID, Handle: f.Handle, SizeBytes: f.SizeBytes, ContentType: f.ContentType,
			FileID: row.ID, ExpiresAt: fromMillis(row.UploadExpiresAt)}
		u.ObjectKey = row.toFile().ObjectKey()
		if err := insertUpload(ctx, tx, u); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: f.Handle, Action: tenx.AuditFileCreated, TargetID: row.ID})
	})
	if err != nil {
		return translate(err, "create file", "file")
	}
	*f = *row.toFile()
	return nil
}

// checkQuota refuses adding bytes when the handle's stored bytes (live
// files and retained deployments) would pass quota; quota <= 0 is none.
func checkQuota(ctx context.Context, tx *sqlx.Tx, handle string, adding, quota int64) error {
	if quota <= 0 {
		return nil
	}
	var used int64
	err := get(ctx, tx, &used, `SELECT
		COALESCE((SELECT SUM(size_bytes) FROM files WHERE handle = ? AND status IN ('PENDING', 'READY')), 0) +
		COALESCE((SELECT SUM(total_bytes) FROM site_deployments WHERE handle = ?), 0)`, handle, handle)
	if err != nil {
		return err
	}
	if used+adding > quota {
		return tenx.Errorf(tenx.EQUOTAEXCEEDED, "this would store %d bytes; the handle's quota is %d and %d are used",
			adding, quota, used)
	}
	return nil
}

// MarkFileReady makes a pending file READY and uses its upload up.
func (db *DB) MarkFileReady(ctx context.Context, handle, id string) (*tenx.File, error) {
	var row fileRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := get(ctx, tx, &row, `SELECT `+fileColumns+` FROM files WHERE handle = ? AND id = ? AND status <> 'DELETED'`,
			handle, id); err != nil {
			return err
		}
		if row.Status != tenx.FilePending {
			return nil
		}
		if _, err := exec(ctx, tx, `UPDATE uploads SET done_at = ? WHERE id = ? AND done_at IS NULL`,
			toMillis(now), row.UploadID); err != nil {
			return err
		}
		return db.readyFile(ctx, tx, &row, now)
	})
	if err != nil {
		return nil, translate(err, "mark file ready", "file")
	}
	return row.toFile(), nil
}

// readyFile moves a pending file to READY and records file.uploaded.
func (db *DB) readyFile(ctx context.Context, tx *sqlx.Tx, row *fileRow, now time.Time) error {
	n, err := exec(ctx, tx, `UPDATE files SET status = 'READY', uploaded_at = ? WHERE id = ? AND status = 'PENDING'`,
		toMillis(now), row.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return tenx.Errorf(tenx.ENOTFOUND, "file not found")
	}
	row.Status, row.UploadedAt = tenx.FileReady, sql.NullInt64{Int64: toMillis(now), Valid: true}
	if err := db.emit(ctx, tx, now, row.Handle, tenx.EventFileUploaded, map[string]string{"fileId": row.ID}); err != nil {
		return err
	}
	return record(ctx, tx, now, tenx.AuditEvent{Handle: row.Handle, Action: tenx.AuditFileUploaded, TargetID: row.ID})
}

// DeleteFile hides the file and closes its upload; it returns the object
// key to remove.
func (db *DB) DeleteFile(ctx context.Context, handle, id string) (string, error) {
	var key string
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var row fileRow
		if err := get(ctx, tx, &row, `UPDATE files SET status = 'DELETED' WHERE handle = ? AND id = ? AND status <> 'DELETED'
			RETURNING `+fileColumns, handle, id); err != nil {
			return err
		}
		key = row.toFile().ObjectKey()
		if _, err := exec(ctx, tx, `UPDATE uploads SET done_at = ? WHERE file_id = ? AND done_at IS NULL`,
			toMillis(now), id); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: tenx.AuditFileDeleted, TargetID: id})
	})
	if err != nil {
		return "", translate(err, "delete file", "file")
	}
	return key, nil
}

// RemoveFile drops the rows of a file whose object is gone.
func (db *DB) RemoveFile(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		if _, err := exec(ctx, tx, `DELETE FROM uploads WHERE file_id = ?`, id); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `DELETE FROM files WHERE id = ?`, id)
		return err
	})
	return translate(err, "remove file", "file")
}

// URLSigningKey returns the URL signing secret, making it on first use; two
// instances racing to make it agree on the one stored.
func (db *DB) URLSigningKey(ctx context.Context) ([]byte, error) {
	var secret []byte
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		err := get(ctx, tx, &secret, `SELECT secret FROM url_signing_keys WHERE id = 1`)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
		if _, err := exec(ctx, tx, `INSERT INTO url_signing_keys (id, secret, created_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO NOTHING`, secret, toMillis(now)); err != nil {
			return err
		}
		return get(ctx, tx, &secret, `SELECT secret FROM url_signing_keys WHERE id = 1`)
	})
	if err != nil {
		return nil, translate(err, "url signing key", "url signing key")
	}
	return secret, nil
}
