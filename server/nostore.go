package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// noStore marks every /v2 response, errors included, Cache-Control:
// no-store. The API answers with bearer tokens (login, refresh, PAT create
// and rotate) and with account data; no browser or proxy cache may keep
// either, so the secure default is set once here rather than per handler.
// Other paths (the JWKS, the spec, /docs, /app/, short-link redirects) keep
// their own caching.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, "/v2/") {
			c.Response().Header()[echo.HeaderCacheControl] = []string{"no-store"}
		}
		return next(c)
	}
}
