package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// userRow is a row of users.
type userRow struct {
	ID           string `db:"id"`
	Email        string `db:"email"`
	PasswordHash string `db:"password_hash"`
	IsAdmin      bool   `db:"is_admin"`
	CreatedAt    int64  `db:"created_at"`
}

func toUserRow(u *tenx.User) userRow {
	return userRow{
		ID:           u.ID,
		Email:        u.Email,
		PasswordHash: u.PasswordHash,
		IsAdmin:      u.IsAdmin,
		CreatedAt:    toMillis(u.CreatedAt),
	}
}

func (r userRow) toUser() *tenx.User {
	return &tenx.User{
		ID:           r.ID,
		Email:        r.Email,
		PasswordHash: r.PasswordHash,
		IsAdmin:      r.IsAdmin,
		CreatedAt:    fromMillis(r.CreatedAt),
	}
}

const userColumns = `id, email, password_hash, is_admin, created_at`

// CreateUser inserts u, setting its ID and CreatedAt and normalizing its
// email; a taken email is ECONFLICT.
func (db *DB) CreateUser(ctx context.Context, u *tenx.User) error {
	row := toUserRow(u)
	row.ID = newID("usr_")
	row.Email = tenx.NormalizeEmail(u.Email)
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt = toMillis(now)
		_, err := exec(ctx, tx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?)`,
			row.ID, row.Email, row.PasswordHash, row.IsAdmin, row.CreatedAt)
		return err
	})
	if err != nil {
		return translate(err, "create user", "user")
	}
	*u = *row.toUser()
	return nil
}

// FindUserByID returns ENOTFOUND for an unknown id.
func (db *DB) FindUserByID(ctx context.Context, id string) (*tenx.User, error) {
	return db.findUser(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
}

// FindUserByEmail looks up an email after normalizing it; ENOTFOUND if unknown.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*tenx.User, error) {
	return db.findUser(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`,
		tenx.NormalizeEmail(email))
}

func (db *DB) findUser(ctx context.Context, q string, arg string) (*tenx.User, error) {
	var row userRow
	if err := get(ctx, db.db, &row, q, arg); err != nil {
		return nil, translate(err, "find user", "user")
	}
	return row.toUser(), nil
}

// FindUsers lists users in id order. f.NextToken is the nextToken of the
// previous page; nextToken is empty on the last page.
func (db *DB) FindUsers(ctx context.Context, f tenx.UserFilter) ([]*tenx.User, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	// One row more than asked tells whether another page follows.
	var rows []userRow
	err = query(ctx, db.db, &rows,
		`SELECT `+userColumns+` FROM users WHERE id > ? ORDER BY id LIMIT ?`, after, limit+1)
	if err != nil {
		return nil, "", translate(err, "find users", "user")
	}
	rows, next := trimPage(rows, limit, func(r userRow) string { return encodePageToken(r.ID) })
	users := make([]*tenx.User, 0, len(rows))
	for _, r := range rows {
		users = append(users, r.toUser())
	}
	return users, next, nil
}
