package server

import (
	"context"
	"net/url"

	"tenx"
)

// route picks the destination of a visit with tenx.Route: the link's
// rules, then the handle's personalization rules (cached per handle, so a
// warm redirect reads no database), else the link's destination. The
// facts a rule tests are computed only when one tests them.
func (s *Server) route(ctx context.Context, l *tenx.Link, v *tenx.Visit, rawQuery string) (tenx.RouteDecision, error) {
	var rules []tenx.RoutingRule
	if s.Personalization != nil {
		var err error
		if rules, err = s.Personalization.RoutingRules(ctx, l.Handle); err != nil {
			return tenx.RouteDecision{}, err
		}
	}
	if len(rules) == 0 && len(l.RoutingRules) == 0 {
		return tenx.RouteDecision{From: tenx.RouteFromDefault, Destination: l.DestinationURL}, nil
	}
	return tenx.Route(l.RoutingRules, rules, l.DestinationURL, &visitFacts{c: s.Classifier, v: v, rawQuery: rawQuery}), nil
}

// visitFacts computes each fact of a visit once, on first use.
type visitFacts struct {
	c        tenx.VisitClassifier
	v        *tenx.Visit
	rawQuery string

	country, device, source string
	query                   url.Values
	parsedQuery, hasSource  bool
}

var _ tenx.VisitFacts = (*visitFacts)(nil)

// Country implements tenx.VisitFacts.
func (f *visitFacts) Country() string {
	if f.country == "" {
		f.country = tenx.UnknownCountry
		if f.c != nil {
			f.country = f.c.Country(f.v.IP, f.v.ProxyCountry)
		}
	}
	return f.country
}

// Device implements tenx.VisitFacts.
func (f *visitFacts) Device() string {
	if f.device == "" {
		f.device = tenx.DeviceUnknown
		if f.c != nil {
			f.device = f.c.Device(f.v.UserAgent)
		}
	}
	return f.device
}

// Source implements tenx.VisitFacts: utm_source, else the referrer host.
func (f *visitFacts) Source() string {
	if !f.hasSource {
		f.source, f.hasSource = f.param("utm_source"), true
		if f.source == "" && f.c != nil {
			f.source = f.c.ReferrerHost(f.v.Referer)
		}
	}
	return f.source
}

// Campaign implements tenx.VisitFacts.
func (f *visitFacts) Campaign() string { return f.param("utm_campaign") }

func (f *visitFacts) param(name string) string {
	if f.rawQuery == "" {
		return ""
	}
	if !f.parsedQuery {
		f.query, _ = url.ParseQuery(f.rawQuery) // keeps what parses
		f.parsedQuery = true
	}
	return f.query.Get(name)
}
