package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"tenx/store/storetest"
)

// signals is a batch body of n signals of session.
func signals(session string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"type":"view","value":"p%d"}`, i)
	}
	return `{"sessionId":"` + session + `","signals":[` + strings.Join(parts, ",") + `]}`
}

// TestChainSignalsAPI is the chain signals table on both planes and both
// databases.
func TestChainSignalsAPI(t *testing.T) {
	rows := []apiCase{
		{name: "accepted", method: "POST", path: "/chain/signals", body: signals("s1", 3), status: http.StatusAccepted,
			check: bodyContains(`"sessionTotal":3`)},
		{name: "value too long", method: "POST", path: "/chain/signals", status: 400, code: "validation_error",
			body: `{"sessionId":"s1","signals":[{"type":"view","value":"` + strings.Repeat("v", 257) + `"}]}`, field: "signals.0.value"},
		{name: "no signals", method: "POST", path: "/chain/signals", body: `{"sessionId":"s1","signals":[]}`, status: 400, code: "validation_error", field: "signals"},
		{name: "bad type", method: "POST", path: "/chain/signals", body: `{"sessionId":"s1","signals":[{"type":"A B"}]}`, status: 400,
			code: "validation_error", field: "signals.0.type"},
		{name: "61 in one batch", method: "POST", path: "/chain/signals", body: signals("s1", 61), status: 400, code: "validation_error",
			field: "signals"},
		{name: "wrong scope", method: "POST", path: "/chain/signals", body: signals("s1", 1), planes: patPlane, scopes: []string{"links.write"},
			status: 403, code: "insufficient_scope"},
		{name: "read the session", method: "GET", path: "/chain/s1", planes: jwtPlane, role: "CREATOR", status: http.StatusOK,
			check: bodyContains(`"value":"p2"`)},
		{name: "unknown session", method: "GET", path: "/chain/nope", planes: jwtPlane, status: 404, code: "not_found"},
	}
	apiTable(t, []string{"chain.signal.write"}, rows)
}

// TestChainSignalLimits checks the three limits at their exact edges with
// the test clock, on both databases: 60 per session per minute, 120 per IP
// per minute (sliding: a signal leaves the window 60 s after it arrived),
// 200 per session; a refused batch stores nothing.
func TestChainSignalLimits(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		post := func(session string, n int, remote string) *httpRecorder {
			body := `{"handle":"acme",` + strings.TrimPrefix(signals(session, n), "{")
			return e.do(request{method: "POST", path: "/v2/public/chain/signals", body: body, remote: remote})
		}
		ip1, ip2 := "203.0.113.1:1000", "203.0.113.2:1000"
		// Per session per minute: 60 pass, the 61st does not, until the
		// first leaves the window at exactly +60 s.
		mustStatus(t, post("a", 40, ip1), http.StatusAccepted)
		e.clock.Add(10 * time.Second)
		mustStatus(t, post("a", 20, ip1), http.StatusAccepted)
		rec := post("a", 1, ip1)
		mustError(t, rec, 429, "rate_limited")
		if got := rec.Header().Get("Retry-After"); got != "50" {
			t.Errorf("Retry-After %q, want 50 (the first 40 leave at +60s)", got)
		}
		e.clock.Add(50*time.Second - time.Millisecond)
		mustError(t, post("a", 1, ip1), 429, "rate_limited")
		e.clock.Add(time.Millisecond)
		mustStatus(t, post("a", 40, ip1), http.StatusAccepted) // 20 + 40 = 60 in the window
		mustError(t, post("a", 1, ip1), 429, "rate_limited")
		// Per IP per minute: ip1 holds 60 in the window; sessions b and c
		// add 60 more, then the 121st is refused; another IP is not.
		mustStatus(t, post("b", 30, ip1), http.StatusAccepted)
		mustStatus(t, post("c", 30, ip1), http.StatusAccepted)
		mustError(t, post("d", 1, ip1), 429, "rate_limited")
		mustStatus(t, post("d", 1, ip2), http.StatusAccepted)
		// Per session in all: a has 100; 100 more fill it, the 201st is a
		// conflict, and a refused batch stored nothing.
		for range 2 {
			e.clock.Add(time.Minute)
			mustStatus(t, post("a", 50, ip2), http.StatusAccepted)
		}
		e.clock.Add(time.Minute)
		rec = post("a", 1, ip2)
		mustError(t, rec, 409, "conflict")
		s := decode[struct{ Signals []struct{ Type string } }](t, e.do(request{method: "GET", path: "/v2/handles/acme/chain/a", token: owner.Token}))
		if len(s.Signals) != 200 {
			t.Fatalf("session a holds %d signals, want 200", len(s.Signals))
		}
		mustError(t, e.do(request{method: "POST", path: "/v2/public/chain/signals", body: `{"handle":"nope-nope",` +
			strings.TrimPrefix(signals("a", 1), "{")}), 404, "not_found")
	})
}

// TestChainSignalLimitsAcrossInstances: two instances on one database,
// twenty concurrent batches of 7 signals of one session: exactly 8 (56
// signals) fit in the minute's 60, whichever instance takes them.
func TestChainSignalLimitsAcrossInstances(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		a, b := mustOpenServerAt(t, url), mustOpenServerAt(t, url)
		owner := a.MustSignup(t, "owner@example.com")
		a.MustCreateHandle(t, owner, "acme")
		body := `{"handle":"acme",` + strings.TrimPrefix(signals("race", 7), "{")
		results := make(chan int, 20)
		for i := range 20 {
			e := []*env{a, b}[i%2]
			go func() {
				results <- e.do(request{method: "POST", path: "/v2/public/chain/signals", body: body,
					remote: fmt.Sprintf("203.0.113.%d:1000", i)}).Code
			}()
		}
		accepted := 0
		for range 20 {
			switch code := <-results; code {
			case http.StatusAccepted:
				accepted++
			case http.StatusTooManyRequests:
			default:
				t.Errorf("status %d", code)
			}
		}
		if accepted != 8 {
			t.Fatalf("%d batches of 7 accepted, want 8", accepted)
		}
	})
}
