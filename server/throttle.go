package server

import (
	"strings"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/gen"
	"tenx/ratelimit"
)

// budget is one rate limit a request spends under a key.
type budget struct {
	key   string
	limit ratelimit.Limit
}

// throttleAuth is the strict-handler middleware that limits the public
// operations that have no principal for rateLimit to key on: sign-up per
// source IP, login per source IP and then per account, conversions per
// source IP. Their answers carry the RateLimit-Policy and RateLimit fields
// like every other limited response.
func (s *Server) throttleAuth(f gen.StrictHandlerFunc, operationID string) gen.StrictHandlerFunc {
	if operationID != "Login" && operationID != "Signup" && operationID != "RecordConversion" {
		return f
	}
	return func(c echo.Context, req any) (any, error) {
		if err := s.spend(c, s.authBudgets(c.RealIP(), req)); err != nil {
			return nil, err
		}
		return f(c, req)
	}
}

// authBudgets are the budgets a sign-up, login or conversion spends, in
// order.
func (s *Server) authBudgets(ip string, req any) []budget {
	switch r := req.(type) {
	case gen.LoginRequestObject:
		return []budget{{"login:ip:" + ip, s.cfg.LoginPerIP},
			{"login:account:" + tenx.NormalizeEmail(string(r.Body.Email)), s.cfg.LoginPerAccount}}
	case gen.SignupRequestObject:
		return []budget{{"signup:ip:" + ip, s.cfg.SignupPerIP}}
	case gen.RecordConversionRequestObject:
		return []budget{{"conversion:ip:" + ip, s.cfg.ConversionsPerIP}}
	}
	return nil
}

// spend takes one unit of each budget in turn and stops at the first that
// refuses, so a refused request spends nothing wider.
func (s *Server) spend(c echo.Context, budgets []budget) error {
	policies := make([]string, 0, len(budgets))
	states := make([]string, 0, len(budgets))
	h := c.Response().Header()
	for _, b := range budgets {
		res, err := s.Limiter.Allow(c.Request().Context(), b.key, b.limit)
		if err != nil {
			return err
		}
		policies, states = append(policies, b.limit.PolicyHeader()), append(states, res.Header())
		h[headerRateLimitPolicy] = []string{strings.Join(policies, ", ")}
		h[headerRateLimit] = []string{strings.Join(states, ", ")}
		if err := refusal(res); err != nil {
			return err
		}
	}
	return nil
}
