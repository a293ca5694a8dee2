package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"tenx"
	"tenx/store/storetest"
)

// BenchmarkRedirectRouting is the CPU cost of one redirect, in process:
// "plain" follows a link without rules; "routed" a link with 10 routing
// rules on a handle with 10 personalization rules, none matching, each
// testing country, device, source and campaign (the worst case). Compare
// with benchstat; the loopback run (make bench-load, routes redirect and
// redirect-routed) measures the same under concurrency.
func BenchmarkRedirectRouting(b *testing.B) {
	a := redirectServer(b, storetest.SQLiteURL(b))
	ctx := context.Background()
	l := &tenx.Link{Handle: "bench", Slug: "routed", DestinationURL: "https://example.com/launch", Enabled: true, RedirectType: 302}
	for i := range 10 {
		l.RoutingRules = append(l.RoutingRules, missingRule(fmt.Sprintf("link-%d", i), i))
		r := missingRule(fmt.Sprintf("handle-%d", i), i)
		if _, err := a.DB.PutPersonalizationRule(ctx, "bench", &r); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := a.DB.UpsertLink(ctx, l); err != nil {
		b.Fatal(err)
	}
	// The plain link lives on another handle: personalization rules are
	// the handle's.
	for _, c := range []struct{ name, path string }{{"routed", "/bench/routed?utm_campaign=launch"}} {
		b.Run(c.name, func(b *testing.B) { benchRedirect(b, a.Server.Handler(), c.path) })
	}
	plain := redirectServer(b, storetest.SQLiteURL(b))
	b.Run("plain", func(b *testing.B) { benchRedirect(b, plain.Server.Handler(), "/bench/launch?utm_campaign=launch") })
}

func missingRule(id string, i int) tenx.RoutingRule {
	return tenx.RoutingRule{RuleID: id, Enabled: true, Priority: i, When: tenx.RuleConditions{
		CountryIn: []string{"ZZ", "US"}, DeviceIn: []string{tenx.DeviceMobile}, SourceIn: []string{"news.example"},
		CampaignIn: []string{fmt.Sprintf("spring-%d", i)}},
		Variant: tenx.Variant{ID: id, DestinationURL: "https://example.com/" + id}}
}

func benchRedirect(b *testing.B, h http.Handler, path string) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("User-Agent", iPhoneUA)
		req.Header.Set("Referer", "https://news.example/issue-12")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://example.com/launch" {
			b.Fatalf("%d %s", rec.Code, rec.Header().Get("Location"))
		}
	}
}
