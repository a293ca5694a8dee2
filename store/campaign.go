package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var _ tenx.CampaignService = (*DB)(nil)

// Audit actions of campaigns.
const (
	auditCampaignCreated   = "campaign.created"
	auditCampaignUpdated   = "campaign.updated"
	auditStructureSaved    = "campaign.structure_saved"
	auditCampaignPublished = "campaign.published"
)

// campaignRow is a row of campaigns.
type campaignRow struct {
	Handle           string `db:"handle"`
	ID               string `db:"id"`
	GoalType         string `db:"goal_type"`
	Status           string `db:"status"`
	PrimarySlug      string `db:"primary_slug"`
	LatestVersion    int    `db:"latest_version"`
	PublishedVersion int    `db:"published_version"`
	CreatedAt        int64  `db:"created_at"`
	UpdatedAt        int64  `db:"updated_at"`
}

func (r campaignRow) toCampaign() *tenx.Campaign {
	return &tenx.Campaign{Handle: r.Handle, ID: r.ID, GoalType: tenx.CampaignGoal(r.GoalType),
		Status: tenx.CampaignStatus(r.Status), PrimarySlug: r.PrimarySlug, LatestVersion: r.LatestVersion,
		PublishedVersion: r.PublishedVersion, CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt)}
}

const campaignColumns = `handle, id, goal_type, status, primary_slug, latest_version, published_version, created_at, updated_at`

// FindCampaigns lists the campaigns of f.Handle by id (byte order).
func (db *DB) FindCampaigns(ctx context.Context, f tenx.CampaignFilter) ([]*tenx.Campaign, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := "handle = ?", []any{f.Handle}
	if after != "" {
		where, args = where+" AND id > ?", append(args, after)
	}
	var rows []campaignRow
	err = query(ctx, db.db, &rows, `SELECT `+campaignColumns+` FROM campaigns WHERE `+where+` ORDER BY id LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find campaigns", "campaign")
	}
	rows, next := trimPage(rows, limit, func(r campaignRow) string { return encodePageToken(r.ID) })
	out := make([]*tenx.Campaign, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toCampaign())
	}
	return out, next, nil
}

// FindCampaign returns ENOTFOUND for an unknown id.
func (db *DB) FindCampaign(ctx context.Context, handle, id string) (*tenx.Campaign, error) {
	row, err := findCampaign(ctx, db.db, handle, id)
	if err != nil {
		return nil, translate(err, "find campaign", "campaign")
	}
	return row.toCampaign(), nil
}

func findCampaign(ctx context.Context, q sqlx.ExtContext, handle, id string) (campaignRow, error) {
	var row campaignRow
	err := get(ctx, q, &row, `SELECT `+campaignColumns+` FROM campaigns WHERE handle = ? AND id = ?`, handle, id)
	return row, err
}

// CreateCampaign stores c with no site structure and sets it as stored; a
// taken id is ECONFLICT, an unknown handle ENOTFOUND. Callers run
// c.Validate first.
func (db *DB) CreateCampaign(ctx context.Context, c *tenx.Campaign) error {
	var row campaignRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		err := get(ctx, tx, &row, `INSERT INTO campaigns (`+campaignColumns+`) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)
			RETURNING `+campaignColumns,
			c.Handle, c.ID, string(c.GoalType), string(c.Status), c.PrimarySlug, toMillis(now), toMillis(now))
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: c.Handle, Action: auditCampaignCreated, TargetID: c.ID})
	})
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	if err != nil {
		return translate(err, "create campaign", "campaign "+c.ID)
	}
	*c = *row.toCampaign()
	return nil
}

// UpdateCampaign applies upd. The status move is checked against the
// stored status inside the transaction, and the UPDATE repeats the check,
// so a concurrent move cannot slip an illegal one through.
func (db *DB) UpdateCampaign(ctx context.Context, handle, id string, upd tenx.CampaignUpdate) (*tenx.Campaign, error) {
	var row campaignRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		cur, err := findCampaign(ctx, tx, handle, id)
		if err != nil {
			return err
		}
		status, slug := tenx.CampaignStatus(cur.Status), cur.PrimarySlug
		if upd.Status != nil {
			if !status.CanMove(*upd.Status) {
				return tenx.Errorf(tenx.ECONFLICT, "a %s campaign cannot become %s: DRAFT -> ACTIVE <-> PAUSED",
					status, *upd.Status)
			}
			status = *upd.Status
		}
		if upd.PrimarySlug != nil {
			slug = *upd.PrimarySlug
		}
		err = get(ctx, tx, &row, `UPDATE campaigns SET status = ?, primary_slug = ?, updated_at = ?
			WHERE handle = ? AND id = ? AND status = ? RETURNING `+campaignColumns,
			string(status), slug, toMillis(now), handle, id, cur.Status)
		if errors.Is(err, sql.ErrNoRows) {
			return tenx.Errorf(tenx.ECONFLICT, "the campaign changed while this request ran; retry")
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditCampaignUpdated, TargetID: id})
	})
	if err != nil {
		return nil, translate(err, "update campaign", "campaign")
	}
	return row.toCampaign(), nil
}

// structureRow is a row of site_structures.
type structureRow struct {
	Handle     string `db:"handle"`
	CampaignID string `db:"campaign_id"`
	Version    int    `db:"version"`
	Document   string `db:"document"`
	CreatedAt  int64  `db:"created_at"`
}

func (r structureRow) toSiteStructure() *tenx.SiteStructure {
	return &tenx.SiteStructure{Handle: r.Handle, CampaignID: r.CampaignID, Version: r.Version,
		Document: json.RawMessage(r.Document), CreatedAt: fromMillis(r.CreatedAt)}
}

const structureColumns = `handle, campaign_id, version, document, created_at`

// FindSiteStructure returns version, or the latest for 0; ENOTFOUND when
// the campaign or the version does not exist.
func (db *DB) FindSiteStructure(ctx context.Context, handle, id string, version int) (*tenx.SiteStructure, error) {
	var row structureRow
	q := `SELECT ` + structureColumns + ` FROM site_structures WHERE handle = ? AND campaign_id = ? AND version = ?`
	args := []any{handle, id, version}
	if version == 0 {
		q = `SELECT s.handle, s.campaign_id, s.version, s.document, s.created_at
			FROM site_structures s JOIN campaigns c ON c.handle = s.handle AND c.id = s.campaign_id
			WHERE s.handle = ? AND s.campaign_id = ? AND s.version = c.latest_version`
		args = args[:2]
	}
	if err := get(ctx, db.db, &row, q, args...); err != nil {
		what := "site structure version " + strconv.Itoa(version)
		if version == 0 {
			what = "site structure"
		}
		return nil, translate(err, "find site structure", what)
	}
	return row.toSiteStructure(), nil
}

// PutSiteStructure stores doc as the version after ifMatch. The UPDATE of
// latest_version from ifMatch is a compare-and-swap: of two writers that
// read the same version, the second waits for the first (a Postgres row
// lock; SQLite's one writer) and then matches no row, which is
// EPRECONDITIONFAILED.
func (db *DB) PutSiteStructure(ctx context.Context, handle, id string, doc json.RawMessage, ifMatch *int) (*tenx.SiteStructure, error) {
	var row structureRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		cur, err := findCampaign(ctx, tx, handle, id)
		if err != nil {
			return notFound(err, "campaign")
		}
		if err := checkIfMatch(cur.LatestVersion, ifMatch); err != nil {
			return err
		}
		var next int
		err = get(ctx, tx, &next, `UPDATE campaigns SET latest_version = latest_version + 1, updated_at = ?
			WHERE handle = ? AND id = ? AND latest_version = ? RETURNING latest_version`,
			toMillis(now), handle, id, cur.LatestVersion)
		if errors.Is(err, sql.ErrNoRows) {
			return staleVersion()
		}
		if err != nil {
			return err
		}
		row = structureRow{Handle: handle, CampaignID: id, Version: next, Document: string(doc), CreatedAt: toMillis(now)}
		if _, err := exec(ctx, tx, `INSERT INTO site_structures (`+structureColumns+`) VALUES (?, ?, ?, ?, ?)`,
			row.Handle, row.CampaignID, row.Version, row.Document, row.CreatedAt); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditStructureSaved,
			TargetID: id + "@" + strconv.Itoa(next)})
	})
	if isUniqueViolation(err) {
		err = staleVersion()
	}
	if err != nil {
		return nil, translate(err, "put site structure", "site structure")
	}
	return row.toSiteStructure(), nil
}

// checkIfMatch compares the version a writer read with the latest one.
func checkIfMatch(latest int, ifMatch *int) error {
	switch {
	case ifMatch == nil && latest > 0:
		return tenx.Errorf(tenx.EPRECONDITIONREQUIRED,
			"this campaign's site structure is at version %d: send If-Match: \"%d\" to replace it", latest, latest)
	case ifMatch != nil && *ifMatch != latest:
		return staleVersion()
	}
	return nil
}

func staleVersion() error {
	return tenx.Errorf(tenx.EPRECONDITIONFAILED,
		"If-Match does not name the latest version of this site structure: read it again and retry")
}

// PublishSiteStructure makes version the live one and records the
// campaign.published event beside the audit row.
func (db *DB) PublishSiteStructure(ctx context.Context, handle, id string, version int) (*tenx.Campaign, error) {
	var row campaignRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var n int
		err := get(ctx, tx, &n, `SELECT COUNT(*) FROM site_structures WHERE handle = ? AND campaign_id = ? AND version = ?`,
			handle, id, version)
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := findCampaign(ctx, tx, handle, id); err != nil {
				return notFound(err, "campaign")
			}
			return tenx.Errorf(tenx.ENOTFOUND, "site structure version %d not found", version)
		}
		err = get(ctx, tx, &row, `UPDATE campaigns SET published_version = ?, updated_at = ?
			WHERE handle = ? AND id = ? RETURNING `+campaignColumns, version, toMillis(now), handle, id)
		if err != nil {
			return err
		}
		if err := db.emit(ctx, tx, now, handle, tenx.EventCampaignPublished,
			map[string]any{"campaignId": id, "version": version}); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditCampaignPublished,
			TargetID: id + "@" + strconv.Itoa(version)})
	})
	if err != nil {
		return nil, translate(err, "publish site structure", "campaign")
	}
	return row.toCampaign(), nil
}
