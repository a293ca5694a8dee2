package auth

import (
	"context"

	"tenx"
)

// Requirement is what one operation's spec declares about its security.
type Requirement struct {
	// Public operations take no credential.
	Public bool
	// JWT is true when a signed-in user's access token is accepted.
	JWT bool
	// PAT is true when a personal access token is accepted; PATScopes are
	// the scopes it then needs.
	PAT       bool
	PATScopes []string
	// MinRole, when set, is the least role a JWT user needs on the handle
	// named by the operation's `handle` path parameter.
	MinRole tenx.Role
	// PlatformAdmin operations need a platform administrator's JWT.
	PlatformAdmin bool
	// Write is true for operations that change something; a suspended
	// handle's members may only read.
	Write bool
}

// Authorize authenticates cred and checks it against req, returning the
// caller. handle is the operation's `handle` path parameter, or "". Errors
// carry the public codes (tenx.E*) the spec documents for each case.
func (a *Authenticator) Authorize(ctx context.Context, req *Requirement, cred Credential, present bool, handle string) (*tenx.Principal, error) {
	if req.Public {
		return nil, nil
	}
	if !present {
		return nil, tenx.Errorf(tenx.EMISSINGBEARER, "this operation needs a bearer token")
	}
	if cred.APIKey && !cred.PAT {
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN,
			"x-api-key carries personal access tokens (patv1_...) only; send a signed-in user's token as Authorization: Bearer")
	}
	if cred.PAT {
		if !req.PAT {
			return nil, &tenx.Error{Code: tenx.EINSUFFICIENTSCOPE,
				Message: "this operation needs a signed-in user's JWT; personal access tokens are not accepted"}
		}
		p, err := a.pats.Verify(ctx, cred.Token, handle, req.PATScopes)
		if err != nil {
			return nil, err
		}
		return p, a.checkPATStanding(ctx, p)
	}
	if !req.JWT {
		return nil, tenx.Errorf(tenx.EINVALIDTOKENFORMAT, "this operation needs a personal access token (patv1_...)")
	}
	p, err := a.AuthenticateJWT(ctx, cred.Token)
	if err != nil {
		return nil, err
	}
	if err := a.checkUserStanding(ctx, p.UserID); err != nil {
		return nil, err
	}
	return a.checkUser(ctx, req, p, handle)
}

func (a *Authenticator) checkUser(ctx context.Context, req *Requirement, p *tenx.Principal, handle string) (*tenx.Principal, error) {
	if req.PlatformAdmin && !p.IsAdmin {
		return nil, tenx.Errorf(tenx.EINSUFFICIENTROLE, "this operation needs a platform administrator")
	}
	if req.MinRole == "" {
		return p, nil
	}
	role, err := a.findRole(ctx, handle, p.UserID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		// Do not reveal that a handle the caller cannot reach exists.
		return nil, tenx.Errorf(tenx.ENOTFOUND, "handle %q not found", handle)
	}
	if err != nil {
		return nil, err
	}
	if !role.AtLeast(req.MinRole) {
		return nil, tenx.Errorf(tenx.EINSUFFICIENTROLE, "this operation needs role %s or above on %s; you have %s", req.MinRole, handle, role)
	}
	if req.Write {
		if err := a.checkHandleStanding(ctx, handle, "its members may only read"); err != nil {
			return nil, err
		}
	}
	scoped := *p
	scoped.Handle, scoped.Role = handle, role
	return &scoped, nil
}
