package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tenx/store/storetest"
)

// siteFiles is a small site: path -> content type and content.
var siteFiles = []struct{ path, contentType, content string }{
	{"index.html", "text/html; charset=utf-8", "<h1>home</h1>"},
	{"css/site.css", "text/css", "h1{color:red}"},
	{"blog/index.html", "text/html", "<h1>blog</h1>"},
	{"docs/a b.txt", "text/plain", "spaced"},
}

// mustDeploySite deploys siteFiles (with home as the index's content)
// through the manifest and its upload URLs, and activates it unless told
// not to; it returns the deployment's id.
func mustDeploySite(t *testing.T, e *env, owner user, home string, activate bool) string {
	t.Helper()
	var files []string
	for _, f := range siteFiles {
		c := f.content
		if f.path == "index.html" {
			c = home
		}
		files = append(files, `{"path":"`+f.path+`","contentType":"`+f.contentType+`","sizeBytes":`+itoa(len(c))+`}`)
	}
	rec := e.do(request{method: "POST", path: "/v2/handles/acme/site-deployments", token: owner.Token,
		body: `{"files":[` + strings.Join(files, ",") + `]}`})
	mustStatus(t, rec, http.StatusCreated)
	d := decode[deploymentCreatedBody](t, rec)
	for i, u := range d.PutURLs {
		c := siteFiles[i].content
		if u.Path == "index.html" {
			c = home
		}
		mustStatus(t, e.put(t, u.URL, siteFiles[i].contentType, c), http.StatusNoContent)
	}
	if activate {
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/site-deployments/" + d.DeploymentID + "/activate",
			token: owner.Token}), http.StatusOK)
	}
	return d.DeploymentID
}

func get(e *env, path string, header http.Header) *httpRecorder {
	return e.do(request{method: "GET", path: path, header: header})
}

// TestLiveSite serves a deployed site with its content types, directory
// indexes, validators and sandboxing headers, on both databases.
func TestLiveSite(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		// Before any deployment the site is the link-in-bio page (site
		// mode PROFILE); activating a deployment makes it the site.
		if rec := get(e, "/s/acme/", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<h1>acme</h1>") {
			t.Fatalf("/s/acme/ before a deployment: %d %s", rec.Code, rec.Body)
		}
		mustDeploySite(t, e, owner, "<h1>home</h1>", true)

		rec := get(e, "/s/acme", nil)
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/s/acme/" {
			t.Fatalf("/s/acme: %d %v", rec.Code, rec.Header())
		}
		for _, c := range []struct{ path, contentType, body string }{
			{"/s/acme/", "text/html; charset=utf-8", "<h1>home</h1>"},
			{"/s/acme/index.html", "text/html; charset=utf-8", "<h1>home</h1>"},
			{"/s/acme/css/site.css", "text/css", "h1{color:red}"},
			{"/s/acme/blog/", "text/html", "<h1>blog</h1>"},
			{"/s/acme/docs/a%20b.txt", "text/plain", "spaced"},
		} {
			rec := get(e, c.path, nil)
			h := rec.Header()
			if rec.Code != http.StatusOK || h.Get("Content-Type") != c.contentType || rec.Body.String() != c.body ||
				h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox ") ||
				strings.Contains(h.Get("Content-Security-Policy"), "allow-same-origin") || h.Get("ETag") == "" {
				t.Errorf("GET %s: %d %v %q", c.path, rec.Code, h, rec.Body.String())
			}
		}
		if rec := get(e, "/s/acme/blog", nil); rec.Code != http.StatusFound || rec.Header().Get("Location") != "/s/acme/blog/" {
			t.Errorf("/s/acme/blog: %d %v", rec.Code, rec.Header())
		}
		etag := get(e, "/s/acme/", nil).Header().Get("ETag")
		if rec := get(e, "/s/acme/", http.Header{"If-None-Match": {`"x", ` + etag}}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match: %d", rec.Code)
		}
		mustStatus(t, get(e, "/s/acme/", http.Header{"If-None-Match": {`"other"`}}), http.StatusOK)

		// A new deployment is live at once, with new validators.
		e.MustDeployInline(t, owner, "acme", "<h1>v2</h1>")
		rec = get(e, "/s/acme/", http.Header{"If-None-Match": {etag}})
		if rec.Code != http.StatusOK || rec.Body.String() != "<h1>v2</h1>" {
			t.Errorf("after redeploy: %d %q", rec.Code, rec.Body.String())
		}
		mustError(t, get(e, "/s/acme/css/site.css", nil), 404, "not_found")
	})
}

// TestLiveSitePaths: whatever a path says, it names a file of the site or
// nothing (404): no traversal, no encoded separators, no NUL.
func TestLiveSitePaths(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	other := e.MustSignup(t, "other@example.com")
	e.MustCreateHandle(t, other, "zeta")
	mustDeploySite(t, e, owner, "<h1>acme</h1>", true)
	for _, p := range []string{
		"/s/acme/../zeta/", "/s/acme/..", "/s/acme/%2e%2e/zeta/", "/s/acme/css/../index.html",
		"/s/acme/css%2fsite.css", "/s/acme/css%2Fsite.css", "/s/acme/css%5csite.css", "/s/acme/css\\site.css",
		"/s/acme/index.html%00", "/s/acme/%00", "/s/acme//index.html", "/s/acme/./index.html",
		"/s/acme/css/./site.css", "/s/acme/index.html/", "/s/acme/%ff", "/s/acme/missing.html",
		"/s/acme/css", "/s/acme/css/", "/s/zeta/x.html", "/s/ab/", "/s/API/", "/s/_preview/x/",
	} {
		rec := get(e, p, nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d %q, want 404", p, rec.Code, rec.Body.String())
			continue
		}
		if b := decode[errorBody](t, rec); b.Error != "not_found" {
			t.Errorf("GET %s: %+v", p, b)
		}
	}
}

// TestPreview: a deployment's signed preview serves it while another is
// live, and stops when it expires or is tampered with.
func TestPreview(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		e.MustDeployInline(t, owner, "acme", "<h1>live</h1>")
		id := mustDeploySite(t, e, owner, "<h1>next</h1>", false)
		rec := e.do(request{method: "GET", path: "/v2/handles/acme/site-deployments/" + id + "/preview", token: owner.Token})
		mustStatus(t, rec, http.StatusOK)
		preview := strings.TrimPrefix(decode[struct{ PreviewURL string }](t, rec).PreviewURL, "http://localhost:8080")

		rec = get(e, preview, nil)
		if rec.Code != http.StatusOK || rec.Body.String() != "<h1>next</h1>" || rec.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("preview: %d %q %v", rec.Code, rec.Body.String(), rec.Header())
		}
		if rec := get(e, preview+"css/site.css", nil); rec.Body.String() != "h1{color:red}" {
			t.Errorf("preview css: %d %q", rec.Code, rec.Body.String())
		}
		if rec := get(e, "/s/acme/", nil); rec.Body.String() != "<h1>live</h1>" {
			t.Errorf("live during preview: %q", rec.Body.String())
		}
		tampered := strings.Replace(preview, "/p.dep_", "/p.dep_x", 1)
		mustError(t, get(e, tampered, nil), 404, "not_found")
		e.clock.Add(time.Hour + time.Second)
		mustError(t, get(e, preview, nil), 404, "not_found")
	})
}

// TestLiveSiteWarmNeedsNoDatabase: once a site was served, it is served
// from memory: with the database closed it still answers.
func TestLiveSiteWarmNeedsNoDatabase(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	e.MustDeployInline(t, owner, "acme", "<h1>warm</h1>")
	mustStatus(t, get(e, "/s/acme/", nil), http.StatusOK)
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if rec := get(e, "/s/acme/", nil); rec.Code != http.StatusOK || rec.Body.String() != "<h1>warm</h1>" {
			t.Fatalf("warm: %d %q", rec.Code, rec.Body.String())
		}
	}
}
