package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// tokenRow is a row of tokens.
type tokenRow struct {
	ID         string         `db:"id"`
	Handle     string         `db:"handle"`
	Name       string         `db:"name"`
	Scopes     string         `db:"scopes"`
	SecretHash []byte         `db:"secret_hash"`
	CreatedBy  string         `db:"created_by"`
	CreatedAt  int64          `db:"created_at"`
	ExpiresAt  sql.NullInt64  `db:"expires_at"`
	RevokedAt  sql.NullInt64  `db:"revoked_at"`
	LastUsedAt sql.NullInt64  `db:"last_used_at"`
	LastUsedIP sql.NullString `db:"last_used_ip"`
	ReplacedBy sql.NullString `db:"replaced_by"`
}

func toTokenRow(t *tenx.Token) (tokenRow, error) {
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	b, err := json.Marshal(scopes)
	if err != nil {
		return tokenRow{}, fmt.Errorf("encode scopes: %w", err)
	}
	return tokenRow{
		ID:         t.ID,
		Handle:     t.Handle,
		Name:       t.Name,
		Scopes:     string(b),
		SecretHash: t.SecretHash,
		CreatedBy:  t.CreatedBy,
		ExpiresAt:  toNullMillis(t.ExpiresAt),
	}, nil
}

func (r tokenRow) toToken() (*tenx.Token, error) {
	var scopes []string
	if err := json.Unmarshal([]byte(r.Scopes), &scopes); err != nil {
		return nil, fmt.Errorf("decode scopes of token %s: %w", r.ID, err)
	}
	return &tenx.Token{
		ID:         r.ID,
		Handle:     r.Handle,
		Name:       r.Name,
		Scopes:     scopes,
		SecretHash: r.SecretHash,
		CreatedBy:  r.CreatedBy,
		CreatedAt:  fromMillis(r.CreatedAt),
		ExpiresAt:  fromNullMillis(r.ExpiresAt),
		RevokedAt:  fromNullMillis(r.RevokedAt),
		LastUsedAt: fromNullMillis(r.LastUsedAt),
		LastUsedIP: r.LastUsedIP.String,
		ReplacedBy: r.ReplacedBy.String,
	}, nil
}

const tokenColumns = `id, handle, name, scopes, secret_hash, created_by, created_at,
	expires_at, revoked_at, last_used_at, last_used_ip, replaced_by`

// activeToken is the condition a usable token meets; its one placeholder
// takes the transaction's time in milliseconds. It matches tenx.Token.Usable.
const activeToken = `revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`

// CreateToken inserts t, setting its CreatedAt, and records token.created;
// a taken ID is ECONFLICT and an unknown handle or creator ENOTFOUND. It
// locks the handle's row and re-checks that the acting user is still
// OPERATOR+ (see lockHandleAs): a token written while its creator was
// being demoted would escape the revocation the demotion performs.
func (db *DB) CreateToken(ctx context.Context, t *tenx.Token) error {
	row, err := toTokenRow(t)
	if err != nil {
		return err
	}
	err = db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := db.lockHandleAs(ctx, tx, row.Handle, tenx.RoleOperator); err != nil {
			return err
		}
		if err := insertToken(ctx, tx, &row, now); err != nil {
			return err
		}
		if err := db.note(ctx, tx, tokenEvent(row.ID)); err != nil { // an unknown id cached as such
			return err
		}
		if err := db.emit(ctx, tx, now, row.Handle, tenx.EventTokenCreated, toTokenPayload(row)); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: row.Handle, Action: tenx.AuditTokenCreated, TargetID: row.ID})
	})
	return db.finishTokenWrite(err, "create token", row, t)
}

// finishTokenWrite translates err or else copies the stored row into t.
func (db *DB) finishTokenWrite(err error, op string, row tokenRow, t *tenx.Token) error {
	if isForeignKeyViolation(err) {
		return tenx.Errorf(tenx.ENOTFOUND, "handle or user not found")
	}
	if err != nil {
		return translate(err, op, "token")
	}
	stored, err := row.toToken()
	if err != nil {
		return err
	}
	*t = *stored
	return nil
}

func insertToken(ctx context.Context, tx *sqlx.Tx, row *tokenRow, now time.Time) error {
	row.CreatedAt = toMillis(now)
	_, err := exec(ctx, tx, `INSERT INTO tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.ID, row.Handle, row.Name, row.Scopes, row.SecretHash, row.CreatedBy, row.CreatedAt,
		row.ExpiresAt, row.RevokedAt, row.LastUsedAt, row.LastUsedIP, row.ReplacedBy)
	return err
}

// FindTokenByID returns the token whatever its state; ENOTFOUND if unknown.
func (db *DB) FindTokenByID(ctx context.Context, id string) (*tenx.Token, error) {
	var row tokenRow
	if err := get(ctx, db.db, &row, `SELECT `+tokenColumns+` FROM tokens WHERE id = ?`, id); err != nil {
		return nil, translate(err, "find token", "token")
	}
	return row.toToken()
}

// FindTokens lists the active tokens of f.Handle, newest first.
// f.NextToken is the nextToken of the previous page; nextToken is empty on
// the last page. An unknown handle has no tokens.
func (db *DB) FindTokens(ctx context.Context, f tenx.TokenFilter) ([]*tenx.Token, string, error) {
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cond, condArgs := timeCursorClause(after)
	args := append([]any{f.Handle, toMillis(db.now())}, condArgs...)
	var rows []tokenRow
	err = query(ctx, db.db, &rows, `SELECT `+tokenColumns+` FROM tokens
		WHERE handle = ? AND `+activeToken+cond+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find tokens", "token")
	}
	rows, next := trimPage(rows, limit, func(r tokenRow) string { return encodeTimeCursor(r.CreatedAt, r.ID) })
	tokens := make([]*tenx.Token, 0, len(rows))
	for _, r := range rows {
		t, err := r.toToken()
		if err != nil {
			return nil, "", err
		}
		tokens = append(tokens, t)
	}
	return tokens, next, nil
}

// RevokeToken revokes an active token of the handle and records
// token.revoked; an unknown, revoked or expired one, or one of another
// handle, is ENOTFOUND.
func (db *DB) RevokeToken(ctx context.Context, handle, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND handle = ? AND `+activeToken,
			toMillis(now), id, handle, toMillis(now))
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		if err := db.note(ctx, tx, tokenEvent(id)); err != nil {
			return err
		}
		if err := db.emit(ctx, tx, now, handle, tenx.EventTokenRevoked, map[string]string{"tokenId": id}); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: tenx.AuditTokenRevoked, TargetID: id})
	})
	return translate(err, "revoke token", "token")
}

// RotateToken, in one transaction, makes the active token oldID of the
// handle expire at oldExpiresAt, or keeps its earlier expiry, records next
// as its one successor, inserts next (setting its CreatedAt) as a token of
// the same handle, and records token.rotated. An oldID that is unknown,
// revoked, expired or of another handle is ENOTFOUND; one already rotated
// is ECONFLICT, so that concurrent or repeated rotations mint one successor
// only. In either case next is not inserted. Like CreateToken it needs the
// acting user to still be OPERATOR+ (see lockHandleAs).
func (db *DB) RotateToken(ctx context.Context, handle, oldID string, next *tenx.Token, oldExpiresAt time.Time) error {
	row, err := toTokenRow(next)
	if err != nil {
		return err
	}
	row.Handle = handle
	err = db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := db.lockHandleAs(ctx, tx, handle, tenx.RoleOperator); err != nil {
			return err
		}
		if err := replaceToken(ctx, tx, handle, oldID, row.ID, oldExpiresAt, now); err != nil {
			return err
		}
		if err := insertToken(ctx, tx, &row, now); err != nil {
			return err
		}
		if err := db.note(ctx, tx, tokenEvent(oldID), tokenEvent(row.ID)); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: tenx.AuditTokenRotated, TargetID: oldID})
	})
	return db.finishTokenWrite(err, "rotate token", row, next)
}

// replaceToken names nextID the successor of an active, not yet replaced
// token and moves its expiry forward to at, never back. The condition on
// replaced_by is what makes the successor one: of two rotations, the
// second (serialised behind the first by the handle's lock, or re-reading
// the row it waited for) changes nothing and is ECONFLICT.
func replaceToken(ctx context.Context, tx *sqlx.Tx, handle, id, nextID string, at, now time.Time) error {
	ms := toMillis(at.UTC().Truncate(time.Millisecond))
	n, err := exec(ctx, tx, `
		UPDATE tokens SET replaced_by = ?,
			expires_at = CASE WHEN expires_at IS NULL OR expires_at > ? THEN ? ELSE expires_at END
		WHERE id = ? AND handle = ? AND replaced_by IS NULL AND `+activeToken,
		nextID, ms, ms, id, handle, toMillis(now))
	if err != nil {
		return err
	}
	if n == 0 {
		return whyNotReplaced(ctx, tx, handle, id)
	}
	return nil
}

// whyNotReplaced tells a token already rotated (ECONFLICT, even once its
// overlap has ended) from one that is unknown, revoked or expired.
func whyNotReplaced(ctx context.Context, tx *sqlx.Tx, handle, id string) error {
	var successor sql.NullString
	err := get(ctx, tx, &successor, `SELECT replaced_by FROM tokens WHERE id = ? AND handle = ? AND revoked_at IS NULL`,
		id, handle)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if successor.Valid {
		return tenx.Errorf(tenx.ECONFLICT,
			"token %q was already rotated (its successor is %s): a token is replaced once; rotate the successor instead",
			id, successor.String)
	}
	return tenx.Errorf(tenx.ENOTFOUND, "token %q not found", id)
}

// TouchToken records a use of the token at at from ip, whatever the
// token's state; an unknown id is ENOTFOUND. A use older than the one
// already recorded changes nothing, so that concurrent requests finishing
// out of order never move last_used_at back. It is a single statement, and
// so its own transaction, because it runs on every PAT request.
func (db *DB) TouchToken(ctx context.Context, id string, at time.Time, ip string) error {
	ms := toMillis(at.UTC().Truncate(time.Millisecond))
	n, err := exec(ctx, db.w, `
		UPDATE tokens SET
			last_used_ip = CASE WHEN last_used_at IS NULL OR last_used_at <= ? THEN ? ELSE last_used_ip END,
			last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at <= ? THEN ? ELSE last_used_at END
		WHERE id = ?`,
		ms, sql.NullString{String: ip, Valid: ip != ""}, ms, ms, id)
	if err == nil && n == 0 {
		err = sql.ErrNoRows
	}
	return translate(err, "touch token", "token")
}
