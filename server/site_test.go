package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tenx/store/storetest"
)

// xss is text that would run script if a document took it as HTML.
const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`

// TestHandleSite: /s/{handle}/ shows the link-in-bio page in PROFILE mode
// (the profile and the links a visitor can follow now, through their
// short URLs, everything escaped), nothing in SITE mode until deployments
// are joined, and 404 for what is no handle; on both databases.
func TestHandleSite(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		put := func(path, body string, status int) {
			t.Helper()
			mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme" + path, token: owner.Token, body: body}), status)
		}
		later := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
		put("/links/shop", `{"destinationUrl":"https://example.com/shop","title":"My `+jsonEscape(xss)+` shop"}`, 201)
		put("/links/blog", `{"destinationUrl":"https://example.com/blog"}`, 201)
		put("/links/hidden", `{"destinationUrl":"https://example.com/h","title":"Hidden","enabled":false}`, 201)
		put("/links/soon", `{"destinationUrl":"https://example.com/s","title":"Soon","scheduledStartAt":"`+later+`"}`, 201)
		put("/profile", `{"displayName":"`+jsonEscape(xss)+`","bio":"`+jsonEscape(xss)+`","avatarUrl":"https://example.com/a.png"}`, 200)

		rec := e.do(request{method: "GET", path: "/s/acme/"})
		mustStatus(t, rec, http.StatusOK)
		mustBeSafeDocument(t, rec)
		body := rec.Body.String()
		for _, want := range []string{`href="http://localhost:8080/acme/shop"`, `href="http://localhost:8080/acme/blog"`,
			"&lt;script&gt;", `src="https://example.com/a.png"`, ">blog<"} {
			if !strings.Contains(body, want) {
				t.Errorf("profile page lacks %s:\n%s", want, body)
			}
		}
		for _, not := range []string{"Hidden", "Soon", "<script"} {
			if strings.Contains(body, not) {
				t.Errorf("profile page shows %q", not)
			}
		}

		redirect := e.do(request{method: "GET", path: "/s/acme"})
		if redirect.Code != http.StatusFound || redirect.Header().Get("Location") != "/s/acme/" {
			t.Errorf("/s/acme: %d to %q", redirect.Code, redirect.Header().Get("Location"))
		}
		put("/site-mode", `{"mode":"SITE"}`, 200)
		mustError(t, e.do(request{method: "GET", path: "/s/acme/"}), 404, "not_found")
		for _, path := range []string{"/s/nobody/", "/s/AB/", "/s/ab/", "/s/ab", "/s/a%00b/"} {
			mustError(t, e.do(request{method: "GET", path: path}), 404, "not_found")
		}
	})
}

// TestPublishedPages: /p/{handle}/{slug} serves a PUBLISHED page as safe
// HTML and nothing else.
func TestPublishedPages(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		call := func(method, path, body string, status int) {
			t.Helper()
			mustStatus(t, e.do(request{method: method, path: "/v2/handles/acme" + path, token: owner.Token, body: body}), status)
		}
		call("POST", "/pages", `{"slug":"about","title":"`+jsonEscape(xss)+`","description":"`+jsonEscape(xss)+`",`+
			`"content":"# Hello\n\n`+jsonEscape(xss)+`\n\n[home](javascript:alert(1)) and [site](https://example.com)"}`, 201)
		mustError(t, e.do(request{method: "GET", path: "/p/acme/about"}), 404, "not_found") // a draft
		call("POST", "/pages/about/publish", "", 200)

		rec := e.do(request{method: "GET", path: "/p/acme/about"})
		mustStatus(t, rec, http.StatusOK)
		mustBeSafeDocument(t, rec)
		body := rec.Body.String()
		for _, want := range []string{`<h1 id="hello">Hello</h1>`, `href="https://example.com"`, "&lt;script&gt;", `href="/s/acme/"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %s:\n%s", want, body)
			}
		}
		if strings.Contains(body, "<script") || strings.Contains(body, "javascript:") || strings.Contains(body, "<img src=x") {
			t.Errorf("page carries script:\n%s", body)
		}
		for _, path := range []string{"/p/acme/nowhere", "/p/nobody/about", "/p/acme/a.b", "/p/AB/about", "/p/acme/about/more"} {
			mustError(t, e.do(request{method: "GET", path: path}), 404, "not_found")
		}
		call("DELETE", "/pages/about", "", 204)
		mustError(t, e.do(request{method: "GET", path: "/p/acme/about"}), 404, "not_found")
	})
}

// mustBeSafeDocument checks the headers every public document carries.
func mustBeSafeDocument(t *testing.T, rec *httpRecorder) {
	t.Helper()
	h := rec.Header()
	csp := h.Get("Content-Security-Policy")
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || h.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("unsafe headers: %v", h)
	}
}

// jsonEscape quotes s for a JSON string literal.
func jsonEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
