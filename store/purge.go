package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var (
	_ tenx.FileService       = (*DB)(nil)
	_ tenx.DeploymentService = (*DB)(nil)
	_ tenx.PurgeService      = (*DB)(nil)
)

// FindPurgeableFiles lists files whose object should go: deleted ones,
// expired ones that still hold an object, and pending ones whose upload URL
// expired before pendingCutoff.
func (db *DB) FindPurgeableFiles(ctx context.Context, now, pendingCutoff time.Time, limit int) ([]*tenx.File, error) {
	var rows []fileRow
	err := query(ctx, db.db, &rows, `SELECT `+fileColumns+` FROM files
		WHERE status = 'DELETED'
		   OR (status IN ('PENDING', 'READY') AND expires_at IS NOT NULL AND expires_at <= ?)
		   OR (status = 'PENDING' AND upload_expires_at <= ?)
		ORDER BY created_at LIMIT ?`, toMillis(now), toMillis(pendingCutoff), limit)
	if err != nil {
		return nil, translate(err, "find purgeable files", "file")
	}
	files := make([]*tenx.File, 0, len(rows))
	for _, r := range rows {
		files = append(files, r.toFile())
	}
	return files, nil
}

// ExpireFile marks an expired file EXPIRED (its object is gone) and closes
// its upload.
func (db *DB) ExpireFile(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := exec(ctx, tx, `UPDATE uploads SET done_at = ? WHERE file_id = ? AND done_at IS NULL`,
			toMillis(now), id); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `UPDATE files SET status = 'EXPIRED' WHERE id = ? AND status IN ('PENDING', 'READY')`, id)
		return err
	})
	return translate(err, "expire file", "file")
}

// FindSurplusDeployments marks PURGING, and returns with their files, up to
// limit deployments beyond each handle's keep newest (never the ACTIVE one),
// and those marked before whose purge did not finish.
func (db *DB) FindSurplusDeployments(ctx context.Context, keep, limit int) ([]*tenx.Deployment, error) {
	var out []*tenx.Deployment
	err := db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		out = nil
		var ids []string
		if err := query(ctx, tx, &ids, `SELECT id FROM (
				SELECT id, status, ROW_NUMBER() OVER (PARTITION BY handle ORDER BY created_at DESC, id DESC) AS rn
				FROM site_deployments) ranked
			WHERE status = 'PURGING' OR (rn > ? AND status <> 'ACTIVE')
			ORDER BY id LIMIT ?`, keep, limit); err != nil {
			return err
		}
		for _, id := range ids {
			var row deploymentRow
			// Not one that became ACTIVE since the ranking was read.
			err := get(ctx, tx, &row, `UPDATE site_deployments SET status = 'PURGING' WHERE id = ? AND status <> 'ACTIVE'
				RETURNING `+deploymentColumns, id)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			files, err := deploymentFiles(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, row.toDeployment(files))
		}
		return nil
	})
	if err != nil {
		return nil, translate(err, "find surplus deployments", "deployment")
	}
	return out, nil
}

// RemoveDeployment drops a purged deployment's rows.
func (db *DB) RemoveDeployment(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		if _, err := exec(ctx, tx, `DELETE FROM uploads WHERE deployment_id = ?`, id); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `DELETE FROM site_deployments WHERE id = ? AND status = 'PURGING'`, id)
		return err
	})
	return translate(err, "remove deployment", "deployment")
}
