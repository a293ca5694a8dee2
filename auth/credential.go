package auth

import (
	"net/http"
	"strings"
)

// PATPrefix starts every personal access token.
const PATPrefix = "patv1_"

// Credential is the bearer credential a request presented.
type Credential struct {
	Token string
	// PAT is true for a personal access token, false for a JWT.
	PAT bool
	// APIKey is true when the token came in x-api-key, the header of the
	// PAT scheme: a JWT there is refused rather than accepted.
	APIKey bool
}

// ExtractCredential reads the caller's credential from the headers. A
// non-empty x-api-key wins over Authorization, with no fallback to the other
// header when it is bad. ok is false when the request carries no bearer
// credential at all.
func ExtractCredential(h http.Header) (c Credential, ok bool) {
	if key := strings.TrimSpace(h.Get("X-Api-Key")); key != "" {
		return Credential{Token: key, PAT: strings.HasPrefix(key, PATPrefix), APIKey: true}, true
	}
	authz := h.Get("Authorization")
	scheme, token, found := strings.Cut(authz, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return Credential{}, false
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return Credential{}, false
	}
	return Credential{Token: token, PAT: strings.HasPrefix(token, PATPrefix)}, true
}
