package tenx

import (
	"context"
	"time"
)

// Plan is what a user pays for. Plans only limit anything when the
// operator turns them on; a self-hosted tenx has every feature and no quota.
type Plan string

// The plans, cheapest first.
const (
	PlanFree       Plan = "FREE"
	PlanPro        Plan = "PRO"
	PlanEnterprise Plan = "ENTERPRISE"
)

// Valid reports whether p is a known plan.
func (p Plan) Valid() bool { return p.rank() > 0 }

func (p Plan) rank() int {
	switch p {
	case PlanFree:
		return 1
	case PlanPro:
		return 2
	case PlanEnterprise:
		return 3
	}
	return 0
}

// AtLeast reports whether p includes everything min includes.
func (p Plan) AtLeast(min Plan) bool { return p.rank() >= min.rank() }

// Feature is something a plan may lock.
type Feature string

// The features plans lock.
const (
	FeatureCustomDomains Feature = "custom_domains"
)

// featurePlans is the least plan of each feature.
var featurePlans = map[Feature]Plan{
	FeatureCustomDomains: PlanPro,
}

// RequiredPlan is the least plan that has f.
func (f Feature) RequiredPlan() Plan {
	if p, ok := featurePlans[f]; ok {
		return p
	}
	return PlanFree
}

// Features lists the features p includes.
func (p Plan) Features() []string {
	out := []string{}
	for _, f := range []Feature{FeatureCustomDomains} {
		if p.AtLeast(f.RequiredPlan()) {
			out = append(out, string(f))
		}
	}
	return out
}

// WritesPerDay is the plan's daily write quota; 0 means none.
func (p Plan) WritesPerDay() int {
	switch p {
	case PlanFree:
		return 1000
	case PlanPro:
		return 100_000
	}
	return 0
}

// QuotaUsage is what a user wrote on one UTC day.
type QuotaUsage struct {
	Day    string // YYYY-MM-DD
	Writes int
}

// QuotaDay is the UTC day t counts towards, as YYYY-MM-DD.
func QuotaDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// ErrFeatureLocked is the answer to a caller whose plan lacks f.
func ErrFeatureLocked(p Plan, f Feature) *Error {
	return &Error{Code: EFEATURELOCKED, Feature: string(f), RequiredPlan: string(f.RequiredPlan()),
		Message: "your plan (" + string(p) + ") does not include " + string(f) + "; it needs " + string(f.RequiredPlan())}
}

// PlanService stores each user's plan, the Stripe events that changed
// them, and the daily write counts. Its writes record their audit event in
// their own transaction.
type PlanService interface {
	// FindPlan returns the user's plan (FREE when none was ever set).
	FindPlan(ctx context.Context, userID string) (Plan, error)
	// SetPlan sets the user's plan; ENOTFOUND for an unknown user.
	SetPlan(ctx context.Context, userID string, p Plan) error
	// CountWrite counts one write of the user on day unless limit (>0)
	// writes were already counted, and returns the count with it; ok is
	// false, and nothing is counted, when the quota is spent.
	CountWrite(ctx context.Context, userID, day string, limit int) (count int, ok bool, err error)
	// FindUsage returns the writes counted for the user on day.
	FindUsage(ctx context.Context, userID, day string) (int, error)
	// ApplyStripeEvent records the event id and, unless it was seen
	// before (duplicate), applies change in the same transaction.
	ApplyStripeEvent(ctx context.Context, eventID, eventType string, change *PlanChange) (duplicate bool, err error)
}

// PlanChange is the effect of one payment event: the plan of UserID, or
// (when UserID is empty) of the user Stripe knows as CustomerID, becomes Plan.
type PlanChange struct {
	UserID     string
	CustomerID string
	Plan       Plan
}

// Checkout is a payment page opened for a user.
type Checkout struct {
	URL       string
	SessionID string
}

// PaymentEvent is a verified event of the payment provider.
type PaymentEvent struct {
	ID, Type string
	// Change is the plan change it asks for, or nil.
	Change *PlanChange
}

// Payments is the payment provider.
type Payments interface {
	// CheckoutAvailable reports whether plans can be bought here.
	CheckoutAvailable() bool
	// Checkout opens a payment page for the user to buy plan; EUNAVAILABLE
	// when payments are not configured or the provider fails.
	Checkout(ctx context.Context, userID, email string, plan Plan) (*Checkout, error)
	// ParseEvent verifies a webhook body against its signature header.
	ParseEvent(payload []byte, signature string) (*PaymentEvent, error)
}
