package server

import (
	"context"
	"net/http"
	"sync/atomic"

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

// runtimeOriginKey is the context key of a runtime request's *runtimeOrigin.
type runtimeOriginKey struct{}

// runtimeOrigin is the Origin of a public runtime request, carried from
// runtimeCORS to the handler, which alone knows the target handle.
type runtimeOrigin struct {
	origin  string
	refused atomic.Bool
}

// runtimeCORS answers CORS for the public runtime routes. A preflight
// carries no body, so it cannot name the handle: one from an origin that
// some handle lists gets that origin back (never *, and no credentials:
// these routes take none); any other origin gets no CORS headers, and its
// preflight goes on to the contract, which answers 404 as for any method
// a route does not have. The request itself carries the origin to the
// handler (checkRuntimeOrigin), which refuses it unless the target handle
// lists it; a refused request gets no CORS headers either.
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
		if r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != "" {
			if !ok {
				return next(c)
			}
			h.Set(echo.HeaderAccessControlAllowOrigin, origin)
			h.Set(echo.HeaderAccessControlAllowMethods, http.MethodPost)
			h.Set(echo.HeaderAccessControlAllowHeaders, echo.HeaderContentType)
			h.Set(echo.HeaderAccessControlMaxAge, "600")
			return c.NoContent(http.StatusNoContent)
		}
		ro := &runtimeOrigin{origin: origin}
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), runtimeOriginKey{}, ro)))
		if ok {
			c.Response().Before(func() {
				if !ro.refused.Load() {
					h.Set(echo.HeaderAccessControlAllowOrigin, origin)
					h.Set(echo.HeaderAccessControlExposeHeaders, "X-Request-Id, Retry-After")
				}
			})
		}
		return next(c)
	}
}

// checkRuntimeOrigin refuses a public runtime request whose Origin the
// target handle does not list (403 forbidden, and no CORS headers); a
// request without Origin, from a server, passes.
func (s *Server) checkRuntimeOrigin(ctx context.Context, handle string) error {
	ro, _ := ctx.Value(runtimeOriginKey{}).(*runtimeOrigin)
	if ro == nil {
		return nil
	}
	ok, err := s.Origins.HandleListsOrigin(ctx, handle, ro.origin)
	if err != nil || ok {
		return err
	}
	ro.refused.Store(true)
	return tenx.Errorf(tenx.EFORBIDDEN, "origin %q is not one of the context origins of handle %q", ro.origin, handle)
}
