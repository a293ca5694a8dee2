package tenx

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// MaxContextOrigins is how many context origins a handle may list.
const MaxContextOrigins = 50

// NormalizeOrigins checks that each entry is an exact browser origin
// (scheme http or https, a host, an optional port; nothing else) and
// returns them lower case, sorted, without duplicates.
func NormalizeOrigins(origins []string) ([]string, error) {
	if len(origins) > MaxContextOrigins {
		return nil, &Error{Code: EVALIDATION, Field: "origins", Message: fmt.Sprintf("at most %d origins", MaxContextOrigins)}
	}
	out := make([]string, 0, len(origins))
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.Contains(u.Host, "*") ||
			strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#") {
			return nil, &Error{Code: EVALIDATION, Field: "origins",
				Message: fmt.Sprintf("%q is not an exact origin: want scheme://host[:port], such as https://shop.example.com", o)}
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// OriginService stores the context origins of handles.
type OriginService interface {
	// FindContextOrigins returns the handle's origins, sorted.
	FindContextOrigins(ctx context.Context, handle string) ([]string, error)
	// ReplaceContextOrigins replaces them (already normalised).
	ReplaceContextOrigins(ctx context.Context, handle string, origins []string) error
	// OriginAllowed reports whether some handle lists origin, through a
	// cache that every change invalidates.
	OriginAllowed(ctx context.Context, origin string) (bool, error)
	// HandleListsOrigin reports whether handle lists origin, through the
	// same cache.
	HandleListsOrigin(ctx context.Context, handle, origin string) (bool, error)
}
