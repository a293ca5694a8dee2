package store

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"tenx"
)

// Page tokens are opaque to clients: the sort key of a page's last item,
// base64url-encoded. A list ordered by id or slug encodes just that; a list
// ordered newest first encodes "<created_at ms>,<id>".

// pageLimit applies the default and the cap to a requested page size.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return tenx.DefaultListLimit
	case n > tenx.MaxListLimit:
		return tenx.MaxListLimit
	}
	return n
}

// trimPage cuts rows, fetched with one row more than limit, to limit and
// returns the token of the next page: empty when the extra row is missing.
func trimPage[T any](rows []T, limit int, token func(T) string) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, token(rows[limit-1])
}

func encodePageToken(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastKey))
}

func decodePageToken(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	// The key is compared with text columns: Postgres refuses U+0000 and
	// bytes that are not UTF-8 (SQLSTATE 22021), so such a token is as
	// malformed as one that is not base64.
	if err != nil || len(b) == 0 || bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
		return "", errMalformedPageToken()
	}
	return string(b), nil
}

// timeCursor is the position after the last item of a newest-first page.
type timeCursor struct {
	createdAt int64
	id        string
}

func encodeTimeCursor(createdAt int64, id string) string {
	return encodePageToken(strconv.FormatInt(createdAt, 10) + "," + id)
}

// decodeTimeCursor returns nil for the first page.
func decodeTimeCursor(token string) (*timeCursor, error) {
	s, err := decodePageToken(token)
	if err != nil || s == "" {
		return nil, err
	}
	ms, id, ok := strings.Cut(s, ",")
	createdAt, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return nil, errMalformedPageToken()
	}
	return &timeCursor{createdAt: createdAt, id: id}, nil
}

// timeCursorClause restricts a newest-first query to the rows after c; it
// returns no clause for the first page.
func timeCursorClause(c *timeCursor) (string, []any) {
	return timeCursorClauseOf(c, "")
}

// timeCursorClauseOf is timeCursorClause on the columns of the table
// alias (as "d." in a join).
func timeCursorClauseOf(c *timeCursor, alias string) (string, []any) {
	if c == nil {
		return "", nil
	}
	return ` AND (` + alias + `created_at, ` + alias + `id) < (?, ?)`, []any{c.createdAt, c.id}
}

func errMalformedPageToken() error {
	return &tenx.Error{Code: tenx.EVALIDATION, Field: "nextToken", Message: "nextToken is malformed"}
}
