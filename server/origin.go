package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/gen"
)

// GetContextOrigins returns the handle's context origins (JWT).
func (s *Server) GetContextOrigins(ctx context.Context, req gen.GetContextOriginsRequestObject) (gen.GetContextOriginsResponseObject, error) {
	list, err := s.Origins.FindContextOrigins(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetContextOrigins200JSONResponse{Origins: list}, nil
}

// GetContextOriginsPublic returns the handle's context origins (PAT,
// personalization.read).
func (s *Server) GetContextOriginsPublic(ctx context.Context, req gen.GetContextOriginsPublicRequestObject) (gen.GetContextOriginsPublicResponseObject, error) {
	list, err := s.Origins.FindContextOrigins(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetContextOriginsPublic200JSONResponse{Body: gen.ContextOrigins{Origins: list}}, nil
}

// PutContextOrigins replaces the handle's context origins (JWT, OWNER).
func (s *Server) PutContextOrigins(ctx context.Context, req gen.PutContextOriginsRequestObject) (gen.PutContextOriginsResponseObject, error) {
	list, err := tenx.NormalizeOrigins(req.Body.Origins)
	if err != nil {
		return nil, err
	}
	if err := s.Origins.ReplaceContextOrigins(ctx, req.Handle, list); err != nil {
		return nil, err
	}
	return gen.PutContextOrigins200JSONResponse{Origins: list}, nil
}

// runtimeCORSPaths are the public runtime routes that browsers on the
// handles' context origins may call.
var runtimeCORSPaths = map[string]bool{"/v2/public/chain/signals": true, "/v2/public/conversions": true}

// runtimeCORS answers CORS for the public runtime routes: a preflight
// from an origin that some handle lists gets that origin back (never *,
// and no credentials: these routes take none), and so does the request;
// any other origin gets no CORS headers, and its preflight goes on to the
// contract, which answers 404 as for any method a route does not have.
// The handle is in the body (or the signed ctx), which a preflight does
// not carry, so the origin is checked against every handle's list.
func (s *Server) runtimeCORS(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		origin := r.Header.Get(echo.HeaderOrigin)
		if origin == "" || !runtimeCORSPaths[r.URL.Path] || s.Origins == nil {
			return next(c)
		}
		h := c.Response().Header()
		h.Add(echo.HeaderVary, echo.HeaderOrigin)
		ok, err := s.Origins.OriginAllowed(r.Context(), origin)
		if err != nil {
			return err
		}
		if !ok {
			return next(c)
		}
		h.Set(echo.HeaderAccessControlAllowOrigin, origin)
		if r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != "" {
			h.Set(echo.HeaderAccessControlAllowMethods, http.MethodPost)
			h.Set(echo.HeaderAccessControlAllowHeaders, echo.HeaderContentType)
			h.Set(echo.HeaderAccessControlMaxAge, "600")
			return c.NoContent(http.StatusNoContent)
		}
		h.Set(echo.HeaderAccessControlExposeHeaders, "X-Request-Id, Retry-After")
		return next(c)
	}
}
