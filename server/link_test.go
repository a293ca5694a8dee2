package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type linkBody struct {
	Slug, URL, DestinationURL, Title string
	Tags                             []string
	Enabled                          bool
	RedirectType                     int
	ClickCount                       int64
}

// TestLinksAPI is the links family's API table, on both planes and both
// databases.
func TestLinksAPI(t *testing.T) {
	rows := []apiCase{
		{name: "create", method: "PUT", path: "/links/new-launch", status: http.StatusCreated,
			body: `{"destinationUrl":"https://example.com/launch","title":"New Launch","tags":["promo","q4"]}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if l := decode[linkBody](t, rec); l.URL != "http://localhost:8080/acme/new-launch" || l.RedirectType != 302 || !l.Enabled || len(l.Tags) != 2 {
					t.Fatalf("created %+v", l)
				}
			}},
		{name: "replace", method: "PUT", path: "/links/new-launch", status: http.StatusOK,
			body: `{"destinationUrl":"https://example.com/v2","redirectType":307,"enabled":false}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if l := decode[linkBody](t, rec); l.DestinationURL != "https://example.com/v2" || l.RedirectType != 307 || l.Enabled || len(l.Tags) != 0 {
					t.Fatalf("replaced %+v", l)
				}
			}},
	}
	for i := 0; i < 5; i++ {
		rows = append(rows, apiCase{name: fmt.Sprintf("create slug-%d", i), method: "PUT", path: fmt.Sprintf("/links/slug-%d", i),
			body:   fmt.Sprintf(`{"destinationUrl":"https://example.com/%d","tags":["t%d"],"title":"100%% off %d"}`, i, i%2, i),
			status: http.StatusCreated})
	}
	rows = append(rows, apiCase{name: "get", method: "GET", path: "/links/slug-1", status: http.StatusOK})
	for _, l := range []struct {
		query string
		want  int
	}{
		{"", 6}, {"?tag=t1", 2}, {"?enabled=false", 1}, {"?enabled=true", 5}, {"?q=SLUG-3", 1}, {"?q=100%25", 5}, {"?q=%25%25", 0},
	} {
		rows = append(rows, apiCase{name: "list" + l.query, method: "GET", path: "/links" + l.query, status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if got := decode[struct{ Links []linkBody }](t, rec); len(got.Links) != l.want {
					t.Errorf("%d links, want %d", len(got.Links), l.want)
				}
			}})
	}
	rows = append(rows, apiCase{name: "page through", method: "GET", path: "/links?limit=2", status: http.StatusOK,
		check: func(t *testing.T, _ *httpRecorder, call caller) { pageThrough(t, call) }})
	for _, b := range []struct{ name, method, path, body, field string }{
		{"bad slug", "PUT", "/links/no", `{"destinationUrl":"https://example.com"}`, "slug"},
		{"ftp destination", "PUT", "/links/valid-slug", `{"destinationUrl":"ftp://example.com"}`, "destinationUrl"},
		{"relative destination", "PUT", "/links/valid-slug", `{"destinationUrl":"/launch"}`, "destinationUrl"},
		{"bad redirect", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","redirectType":301}`, "redirectType"},
		{"end before start", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","scheduledStartAt":"2026-12-02T00:00:00Z","scheduledEndAt":"2026-12-01T00:00:00Z"}`, "scheduledEndAt"},
		{"zero clicks", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","maxClicks":0}`, "maxClicks"},
		{"unknown field", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","owner":"me"}`, "owner"},
		{"bad limit", "GET", "/links?limit=0", ``, "limit"},
		{"bad page token", "GET", "/links?nextToken=%21%21%21", ``, "nextToken"},
	} {
		rows = append(rows, apiCase{name: b.name, method: b.method, path: b.path, body: b.body,
			status: 400, code: "validation_error", field: b.field})
	}
	rows = append(rows,
		apiCase{name: "get unknown", method: "GET", path: "/links/valid-slug", status: 404, code: "not_found"},
		apiCase{name: "delete", method: "DELETE", path: "/links/slug-0", status: http.StatusNoContent},
		apiCase{name: "delete again", method: "DELETE", path: "/links/slug-0", status: 404, code: "not_found"},
		apiCase{name: "get deleted", method: "GET", path: "/links/slug-0", status: 404, code: "not_found"},
	)
	rows = append(rows, linkAccessRows()...)
	apiTable(t, []string{"links.write"}, rows)
}

// linkAccessRows check who may do what: scopes on the PAT plane, roles on
// the JWT plane.
func linkAccessRows() []apiCase {
	put := `{"destinationUrl":"https://example.com/launch","title":"New Launch"}`
	read, write := []string{"links.read"}, []string{"links.write"}
	return []apiCase{
		{name: "links.read cannot write", method: "PUT", path: "/links/scoped", body: put, planes: patPlane, scopes: read,
			bearer: true, status: 403, code: "insufficient_scope"},
		{name: "links.write writes", method: "PUT", path: "/links/scoped", body: put, planes: patPlane, scopes: write,
			bearer: true, status: http.StatusCreated},
		{name: "links.write reads", method: "GET", path: "/links", planes: patPlane, scopes: write, bearer: true,
			status: http.StatusOK},
		{name: "links.read reads one", method: "GET", path: "/links/scoped", planes: patPlane, scopes: read, bearer: true,
			status: http.StatusOK},
		{name: "another scope cannot read", method: "GET", path: "/links", planes: patPlane, scopes: []string{"analytics.*"},
			bearer: true, status: 403, code: "insufficient_scope"},
		{name: "links carry their short url", method: "GET", path: "/links", planes: patPlane, scopes: read, bearer: true,
			status: http.StatusOK, check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if !strings.Contains(rec.Body.String(), `"url":"http://localhost:8080/acme/scoped"`) {
					t.Fatal("links carry no short url")
				}
			}},
		{name: "CREATOR writes", method: "PUT", path: "/links/by-creator", body: put, planes: jwtPlane,
			role: "CREATOR", status: http.StatusCreated},
		{name: "OPERATOR deletes", method: "DELETE", path: "/links/by-creator", planes: jwtPlane,
			role: "OPERATOR", status: http.StatusNoContent},
		{name: "a stranger sees no handle", method: "GET", path: "/links", planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
	}
}

// pageThrough lists two at a time and checks every link comes exactly once.
func pageThrough(t *testing.T, call caller) {
	seen := map[string]int{}
	next := ""
	for i := 0; i < 10; i++ {
		path := "/links?limit=2"
		if next != "" {
			path += "&nextToken=" + next
		}
		page := decode[struct {
			Links     []linkBody
			NextToken string
		}](t, call("GET", path, ""))
		for _, l := range page.Links {
			seen[l.Slug]++
		}
		if next = page.NextToken; next == "" {
			break
		}
	}
	if len(seen) != 6 {
		t.Fatalf("paged through %v", seen)
	}
	for slug, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", slug, n)
		}
	}
}
