package server

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"tenx"
	"tenx/gen"
)

// A campaign's site structure is kept as numbered versions; the ETag of a
// version is its number as a strong entity tag ("3"), and a PUT names the
// version it replaces in If-Match (RFC 9110 section 13.1.1).

// GetSiteStructure returns a version of a site structure (JWT).
func (s *Server) GetSiteStructure(ctx context.Context, req gen.GetSiteStructureRequestObject) (gen.GetSiteStructureResponseObject, error) {
	out, etag, err := s.getSiteStructure(ctx, req.Handle, req.CampaignId, req.Params.Version)
	if err != nil {
		return nil, err
	}
	return gen.GetSiteStructure200JSONResponse{Body: out, Headers: gen.GetSiteStructure200ResponseHeaders{ETag: &etag}}, nil
}

// GetSiteStructurePublic returns a version of a site structure (PAT, pages.read).
func (s *Server) GetSiteStructurePublic(ctx context.Context, req gen.GetSiteStructurePublicRequestObject) (gen.GetSiteStructurePublicResponseObject, error) {
	out, etag, err := s.getSiteStructure(ctx, req.Handle, req.CampaignId, req.Params.Version)
	if err != nil {
		return nil, err
	}
	return gen.GetSiteStructurePublic200JSONResponse{Body: out,
		Headers: gen.GetSiteStructurePublic200ResponseHeaders{ETag: &etag}}, nil
}

func (s *Server) getSiteStructure(ctx context.Context, handle, id string, version *int) (gen.SiteStructure, string, error) {
	v := 0
	if version != nil {
		v = *version
	}
	c, err := s.findCampaign(ctx, handle, id)
	if err != nil {
		return gen.SiteStructure{}, "", err
	}
	st, err := s.Campaigns.FindSiteStructure(ctx, handle, id, v)
	if err != nil {
		return gen.SiteStructure{}, "", err
	}
	return toAPISiteStructure(st, c.PublishedVersion)
}

// PutSiteStructure stores a new version of a site structure (JWT).
func (s *Server) PutSiteStructure(ctx context.Context, req gen.PutSiteStructureRequestObject) (gen.PutSiteStructureResponseObject, error) {
	out, etag, err := s.putSiteStructure(ctx, req.Handle, req.CampaignId, req.Params.IfMatch, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.PutSiteStructure200JSONResponse{Body: out, Headers: gen.PutSiteStructure200ResponseHeaders{ETag: &etag}}, nil
}

// PutSiteStructurePublic stores a new version of a site structure (PAT, pages.write).
func (s *Server) PutSiteStructurePublic(ctx context.Context, req gen.PutSiteStructurePublicRequestObject) (gen.PutSiteStructurePublicResponseObject, error) {
	out, etag, err := s.putSiteStructure(ctx, req.Handle, req.CampaignId, req.Params.IfMatch, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.PutSiteStructurePublic200JSONResponse{Body: out,
		Headers: gen.PutSiteStructurePublic200ResponseHeaders{ETag: &etag}}, nil
}

func (s *Server) putSiteStructure(ctx context.Context, handle, id string, ifMatch *string, doc *gen.SiteStructureDocument) (gen.SiteStructure, string, error) {
	b, err := documentJSON(doc)
	if err != nil {
		return gen.SiteStructure{}, "", err
	}
	var want *int
	if ifMatch != nil {
		v := parseIfMatch(*ifMatch)
		want = &v
	}
	st, err := s.Campaigns.PutSiteStructure(ctx, handle, id, b, want)
	if err != nil {
		return gen.SiteStructure{}, "", err
	}
	c, err := s.findCampaign(ctx, handle, id)
	if err != nil {
		return gen.SiteStructure{}, "", err
	}
	return toAPISiteStructure(st, c.PublishedVersion)
}

// parseIfMatch reads the version an If-Match header names: "3", or a
// bare 3 for clients that forget the quotes; of a list, the first. A weak
// tag (W/"3") never matches strongly, and "*" is not offered: a writer
// must say which version it read. Anything else is -1, which never
// matches: 412.
func parseIfMatch(h string) int {
	first, _, _ := strings.Cut(h, ",")
	first = strings.TrimSpace(first)
	if strings.HasPrefix(first, "W/") {
		return -1
	}
	n, err := strconv.Atoi(strings.Trim(first, `"`))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// PublishSiteStructure makes a version live (JWT).
func (s *Server) PublishSiteStructure(ctx context.Context, req gen.PublishSiteStructureRequestObject) (gen.PublishSiteStructureResponseObject, error) {
	c, err := s.Campaigns.PublishSiteStructure(ctx, req.Handle, req.CampaignId, req.Body.Version)
	if err != nil {
		return nil, err
	}
	return gen.PublishSiteStructure200JSONResponse(toAPICampaign(c)), nil
}

// PublishSiteStructurePublic makes a version live (PAT, pages.write).
func (s *Server) PublishSiteStructurePublic(ctx context.Context, req gen.PublishSiteStructurePublicRequestObject) (gen.PublishSiteStructurePublicResponseObject, error) {
	c, err := s.Campaigns.PublishSiteStructure(ctx, req.Handle, req.CampaignId, req.Body.Version)
	if err != nil {
		return nil, err
	}
	return gen.PublishSiteStructurePublic200JSONResponse{Body: toAPICampaign(c)}, nil
}

// toAPISiteStructure returns the API form of st and its ETag.
func toAPISiteStructure(st *tenx.SiteStructure, published int) (gen.SiteStructure, string, error) {
	var doc gen.SiteStructureDocument
	if err := json.Unmarshal(st.Document, &doc); err != nil {
		return gen.SiteStructure{}, "", err
	}
	live := st.Version == published
	return gen.SiteStructure{CampaignId: st.CampaignID, Version: st.Version, Published: &live, Document: doc,
		CreatedAt: st.CreatedAt.UTC()}, `"` + strconv.Itoa(st.Version) + `"`, nil
}
