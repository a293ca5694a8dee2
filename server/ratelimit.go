package server

import (
	"context"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/ratelimit"
)

// Canonical header keys, so setting them costs no key allocation.
const (
	headerRateLimitPolicy = "Ratelimit-Policy"
	headerRateLimit       = "Ratelimit"
)

// rateLimits are the budgets of PAT and JWT callers with their
// RateLimit-Policy values, computed once.
type rateLimits struct {
	pat, handle, user    ratelimit.Limit
	patPolicy, jwtPolicy string
}

func newRateLimits(cfg Config) rateLimits {
	return rateLimits{pat: cfg.PATPerMinute, handle: cfg.HandleBurst, user: cfg.UserPerMinute,
		patPolicy: cfg.PATPerMinute.PolicyHeader() + ", " + cfg.HandleBurst.PolicyHeader(),
		jwtPolicy: cfg.UserPerMinute.PolicyHeader()}
}

// rateLimit spends the caller's budgets: a PAT's per (handle, token, source
// IP) and then its handle's shared burst, or a JWT user's own. The source IP
// is the one authorize put in the context, computed once per request. Every
// limited response carries the RateLimit-Policy and RateLimit fields.
func (s *Server) rateLimit(c echo.Context, p *tenx.Principal) error {
	if p == nil {
		return nil // public operations limit themselves (login)
	}
	ctx := c.Request().Context()
	h := c.Response().Header()
	if p.Kind != tenx.CredentialPAT {
		res, err := s.Limiter.Allow(ctx, "user:"+p.UserID, s.limits.user)
		if err != nil {
			return err
		}
		h[headerRateLimitPolicy] = []string{s.limits.jwtPolicy}
		h[headerRateLimit] = []string{res.Header()}
		return refusal(res)
	}
	// One call for both budgets: one Redis round trip, and the handle's
	// burst is spent only if the narrower budget allowed the request.
	budgets := []ratelimit.Budget{
		{Key: "pat:" + p.Handle + ":" + p.TokenID + ":" + tenx.ClientIPFromContext(ctx), Limit: s.limits.pat},
		{Key: "handle:" + p.Handle, Limit: s.limits.handle},
	}
	results, err := s.Limiter.AllowAll(ctx, budgets)
	if err != nil {
		return err
	}
	h[headerRateLimitPolicy] = []string{s.limits.patPolicy}
	state := results[0].Header()
	for _, r := range results[1:] {
		state += ", " + r.Header()
	}
	h[headerRateLimit] = []string{state}
	last := results[len(results)-1]
	s.usage.count(p.Handle, p.TokenID, s.now(), !last.Allowed)
	return refusal(last)
}

// refusal is rate_limited when res was refused.
func refusal(res ratelimit.Result) error {
	if res.Allowed {
		return nil
	}
	return &tenx.Error{Code: tenx.ERATELIMITED, Message: "rate limit exceeded; retry later",
		RetryAfterSeconds: res.RetryAfterSeconds()}
}

// spentKey marks a context whose request has already spent its caller's
// budgets: an MCP request's tool calls are served in process as the REST
// requests they stand for, and cost nothing beyond the MCP request.
type spentKey struct{}

// budgetSpent marks ctx as the context of a request that the PAT caller p
// has paid for. Only this package sets the mark, so no client can.
func budgetSpent(ctx context.Context, p *tenx.Principal) context.Context {
	return context.WithValue(ctx, spentKey{}, p.TokenID)
}

// paidFor reports whether ctx is marked as paid for by p's token (the
// request re-authenticates, so p is a new principal of the same token):
// enforceContract then neither spends nor counts a rate-limit decision.
func paidFor(ctx context.Context, p *tenx.Principal) bool {
	id, _ := ctx.Value(spentKey{}).(string)
	return id != "" && p != nil && p.Kind == tenx.CredentialPAT && id == p.TokenID
}
