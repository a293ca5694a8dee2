package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// Tracking templates exist on both planes (CREATOR+ /
// tracking.templates.read and .write); each pair shares one
// implementation below.

// ListTrackingTemplates lists templates (JWT).
func (s *Server) ListTrackingTemplates(ctx context.Context, req gen.ListTrackingTemplatesRequestObject) (gen.ListTrackingTemplatesResponseObject, error) {
	out, err := s.listTrackingTemplates(ctx, req.Handle, gen.ListTrackingTemplatesPublicParams(req.Params))
	if err != nil {
		return nil, err
	}
	return gen.ListTrackingTemplates200JSONResponse(out), nil
}

// ListTrackingTemplatesPublic lists templates (PAT).
func (s *Server) ListTrackingTemplatesPublic(ctx context.Context, req gen.ListTrackingTemplatesPublicRequestObject) (gen.ListTrackingTemplatesPublicResponseObject, error) {
	out, err := s.listTrackingTemplates(ctx, req.Handle, req.Params)
	if err != nil {
		return nil, err
	}
	return gen.ListTrackingTemplatesPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listTrackingTemplates(ctx context.Context, handle string, p gen.ListTrackingTemplatesPublicParams) (gen.TrackingTemplateList, error) {
	f := tenx.TrackingTemplateFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(p.Limit, p.NextToken)
	list, next, err := s.Tracking.FindTrackingTemplates(ctx, f)
	if err != nil {
		return gen.TrackingTemplateList{}, err
	}
	out := gen.TrackingTemplateList{TrackingTemplates: make([]gen.TrackingTemplate, 0, len(list)), NextToken: optional(next)}
	for _, t := range list {
		out.TrackingTemplates = append(out.TrackingTemplates, toAPITemplate(t))
	}
	return out, nil
}

// GetTrackingTemplate returns one template (JWT).
func (s *Server) GetTrackingTemplate(ctx context.Context, req gen.GetTrackingTemplateRequestObject) (gen.GetTrackingTemplateResponseObject, error) {
	t, err := s.findTrackingTemplate(ctx, req.Handle, req.TemplateId)
	if err != nil {
		return nil, err
	}
	return gen.GetTrackingTemplate200JSONResponse(toAPITemplate(t)), nil
}

// GetTrackingTemplatePublic returns one template (PAT).
func (s *Server) GetTrackingTemplatePublic(ctx context.Context, req gen.GetTrackingTemplatePublicRequestObject) (gen.GetTrackingTemplatePublicResponseObject, error) {
	t, err := s.findTrackingTemplate(ctx, req.Handle, req.TemplateId)
	if err != nil {
		return nil, err
	}
	return gen.GetTrackingTemplatePublic200JSONResponse{Body: toAPITemplate(t)}, nil
}

func (s *Server) findTrackingTemplate(ctx context.Context, handle, id string) (*tenx.TrackingTemplate, error) {
	t, err := s.Tracking.FindTrackingTemplate(ctx, handle, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "tracking template %s not found", id)
	}
	return t, err
}

// CreateTrackingTemplate creates a template (JWT).
func (s *Server) CreateTrackingTemplate(ctx context.Context, req gen.CreateTrackingTemplateRequestObject) (gen.CreateTrackingTemplateResponseObject, error) {
	t, err := s.saveTrackingTemplate(ctx, req.Handle, "", req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateTrackingTemplate201JSONResponse(toAPITemplate(t)), nil
}

// CreateTrackingTemplatePublic creates a template (PAT).
func (s *Server) CreateTrackingTemplatePublic(ctx context.Context, req gen.CreateTrackingTemplatePublicRequestObject) (gen.CreateTrackingTemplatePublicResponseObject, error) {
	t, err := s.saveTrackingTemplate(ctx, req.Handle, "", req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateTrackingTemplatePublic201JSONResponse{Body: toAPITemplate(t)}, nil
}

// UpdateTrackingTemplate replaces a template (JWT).
func (s *Server) UpdateTrackingTemplate(ctx context.Context, req gen.UpdateTrackingTemplateRequestObject) (gen.UpdateTrackingTemplateResponseObject, error) {
	t, err := s.saveTrackingTemplate(ctx, req.Handle, req.TemplateId, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateTrackingTemplate200JSONResponse(toAPITemplate(t)), nil
}

// UpdateTrackingTemplatePublic replaces a template (PAT).
func (s *Server) UpdateTrackingTemplatePublic(ctx context.Context, req gen.UpdateTrackingTemplatePublicRequestObject) (gen.UpdateTrackingTemplatePublicResponseObject, error) {
	t, err := s.saveTrackingTemplate(ctx, req.Handle, req.TemplateId, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateTrackingTemplatePublic200JSONResponse{Body: toAPITemplate(t)}, nil
}

// saveTrackingTemplate creates (id "") or replaces a template.
func (s *Server) saveTrackingTemplate(ctx context.Context, handle, id string, in *gen.TrackingTemplateInput) (*tenx.TrackingTemplate, error) {
	t := &tenx.TrackingTemplate{ID: id, Handle: handle, TemplateKey: string(in.TemplateKey), Name: in.Name, Config: in.Config}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if id == "" {
		return t, s.Tracking.CreateTrackingTemplate(ctx, t)
	}
	err := s.Tracking.UpdateTrackingTemplate(ctx, t)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "tracking template %s not found", id)
	}
	return t, err
}

// DeleteTrackingTemplate deletes a template (JWT).
func (s *Server) DeleteTrackingTemplate(ctx context.Context, req gen.DeleteTrackingTemplateRequestObject) (gen.DeleteTrackingTemplateResponseObject, error) {
	if err := s.deleteTrackingTemplate(ctx, req.Handle, req.TemplateId); err != nil {
		return nil, err
	}
	return gen.DeleteTrackingTemplate204Response{}, nil
}

// DeleteTrackingTemplatePublic deletes a template (PAT).
func (s *Server) DeleteTrackingTemplatePublic(ctx context.Context, req gen.DeleteTrackingTemplatePublicRequestObject) (gen.DeleteTrackingTemplatePublicResponseObject, error) {
	if err := s.deleteTrackingTemplate(ctx, req.Handle, req.TemplateId); err != nil {
		return nil, err
	}
	return gen.DeleteTrackingTemplatePublic204Response{}, nil
}

func (s *Server) deleteTrackingTemplate(ctx context.Context, handle, id string) error {
	err := s.Tracking.DeleteTrackingTemplate(ctx, handle, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return tenx.Errorf(tenx.ENOTFOUND, "tracking template %s not found", id)
	}
	return err
}

func toAPITemplate(t *tenx.TrackingTemplate) gen.TrackingTemplate {
	cfg := t.Config
	if cfg == nil {
		cfg = map[string]string{}
	}
	return gen.TrackingTemplate{TemplateId: t.ID, TemplateKey: gen.TrackingTemplateTemplateKey(t.TemplateKey), Name: t.Name,
		Config: cfg, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC()}
}
