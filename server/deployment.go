package server

import (
	"context"
	"strings"

	"tenx"
	"tenx/gen"
)

// The site deployment operations exist on both route families (JWT
// control plane and PAT automation); each pair shares one implementation.

// ListDeployments lists deployments (JWT).
func (s *Server) ListDeployments(ctx context.Context, req gen.ListDeploymentsRequestObject) (gen.ListDeploymentsResponseObject, error) {
	out, err := s.listDeployments(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListDeployments200JSONResponse(out), nil
}

// ListDeploymentsPublic lists deployments (PAT, site.deployments.read).
func (s *Server) ListDeploymentsPublic(ctx context.Context, req gen.ListDeploymentsPublicRequestObject) (gen.ListDeploymentsPublicResponseObject, error) {
	out, err := s.listDeployments(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListDeploymentsPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listDeployments(ctx context.Context, handle string, limit *int, next *string) (gen.DeploymentList, error) {
	f := tenx.DeploymentFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(limit, next)
	list, token, err := s.Deployments.FindDeployments(ctx, f)
	if err != nil {
		return gen.DeploymentList{}, err
	}
	out := gen.DeploymentList{Deployments: make([]gen.Deployment, 0, len(list)), NextToken: optional(token)}
	for _, d := range list {
		out.Deployments = append(out.Deployments, toAPIDeployment(d, false))
	}
	return out, nil
}

// CreateDeployment deploys the site (JWT): exactly 201 for both forms.
func (s *Server) CreateDeployment(ctx context.Context, req gen.CreateDeploymentRequestObject) (gen.CreateDeploymentResponseObject, error) {
	out, err := s.createDeployment(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateDeployment201JSONResponse(out), nil
}

// CreateDeploymentPublic deploys the site (PAT, site.deployments.write):
// exactly 201 for both forms.
func (s *Server) CreateDeploymentPublic(ctx context.Context, req gen.CreateDeploymentPublicRequestObject) (gen.CreateDeploymentPublicResponseObject, error) {
	out, err := s.createDeployment(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateDeploymentPublic201JSONResponse{Body: out}, nil
}

func (s *Server) createDeployment(ctx context.Context, handle string, in *gen.DeploymentCreate) (gen.DeploymentCreated, error) {
	d := &tenx.Deployment{Handle: handle}
	if in.CommitMessage != nil {
		d.CommitMessage = *in.CommitMessage
	}
	switch {
	case in.InlineHtml != nil && in.Files != nil:
		return gen.DeploymentCreated{}, &tenx.Error{Code: tenx.EVALIDATION, Field: "files",
			Message: "send either inlineHtml or files, not both"}
	case in.InlineHtml != nil:
		return s.deployInline(ctx, d, *in.InlineHtml)
	case in.Files != nil:
		return s.deployManifest(ctx, d, *in.Files)
	}
	return gen.DeploymentCreated{}, &tenx.Error{Code: tenx.EVALIDATION, Field: "inlineHtml",
		Message: "send inlineHtml (one page) or files (a manifest)"}
}

// deployInline writes the page and makes it live at once. The object is
// written first, under the new deployment's own key, so the site never
// points at bytes that are not there.
func (s *Server) deployInline(ctx context.Context, d *tenx.Deployment, html string) (gen.DeploymentCreated, error) {
	d.ID, d.Status = "dep_"+tenx.RandomBase62(20), tenx.DeploymentActive
	d.Files = []tenx.DeploymentFile{{Path: tenx.SiteEntrypoint, ContentType: tenx.InlineHTMLType, SizeBytes: int64(len(html))}}
	if err := d.Validate(s.cfg.FileMaxBytes); err != nil {
		return gen.DeploymentCreated{}, err
	}
	key := tenx.DeploymentObjectKey(d.Handle, d.ID, tenx.SiteEntrypoint)
	if err := s.Blobs.Write(ctx, key, strings.NewReader(html), int64(len(html)), tenx.InlineHTMLType); err != nil {
		return gen.DeploymentCreated{}, err
	}
	if err := s.Deployments.CreateDeployment(ctx, d, s.cfg.HandleQuota); err != nil {
		dctx, cancel := s.detached(ctx)
		defer cancel()
		if derr := s.Blobs.Delete(dctx, key); derr != nil {
			s.log.Warn("delete object of a failed deployment", "key", key, "err", derr)
		}
		return gen.DeploymentCreated{}, err
	}
	if err := s.siteWentLive(ctx, d.Handle); err != nil {
		return gen.DeploymentCreated{}, err
	}
	return gen.DeploymentCreated{DeploymentId: d.ID, Status: gen.DeploymentCreatedStatus(d.Status)}, nil
}

// deployManifest stores a pending deployment and returns one signed upload
// URL per file.
func (s *Server) deployManifest(ctx context.Context, d *tenx.Deployment, files []gen.DeploymentFileInput) (gen.DeploymentCreated, error) {
	d.Status = tenx.DeploymentPending
	for _, f := range files {
		d.Files = append(d.Files, tenx.DeploymentFile{Path: f.Path, ContentType: f.ContentType, SizeBytes: f.SizeBytes})
	}
	if err := d.Validate(s.cfg.FileMaxBytes); err != nil {
		return gen.DeploymentCreated{}, err
	}
	if err := s.Deployments.CreateDeployment(ctx, d, s.cfg.HandleQuota); err != nil {
		return gen.DeploymentCreated{}, err
	}
	urls := make([]gen.PutURL, 0, len(d.Files))
	for _, f := range d.Files {
		u, err := s.uploadURL(ctx, f.UploadID, tenx.DeploymentObjectKey(d.Handle, d.ID, f.Path), f.ContentType, d.UploadExpiresAt)
		if err != nil {
			return gen.DeploymentCreated{}, err
		}
		urls = append(urls, gen.PutURL{Path: f.Path, Url: u})
	}
	exp := d.UploadExpiresAt.UTC()
	return gen.DeploymentCreated{DeploymentId: d.ID, Status: gen.DeploymentCreatedStatus(d.Status), PutUrls: &urls,
		UploadExpiresAt: &exp}, nil
}

// GetDeployment returns one deployment with its files (JWT).
func (s *Server) GetDeployment(ctx context.Context, req gen.GetDeploymentRequestObject) (gen.GetDeploymentResponseObject, error) {
	d, err := s.findDeployment(ctx, req.Handle, req.DeploymentId)
	if err != nil {
		return nil, err
	}
	return gen.GetDeployment200JSONResponse(toAPIDeployment(d, true)), nil
}

// GetDeploymentPublic returns one deployment with its files (PAT,
// site.deployments.read).
func (s *Server) GetDeploymentPublic(ctx context.Context, req gen.GetDeploymentPublicRequestObject) (gen.GetDeploymentPublicResponseObject, error) {
	d, err := s.findDeployment(ctx, req.Handle, req.DeploymentId)
	if err != nil {
		return nil, err
	}
	return gen.GetDeploymentPublic200JSONResponse{Body: toAPIDeployment(d, true)}, nil
}

func (s *Server) findDeployment(ctx context.Context, handle, id string) (*tenx.Deployment, error) {
	d, err := s.Deployments.FindDeployment(ctx, handle, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "deployment %q not found", id)
	}
	return d, err
}

// ActivateDeployment makes a deployment live (JWT).
func (s *Server) ActivateDeployment(ctx context.Context, req gen.ActivateDeploymentRequestObject) (gen.ActivateDeploymentResponseObject, error) {
	d, err := s.activateDeployment(ctx, req.Handle, req.DeploymentId)
	if err != nil {
		return nil, err
	}
	return gen.ActivateDeployment200JSONResponse(toAPIDeployment(d, true)), nil
}

// ActivateDeploymentPublic makes a deployment live (PAT,
// site.deployments.write).
func (s *Server) ActivateDeploymentPublic(ctx context.Context, req gen.ActivateDeploymentPublicRequestObject) (gen.ActivateDeploymentPublicResponseObject, error) {
	d, err := s.activateDeployment(ctx, req.Handle, req.DeploymentId)
	if err != nil {
		return nil, err
	}
	return gen.ActivateDeploymentPublic200JSONResponse{Body: toAPIDeployment(d, true)}, nil
}

// activateDeployment first looks for the objects of files not yet known to
// be uploaded (uploads straight to S3 are not reported to tenx), then lets
// the store check and switch the live deployment.
func (s *Server) activateDeployment(ctx context.Context, handle, id string) (*tenx.Deployment, error) {
	d, err := s.findDeployment(ctx, handle, id)
	if err != nil {
		return nil, err
	}
	if !hasEntrypoint(d) {
		d.Files = nil // no HEADs: the store answers missing_entrypoint
	}
	var found []string
	for _, f := range d.Files {
		if f.Uploaded {
			continue
		}
		size, err := s.Blobs.Size(ctx, tenx.DeploymentObjectKey(handle, id, f.Path))
		if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
			return nil, err
		}
		if err == nil && size == f.SizeBytes {
			found = append(found, f.Path)
		}
	}
	if err := s.Deployments.MarkDeploymentFilesUploaded(ctx, id, found); err != nil {
		return nil, err
	}
	d, err = s.Deployments.ActivateDeployment(ctx, handle, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "deployment %q not found", id)
	}
	if err != nil {
		return nil, err
	}
	if err := s.siteWentLive(ctx, handle); err != nil {
		return nil, err
	}
	return d, nil
}

func hasEntrypoint(d *tenx.Deployment) bool {
	for _, f := range d.Files {
		if f.Path == tenx.SiteEntrypoint {
			return true
		}
	}
	return false
}

// PreviewDeployment returns a signed preview URL (JWT).
func (s *Server) PreviewDeployment(ctx context.Context, req gen.PreviewDeploymentRequestObject) (gen.PreviewDeploymentResponseObject, error) {
	out, err := s.previewDeployment(ctx, req.Handle, req.DeploymentId)
	if err != nil {
		return nil, err
	}
	return gen.PreviewDeployment200JSONResponse(out), nil
}

// PreviewDeploymentPublic returns a signed preview URL (PAT,
// site.deployments.read).
func (s *Server) PreviewDeploymentPublic(ctx context.Context, req gen.PreviewDeploymentPublicRequestObject) (gen.PreviewDeploymentPublicResponseObject, error) {
	out, err := s.previewDeployment(ctx, req.Handle, req.DeploymentId)
	if err != nil {
		return nil, err
	}
	return gen.PreviewDeploymentPublic200JSONResponse{Body: out}, nil
}

func (s *Server) previewDeployment(ctx context.Context, handle, id string) (gen.DeploymentPreview, error) {
	d, err := s.findDeployment(ctx, handle, id)
	if err != nil {
		return gen.DeploymentPreview{}, err
	}
	exp := s.now().Add(tenx.PreviewTTL).Truncate(1e9)
	token, err := s.signToken(ctx, purposePreview, d.ID, exp)
	if err != nil {
		return gen.DeploymentPreview{}, err
	}
	return gen.DeploymentPreview{PreviewUrl: s.cfg.PublicURL + previewPrefix + token + "/", ExpiresAt: exp.UTC()}, nil
}

func toAPIDeployment(d *tenx.Deployment, withFiles bool) gen.Deployment {
	out := gen.Deployment{DeploymentId: d.ID, Status: gen.DeploymentStatus(d.Status), CommitMessage: d.CommitMessage,
		FileCount: d.FileCount, TotalBytes: d.TotalSize, CreatedAt: d.CreatedAt.UTC(), ActivatedAt: d.ActivatedAt}
	if withFiles {
		files := make([]gen.DeploymentFile, 0, len(d.Files))
		for _, f := range d.Files {
			files = append(files, gen.DeploymentFile{Path: f.Path, ContentType: f.ContentType, SizeBytes: f.SizeBytes,
				Uploaded: f.Uploaded})
		}
		out.Files = &files
	}
	return out
}
