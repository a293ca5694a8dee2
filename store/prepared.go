package store

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
)

// preparedQuery is a statement prepared on first use and kept: for the
// queries of the hottest paths, where parsing the SQL each time (SQLite
// parses every unprepared statement) costs more than running it.
type preparedQuery struct {
	mu   sync.Mutex
	stmt atomic.Pointer[sqlx.Stmt]
}

// get returns the prepared query, preparing it (with ? rebound) the first
// time; a failed preparation is tried again by the next call.
func (p *preparedQuery) get(ctx context.Context, db *sqlx.DB, query string) (*sqlx.Stmt, error) {
	if s := p.stmt.Load(); s != nil {
		return s, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.stmt.Load(); s != nil {
		return s, nil
	}
	stmt, err := db.PreparexContext(ctx, db.Rebind(query))
	if err != nil {
		return nil, err
	}
	p.stmt.Store(stmt)
	return stmt, nil
}
