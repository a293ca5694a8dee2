package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// Personalization rules are read on both planes and written with a JWT
// only (the spec gives no PAT scope that writes them). Route previews run
// the redirect's own engine, tenx.ExplainRoute.

// ListPersonalizationRules lists the handle's rules (JWT).
func (s *Server) ListPersonalizationRules(ctx context.Context, req gen.ListPersonalizationRulesRequestObject) (gen.ListPersonalizationRulesResponseObject, error) {
	out, err := s.listPersonalizationRules(ctx, req.Handle, gen.ListPersonalizationRulesPublicParams(req.Params))
	if err != nil {
		return nil, err
	}
	return gen.ListPersonalizationRules200JSONResponse(out), nil
}

// ListPersonalizationRulesPublic lists the handle's rules (PAT,
// personalization.read).
func (s *Server) ListPersonalizationRulesPublic(ctx context.Context, req gen.ListPersonalizationRulesPublicRequestObject) (gen.ListPersonalizationRulesPublicResponseObject, error) {
	out, err := s.listPersonalizationRules(ctx, req.Handle, req.Params)
	if err != nil {
		return nil, err
	}
	return gen.ListPersonalizationRulesPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listPersonalizationRules(ctx context.Context, handle string, p gen.ListPersonalizationRulesPublicParams) (gen.PersonalizationRuleList, error) {
	f := tenx.PersonalizationFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(p.Limit, p.NextToken)
	rules, next, err := s.Personalization.FindPersonalizationRules(ctx, f)
	if err != nil {
		return gen.PersonalizationRuleList{}, err
	}
	out := gen.PersonalizationRuleList{PersonalizationRules: make([]gen.RoutingRule, 0, len(rules)), NextToken: optional(next)}
	for _, r := range rules {
		out.PersonalizationRules = append(out.PersonalizationRules, toAPIRule(r))
	}
	return out, nil
}

// GetPersonalizationRule returns one rule (JWT).
func (s *Server) GetPersonalizationRule(ctx context.Context, req gen.GetPersonalizationRuleRequestObject) (gen.GetPersonalizationRuleResponseObject, error) {
	r, err := s.findPersonalizationRule(ctx, req.Handle, req.RuleId)
	if err != nil {
		return nil, err
	}
	return gen.GetPersonalizationRule200JSONResponse(toAPIRule(r)), nil
}

// GetPersonalizationRulePublic returns one rule (PAT, personalization.read).
func (s *Server) GetPersonalizationRulePublic(ctx context.Context, req gen.GetPersonalizationRulePublicRequestObject) (gen.GetPersonalizationRulePublicResponseObject, error) {
	r, err := s.findPersonalizationRule(ctx, req.Handle, req.RuleId)
	if err != nil {
		return nil, err
	}
	return gen.GetPersonalizationRulePublic200JSONResponse{Body: toAPIRule(r)}, nil
}

func (s *Server) findPersonalizationRule(ctx context.Context, handle, id string) (*tenx.RoutingRule, error) {
	r, err := s.Personalization.FindPersonalizationRule(ctx, handle, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "personalization rule %q not found", id)
	}
	return r, err
}

// PutPersonalizationRule creates (201) or replaces (200) a rule (JWT,
// OPERATOR+).
func (s *Server) PutPersonalizationRule(ctx context.Context, req gen.PutPersonalizationRuleRequestObject) (gen.PutPersonalizationRuleResponseObject, error) {
	in := req.Body
	if in.RuleId != nil && *in.RuleId != req.RuleId {
		return nil, &tenx.Error{Code: tenx.EVALIDATION, Field: "ruleId", Message: "ruleId must equal the path's ruleId"}
	}
	r := fromAPIRuleInput(gen.RoutingRuleInput{RuleId: req.RuleId, Enabled: in.Enabled, Priority: in.Priority,
		When: in.When, Variant: in.Variant})
	if err := r.Validate(""); err != nil {
		return nil, err
	}
	created, err := s.Personalization.PutPersonalizationRule(ctx, req.Handle, &r)
	if err != nil {
		return nil, err
	}
	if created {
		return gen.PutPersonalizationRule201JSONResponse(toAPIRule(&r)), nil
	}
	return gen.PutPersonalizationRule200JSONResponse(toAPIRule(&r)), nil
}

// DeletePersonalizationRule deletes a rule (JWT, OPERATOR+).
func (s *Server) DeletePersonalizationRule(ctx context.Context, req gen.DeletePersonalizationRuleRequestObject) (gen.DeletePersonalizationRuleResponseObject, error) {
	err := s.Personalization.DeletePersonalizationRule(ctx, req.Handle, req.RuleId)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "personalization rule %q not found", req.RuleId)
	}
	if err != nil {
		return nil, err
	}
	return gen.DeletePersonalizationRule204Response{}, nil
}

// PreviewRoute says where a visit would go (JWT).
func (s *Server) PreviewRoute(ctx context.Context, req gen.PreviewRouteRequestObject) (gen.PreviewRouteResponseObject, error) {
	out, err := s.previewRoute(ctx, req.Handle, req.Slug, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.PreviewRoute200JSONResponse(out), nil
}

// PreviewRoutePublic says where a visit would go (PAT, links.read).
func (s *Server) PreviewRoutePublic(ctx context.Context, req gen.PreviewRoutePublicRequestObject) (gen.PreviewRoutePublicResponseObject, error) {
	out, err := s.previewRoute(ctx, req.Handle, req.Slug, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.PreviewRoutePublic200JSONResponse{Body: out}, nil
}

func (s *Server) previewRoute(ctx context.Context, handle, slug string, in *gen.RoutePreviewInput) (gen.RoutePreview, error) {
	l, err := s.findLink(ctx, handle, slug)
	if err != nil {
		return gen.RoutePreview{}, err
	}
	rules, err := s.Personalization.RoutingRules(ctx, handle)
	if err != nil {
		return gen.RoutePreview{}, err
	}
	f := tenx.StaticFacts{CountryCode: tenx.UnknownCountry, DeviceType: tenx.DeviceUnknown}
	if in.Country != nil {
		f.CountryCode = *in.Country
	}
	if in.Device != nil {
		f.DeviceType = string(*in.Device)
	}
	if in.Source != nil {
		f.SourceName = *in.Source
	}
	if in.Campaign != nil {
		f.CampaignName = *in.Campaign
	}
	d := tenx.ExplainRoute(l.RoutingRules, rules, l.DestinationURL, f)
	out := gen.RoutePreview{From: gen.RoutePreviewFrom(d.From), Destination: d.Destination,
		Misses: make([]gen.RouteMiss, 0, len(d.Misses))}
	if d.Rule != nil {
		r := toAPIRule(d.Rule)
		out.Rule = &r
	}
	for _, m := range d.Misses {
		out.Misses = append(out.Misses, gen.RouteMiss{RuleId: m.RuleID, From: gen.RouteMissFrom(m.From), Reason: m.Reason})
	}
	return out, nil
}

func toAPIRule(r *tenx.RoutingRule) gen.RoutingRule {
	return gen.RoutingRule{RuleId: r.RuleID, Enabled: r.Enabled, Priority: r.Priority,
		When: gen.RuleMatch{CountryIn: orEmpty(r.When.CountryIn), DeviceIn: orEmpty(r.When.DeviceIn),
			SourceIn: orEmpty(r.When.SourceIn), CampaignIn: orEmpty(r.When.CampaignIn)},
		Variant: gen.RuleVariant{Id: r.Variant.ID, DestinationUrl: r.Variant.DestinationURL}}
}

func toAPIRules(rules []tenx.RoutingRule) []gen.RoutingRule {
	out := make([]gen.RoutingRule, len(rules))
	for i := range rules {
		out[i] = toAPIRule(&rules[i])
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func fromAPIRuleInput(in gen.RoutingRuleInput) tenx.RoutingRule {
	r := tenx.RoutingRule{RuleID: in.RuleId, Enabled: true,
		Variant: tenx.Variant{ID: in.Variant.Id, DestinationURL: in.Variant.DestinationUrl}}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
	if in.Priority != nil {
		r.Priority = *in.Priority
	}
	if w := in.When; w != nil {
		r.When.CountryIn, r.When.SourceIn, r.When.CampaignIn = deref(w.CountryIn), deref(w.SourceIn), deref(w.CampaignIn)
		if w.DeviceIn != nil {
			for _, d := range *w.DeviceIn {
				r.When.DeviceIn = append(r.When.DeviceIn, string(d))
			}
		}
	}
	return r
}

func fromAPIRuleInputs(in *[]gen.RoutingRuleInput) []tenx.RoutingRule {
	if in == nil || len(*in) == 0 {
		return nil
	}
	out := make([]tenx.RoutingRule, len(*in))
	for i, r := range *in {
		out[i] = fromAPIRuleInput(r)
	}
	return out
}
