package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// deploymentRow is a row of site_deployments.
type deploymentRow struct {
	ID              string        `db:"id"`
	Handle          string        `db:"handle"`
	Status          string        `db:"status"`
	CommitMessage   string        `db:"commit_message"`
	FileCount       int           `db:"file_count"`
	TotalBytes      int64         `db:"total_bytes"`
	UploadExpiresAt int64         `db:"upload_expires_at"`
	CreatedAt       int64         `db:"created_at"`
	ActivatedAt     sql.NullInt64 `db:"activated_at"`
}

const deploymentColumns = `id, handle, status, commit_message, file_count, total_bytes, upload_expires_at,
	created_at, activated_at`

// deploymentFileRow is a row of site_deployment_files.
type deploymentFileRow struct {
	DeploymentID string `db:"deployment_id"`
	Path         string `db:"path"`
	ContentType  string `db:"content_type"`
	SizeBytes    int64  `db:"size_bytes"`
	Uploaded     bool   `db:"uploaded"`
	UploadID     string `db:"upload_id"`
}

const deploymentFileColumns = `deployment_id, path, content_type, size_bytes, uploaded, upload_id`

func (r deploymentRow) toDeployment(files []deploymentFileRow) *tenx.Deployment {
	d := &tenx.Deployment{ID: r.ID, Handle: r.Handle, Status: r.Status, CommitMessage: r.CommitMessage,
		CreatedAt: fromMillis(r.CreatedAt), ActivatedAt: fromNullMillis(r.ActivatedAt),
		UploadExpiresAt: fromMillis(r.UploadExpiresAt), FileCount: r.FileCount, TotalSize: r.TotalBytes}
	for _, f := range files {
		d.Files = append(d.Files, tenx.DeploymentFile{Path: f.Path, ContentType: f.ContentType, SizeBytes: f.SizeBytes,
			Uploaded: f.Uploaded, UploadID: f.UploadID})
	}
	return d
}

// FindDeployments lists the handle's deployments, newest first, without
// their files.
func (db *DB) FindDeployments(ctx context.Context, f tenx.DeploymentFilter) ([]*tenx.Deployment, string, error) {
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cond, condArgs := timeCursorClause(after)
	var rows []deploymentRow
	err = query(ctx, db.db, &rows, `SELECT `+deploymentColumns+` FROM site_deployments
		WHERE handle = ? AND status <> 'PURGING'`+cond+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(append([]any{f.Handle}, condArgs...), limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find deployments", "deployment")
	}
	rows, next := trimPage(rows, limit, func(r deploymentRow) string { return encodeTimeCursor(r.CreatedAt, r.ID) })
	out := make([]*tenx.Deployment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toDeployment(nil))
	}
	return out, next, nil
}

// FindDeployment returns a deployment of handle with its files.
func (db *DB) FindDeployment(ctx context.Context, handle, id string) (*tenx.Deployment, error) {
	return db.findDeployment(ctx, db.db, `handle = ? AND id = ?`, handle, id)
}

// FindDeploymentByID returns a deployment of any handle with its files.
func (db *DB) FindDeploymentByID(ctx context.Context, id string) (*tenx.Deployment, error) {
	return db.findDeployment(ctx, db.db, `id = ?`, id)
}

// FindActiveDeployment returns the handle's live deployment.
func (db *DB) FindActiveDeployment(ctx context.Context, handle string) (*tenx.Deployment, error) {
	return db.findDeployment(ctx, db.db, `handle = ? AND status = 'ACTIVE'`, handle)
}

func (db *DB) findDeployment(ctx context.Context, q sqlx.ExtContext, where string, args ...any) (*tenx.Deployment, error) {
	var row deploymentRow
	err := get(ctx, q, &row, `SELECT `+deploymentColumns+` FROM site_deployments WHERE `+where+
		` AND status <> 'PURGING'`, args...)
	if err != nil {
		return nil, translate(err, "find deployment", "deployment")
	}
	files, err := deploymentFiles(ctx, q, row.ID)
	if err != nil {
		return nil, translate(err, "find deployment files", "deployment")
	}
	return row.toDeployment(files), nil
}

func deploymentFiles(ctx context.Context, q sqlx.ExtContext, id string) ([]deploymentFileRow, error) {
	files := []deploymentFileRow{}
	err := query(ctx, q, &files, `SELECT `+deploymentFileColumns+` FROM site_deployment_files
		WHERE deployment_id = ? ORDER BY path`, id)
	return files, err
}

// CreateDeployment stores d. An ACTIVE one replaces the live deployment in
// the same transaction; a pending one gets one upload per file. The acting
// user must still be CREATOR+ (see lockHandleAs).
func (db *DB) CreateDeployment(ctx context.Context, d *tenx.Deployment, quota int64) error {
	if d.ID == "" {
		d.ID = newID("dep_")
	}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := db.lockHandleAs(ctx, tx, d.Handle, tenx.RoleCreator); err != nil {
			return err
		}
		if err := checkQuota(ctx, tx, d.Handle, d.TotalBytes(), quota); err != nil {
			return err
		}
		row := deploymentRow{ID: d.ID, Handle: d.Handle, Status: d.Status, CommitMessage: d.CommitMessage,
			FileCount: len(d.Files), TotalBytes: d.TotalBytes(), UploadExpiresAt: toMillis(now.Add(tenx.UploadTTL)),
			CreatedAt: toMillis(now)}
		if d.Status == tenx.DeploymentActive {
			row.ActivatedAt = sql.NullInt64{Int64: toMillis(now), Valid: true}
			if err := deactivate(ctx, tx, d.Handle); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, tx, `INSERT INTO site_deployments (`+deploymentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.ID, row.Handle, row.Status, row.CommitMessage, row.FileCount, row.TotalBytes, row.UploadExpiresAt,
			row.CreatedAt, row.ActivatedAt); err != nil {
			return err
		}
		files, err := insertDeploymentFiles(ctx, tx, d, row)
		if err != nil {
			return err
		}
		*d = *row.toDeployment(files)
		return db.recordDeployment(ctx, tx, now, d)
	})
	return translate(err, "create deployment", "deployment")
}

func (db *DB) recordDeployment(ctx context.Context, tx *sqlx.Tx, now time.Time, d *tenx.Deployment) error {
	if err := record(ctx, tx, now, tenx.AuditEvent{Handle: d.Handle, Action: tenx.AuditDeploymentCreated, TargetID: d.ID}); err != nil {
		return err
	}
	if d.Status != tenx.DeploymentActive {
		return nil
	}
	if err := db.emit(ctx, tx, now, d.Handle, tenx.EventDeploymentActivated, map[string]string{"deploymentId": d.ID}); err != nil {
		return err
	}
	return record(ctx, tx, now, tenx.AuditEvent{Handle: d.Handle, Action: tenx.AuditDeploymentActivated, TargetID: d.ID})
}

// insertDeploymentFiles stores the files of d, each with its upload unless
// d is born ACTIVE (its objects are already written).
func insertDeploymentFiles(ctx context.Context, tx *sqlx.Tx, d *tenx.Deployment, row deploymentRow) ([]deploymentFileRow, error) {
	files := make([]deploymentFileRow, 0, len(d.Files))
	for _, f := range d.Files {
		fr := deploymentFileRow{DeploymentID: d.ID, Path: f.Path, ContentType: f.ContentType, SizeBytes: f.SizeBytes,
			Uploaded: d.Status == tenx.DeploymentActive}
		if !fr.Uploaded {
			fr.UploadID = newID("upl_")
			if err := insertUpload(ctx, tx, &tenx.Upload{ID: fr.UploadID, Handle: d.Handle,
				ObjectKey: tenx.DeploymentObjectKey(d.Handle, d.ID, f.Path), SizeBytes: f.SizeBytes,
				ContentType: f.ContentType, ExpiresAt: fromMillis(row.UploadExpiresAt), DeploymentID: d.ID, Path: f.Path}); err != nil {
				return nil, err
			}
		}
		if _, err := exec(ctx, tx, `INSERT INTO site_deployment_files (`+deploymentFileColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			fr.DeploymentID, fr.Path, fr.ContentType, fr.SizeBytes, fr.Uploaded, fr.UploadID); err != nil {
			return nil, err
		}
		files = append(files, fr)
	}
	return files, nil
}

// deactivate takes the handle's live deployment down (to INACTIVE).
func deactivate(ctx context.Context, tx *sqlx.Tx, handle string) error {
	_, err := exec(ctx, tx, `UPDATE site_deployments SET status = 'INACTIVE' WHERE handle = ? AND status = 'ACTIVE'`, handle)
	return err
}

// MarkDeploymentFilesUploaded records files found in the blob store.
func (db *DB) MarkDeploymentFilesUploaded(ctx context.Context, id string, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for _, p := range paths {
			if _, err := exec(ctx, tx, `UPDATE site_deployment_files SET uploaded = ? WHERE deployment_id = ? AND path = ?`,
				true, id, p); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `UPDATE uploads SET done_at = ? WHERE deployment_id = ? AND path = ? AND done_at IS NULL`,
				toMillis(now), id, p); err != nil {
				return err
			}
		}
		return nil
	})
	return translate(err, "mark deployment files uploaded", "deployment")
}

// ActivateDeployment makes the deployment live. The acting user must still
// be CREATOR+; the handle's row lock orders concurrent activations.
func (db *DB) ActivateDeployment(ctx context.Context, handle, id string) (*tenx.Deployment, error) {
	var d *tenx.Deployment
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := db.lockHandleAs(ctx, tx, handle, tenx.RoleCreator); err != nil {
			return err
		}
		var err error
		if d, err = db.findDeployment(ctx, tx, `handle = ? AND id = ?`, handle, id); err != nil {
			return err
		}
		if err := checkActivatable(d); err != nil || d.Status == tenx.DeploymentActive {
			return err
		}
		if err := deactivate(ctx, tx, handle); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `UPDATE site_deployments SET status = 'ACTIVE', activated_at = ? WHERE id = ?`,
			toMillis(now), id); err != nil {
			return err
		}
		d.Status, d.ActivatedAt = tenx.DeploymentActive, &now
		if err := db.emit(ctx, tx, now, handle, tenx.EventDeploymentActivated, map[string]string{"deploymentId": id}); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: tenx.AuditDeploymentActivated, TargetID: id})
	})
	if err != nil {
		return nil, translate(err, "activate deployment", "deployment")
	}
	return d, nil
}

// checkActivatable wants a root index.html and every file uploaded.
func checkActivatable(d *tenx.Deployment) error {
	entry := false
	var missing []string
	for _, f := range d.Files {
		entry = entry || f.Path == tenx.SiteEntrypoint
		if !f.Uploaded {
			missing = append(missing, f.Path)
		}
	}
	if !entry {
		return tenx.Errorf(tenx.EMISSINGENTRYPOINT, "the deployment has no root index.html")
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > 10 {
			missing, more = missing[:10], " and more"
		}
		return tenx.Errorf(tenx.EUPLOADINCOMPLETE, "%d file(s) not uploaded: %s%s", len(missing),
			strings.Join(missing, ", "), more)
	}
	return nil
}
