package tenx

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Routing limits.
const (
	MaxLinkRoutingRules       = 20
	MaxPersonalizationRules   = 100
	MaxRuleConditionValues    = 50
	MaxRuleConditionValueSize = 100
)

var ruleIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Where a routing decision came from.
const (
	RouteFromLink            = "LINK"
	RouteFromPersonalization = "PERSONALIZATION"
	RouteFromDefault         = "DEFAULT"
)

// RoutingRule sends the visits that meet its conditions to its variant.
// A link carries its own rules (Link.RoutingRules); a handle's
// personalization rules apply to all of its links after them.
type RoutingRule struct {
	RuleID   string
	Enabled  bool
	Priority int // lower runs first; ties in RuleID order
	When     RuleConditions
	Variant  Variant
}

// RuleConditions are AND-ed; an empty list is no condition. Values match
// case-insensitively.
type RuleConditions struct {
	CountryIn  []string // ISO 3166-1 alpha-2 codes (ZZ: unknown)
	DeviceIn   []string // DeviceMobile, ...
	SourceIn   []string // utm_source, else the referrer's host
	CampaignIn []string // utm_campaign
}

// Variant is where a rule sends a visit.
type Variant struct {
	ID             string
	DestinationURL string
}

// VisitFacts are what rules test about a visit. The redirect computes each
// one only when a rule asks for it.
type VisitFacts interface {
	Country() string  // ISO code or UnknownCountry
	Device() string   // DeviceMobile, ... or DeviceUnknown
	Source() string   // utm_source, else the referrer host; "" when none
	Campaign() string // utm_campaign; "" when none
}

// StaticFacts are facts known up front (a route preview).
type StaticFacts struct{ CountryCode, DeviceType, SourceName, CampaignName string }

// Country implements VisitFacts.
func (f StaticFacts) Country() string { return f.CountryCode }

// Device implements VisitFacts.
func (f StaticFacts) Device() string { return f.DeviceType }

// Source implements VisitFacts.
func (f StaticFacts) Source() string { return f.SourceName }

// Campaign implements VisitFacts.
func (f StaticFacts) Campaign() string { return f.CampaignName }

// RouteDecision is where a visit goes and why.
type RouteDecision struct {
	// Rule is the winning rule; nil when none matched.
	Rule        *RoutingRule
	From        string // RouteFromLink, RouteFromPersonalization or RouteFromDefault
	Destination string
	// Misses are the rules before the winner (all, when none won) and why
	// each did not match; filled by ExplainRoute only.
	Misses []RuleMiss
}

// RuleMiss is a rule that did not match a visit.
type RuleMiss struct {
	RuleID string
	From   string
	Reason string
}

// Route decides where a visit goes: the first of the link's rules that
// matches, then the first of the personalization rules, else dest. Both
// lists must be in rule order (SortRules). It allocates nothing.
func Route(linkRules, personalization []RoutingRule, dest string, f VisitFacts) RouteDecision {
	return route(linkRules, personalization, dest, f, nil)
}

// ExplainRoute is Route that also says why each rule before the winner
// did not match; route previews use it, so a preview and the redirect
// cannot disagree.
func ExplainRoute(linkRules, personalization []RoutingRule, dest string, f VisitFacts) RouteDecision {
	misses := []RuleMiss{}
	d := route(linkRules, personalization, dest, f, &misses)
	d.Misses = misses
	return d
}

func route(linkRules, personalization []RoutingRule, dest string, f VisitFacts, misses *[]RuleMiss) RouteDecision {
	for _, set := range [2]struct {
		rules []RoutingRule
		from  string
	}{{linkRules, RouteFromLink}, {personalization, RouteFromPersonalization}} {
		for i := range set.rules {
			r := &set.rules[i]
			reason := r.miss(f, misses != nil)
			if reason == "" {
				return RouteDecision{Rule: r, From: set.from, Destination: r.Variant.DestinationURL}
			}
			if misses != nil {
				*misses = append(*misses, RuleMiss{RuleID: r.RuleID, From: set.from, Reason: reason})
			}
		}
	}
	return RouteDecision{From: RouteFromDefault, Destination: dest}
}

// miss is "" when r matches the visit, else why not (a short marker unless
// explain is set, so that the redirect builds no strings).
func (r *RoutingRule) miss(f VisitFacts, explain bool) string {
	if !r.Enabled {
		return "disabled"
	}
	for i, values := range [4][]string{r.When.CountryIn, r.When.DeviceIn, r.When.SourceIn, r.When.CampaignIn} {
		if len(values) == 0 {
			continue
		}
		v := fact(f, i)
		if containsFold(values, v) {
			continue
		}
		if !explain {
			return factNames[i]
		}
		if v == "" {
			return fmt.Sprintf("no %s, want one of %s", factNames[i], strings.Join(values, ", "))
		}
		return fmt.Sprintf("%s %q is not one of %s", factNames[i], v, strings.Join(values, ", "))
	}
	return ""
}

// factNames name the facts in the order of RuleConditions.
var factNames = [4]string{"country", "device", "source", "campaign"}

// fact asks f for the i-th fact of factNames; a switch rather than method
// values, which would allocate on every visit.
func fact(f VisitFacts, i int) string {
	switch i {
	case 0:
		return f.Country()
	case 1:
		return f.Device()
	case 2:
		return f.Source()
	}
	return f.Campaign()
}

func containsFold(list []string, v string) bool {
	if v == "" {
		return false
	}
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// SortRules puts rules in the order they are tried: by priority, then by
// RuleID.
func SortRules(rules []RoutingRule) {
	slices.SortStableFunc(rules, func(a, b RoutingRule) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return strings.Compare(a.RuleID, b.RuleID)
	})
}

// devices are the values deviceIn may name.
var devices = []string{DeviceMobile, DeviceTablet, DeviceDesktop, DeviceBot, DeviceUnknown}

// Validate checks the rule and normalises its values: countries and
// devices upper case, sources and campaigns lower case. field prefixes
// the names of the fields it reports (e.g. "routingRules[2].").
func (r *RoutingRule) Validate(field string) error {
	bad := func(name, msg string) error { return &Error{Code: EVALIDATION, Field: field + name, Message: msg} }
	if !ruleIDPattern.MatchString(r.RuleID) {
		return bad("ruleId", "ruleId must match ^[A-Za-z0-9_-]{1,64}$")
	}
	if r.Priority < 0 || r.Priority > 1_000_000 {
		return bad("priority", "priority must be 0 to 1000000")
	}
	if !ruleIDPattern.MatchString(r.Variant.ID) {
		return bad("variant.id", "variant.id must match ^[A-Za-z0-9_-]{1,64}$")
	}
	if !validHTTPURL(r.Variant.DestinationURL) {
		return bad("variant.destinationUrl", "variant.destinationUrl must be an absolute http(s) URL")
	}
	w := &r.When
	for _, c := range []struct {
		name   string
		values []string
		norm   func(string) string
		ok     func(string) bool
		want   string
	}{
		{"when.countryIn", w.CountryIn, strings.ToUpper, isCountryCode, "two-letter ISO country codes"},
		{"when.deviceIn", w.DeviceIn, strings.ToUpper, func(s string) bool { return slices.Contains(devices, s) },
			"devices among " + strings.Join(devices, ", ")},
		{"when.sourceIn", w.SourceIn, strings.ToLower, nonBlank, "non-empty sources"},
		{"when.campaignIn", w.CampaignIn, strings.ToLower, nonBlank, "non-empty campaigns"},
	} {
		if len(c.values) > MaxRuleConditionValues {
			return bad(c.name, fmt.Sprintf("%s takes at most %d values", c.name, MaxRuleConditionValues))
		}
		for i, v := range c.values {
			v = c.norm(strings.TrimSpace(v))
			if !c.ok(v) || len(v) > MaxRuleConditionValueSize {
				return bad(c.name, fmt.Sprintf("%s must hold %s (up to %d characters)", c.name, c.want, MaxRuleConditionValueSize))
			}
			c.values[i] = v
		}
	}
	return nil
}

func nonBlank(s string) bool { return s != "" }

func isCountryCode(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= MaxDestinationURL
}

// ValidateRules validates a list of rules (each with Validate) and refuses
// two rules with one id.
func ValidateRules(rules []RoutingRule, field string, max int) error {
	if len(rules) > max {
		return &Error{Code: EVALIDATION, Field: field, Message: fmt.Sprintf("at most %d rules", max)}
	}
	seen := make(map[string]bool, len(rules))
	for i := range rules {
		if err := rules[i].Validate(fmt.Sprintf("%s[%d].", field, i)); err != nil {
			return err
		}
		if seen[rules[i].RuleID] {
			return &Error{Code: EVALIDATION, Field: fmt.Sprintf("%s[%d].ruleId", field, i),
				Message: fmt.Sprintf("ruleId %q is used twice", rules[i].RuleID)}
		}
		seen[rules[i].RuleID] = true
	}
	return nil
}

// PersonalizationFilter selects a page of a handle's personalization rules.
type PersonalizationFilter struct {
	Handle    string
	Limit     int
	NextToken string
}
