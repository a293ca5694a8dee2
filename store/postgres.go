package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"tenx/invalidate"
	"tenx/queue"
)

// A Postgres that is hung rather than down accepts connections and then
// never answers. lib/pq honours a context only by sending a cancel request
// over a new connection, which a hung server never answers either, while
// the query keeps waiting on its socket; so a request would wait forever.
// Here every socket read and write has the deadline of the context of the
// call that issues it (see deadlineConn): when the context ends, the read
// fails, lib/pq marks the connection bad, and database/sql discards it, so
// no frozen connection is handed out again once the server recovers.

// Defaults added to a Postgres URL that does not set them.
const (
	// defaultConnectTimeout bounds connecting, including lib/pq's cancel
	// requests, which have no other deadline (seconds).
	defaultConnectTimeout = "5"
	// defaultStatementTimeout makes the server give up on a statement
	// whose client has gone; requests give up sooner on their own. Long
	// migrations may need statement_timeout=0 in the URL.
	defaultStatementTimeout = "30s"
)

// tcpKeepAlive finds a peer that vanished (host down, cable cut) in about
// Idle + Count*Interval, on connections that are idle as well as busy.
var tcpKeepAlive = net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 5 * time.Second, Count: 3}

// openPostgres opens a pool of Postgres connections whose every read and
// write is bounded by its call's context.
func openPostgres(rawURL string, clock func() time.Time) (*DB, error) {
	dsn, err := withDefaults(rawURL)
	if err != nil {
		return nil, err
	}
	pc, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pc.Dialer(dialer{newNetDialer()})
	sdb := sqlx.NewDb(sql.OpenDB(&connector{pq: pc}), "postgres")
	db := &DB{db: sdb, w: sdb, dialect: DialectPostgres, clock: clock, links: newLinkCache(), rules: newRuleCache(),
		origins: newOriginCache(), pages: newLinkPages(), bus: invalidate.NewShared(), dsn: dsn}
	if db.jobs, err = queue.NewInserter(queue.DialectPostgres, sdb.DB); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetPool(DefaultPostgresPool())
	db.subscribeLinks()
	db.subscribeRules()
	db.subscribeOrigins()
	return db, nil
}

func newNetDialer() net.Dialer { return net.Dialer{KeepAliveConfig: tcpKeepAlive} }

// withDefaults adds connect_timeout and statement_timeout to a Postgres URL
// that does not set them. lib/pq sends statement_timeout, which it does not
// know, to the server as a run-time parameter.
func withDefaults(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("open database: url %s does not parse", redact(rawURL))
	}
	q := u.Query()
	for k, v := range map[string]string{"connect_timeout": defaultConnectTimeout,
		"statement_timeout": defaultStatementTimeout} {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// connSlotKey carries, through lib/pq's Connect, the slot where the dialer
// leaves the socket of the connection being opened.
type connSlotKey struct{}

// connSlot holds the socket of a connection being opened. When the
// context of the Connect ends first, the socket's deadline is moved into
// the past: lib/pq bounds its handshake only by connect_timeout, which may
// be later than the caller's deadline.
type connSlot struct {
	mu      sync.Mutex
	conn    net.Conn
	expired bool
}

func (s *connSlot) set(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn = c // the last dial wins: lib/pq may dial again, e.g. without SSL
	if s.expired {
		_ = c.SetDeadline(pastDeadline)
	}
}

func (s *connSlot) expire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired = true
	if s.conn != nil {
		_ = s.conn.SetDeadline(pastDeadline)
	}
}

func (s *connSlot) get() net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn
}

// pastDeadline fails every pending and future read and write at once.
var pastDeadline = time.Unix(1, 0)

// dialer is lib/pq's dialer with keepalives, which hands each socket to the
// connector that asked for it. lib/pq also dials through it to send cancel
// requests; those sockets get the connect_timeout deadline from lib/pq.
type dialer struct{ d net.Dialer }

// Dial implements pq.Dialer.
func (d dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

// DialTimeout implements pq.Dialer.
func (d dialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

// DialContext implements pq.DialerContext.
func (d dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := d.d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	if slot, ok := ctx.Value(connSlotKey{}).(*connSlot); ok {
		slot.set(c)
	}
	return c, nil
}

// connector opens lib/pq connections and wraps each with its socket.
type connector struct{ pq *pq.Connector }

// Connect implements driver.Connector.
func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	slot := &connSlot{}
	stop := context.AfterFunc(ctx, slot.expire)
	conn, err := c.pq.Connect(context.WithValue(ctx, connSlotKey{}, slot))
	stop()
	if err != nil {
		return nil, err
	}
	return wrapConn(conn, slot.get()), nil
}

// Driver implements driver.Connector.
func (c *connector) Driver() driver.Driver { return c.pq.Driver() }
