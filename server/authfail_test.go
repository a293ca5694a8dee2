package server_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"tenx/auth"
	"tenx/server"
)

func authFailuresPerMinute(n int) option {
	return withConfig(func(c *server.Config) { c.AuthFailuresPerIP.Rate = n })
}

// TestFailedAuthenticationsAreLimitedPerIP: a flood of bad, forged or
// revoked credentials from one address is 429 rate_limited after the
// budget of failures, like a flood of good ones; then even a good token
// from that address is refused before it is looked up. Other addresses,
// and good tokens from them, are unaffected, and the budget refills.
func TestFailedAuthenticationsAreLimitedPerIP(t *testing.T) {
	const budget = 3
	e := MustOpenServer(t, authFailuresPerMinute(budget))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	good := e.MustCreatePAT(t, owner, "acme", "links.read")
	revoked := e.MustCreatePAT(t, owner, "acme", "links.read")
	e.MustRevokePAT(t, owner, "acme", revoked)
	_, forged, _ := auth.NewPAT() // well-formed, with a valid checksum, never stored
	const links, handles = "/v2/public/handles/acme/links", "/v2/handles"
	at := func(path, tok, ip string) *httpRecorder {
		return e.do(request{method: "GET", path: path, token: tok, remote: ip + ":4000"})
	}
	get := func(tok, ip string) *httpRecorder { return at(links, tok, ip) }
	flood := []struct {
		name, ip, path, token, code string
	}{
		{"forged", "198.51.100.1", links, forged, "invalid_token"},
		{"malformed", "198.51.100.2", links, "patv1_nope.nope", "invalid_token"},
		{"revoked", "198.51.100.3", links, revoked, "token_revoked"},
		{"bad jwt", "198.51.100.4", handles, "eyJhbGciOiJFZERTQSJ9.e30.c2ln", "invalid_token"},
		{"jwt on a pat route", "198.51.100.5", links, owner.Token, "invalid_token_format"},
	}
	for _, f := range flood {
		t.Run(f.name, func(t *testing.T) {
			for range budget {
				mustError(t, at(f.path, f.token, f.ip), http.StatusUnauthorized, f.code)
			}
			// Over the budget; then a good token too is refused, before any lookup.
			for _, rec := range []*httpRecorder{at(f.path, f.token, f.ip), get(good, f.ip), at(handles, owner.Token, f.ip)} {
				mustError(t, rec, http.StatusTooManyRequests, "rate_limited")
				if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 ||
					rec.Header().Get("RateLimit-Policy") != `"auth-failures";q=3;w=60` || rec.Header().Get("RateLimit") == "" {
					t.Fatalf("429 headers %v", rec.Header())
				}
			}
		})
	}
	mustStatus(t, get(good, "203.0.113.9"), http.StatusOK) // another address: unaffected
	mustError(t, get(forged, "203.0.113.9"), http.StatusUnauthorized, "invalid_token")
	// No credential is no failed authentication: it costs nothing to refuse.
	mustError(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", remote: "203.0.113.10:1"}),
		http.StatusUnauthorized, "missing_bearer_token")

	e.clock.Add(time.Minute)
	mustStatus(t, get(good, "198.51.100.1"), http.StatusOK) // the budget refilled
}

// TestGoodTokensSpendNoFailureBudget: successful authentications never
// count against an address's failures.
func TestGoodTokensSpendNoFailureBudget(t *testing.T) {
	e := MustOpenServer(t, authFailuresPerMinute(1))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	good := e.MustCreatePAT(t, owner, "acme", "links.read")
	for range 5 {
		mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: good}), http.StatusOK)
	}
	bad := request{method: "GET", path: "/v2/public/handles/acme/links", token: "patv1_x.y"}
	mustError(t, e.do(bad), http.StatusUnauthorized, "invalid_token") // the budget of one is whole
	mustError(t, e.do(bad), http.StatusTooManyRequests, "rate_limited")
}
