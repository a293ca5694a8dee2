package server

import (
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
)

// Observer is told what the server does, for metrics. Its methods must be
// cheap and safe for concurrent use.
type Observer interface {
	// Request is one answered request: its route (method and path
	// template) and status, and how long it took.
	Request(route string, status int, d time.Duration)
	// Auth is the outcome of authenticating a credential: "ok" or the
	// error code answered.
	Auth(outcome string)
	// RateLimit is one rate-limit decision for a caller of kind ("pat",
	// "jwt").
	RateLimit(kind string, allowed bool)
}

// observeRequest reports an answered request.
func (s *Server) observeRequest(c echo.Context, start time.Time) {
	if s.Metrics == nil {
		return
	}
	route := c.Path()
	if route == "" || route == "/*" {
		route = "unmatched"
	}
	s.Metrics.Request(c.Request().Method+" "+route, c.Response().Status, time.Since(start))
}

// observeAuth reports the outcome of an operation's authentication.
func (s *Server) observeAuth(op *operation, err error) {
	if s.Metrics == nil || op.requirement.Public {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = tenx.ErrorCode(err)
	}
	s.Metrics.Auth(outcome)
}

// observeRateLimit reports a rate-limit decision about p.
func (s *Server) observeRateLimit(p *tenx.Principal, err error) {
	if s.Metrics == nil || p == nil {
		return
	}
	kind := "jwt"
	if p.Kind == tenx.CredentialPAT {
		kind = "pat"
	}
	s.Metrics.RateLimit(kind, tenx.ErrorCode(err) != tenx.ERATELIMITED)
}
