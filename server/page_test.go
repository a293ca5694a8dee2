package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type pageBody struct {
	Slug, Title, Description, Content, AccessMode, Status, URL string
	PublishedAt                                                *string
}

// TestPagesAPI is the pages family's API table, on both planes and both
// databases.
func TestPagesAPI(t *testing.T) {
	rows := []apiCase{
		{name: "create", method: "POST", path: "/pages", status: http.StatusCreated,
			body: `{"slug":"about","title":"About us","description":"Who we are","content":"# Hi\n\nWe make *things*."}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				p := decode[pageBody](t, rec)
				if p.Status != "DRAFT" || p.AccessMode != "PUBLIC" || p.URL != "http://localhost:8080/p/acme/about" || p.PublishedAt != nil {
					t.Fatalf("created %+v", p)
				}
			}},
		{name: "create again", method: "POST", path: "/pages", status: 409, code: "conflict",
			body: `{"slug":"about","title":"Again","content":"x"}`},
		{name: "get", method: "GET", path: "/pages/about", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if p := decode[pageBody](t, rec); p.Title != "About us" || p.Content != "# Hi\n\nWe make *things*." {
					t.Fatalf("got %+v", p)
				}
			}},
		{name: "publish", method: "POST", path: "/pages/about/publish", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if p := decode[pageBody](t, rec); p.Status != "PUBLISHED" || p.PublishedAt == nil {
					t.Fatalf("published %+v", p)
				}
			}},
		{name: "update keeps the status", method: "PUT", path: "/pages/about", status: http.StatusOK,
			body: `{"title":"About","content":"new"}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if p := decode[pageBody](t, rec); p.Status != "PUBLISHED" || p.Title != "About" || p.Description != "" {
					t.Fatalf("updated %+v", p)
				}
			}},
		{name: "preview", method: "POST", path: "/page-previews", status: http.StatusOK,
			body: `{"content":"**bold** <script>alert(1)</script> [x](javascript:alert(1))"}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				html := decode[struct{ HTML string }](t, rec).HTML
				if !strings.Contains(html, "<strong>bold</strong>") || strings.Contains(html, "<script") || strings.Contains(html, "javascript:") {
					t.Fatalf("preview %q", html)
				}
			}},
	}
	for i := range 4 {
		rows = append(rows, apiCase{name: fmt.Sprintf("create page-%d", i), method: "POST", path: "/pages",
			body: fmt.Sprintf(`{"slug":"page-%d","title":"Page %d","content":"text %d"}`, i, i, i), status: http.StatusCreated})
	}
	rows = append(rows,
		listPagesRow("list", "", 5), listPagesRow("list drafts", "?status=DRAFT", 4),
		listPagesRow("list published", "?status=PUBLISHED", 1),
		apiCase{name: "page through", method: "GET", path: "/pages?limit=2", status: http.StatusOK,
			check: func(t *testing.T, _ *httpRecorder, call caller) { pageThroughPages(t, call, 5) }},
	)
	rows = append(rows, pageErrorRows()...)
	rows = append(rows, pageAccessRows()...)
	apiTable(t, []string{"pages.write"}, rows)
}

func listPagesRow(name, query string, want int) apiCase {
	return apiCase{name: name, method: "GET", path: "/pages" + query, status: http.StatusOK,
		check: func(t *testing.T, rec *httpRecorder, _ caller) {
			if got := decode[struct{ Pages []pageBody }](t, rec); len(got.Pages) != want {
				t.Errorf("%d pages, want %d", len(got.Pages), want)
			}
		}}
}

// pageErrorRows are the pages family's refusals.
func pageErrorRows() []apiCase {
	var rows []apiCase
	for _, b := range []struct{ name, method, path, body, code, field string }{
		{"paid", "POST", "/pages", `{"slug":"paid-page","title":"t","content":"c","accessMode":"PAID"}`, "unsupported_access_mode", "accessMode"},
		{"free with login", "POST", "/pages", `{"slug":"login-page","title":"t","content":"c","accessMode":"FREE_WITH_LOGIN"}`, "unsupported_access_mode", "accessMode"},
		{"update to paid", "PUT", "/pages/about", `{"title":"t","content":"c","accessMode":"PAID"}`, "unsupported_access_mode", "accessMode"},
		{"bad slug", "POST", "/pages", `{"slug":"a b","title":"t","content":"c"}`, "validation_error", "slug"},
		{"empty title", "POST", "/pages", `{"slug":"no-title","title":"","content":"c"}`, "validation_error", "title"},
		{"unknown access mode", "POST", "/pages", `{"slug":"odd-mode","title":"t","content":"c","accessMode":"SECRET"}`, "validation_error", "accessMode"},
		{"unknown field", "POST", "/pages", `{"slug":"extra","title":"t","content":"c","html":"<b>"}`, "validation_error", "html"},
		{"no content", "PUT", "/pages/about", `{"title":"t"}`, "validation_error", "content"},
		{"bad status filter", "GET", "/pages?status=LIVE", ``, "validation_error", "status"},
		{"bad page token", "GET", "/pages?nextToken=%21%21", ``, "validation_error", "nextToken"},
		{"bad limit", "GET", "/pages?limit=101", ``, "validation_error", "limit"},
	} {
		rows = append(rows, apiCase{name: b.name, method: b.method, path: b.path, body: b.body, status: 400, code: b.code, field: b.field})
	}
	return append(rows,
		apiCase{name: "not JSON", method: "POST", path: "/pages", body: `{"slug":`, status: 400, code: "invalid_payload"},
		apiCase{name: "get unknown", method: "GET", path: "/pages/nowhere", status: 404, code: "not_found"},
		apiCase{name: "update unknown", method: "PUT", path: "/pages/nowhere", body: `{"title":"t","content":"c"}`, status: 404, code: "not_found"},
		apiCase{name: "publish unknown", method: "POST", path: "/pages/nowhere/publish", status: 404, code: "not_found"},
		apiCase{name: "delete", method: "DELETE", path: "/pages/page-0", status: http.StatusNoContent},
		apiCase{name: "delete again", method: "DELETE", path: "/pages/page-0", status: 404, code: "not_found"},
		apiCase{name: "get deleted", method: "GET", path: "/pages/page-0", status: 404, code: "not_found"},
	)
}

// pageAccessRows check who may do what: scopes on the PAT plane, roles on
// the JWT plane.
func pageAccessRows() []apiCase {
	read := []string{"pages.read"}
	create := `{"slug":"scoped","title":"t","content":"c"}`
	return []apiCase{
		{name: "pages.read cannot publish", method: "POST", path: "/pages/about/publish", planes: patPlane, scopes: read,
			status: 403, code: "insufficient_scope"},
		{name: "pages.read cannot create", method: "POST", path: "/pages", body: create, planes: patPlane, scopes: read,
			bearer: true, status: 403, code: "insufficient_scope"},
		{name: "pages.read cannot delete", method: "DELETE", path: "/pages/about", planes: patPlane, scopes: read,
			status: 403, code: "insufficient_scope"},
		{name: "pages.read lists", method: "GET", path: "/pages?limit=1", planes: patPlane, scopes: read, status: http.StatusOK},
		{name: "pages.read previews", method: "POST", path: "/page-previews", body: `{"content":"x"}`, planes: patPlane,
			scopes: read, status: http.StatusOK},
		{name: "links.write cannot read pages", method: "GET", path: "/pages", planes: patPlane, scopes: []string{"links.write"},
			status: 403, code: "insufficient_scope"},
		{name: "pages.* writes", method: "POST", path: "/pages", body: create, planes: patPlane, scopes: []string{"pages.*"},
			status: http.StatusCreated},
		{name: "CREATOR creates", method: "POST", path: "/pages", body: create, planes: jwtPlane, role: "CREATOR",
			status: http.StatusCreated},
		{name: "CREATOR publishes", method: "POST", path: "/pages/scoped/publish", planes: jwtPlane, role: "CREATOR",
			status: http.StatusOK},
		{name: "a stranger sees no handle", method: "GET", path: "/pages", planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
	}
}

// pageThroughPages lists two at a time and checks every page comes once.
func pageThroughPages(t *testing.T, call caller, want int) {
	seen := map[string]int{}
	next := ""
	for range 10 {
		path := "/pages?limit=2"
		if next != "" {
			path += "&nextToken=" + next
		}
		page := decode[struct {
			Pages     []pageBody
			NextToken string
		}](t, call("GET", path, ""))
		for _, p := range page.Pages {
			seen[p.Slug]++
		}
		if next = page.NextToken; next == "" {
			break
		}
	}
	if len(seen) != want {
		t.Fatalf("paged through %v", seen)
	}
	for slug, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", slug, n)
		}
	}
}
