package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

var _ tenx.ProfileService = (*DB)(nil)

// Audit actions of profiles.
const (
	auditProfileUpdated  = "profile.updated"
	auditSiteModeChanged = "site_mode.changed"
)

// profileRow is a row of profiles.
type profileRow struct {
	Handle      string `db:"handle"`
	DisplayName string `db:"display_name"`
	Bio         string `db:"bio"`
	AvatarURL   string `db:"avatar_url"`
	Theme       string `db:"theme"`
	SiteMode    string `db:"site_mode"`
	UpdatedAt   int64  `db:"updated_at"`
}

func (r profileRow) toProfile() *tenx.Profile {
	return &tenx.Profile{Handle: r.Handle, DisplayName: r.DisplayName, Bio: r.Bio, AvatarURL: r.AvatarURL,
		Theme: r.Theme, SiteMode: tenx.SiteMode(r.SiteMode), UpdatedAt: fromMillis(r.UpdatedAt)}
}

const profileColumns = `handle, display_name, bio, avatar_url, theme, site_mode, updated_at`

// FindProfile returns the handle's profile, or its default one (the
// handle's display name, theme AUTO, site mode PROFILE, a zero UpdatedAt)
// when it never set one; ENOTFOUND for an unknown handle.
func (db *DB) FindProfile(ctx context.Context, handle string) (*tenx.Profile, error) {
	var row profileRow
	err := get(ctx, db.db, &row, `SELECT `+profileColumns+` FROM profiles WHERE handle = ?`, handle)
	if err == nil {
		return row.toProfile(), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, translate(err, "find profile", "profile")
	}
	var name string
	if err := get(ctx, db.db, &name, `SELECT display_name FROM handles WHERE name = ?`, handle); err != nil {
		return nil, translate(err, "find profile", "handle")
	}
	return defaultProfile(handle, name), nil
}

func defaultProfile(handle, displayName string) *tenx.Profile {
	return &tenx.Profile{Handle: handle, DisplayName: displayName, Theme: tenx.ThemeAuto, SiteMode: tenx.SiteModeProfile}
}

// UpdateProfile replaces the profile but its site mode and sets p as
// stored. Callers run p.Validate first.
func (db *DB) UpdateProfile(ctx context.Context, p *tenx.Profile) error {
	var row profileRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		err := get(ctx, tx, &row, `INSERT INTO profiles (`+profileColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (handle) DO UPDATE SET display_name = excluded.display_name, bio = excluded.bio,
				avatar_url = excluded.avatar_url, theme = excluded.theme, updated_at = excluded.updated_at
			RETURNING `+profileColumns,
			p.Handle, p.DisplayName, p.Bio, p.AvatarURL, p.Theme, string(tenx.SiteModeProfile), toMillis(now))
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: p.Handle, Action: auditProfileUpdated})
	})
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	if err != nil {
		return translate(err, "update profile", "profile")
	}
	*p = *row.toProfile()
	return nil
}

// SetSiteMode sets the handle's site mode; a handle without a profile
// gets the default one with that mode.
func (db *DB) SetSiteMode(ctx context.Context, handle string, mode tenx.SiteMode) (*tenx.Profile, error) {
	var row profileRow
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var name string
		if err := get(ctx, tx, &name, `SELECT display_name FROM handles WHERE name = ?`, handle); err != nil {
			return notFound(err, "handle")
		}
		d := defaultProfile(handle, name)
		err := get(ctx, tx, &row, `INSERT INTO profiles (`+profileColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (handle) DO UPDATE SET site_mode = excluded.site_mode, updated_at = excluded.updated_at
			RETURNING `+profileColumns,
			handle, d.DisplayName, d.Bio, d.AvatarURL, d.Theme, string(mode), toMillis(now))
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditSiteModeChanged, TargetID: string(mode)})
	})
	if err != nil {
		return nil, translate(err, "set site mode", "profile")
	}
	return row.toProfile(), nil
}
