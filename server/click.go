package server

import (
	"context"
	"net"
	"strings"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/gen"
)

// visitKey carries a redirect's visitor details from withVisit to the
// handler.
type visitKey struct{}

// visitHeaders are the request details a click event is enriched from,
// and the query a routing rule's source and campaign come from.
type visitHeaders struct {
	userAgent, referer, proxyCountry, rawQuery string
}

// withVisit is a strict middleware that, for followLink only, gives the
// handler the visitor's user agent and referrer, and the CF-IPCountry
// header when the connection comes from a trusted proxy (anyone else
// could claim any country).
func (s *Server) withVisit(f gen.StrictHandlerFunc, operationID string) gen.StrictHandlerFunc {
	if operationID != "FollowLink" {
		return f
	}
	return func(c echo.Context, req any) (any, error) {
		r := c.Request()
		v := visitHeaders{userAgent: r.UserAgent(), referer: r.Referer(), rawQuery: r.URL.RawQuery}
		if s.fromTrustedProxy(r.RemoteAddr) {
			v.proxyCountry = r.Header.Get("Cf-Ipcountry")
		}
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), visitKey{}, v)))
		return f(c, req)
	}
}

// fromTrustedProxy reports whether the connection's peer is one of the
// trusted proxies.
func (s *Server) fromTrustedProxy(remoteAddr string) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	for _, n := range s.cfg.TrustedProxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// visit finds the link a visitor follows and hands the visit to the click
// pipeline, returning the link and the address to send the visitor to. A
// link with a click cap is counted at once, in its own transaction, so
// that concurrent visits cannot pass the cap; the others are counted by
// the pipeline's writer. Without a pipeline every visit is counted at
// once.
func (s *Server) visit(ctx context.Context, handle, slug string) (*tenx.Link, string, error) {
	if s.Clicks == nil {
		l, err := s.Links.FollowLink(ctx, handle, slug)
		if err != nil {
			return nil, "", err
		}
		return l, l.DestinationURL, nil
	}
	l, err := s.Links.FindLinkToFollow(ctx, handle, slug)
	if err != nil {
		return nil, "", err
	}
	counted := l.MaxClicks != nil
	if counted {
		if l, err = s.Links.FollowLink(ctx, handle, slug); err != nil {
			return nil, "", err
		}
	}
	h, _ := ctx.Value(visitKey{}).(visitHeaders)
	v := &tenx.Visit{Handle: handle, Slug: slug, UserAgent: h.userAgent,
		Referer: h.referer, IP: tenx.ClientIPFromContext(ctx), ProxyCountry: h.proxyCountry, Counted: counted}
	d, err := s.route(ctx, l, v, h.rawQuery)
	if err != nil {
		return nil, "", err
	}
	if d.Rule != nil {
		v.RuleID, v.VariantID = d.Rule.RuleID, d.Rule.Variant.ID
	}
	v.Destination = d.Destination
	dest := d.Destination
	if l.Attribution && s.ClickSigner != nil {
		v.ID = tenx.NewClickID()
		dest = withCtx(dest, s.ClickSigner.Sign(tenx.ClickRef{ClickID: v.ID, Handle: handle, Slug: slug}))
	}
	s.Clicks.Record(v)
	return l, dest, nil
}

// withCtx adds the ctx query parameter to a destination, before its
// fragment, leaving the rest of it as written.
func withCtx(dest, ctx string) string {
	base, frag, hasFrag := strings.Cut(dest, "#")
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
		if strings.HasSuffix(base, "?") || strings.HasSuffix(base, "&") {
			sep = ""
		}
	}
	out := base + sep + "ctx=" + ctx
	if hasFrag {
		out += "#" + frag
	}
	return out
}
