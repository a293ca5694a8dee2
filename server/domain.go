package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// The account-domain operations act on the signed-in user's own claims.

// ListDomains lists the caller's domains.
func (s *Server) ListDomains(ctx context.Context, req gen.ListDomainsRequestObject) (gen.ListDomainsResponseObject, error) {
	f := tenx.DomainFilter{UserID: callerID(ctx)}
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	list, next, err := s.Domains.FindDomains(ctx, f)
	if err != nil {
		return nil, err
	}
	out := gen.ListDomains200JSONResponse{Domains: make([]gen.Domain, 0, len(list)), NextToken: optional(next)}
	for _, d := range list {
		out.Domains = append(out.Domains, toAPIDomain(d))
	}
	return out, nil
}

// CreateDomain claims a domain for the caller, PENDING until its TXT
// record is found.
func (s *Server) CreateDomain(ctx context.Context, req gen.CreateDomainRequestObject) (gen.CreateDomainResponseObject, error) {
	userID := callerID(ctx)
	if err := s.requireFeature(ctx, userID, tenx.FeatureCustomDomains); err != nil {
		return nil, err
	}
	if err := s.checkDomainName(req.Body.Domain); err != nil {
		return nil, err
	}
	if err := s.mustOwn(ctx, userID, req.Body.DefaultHandle); err != nil {
		return nil, err
	}
	d := &tenx.Domain{Name: req.Body.Domain, UserID: userID, DefaultHandle: req.Body.DefaultHandle,
		TXTValue: tenx.NewTXTValue()}
	if err := s.Domains.CreateDomain(ctx, d); err != nil {
		if tenx.ErrorCode(err) == tenx.ECONFLICT {
			return nil, tenx.Errorf(tenx.ECONFLICT, "domain %s is already claimed by you or active for another account", d.Name)
		}
		return nil, err
	}
	return gen.CreateDomain201JSONResponse(toAPIDomain(d)), nil
}

// checkDomainName refuses names that are not host names, and the API's
// own host, which a custom domain must never take over.
func (s *Server) checkDomainName(name string) error {
	if err := tenx.ValidateDomainName(name); err != nil {
		return err
	}
	if name == s.publicHost() {
		return &tenx.Error{Code: tenx.EVALIDATION, Field: "domain", Message: "domain " + name + " is this server's own host"}
	}
	return nil
}

// GetDomain returns one of the caller's domains.
func (s *Server) GetDomain(ctx context.Context, req gen.GetDomainRequestObject) (gen.GetDomainResponseObject, error) {
	d, err := s.Domains.FindDomain(ctx, callerID(ctx), req.Domain)
	if err != nil {
		return nil, err
	}
	return gen.GetDomain200JSONResponse(toAPIDomain(d)), nil
}

// DeleteDomain releases one of the caller's domains; this instance stops
// serving it at once, the others within a second (DomainHosts).
func (s *Server) DeleteDomain(ctx context.Context, req gen.DeleteDomainRequestObject) (gen.DeleteDomainResponseObject, error) {
	if err := s.Domains.DeleteDomain(ctx, callerID(ctx), req.Domain); err != nil {
		return nil, err
	}
	s.DomainHosts.Forget(req.Domain)
	return gen.DeleteDomain204Response{}, nil
}

// ReconcileDomain looks the TXT record up and activates the domain when
// it carries the expected value.
func (s *Server) ReconcileDomain(ctx context.Context, req gen.ReconcileDomainRequestObject) (gen.ReconcileDomainResponseObject, error) {
	userID := callerID(ctx)
	d, err := s.Domains.FindDomain(ctx, userID, req.Domain)
	if err != nil {
		return nil, err
	}
	if d.Status == tenx.DomainActive {
		return gen.ReconcileDomain200JSONResponse(toAPIDomain(d)), nil
	}
	values, err := s.DNS.LookupTXT(ctx, d.TXTName())
	if err != nil {
		return nil, err
	}
	d, err = s.Domains.RecordDomainCheck(ctx, userID, d.Name, d.CheckTXT(values), s.now())
	if err != nil {
		return nil, err
	}
	s.DomainHosts.Forget(d.Name)
	return gen.ReconcileDomain200JSONResponse(toAPIDomain(d)), nil
}

// ReplaceDomainRoutes replaces the default handle and path rules.
func (s *Server) ReplaceDomainRoutes(ctx context.Context, req gen.ReplaceDomainRoutesRequestObject) (gen.ReplaceDomainRoutesResponseObject, error) {
	userID := callerID(ctx)
	rules := fromAPIPathRules(req.Body.PathRules)
	if err := tenx.ValidatePathRules(rules); err != nil {
		return nil, err
	}
	if _, err := s.Domains.FindDomain(ctx, userID, req.Domain); err != nil {
		return nil, err
	}
	d := tenx.Domain{DefaultHandle: req.Body.DefaultHandle, PathRules: rules}
	for _, h := range d.Handles() {
		if err := s.mustOwn(ctx, userID, h); err != nil {
			return nil, err
		}
	}
	out, err := s.Domains.ReplaceDomainRoutes(ctx, userID, req.Domain, d.DefaultHandle, rules)
	if err != nil {
		return nil, err
	}
	s.DomainHosts.Forget(out.Name)
	return gen.ReplaceDomainRoutes200JSONResponse(toAPIDomain(out)), nil
}

// mustOwn allows pointing a domain at a handle only to its OWNER; a handle
// the user cannot reach is not found, as everywhere.
func (s *Server) mustOwn(ctx context.Context, userID, handle string) error {
	role, err := s.Handles.FindRole(ctx, handle, userID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return tenx.Errorf(tenx.ENOTFOUND, "handle %q not found", handle)
	}
	if err != nil {
		return err
	}
	if role != tenx.RoleOwner {
		return tenx.Errorf(tenx.EINSUFFICIENTROLE, "only the OWNER of %s may point a domain at it; you are %s", handle, role)
	}
	return nil
}

// callerID is the signed-in user of a control-plane operation.
func callerID(ctx context.Context) string {
	if p := tenx.PrincipalFromContext(ctx); p != nil {
		return p.UserID
	}
	return ""
}

func toAPIDomain(d *tenx.Domain) gen.Domain {
	out := gen.Domain{Domain: d.Name, Status: gen.DomainStatus(d.Status), DefaultHandle: d.DefaultHandle,
		PathRules: make([]gen.PathRule, 0, len(d.PathRules)), Reason: optional(d.Reason),
		CheckedAt: d.CheckedAt, VerifiedAt: d.VerifiedAt, CreatedAt: d.CreatedAt.UTC()}
	out.Verification.TxtName, out.Verification.TxtValue = d.TXTName(), d.TXTValue
	for _, r := range d.PathRules {
		out.PathRules = append(out.PathRules, gen.PathRule{PathPrefix: r.PathPrefix, Handle: r.Handle, Priority: &r.Priority})
	}
	return out
}

func fromAPIPathRules(in *[]gen.PathRule) []tenx.PathRule {
	if in == nil {
		return nil
	}
	out := make([]tenx.PathRule, 0, len(*in))
	for _, r := range *in {
		pr := tenx.PathRule{PathPrefix: r.PathPrefix, Handle: r.Handle, Priority: tenx.DefaultPathPriority}
		if r.Priority != nil {
			pr.Priority = *r.Priority
		}
		out = append(out, pr)
	}
	return out
}
