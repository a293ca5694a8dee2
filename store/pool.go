package store

import (
	"database/sql"
	"runtime"
	"time"
)

// Pool sizes the connection pool: on Postgres the one pool, on SQLite the
// readers (its one writer connection is fixed).
type Pool struct {
	// MaxOpen bounds open connections; MaxIdle is how many are kept
	// open while unused (kept equal to MaxOpen by default, so a burst does
	// not open and close connections).
	MaxOpen, MaxIdle int
	// MaxIdleTime and MaxLifetime recycle connections, so that one a load
	// balancer silently dropped is not kept forever.
	MaxIdleTime, MaxLifetime time.Duration
}

// DefaultPostgresPool is enough connections for a busy instance, few
// enough that replicas do not exhaust the server's max_connections.
func DefaultPostgresPool() Pool {
	return Pool{MaxOpen: 25, MaxIdle: 25, MaxIdleTime: 5 * time.Minute, MaxLifetime: time.Hour}
}

// DefaultSQLitePool has a reader per CPU (at least four): SQLite reads run
// in this process, so more readers than CPUs only queue in the kernel.
func DefaultSQLitePool() Pool {
	n := max(runtime.GOMAXPROCS(0), 4)
	return Pool{MaxOpen: n, MaxIdle: n}
}

// SetPool applies p; zero fields keep their current setting.
func (db *DB) SetPool(p Pool) {
	d := db.db.DB
	if p.MaxOpen > 0 {
		d.SetMaxOpenConns(p.MaxOpen)
	}
	if p.MaxIdle > 0 {
		d.SetMaxIdleConns(p.MaxIdle)
	}
	if p.MaxIdleTime > 0 {
		d.SetConnMaxIdleTime(p.MaxIdleTime)
	}
	if p.MaxLifetime > 0 {
		d.SetConnMaxLifetime(p.MaxLifetime)
	}
}

// Stats are the pool's statistics: the readers' and the writer's (the same
// pool on Postgres).
func (db *DB) Stats() (read, write sql.DBStats) {
	return db.db.Stats(), db.w.Stats()
}
