package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// Audit actions of account domains.
const (
	auditDomainCreated  = "domain.created"
	auditDomainVerified = "domain.verified"
	auditDomainRouted   = "domain.routes_replaced"
	auditDomainDeleted  = "domain.deleted"
)

// domainRow is a row of account_domains.
type domainRow struct {
	Name          string        `db:"name"`
	UserID        string        `db:"user_id"`
	Status        string        `db:"status"`
	DefaultHandle string        `db:"default_handle"`
	PathRules     string        `db:"path_rules"`
	TXTValue      string        `db:"txt_value"`
	Reason        string        `db:"reason"`
	CheckedAt     sql.NullInt64 `db:"checked_at"`
	VerifiedAt    sql.NullInt64 `db:"verified_at"`
	CreatedAt     int64         `db:"created_at"`
}

// pathRuleJSON is how a path rule is stored in path_rules.
type pathRuleJSON struct {
	PathPrefix string `json:"pathPrefix"`
	Handle     string `json:"handle"`
	Priority   int    `json:"priority"`
}

func encodePathRules(rules []tenx.PathRule) (string, error) {
	out := make([]pathRuleJSON, 0, len(rules))
	for _, r := range rules {
		out = append(out, pathRuleJSON(r))
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func (r domainRow) toDomain() (*tenx.Domain, error) {
	var rules []pathRuleJSON
	if err := json.Unmarshal([]byte(r.PathRules), &rules); err != nil {
		return nil, err
	}
	d := &tenx.Domain{Name: r.Name, UserID: r.UserID, Status: tenx.DomainStatus(r.Status),
		DefaultHandle: r.DefaultHandle, PathRules: make([]tenx.PathRule, 0, len(rules)), TXTValue: r.TXTValue,
		Reason: r.Reason, CheckedAt: fromNullMillis(r.CheckedAt), VerifiedAt: fromNullMillis(r.VerifiedAt),
		CreatedAt: fromMillis(r.CreatedAt)}
	for _, pr := range rules {
		d.PathRules = append(d.PathRules, tenx.PathRule(pr))
	}
	return d, nil
}

const domainColumns = `name, user_id, status, default_handle, path_rules, txt_value, reason,
	checked_at, verified_at, created_at`

// CreateDomain inserts d as PENDING with its TXT value, setting CreatedAt.
// A name the user already claimed, or one ACTIVE for anybody, is ECONFLICT.
func (db *DB) CreateDomain(ctx context.Context, d *tenx.Domain) error {
	rules, err := encodePathRules(d.PathRules)
	if err != nil {
		return err
	}
	row := domainRow{Name: d.Name, UserID: d.UserID, Status: string(tenx.DomainPending),
		DefaultHandle: d.DefaultHandle, PathRules: rules, TXTValue: d.TXTValue}
	err = db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var taken int
		if err := get(ctx, tx, &taken, `SELECT COUNT(*) FROM account_domains WHERE name = ? AND status = 'ACTIVE'`,
			d.Name); err != nil {
			return err
		}
		if taken > 0 {
			return tenx.Errorf(tenx.ECONFLICT, "domain %s is already in use by another account", d.Name)
		}
		row.CreatedAt = toMillis(now)
		if _, err := exec(ctx, tx, `INSERT INTO account_domains (`+domainColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row.Name, row.UserID, row.Status, row.DefaultHandle,
			row.PathRules, row.TXTValue, row.Reason, row.CheckedAt, row.VerifiedAt, row.CreatedAt); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: d.DefaultHandle, Action: auditDomainCreated, TargetID: d.Name})
	})
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle %q not found", d.DefaultHandle)
	}
	if err != nil {
		return translate(err, "create domain", "domain "+d.Name)
	}
	out, err := row.toDomain()
	if err != nil {
		return err
	}
	*d = *out
	return nil
}

// FindDomain returns the user's claim of name; ENOTFOUND if none.
func (db *DB) FindDomain(ctx context.Context, userID, name string) (*tenx.Domain, error) {
	return findDomain(ctx, db.db, userID, name)
}

func findDomain(ctx context.Context, q sqlx.ExtContext, userID, name string) (*tenx.Domain, error) {
	var row domainRow
	err := get(ctx, q, &row, `SELECT `+domainColumns+` FROM account_domains WHERE user_id = ? AND name = ?`,
		userID, name)
	if err != nil {
		return nil, translate(err, "find domain", "domain "+name)
	}
	return row.toDomain()
}

// FindDomains lists the user's domains by name. f.NextToken is the
// nextToken of the previous page; nextToken is empty on the last page.
func (db *DB) FindDomains(ctx context.Context, f tenx.DomainFilter) ([]*tenx.Domain, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var rows []domainRow
	err = query(ctx, db.db, &rows, `SELECT `+domainColumns+` FROM account_domains
		WHERE user_id = ? AND name > ? ORDER BY name LIMIT ?`, f.UserID, after, limit+1)
	if err != nil {
		return nil, "", translate(err, "find domains", "domain")
	}
	rows, next := trimPage(rows, limit, func(r domainRow) string { return encodePageToken(r.Name) })
	out := make([]*tenx.Domain, 0, len(rows))
	for _, r := range rows {
		d, err := r.toDomain()
		if err != nil {
			return nil, "", err
		}
		out = append(out, d)
	}
	return out, next, nil
}

// ActiveDomain returns the ACTIVE domain named host; ENOTFOUND if none.
// It reads the database every time: DomainCache puts a cache in front.
func (db *DB) ActiveDomain(ctx context.Context, host string) (*tenx.Domain, error) {
	var row domainRow
	err := get(ctx, db.db, &row, `SELECT `+domainColumns+` FROM account_domains
		WHERE name = ? AND status = 'ACTIVE'`, host)
	if err != nil {
		return nil, translate(err, "find active domain", "domain "+host)
	}
	return row.toDomain()
}

// DeleteDomain releases the user's claim of name; ENOTFOUND if none.
func (db *DB) DeleteDomain(ctx context.Context, userID, name string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		d, err := findDomain(ctx, tx, userID, name)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `DELETE FROM account_domains WHERE user_id = ? AND name = ?`, userID, name); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: d.DefaultHandle, Action: auditDomainDeleted, TargetID: name})
	})
	return translate(err, "delete domain", "domain "+name)
}

// ReplaceDomainRoutes sets the default handle and path rules of the
// user's claim of name; ENOTFOUND if none, or for an unknown handle.
func (db *DB) ReplaceDomainRoutes(ctx context.Context, userID, name, defaultHandle string, rules []tenx.PathRule) (*tenx.Domain, error) {
	encoded, err := encodePathRules(rules)
	if err != nil {
		return nil, err
	}
	var out *tenx.Domain
	err = db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `UPDATE account_domains SET default_handle = ?, path_rules = ?
			WHERE user_id = ? AND name = ?`, defaultHandle, encoded, userID, name)
		if err != nil {
			return err
		}
		if n == 0 {
			return sql.ErrNoRows
		}
		if out, err = findDomain(ctx, tx, userID, name); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: defaultHandle, Action: auditDomainRouted, TargetID: name})
	})
	if isForeignKeyViolation(err) {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "handle %q not found", defaultHandle)
	}
	if err != nil {
		return nil, translate(err, "replace domain routes", "domain "+name)
	}
	return out, nil
}

// RecordDomainCheck stores a TXT check: reason "" makes the domain ACTIVE
// (ECONFLICT when another user has it ACTIVE), anything else keeps it
// PENDING with the reason.
func (db *DB) RecordDomainCheck(ctx context.Context, userID, name, reason string, checkedAt time.Time) (*tenx.Domain, error) {
	var out *tenx.Domain
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		at := toMillis(checkedAt)
		q := `UPDATE account_domains SET reason = ?, checked_at = ? WHERE user_id = ? AND name = ? AND status = 'PENDING'`
		args := []any{reason, at, userID, name}
		if reason == "" {
			q = `UPDATE account_domains SET status = 'ACTIVE', reason = '', checked_at = ?, verified_at = ?
				WHERE user_id = ? AND name = ? AND status = 'PENDING'`
			args = []any{at, at, userID, name}
		}
		n, err := exec(ctx, tx, q, args...)
		if err != nil {
			return err
		}
		if out, err = findDomain(ctx, tx, userID, name); err != nil {
			return err
		}
		if n == 0 || reason != "" {
			return nil
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: out.DefaultHandle, Action: auditDomainVerified, TargetID: name})
	})
	if isUniqueViolation(err) {
		return nil, tenx.Errorf(tenx.ECONFLICT, "domain %s is already in use by another account", name)
	}
	if err != nil {
		return nil, translate(err, "record domain check", "domain "+name)
	}
	return out, nil
}

var (
	_ tenx.DomainService   = (*DB)(nil)
	_ tenx.AdminService    = (*DB)(nil)
	_ tenx.StandingService = (*DB)(nil)
	_ tenx.PlanService     = (*DB)(nil)
)
