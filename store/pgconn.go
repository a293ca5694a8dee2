package store

import (
	"context"
	"database/sql/driver"
	"net"
)

// pqConn is every interface of lib/pq's connection that database/sql
// uses; deadlineConn forwards each.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// deadlineConn is a lib/pq connection whose socket has the deadline of the
// context of each call made on it (none for a context without one). Rows
// read and Commit run under the deadline of the call that began them. A
// read or write past the deadline fails with a *net.OpError, which lib/pq
// takes as the end of the connection: it reports it bad, so database/sql
// closes it instead of pooling it.
type deadlineConn struct {
	pqConn
	sock net.Conn
}

// wrapConn wraps c, or returns it as it is if it is not what lib/pq is
// known to return.
func wrapConn(c driver.Conn, sock net.Conn) driver.Conn {
	pc, ok := c.(pqConn)
	if !ok || sock == nil {
		return c
	}
	return &deadlineConn{pqConn: pc, sock: sock}
}

func (c *deadlineConn) arm(ctx context.Context) {
	deadline, _ := ctx.Deadline()
	_ = c.sock.SetDeadline(deadline)
}

// BeginTx implements driver.ConnBeginTx.
func (c *deadlineConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.arm(ctx)
	return c.pqConn.BeginTx(ctx, opts)
}

// PrepareContext implements driver.ConnPrepareContext.
func (c *deadlineConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.arm(ctx)
	st, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s, ok := st.(pqStmt); ok {
		return &deadlineStmt{pqStmt: s, conn: c}, nil
	}
	return st, nil
}

// QueryContext implements driver.QueryerContext.
func (c *deadlineConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.arm(ctx)
	return c.pqConn.QueryContext(ctx, query, args)
}

// ExecContext implements driver.ExecerContext.
func (c *deadlineConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.arm(ctx)
	return c.pqConn.ExecContext(ctx, query, args)
}

// Ping implements driver.Pinger.
func (c *deadlineConn) Ping(ctx context.Context) error {
	c.arm(ctx)
	return c.pqConn.Ping(ctx)
}

// ResetSession implements driver.SessionResetter; database/sql calls it
// with the next user's context before reusing a pooled connection.
func (c *deadlineConn) ResetSession(ctx context.Context) error {
	c.arm(ctx)
	return c.pqConn.ResetSession(ctx)
}

// pqStmt is every interface of lib/pq's statement that database/sql uses.
type pqStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

// deadlineStmt is a prepared statement of a deadlineConn.
type deadlineStmt struct {
	pqStmt
	conn *deadlineConn
}

// QueryContext implements driver.StmtQueryContext.
func (s *deadlineStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.conn.arm(ctx)
	return s.pqStmt.QueryContext(ctx, args)
}

// ExecContext implements driver.StmtExecContext.
func (s *deadlineStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.conn.arm(ctx)
	return s.pqStmt.ExecContext(ctx, args)
}
