package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var _ tenx.TrackingTemplateService = (*DB)(nil)

// templateRow is a row of tracking_templates.
type templateRow struct {
	Handle      string `db:"handle"`
	ID          string `db:"id"`
	TemplateKey string `db:"template_key"`
	Name        string `db:"name"`
	Config      string `db:"config"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
}

const templateColumns = `handle, id, template_key, name, config, created_at, updated_at`

func toTemplateRow(t *tenx.TrackingTemplate) templateRow {
	c, _ := json.Marshal(t.Config) // a map of strings: cannot fail
	return templateRow{Handle: t.Handle, ID: t.ID, TemplateKey: t.TemplateKey, Name: t.Name, Config: string(c)}
}

func (r templateRow) toTemplate() *tenx.TrackingTemplate {
	t := &tenx.TrackingTemplate{ID: r.ID, Handle: r.Handle, TemplateKey: r.TemplateKey, Name: r.Name,
		Config: map[string]string{}, CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt)}
	_ = json.Unmarshal([]byte(r.Config), &t.Config) // written by toTemplateRow
	return t
}

// FindTrackingTemplates lists f.Handle's templates oldest first.
func (db *DB) FindTrackingTemplates(ctx context.Context, f tenx.TrackingTemplateFilter) ([]*tenx.TrackingTemplate, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var rows []templateRow
	err = query(ctx, db.db, &rows, `SELECT `+templateColumns+` FROM tracking_templates
		WHERE handle = ? AND id > ? ORDER BY id LIMIT ?`, f.Handle, after, limit+1)
	if err != nil {
		return nil, "", translate(err, "find tracking templates", "tracking template")
	}
	rows, next := trimPage(rows, limit, func(r templateRow) string { return encodePageToken(r.ID) })
	out := make([]*tenx.TrackingTemplate, len(rows))
	for i, r := range rows {
		out[i] = r.toTemplate()
	}
	return out, next, nil
}

// FindTrackingTemplate returns ENOTFOUND for an unknown id.
func (db *DB) FindTrackingTemplate(ctx context.Context, handle, id string) (*tenx.TrackingTemplate, error) {
	var row templateRow
	err := get(ctx, db.db, &row, `SELECT `+templateColumns+` FROM tracking_templates WHERE handle = ? AND id = ?`, handle, id)
	if err != nil {
		return nil, translate(err, "find tracking template", "tracking template")
	}
	return row.toTemplate(), nil
}

// CreateTrackingTemplate stores a new template with its audit row. Ids
// are random and sort in no particular order; the list is in id order.
func (db *DB) CreateTrackingTemplate(ctx context.Context, t *tenx.TrackingTemplate) error {
	row := toTemplateRow(t)
	row.ID = newID("tpl_")
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt, row.UpdatedAt = toMillis(now), toMillis(now)
		if err := checkRoom(ctx, tx, "tracking_templates", row.Handle, tenx.MaxTrackingTemplates, "tracking templates"); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `INSERT INTO tracking_templates (`+templateColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			row.Handle, row.ID, row.TemplateKey, row.Name, row.Config, row.CreatedAt, row.UpdatedAt); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: row.Handle, Action: "tracking_template.created", TargetID: row.ID})
	})
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	if err != nil {
		return translate(err, "create tracking template", "tracking template")
	}
	*t = *row.toTemplate()
	return nil
}

// UpdateTrackingTemplate replaces the template's key, name and config.
func (db *DB) UpdateTrackingTemplate(ctx context.Context, t *tenx.TrackingTemplate) error {
	row := toTemplateRow(t)
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.UpdatedAt = toMillis(now)
		err := get(ctx, tx, &row.CreatedAt, `UPDATE tracking_templates SET template_key = ?, name = ?, config = ?, updated_at = ?
			WHERE handle = ? AND id = ? RETURNING created_at`,
			row.TemplateKey, row.Name, row.Config, row.UpdatedAt, row.Handle, row.ID)
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: row.Handle, Action: "tracking_template.updated", TargetID: row.ID})
	})
	if err != nil {
		return translate(err, "update tracking template", "tracking template")
	}
	*t = *row.toTemplate()
	return nil
}

// DeleteTrackingTemplate removes a template no link uses.
func (db *DB) DeleteTrackingTemplate(ctx context.Context, handle, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var used []string
		if err := query(ctx, tx, &used, `SELECT slug FROM links WHERE handle = ? AND tracking_templates LIKE ? ESCAPE '!' LIMIT 1`,
			handle, containsPattern(`"`+id+`"`)); err != nil {
			return err
		}
		if len(used) > 0 {
			return tenx.Errorf(tenx.ECONFLICT, "link %q uses tracking template %s; take it off the link first", used[0], id)
		}
		n, err := exec(ctx, tx, `DELETE FROM tracking_templates WHERE handle = ? AND id = ?`, handle, id)
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: "tracking_template.deleted", TargetID: id})
	})
	return translate(err, "delete tracking template", "tracking template")
}

// checkTemplatesExist fails with a validation error naming the first of
// ids that is not one of the handle's templates.
func checkTemplatesExist(ctx context.Context, tx *sqlx.Tx, handle string, ids []string) error {
	missing, err := firstMissing(ctx, tx, ids, `SELECT id FROM tracking_templates WHERE handle = ? AND id IN (?)`, handle)
	if err != nil || missing == "" {
		return err
	}
	return &tenx.Error{Code: tenx.EVALIDATION, Field: "trackingTemplateIds", Message: "no tracking template " + missing}
}

// encodeIDs is the stored form of a sorted id list.
func encodeIDs(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

// decodeIDs reads what encodeIDs wrote; nil for none.
func decodeIDs(s string) []string {
	var ids []string
	if s == "" || s == "[]" || json.Unmarshal([]byte(s), &ids) != nil || len(ids) == 0 {
		return nil
	}
	return ids
}
