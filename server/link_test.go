package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tenx/store/storetest"
)

// linkFamily is one of the two route families links are served on.
type linkFamily struct {
	name   string
	prefix string
	cred   func(owner user, pat string) request
}

func linkFamilies() []linkFamily {
	return []linkFamily{
		{"jwt", "/v2/handles/acme", func(u user, _ string) request { return request{token: u.Token} }},
		{"pat", "/v2/public/handles/acme", func(_ user, pat string) request {
			return request{header: http.Header{"X-Api-Key": {pat}}}
		}},
	}
}

func TestLinksOnBothFamiliesAndDatabases(t *testing.T) {
	for _, fam := range linkFamilies() {
		t.Run(fam.name, func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, url string) {
				e := mustOpenServerAt(t, url)
				owner := e.MustSignup(t, "owner-"+fam.name+"@example.com")
				e.MustCreateHandle(t, owner, "acme")
				pat := e.MustCreatePAT(t, owner, "acme", "links.write")
				call := func(method, path, body string) *httpRecorder {
					r := fam.cred(owner, pat)
					r.method, r.path, r.body = method, fam.prefix+path, body
					return e.do(r)
				}
				walkLinks(t, call)
			})
		})
	}
}

type linkBody struct {
	Slug, URL, DestinationURL, Title string
	Tags                             []string
	Enabled                          bool
	RedirectType                     int
	ClickCount                       int64
}

func walkLinks(t *testing.T, call func(method, path, body string) *httpRecorder) {
	rec := call("PUT", "/links/new-launch", `{"destinationUrl":"https://example.com/launch","title":"New Launch","tags":["promo","q4"]}`)
	mustStatus(t, rec, http.StatusCreated)
	l := decode[linkBody](t, rec)
	if l.URL != "http://localhost:8080/acme/new-launch" || l.RedirectType != 302 || !l.Enabled || len(l.Tags) != 2 {
		t.Fatalf("created %+v", l)
	}
	rec = call("PUT", "/links/new-launch", `{"destinationUrl":"https://example.com/v2","redirectType":307,"enabled":false}`)
	mustStatus(t, rec, http.StatusOK)
	if l := decode[linkBody](t, rec); l.DestinationURL != "https://example.com/v2" || l.RedirectType != 307 || l.Enabled || len(l.Tags) != 0 {
		t.Fatalf("replaced %+v", l)
	}
	for i := 0; i < 5; i++ {
		mustStatus(t, call("PUT", fmt.Sprintf("/links/slug-%d", i), fmt.Sprintf(`{"destinationUrl":"https://example.com/%d","tags":["t%d"],"title":"100%% off %d"}`, i, i%2, i)), http.StatusCreated)
	}
	mustStatus(t, call("GET", "/links/slug-1", ""), http.StatusOK)
	lists := []struct {
		query string
		want  int
	}{
		{"", 6}, {"?tag=t1", 2}, {"?enabled=false", 1}, {"?enabled=true", 5}, {"?q=SLUG-3", 1}, {"?q=100%25", 5}, {"?q=%25%25", 0},
	}
	for _, l := range lists {
		got := decode[struct{ Links []linkBody }](t, call("GET", "/links"+l.query, ""))
		if len(got.Links) != l.want {
			t.Errorf("GET links%s: %d links, want %d", l.query, len(got.Links), l.want)
		}
	}
	pageThrough(t, call)
	bad := []struct{ name, method, path, body, code, field string }{
		{"bad slug", "PUT", "/links/no", `{"destinationUrl":"https://example.com"}`, "validation_error", "slug"},
		{"ftp destination", "PUT", "/links/valid-slug", `{"destinationUrl":"ftp://example.com"}`, "validation_error", "destinationUrl"},
		{"relative destination", "PUT", "/links/valid-slug", `{"destinationUrl":"/launch"}`, "validation_error", "destinationUrl"},
		{"bad redirect", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","redirectType":301}`, "validation_error", "redirectType"},
		{"end before start", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","scheduledStartAt":"2026-12-02T00:00:00Z","scheduledEndAt":"2026-12-01T00:00:00Z"}`, "validation_error", "scheduledEndAt"},
		{"zero clicks", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","maxClicks":0}`, "validation_error", "maxClicks"},
		{"unknown field", "PUT", "/links/valid-slug", `{"destinationUrl":"https://example.com","owner":"me"}`, "validation_error", "owner"},
		{"bad limit", "GET", "/links?limit=0", ``, "validation_error", "limit"},
		{"bad page token", "GET", "/links?nextToken=%21%21%21", ``, "validation_error", "nextToken"},
	}
	for _, b := range bad {
		if got := mustError(t, call(b.method, b.path, b.body), 400, b.code); got.Field != b.field {
			t.Errorf("%s: field %q, want %q", b.name, got.Field, b.field)
		}
	}
	mustError(t, call("GET", "/links/valid-slug", ""), 404, "not_found")
	mustStatus(t, call("DELETE", "/links/slug-0", ""), http.StatusNoContent)
	mustError(t, call("DELETE", "/links/slug-0", ""), 404, "not_found")
	mustError(t, call("GET", "/links/slug-0", ""), 404, "not_found")
}

// pageThrough lists two at a time and checks every link comes exactly once.
func pageThrough(t *testing.T, call func(method, path, body string) *httpRecorder) {
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

func TestLinkScopes(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	reader := e.MustCreatePAT(t, owner, "acme", "links.read")
	writer := e.MustCreatePAT(t, owner, "acme", "links.write")
	other := e.MustCreatePAT(t, owner, "acme", "analytics.*")
	put := `{"destinationUrl":"https://example.com/launch","title":"New Launch"}`
	p := "/v2/public/handles/acme/links"
	mustError(t, e.do(request{method: "PUT", path: p + "/new-launch", token: reader, body: put}), 403, "insufficient_scope")
	mustStatus(t, e.do(request{method: "PUT", path: p + "/new-launch", token: writer, body: put}), http.StatusCreated)
	mustStatus(t, e.do(request{method: "GET", path: p, token: writer}), http.StatusOK) // write implies read
	mustStatus(t, e.do(request{method: "GET", path: p + "/new-launch", token: reader}), http.StatusOK)
	mustError(t, e.do(request{method: "GET", path: p, token: other}), 403, "insufficient_scope")
	if !strings.Contains(e.do(request{method: "GET", path: p, token: reader}).Body.String(), `"url":"http://localhost:8080/acme/new-launch"`) {
		t.Fatal("links carry no short url")
	}
}
