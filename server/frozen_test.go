package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"tenx/server"
	"tenx/store/storetest"
)

// hangGuard is how long a test waits for an answer before it calls the
// request hung. It is far above every deadline involved, so it measures
// whether a request answers at all, not how fast.
const hangGuard = 20 * time.Second

// answer sends r and waits at most hangGuard for its answer; nil if none
// came. It logs how long the answer took.
func (e *env) answer(t *testing.T, r request) *httptest.ResponseRecorder {
	done := make(chan *httptest.ResponseRecorder, 1)
	start := time.Now()
	go func() { done <- e.do(r) }()
	select {
	case rec := <-done:
		t.Logf("%s %s: %d after %v", r.method, r.path, rec.Code, time.Since(start).Round(time.Millisecond))
		return rec
	case <-time.After(hangGuard):
		return nil
	}
}

// doWithin is answer that fails the test when no answer comes.
func (e *env) doWithin(t *testing.T, r request) *httptest.ResponseRecorder {
	t.Helper()
	rec := e.answer(t, r)
	if rec == nil {
		t.Fatalf("%s %s: no answer within %v", r.method, r.path, hangGuard)
	}
	return rec
}

// TestPostgresFrozen puts a proxy that stops forwarding bytes, without
// closing anything, between the server and Postgres: a hung database, not a
// down one. Requests used to wait for it forever, /readyz included. Now
// /readyz answers 503 within its 2 s, API requests 503 unavailable within
// the database deadline, and once the database answers again requests
// succeed at once: no connection frozen in the pool is reused.
func TestPostgresFrozen(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
	e := mustOpenServerAt(t, u.String(), withConfig(func(c *server.Config) { c.DBTimeout = 2 * time.Second }))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "shop")
	pat := e.MustCreatePAT(t, owner, "shop", "links.read")
	mustStatus(t, e.do(request{method: "GET", path: "/readyz"}), http.StatusOK)

	proxy.freeze()
	e.clock.Add(time.Minute) // past every cache: each answer below needs the database
	mustError(t, e.doWithin(t, request{method: "GET", path: "/readyz"}), 503, "unavailable")
	frozen := []request{
		{method: "GET", path: "/v2/public/handles/shop/links", token: pat},
		{method: "GET", path: "/shop/launch"},
		{method: "GET", path: "/v2/auth/me", token: owner.Token},
		{method: "POST", path: "/v2/handles", token: owner.Token, body: `{"handle":"acme"}`},
	}
	for _, r := range frozen {
		mustError(t, e.doWithin(t, r), 503, "unavailable")
	}
	var wg sync.WaitGroup // more requests at once than idle connections
	for range 12 {
		wg.Go(func() {
			rec := e.answer(t, request{method: "GET", path: "/v2/public/handles/shop/links", token: pat})
			switch {
			case rec == nil:
				t.Errorf("concurrent request while frozen: no answer within %v", hangGuard)
			case rec.Code != http.StatusServiceUnavailable:
				t.Errorf("concurrent request while frozen: %d %s", rec.Code, rec.Body)
			}
		})
	}
	wg.Wait()

	proxy.thaw()
	mustStatus(t, e.doWithin(t, request{method: "GET", path: "/readyz"}), http.StatusOK)
	for range 20 { // more than the pool holds: none of them may be a frozen one
		mustStatus(t, e.doWithin(t, request{method: "GET", path: "/v2/public/handles/shop/links", token: pat}), http.StatusOK)
	}
	e.MustCreateHandle(t, owner, "acme")
}
