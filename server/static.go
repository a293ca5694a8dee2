package server

import (
	"net/http"

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
			"showExtensions":       "true", // x-min-role, x-platform-admin
			"persistAuthorization": "true",
			"displayOperationId":   "true",
			"tryItOutEnabled":      "true",
		},
	})("tenx API", "/openapi.json", docsPath)
	e.GET("/docs", redirectTo(docsPath))
	e.GET(docsPath+"*", echo.WrapHandler(docs))
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// isPage reports whether an Echo route is one of the pages.
func isPage(path string) bool {
	switch path {
	case "/docs", docsPath + "*", "/app", appPath + "*":
		return true
	}
	return false
}
