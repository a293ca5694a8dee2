package server

import (
	"context"
	"net/url"

	"tenx"
	"tenx/gen"
)

// The profile and the site mode exist on both planes: the PAT plane reads
// the profile with pages.read and writes it, and the site mode, with
// pages.write, since they are the handle's page-like public face.

// GetProfile returns the handle's profile (JWT).
func (s *Server) GetProfile(ctx context.Context, req gen.GetProfileRequestObject) (gen.GetProfileResponseObject, error) {
	p, err := s.Profiles.FindProfile(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetProfile200JSONResponse(s.toAPIProfile(p)), nil
}

// GetProfilePublic returns the handle's profile (PAT, pages.read).
func (s *Server) GetProfilePublic(ctx context.Context, req gen.GetProfilePublicRequestObject) (gen.GetProfilePublicResponseObject, error) {
	p, err := s.Profiles.FindProfile(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetProfilePublic200JSONResponse{Body: s.toAPIProfile(p)}, nil
}

// UpdateProfile replaces the handle's profile (JWT).
func (s *Server) UpdateProfile(ctx context.Context, req gen.UpdateProfileRequestObject) (gen.UpdateProfileResponseObject, error) {
	p, err := s.updateProfile(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateProfile200JSONResponse(s.toAPIProfile(p)), nil
}

// UpdateProfilePublic replaces the handle's profile (PAT, pages.write).
func (s *Server) UpdateProfilePublic(ctx context.Context, req gen.UpdateProfilePublicRequestObject) (gen.UpdateProfilePublicResponseObject, error) {
	p, err := s.updateProfile(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateProfilePublic200JSONResponse{Body: s.toAPIProfile(p)}, nil
}

func (s *Server) updateProfile(ctx context.Context, handle string, in *gen.ProfileInput) (*tenx.Profile, error) {
	p := &tenx.Profile{Handle: handle}
	for dst, src := range map[*string]*string{&p.DisplayName: in.DisplayName, &p.Bio: in.Bio,
		&p.AvatarURL: in.AvatarUrl, &p.Theme: in.Theme} {
		if src != nil {
			*dst = *src
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, s.Profiles.UpdateProfile(ctx, p)
}

// SetSiteMode chooses what /s/{handle}/ shows (JWT).
func (s *Server) SetSiteMode(ctx context.Context, req gen.SetSiteModeRequestObject) (gen.SetSiteModeResponseObject, error) {
	out, err := s.setSiteMode(ctx, req.Handle, req.Body.Mode)
	if err != nil {
		return nil, err
	}
	return gen.SetSiteMode200JSONResponse(out), nil
}

// SetSiteModePublic chooses what /s/{handle}/ shows (PAT, pages.write).
func (s *Server) SetSiteModePublic(ctx context.Context, req gen.SetSiteModePublicRequestObject) (gen.SetSiteModePublicResponseObject, error) {
	out, err := s.setSiteMode(ctx, req.Handle, req.Body.Mode)
	if err != nil {
		return nil, err
	}
	return gen.SetSiteModePublic200JSONResponse{Body: out}, nil
}

func (s *Server) setSiteMode(ctx context.Context, handle, mode string) (gen.SiteMode, error) {
	m, err := tenx.ParseSiteMode(mode)
	if err != nil {
		return gen.SiteMode{}, err
	}
	p, err := s.Profiles.SetSiteMode(ctx, handle, m)
	if err != nil {
		return gen.SiteMode{}, err
	}
	s.site.invalidate(handle)
	return gen.SiteMode{Mode: gen.SiteModeMode(p.SiteMode), SiteUrl: s.siteURL(handle)}, nil
}

// siteURL is the handle's public site.
func (s *Server) siteURL(handle string) string {
	return s.cfg.PublicURL + "/s/" + url.PathEscape(handle) + "/"
}

func (s *Server) toAPIProfile(p *tenx.Profile) gen.Profile {
	out := gen.Profile{Handle: p.Handle, DisplayName: p.DisplayName, Bio: p.Bio, AvatarUrl: p.AvatarURL,
		Theme: p.Theme, SiteMode: gen.ProfileSiteMode(p.SiteMode), SiteUrl: s.siteURL(p.Handle)}
	if !p.UpdatedAt.IsZero() {
		t := p.UpdatedAt.UTC()
		out.UpdatedAt = &t
	}
	return out
}
