package tenx_test

import (
	"testing"

	"tenx"
)

func rule(id string, prio int, when tenx.RuleConditions) tenx.RoutingRule {
	return tenx.RoutingRule{RuleID: id, Enabled: true, Priority: prio, When: when,
		Variant: tenx.Variant{ID: "v-" + id, DestinationURL: "https://example.com/" + id}}
}

// countingFacts counts how often each fact is asked for.
type countingFacts struct {
	tenx.StaticFacts
	asked map[string]int
}

func (f *countingFacts) Country() string  { f.asked["country"]++; return f.StaticFacts.Country() }
func (f *countingFacts) Device() string   { f.asked["device"]++; return f.StaticFacts.Device() }
func (f *countingFacts) Source() string   { f.asked["source"]++; return f.StaticFacts.Source() }
func (f *countingFacts) Campaign() string { f.asked["campaign"]++; return f.StaticFacts.Campaign() }

// TestRoutePrecedenceAndConditions: link rules before personalization
// rules before the destination; within a list, priority then id; every
// condition, AND-ed, case-insensitive; disabled rules never win.
func TestRoutePrecedenceAndConditions(t *testing.T) {
	us := tenx.RuleConditions{CountryIn: []string{"US"}}
	visit := tenx.StaticFacts{CountryCode: "US", DeviceType: tenx.DeviceMobile, SourceName: "t.co", CampaignName: "spring"}
	for _, c := range []struct {
		name           string
		link, personal []tenx.RoutingRule
		facts          tenx.StaticFacts
		want, from     string
		misses         []string
	}{
		{"no rules", nil, nil, visit, "https://example.com/default", tenx.RouteFromDefault, nil},
		{"link rule first", []tenx.RoutingRule{rule("l1", 5, us)}, []tenx.RoutingRule{rule("p1", 0, us)}, visit,
			"https://example.com/l1", tenx.RouteFromLink, nil},
		{"personalization after link misses", []tenx.RoutingRule{rule("l1", 0, tenx.RuleConditions{CountryIn: []string{"DE"}})},
			[]tenx.RoutingRule{rule("p1", 0, us)}, visit, "https://example.com/p1", tenx.RouteFromPersonalization, []string{"l1"}},
		{"priority order", nil, sorted(rule("b", 2, us), rule("a", 1, us)), visit, "https://example.com/a", tenx.RouteFromPersonalization, nil},
		{"id breaks ties", nil, sorted(rule("b", 1, us), rule("a", 1, us)), visit, "https://example.com/a", tenx.RouteFromPersonalization, nil},
		{"disabled never wins", nil, []tenx.RoutingRule{disabled(rule("p1", 0, us)), rule("p2", 1, us)}, visit,
			"https://example.com/p2", tenx.RouteFromPersonalization, []string{"p1"}},
		{"device", []tenx.RoutingRule{rule("d", 0, tenx.RuleConditions{DeviceIn: []string{"DESKTOP", "MOBILE"}})}, nil, visit,
			"https://example.com/d", tenx.RouteFromLink, nil},
		{"device misses", []tenx.RoutingRule{rule("d", 0, tenx.RuleConditions{DeviceIn: []string{"DESKTOP"}})}, nil, visit,
			"https://example.com/default", tenx.RouteFromDefault, []string{"d"}},
		{"source, any case", []tenx.RoutingRule{rule("s", 0, tenx.RuleConditions{SourceIn: []string{"T.CO"}})}, nil, visit,
			"https://example.com/s", tenx.RouteFromLink, nil},
		{"no source misses", []tenx.RoutingRule{rule("s", 0, tenx.RuleConditions{SourceIn: []string{"t.co"}})}, nil,
			tenx.StaticFacts{CountryCode: "US"}, "https://example.com/default", tenx.RouteFromDefault, []string{"s"}},
		{"campaign", []tenx.RoutingRule{rule("c", 0, tenx.RuleConditions{CampaignIn: []string{"spring"}})}, nil, visit,
			"https://example.com/c", tenx.RouteFromLink, nil},
		{"all four AND-ed", []tenx.RoutingRule{rule("all", 0, tenx.RuleConditions{CountryIn: []string{"US"}, DeviceIn: []string{"MOBILE"},
			SourceIn: []string{"t.co"}, CampaignIn: []string{"spring"}})}, nil, visit, "https://example.com/all", tenx.RouteFromLink, nil},
		{"one of four fails", []tenx.RoutingRule{rule("all", 0, tenx.RuleConditions{CountryIn: []string{"US"}, DeviceIn: []string{"MOBILE"},
			SourceIn: []string{"t.co"}, CampaignIn: []string{"autumn"}})}, nil, visit, "https://example.com/default", tenx.RouteFromDefault,
			[]string{"all"}},
		{"unknown country matches ZZ", []tenx.RoutingRule{rule("zz", 0, tenx.RuleConditions{CountryIn: []string{"ZZ"}})}, nil,
			tenx.StaticFacts{CountryCode: tenx.UnknownCountry}, "https://example.com/zz", tenx.RouteFromLink, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := tenx.Route(c.link, c.personal, "https://example.com/default", c.facts)
			if d.Destination != c.want || d.From != c.from || d.Misses != nil {
				t.Fatalf("Route: %+v, want %s from %s", d, c.want, c.from)
			}
			e := tenx.ExplainRoute(c.link, c.personal, "https://example.com/default", c.facts)
			if e.Destination != d.Destination || e.From != d.From || e.Rule != d.Rule {
				t.Fatalf("ExplainRoute %+v disagrees with Route %+v", e, d)
			}
			var misses []string
			for _, m := range e.Misses {
				if m.Reason == "" {
					t.Errorf("miss %s without a reason", m.RuleID)
				}
				misses = append(misses, m.RuleID)
			}
			if len(misses) != len(c.misses) || (len(misses) > 0 && misses[0] != c.misses[0]) {
				t.Errorf("misses %v, want %v", misses, c.misses)
			}
		})
	}
}

// TestRouteAsksOnlyForTestedFacts: the redirect computes a fact (a GeoIP
// lookup, a user-agent parse) only when a rule tests it.
func TestRouteAsksOnlyForTestedFacts(t *testing.T) {
	f := &countingFacts{StaticFacts: tenx.StaticFacts{CountryCode: "US"}, asked: map[string]int{}}
	rules := []tenx.RoutingRule{rule("a", 0, tenx.RuleConditions{CountryIn: []string{"DE"}}),
		rule("b", 1, tenx.RuleConditions{CountryIn: []string{"FR"}, DeviceIn: []string{"MOBILE"}})}
	tenx.Route(rules, nil, "https://example.com/", f)
	if f.asked["device"] != 0 || f.asked["source"] != 0 || f.asked["campaign"] != 0 || f.asked["country"] == 0 {
		t.Fatalf("asked %v", f.asked)
	}
}

func TestRoutingRuleValidate(t *testing.T) {
	ok := rule("r1", 0, tenx.RuleConditions{CountryIn: []string{"us"}, DeviceIn: []string{"mobile"}, SourceIn: []string{"T.co"}})
	if err := ok.Validate(""); err != nil {
		t.Fatal(err)
	}
	if ok.When.CountryIn[0] != "US" || ok.When.DeviceIn[0] != "MOBILE" || ok.When.SourceIn[0] != "t.co" {
		t.Fatalf("not normalised: %+v", ok.When)
	}
	for _, c := range []struct {
		name  string
		edit  func(r *tenx.RoutingRule)
		field string
	}{
		{"bad id", func(r *tenx.RoutingRule) { r.RuleID = "a b" }, "ruleId"},
		{"bad variant id", func(r *tenx.RoutingRule) { r.Variant.ID = "" }, "variant.id"},
		{"bad destination", func(r *tenx.RoutingRule) { r.Variant.DestinationURL = "javascript:alert(1)" }, "variant.destinationUrl"},
		{"bad country", func(r *tenx.RoutingRule) { r.When.CountryIn = []string{"U1"} }, "when.countryIn"},
		{"bad device", func(r *tenx.RoutingRule) { r.When.DeviceIn = []string{"PHONE"} }, "when.deviceIn"},
		{"blank source", func(r *tenx.RoutingRule) { r.When.SourceIn = []string{" "} }, "when.sourceIn"},
		{"negative priority", func(r *tenx.RoutingRule) { r.Priority = -1 }, "priority"},
	} {
		r := rule("r1", 0, tenx.RuleConditions{})
		c.edit(&r)
		err := r.Validate("")
		if tenx.ErrorCode(err) != tenx.EVALIDATION || err.(*tenx.Error).Field != c.field {
			t.Errorf("%s: %v, want validation_error on %s", c.name, err, c.field)
		}
	}
	if err := tenx.ValidateRules([]tenx.RoutingRule{rule("a", 0, tenx.RuleConditions{}), rule("a", 1, tenx.RuleConditions{})},
		"routingRules", 20); tenx.ErrorCode(err) != tenx.EVALIDATION {
		t.Errorf("duplicate ids: %v", err)
	}
}

func sorted(rules ...tenx.RoutingRule) []tenx.RoutingRule {
	tenx.SortRules(rules)
	return rules
}

func disabled(r tenx.RoutingRule) tenx.RoutingRule {
	r.Enabled = false
	return r
}

// BenchmarkRoute is the engine's cost at a redirect with ten link rules
// and ten personalization rules, none matching (the worst case).
func BenchmarkRoute(b *testing.B) {
	var link, personal []tenx.RoutingRule
	for i := range 10 {
		link = append(link, rule("l"+string(rune('a'+i)), i, tenx.RuleConditions{CountryIn: []string{"DE", "FR"}, DeviceIn: []string{"TABLET"}}))
		personal = append(personal, rule("p"+string(rune('a'+i)), i, tenx.RuleConditions{SourceIn: []string{"news.example"}}))
	}
	f := tenx.StaticFacts{CountryCode: "US", DeviceType: tenx.DeviceMobile, SourceName: "t.co"}
	b.ReportAllocs()
	for b.Loop() {
		tenx.Route(link, personal, "https://example.com/", f)
	}
}
