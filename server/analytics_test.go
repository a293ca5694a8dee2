package server_test

import (
	"encoding/csv"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tenx"
	"tenx/server"
	"tenx/store/storetest"
)

const (
	iPhoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	windowsUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	androidUA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
)

// proxyNet is the trusted proxy of the analytics tests.
var proxyNet = &net.IPNet{IP: net.IPv4(192, 0, 2, 0), Mask: net.CIDRMask(24, 32)}

func withTrustedProxy() option {
	return withConfig(func(c *server.Config) { c.TrustedProxies = []*net.IPNet{proxyNet} })
}

// testVisit is one visit of a short link.
type testVisit struct {
	slug, ua, referer, country, remote, forwardedFor string
}

// analyticsVisits are the clicks every analytics test starts from: 5
// clicks, one a bot's, of 3 visitors (the first two clicks are one
// visitor's); the last comes from an untrusted address that claims a
// country, which is not believed.
var analyticsVisits = []testVisit{
	{"launch", iPhoneUA, "https://t.co/x", "DE", "192.0.2.1:1000", "198.51.100.1"},
	{"launch", iPhoneUA, "https://t.co/y", "DE", "192.0.2.1:1000", "198.51.100.1"},
	{"launch", windowsUA, "", "fr", "192.0.2.1:1000", "198.51.100.2"},
	{"-dash-link", "Twitterbot/1.0", "https://=HYPERLINK.example/", "US", "192.0.2.1:1000", "198.51.100.3"},
	{"-dash-link", androidUA, "https://news.example/a", "RU", "203.0.113.5:1000", ""},
}

// mustSeedClicks creates the links launch (with attribution) and
// -dash-link, visits them and waits (at most 5s) until the click writer
// has stored every visit.
func mustSeedClicks(t *testing.T, e *env, owner user) {
	t.Helper()
	for slug, body := range map[string]string{"launch": `{"destinationUrl":"https://example.com/launch?a=1","attribution":true}`,
		"-dash-link": `{"destinationUrl":"https://example.com/dash"}`} {
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/" + slug, token: owner.Token, body: body}), http.StatusCreated)
	}
	for _, v := range analyticsVisits {
		h := http.Header{"User-Agent": {v.ua}, "Cf-Ipcountry": {v.country}}
		if v.referer != "" {
			h.Set("Referer", v.referer)
		}
		if v.forwardedFor != "" {
			h.Set("X-Forwarded-For", v.forwardedFor)
		}
		mustStatus(t, e.do(request{method: "GET", path: "/acme/" + v.slug, header: h, remote: v.remote}), http.StatusFound)
	}
	waitForClicks(t, e, owner, int64(len(analyticsVisits)))
}

func waitForClicks(t *testing.T, e *env, owner user, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := e.do(request{method: "GET", path: "/v2/handles/acme/analytics", token: owner.Token})
		mustStatus(t, rec, http.StatusOK)
		if got := decode[report](t, rec).Totals.Clicks; got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the click writer stored fewer than %d clicks in 5s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type counts struct {
	Key                                                             string
	Clicks, QualifiedClicks, BotClicks, UniqueVisitors, Conversions int64
	Revenue                                                         float64
}

type report struct {
	Handle, From, To string
	Totals           counts
	Groups           []counts
	Funnel           *struct {
		Clicks, QualifiedClicks, Conversions int64
		ConversionRate                       float64
	}
	Freshness struct{ Status, LastUpdatedAt string }
}

// analyticsTable runs rows like apiTable, on each plane and database, each
// on a fresh server seeded with analyticsVisits.
func analyticsTable(t *testing.T, rows []apiCase) {
	t.Helper()
	for _, pl := range []plane{jwtPlane, patPlane} {
		t.Run(map[plane]string{jwtPlane: "jwt", patPlane: "pat"}[pl], func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, url string) {
				tc := newTableCaller(t, mustOpenServerAt(t, url, withTrustedProxy()), pl, []string{"analytics.read"})
				mustSeedClicks(t, tc.e, tc.users[tenx.RoleOwner])
				for _, r := range rows {
					if r.planes != 0 && r.planes&pl == 0 {
						continue
					}
					t.Run(r.name, func(t *testing.T) { tc.run(t, r) })
				}
			})
		})
	}
}

// groupsAre checks a report's groups, in order (only those with clicks).
func groupsAre(want ...string) func(*testing.T, *httpRecorder, caller) {
	return func(t *testing.T, rec *httpRecorder, _ caller) {
		var got []string
		for _, g := range decode[report](t, rec).Groups {
			if g.Clicks > 0 {
				got = append(got, g.Key+"="+strconv.FormatInt(g.Clicks, 10))
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("groups %v, want %v", got, want)
		}
	}
}

// TestAnalyticsAPI is the analytics family's API table, on both planes
// and both databases.
func TestAnalyticsAPI(t *testing.T) {
	rows := []apiCase{
		{name: "totals", method: "GET", path: "/analytics", status: 200, check: func(t *testing.T, rec *httpRecorder, _ caller) {
			r := decode[report](t, rec)
			want := counts{Clicks: 5, QualifiedClicks: 4, BotClicks: 1, UniqueVisitors: 3}
			if r.Totals != want || r.Handle != "acme" || r.Funnel != nil || len(r.Groups) != 0 {
				t.Fatalf("report %+v", r)
			}
			if r.From != "2026-10-02T13:00:00Z" || r.To != "2026-11-01T13:00:00Z" {
				t.Fatalf("default window %s..%s", r.From, r.To)
			}
			if r.Freshness.Status != "FRESH" || r.Freshness.LastUpdatedAt == "" {
				t.Fatalf("freshness %+v", r.Freshness)
			}
		}},
		{name: "by country", method: "GET", path: "/analytics?groupBy=country", status: 200,
			check: groupsAre("DE=2", "FR=1", "US=1", "ZZ=1")},
		{name: "by device", method: "GET", path: "/analytics?groupBy=device", status: 200,
			check: groupsAre("MOBILE=3", "BOT=1", "DESKTOP=1")},
		{name: "by browser", method: "GET", path: "/analytics?groupBy=browser", status: 200,
			check: groupsAre("Chrome=2", "Safari=2", "Unknown=1")},
		{name: "by os", method: "GET", path: "/analytics?groupBy=os", status: 200,
			check: groupsAre("iOS=2", "Android=1", "Unknown=1", "Windows=1")},
		{name: "by referrer", method: "GET", path: "/analytics?groupBy=referrer", status: 200,
			check: groupsAre("t.co=2", "=1", "=hyperlink.example=1", "news.example=1")},
		{name: "by slug", method: "GET", path: "/analytics?groupBy=slug", status: 200, check: groupsAre("launch=3", "-dash-link=2")},
		{name: "by day", method: "GET", path: "/analytics?groupBy=day", status: 200, check: func(t *testing.T, rec *httpRecorder, _ caller) {
			r := decode[report](t, rec)
			if len(r.Groups) != 31 || r.Groups[0].Key != "2026-10-02" || r.Groups[30].Key != "2026-11-01" || r.Groups[30].Clicks != 5 {
				t.Fatalf("%d days: %+v ... %+v", len(r.Groups), r.Groups[0], r.Groups[len(r.Groups)-1])
			}
		}},
		{name: "interval is groupBy", method: "GET", path: "/analytics?interval=day", status: 200,
			check: groupsAre("2026-11-01=5")},
		{name: "by hour of one day", method: "GET", path: "/analytics?groupBy=hour&from=2026-11-01&to=2026-11-01", status: 200,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				r := decode[report](t, rec)
				if len(r.Groups) != 24 || r.Groups[12].Key != "2026-11-01T12:00:00Z" || r.Groups[12].Clicks != 5 {
					t.Fatalf("%d hours, 12h: %+v", len(r.Groups), r.Groups[12])
				}
			}},
		{name: "one link", method: "GET", path: "/analytics?slug=launch&groupBy=country", status: 200, check: groupsAre("DE=2", "FR=1")},
		{name: "a link without clicks", method: "GET", path: "/analytics?slug=nothing", status: 200,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if r := decode[report](t, rec); r.Totals != (counts{}) {
					t.Fatalf("totals %+v", r.Totals)
				}
			}},
		{name: "RFC 3339 window before the clicks", method: "GET", path: "/analytics?from=2026-10-01T00:00:00Z&to=2026-11-01T12:00:00Z",
			status: 200, check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if r := decode[report](t, rec); r.Totals.Clicks != 0 || r.To != "2026-11-01T12:00:00Z" {
					t.Fatalf("report %+v", r)
				}
			}},
		{name: "window in hours rounds out", method: "GET", path: "/analytics?from=2026-11-01T12:30:00%2B01:00&to=2026-11-01T12:10:00Z",
			status: 200, check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if r := decode[report](t, rec); r.Totals.Clicks != 5 || r.From != "2026-11-01T11:00:00Z" || r.To != "2026-11-01T13:00:00Z" {
					t.Fatalf("report %+v", r)
				}
			}},
		{name: "funnel", method: "GET", path: "/analytics?funnel=true", status: 200, check: func(t *testing.T, rec *httpRecorder, _ caller) {
			f := decode[report](t, rec).Funnel
			if f == nil || f.Clicks != 5 || f.QualifiedClicks != 4 || f.Conversions != 0 || f.ConversionRate != 0 {
				t.Fatalf("funnel %+v", f)
			}
		}},
	}
	for _, b := range []struct{ name, query, field string }{
		{"to before from", "from=2026-11-02&to=2026-11-01", "from"},
		{"over 400 days", "from=2025-01-01&to=2026-11-01", "from"},
		{"bad from", "from=yesterday", "from"},
		{"bad to", "to=2026-13-01", "to"},
		{"bad groupBy", "groupBy=week", "groupBy"},
		{"interval against groupBy", "groupBy=country&interval=day", "interval"},
		{"bad interval", "interval=week", "interval"},
		{"bad slug", "slug=a.b", "slug"},
		{"bad funnel", "funnel=maybe", "funnel"},
	} {
		rows = append(rows, apiCase{name: b.name, method: "GET", path: "/analytics?" + b.query, status: 400,
			code: "validation_error", field: b.field})
	}
	rows = append(rows, exportRows()...)
	rows = append(rows, analyticsAccessRows()...)
	analyticsTable(t, rows)
}

// exportRows check the CSV export.
func exportRows() []apiCase {
	return []apiCase{
		{name: "export", method: "GET", path: "/analytics/export", status: 200, check: func(t *testing.T, rec *httpRecorder, _ caller) {
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Fatalf("content type %q", ct)
			}
			rows, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil || len(rows) != 6 {
				t.Fatalf("%d rows, %v", len(rows), err)
			}
			if strings.Join(rows[0], ",") != "clickId,occurredAt,slug,destination,referrer,device,browser,os,country,bot,visitorHash,ruleId,variantId" {
				t.Fatalf("header %v", rows[0])
			}
			// Every click has the same time (the test clock stands still), so
			// their order is their ids'.
			var bot, launch []string
			for _, r := range rows[1:] {
				if r[5] == "BOT" {
					bot = r
				}
				if r[4] == "" {
					launch = r
				}
			}
			if bot[2] != "'-dash-link" || bot[4] != "'=hyperlink.example" || bot[5] != "BOT" || bot[8] != "US" || bot[9] != "true" {
				t.Fatalf("bot row %v: want formulas defused", bot)
			}
			if launch[2] != "launch" || launch[3] != "https://example.com/launch?a=1" || len(launch[10]) != 32 || launch[8] != "FR" {
				t.Fatalf("launch row %v", launch)
			}
			if strings.Contains(rec.Body.String(), "198.51.100") {
				t.Fatal("the export holds a raw address")
			}
		}},
		{name: "export one link", method: "GET", path: "/analytics/export?slug=-dash-link&format=csv", status: 200,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if n := strings.Count(rec.Body.String(), "\n"); n != 3 {
					t.Fatalf("%d lines", n)
				}
			}},
		{name: "export of an empty window", method: "GET", path: "/analytics/export?from=2026-01-01&to=2026-02-01", status: 200,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if n := strings.Count(rec.Body.String(), "\n"); n != 1 {
					t.Fatalf("%d lines", n)
				}
			}},
		{name: "export bad window", method: "GET", path: "/analytics/export?from=2026-11-02&to=2026-11-01", status: 400,
			code: "validation_error", field: "from"},
		{name: "export bad format", method: "GET", path: "/analytics/export?format=xlsx", status: 400, code: "validation_error", field: "format"},
	}
}

// analyticsAccessRows: analytics.read on the PAT plane, CREATOR+ on the
// JWT plane.
func analyticsAccessRows() []apiCase {
	return []apiCase{
		{name: "links.read cannot read analytics", method: "GET", path: "/analytics", planes: patPlane,
			scopes: []string{"links.read"}, status: 403, code: "insufficient_scope"},
		{name: "links.read cannot export", method: "GET", path: "/analytics/export", planes: patPlane,
			scopes: []string{"links.write"}, status: 403, code: "insufficient_scope"},
		{name: "analytics.* reads", method: "GET", path: "/analytics?funnel=true", planes: patPlane,
			scopes: []string{"analytics.*"}, bearer: true, status: 200},
		{name: "CREATOR reads", method: "GET", path: "/analytics", planes: jwtPlane, role: tenx.RoleCreator, status: 200},
		{name: "CREATOR exports", method: "GET", path: "/analytics/export", planes: jwtPlane, role: tenx.RoleCreator, status: 200},
		{name: "a stranger sees no handle", method: "GET", path: "/analytics", planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
	}
}
