package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// corsMaxAge is how long, in seconds, a browser may cache a preflight.
const corsMaxAge = 600

// cors lets the browsers of the configured origins call the control plane
// and the auth routes with credentials: a front end on app.example.com
// refreshing its session at api.example.com with credentials: "include".
// Origins are matched exactly (AllowOriginFunc bypasses Echo's wildcard
// and subdomain patterns); an unlisted origin gets no CORS headers, so the
// browser refuses it. Preflights are answered here, before the contract:
// an OPTIONS preflight is not an API operation. With no origins
// configured there is no CORS at all.
func cors(origins []string) echo.MiddlewareFunc {
	if len(origins) == 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	return middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper:         func(c echo.Context) bool { return !isCORSRequest(c.Request(), allowed) },
		AllowOriginFunc: func(origin string) (bool, error) { return allowed[origin], nil },
		AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch,
			http.MethodDelete},
		AllowHeaders:     []string{"Authorization", "Content-Type", "X-Api-Key", echo.HeaderXRequestID},
		AllowCredentials: true,
		// What a front end needs to read to explain an answer.
		ExposeHeaders: []string{echo.HeaderXRequestID, "Retry-After", "RateLimit", "RateLimit-Policy",
			"WWW-Authenticate"},
		MaxAge: corsMaxAge,
	})
}

// isCORSRequest reports whether the CORS middleware handles r: a request
// to a CORS path, where an OPTIONS must also be a real preflight from a
// listed origin. Any other OPTIONS goes on to the contract, which answers
// 404 like for every method a route does not have.
func isCORSRequest(r *http.Request, allowed map[string]bool) bool {
	if !isCORSPath(r.URL.Path) {
		return false
	}
	if r.Method != http.MethodOptions {
		return true
	}
	return allowed[r.Header.Get(echo.HeaderOrigin)] && r.Header.Get(echo.HeaderAccessControlRequestMethod) != ""
}

// isCORSPath reports whether a browser on an allowed origin may call the
// path: the JWT control plane and the auth routes under /v2/, not the PAT
// automation routes (a PAT belongs in a server, not in a page).
func isCORSPath(path string) bool {
	return strings.HasPrefix(path, "/v2/") && !strings.HasPrefix(path, "/v2/public/")
}
