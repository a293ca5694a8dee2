package server

import (
	"strings"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/ratelimit"
)

// rateLimit spends the caller's budgets: a PAT's per (handle, token, source
// IP) and then its handle's shared burst, or a JWT user's own. Every
// limited response carries the RateLimit-Policy and RateLimit fields.
func (s *Server) rateLimit(c echo.Context, p *tenx.Principal) error {
	if p == nil {
		return nil // public operations limit themselves (login)
	}
	type budget struct {
		key   string
		limit ratelimit.Limit
	}
	var budgets []budget
	if p.Kind == tenx.CredentialPAT {
		budgets = []budget{
			{"pat:" + p.Handle + ":" + p.TokenID + ":" + c.RealIP(), s.cfg.PATPerMinute},
			{"handle:" + p.Handle, s.cfg.HandleBurst},
		}
	} else {
		budgets = []budget{{"user:" + p.UserID, s.cfg.UserPerMinute}}
	}
	ctx := c.Request().Context()
	policies := make([]string, 0, len(budgets))
	states := make([]string, 0, len(budgets))
	var denied *ratelimit.Result
	for _, b := range budgets {
		res, err := s.Limiter.Allow(ctx, b.key, b.limit)
		if err != nil {
			return err
		}
		policies = append(policies, res.PolicyHeader())
		states = append(states, res.Header())
		if !res.Allowed {
			denied = &res // a refused request spends no wider budget
			break
		}
	}
	h := c.Response().Header()
	h.Set("RateLimit-Policy", strings.Join(policies, ", "))
	h.Set("RateLimit", strings.Join(states, ", "))
	if denied != nil {
		return &tenx.Error{Code: tenx.ERATELIMITED, Message: "rate limit exceeded; retry later",
			RetryAfterSeconds: denied.RetryAfterSeconds()}
	}
	return nil
}
