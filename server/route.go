package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"tenx"
)

// errNoSuchRoute is the answer for any method and path no operation or
// page serves: 404, never 405 (an unknown method is an unknown route), and
// never the short-link handler.
func errNoSuchRoute() error { return tenx.Errorf(tenx.ENOTFOUND, "no such route") }

// followLinkID is the short-link operation, /{handle}/{slug}.
const followLinkID = "followLink"

// matchOperation is the one place that decides whether a request reached
// a real operation. Echo answers 405 or an automatic 204 to OPTIONS when
// only the method is wrong, lets a trailing parameter swallow deeper
// paths (/v2/handles/a/links/b/c matches .../links/:slug), and sends every
// two-segment path (/v2/anything, /mcp/acme) to the short-link handler;
// each of those is no route at all.
func (s *Server) matchOperation(c echo.Context) (*operation, error) {
	op, ok := s.contract.ops[route{c.Request().Method, c.Path()}]
	if !ok {
		return nil, errNoSuchRoute()
	}
	for _, v := range c.ParamValues() {
		if strings.Contains(v, "/") {
			return nil, errNoSuchRoute()
		}
	}
	if op.id == followLinkID && !tenx.ValidHandleName(c.Param("handle")) {
		// No handle can have this name (v2, .well-known, docs, mcp, ...):
		// an API-looking path, answered without reading the database.
		// Text no database can store is refused as everywhere else.
		if err := checkText(c); err != nil {
			return nil, err
		}
		return nil, errNoSuchRoute()
	}
	return op, nil
}

// isPageRequest reports whether the request is for one of the browser
// pages, which are served outside the contract.
func isPageRequest(c echo.Context) bool {
	return c.Request().Method == http.MethodGet && isPage(c.Path())
}

// servePage serves a page, turning its file server's plain-text 404 into
// the error envelope.
func servePage(c echo.Context, next echo.HandlerFunc) error {
	res := c.Response()
	catcher := &notFoundCatcher{ResponseWriter: res.Writer}
	res.Writer = catcher
	err := next(c)
	res.Writer = catcher.ResponseWriter
	if !catcher.notFound {
		return err
	}
	res.Committed, res.Size = false, 0
	res.Header().Del(echo.HeaderContentType)
	return errNoSuchRoute()
}

// notFoundCatcher swallows a 404 and its body, so the error handler can
// write the envelope instead.
type notFoundCatcher struct {
	http.ResponseWriter
	notFound bool
}

// WriteHeader passes every status but 404 through.
func (w *notFoundCatcher) WriteHeader(code int) {
	if code == http.StatusNotFound {
		w.notFound = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write drops the body of a swallowed 404.
func (w *notFoundCatcher) Write(b []byte) (int, error) {
	if w.notFound {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}
