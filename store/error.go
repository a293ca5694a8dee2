package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"tenx"
)

// translate is the one place where driver errors become tenx errors. what
// names the resource in not-found and conflict messages; op gives any other
// error its context. A *tenx.Error passes through unchanged.
func translate(err error, op, what string) error {
	var e *tenx.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return tenx.Errorf(tenx.ENOTFOUND, "%s not found", what)
	case isUniqueViolation(err):
		return tenx.Errorf(tenx.ECONFLICT, "%s already exists", what)
	case isUnstorableText(err):
		return &tenx.Error{Code: tenx.EVALIDATION, Message: "text contains U+0000 or a character the database cannot store"}
	case isRetryable(err):
		return &tenx.Error{Code: tenx.EUNAVAILABLE, Message: "database busy; retry"}
	case isUnavailable(err):
		return &tenx.Error{Code: tenx.EUNAVAILABLE, Message: "database unavailable"}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func isUniqueViolation(err error) bool {
	if pqErr := pq.As(err, pqerror.UniqueViolation); pqErr != nil {
		return true
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isUnstorableText reports whether Postgres refused text it cannot store:
// U+0000, bytes that are not UTF-8, or a character outside the database's
// encoding. The server refuses such input first; this is the backstop.
func isUnstorableText(err error) bool {
	return pq.As(err, pqerror.CharacterNotInRepertoire, pqerror.UntranslatableCharacter) != nil
}

// isForeignKeyViolation reports whether err says a row names a parent that
// does not exist, such as a link of an unknown handle.
func isForeignKeyViolation(err error) bool {
	if pqErr := pq.As(err, pqerror.ForeignKeyViolation); pqErr != nil {
		return true
	}
	var sqliteErr *sqlite.Error
	return errors.As(err, &sqliteErr) && sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// isUnavailable reports whether err says the database cannot be reached, as
// opposed to a query that went wrong.
// errDBClosed is database/sql's error for a query on a closed pool.
const errDBClosed = "sql: database is closed"

func isUnavailable(err error) bool {
	var opErr *net.OpError
	switch {
	// database/sql does not export it: the pool was closed (shutting down).
	case err.Error() == errDBClosed || strings.HasSuffix(err.Error(), ": "+errDBClosed):
		return true
	case errors.As(err, &opErr),
		errors.Is(err, context.DeadlineExceeded), // the request's database deadline
		errors.Is(err, context.Canceled),
		errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	pqErr := pq.As(err)
	if pqErr == nil {
		return false
	}
	switch pqErr.Code {
	case pqerror.AdminShutdown, pqerror.CrashShutdown, pqerror.CannotConnectNow,
		pqerror.QueryCanceled: // statement_timeout, or a cancel request on a deadline
		return true
	}
	return pqErr.Code.Class() == pqerror.ClassConnectionException
}
