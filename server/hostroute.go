package server

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/gen"
)

// serveCustomDomain serves a request whose Host is an ACTIVE custom
// domain as the public face of the handle its routes pick: GET /{slug} is
// that handle's short link, anything else its live site (serveDomainSite).
// The API itself is not served on custom domains. Any other host goes on
// to the API. The lookup costs no database read most of the time
// (DomainHosts caches it); when it fails the request is served as an API
// request, which answers for itself.
func (s *Server) serveCustomDomain(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		host := requestHost(c.Request())
		if s.DomainHosts == nil || host == s.publicHost() || !tenx.ValidDomainName(host) {
			return next(c)
		}
		d, err := s.DomainHosts.ActiveDomain(c.Request().Context(), host)
		if err != nil {
			if tenx.ErrorCode(err) != tenx.ENOTFOUND {
				s.log.Warn("custom domain lookup failed; serving the API", "host", host, "err", err,
					"request_id", requestID(c))
			}
			return next(c)
		}
		r := c.Request()
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return errNoSuchRoute()
		}
		handle, rest := d.Route(r.URL.Path)
		if slug, ok := strings.CutPrefix(rest, "/"); ok && tenx.ValidSlug(slug) {
			return s.serveDomainLink(c, handle, slug)
		}
		return s.serveDomainSite(c, handle, rest)
	}
}

// serveDomainLink follows a short link of handle, as /{handle}/{slug}
// does on the API's host.
func (s *Server) serveDomainLink(c echo.Context, handle, slug string) error {
	res, err := s.FollowLink(c.Request().Context(), gen.FollowLinkRequestObject{Handle: handle, Slug: slug})
	if err != nil {
		return err
	}
	return res.VisitFollowLinkResponse(c.Response())
}

// serveDomainSite serves handle's public site on a custom domain: rest is
// what is left of the path after the path rule that picked handle (all of
// it at the domain's root), and the site is served under what the rule
// matched, as serveSite serves it under /s/{handle}/.
func (s *Server) serveDomainSite(c echo.Context, handle, rest string) error {
	if err := s.checkServable(c.Request().Context(), handle); err != nil {
		return err
	}
	r := c.Request()
	path, esc := r.URL.Path, r.URL.EscapedPath()
	if rest == "/" && !strings.HasSuffix(path, "/") {
		return c.Redirect(http.StatusFound, esc+"/") // "/shop": its relative links need the slash
	}
	n := len(path) - len(rest) // the bytes the rule matched; rule prefixes need no escaping
	if n < 0 || !strings.HasSuffix(path, rest) || !strings.HasPrefix(esc, path[:n]) {
		return errNoSuchRoute()
	}
	return s.serveSiteAt(c, handle, esc[:n]+"/")
}

// requestHost is the request's Host, lower-cased, without port or the
// trailing dot of a fully qualified name.
func requestHost(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// publicHost is the host of the API's own public URL.
func (s *Server) publicHost() string {
	u, err := url.Parse(s.cfg.PublicURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
