package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/gen"
)

// statusOf is the one map from public error code to HTTP status.
var statusOf = map[string]int{
	tenx.EMISSINGBEARER:        http.StatusUnauthorized,
	tenx.EINVALIDTOKEN:         http.StatusUnauthorized,
	tenx.EINVALIDTOKENFORMAT:   http.StatusUnauthorized,
	tenx.ETOKENEXPIRED:         http.StatusUnauthorized,
	tenx.ETOKENREVOKED:         http.StatusUnauthorized,
	tenx.EINVALIDCREDENTIALS:   http.StatusUnauthorized,
	tenx.EREFRESHMISSING:       http.StatusUnauthorized,
	tenx.EINVALIDREFRESH:       http.StatusUnauthorized,
	tenx.EINSUFFICIENTSCOPE:    http.StatusForbidden,
	tenx.EINSUFFICIENTROLE:     http.StatusForbidden,
	tenx.ESIGNUPCLOSED:         http.StatusForbidden,
	tenx.EACCOUNTDISABLED:      http.StatusForbidden,
	tenx.EHANDLESUSPENDED:      http.StatusForbidden,
	tenx.EFEATURELOCKED:        http.StatusForbidden,
	tenx.EFORBIDDEN:            http.StatusForbidden,
	tenx.EVALIDATION:           http.StatusBadRequest,
	tenx.EINVALIDPAYLOAD:       http.StatusBadRequest,
	tenx.EINVALIDCOLLABORATORS: http.StatusBadRequest,
	tenx.ENEWOWNERREQUIRED:     http.StatusBadRequest,
	tenx.ENOTFOUND:             http.StatusNotFound,
	tenx.EGONE:                 http.StatusGone,
	tenx.EINVALIDCTX:           http.StatusBadRequest,
	tenx.EMETHODNOTALLOWED:     http.StatusMethodNotAllowed,
	tenx.ECONFLICT:             http.StatusConflict,
	tenx.EPAYLOADTOOLARGE:      http.StatusRequestEntityTooLarge,
	tenx.ERATELIMITED:          http.StatusTooManyRequests,
	tenx.EINTERNAL:             http.StatusInternalServerError,
	tenx.EUNAVAILABLE:          http.StatusServiceUnavailable,

	tenx.EPRECONDITIONFAILED:    http.StatusPreconditionFailed,
	tenx.EPRECONDITIONREQUIRED:  http.StatusPreconditionRequired,
	tenx.EUNSUPPORTEDACCESSMODE: http.StatusBadRequest,
	tenx.EFILEEXPIRED:           http.StatusGone,
	tenx.EQUOTAEXCEEDED:         http.StatusConflict,
	tenx.EMISSINGENTRYPOINT:     http.StatusBadRequest,
	tenx.EUPLOADINCOMPLETE:      http.StatusBadRequest,
}

// handleError is Echo's HTTPErrorHandler: every error leaves in the
// documented envelope, whoever raised it.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := s.toPublicError(err, c)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	h := c.Response().Header()
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		h.Set("WWW-Authenticate", wwwAuthenticate(e))
	}
	if e.RetryAfterSeconds > 0 { // rate_limited, or unavailable when busy
		h.Set("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
	body := gen.Error{Error: e.Code, Message: e.Message, RequestId: requestID(c)}
	if e.Field != "" {
		body.Field = &e.Field
	}
	if len(e.RequiredScopes) > 0 {
		body.RequiredScopes = &e.RequiredScopes
	}
	addPlanFields(&body, e)
	if err := c.JSON(status, body); err != nil {
		s.log.Warn("write error response", "err", err, "request_id", requestID(c))
	}
}

// toPublicError turns any error into a *tenx.Error, logging the ones that
// are our fault; their cause never reaches the client.
func (s *Server) toPublicError(err error, c echo.Context) *tenx.Error {
	var te *tenx.Error
	if errors.As(err, &te) {
		return te
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(mbe.Limit)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if e := fromEchoError(he); e != nil {
			return e
		}
	}
	s.log.Error("internal error", "err", err, "request_id", requestID(c),
		"method", c.Request().Method, "route", c.Path())
	return tenx.Errorf(tenx.EINTERNAL, "internal error; quote the request id when reporting it")
}

// fromEchoError maps the errors Echo and the generated wrappers raise
// themselves (unknown route, bad parameter, bad body).
func fromEchoError(he *echo.HTTPError) *tenx.Error {
	switch he.Code {
	case http.StatusNotFound:
		return tenx.Errorf(tenx.ENOTFOUND, "no such route")
	case http.StatusMethodNotAllowed:
		return tenx.Errorf(tenx.ENOTFOUND, "no such route") // never 405: see errNoSuchRoute
	case http.StatusRequestEntityTooLarge:
		return tenx.Errorf(tenx.EPAYLOADTOOLARGE, "request body is too large")
	case http.StatusUnsupportedMediaType:
		return &tenx.Error{Code: tenx.EVALIDATION, Field: "Content-Type", Message: "Content-Type must be application/json"}
	case http.StatusBadRequest:
		if he.Internal != nil {
			return tenx.Errorf(tenx.EINVALIDPAYLOAD, "request body is not valid JSON for this operation")
		}
		return tenx.Errorf(tenx.EVALIDATION, "a request parameter is not valid")
	}
	return nil
}

func tooLarge(limit int64) *tenx.Error {
	return tenx.Errorf(tenx.EPAYLOADTOOLARGE, "request body is larger than %d bytes", limit)
}

// wwwAuthenticate builds the RFC 6750 challenge. A request with no
// credential gets no error attribute, as the RFC asks.
func wwwAuthenticate(e *tenx.Error) string {
	if e.Code == tenx.EMISSINGBEARER {
		return `Bearer realm="tenx"`
	}
	return fmt.Sprintf(`Bearer realm="tenx", error=%q, error_description=%q`, e.Code, e.Message)
}
