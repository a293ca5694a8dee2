package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"tenx"
)

// The live site of a handle at /s/{handle}/..., and a deployment's preview
// at /s/_preview/{token}/...: browser pages outside the JSON contract,
// served from the blob store through siteCache.
const (
	sitePrefix    = "/s/"
	previewPrefix = "/s/_preview/"
)

// siteCSP sandboxes every page of a site: its scripts run, but in an opaque
// origin, so they can never read this origin's cookies, storage or API
// answers (the dashboard's tokens).
const siteCSP = "sandbox allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-modals allow-downloads"

// mountSite registers the live site and the previews.
func (s *Server) mountSite(e *echo.Echo) {
	e.GET(previewPrefix+":token", addSlash)
	e.GET(previewPrefix+":token/*", s.servePreview)
	e.GET(sitePrefix+":handle", func(c echo.Context) error {
		if !tenx.ValidHandleName(c.Param("handle")) {
			return errNoSuchRoute() // no handle can have this name: no redirect to nowhere
		}
		return addSlash(c)
	})
	e.GET(sitePrefix+":handle/*", s.serveSite)
}

// isSitePage reports whether an Echo route is the live site or a preview.
func isSitePage(path string) bool {
	switch path {
	case previewPrefix + ":token", previewPrefix + ":token/*", sitePrefix + ":handle", sitePrefix + ":handle/*":
		return true
	}
	return false
}

// addSlash sends /s/acme to /s/acme/, where relative links resolve.
func addSlash(c echo.Context) error {
	return c.Redirect(http.StatusFound, c.Request().URL.EscapedPath()+"/")
}

// serveSite serves a handle's public site at /s/{handle}/.
func (s *Server) serveSite(c echo.Context) error {
	handle := c.Param("handle")
	if !tenx.ValidHandleName(handle) {
		return errNoSuchRoute()
	}
	return s.serveSiteAt(c, handle, sitePrefix+handle+"/")
}

// serveSiteAt is the one place that decides what a handle's public site
// shows, for a request whose escaped path starts with prefix (ending in
// "/"): /s/{handle}/ on the API's host, or a custom domain's root or path
// rule. The handle's site mode is cached with its manifest, so a warm site
// reads no database: SITE serves the active deployment; PROFILE the
// link-in-bio page at the prefix itself (renderProfileSite) and nothing
// below it. Activating a deployment switches the handle to SITE
// (siteWentLive).
func (s *Server) serveSiteAt(c echo.Context, handle, prefix string) error {
	ctx := c.Request().Context()
	m, mode, err := s.site.activeSite(ctx, handle)
	if err != nil {
		return err
	}
	if mode == tenx.SiteModeProfile {
		if c.Request().URL.EscapedPath() != prefix {
			return tenx.Errorf(tenx.ENOTFOUND, "no such page")
		}
		p, err := s.Profiles.FindProfile(ctx, handle)
		if err != nil {
			return err
		}
		return s.renderProfileSite(c, p)
	}
	if m == nil {
		return tenx.Errorf(tenx.ENOTFOUND, "@%s has no site deployed", handle)
	}
	return s.serveFromManifest(c, m, prefix, "strict-origin-when-cross-origin")
}

// siteWentLive makes a newly active deployment what /s/{handle}/ shows:
// deploying is choosing the site, so the handle's mode becomes SITE.
func (s *Server) siteWentLive(ctx context.Context, handle string) error {
	defer s.site.invalidate(handle)
	p, err := s.Profiles.FindProfile(ctx, handle)
	if err != nil || p.SiteMode == tenx.SiteModeSite {
		return err
	}
	_, err = s.Profiles.SetSiteMode(ctx, handle, tenx.SiteModeSite)
	return err
}

// servePreview serves the deployment a signed preview token names, live
// or not. The token stays out of Referer headers.
func (s *Server) servePreview(c echo.Context) error {
	token := c.Param("token")
	ctx := c.Request().Context()
	id, _, err := s.verifyToken(ctx, purposePreview, token, tenx.ENOTFOUND)
	if err != nil {
		return err
	}
	m, err := s.site.deployment(ctx, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return tenx.Errorf(tenx.ENOTFOUND, "no such deployment")
	}
	if err != nil {
		return err
	}
	return s.serveFromManifest(c, m, previewPrefix+token+"/", "no-referrer")
}

// sitePath returns the clean path of a file under prefix and whether the
// request named a directory. Anything that is not a plain relative path
// after decoding (encoded slashes or backslashes, NUL, ".." or "."
// segments, empty segments, invalid UTF-8) is no path at all: 404, never a
// file elsewhere.
func sitePath(escaped, prefix string) (string, bool, bool) {
	rel, ok := strings.CutPrefix(escaped, prefix)
	if !ok {
		return "", false, false
	}
	lower := strings.ToLower(rel)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(lower, "%00") {
		return "", false, false
	}
	p, err := url.PathUnescape(rel)
	if err != nil {
		return "", false, false
	}
	dir := p == "" || strings.HasSuffix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p != "" && !tenx.ValidSitePath(p) {
		return "", false, false
	}
	return p, dir, true
}

// serveFromManifest answers with the file the request names in m: the
// index.html of a directory, a redirect to add the slash a directory's
// relative links need, 304 when the client has it, else its bytes.
func (s *Server) serveFromManifest(c echo.Context, m *manifest, prefix, referrer string) error {
	r := c.Request()
	p, dir, ok := sitePath(r.URL.EscapedPath(), prefix)
	if !ok {
		return tenx.Errorf(tenx.ENOTFOUND, "no such page")
	}
	f, isIndex := m.lookup(p)
	switch {
	case f == nil, dir && !isIndex && p != "":
		return tenx.Errorf(tenx.ENOTFOUND, "no such page")
	case isIndex && !dir:
		return c.Redirect(http.StatusFound, r.URL.EscapedPath()+"/")
	}
	h := c.Response().Header()
	h["Content-Security-Policy"] = []string{siteCSP}
	h["X-Content-Type-Options"] = []string{"nosniff"}
	h["Referrer-Policy"] = []string{referrer}
	h["Cache-Control"] = []string{"no-cache"}
	h["Etag"] = []string{f.etag}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, f.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return s.writeSiteFile(c, f)
}

// writeSiteFile sends the bytes of f, from memory when they are small.
func (s *Server) writeSiteFile(c echo.Context, f *siteFile) error {
	h := c.Response().Header()
	h["Content-Type"] = []string{f.contentType}
	h["Content-Length"] = []string{f.length}
	if b, ok := s.site.cached(f.key); ok {
		c.Response().WriteHeader(http.StatusOK)
		_, err := c.Response().Write(b)
		return err
	}
	rc, size, err := s.Blobs.Open(c.Request().Context(), f.key)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		h.Del("Content-Length")
		return tenx.Errorf(tenx.ENOTFOUND, "no such page")
	}
	if err != nil {
		h.Del("Content-Length")
		return err
	}
	defer rc.Close()
	if size <= maxCachedFile {
		b, err := io.ReadAll(io.LimitReader(rc, maxCachedFile+1))
		if err != nil {
			h.Del("Content-Length")
			return err
		}
		s.site.keep(f.key, b)
		c.Response().WriteHeader(http.StatusOK)
		_, err = io.Copy(c.Response(), bytes.NewReader(b))
		return err
	}
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), rc)
	return err
}

// etagMatches reports whether an If-None-Match list names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatches(list, etag string) bool {
	if strings.TrimSpace(list) == "*" {
		return true
	}
	for _, t := range strings.Split(list, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == etag {
			return true
		}
	}
	return false
}
