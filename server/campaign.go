package server

import (
	"context"
	"encoding/json"

	"tenx"
	"tenx/gen"
)

// The campaign operations exist on both planes; each pair shares one
// implementation below. Site structures live in sitestructure.go.

// ListCampaigns lists campaigns (JWT).
func (s *Server) ListCampaigns(ctx context.Context, req gen.ListCampaignsRequestObject) (gen.ListCampaignsResponseObject, error) {
	out, err := s.listCampaigns(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListCampaigns200JSONResponse(out), nil
}

// ListCampaignsPublic lists campaigns (PAT, pages.read).
func (s *Server) ListCampaignsPublic(ctx context.Context, req gen.ListCampaignsPublicRequestObject) (gen.ListCampaignsPublicResponseObject, error) {
	out, err := s.listCampaigns(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListCampaignsPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listCampaigns(ctx context.Context, handle string, limit *int, next *string) (gen.CampaignList, error) {
	f := tenx.CampaignFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(limit, next)
	list, nextToken, err := s.Campaigns.FindCampaigns(ctx, f)
	if err != nil {
		return gen.CampaignList{}, err
	}
	out := gen.CampaignList{Campaigns: make([]gen.Campaign, 0, len(list)), NextToken: optional(nextToken)}
	for _, c := range list {
		out.Campaigns = append(out.Campaigns, toAPICampaign(c))
	}
	return out, nil
}

// CreateCampaign creates a campaign (JWT).
func (s *Server) CreateCampaign(ctx context.Context, req gen.CreateCampaignRequestObject) (gen.CreateCampaignResponseObject, error) {
	c, err := s.createCampaign(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateCampaign201JSONResponse(toAPICampaign(c)), nil
}

// CreateCampaignPublic creates a campaign (PAT, pages.write).
func (s *Server) CreateCampaignPublic(ctx context.Context, req gen.CreateCampaignPublicRequestObject) (gen.CreateCampaignPublicResponseObject, error) {
	c, err := s.createCampaign(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateCampaignPublic201JSONResponse{Body: toAPICampaign(c)}, nil
}

func (s *Server) createCampaign(ctx context.Context, handle string, in *gen.CampaignCreate) (*tenx.Campaign, error) {
	c := &tenx.Campaign{Handle: handle, ID: in.CampaignId, GoalType: tenx.CampaignGoal(in.GoalType), Status: tenx.CampaignDraft}
	if in.Status != nil {
		c.Status = tenx.CampaignStatus(*in.Status)
	}
	if in.PrimarySlug != nil {
		c.PrimarySlug = *in.PrimarySlug
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, s.Campaigns.CreateCampaign(ctx, c)
}

// GetCampaign returns one campaign (JWT).
func (s *Server) GetCampaign(ctx context.Context, req gen.GetCampaignRequestObject) (gen.GetCampaignResponseObject, error) {
	c, err := s.findCampaign(ctx, req.Handle, req.CampaignId)
	if err != nil {
		return nil, err
	}
	return gen.GetCampaign200JSONResponse(toAPICampaign(c)), nil
}

// GetCampaignPublic returns one campaign (PAT, pages.read).
func (s *Server) GetCampaignPublic(ctx context.Context, req gen.GetCampaignPublicRequestObject) (gen.GetCampaignPublicResponseObject, error) {
	c, err := s.findCampaign(ctx, req.Handle, req.CampaignId)
	if err != nil {
		return nil, err
	}
	return gen.GetCampaignPublic200JSONResponse{Body: toAPICampaign(c)}, nil
}

func (s *Server) findCampaign(ctx context.Context, handle, id string) (*tenx.Campaign, error) {
	c, err := s.Campaigns.FindCampaign(ctx, handle, id)
	return c, campaignNotFound(err, id)
}

// campaignNotFound names the campaign in a not-found error.
func campaignNotFound(err error, id string) error {
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return tenx.Errorf(tenx.ENOTFOUND, "campaign %q not found", id)
	}
	return err
}

// UpdateCampaign changes a campaign (JWT).
func (s *Server) UpdateCampaign(ctx context.Context, req gen.UpdateCampaignRequestObject) (gen.UpdateCampaignResponseObject, error) {
	c, err := s.updateCampaign(ctx, req.Handle, req.CampaignId, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateCampaign200JSONResponse(toAPICampaign(c)), nil
}

// UpdateCampaignPublic changes a campaign (PAT, pages.write).
func (s *Server) UpdateCampaignPublic(ctx context.Context, req gen.UpdateCampaignPublicRequestObject) (gen.UpdateCampaignPublicResponseObject, error) {
	c, err := s.updateCampaign(ctx, req.Handle, req.CampaignId, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateCampaignPublic200JSONResponse{Body: toAPICampaign(c)}, nil
}

func (s *Server) updateCampaign(ctx context.Context, handle, id string, in *gen.CampaignPatch) (*tenx.Campaign, error) {
	upd := tenx.CampaignUpdate{PrimarySlug: in.PrimarySlug}
	if in.Status != nil {
		st := tenx.CampaignStatus(*in.Status)
		upd.Status = &st
	}
	c, err := s.Campaigns.UpdateCampaign(ctx, handle, id, upd)
	return c, campaignNotFound(err, id)
}

// GetCampaignHealth checks a campaign (JWT).
func (s *Server) GetCampaignHealth(ctx context.Context, req gen.GetCampaignHealthRequestObject) (gen.GetCampaignHealthResponseObject, error) {
	h, err := s.campaignHealth(ctx, req.Handle, req.CampaignId)
	if err != nil {
		return nil, err
	}
	return gen.GetCampaignHealth200JSONResponse(h), nil
}

// GetCampaignHealthPublic checks a campaign (PAT, pages.read).
func (s *Server) GetCampaignHealthPublic(ctx context.Context, req gen.GetCampaignHealthPublicRequestObject) (gen.GetCampaignHealthPublicResponseObject, error) {
	h, err := s.campaignHealth(ctx, req.Handle, req.CampaignId)
	if err != nil {
		return nil, err
	}
	return gen.GetCampaignHealthPublic200JSONResponse{Body: h}, nil
}

func (s *Server) campaignHealth(ctx context.Context, handle, id string) (gen.CampaignHealth, error) {
	c, err := s.findCampaign(ctx, handle, id)
	if err != nil {
		return gen.CampaignHealth{}, err
	}
	var primary *tenx.Link
	if c.PrimarySlug != "" {
		primary, err = s.Links.FindLink(ctx, handle, c.PrimarySlug)
		if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
			return gen.CampaignHealth{}, err
		}
	}
	out := gen.CampaignHealth{CampaignId: c.ID, Status: gen.CampaignHealthStatus(tenx.HealthPass)}
	for _, chk := range tenx.CampaignHealth(c, primary) {
		out.Checks = append(out.Checks, struct {
			Name   gen.CampaignHealthChecksName   `json:"name"`
			Reason string                         `json:"reason"`
			Status gen.CampaignHealthChecksStatus `json:"status"`
		}{gen.CampaignHealthChecksName(chk.Name), chk.Reason, gen.CampaignHealthChecksStatus(chk.Status)})
		if chk.Status == tenx.HealthFail {
			out.Status = gen.CampaignHealthStatus(tenx.HealthFail)
		}
	}
	return out, nil
}

func toAPICampaign(c *tenx.Campaign) gen.Campaign {
	out := gen.Campaign{CampaignId: c.ID, GoalType: gen.CampaignGoal(c.GoalType), Status: gen.CampaignStatus(c.Status),
		LatestVersion: c.LatestVersion, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if c.PrimarySlug != "" {
		out.PrimarySlug = &c.PrimarySlug
	}
	if c.PublishedVersion > 0 {
		out.PublishedVersion = &c.PublishedVersion
	}
	return out
}

// documentJSON is the compact JSON of a site-structure document as the
// spec shapes it; over tenx.MaxSiteStructureBytes it is payload_too_large.
func documentJSON(doc *gen.SiteStructureDocument) (json.RawMessage, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	if len(b) > tenx.MaxSiteStructureBytes {
		return nil, tenx.Errorf(tenx.EPAYLOADTOOLARGE, "a site structure is at most %d bytes as compact JSON", tenx.MaxSiteStructureBytes)
	}
	return b, nil
}
