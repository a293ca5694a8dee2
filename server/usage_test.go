package server_test

import (
	"net/http"
	"testing"

	"tenx/server"
	"tenx/store/storetest"
)

type usageBody struct {
	Handle, Day                                                string
	RequestsToday, RateLimitedToday, ClicksToday, StorageBytes int64
	Tokens                                                     []struct {
		TokenID, Name                   string
		RequestsToday, RateLimitedToday int64
	}
}

// TestUsageMeters: a token's PAT requests and refusals are counted per
// handle and per token, with the handle's clicks and stored bytes, read
// on both planes, on both databases.
func TestUsageMeters(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url, withConfig(func(c *server.Config) { c.PATPerMinute.Rate, c.PATPerMinute.Burst = 3, 3 }))
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: owner.Token,
			body: `{"destinationUrl":"https://example.com/"}`}), http.StatusCreated)
		mustStatus(t, e.do(request{method: "GET", path: "/acme/launch"}), http.StatusFound)
		links := e.MustCreatePAT(t, owner, "acme", "links.read")
		for range 2 {
			mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: links}), http.StatusOK)
		}
		reader := e.MustCreatePAT(t, owner, "acme", "usage.read")
		rec := e.do(request{method: "GET", path: "/v2/public/handles/acme/usage-meters", token: reader})
		mustStatus(t, rec, http.StatusOK)
		u := decode[usageBody](t, rec)
		// links: 2 requests; reader: this one.
		if u.Handle != "acme" || u.RequestsToday != 3 || u.RateLimitedToday != 0 || len(u.Tokens) != 2 || u.Day != "2026-11-01" {
			t.Fatalf("meters %+v", u)
		}
		for range 3 {
			e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: links})
		}
		waitForClicks(t, e, owner, 1)
		u = decode[usageBody](t, e.do(request{method: "GET", path: "/v2/handles/acme/usage-meters", token: owner.Token}))
		var linksUse int64
		for _, tok := range u.Tokens {
			if tok.RequestsToday == 5 {
				linksUse = tok.RateLimitedToday
			}
		}
		if u.RequestsToday != 6 || u.RateLimitedToday != 2 || linksUse != 2 || u.ClicksToday != 1 || u.StorageBytes != 0 {
			t.Fatalf("meters after refusals %+v", u)
		}
		mustError(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/usage-meters", token: links}), 403, "insufficient_scope")
	})
}
