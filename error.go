package tenx

import (
	"errors"
	"fmt"
)

// Public error codes. They are the product's contract, listed with their
// statuses in the README and by the error responses of the spec
// (openapi/openapi.yaml): clients switch on them, so a code is never renamed.
const (
	EMISSINGBEARER      = "missing_bearer_token"
	EINVALIDTOKEN       = "invalid_token"
	EINVALIDTOKENFORMAT = "invalid_token_format"
	ETOKENEXPIRED       = "token_expired"
	ETOKENREVOKED       = "token_revoked"
	EINSUFFICIENTSCOPE  = "insufficient_scope"
	EINSUFFICIENTROLE   = "insufficient_role"
	EVALIDATION         = "validation_error"
	EINVALIDPAYLOAD     = "invalid_payload"
	ENOTFOUND           = "not_found"
	EGONE               = "gone"
	ECONFLICT           = "conflict"
	EPAYLOADTOOLARGE    = "payload_too_large"
	ERATELIMITED        = "rate_limited"
	EINTERNAL           = "internal_error"
	EUNAVAILABLE        = "unavailable"
	EMETHODNOTALLOWED   = "method_not_allowed"
	// EFORBIDDEN refuses a browser request from an origin the target
	// handle does not list (the public runtime routes).
	EFORBIDDEN = "forbidden"

	EINVALIDCREDENTIALS   = "invalid_credentials"
	EREFRESHMISSING       = "refresh_token_missing"
	EINVALIDREFRESH       = "invalid_refresh_token"
	EINVALIDCOLLABORATORS = "invalid_collaborators"
	ENEWOWNERREQUIRED     = "new_owner_required"
	ESIGNUPCLOSED         = "signup_closed"
	EACCOUNTDISABLED      = "account_disabled"
	EHANDLESUSPENDED      = "handle_suspended"
	EFEATURELOCKED        = "feature_locked"

	EPRECONDITIONFAILED    = "precondition_failed"
	EPRECONDITIONREQUIRED  = "precondition_required"
	EUNSUPPORTEDACCESSMODE = "unsupported_access_mode"
	EINVALIDCTX            = "invalid_ctx"
)

// Error is the one error type that carries a public code. Anything else that
// reaches the HTTP layer is reported as internal_error.
type Error struct {
	Code    string
	Message string
	// Field names the offending request field of a validation error.
	Field string
	// RequiredScopes lists the scopes that would have passed, on
	// EINSUFFICIENTSCOPE.
	RequiredScopes []string
	// RetryAfterSeconds tells a rate-limited client when to come back.
	RetryAfterSeconds int
	// Feature and RequiredPlan explain EFEATURELOCKED.
	Feature, RequiredPlan string
	// Plan and Quota explain a daily write quota's ERATELIMITED.
	Plan  string
	Quota *QuotaError
}

// QuotaError is the limit and the usage of a spent daily write quota.
type QuotaError struct {
	WritesPerDay int
	Usage        QuotaUsage
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("tenx error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the public code of err, or EINTERNAL when err carries none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the public message of err; internal errors get a
// generic message so that nothing internal leaks to clients.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
