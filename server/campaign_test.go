package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tenx/store/storetest"
)

type campaignBody struct {
	CampaignID, GoalType, Status, PrimarySlug string
	LatestVersion                             int
	PublishedVersion                          *int
}

type healthBody struct {
	Status string
	Checks []struct{ Name, Status, Reason string }
}

// TestCampaignsAPI is the campaigns family's API table, on both planes and
// both databases.
func TestCampaignsAPI(t *testing.T) {
	rows := []apiCase{
		{name: "create", method: "POST", path: "/campaigns", status: http.StatusCreated,
			body: `{"campaignId":"spring-sale","goalType":"PRODUCT_SALE"}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if c := decode[campaignBody](t, rec); c.Status != "DRAFT" || c.LatestVersion != 0 || c.PublishedVersion != nil {
					t.Fatalf("created %+v", c)
				}
			}},
		{name: "create active", method: "POST", path: "/campaigns", status: http.StatusCreated,
			body: `{"campaignId":"news_1","goalType":"NEWSLETTER","status":"ACTIVE","primarySlug":"signup"}`},
		{name: "create again", method: "POST", path: "/campaigns", status: 409, code: "conflict",
			body: `{"campaignId":"spring-sale","goalType":"LEAD_CAPTURE"}`},
		{name: "get", method: "GET", path: "/campaigns/news_1", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if c := decode[campaignBody](t, rec); c.Status != "ACTIVE" || c.PrimarySlug != "signup" || c.GoalType != "NEWSLETTER" {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "list", method: "GET", path: "/campaigns?limit=1", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				first := decode[struct {
					Campaigns []campaignBody
					NextToken string
				}](t, rec)
				second := decode[struct{ Campaigns []campaignBody }](t, call("GET", "/campaigns?limit=1&nextToken="+first.NextToken, ""))
				if len(first.Campaigns) != 1 || len(second.Campaigns) != 1 || first.Campaigns[0].CampaignID != "news_1" ||
					second.Campaigns[0].CampaignID != "spring-sale" {
					t.Fatalf("pages %+v then %+v", first, second)
				}
			}},
		statusRow("DRAFT to PAUSED", "spring-sale", "PAUSED", 409),
		statusRow("DRAFT to ACTIVE", "spring-sale", "ACTIVE", 200),
		statusRow("ACTIVE to PAUSED", "spring-sale", "PAUSED", 200),
		statusRow("PAUSED to PAUSED", "spring-sale", "PAUSED", 200),
		statusRow("PAUSED to ACTIVE", "spring-sale", "ACTIVE", 200),
		statusRow("ACTIVE to DRAFT", "spring-sale", "DRAFT", 409),
		{name: "health of a bare campaign", method: "GET", path: "/campaigns/spring-sale/health", status: http.StatusOK,
			check: wantHealth("FAIL", "FAIL", "FAIL", "FAIL")},
		{name: "primary link", method: "PUT", path: "/links/spring-go", body: `{"destinationUrl":"https://example.com/buy"}`,
			status: http.StatusCreated},
		{name: "set primary slug", method: "PATCH", path: "/campaigns/spring-sale", body: `{"primarySlug":"spring-go"}`,
			status: http.StatusOK},
		{name: "health with its link", method: "GET", path: "/campaigns/spring-sale/health", status: http.StatusOK,
			check: wantHealth("FAIL", "PASS", "FAIL", "FAIL")},
	}
	rows = append(rows, siteStructureRows()...)
	rows = append(rows,
		apiCase{name: "health once published", method: "GET", path: "/campaigns/spring-sale/health", status: http.StatusOK,
			check: wantHealth("FAIL", "PASS", "PASS", "FAIL")})
	rows = append(rows, campaignErrorRows()...)
	apiTable(t, []string{"pages.write", "links.write"}, rows)
}

func statusRow(name, id, status string, want int) apiCase {
	r := apiCase{name: name, method: "PATCH", path: "/campaigns/" + id, body: `{"status":"` + status + `"}`, status: want}
	if want == 409 {
		r.code = "conflict"
	}
	return r
}

// wantHealth checks the overall verdict and those of primary_link,
// structure_published and has_clicks.
func wantHealth(overall string, checks ...string) func(*testing.T, *httpRecorder, caller) {
	return func(t *testing.T, rec *httpRecorder, _ caller) {
		h := decode[healthBody](t, rec)
		var got []string
		for _, c := range h.Checks {
			if c.Reason == "" {
				t.Errorf("check %s has no reason", c.Name)
			}
			got = append(got, c.Status)
		}
		if h.Status != overall || !slices.Equal(got, checks) {
			t.Fatalf("health %+v, want %s %v", h, overall, checks)
		}
	}
}

// siteStructureRows walk a structure through versions, If-Match and publish.
func siteStructureRows() []apiCase {
	const p = "/site-structure/campaigns/spring-sale"
	doc := func(title string) string {
		return `{"title":"` + title + `","sections":[{"id":"hero","title":"Hero","pageSlugs":["about"],"linkSlugs":["spring-go"]}],` +
			`"pages":[{"slug":"about","title":"About"}],"links":[{"slug":"spring-go","title":"Buy"}]}`
	}
	return []apiCase{
		{name: "no structure yet", method: "GET", path: p, status: 404, code: "not_found"},
		{name: "first version needs no If-Match", method: "PUT", path: p, body: doc("v1"), status: http.StatusOK,
			check: wantVersion(1, `"1"`)},
		{name: "second without If-Match", method: "PUT", path: p, body: doc("v2"), status: 428, code: "precondition_required"},
		{name: "get latest", method: "GET", path: p, status: http.StatusOK, check: wantVersion(1, `"1"`)},
		{name: "unknown campaign", method: "PUT", path: "/site-structure/campaigns/nowhere", body: doc("x"), status: 404, code: "not_found"},
		{name: "unknown campaign get", method: "GET", path: "/site-structure/campaigns/nowhere", status: 404, code: "not_found"},
		{name: "publish unknown version", method: "POST", path: p + "/publish", body: `{"version":7}`, status: 404, code: "not_found"},
		{name: "publish v1", method: "POST", path: p + "/publish", body: `{"version":1}`, status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if c := decode[campaignBody](t, rec); c.PublishedVersion == nil || *c.PublishedVersion != 1 || c.LatestVersion != 1 {
					t.Fatalf("published %+v", c)
				}
			}},
		ifMatchRow("stale If-Match", `"0"`, 412, "precondition_failed"),
		ifMatchRow("weak If-Match", `W/"1"`, 412, "precondition_failed"),
		ifMatchRow("garbage If-Match", `yes please`, 412, "precondition_failed"),
		ifMatchRow("If-Match of the latest", `"1"`, 200, ""),
		ifMatchRow("bare version", `2`, 200, ""),
		{name: "get v3", method: "GET", path: p, status: http.StatusOK, check: wantVersion(3, `"3"`)},
		{name: "get v1", method: "GET", path: p + "?version=1", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				wantVersion(1, `"1"`)(t, rec, nil)
				b := decode[struct {
					Published bool
					Document  struct {
						Title    string
						Sections []struct{ ID string }
					}
				}](t, rec)
				if !b.Published || b.Document.Title != "v1" || len(b.Document.Sections) != 1 || b.Document.Sections[0].ID != "hero" {
					t.Fatalf("v1 is %s", rec.Body.String())
				}
			}},
		{name: "unknown version", method: "GET", path: p + "?version=9", status: 404, code: "not_found"},
		{name: "version zero", method: "GET", path: p + "?version=0", status: 400, code: "validation_error", field: "version"},
		{name: "unknown document field", method: "PUT", path: p, body: `{"html":"<script>"}`, status: 400, code: "validation_error", field: "html"},
		{name: "document too large", method: "PUT", path: p, body: hugeDocument(), status: 413, code: "payload_too_large"},
		{name: "pages.read reads the structure", method: "GET", path: p, planes: patPlane, scopes: []string{"pages.read"},
			status: http.StatusOK},
		{name: "pages.read cannot put", method: "PUT", path: p, body: doc("x"), planes: patPlane, scopes: []string{"pages.read"},
			status: 403, code: "insufficient_scope"},
		{name: "pages.read cannot publish", method: "POST", path: p + "/publish", body: `{"version":1}`, planes: patPlane,
			scopes: []string{"pages.read"}, status: 403, code: "insufficient_scope"},
		{name: "CREATOR puts", method: "PUT", path: p, body: doc("v4"), planes: jwtPlane, role: "CREATOR", status: 428,
			code: "precondition_required"},
	}
}

func ifMatchRow(name, ifMatch string, status int, code string) apiCase {
	body := `{"title":"` + name + `"}`
	return apiCase{name: name, method: "PUT", path: "/site-structure/campaigns/spring-sale", body: body, status: status, code: code,
		header: http.Header{"If-Match": {ifMatch}}}
}

func wantVersion(v int, etag string) func(*testing.T, *httpRecorder, caller) {
	return func(t *testing.T, rec *httpRecorder, _ caller) {
		t.Helper()
		if got := decode[struct{ Version int }](t, rec).Version; got != v || rec.Header().Get("ETag") != etag {
			t.Fatalf("version %d ETag %q, want %d %q", got, rec.Header().Get("ETag"), v, etag)
		}
	}
}

// hugeDocument is a valid site structure over 256 KiB as compact JSON,
// under the 1 MiB body limit.
func hugeDocument() string {
	var sections []string
	slugs := `"` + strings.Repeat("s", 24) + `"`
	many := "[" + strings.TrimSuffix(strings.Repeat(slugs+",", 100), ",") + "]"
	for i := range 50 {
		sections = append(sections, fmt.Sprintf(`{"id":"s%d","description":"%s","pageSlugs":%s,"linkSlugs":%s}`,
			i, strings.Repeat("d", 2000), many, many))
	}
	return `{"sections":[` + strings.Join(sections, ",") + `]}`
}

// campaignErrorRows are the campaigns family's refusals.
func campaignErrorRows() []apiCase {
	var rows []apiCase
	for _, b := range []struct{ name, method, path, body, field string }{
		{"bad id", "POST", "/campaigns", `{"campaignId":"Spring","goalType":"NEWSLETTER"}`, "campaignId"},
		{"short id", "POST", "/campaigns", `{"campaignId":"ab","goalType":"NEWSLETTER"}`, "campaignId"},
		{"bad goal", "POST", "/campaigns", `{"campaignId":"goal-less","goalType":"FAME"}`, "goalType"},
		{"no goal", "POST", "/campaigns", `{"campaignId":"goal-less"}`, "goalType"},
		{"bad status", "POST", "/campaigns", `{"campaignId":"st-bad","goalType":"NEWSLETTER","status":"DONE"}`, "status"},
		{"bad primary slug", "PATCH", "/campaigns/news_1", `{"primarySlug":"a b"}`, "primarySlug"},
		{"unknown patch field", "PATCH", "/campaigns/news_1", `{"goalType":"NEWSLETTER"}`, "goalType"},
		{"bad page token", "GET", "/campaigns?nextToken=%21%21", ``, "nextToken"},
	} {
		rows = append(rows, apiCase{name: b.name, method: b.method, path: b.path, body: b.body, status: 400,
			code: "validation_error", field: b.field})
	}
	return append(rows,
		apiCase{name: "get unknown", method: "GET", path: "/campaigns/nowhere", status: 404, code: "not_found"},
		apiCase{name: "patch unknown", method: "PATCH", path: "/campaigns/nowhere", body: `{"status":"ACTIVE"}`, status: 404, code: "not_found"},
		apiCase{name: "health unknown", method: "GET", path: "/campaigns/nowhere/health", status: 404, code: "not_found"},
		apiCase{name: "pages.read cannot create", method: "POST", path: "/campaigns", body: `{"campaignId":"read-only","goalType":"NEWSLETTER"}`,
			planes: patPlane, scopes: []string{"pages.read"}, status: 403, code: "insufficient_scope"},
		apiCase{name: "pages.read reads health", method: "GET", path: "/campaigns/news_1/health", planes: patPlane,
			scopes: []string{"pages.read"}, status: http.StatusOK},
		apiCase{name: "CREATOR creates", method: "POST", path: "/campaigns", body: `{"campaignId":"by-creator","goalType":"APP_INSTALL"}`,
			planes: jwtPlane, role: "CREATOR", status: http.StatusCreated},
		apiCase{name: "a stranger sees no handle", method: "GET", path: "/campaigns", planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
	)
}

// TestConcurrentSiteStructurePuts: writers that all read version 1 send
// their PUTs at once with If-Match "1": exactly one stores version 2, the
// others answer 412, on both databases.
func TestConcurrentSiteStructurePuts(t *testing.T) {
	const writers, rounds = 8, 3
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		base := "/v2/handles/acme/site-structure/campaigns/race"
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/campaigns", token: owner.Token,
			body: `{"campaignId":"race","goalType":"NEWSLETTER"}`}), http.StatusCreated)
		mustStatus(t, e.do(request{method: "PUT", path: base, token: owner.Token, body: `{"title":"v1"}`}), http.StatusOK)
		for round := range rounds {
			version := fmt.Sprint(round + 1)
			reqs := make([]request, writers)
			for w := range reqs {
				reqs[w] = request{method: "PUT", path: base, token: owner.Token, body: fmt.Sprintf(`{"title":"w%d"}`, w),
					header: http.Header{"If-Match": {`"` + version + `"`}}}
			}
			won := 0
			for w, a := range e.concurrently(reqs) {
				switch {
				case a.status == http.StatusOK:
					won++
				case a.status != http.StatusPreconditionFailed || a.code != "precondition_failed":
					t.Errorf("round %d writer %d: %d %s, want 200 or 412", round, w, a.status, a.code)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d writers won, want exactly 1", round, won)
			}
			got := decode[struct{ Version int }](t, e.do(request{method: "GET", path: base, token: owner.Token}))
			if got.Version != round+2 {
				t.Fatalf("round %d: latest version %d, want %d", round, got.Version, round+2)
			}
		}
	})
}
