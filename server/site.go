package server

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/render"
)

// A handle's public face, served beside the API and outside its contract
// as browser pages are: its published pages at /p/{handle}/{slug}, and its
// public site at /s/{handle}/, whose content the handle's site mode
// decides (serveSite). Both are HTML of package render, under a policy
// that allows no script. A path that cannot name a handle or page is 404
// without a database read; any error is the JSON envelope.
const publishedPagePath = "/p/:handle/:slug"

// maxProfileLinks bounds the links of the link-in-bio page: one list page.
const maxProfileLinks = tenx.MaxListLimit

// mountPublishedPages registers /p/{handle}/{slug}; the site at
// /s/{handle}/ is mounted by mountSite (livesite.go).
func (s *Server) mountPublishedPages(e *echo.Echo) {
	e.GET(publishedPagePath, s.servePublishedPage)
}

// isPublishedPage reports whether an Echo route is /p/{handle}/{slug}.
func isPublishedPage(path string) bool { return path == publishedPagePath }

// servePublishedPage renders a PUBLISHED, PUBLIC page.
func (s *Server) servePublishedPage(c echo.Context) error {
	handle, slug := c.Param("handle"), c.Param("slug")
	if !tenx.ValidHandleName(handle) || !tenx.ValidSlug(slug) {
		return errNoSuchRoute()
	}
	ctx := c.Request().Context()
	p, err := s.Pages.FindPage(ctx, handle, slug)
	if err != nil {
		return pageNotFound(err, slug)
	}
	if p.Status != tenx.PagePublished || p.AccessMode != tenx.PageAccessPublic {
		return tenx.Errorf(tenx.ENOTFOUND, "page %q not found", slug)
	}
	prof, err := s.Profiles.FindProfile(ctx, handle)
	if err != nil {
		return err
	}
	return writeDocument(c, func(b *bytes.Buffer) error {
		return render.Page(b, render.PageView{Title: p.Title, Description: p.Description, Body: render.Markdown(p.Content),
			Handle: handle, SiteURL: "/s/" + handle + "/", Theme: prof.Theme})
	})
}

// renderProfileSite writes the link-in-bio page: the profile and the
// links a visitor can follow now, in slug order, each through its short
// URL so that the visit is counted.
func (s *Server) renderProfileSite(c echo.Context, p *tenx.Profile) error {
	enabled := true
	links, _, err := s.Links.FindLinks(c.Request().Context(),
		tenx.LinkFilter{Handle: p.Handle, Enabled: &enabled, Limit: maxProfileLinks})
	if err != nil {
		return err
	}
	v := render.ProfileView{Handle: p.Handle, DisplayName: p.DisplayName, Bio: p.Bio, AvatarURL: p.AvatarURL, Theme: p.Theme}
	now := s.now()
	for _, l := range links {
		if l.Availability(now) != "" {
			continue
		}
		title := l.Title
		if title == "" {
			title = l.Slug
		}
		v.Links = append(v.Links, render.ProfileLink{Title: title, URL: s.shortURL(l.Handle, l.Slug)})
	}
	return writeDocument(c, func(b *bytes.Buffer) error { return render.Profile(b, v) })
}

// writeDocument renders into a buffer first, so that a failure is still
// the error envelope rather than half a page.
func writeDocument(c echo.Context, fn func(*bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		return err
	}
	render.SetHeaders(c.Response().Header())
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}
