package server

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"

	"tenx/web"
)

// Browser pages served beside the API, outside its contract: the API docs
// rendered from the served spec, and the token dashboard. Both are
// embedded in the binary and load nothing from the network.
const (
	docsPath = "/docs/"
	appPath  = "/app/"
)

// mountPages registers /docs/ and /app/.
func mountPages(e *echo.Echo) {
	docs := v5emb.NewWithConfig(swgui.Config{
		ShowTopBar: false,
		SettingsUI: map[string]string{
			"showExtensions": "true", // x-min-role, x-platform-admin
			// A pasted JWT or PAT lives only as long as the tab: Swagger
			// UI would otherwise keep it in localStorage for any later
			// script on this origin to read.
			"persistAuthorization": "false",
			"displayOperationId":   "true",
			"tryItOutEnabled":      "true",
		},
	})("tenx API", "/openapi.json", docsPath)
	e.GET("/docs", redirectTo(docsPath))
	e.GET(docsPath+"*", echo.WrapHandler(withDocsHeaders(docs)))
	app := http.StripPrefix(appPath, http.FileServer(http.FS(web.App)))
	e.GET("/app", redirectTo(appPath))
	e.GET(appPath+"*", echo.WrapHandler(withPageHeaders(app)))
}

func redirectTo(path string) echo.HandlerFunc {
	return func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, path) }
}

// withPageHeaders locks the dashboard down: its own origin only, no
// framing, no sniffing, no referrer leaking tokens in URLs.
func withPageHeaders(h http.Handler) http.Handler {
	return withHeaders(h, "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
}

// withHeaders serves h under the content security policy csp, never framed
// or sniffed, with no referrer.
func withHeaders(h http.Handler, csp string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// withDocsHeaders locks /docs down as the dashboard is. Swagger UI's page
// carries inline scripts and a style block: the policy allows exactly
// those, by hash, computed once from the page itself.
func withDocsHeaders(h http.Handler) http.Handler {
	csp := "default-src 'self'; script-src 'self'" + inlineHashes(h, "script") +
		"; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'" +
		"; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	return withHeaders(h, csp)
}

// inlineHashes renders the page h serves at docsPath once and returns the
// CSP sources (" 'sha256-...'") of its inline elements of the given tag.
func inlineHashes(h http.Handler, tag string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, docsPath, nil))
	out := ""
	page := rec.Body.String()
	open, end := "<"+tag+">", "</"+tag+">"
	for {
		i := strings.Index(page, open)
		if i < 0 {
			return out
		}
		page = page[i+len(open):]
		j := strings.Index(page, end)
		if j < 0 {
			return out
		}
		sum := sha256.Sum256([]byte(page[:j]))
		out += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		page = page[j+len(end):]
	}
}

// isPage reports whether an Echo route is one of the pages.
func isPage(path string) bool {
	switch path {
	case "/docs", docsPath + "*", "/app", appPath + "*":
		return true
	}
	return isSitePage(path) || isPublishedPage(path)
}
