package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// sessionRow is a row of sessions.
type sessionRow struct {
	ID        string        `db:"id"`
	UserID    string        `db:"user_id"`
	CreatedAt int64         `db:"created_at"`
	ExpiresAt int64         `db:"expires_at"`
	RevokedAt sql.NullInt64 `db:"revoked_at"`
}

func (r sessionRow) toSession() *tenx.Session {
	return &tenx.Session{
		ID:        r.ID,
		UserID:    r.UserID,
		CreatedAt: fromMillis(r.CreatedAt),
		ExpiresAt: fromMillis(r.ExpiresAt),
		RevokedAt: fromNullMillis(r.RevokedAt),
	}
}

// refreshRow is a refresh token joined to its session.
type refreshRow struct {
	sessionRow
	UsedAt          sql.NullInt64 `db:"used_at"`
	SuccessorSealed []byte        `db:"successor_sealed"`
}

const sessionColumns = `id, user_id, created_at, expires_at, revoked_at`

// errInvalidRefresh is the one answer to every refresh token that cannot be
// used, so that callers learn nothing about why.
func errInvalidRefresh() error {
	return tenx.Errorf(tenx.EINVALIDREFRESH, "refresh token is invalid, expired or revoked")
}

// CreateSession inserts s, setting its ID and CreatedAt, together with its
// first refresh token hash, and records the login (user.login, by and of
// the session's user).
func (db *DB) CreateSession(ctx context.Context, s *tenx.Session, refreshHash []byte) error {
	row := sessionRow{ID: newID("ses_"), UserID: s.UserID, ExpiresAt: toMillis(s.ExpiresAt)}
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt = toMillis(now)
		_, err := exec(ctx, tx, `INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			row.ID, row.UserID, row.CreatedAt, row.ExpiresAt)
		if err != nil {
			return err
		}
		if err := insertRefreshToken(ctx, tx, refreshHash, row.ID, now); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Action: tenx.AuditLogin, ActorUserID: row.UserID, TargetID: row.UserID})
	})
	if err != nil {
		return translate(err, "create session", "session")
	}
	*s = *row.toSession()
	return nil
}

func insertRefreshToken(ctx context.Context, tx *sqlx.Tx, hash []byte, sessionID string, now time.Time) error {
	_, err := exec(ctx, tx, `INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)`,
		hash, sessionID, toMillis(now))
	return err
}

// FindSessionByID returns ENOTFOUND for an unknown id.
func (db *DB) FindSessionByID(ctx context.Context, id string) (*tenx.Session, error) {
	var row sessionRow
	err := get(ctx, db.db, &row, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id)
	if err != nil {
		return nil, translate(err, "find session", "session")
	}
	return row.toSession(), nil
}

// RotateRefreshToken exchanges r.OldHash for r.NewHash and returns the
// session. Presenting a token that was already exchanged is taken as theft
// unless it comes within r.Grace of its rotation (two tabs refreshing at
// once): then nothing changes and the sealed successor of that rotation is
// returned as replay. Theft revokes the session, and that revocation is
// committed even though the answer is EINVALIDREFRESH.
func (db *DB) RotateRefreshToken(ctx context.Context, r tenx.RefreshRotation) (*tenx.Session, []byte, error) {
	tx, err := db.w.BeginTxx(ctx, nil)
	if err != nil {
		return nil, nil, translate(err, "rotate refresh token", "refresh token")
	}
	defer db.discardNotes(tx)
	defer tx.Rollback()
	now := db.now()
	s, used, err := rotate(ctx, tx, r, now)
	switch {
	case err != nil:
	case used == nil:
		err = tx.Commit()
	case used.UsedAt.Valid && r.Grace > 0 && len(used.SuccessorSealed) > 0 &&
		!now.After(fromMillis(used.UsedAt.Int64).Add(r.Grace)):
		return s, used.SuccessorSealed, nil
	default:
		if err = db.revokeReused(ctx, tx, s.ID, now); tenx.ErrorCode(err) == tenx.EINVALIDREFRESH {
			return s, nil, err // the session it revoked, so callers can forget its tokens
		}
	}
	if err != nil {
		return nil, nil, translate(err, "rotate refresh token", "refresh token")
	}
	return s, nil, nil
}

const selectRefresh = `
	SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at, t.used_at, t.successor_sealed
	FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
	WHERE t.hash = ?`

// rotate marks r.OldHash used, keeping the sealed successor with it, and
// stores r.NewHash. When the old token was used before it changes nothing
// and returns its row, whose used_at and successor tell the caller whether
// this is a retry within the grace or reuse.
func rotate(ctx context.Context, tx *sqlx.Tx, r tenx.RefreshRotation, now time.Time) (*tenx.Session, *refreshRow, error) {
	var row refreshRow
	err := get(ctx, tx, &row, selectRefresh, r.OldHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errInvalidRefresh()
	}
	if err != nil {
		return nil, nil, err
	}
	s := row.toSession()
	if !s.Active(now) {
		return nil, nil, errInvalidRefresh()
	}
	if row.UsedAt.Valid {
		return s, &row, nil
	}
	// The used_at condition settles a race between two rotations of one
	// token: the later one updates nothing and reads the row the earlier
	// one committed (Postgres blocks it on the row lock until then; each
	// statement sees what is committed when it starts).
	n, err := exec(ctx, tx, `UPDATE refresh_tokens SET used_at = ?, successor_sealed = ? WHERE hash = ? AND used_at IS NULL`,
		toMillis(now), r.Sealed, r.OldHash)
	if err != nil {
		return nil, nil, err
	}
	if n == 0 {
		if err := get(ctx, tx, &row, selectRefresh, r.OldHash); err != nil {
			return nil, nil, err
		}
		return s, &row, nil
	}
	if err := insertRefreshToken(ctx, tx, r.NewHash, s.ID, now); err != nil {
		return nil, nil, err
	}
	return s, nil, nil
}

// revokeReused revokes the session of a reused token and commits that, then
// answers EINVALIDREFRESH.
func (db *DB) revokeReused(ctx context.Context, tx *sqlx.Tx, sessionID string, now time.Time) error {
	if _, err := revokeSession(ctx, tx, sessionID, now); err != nil {
		return err
	}
	if err := db.note(ctx, tx, sessionEvent(sessionID)); err != nil {
		return err
	}
	if err := db.commit(tx); err != nil {
		return err
	}
	return errInvalidRefresh()
}

// RevokeSession ends a session; revoking an ended session is a no-op and an
// unknown id is ENOTFOUND.
func (db *DB) RevokeSession(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := revokeSession(ctx, tx, id, now)
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		return db.note(ctx, tx, sessionEvent(id))
	})
	return translate(err, "revoke session", "session")
}

// revokeSession keeps the first revocation time and reports whether the
// session exists.
func revokeSession(ctx context.Context, tx *sqlx.Tx, id string, now time.Time) (int64, error) {
	return exec(ctx, tx, `UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`,
		toMillis(now), id)
}
