package server_test

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"tenx/store/storetest"
)

// tcpProxy forwards a local port to Postgres and can cut every connection,
// so a test sees the real driver errors of a database going away, or
// freeze them, so it sees a database that hangs.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
	// thawed is closed while bytes flow; freeze replaces it with an open
	// channel that thaw closes.
	thawed chan struct{}
}

func startProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target, thawed: make(chan struct{})}
	close(p.thawed)
	p.listen("127.0.0.1:0")
	t.Cleanup(p.stop)
	t.Cleanup(p.thaw) // let frozen pumps finish
	return p
}

// freeze stops forwarding bytes in either direction, on open and new
// connections alike, without closing anything: connections are still
// accepted, as by a server that is hung rather than down.
func (p *tcpProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.thawed:
		p.thawed = make(chan struct{})
	default: // already frozen
	}
}

// thaw forwards again, the bytes held while frozen first.
func (p *tcpProxy) thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.thawed:
	default:
		close(p.thawed)
	}
}

// pump copies src to dst, holding each chunk while the proxy is frozen.
func (p *tcpProxy) pump(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			thawed := p.thawed
			p.mu.Unlock()
			<-thawed
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *tcpProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go p.accept(ln)
}

func (p *tcpProxy) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go p.pump(up, c)
		go p.pump(c, up)
	}
}

// stop closes the listener and every open connection.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restart listens again on the same address.
func (p *tcpProxy) restart() { p.listen(p.addr) }

func TestPostgresUnreachable(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
	e := mustOpenServerAt(t, u.String())
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "shop")
	pat := e.MustCreatePAT(t, owner, "shop", "links.read")
	mustStatus(t, e.do(request{method: "GET", path: "/readyz"}), http.StatusOK)

	proxy.stop()
	e.clock.Add(time.Minute) // past every cache: each answer below needs the database
	mustError(t, e.do(request{method: "GET", path: "/v2/public/handles/shop/links", token: pat}), 503, "unavailable")
	mustError(t, e.do(request{method: "GET", path: "/shop/launch"}), 503, "unavailable")
	mustError(t, e.do(request{method: "GET", path: "/readyz"}), 503, "unavailable")
	mustError(t, e.do(request{method: "GET", path: "/v2/auth/me", token: owner.Token}), 503, "unavailable")
	mustError(t, e.do(request{method: "POST", path: "/v2/handles", token: owner.Token, body: `{"handle":"acme"}`}), 503, "unavailable")
	mustError(t, e.do(request{method: "POST", path: "/v2/auth/login",
		body: `{"email":"owner@example.com","password":"` + password + `"}`}), 503, "unavailable")

	proxy.restart()
	if err := eventually(func() bool { return e.do(request{method: "GET", path: "/readyz"}).Code == http.StatusOK }); err != nil {
		t.Fatal("readiness did not recover:", err)
	}
	e.MustCreateHandle(t, owner, "acme")
	e.MustLogin(t, "owner@example.com")
}

// eventually retries cond a bounded number of times: pooled connections
// that died with the proxy are discarded one failed use at a time.
func eventually(cond func() bool) error {
	for i := 0; i < 50; i++ {
		if cond() {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("condition never held")
}

// TestUserPathOnPostgres walks a user's whole path on the production store.
func TestUserPathOnPostgres(t *testing.T) {
	e := mustOpenServerAt(t, storetest.PostgresURL(t))
	owner := e.MustSignup(t, "owner@example.com")
	creator := e.MustSignup(t, "creator@example.com")
	mustError(t, e.do(request{method: "POST", path: "/v2/auth/signup",
		body: `{"email":"owner@example.com","password":"` + password + `"}`}), 409, "conflict")
	e.MustCreateHandle(t, owner, "acme")
	mustError(t, e.do(request{method: "POST", path: "/v2/handles", token: creator.Token, body: `{"handle":"acme"}`}), 409, "conflict")
	e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+creator.ID+`","role":"CREATOR"}]`)
	mustError(t, e.do(request{method: "PUT", path: "/v2/handles/acme/collaborators", token: owner.Token,
		body: `{"collaborators":[{"userId":"usr_nobody","role":"CREATOR"}]}`}), 400, "invalid_collaborators")
	mustStatus(t, e.do(request{method: "GET", path: "/v2/handles/acme", token: creator.Token}), http.StatusOK)
	mustError(t, e.do(request{method: "DELETE", path: "/v2/handles/acme", token: creator.Token}), 403, "insufficient_role")

	rec := refreshWith(e, owner.Refresh)
	mustStatus(t, rec, http.StatusOK)
	mustError(t, refreshWith(e, owner.Refresh), 401, "invalid_refresh_token") // reuse
	mustStatus(t, e.do(request{method: "POST", path: "/v2/auth/logout", token: creator.Token}), http.StatusNoContent)
	mustError(t, e.do(request{method: "GET", path: "/v2/auth/me", token: creator.Token}), 401, "token_revoked")
}
