package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var _ tenx.PageService = (*DB)(nil)

// Audit actions of pages.
const (
	auditPageCreated   = "page.created"
	auditPageUpdated   = "page.updated"
	auditPagePublished = "page.published"
	auditPageDeleted   = "page.deleted"
)

// pageRow is a row of pages.
type pageRow struct {
	Handle      string        `db:"handle"`
	Slug        string        `db:"slug"`
	Title       string        `db:"title"`
	Description string        `db:"description"`
	Content     string        `db:"content"`
	AccessMode  string        `db:"access_mode"`
	Status      string        `db:"status"`
	PublishedAt sql.NullInt64 `db:"published_at"`
	CreatedAt   int64         `db:"created_at"`
	UpdatedAt   int64         `db:"updated_at"`
}

func toPageRow(p *tenx.Page) pageRow {
	return pageRow{Handle: p.Handle, Slug: p.Slug, Title: p.Title, Description: p.Description,
		Content: p.Content, AccessMode: string(p.AccessMode), Status: string(p.Status),
		PublishedAt: toNullMillis(p.PublishedAt), CreatedAt: toMillis(p.CreatedAt), UpdatedAt: toMillis(p.UpdatedAt)}
}

func (r pageRow) toPage() *tenx.Page {
	return &tenx.Page{Handle: r.Handle, Slug: r.Slug, Title: r.Title, Description: r.Description,
		Content: r.Content, AccessMode: tenx.PageAccessMode(r.AccessMode), Status: tenx.PageStatus(r.Status),
		PublishedAt: fromNullMillis(r.PublishedAt), CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt)}
}

const pageColumns = `handle, slug, title, description, content, access_mode, status, published_at, created_at, updated_at`

// FindPages lists the pages of f.Handle in slug order (byte order).
// f.NextToken is the nextToken of the previous page; nextToken is empty on
// the last page.
func (db *DB) FindPages(ctx context.Context, f tenx.PageFilter) ([]*tenx.Page, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := "handle = ?", []any{f.Handle}
	if after != "" {
		where, args = where+" AND slug > ?", append(args, after)
	}
	if f.Status != "" {
		where, args = where+" AND status = ?", append(args, string(f.Status))
	}
	var rows []pageRow
	err = query(ctx, db.db, &rows, `SELECT `+pageColumns+` FROM pages WHERE `+where+` ORDER BY slug LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find pages", "page")
	}
	rows, next := trimPage(rows, limit, func(r pageRow) string { return encodePageToken(r.Slug) })
	pages := make([]*tenx.Page, 0, len(rows))
	for _, r := range rows {
		pages = append(pages, r.toPage())
	}
	return pages, next, nil
}

// FindPage returns ENOTFOUND for an unknown slug.
func (db *DB) FindPage(ctx context.Context, handle, slug string) (*tenx.Page, error) {
	var row pageRow
	err := get(ctx, db.db, &row, `SELECT `+pageColumns+` FROM pages WHERE handle = ? AND slug = ?`, handle, slug)
	if err != nil {
		return nil, translate(err, "find page", "page")
	}
	return row.toPage(), nil
}

// CreatePage stores p as a DRAFT and sets its timestamps; a taken slug is
// ECONFLICT and an unknown handle ENOTFOUND. Callers run p.Validate first.
func (db *DB) CreatePage(ctx context.Context, p *tenx.Page) error {
	var row pageRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		page := *p
		page.Status, page.PublishedAt, page.CreatedAt, page.UpdatedAt = tenx.PageDraft, nil, now, now
		row = toPageRow(&page)
		if _, err := exec(ctx, tx, `INSERT INTO pages (`+pageColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.Handle, row.Slug, row.Title, row.Description, row.Content, row.AccessMode, row.Status,
			row.PublishedAt, row.CreatedAt, row.UpdatedAt); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: p.Handle, Action: auditPageCreated, TargetID: p.Slug})
	})
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	if err != nil {
		return translate(err, "create page", "page "+p.Slug)
	}
	*p = *row.toPage()
	return nil
}

// UpdatePage replaces the page's title, description, content and access
// mode, keeping its status, and sets p as stored.
func (db *DB) UpdatePage(ctx context.Context, p *tenx.Page) error {
	var row pageRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		err := get(ctx, tx, &row, `UPDATE pages SET title = ?, description = ?, content = ?, access_mode = ?, updated_at = ?
			WHERE handle = ? AND slug = ? RETURNING `+pageColumns,
			p.Title, p.Description, p.Content, string(p.AccessMode), toMillis(now), p.Handle, p.Slug)
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: p.Handle, Action: auditPageUpdated, TargetID: p.Slug})
	})
	if err != nil {
		return translate(err, "update page", "page")
	}
	*p = *row.toPage()
	return nil
}

// PublishPage makes the page PUBLISHED as of now. The webhooks issue adds
// the page.published event beside the audit row, in record.
func (db *DB) PublishPage(ctx context.Context, handle, slug string) (*tenx.Page, error) {
	var row pageRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		err := get(ctx, tx, &row, `UPDATE pages SET status = ?, published_at = ?, updated_at = ?
			WHERE handle = ? AND slug = ? RETURNING `+pageColumns,
			string(tenx.PagePublished), toMillis(now), toMillis(now), handle, slug)
		if err != nil {
			return err
		}
		if err := db.emit(ctx, tx, now, handle, tenx.EventPagePublished, map[string]string{"slug": slug}); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditPagePublished, TargetID: slug})
	})
	if err != nil {
		return nil, translate(err, "publish page", "page")
	}
	return row.toPage(), nil
}

// DeletePage removes the page; ENOTFOUND for an unknown slug.
func (db *DB) DeletePage(ctx context.Context, handle, slug string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `DELETE FROM pages WHERE handle = ? AND slug = ?`, handle, slug)
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditPageDeleted, TargetID: slug})
	})
	return translate(err, "delete page", "page")
}
