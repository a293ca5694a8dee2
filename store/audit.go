package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// auditRow is a row of audit_events.
type auditRow struct {
	ID           string         `db:"id"`
	Handle       sql.NullString `db:"handle"`
	Action       string         `db:"action"`
	ActorUserID  string         `db:"actor_user_id"`
	ActorTokenID string         `db:"actor_token_id"`
	TargetID     string         `db:"target_id"`
	IP           string         `db:"ip"`
	CreatedAt    int64          `db:"created_at"`
}

func toAuditRow(e *tenx.AuditEvent) auditRow {
	return auditRow{
		ID:           e.ID,
		Handle:       sql.NullString{String: e.Handle, Valid: e.Handle != ""},
		Action:       e.Action,
		ActorUserID:  e.ActorUserID,
		ActorTokenID: e.ActorTokenID,
		TargetID:     e.TargetID,
		IP:           e.IP,
		CreatedAt:    toMillis(e.CreatedAt),
	}
}

func (r auditRow) toAuditEvent() *tenx.AuditEvent {
	return &tenx.AuditEvent{
		ID:           r.ID,
		Handle:       r.Handle.String,
		Action:       r.Action,
		ActorUserID:  r.ActorUserID,
		ActorTokenID: r.ActorTokenID,
		TargetID:     r.TargetID,
		IP:           r.IP,
		CreatedAt:    fromMillis(r.CreatedAt),
	}
}

const auditColumns = `id, handle, action, actor_user_id, actor_token_id, target_id, ip, created_at`

// record is the one place where a write leaves its trace, inside the
// write's own transaction, so that nothing changes without it: the audit
// row of e now, and (from the webhooks issue on) the outbox event of the
// same change beside it. The actor is the authenticated caller in ctx
// unless e names one (a login has no caller yet); the address is the
// caller's. An event with no handle (a login) is listed by no handle.
func record(ctx context.Context, tx *sqlx.Tx, now time.Time, e tenx.AuditEvent) error {
	if p := tenx.PrincipalFromContext(ctx); p != nil && e.ActorUserID == "" {
		e.ActorUserID, e.ActorTokenID = p.UserID, p.TokenID
	}
	e.IP = tenx.ClientIPFromContext(ctx)
	return insertAudit(ctx, tx, &e, now)
}

// insertAudit stores e inside the caller's transaction and sets its ID and
// CreatedAt. The row is keyed by the id of the handle that bears e.Handle's
// name now, in the same statement; the name is kept for display only.
func insertAudit(ctx context.Context, tx *sqlx.Tx, e *tenx.AuditEvent, now time.Time) error {
	row := toAuditRow(e)
	row.ID, row.CreatedAt = newID("aud_"), toMillis(now)
	_, err := exec(ctx, tx, `INSERT INTO audit_events (`+auditColumns+`, handle_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM handles WHERE name = ?))`,
		row.ID, row.Handle, row.Action, row.ActorUserID, row.ActorTokenID, row.TargetID, row.IP, row.CreatedAt,
		row.Handle)
	if err != nil {
		return err
	}
	*e = *row.toAuditEvent()
	return nil
}

// FindAuditEvents lists the events of the handle named f.Handle now, by
// its id, newest first: never those of a deleted handle of the same name,
// and none for an unknown name. f.NextToken is the nextToken of the
// previous page; nextToken is empty on the last page.
func (db *DB) FindAuditEvents(ctx context.Context, f tenx.AuditFilter) ([]*tenx.AuditEvent, string, error) {
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cond, condArgs := timeCursorClause(after)
	args := append([]any{f.Handle}, condArgs...)
	var rows []auditRow
	err = query(ctx, db.db, &rows, `SELECT `+auditColumns+` FROM audit_events
		WHERE handle_id = (SELECT id FROM handles WHERE name = ?)`+cond+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find audit events", "audit event")
	}
	rows, next := trimPage(rows, limit, func(r auditRow) string { return encodeTimeCursor(r.CreatedAt, r.ID) })
	events := make([]*tenx.AuditEvent, 0, len(rows))
	for _, r := range rows {
		events = append(events, r.toAuditEvent())
	}
	return events, next, nil
}
