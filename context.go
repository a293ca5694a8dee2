package tenx

import "context"

// CredentialKind says how a request authenticated.
type CredentialKind string

// The kinds of credential.
const (
	CredentialJWT CredentialKind = "jwt"
	CredentialPAT CredentialKind = "pat"
)

// Principal is the authenticated caller of one request.
type Principal struct {
	Kind      CredentialKind
	UserID    string
	SessionID string
	IsAdmin   bool
	// Handle and Role are set when the operation is scoped to a handle.
	Handle string
	Role   Role
	// TokenID and Scopes describe the PAT of a PAT-authenticated caller.
	TokenID string
	Scopes  []string
}

type principalKey struct{}

// NewContextWithPrincipal returns ctx carrying p.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the caller, or nil on a public operation.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

type clientIPKey struct{}

// NewContextWithClientIP returns ctx carrying the caller's source address.
func NewContextWithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIPFromContext returns the caller's source address, or "".
func ClientIPFromContext(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}
