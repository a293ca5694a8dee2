package tenx

import (
	"context"
	"net/url"
	"regexp"
	"time"
)

// MaxFunctionBindings is how many function bindings a handle may hold.
const MaxFunctionBindings = 100

var bindingKeyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{2,63}$`)

// FunctionBinding is a named call a handle offers to automation: its
// target, and the PAT scope its invocation needs (a concrete scope of the
// catalogue, checked by the server, which knows the catalogue).
type FunctionBinding struct {
	Handle        string
	Key           string
	Description   string
	TargetURL     string
	RequiredScope string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Validate checks the key, description and target.
func (b *FunctionBinding) Validate() error {
	if !bindingKeyPattern.MatchString(b.Key) {
		return &Error{Code: EVALIDATION, Field: "key", Message: "key must match ^[a-z0-9][a-z0-9_-]{2,63}$"}
	}
	if len([]rune(b.Description)) > 500 {
		return &Error{Code: EVALIDATION, Field: "description", Message: "description must be at most 500 characters"}
	}
	if u, err := url.Parse(b.TargetURL); err != nil || u.Scheme != "https" || u.Host == "" || len(b.TargetURL) > MaxDestinationURL {
		return &Error{Code: EVALIDATION, Field: "targetUrl", Message: "targetUrl must be an absolute https URL"}
	}
	return nil
}

// FunctionBindingFilter selects a page of a handle's bindings.
type FunctionBindingFilter struct {
	Handle    string
	Limit     int
	NextToken string
}

// FunctionBindingService stores function bindings.
type FunctionBindingService interface {
	// FindFunctionBindings lists bindings by key.
	FindFunctionBindings(ctx context.Context, f FunctionBindingFilter) ([]*FunctionBinding, string, error)
	// CreateFunctionBinding returns ECONFLICT for a taken key or past
	// MaxFunctionBindings.
	CreateFunctionBinding(ctx context.Context, b *FunctionBinding) error
	// UpdateFunctionBinding returns ENOTFOUND for an unknown key.
	UpdateFunctionBinding(ctx context.Context, b *FunctionBinding) error
	// DeleteFunctionBinding returns ENOTFOUND for an unknown key.
	DeleteFunctionBinding(ctx context.Context, handle, key string) error
}
