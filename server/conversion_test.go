package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tenx/ratelimit"
	"tenx/server"
	"tenx/store/storetest"
)

// TestConversions: an attributed link hands out a signed ctx; a conversion
// against it is recorded once per type and shows in the analytics; a
// forged, altered or expired ctx is invalid_ctx.
func TestConversions(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, dbURL string) {
		e := mustOpenServerAt(t, dbURL, withTrustedProxy(), withConfig(func(c *server.Config) {
			c.ConversionsPerIP = ratelimit.Limit{Name: "conversion-ip", Rate: 8, Period: time.Minute, Burst: 8}
		}))
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		mustSeedClicks(t, e, owner)
		rec := e.do(request{method: "GET", path: "/acme/launch", header: http.Header{"Cf-Ipcountry": {"DE"}}, remote: "192.0.2.1:1"})
		loc, err := url.Parse(rec.Header().Get("Location"))
		if err != nil || loc.Query().Get("a") != "1" || loc.Query().Get("ctx") == "" {
			t.Fatalf("Location %q: want the destination with a ctx", rec.Header().Get("Location"))
		}
		ctx := loc.Query().Get("ctx")
		if l := e.do(request{method: "GET", path: "/acme/-dash-link"}).Header().Get("Location"); strings.Contains(l, "ctx=") {
			t.Fatalf("a link without attribution got a ctx: %s", l)
		}
		waitForClicks(t, e, owner, 7)
		post := func(body string) *httpRecorder {
			return e.do(request{method: "POST", path: "/v2/public/conversions", body: body, remote: "198.51.100.9:1"})
		}
		first := decode[struct{ ConversionId, ClickId, Handle, Slug, Type, Currency string }](t,
			mustCode(t, post(`{"ctx":"`+ctx+`","type":"purchase","value":19.99,"currency":"EUR"}`), http.StatusCreated))
		if first.Handle != "acme" || first.Slug != "launch" || first.Type != "purchase" || !strings.HasPrefix(first.ClickId, "clk_") {
			t.Fatalf("conversion %+v", first)
		}
		again := decode[struct{ ConversionId string }](t, mustCode(t, post(`{"ctx":"`+ctx+`","type":"purchase","value":5}`), http.StatusOK))
		if again.ConversionId != first.ConversionId {
			t.Fatal("a repeat made a second conversion")
		}
		mustCode(t, post(`{"ctx":"`+ctx+`"}`), http.StatusCreated) // another type: "conversion"
		for _, bad := range []string{ctx[:len(ctx)-2] + "AA", strings.Replace(ctx, "acme", "acmf", 1), "clk_x.acme.launch.zz.abc"} {
			mustError(t, post(`{"ctx":"`+bad+`"}`), 400, "invalid_ctx")
		}
		mustError(t, post(`{"ctx":"`+ctx+`","currency":"EUR"}`), 400, "validation_error")
		mustError(t, post(`{"ctx":"`+ctx+`","value":-1}`), 400, "validation_error")
		mustError(t, post(`{"ctx":"`+ctx+`","token":"x"}`), 400, "validation_error")

		r := decode[report](t, e.do(request{method: "GET", path: "/v2/handles/acme/analytics?funnel=true&groupBy=country", token: owner.Token}))
		if r.Totals.Conversions != 2 || r.Totals.Revenue != 19.99 || r.Funnel.Conversions != 2 || r.Funnel.ConversionRate != 2.0/6 {
			t.Fatalf("totals %+v funnel %+v", r.Totals, r.Funnel)
		}
		if r.Groups[0].Key != "DE" || r.Groups[0].Conversions != 2 {
			t.Fatalf("groups %+v: the conversions belong to DE, where their click came from", r.Groups)
		}
		e.clock.Add(31 * 24 * time.Hour)
		mustError(t, post(`{"ctx":"`+ctx+`","type":"late"}`), 400, "invalid_ctx")
		for range 7 {
			post(`{"ctx":"x"}`)
		}
		mustError(t, post(`{"ctx":"x"}`), 429, "rate_limited")
	})
}

func mustCode(t *testing.T, rec *httpRecorder, status int) *httpRecorder {
	t.Helper()
	mustStatus(t, rec, status)
	return rec
}
