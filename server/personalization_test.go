package server_test

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tenx/store/storetest"
)

type ruleBody struct {
	RuleID   string
	Enabled  bool
	Priority int
	When     struct{ CountryIn, DeviceIn, SourceIn, CampaignIn []string }
	Variant  struct{ ID, DestinationURL string }
}

type previewBody struct {
	From, Destination string
	Rule              *ruleBody
	Misses            []struct{ RuleID, From, Reason string }
}

const usMobileRule = `{"priority":5,"when":{"countryIn":["us"],"deviceIn":["MOBILE"]},"variant":{"id":"us-mobile","destinationUrl":"https://example.com/us"}}`

// TestPersonalizationAPI is the personalization rules table, both planes
// and both databases: writes with a JWT (OPERATOR+) only, reads with a JWT
// (CREATOR+) or personalization.read.
func TestPersonalizationAPI(t *testing.T) {
	rows := []apiCase{
		{name: "none yet", method: "GET", path: "/personalization-rules", status: http.StatusOK,
			check: bodyContains(`"personalizationRules":[]`)},
		{name: "unknown rule", method: "GET", path: "/personalization-rules/r1", status: 404, code: "not_found"},
		{name: "create", method: "PUT", path: "/personalization-rules/r1", body: usMobileRule, planes: jwtPlane, role: "OPERATOR",
			status: http.StatusCreated, check: func(t *testing.T, rec *httpRecorder, call caller) {
				r := decode[ruleBody](t, rec)
				if r.RuleID != "r1" || !r.Enabled || r.Priority != 5 || r.When.CountryIn[0] != "US" || r.When.SourceIn == nil ||
					r.Variant.ID != "us-mobile" {
					t.Fatalf("created %+v", r)
				}
			}},
		{name: "replace", method: "PUT", path: "/personalization-rules/r1", planes: jwtPlane, status: http.StatusOK,
			body: `{"ruleId":"r1","priority":1,"when":{"countryIn":["US"]},"variant":{"id":"us","destinationUrl":"https://example.com/us"}}`},
		{name: "second", method: "PUT", path: "/personalization-rules/r0", planes: jwtPlane, status: http.StatusCreated,
			body: `{"enabled":false,"priority":1,"variant":{"id":"off","destinationUrl":"https://example.com/off"}}`},
		{name: "list in order", method: "GET", path: "/personalization-rules", planes: jwtPlane, status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				l := decode[struct{ PersonalizationRules []ruleBody }](t, rec)
				if len(l.PersonalizationRules) != 2 || l.PersonalizationRules[0].RuleID != "r0" || l.PersonalizationRules[1].Priority != 1 {
					t.Fatalf("list %+v", l)
				}
				page := decode[struct {
					PersonalizationRules []ruleBody
					NextToken            string
				}](t, call("GET", "/personalization-rules?limit=1", ""))
				if len(page.PersonalizationRules) != 1 || page.NextToken == "" {
					t.Fatalf("page %+v", page)
				}
				next := decode[struct {
					PersonalizationRules []ruleBody
					NextToken            string
				}](t, call("GET", "/personalization-rules?limit=1&nextToken="+page.NextToken, ""))
				if len(next.PersonalizationRules) != 1 || next.PersonalizationRules[0].RuleID != "r1" || next.NextToken != "" {
					t.Fatalf("next page %+v", next)
				}
				mustError(t, call("GET", "/personalization-rules?nextToken=%21%21", ""), 400, "validation_error")
			}},
		{name: "path and body disagree", method: "PUT", path: "/personalization-rules/r1", planes: jwtPlane, status: 400,
			code: "validation_error", field: "ruleId", body: `{"ruleId":"r2","variant":{"id":"v","destinationUrl":"https://example.com/"}}`},
		{name: "bad destination", method: "PUT", path: "/personalization-rules/r1", planes: jwtPlane, status: 400,
			code: "validation_error", field: "variant.destinationUrl", body: `{"variant":{"id":"v","destinationUrl":"ftp://example.com/"}}`},
		{name: "bad country", method: "PUT", path: "/personalization-rules/r1", planes: jwtPlane, status: 400,
			code: "validation_error", field: "when.countryIn", body: `{"when":{"countryIn":["1x"]},"variant":{"id":"v","destinationUrl":"https://example.com/"}}`},
		{name: "bad device", method: "PUT", path: "/personalization-rules/r1", planes: jwtPlane, status: 400,
			code: "validation_error", field: "when.deviceIn.0", body: `{"when":{"deviceIn":["PHONE"]},"variant":{"id":"v","destinationUrl":"https://example.com/"}}`},
		{name: "no variant", method: "PUT", path: "/personalization-rules/r1", planes: jwtPlane, status: 400,
			code: "validation_error", field: "variant", body: `{}`},
		{name: "not JSON", method: "PUT", path: "/personalization-rules/r1", planes: jwtPlane, status: 400,
			code: "invalid_payload", body: `{`},
		{name: "CREATOR cannot write", method: "PUT", path: "/personalization-rules/r9", planes: jwtPlane, role: "CREATOR",
			body: usMobileRule, status: 403, code: "insufficient_role"},
		{name: "CREATOR reads", method: "GET", path: "/personalization-rules/r1", planes: jwtPlane, role: "CREATOR", status: http.StatusOK},
		{name: "stranger", method: "GET", path: "/personalization-rules", planes: jwtPlane, role: noRole, status: 404, code: "not_found"},
		{name: "links.read cannot read", method: "GET", path: "/personalization-rules", planes: patPlane, scopes: []string{"links.read"},
			status: 403, code: "insufficient_scope"},
		{name: "personalization.* reads", method: "GET", path: "/personalization-rules", planes: patPlane,
			scopes: []string{"personalization.*"}, status: http.StatusOK},
		{name: "no PAT write route", method: "PUT", path: "/personalization-rules/r1", planes: patPlane, body: usMobileRule,
			status: 404, code: "not_found"},
		{name: "CREATOR cannot delete", method: "DELETE", path: "/personalization-rules/r1", planes: jwtPlane, role: "CREATOR",
			status: 403, code: "insufficient_role"},
		{name: "delete", method: "DELETE", path: "/personalization-rules/r1", planes: jwtPlane, role: "OPERATOR", status: http.StatusNoContent,
			check: func(t *testing.T, _ *httpRecorder, call caller) {
				mustError(t, call("GET", "/personalization-rules/r1", ""), 404, "not_found")
				mustError(t, call("DELETE", "/personalization-rules/r1", ""), 404, "not_found")
			}},
	}
	apiTable(t, []string{"personalization.read"}, rows)
}

func bodyContains(s string) func(t *testing.T, rec *httpRecorder, _ caller) {
	return func(t *testing.T, rec *httpRecorder, _ caller) {
		t.Helper()
		if !strings.Contains(rec.Body.String(), s) {
			t.Fatalf("body %s does not contain %s", rec.Body.String(), s)
		}
	}
}

// TestPersonalizationRefusesPATWrites: a PAT of every scope reads the
// rules written with a JWT and gets 403 insufficient_scope on each write,
// on both databases.
func TestPersonalizationRefusesPATWrites(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/personalization-rules/r1", token: owner.Token,
			body: usMobileRule}), http.StatusCreated)
		for _, scopes := range [][]string{{"personalization.read"}, {"personalization.*"},
			{"links.*", "analytics.*", "webhooks.*", "files.*", "site.*", "pages.*", "tracking.*", "chain.*", "personalization.*", "audit.*", "usage.*"}} {
			pat := e.MustCreatePAT(t, owner, "acme", scopes...)
			r := decode[ruleBody](t, e.do(request{method: "GET", path: "/v2/public/handles/acme/personalization-rules/r1", token: pat}))
			if r.Variant.ID != "us-mobile" {
				t.Fatalf("read %+v", r)
			}
			for _, req := range []request{
				{method: "PUT", path: "/v2/handles/acme/personalization-rules/r1", token: pat, body: usMobileRule},
				{method: "PUT", path: "/v2/handles/acme/personalization-rules/r2", header: http.Header{"X-Api-Key": {pat}}, body: usMobileRule},
				{method: "DELETE", path: "/v2/handles/acme/personalization-rules/r1", token: pat},
			} {
				mustError(t, e.do(req), 403, "insufficient_scope")
			}
		}
		if r := decode[ruleBody](t, e.do(request{method: "GET", path: "/v2/handles/acme/personalization-rules/r1", token: owner.Token})); r.Priority != 5 {
			t.Fatalf("a refused write changed the rule: %+v", r)
		}
	})
}

// visitReq is a visit of /acme/launch as the property test makes it.
type visitReq struct {
	country, ua, referer, utmSource, utmCampaign string
}

func (v visitReq) request() request {
	q := url.Values{}
	if v.utmSource != "" {
		q.Set("utm_source", v.utmSource)
	}
	if v.utmCampaign != "" {
		q.Set("utm_campaign", v.utmCampaign)
	}
	path := "/acme/launch"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	h := http.Header{"User-Agent": {v.ua}}
	if v.country != "" {
		h.Set("Cf-Ipcountry", v.country)
	}
	if v.referer != "" {
		h.Set("Referer", v.referer)
	}
	return request{method: "GET", path: path, header: h, remote: "192.0.2.1:1000"}
}

// previewOf is the preview body that states the facts of v.
func (v visitReq) previewOf() string {
	device := map[string]string{iPhoneUA: "MOBILE", windowsUA: "DESKTOP", "Twitterbot/1.0": "BOT", "": "UNKNOWN"}[v.ua]
	f := map[string]string{"device": device}
	if v.country != "" {
		f["country"] = v.country
	}
	switch {
	case v.utmSource != "":
		f["source"] = v.utmSource
	case v.referer != "":
		u, _ := url.Parse(v.referer)
		f["source"] = u.Hostname()
	}
	if v.utmCampaign != "" {
		f["campaign"] = v.utmCampaign
	}
	var parts []string
	for k, val := range f {
		parts = append(parts, fmt.Sprintf("%q:%q", k, val))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// randomRule draws a rule over small value sets, so that visits match
// some rules and miss others.
func randomRule(rng *rand.Rand, id string) string {
	pick := func(values ...string) string {
		var out []string
		for _, v := range values {
			if rng.IntN(3) == 0 {
				out = append(out, `"`+v+`"`)
			}
		}
		return "[" + strings.Join(out, ",") + "]"
	}
	return fmt.Sprintf(`{"ruleId":%q,"enabled":%t,"priority":%d,"when":{"countryIn":%s,"deviceIn":%s,"sourceIn":%s,"campaignIn":%s},`+
		`"variant":{"id":"v-%s","destinationUrl":"https://example.com/%s"}}`, id, rng.IntN(5) > 0, rng.IntN(4),
		pick("US", "DE", "ZZ"), pick("MOBILE", "DESKTOP", "BOT", "UNKNOWN"), pick("t.co", "news.example", "mail"),
		pick("spring", "autumn"), id, id)
}

func randomVisit(rng *rand.Rand) visitReq {
	one := func(values ...string) string { return values[rng.IntN(len(values))] }
	return visitReq{country: one("US", "DE", "", "fr"), ua: one(iPhoneUA, windowsUA, "Twitterbot/1.0", ""),
		referer: one("", "https://t.co/x", "https://News.Example/a"), utmSource: one("", "", "mail", "T.CO"),
		utmCampaign: one("", "spring", "autumn")}
}

// TestRoutePreviewAgreesWithRedirect is a property test: for random link
// rules, personalization rules and visits, the preview of a visit's facts
// names the destination the redirect sends that visit to, and the click
// records the winning rule and variant. TENX_PROPERTY_SEED replays a run.
func TestRoutePreviewAgreesWithRedirect(t *testing.T) {
	seed := envUint(t, "TENX_PROPERTY_SEED", uint64(time.Now().UnixNano()))
	t.Logf("seed %d: replay with TENX_PROPERTY_SEED=%d", seed, seed)
	storetest.Dialects(t, func(t *testing.T, dbURL string) {
		rng := rand.New(rand.NewPCG(seed, 13))
		e := mustOpenServerAt(t, dbURL, withTrustedProxy())
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		pat := e.MustCreatePAT(t, owner, "acme", "links.read", "analytics.read")
		visits := 0
		for round := range 4 {
			var linkRules []string
			for i := range rng.IntN(6) {
				linkRules = append(linkRules, randomRule(rng, fmt.Sprintf("l%d", i)))
			}
			mustStatus2(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: owner.Token,
				body: `{"destinationUrl":"https://example.com/default","routingRules":[` + strings.Join(linkRules, ",") + `]}`}))
			for i := range 6 {
				id := fmt.Sprintf("p%d", i)
				if rng.IntN(2) == 0 {
					e.do(request{method: "DELETE", path: "/v2/handles/acme/personalization-rules/" + id, token: owner.Token})
					continue
				}
				mustStatus2(t, e.do(request{method: "PUT", path: "/v2/handles/acme/personalization-rules/" + id, token: owner.Token,
					body: randomRule(rng, id)}))
			}
			for range 25 {
				v := randomVisit(rng)
				rec := e.do(v.request())
				if rec.Code != http.StatusFound {
					t.Fatalf("round %d: visit %+v: %d %s", round, v, rec.Code, rec.Body.String())
				}
				visits++
				p := decode[previewBody](t, e.do(request{method: "POST", path: "/v2/handles/acme/links/launch/route-preview",
					token: owner.Token, body: v.previewOf()}))
				if got := rec.Header().Get("Location"); got != p.Destination {
					t.Fatalf("round %d: visit %+v went to %s; its preview %s says %+v", round, v, got, v.previewOf(), p)
				}
			}
		}
		checkClickVariants(t, e, pat, visits)
	})
}

// mustStatus2 accepts 200 or 201.
func mustStatus2(t *testing.T, rec *httpRecorder) {
	t.Helper()
	if rec.Code != http.StatusOK && rec.Code != http.StatusCreated {
		t.Fatalf("got %d %s", rec.Code, rec.Body.String())
	}
}

// checkClickVariants waits for the click writer and checks, in the export,
// that every click whose destination is a variant names that variant.
func checkClickVariants(t *testing.T, e *env, pat string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := e.do(request{method: "GET", path: "/v2/public/handles/acme/analytics/export?format=csv", token: pat})
		mustStatus(t, rec, http.StatusOK)
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows)-1 >= n {
			routed := 0
			for _, r := range rows[1:] {
				dest, rule, variant := r[3], r[11], r[12]
				want := ""
				if id, ok := strings.CutPrefix(dest, "https://example.com/"); ok && id != "default" {
					want = "v-" + id
					routed++
				}
				if variant != want || (want != "") != (rule != "") {
					t.Fatalf("click to %s records rule %q variant %q", dest, rule, variant)
				}
			}
			t.Logf("%d visits, %d routed by a rule", n, routed)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the click writer stored %d of %d clicks in 5s", len(rows)-1, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRoutePreviewAPI is the route preview and link routing rules table,
// both planes and both databases.
func TestRoutePreviewAPI(t *testing.T) {
	link := `{"destinationUrl":"https://example.com/default","routingRules":[` +
		`{"ruleId":"de","priority":2,"when":{"countryIn":["de"]},"variant":{"id":"de","destinationUrl":"https://example.com/de"}},` +
		`{"ruleId":"mobile-mail","priority":1,"when":{"deviceIn":["MOBILE"],"sourceIn":["mail"]},"variant":{"id":"mm","destinationUrl":"https://example.com/mm"}}]}`
	rows := []apiCase{
		{name: "a link with rules", method: "PUT", path: "/links/launch", body: link, scopes: []string{"links.write"}, status: http.StatusCreated,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				l := decode[struct{ RoutingRules []ruleBody }](t, rec)
				if len(l.RoutingRules) != 2 || l.RoutingRules[0].RuleID != "mobile-mail" || l.RoutingRules[1].When.CountryIn[0] != "DE" {
					t.Fatalf("rules %+v", l.RoutingRules)
				}
			}},
		{name: "no facts: the destination", method: "POST", path: "/links/launch/route-preview", body: `{}`, status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				p := decode[previewBody](t, rec)
				if p.From != "DEFAULT" || p.Destination != "https://example.com/default" || p.Rule != nil || len(p.Misses) != 2 ||
					!strings.Contains(p.Misses[0].Reason, "device") || !strings.Contains(p.Misses[1].Reason, `"ZZ"`) {
					t.Fatalf("preview %+v", p)
				}
			}},
		{name: "the first match wins", method: "POST", path: "/links/launch/route-preview", status: http.StatusOK,
			body: `{"country":"DE","device":"MOBILE","source":"MAIL"}`, check: func(t *testing.T, rec *httpRecorder, _ caller) {
				p := decode[previewBody](t, rec)
				if p.From != "LINK" || p.Rule == nil || p.Rule.RuleID != "mobile-mail" || p.Destination != "https://example.com/mm" || len(p.Misses) != 0 {
					t.Fatalf("preview %+v", p)
				}
			}},
		{name: "later rule, with why the first missed", method: "POST", path: "/links/launch/route-preview", status: http.StatusOK,
			body: `{"country":"de","device":"DESKTOP"}`, check: func(t *testing.T, rec *httpRecorder, _ caller) {
				p := decode[previewBody](t, rec)
				if p.Rule == nil || p.Rule.RuleID != "de" || len(p.Misses) != 1 || p.Misses[0].RuleID != "mobile-mail" ||
					p.Misses[0].From != "LINK" || !strings.Contains(p.Misses[0].Reason, "DESKTOP") {
					t.Fatalf("preview %+v", p)
				}
			}},
		{name: "unknown link", method: "POST", path: "/links/nope-nope/route-preview", body: `{}`, status: 404, code: "not_found"},
		{name: "bad device", method: "POST", path: "/links/launch/route-preview", body: `{"device":"PHONE"}`, status: 400, code: "validation_error", field: "device"},
		{name: "unknown field", method: "POST", path: "/links/launch/route-preview", body: `{"ip":"1.2.3.4"}`, status: 400,
			code: "validation_error", field: "ip"},
		{name: "not JSON", method: "POST", path: "/links/launch/route-preview", body: `[`, status: 400, code: "invalid_payload"},
		{name: "analytics.read cannot preview", method: "POST", path: "/links/launch/route-preview", body: `{}`, planes: patPlane,
			scopes: []string{"analytics.read"}, status: 403, code: "insufficient_scope"},
		{name: "CREATOR previews", method: "POST", path: "/links/launch/route-preview", body: `{}`, planes: jwtPlane, role: "CREATOR",
			status: http.StatusOK},
		{name: "duplicate rule ids", method: "PUT", path: "/links/launch", scopes: []string{"links.write"}, status: 400, code: "validation_error",
			field: "routingRules[1].ruleId", body: `{"destinationUrl":"https://example.com/","routingRules":[` +
				`{"ruleId":"a","variant":{"id":"x","destinationUrl":"https://example.com/x"}},` +
				`{"ruleId":"a","variant":{"id":"y","destinationUrl":"https://example.com/y"}}]}`},
		{name: "bad variant destination", method: "PUT", path: "/links/launch", scopes: []string{"links.write"}, status: 400, code: "validation_error",
			field: "routingRules[0].variant.destinationUrl", body: `{"destinationUrl":"https://example.com/","routingRules":[` +
				`{"ruleId":"a","variant":{"id":"x","destinationUrl":"javascript:alert(1)"}}]}`},
		{name: "too many rules", method: "PUT", path: "/links/launch", scopes: []string{"links.write"}, status: 400, code: "validation_error",
			field: "routingRules", body: `{"destinationUrl":"https://example.com/","routingRules":[` + strings.TrimSuffix(strings.Repeat(
				`{"ruleId":"a","variant":{"id":"x","destinationUrl":"https://example.com/x"}},`, 21), ",") + `]}`},
	}
	apiTable(t, []string{"links.read"}, rows)
}

// TestRedirectWhenRulesUnreadable: a warm link whose handle's rules
// changed (so they are no longer cached) while the database is down is
// 503 unavailable, in the envelope: the visit is not sent to a
// destination the rules might have overridden.
func TestRedirectWhenRulesUnreadable(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: owner.Token,
		body: `{"destinationUrl":"https://example.com/launch"}`}), http.StatusCreated)
	mustStatus(t, e.do(request{method: "GET", path: "/acme/launch"}), http.StatusFound) // link and rules cached
	waitForClicks(t, e, owner, 1)                                                       // written: nothing waits on the closed database
	mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/personalization-rules/r1", token: owner.Token,
		body: usMobileRule}), http.StatusCreated) // the rules' cache is dropped, the link's kept
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	mustError(t, e.do(request{method: "GET", path: "/acme/launch"}), http.StatusServiceUnavailable, "unavailable")
}
