package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/auth"
)

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// withRequestID accepts a sane incoming X-Request-Id or makes one, and
// echoes it in the response.
func withRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !saneRequestID.MatchString(id) {
			id = newRequestID()
		}
		// The response header is where the id lives for the rest of the
		// request: no per-request map in the Echo context.
		c.Response().Header()[echo.HeaderXRequestID] = []string{id}
		return next(c)
	}
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func requestID(c echo.Context) string {
	if v := c.Response().Header()[echo.HeaderXRequestID]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// accessLog logs one line per request; errors are rendered first so the
// logged status is the one sent.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		s.observeRequest(c, start)
		if !s.log.Enabled(c.Request().Context(), slog.LevelInfo) {
			return nil
		}
		principal := ""
		if p := tenx.PrincipalFromContext(c.Request().Context()); p != nil {
			principal = p.UserID
		}
		s.log.Info("request", "request_id", requestID(c), "method", c.Request().Method,
			"route", c.Path(), "status", c.Response().Status,
			"latency_ms", float64(time.Since(start).Microseconds())/1000, "principal", principal)
		return nil
	}
}

// recoverPanic turns a panic into internal_error, logging the stack.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic", "panic", fmt.Sprint(r), "request_id", requestID(c), "stack", string(debug.Stack()))
				err = errors.New("panic recovered")
			}
		}()
		return next(c)
	}
}

// withDeadline gives the request's context the database deadline, in this
// one place: the store bounds every socket read and write by it, so a hung
// database costs a request at most DBTimeout and answers 503 unavailable.
func (s *Server) withDeadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.DBTimeout)
		defer cancel()
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}
}

// enforceContract refuses parameters the database cannot store, applies
// the matched operation's declared security, then checks the body size and
// JSON, then validates the request against the spec. Pages are served as
// they are; anything else outside the spec is 404 no such route
// (matchOperation).
func (s *Server) enforceContract(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isPageRequest(c) {
			return servePage(c, next)
		}
		op, err := s.matchOperation(c)
		if err != nil {
			return err
		}
		if op.validate {
			if err := checkText(c); err != nil {
				return err
			}
		}
		p, err := s.authorize(c, op)
		s.observeAuth(op, err)
		if err != nil {
			return err
		}
		if !paidFor(c.Request().Context(), p) {
			err = s.rateLimit(c, p)
			s.observeRateLimit(p, err)
			if err != nil {
				return err
			}
		}
		if err := s.checkQuota(c, op, p); err != nil {
			return err
		}
		if op.hasBody {
			if err := s.readBody(c); err != nil {
				return err
			}
		}
		if op.stream {
			extendReadDeadline(c)
		}
		if op.validate {
			if err := s.validate(c, op); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// authorize authenticates the caller against the operation's requirement
// and gives handlers the caller and their address, in one new context. A
// credential that fails spends its address's budget of failures; an
// address over it is refused before its credential is looked at.
func (s *Server) authorize(c echo.Context, op *operation) (*tenx.Principal, error) {
	r := c.Request()
	ip := c.RealIP()
	ctx := tenx.NewContextWithClientIP(r.Context(), ip)
	cred, present := auth.ExtractCredential(r.Header)
	checked := present && !op.requirement.Public
	if checked {
		if err := s.authFails.check(c.Response().Header(), ip); err != nil {
			return nil, err
		}
	}
	p, err := s.Auth.Authorize(ctx, &op.requirement, cred, present, c.Param("handle"))
	if err != nil {
		if checked && isAuthFailure(err) {
			return nil, s.authFails.fail(ctx, c.Response().Header(), ip, err)
		}
		return nil, err
	}
	if p != nil {
		ctx = tenx.NewContextWithPrincipal(ctx, p)
	}
	c.SetRequest(r.WithContext(ctx))
	return p, nil
}

// readBody reads the whole body under the size limit (also for chunked
// bodies), rejects non-JSON, and puts the bytes back for the validator.
func (s *Server) readBody(c echo.Context) error {
	r := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(mbe.Limit)
		}
		return tenx.Errorf(tenx.EINVALIDPAYLOAD, "request body could not be read")
	}
	if !json.Valid(body) {
		return tenx.Errorf(tenx.EINVALIDPAYLOAD, "request body is not valid JSON")
	}
	if hasEscapedNUL(body) {
		return tenx.Errorf(tenx.EVALIDATION, "request body: a string contains U+0000")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if r2 := withRawBody(r, body); r2 != r {
		c.SetRequest(r2)
	}
	normalizeMediaType(r.Header)
	return nil
}

// normalizeMediaType lower-cases the Content-Type's media type and
// parameter names (RFC 9110 compares them without regard to case), so
// "APPLICATION/JSON" binds like "application/json".
func normalizeMediaType(h http.Header) {
	ct := h.Get("Content-Type")
	if ct == "" || strings.HasPrefix(ct, "application/json") {
		return // the common case costs nothing
	}
	if mt, params, err := mime.ParseMediaType(ct); err == nil {
		h.Set("Content-Type", mime.FormatMediaType(mt, params))
	}
}

func (s *Server) validate(c echo.Context, op *operation) error {
	params := make(map[string]string, len(c.ParamNames()))
	for i, name := range c.ParamNames() {
		params[name] = c.ParamValues()[i]
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    c.Request(),
		PathParams: params,
		Route:      op.route,
		Options:    &s.validatorOptions,
	}
	if op.stream {
		in.Options = &s.streamOptions
	}
	if err := openapi3filter.ValidateRequest(c.Request().Context(), in); err != nil {
		return validationError(err)
	}
	return nil
}

var quotedProperty = regexp.MustCompile(`^property "([^"]+)" is unsupported$`)

// validationError maps a kin-openapi error to validation_error naming the
// field. Its raw text (which quotes schemas and values) is never sent.
func validationError(err error) *tenx.Error {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return tenx.Errorf(tenx.EVALIDATION, "request is not valid")
	}
	if re.Parameter != nil {
		return &tenx.Error{Code: tenx.EVALIDATION, Field: re.Parameter.Name,
			Message: fmt.Sprintf("parameter %q is not valid", re.Parameter.Name)}
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		if re.RequestBody != nil && re.Reason != "" {
			return &tenx.Error{Code: tenx.EVALIDATION, Message: "request body: " + re.Reason}
		}
		return tenx.Errorf(tenx.EVALIDATION, "request is not valid")
	}
	field := jsonPath(se.JSONPointer())
	// An unknown property is reported against its parent object; name the
	// property itself (kin-openapi has no structured field for it).
	if m := quotedProperty.FindStringSubmatch(se.Reason); m != nil && se.SchemaField == "properties" {
		field = joinField(field, m[1])
	}
	return &tenx.Error{Code: tenx.EVALIDATION, Field: field, Message: fieldMessage(field, se.Reason)}
}

func jsonPath(ptr []string) string {
	out := ""
	for _, p := range ptr {
		out = joinField(out, p)
	}
	return out
}

func joinField(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func fieldMessage(field, reason string) string {
	if field == "" {
		return "request body: " + reason
	}
	return field + ": " + reason
}
