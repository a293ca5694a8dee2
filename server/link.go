package server

import (
	"context"
	"net/url"

	"tenx"
	"tenx/gen"
)

// The link operations exist on both route families (JWT control plane and
// PAT automation); each pair shares one implementation below.

// ListLinks lists links (JWT).
func (s *Server) ListLinks(ctx context.Context, req gen.ListLinksRequestObject) (gen.ListLinksResponseObject, error) {
	out, err := s.listLinks(ctx, req.Handle, gen.ListLinksPublicParams(req.Params))
	if err != nil {
		return nil, err
	}
	return gen.ListLinks200JSONResponse(out), nil
}

// ListLinksPublic lists links (PAT, links.read).
func (s *Server) ListLinksPublic(ctx context.Context, req gen.ListLinksPublicRequestObject) (gen.ListLinksPublicResponseObject, error) {
	out, err := s.listLinks(ctx, req.Handle, req.Params)
	if err != nil {
		return nil, err
	}
	return gen.ListLinksPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listLinks(ctx context.Context, handle string, p gen.ListLinksPublicParams) (gen.LinkList, error) {
	f := tenx.LinkFilter{Handle: handle, Enabled: p.Enabled}
	f.Limit, f.NextToken = listParams(p.Limit, p.NextToken)
	if p.Tag != nil {
		f.Tag = *p.Tag
	}
	if p.Q != nil {
		f.Q = *p.Q
	}
	list, next, err := s.Links.FindLinks(ctx, f)
	if err != nil {
		return gen.LinkList{}, err
	}
	out := gen.LinkList{Links: make([]gen.Link, 0, len(list)), NextToken: optional(next)}
	for _, l := range list {
		out.Links = append(out.Links, s.toAPILink(l))
	}
	return out, nil
}

// GetLink returns one link (JWT).
func (s *Server) GetLink(ctx context.Context, req gen.GetLinkRequestObject) (gen.GetLinkResponseObject, error) {
	l, err := s.findLink(ctx, req.Handle, req.Slug)
	if err != nil {
		return nil, err
	}
	return gen.GetLink200JSONResponse(s.toAPILink(l)), nil
}

// GetLinkPublic returns one link (PAT, links.read).
func (s *Server) GetLinkPublic(ctx context.Context, req gen.GetLinkPublicRequestObject) (gen.GetLinkPublicResponseObject, error) {
	l, err := s.findLink(ctx, req.Handle, req.Slug)
	if err != nil {
		return nil, err
	}
	return gen.GetLinkPublic200JSONResponse{Body: s.toAPILink(l)}, nil
}

func (s *Server) findLink(ctx context.Context, handle, slug string) (*tenx.Link, error) {
	l, err := s.Links.FindLink(ctx, handle, slug)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "link %q not found", slug)
	}
	return l, err
}

// UpsertLink creates (201) or replaces (200) a link (JWT).
func (s *Server) UpsertLink(ctx context.Context, req gen.UpsertLinkRequestObject) (gen.UpsertLinkResponseObject, error) {
	l, created, err := s.upsertLink(ctx, req.Handle, req.Slug, req.Body)
	if err != nil {
		return nil, err
	}
	if created {
		return gen.UpsertLink201JSONResponse(s.toAPILink(l)), nil
	}
	return gen.UpsertLink200JSONResponse(s.toAPILink(l)), nil
}

// UpsertLinkPublic creates (201) or replaces (200) a link (PAT, links.write).
func (s *Server) UpsertLinkPublic(ctx context.Context, req gen.UpsertLinkPublicRequestObject) (gen.UpsertLinkPublicResponseObject, error) {
	l, created, err := s.upsertLink(ctx, req.Handle, req.Slug, req.Body)
	if err != nil {
		return nil, err
	}
	if created {
		return gen.UpsertLinkPublic201JSONResponse{Body: s.toAPILink(l)}, nil
	}
	return gen.UpsertLinkPublic200JSONResponse{Body: s.toAPILink(l)}, nil
}

func (s *Server) upsertLink(ctx context.Context, handle, slug string, in *gen.LinkInput) (*tenx.Link, bool, error) {
	l := fromAPILinkInput(handle, slug, in)
	if err := l.Validate(); err != nil {
		return nil, false, err
	}
	created, err := s.Links.UpsertLink(ctx, l)
	return l, created, err
}

// DeleteLink deletes a link (JWT).
func (s *Server) DeleteLink(ctx context.Context, req gen.DeleteLinkRequestObject) (gen.DeleteLinkResponseObject, error) {
	if err := s.deleteLink(ctx, req.Handle, req.Slug); err != nil {
		return nil, err
	}
	return gen.DeleteLink204Response{}, nil
}

// DeleteLinkPublic deletes a link (PAT, links.write).
func (s *Server) DeleteLinkPublic(ctx context.Context, req gen.DeleteLinkPublicRequestObject) (gen.DeleteLinkPublicResponseObject, error) {
	if err := s.deleteLink(ctx, req.Handle, req.Slug); err != nil {
		return nil, err
	}
	return gen.DeleteLinkPublic204Response{}, nil
}

func (s *Server) deleteLink(ctx context.Context, handle, slug string) error {
	err := s.Links.DeleteLink(ctx, handle, slug)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return tenx.Errorf(tenx.ENOTFOUND, "link %q not found", slug)
	}
	return err
}

// shortURL is the public address of a link.
func (s *Server) shortURL(handle, slug string) string {
	return s.cfg.PublicURL + "/" + url.PathEscape(handle) + "/" + url.PathEscape(slug)
}

// FollowLink redirects a visitor to the link's destination and records the
// click (see visit).
func (s *Server) FollowLink(ctx context.Context, req gen.FollowLinkRequestObject) (gen.FollowLinkResponseObject, error) {
	if err := s.checkServable(ctx, req.Handle); err != nil {
		return nil, err
	}
	l, dest, err := s.visit(ctx, req.Handle, req.Slug)
	switch tenx.ErrorCode(err) {
	case "":
	case tenx.ENOTFOUND:
		return nil, tenx.Errorf(tenx.ENOTFOUND, "no such link")
	case tenx.EGONE:
		return nil, tenx.Errorf(tenx.EGONE, "this link has expired")
	default:
		return nil, err
	}
	if l.RedirectType == 307 {
		return gen.FollowLink307Response{Headers: gen.FollowLink307ResponseHeaders{Location: &dest}}, nil
	}
	return gen.FollowLink302Response{Headers: gen.FollowLink302ResponseHeaders{Location: &dest}}, nil
}

func (s *Server) toAPILink(l *tenx.Link) gen.Link {
	tags := l.Tags
	if tags == nil {
		tags = []string{}
	}
	return gen.Link{Slug: l.Slug, Url: s.shortURL(l.Handle, l.Slug), DestinationUrl: l.DestinationURL, Title: l.Title,
		Tags: tags, Enabled: l.Enabled, RedirectType: gen.LinkRedirectType(l.RedirectType),
		ScheduledStartAt: l.ScheduledStartAt, ScheduledEndAt: l.ScheduledEndAt, ExpiresAt: l.ExpiresAt,
		MaxClicks: l.MaxClicks, Attribution: l.Attribution, RoutingRules: toAPIRules(l.RoutingRules),
		TrackingTemplateIds: orEmpty(l.TrackingTemplateIDs), ClickCount: l.ClickCount, CreatedAt: l.CreatedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC()}
}

func fromAPILinkInput(handle, slug string, in *gen.LinkInput) *tenx.Link {
	l := &tenx.Link{Handle: handle, Slug: slug, DestinationURL: in.DestinationUrl, Enabled: true, RedirectType: 302,
		ScheduledStartAt: in.ScheduledStartAt, ScheduledEndAt: in.ScheduledEndAt, ExpiresAt: in.ExpiresAt,
		MaxClicks: in.MaxClicks, RoutingRules: fromAPIRuleInputs(in.RoutingRules),
		TrackingTemplateIDs: deref(in.TrackingTemplateIds)}
	if in.Title != nil {
		l.Title = *in.Title
	}
	if in.Tags != nil {
		l.Tags = *in.Tags
	}
	if in.Enabled != nil {
		l.Enabled = *in.Enabled
	}
	if in.RedirectType != nil {
		l.RedirectType = int(*in.RedirectType)
	}
	if in.Attribution != nil {
		l.Attribution = *in.Attribution
	}
	return l
}
