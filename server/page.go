package server

import (
	"context"
	"net/url"

	"tenx"
	"tenx/gen"
	"tenx/render"
)

// The page operations exist on both planes (JWT control plane and PAT
// automation); each pair shares one implementation below.

// ListPages lists pages (JWT).
func (s *Server) ListPages(ctx context.Context, req gen.ListPagesRequestObject) (gen.ListPagesResponseObject, error) {
	out, err := s.listPages(ctx, req.Handle, (*string)(req.Params.Status), req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListPages200JSONResponse(out), nil
}

// ListPagesPublic lists pages (PAT, pages.read).
func (s *Server) ListPagesPublic(ctx context.Context, req gen.ListPagesPublicRequestObject) (gen.ListPagesPublicResponseObject, error) {
	out, err := s.listPages(ctx, req.Handle, (*string)(req.Params.Status), req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListPagesPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listPages(ctx context.Context, handle string, status *string, limit *int, next *string) (gen.PageList, error) {
	f := tenx.PageFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(limit, next)
	if status != nil {
		f.Status = tenx.PageStatus(*status)
	}
	list, nextToken, err := s.Pages.FindPages(ctx, f)
	if err != nil {
		return gen.PageList{}, err
	}
	out := gen.PageList{Pages: make([]gen.Page, 0, len(list)), NextToken: optional(nextToken)}
	for _, p := range list {
		out.Pages = append(out.Pages, s.toAPIPage(p))
	}
	return out, nil
}

// CreatePage creates a draft page (JWT).
func (s *Server) CreatePage(ctx context.Context, req gen.CreatePageRequestObject) (gen.CreatePageResponseObject, error) {
	p, err := s.createPage(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreatePage201JSONResponse(s.toAPIPage(p)), nil
}

// CreatePagePublic creates a draft page (PAT, pages.write).
func (s *Server) CreatePagePublic(ctx context.Context, req gen.CreatePagePublicRequestObject) (gen.CreatePagePublicResponseObject, error) {
	p, err := s.createPage(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreatePagePublic201JSONResponse{Body: s.toAPIPage(p)}, nil
}

func (s *Server) createPage(ctx context.Context, handle string, in *gen.PageCreate) (*tenx.Page, error) {
	p := fromAPIPage(handle, in.Slug, gen.PageUpdate{Title: in.Title, Description: in.Description,
		Content: in.Content, AccessMode: in.AccessMode})
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, s.Pages.CreatePage(ctx, p)
}

// GetPage returns one page (JWT).
func (s *Server) GetPage(ctx context.Context, req gen.GetPageRequestObject) (gen.GetPageResponseObject, error) {
	p, err := s.findPage(ctx, req.Handle, req.Slug)
	if err != nil {
		return nil, err
	}
	return gen.GetPage200JSONResponse(s.toAPIPage(p)), nil
}

// GetPagePublic returns one page (PAT, pages.read).
func (s *Server) GetPagePublic(ctx context.Context, req gen.GetPagePublicRequestObject) (gen.GetPagePublicResponseObject, error) {
	p, err := s.findPage(ctx, req.Handle, req.Slug)
	if err != nil {
		return nil, err
	}
	return gen.GetPagePublic200JSONResponse{Body: s.toAPIPage(p)}, nil
}

func (s *Server) findPage(ctx context.Context, handle, slug string) (*tenx.Page, error) {
	p, err := s.Pages.FindPage(ctx, handle, slug)
	return p, pageNotFound(err, slug)
}

// pageNotFound names the page in a not-found error.
func pageNotFound(err error, slug string) error {
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return tenx.Errorf(tenx.ENOTFOUND, "page %q not found", slug)
	}
	return err
}

// UpdatePage replaces a page (JWT).
func (s *Server) UpdatePage(ctx context.Context, req gen.UpdatePageRequestObject) (gen.UpdatePageResponseObject, error) {
	p, err := s.updatePage(ctx, req.Handle, req.Slug, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdatePage200JSONResponse(s.toAPIPage(p)), nil
}

// UpdatePagePublic replaces a page (PAT, pages.write).
func (s *Server) UpdatePagePublic(ctx context.Context, req gen.UpdatePagePublicRequestObject) (gen.UpdatePagePublicResponseObject, error) {
	p, err := s.updatePage(ctx, req.Handle, req.Slug, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdatePagePublic200JSONResponse{Body: s.toAPIPage(p)}, nil
}

func (s *Server) updatePage(ctx context.Context, handle, slug string, in *gen.PageUpdate) (*tenx.Page, error) {
	p := fromAPIPage(handle, slug, *in)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, pageNotFound(s.Pages.UpdatePage(ctx, p), slug)
}

// PublishPage publishes a page (JWT).
func (s *Server) PublishPage(ctx context.Context, req gen.PublishPageRequestObject) (gen.PublishPageResponseObject, error) {
	p, err := s.Pages.PublishPage(ctx, req.Handle, req.Slug)
	if err != nil {
		return nil, pageNotFound(err, req.Slug)
	}
	return gen.PublishPage200JSONResponse(s.toAPIPage(p)), nil
}

// PublishPagePublic publishes a page (PAT, pages.write).
func (s *Server) PublishPagePublic(ctx context.Context, req gen.PublishPagePublicRequestObject) (gen.PublishPagePublicResponseObject, error) {
	p, err := s.Pages.PublishPage(ctx, req.Handle, req.Slug)
	if err != nil {
		return nil, pageNotFound(err, req.Slug)
	}
	return gen.PublishPagePublic200JSONResponse{Body: s.toAPIPage(p)}, nil
}

// DeletePage deletes a page (JWT).
func (s *Server) DeletePage(ctx context.Context, req gen.DeletePageRequestObject) (gen.DeletePageResponseObject, error) {
	if err := s.Pages.DeletePage(ctx, req.Handle, req.Slug); err != nil {
		return nil, pageNotFound(err, req.Slug)
	}
	return gen.DeletePage204Response{}, nil
}

// DeletePagePublic deletes a page (PAT, pages.write).
func (s *Server) DeletePagePublic(ctx context.Context, req gen.DeletePagePublicRequestObject) (gen.DeletePagePublicResponseObject, error) {
	if err := s.Pages.DeletePage(ctx, req.Handle, req.Slug); err != nil {
		return nil, pageNotFound(err, req.Slug)
	}
	return gen.DeletePagePublic204Response{}, nil
}

// PreviewPage renders Markdown as a published page shows it (JWT).
func (s *Server) PreviewPage(_ context.Context, req gen.PreviewPageRequestObject) (gen.PreviewPageResponseObject, error) {
	return gen.PreviewPage200JSONResponse{Html: string(render.Markdown(req.Body.Content))}, nil
}

// PreviewPagePublic renders Markdown as a published page shows it (PAT, pages.read).
func (s *Server) PreviewPagePublic(_ context.Context, req gen.PreviewPagePublicRequestObject) (gen.PreviewPagePublicResponseObject, error) {
	return gen.PreviewPagePublic200JSONResponse{Body: gen.PagePreview{Html: string(render.Markdown(req.Body.Content))}}, nil
}

// pageURL is where a page is served once published.
func (s *Server) pageURL(handle, slug string) string {
	return s.cfg.PublicURL + "/p/" + url.PathEscape(handle) + "/" + url.PathEscape(slug)
}

func (s *Server) toAPIPage(p *tenx.Page) gen.Page {
	return gen.Page{Slug: p.Slug, Title: p.Title, Description: p.Description, Content: p.Content,
		AccessMode: gen.PageAccessMode(p.AccessMode), Status: gen.PageStatus(p.Status), Url: s.pageURL(p.Handle, p.Slug),
		PublishedAt: p.PublishedAt, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

// fromAPIPage builds a page from the fields create and update share.
func fromAPIPage(handle, slug string, in gen.PageUpdate) *tenx.Page {
	p := &tenx.Page{Handle: handle, Slug: slug, Title: in.Title, Content: in.Content, AccessMode: tenx.PageAccessPublic}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.AccessMode != nil {
		p.AccessMode = tenx.PageAccessMode(*in.AccessMode)
	}
	return p
}
