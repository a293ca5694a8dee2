package store

import (
	"database/sql"
	"fmt"

	"github.com/lib/pq"
)

// QueuePool opens a pool of at most n connections of its own to this
// database for the job queue's workers (package queue). River's fetch,
// completion and maintenance loops hold connections while they run: on
// SQLite they must not queue behind the store's single writer connection
// (they would wait on each other there), and on Postgres they must not
// take the connections requests need. The SQLite pool has the writer's
// pragmas (busy_timeout, immediate transactions); the caller closes it.
func (db *DB) QueuePool(n int) (*sql.DB, error) {
	var (
		pool *sql.DB
		err  error
	)
	switch db.dialect {
	case DialectSQLite:
		pool, err = sql.Open("sqlite", db.path+"?"+sqlitePragmas+"&_txlock=immediate")
	default:
		var pc *pq.Connector
		if pc, err = pq.NewConnector(db.dsn); err == nil {
			pc.Dialer(dialer{newNetDialer()})
			pool = sql.OpenDB(&connector{pq: pc})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open queue pool: %w", err)
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	return pool, nil
}
