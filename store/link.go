package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// linkRow is a row of links.
type linkRow struct {
	Handle           string        `db:"handle"`
	Slug             string        `db:"slug"`
	DestinationURL   string        `db:"destination_url"`
	Title            string        `db:"title"`
	Enabled          bool          `db:"enabled"`
	RedirectType     int           `db:"redirect_type"`
	ScheduledStartAt sql.NullInt64 `db:"scheduled_start_at"`
	ScheduledEndAt   sql.NullInt64 `db:"scheduled_end_at"`
	ExpiresAt        sql.NullInt64 `db:"expires_at"`
	MaxClicks        sql.NullInt64 `db:"max_clicks"`
	Attribution      bool          `db:"attribution"`
	RoutingRules     string        `db:"routing_rules"`
	Templates        string        `db:"tracking_templates"`
	ClickCount       int64         `db:"click_count"`
	CreatedAt        int64         `db:"created_at"`
	UpdatedAt        int64         `db:"updated_at"`
}

func toLinkRow(l *tenx.Link) linkRow {
	r := linkRow{
		Handle:           l.Handle,
		Slug:             l.Slug,
		DestinationURL:   l.DestinationURL,
		Title:            l.Title,
		Enabled:          l.Enabled,
		RedirectType:     l.RedirectType,
		ScheduledStartAt: toNullMillis(l.ScheduledStartAt),
		ScheduledEndAt:   toNullMillis(l.ScheduledEndAt),
		ExpiresAt:        toNullMillis(l.ExpiresAt),
		Attribution:      l.Attribution,
		RoutingRules:     encodeRules(l.RoutingRules),
		Templates:        encodeIDs(l.TrackingTemplateIDs),
	}
	if l.MaxClicks != nil {
		r.MaxClicks = sql.NullInt64{Int64: *l.MaxClicks, Valid: true}
	}
	return r
}

// toLink returns the link carrying tags, which must be sorted.
func (r linkRow) toLink(tags []string) *tenx.Link {
	l := &tenx.Link{
		Handle:              r.Handle,
		Slug:                r.Slug,
		DestinationURL:      r.DestinationURL,
		Title:               r.Title,
		Tags:                tags,
		Enabled:             r.Enabled,
		RedirectType:        r.RedirectType,
		ScheduledStartAt:    fromNullMillis(r.ScheduledStartAt),
		ScheduledEndAt:      fromNullMillis(r.ScheduledEndAt),
		ExpiresAt:           fromNullMillis(r.ExpiresAt),
		Attribution:         r.Attribution,
		RoutingRules:        decodeRules(r.RoutingRules),
		TrackingTemplateIDs: decodeIDs(r.Templates),
		ClickCount:          r.ClickCount,
		CreatedAt:           fromMillis(r.CreatedAt),
		UpdatedAt:           fromMillis(r.UpdatedAt),
	}
	if r.MaxClicks.Valid {
		l.MaxClicks = &r.MaxClicks.Int64
	}
	if l.Tags == nil {
		l.Tags = []string{}
	}
	return l
}

const linkColumns = `handle, slug, destination_url, title, enabled, redirect_type,
	scheduled_start_at, scheduled_end_at, expires_at, max_clicks, attribution, routing_rules, tracking_templates, click_count, created_at, updated_at`

// findLinks lists the links of f.Handle in slug order (byte order, so
// "Z" comes before "a"). Q matches case-insensitively, and literally: % and
// _ are no wildcards; SQLite folds the case of ASCII letters only.
// f.NextToken is the nextToken of the previous page; nextToken is empty on
// the last page.
func (db *DB) findLinks(ctx context.Context, f tenx.LinkFilter) ([]*tenx.Link, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := linkFilter(f, after)
	var rows []linkRow
	err = query(ctx, db.db, &rows, `SELECT `+linkColumns+` FROM links
		WHERE `+where+` ORDER BY slug LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find links", "link")
	}
	rows, next := trimPage(rows, limit, func(r linkRow) string { return encodePageToken(r.Slug) })
	tags, err := findTags(ctx, db.db, f.Handle, rows)
	if err != nil {
		return nil, "", translate(err, "find link tags", "link")
	}
	links := make([]*tenx.Link, 0, len(rows))
	for _, r := range rows {
		links = append(links, r.toLink(tags[r.Slug]))
	}
	return links, next, nil
}

// linkFilter returns the WHERE clause of f and its arguments.
func linkFilter(f tenx.LinkFilter, afterSlug string) (string, []any) {
	where, args := []string{"handle = ?"}, []any{f.Handle}
	if afterSlug != "" {
		where, args = append(where, "slug > ?"), append(args, afterSlug)
	}
	if f.Tag != "" {
		where = append(where, `EXISTS (SELECT 1 FROM link_tags t
			WHERE t.handle = links.handle AND t.slug = links.slug AND t.tag = ?)`)
		args = append(args, f.Tag)
	}
	if f.Q != "" {
		where = append(where, `(LOWER(slug) LIKE LOWER(?) ESCAPE '!'
			OR LOWER(title) LIKE LOWER(?) ESCAPE '!'
			OR LOWER(destination_url) LIKE LOWER(?) ESCAPE '!')`)
		p := containsPattern(f.Q)
		args = append(args, p, p, p)
	}
	if f.Enabled != nil {
		where, args = append(where, "enabled = ?"), append(args, *f.Enabled)
	}
	return strings.Join(where, " AND "), args
}

// likeEscaper escapes LIKE's wildcards with '!', an escape character that
// means the same in both dialects (unlike a backslash, which Postgres may
// treat as a string escape).
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// containsPattern is a LIKE pattern matching any text that contains s.
func containsPattern(s string) string {
	return "%" + likeEscaper.Replace(s) + "%"
}

// findTags returns the sorted tags of each of the rows, by slug.
func findTags(ctx context.Context, q sqlx.ExtContext, handle string, rows []linkRow) (map[string][]string, error) {
	tags := make(map[string][]string, len(rows))
	if len(rows) == 0 {
		return tags, nil
	}
	slugs := make([]string, 0, len(rows))
	for _, r := range rows {
		slugs = append(slugs, r.Slug)
	}
	stmt, args, err := sqlx.In(`SELECT slug, tag FROM link_tags WHERE handle = ? AND slug IN (?)`, handle, slugs)
	if err != nil {
		return nil, err
	}
	var pairs []struct {
		Slug string `db:"slug"`
		Tag  string `db:"tag"`
	}
	if err := query(ctx, q, &pairs, stmt, args...); err != nil {
		return nil, err
	}
	for _, p := range pairs {
		tags[p.Slug] = append(tags[p.Slug], p.Tag)
	}
	// Sorted here rather than by ORDER BY, so that the order does not
	// depend on a collation.
	for _, t := range tags {
		slices.Sort(t)
	}
	return tags, nil
}

// findLink returns ENOTFOUND for an unknown slug.
func (db *DB) findLink(ctx context.Context, handle, slug string) (*tenx.Link, error) {
	var row linkRow
	err := get(ctx, db.db, &row, `SELECT `+linkColumns+` FROM links WHERE handle = ? AND slug = ?`, handle, slug)
	if err != nil {
		return nil, translate(err, "find link", "link")
	}
	tags, err := findTags(ctx, db.db, handle, []linkRow{row})
	if err != nil {
		return nil, translate(err, "find link tags", "link")
	}
	return row.toLink(tags[slug]), nil
}

// UpsertLink creates the link or replaces every field of it but its click
// count and CreatedAt, replaces its tags (deduplicated and sorted), and
// reports whether it was created. It sets l's CreatedAt, UpdatedAt,
// ClickCount and Tags as stored. An unknown handle is ENOTFOUND. The link is
// not validated here: callers run l.Validate first.
func (db *DB) UpsertLink(ctx context.Context, l *tenx.Link) (bool, error) {
	row := toLinkRow(l)
	tags := slices.Compact(slices.Sorted(slices.Values(l.Tags)))
	var created bool
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt, row.UpdatedAt = toMillis(now), toMillis(now)
		if err := checkTemplatesExist(ctx, tx, row.Handle, l.TrackingTemplateIDs); err != nil {
			return err
		}
		var err error
		if created, err = insertLink(ctx, tx, &row); err != nil {
			return err
		}
		if !created {
			if err := updateLink(ctx, tx, &row); err != nil {
				return err
			}
		}
		if err := replaceTags(ctx, tx, row.Handle, row.Slug, tags); err != nil {
			return err
		}
		typ := tenx.EventLinkUpdated
		if created {
			typ = tenx.EventLinkCreated
		}
		if err := db.emit(ctx, tx, now, row.Handle, typ, toLinkPayload(row, tags)); err != nil {
			return err
		}
		return db.note(ctx, tx, linkEvent(row.Handle, row.Slug))
	})
	if isForeignKeyViolation(err) {
		return false, tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	if err != nil {
		return false, translate(err, "upsert link", "link")
	}
	*l = *row.toLink(tags)
	return created, nil
}

// insertLink inserts row unless its slug is taken, and reports whether it
// did. Inserting first, rather than looking first, settles a race between
// two creations of one slug in the database.
func insertLink(ctx context.Context, tx *sqlx.Tx, row *linkRow) (bool, error) {
	err := get(ctx, tx, &row.ClickCount, `
		INSERT INTO links (`+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (handle, slug) DO NOTHING
		RETURNING click_count`,
		row.Handle, row.Slug, row.DestinationURL, row.Title, row.Enabled, row.RedirectType,
		row.ScheduledStartAt, row.ScheduledEndAt, row.ExpiresAt, row.MaxClicks, row.Attribution, row.RoutingRules, row.Templates, 0, row.CreatedAt, row.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// updateLink overwrites an existing link's fields and reads back what it
// keeps: its click count and CreatedAt.
func updateLink(ctx context.Context, tx *sqlx.Tx, row *linkRow) error {
	var kept struct {
		ClickCount int64 `db:"click_count"`
		CreatedAt  int64 `db:"created_at"`
	}
	err := get(ctx, tx, &kept, `
		UPDATE links SET destination_url = ?, title = ?, enabled = ?, redirect_type = ?,
			scheduled_start_at = ?, scheduled_end_at = ?, expires_at = ?, max_clicks = ?, attribution = ?, routing_rules = ?, tracking_templates = ?, updated_at = ?
		WHERE handle = ? AND slug = ?
		RETURNING click_count, created_at`,
		row.DestinationURL, row.Title, row.Enabled, row.RedirectType,
		row.ScheduledStartAt, row.ScheduledEndAt, row.ExpiresAt, row.MaxClicks, row.Attribution, row.RoutingRules, row.Templates, row.UpdatedAt,
		row.Handle, row.Slug)
	if errors.Is(err, sql.ErrNoRows) {
		// Deleted between our insert and update.
		return tenx.Errorf(tenx.ECONFLICT, "link was deleted concurrently; retry")
	}
	row.ClickCount, row.CreatedAt = kept.ClickCount, kept.CreatedAt
	return err
}

func replaceTags(ctx context.Context, tx *sqlx.Tx, handle, slug string, tags []string) error {
	if _, err := exec(ctx, tx, `DELETE FROM link_tags WHERE handle = ? AND slug = ?`, handle, slug); err != nil {
		return err
	}
	for _, tag := range tags {
		if _, err := exec(ctx, tx, `INSERT INTO link_tags (handle, slug, tag) VALUES (?, ?, ?)`,
			handle, slug, tag); err != nil {
			return err
		}
	}
	return nil
}

// DeleteLink removes the link and its tags; ENOTFOUND for an unknown slug.
func (db *DB) DeleteLink(ctx context.Context, handle, slug string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `DELETE FROM links WHERE handle = ? AND slug = ?`, handle, slug)
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		if err := db.emit(ctx, tx, now, handle, tenx.EventLinkDeleted, map[string]string{"slug": slug}); err != nil {
			return err
		}
		return db.note(ctx, tx, linkEvent(handle, slug))
	})
	return translate(err, "delete link", "link")
}

// FindLinkToFollow reads the link through the redirects' cache and
// checks that it can be followed now; it writes nothing.
func (db *DB) FindLinkToFollow(ctx context.Context, handle, slug string) (*tenx.Link, error) {
	now := db.now()
	l, err := db.followable(ctx, handle, slug, now) // through the link cache
	if err != nil {
		return nil, translate(err, "find link", "link")
	}
	if l == nil {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "link %q not found", slug)
	}
	if code := l.Availability(now); code != "" {
		return nil, tenx.Errorf(code, "link %q cannot be followed", slug)
	}
	return l, nil
}
