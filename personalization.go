package tenx

import "context"

// PersonalizationService stores a handle's personalization rules: routing
// rules that apply to every link of the handle after the link's own.
type PersonalizationService interface {
	// FindPersonalizationRules lists the rules in the order they are tried,
	// one page at a time.
	FindPersonalizationRules(ctx context.Context, f PersonalizationFilter) ([]*RoutingRule, string, error)
	// FindPersonalizationRule returns ENOTFOUND for an unknown id.
	FindPersonalizationRule(ctx context.Context, handle, ruleID string) (*RoutingRule, error)
	// PutPersonalizationRule creates or replaces the rule and reports
	// whether it was created; ECONFLICT past MaxPersonalizationRules.
	PutPersonalizationRule(ctx context.Context, handle string, r *RoutingRule) (created bool, err error)
	// DeletePersonalizationRule returns ENOTFOUND for an unknown id.
	DeletePersonalizationRule(ctx context.Context, handle, ruleID string) error
	// RoutingRules returns the handle's enabled rules in the order they are
	// tried, through a cache that every change invalidates: a warm redirect
	// reads no database. The slice is shared: never modify it.
	RoutingRules(ctx context.Context, handle string) ([]RoutingRule, error)
}
