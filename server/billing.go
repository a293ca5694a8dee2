package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"tenx"
	"tenx/gen"
)

// GetBillingSummary answers the caller's plan, its limits and today's
// writes.
func (s *Server) GetBillingSummary(ctx context.Context, _ gen.GetBillingSummaryRequestObject) (gen.GetBillingSummaryResponseObject, error) {
	userID := callerID(ctx)
	plan, err := s.Plans.FindPlan(ctx, userID)
	if err != nil {
		return nil, err
	}
	day := s.now().UTC()
	writes, err := s.Plans.FindUsage(ctx, userID, tenx.QuotaDay(day))
	if err != nil {
		return nil, err
	}
	out := gen.GetBillingSummary200JSONResponse{Plan: gen.Plan(plan), PlansEnabled: s.cfg.PlansEnabled,
		Features: plan.Features(), CheckoutAvailable: s.Payments != nil && s.Payments.CheckoutAvailable(),
		Usage: gen.PlanUsage{WritesToday: writes, WritesDay: openapi_types.Date{Time: day.Truncate(24 * time.Hour)}}}
	if n := s.writesPerDay(plan); n > 0 && s.cfg.PlansEnabled {
		out.Limits.WritesPerDay = &n
	}
	if !s.cfg.PlansEnabled {
		out.Features = tenx.PlanEnterprise.Features() // everything is open
	}
	return out, nil
}

// CreateCheckoutSession opens a Stripe Checkout page for a paid plan.
func (s *Server) CreateCheckoutSession(ctx context.Context, req gen.CreateCheckoutSessionRequestObject) (gen.CreateCheckoutSessionResponseObject, error) {
	plan := tenx.Plan(req.Body.Plan)
	if plan == tenx.PlanFree {
		return nil, &tenx.Error{Code: tenx.EVALIDATION, Field: "plan", Message: "FREE needs no checkout; pick PRO or ENTERPRISE"}
	}
	if s.Payments == nil {
		return nil, tenx.Errorf(tenx.EUNAVAILABLE, "payments are not configured on this server (the operator sets TENX_STRIPE_SECRET_KEY)")
	}
	u, err := s.Users.FindUserByID(ctx, callerID(ctx))
	if err != nil {
		return nil, err
	}
	co, err := s.Payments.Checkout(ctx, u.ID, u.Email, plan)
	if err != nil {
		s.log.Warn("checkout failed", "err", err, "user", u.ID)
		return nil, err
	}
	return gen.CreateCheckoutSession200JSONResponse{Url: co.URL, SessionId: optional(co.SessionID)}, nil
}

// StripeWebhook applies a signed Stripe event once: a redelivered event id
// answers 200 and changes nothing.
func (s *Server) StripeWebhook(ctx context.Context, _ gen.StripeWebhookRequestObject) (gen.StripeWebhookResponseObject, error) {
	if s.Payments == nil {
		return nil, tenx.Errorf(tenx.EUNAVAILABLE, "payments are not configured on this server")
	}
	raw, sig := rawBodyOf(ctx)
	ev, err := s.Payments.ParseEvent(raw, sig)
	if err != nil {
		return nil, err
	}
	dup, err := s.Plans.ApplyStripeEvent(ctx, ev.ID, ev.Type, ev.Change)
	if err != nil {
		return nil, err
	}
	if ev.Change != nil && ev.Change.UserID != "" && !dup {
		s.log.Info("plan changed by stripe", "user", ev.Change.UserID, "plan", ev.Change.Plan, "event", ev.ID)
	}
	return gen.StripeWebhook200JSONResponse{Received: true, Duplicate: dup}, nil
}

// requireFeature refuses a feature the user's plan lacks, when plans are on.
func (s *Server) requireFeature(ctx context.Context, userID string, f tenx.Feature) error {
	if !s.cfg.PlansEnabled {
		return nil
	}
	plan, err := s.Plans.FindPlan(ctx, userID)
	if err != nil {
		return err
	}
	if !plan.AtLeast(f.RequiredPlan()) {
		return tenx.ErrFeatureLocked(plan, f)
	}
	return nil
}

// checkQuota counts a write of a handle against its caller's daily quota,
// when plans are on, and refuses it once the quota is spent: 429
// rate_limited with the plan, its limit and the usage, and Retry-After
// until the next UTC midnight. The write is counted before it runs, so a
// write that then fails still counts.
func (s *Server) checkQuota(c echo.Context, op *operation, p *tenx.Principal) error {
	if !s.cfg.PlansEnabled || p == nil || p.UserID == "" || !op.requirement.Write ||
		!strings.Contains(op.route.Path, "{handle}") {
		return nil
	}
	ctx := c.Request().Context()
	plan, err := s.Plans.FindPlan(ctx, p.UserID)
	if err != nil {
		return err
	}
	limit := s.writesPerDay(plan)
	if limit == 0 {
		return nil
	}
	now := s.now().UTC()
	count, ok, err := s.Plans.CountWrite(ctx, p.UserID, tenx.QuotaDay(now), limit)
	if err != nil || ok {
		return err
	}
	midnight := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	return &tenx.Error{Code: tenx.ERATELIMITED, Plan: string(plan),
		Message:           "the daily write quota of your plan is spent; it resets at midnight UTC",
		RetryAfterSeconds: int(midnight.Sub(now).Seconds()) + 1,
		Quota:             &tenx.QuotaError{WritesPerDay: limit, Usage: tenx.QuotaUsage{Day: tenx.QuotaDay(now), Writes: count}}}
}

// writesPerDay is the plan's daily write quota; 0 means none.
func (s *Server) writesPerDay(p tenx.Plan) int {
	if n, ok := s.cfg.WritesPerDay[p]; ok {
		return n
	}
	return p.WritesPerDay()
}

// now is the server's clock.
func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

type rawBodyKey struct{}

// withRawBody keeps the request body as it came, for the operations that
// verify a signature over it, with the Stripe-Signature header.
func withRawBody(r *http.Request, body []byte) *http.Request {
	if !strings.HasPrefix(r.URL.Path, "/v2/public/stripe/") {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), rawBodyKey{}, rawBody{body, r.Header.Get("Stripe-Signature")}))
}

type rawBody struct {
	body      []byte
	signature string
}

func rawBodyOf(ctx context.Context) ([]byte, string) {
	rb, _ := ctx.Value(rawBodyKey{}).(rawBody)
	return rb.body, rb.signature
}

// addPlanFields adds what a feature_locked or a quota's rate_limited
// carries to the error envelope.
func addPlanFields(body *gen.Error, e *tenx.Error) {
	if e.Feature != "" {
		body.Feature, body.RequiredPlan = &e.Feature, &e.RequiredPlan
	}
	if e.Plan != "" {
		body.Plan = &e.Plan
	}
	if q := e.Quota; q != nil {
		n, w := q.WritesPerDay, q.Usage.Writes
		day, err := time.Parse(time.DateOnly, q.Usage.Day)
		body.Limits = &struct {
			WritesPerDay *int `json:"writesPerDay,omitempty"`
		}{WritesPerDay: &n}
		body.Usage = &struct {
			WritesDay   *openapi_types.Date `json:"writesDay,omitempty"`
			WritesToday *int                `json:"writesToday,omitempty"`
		}{WritesToday: &w}
		if err == nil {
			body.Usage.WritesDay = &openapi_types.Date{Time: day}
		}
	}
}
