package auth

import (
	"context"
	"time"

	"tenx"
)

// AuthenticatePAT verifies a personal access token for an operation on
// handle that needs the required scopes, and records its use.
func (a *Authenticator) AuthenticatePAT(ctx context.Context, token, handle string, required []string) (*tenx.Principal, error) {
	id, err := ParsePAT(token) // no I/O for malformed tokens
	if err != nil {
		return nil, err
	}
	now := a.now()
	t, err := a.findPAT(ctx, id, now)
	if err != nil {
		return nil, err
	}
	if !hashEqual(t.SecretHash, HashToken(token)) {
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN, "personal access token is not valid")
	}
	switch t.Usable(now) {
	case tenx.ETOKENREVOKED:
		return nil, tenx.Errorf(tenx.ETOKENREVOKED, "personal access token was revoked")
	case tenx.ETOKENEXPIRED:
		return nil, tenx.Errorf(tenx.ETOKENEXPIRED, "personal access token expired")
	}
	if t.Handle != handle {
		return nil, &tenx.Error{Code: tenx.EINSUFFICIENTSCOPE, RequiredScopes: required,
			Message: "this token belongs to another handle"}
	}
	for _, s := range required {
		if !Grants(t.Scopes, s) {
			return nil, &tenx.Error{Code: tenx.EINSUFFICIENTSCOPE, RequiredScopes: required,
				Message: "this token lacks the scope " + s}
		}
	}
	a.touch(ctx, t, now)
	return &tenx.Principal{Kind: tenx.CredentialPAT, UserID: t.CreatedBy, Handle: t.Handle,
		TokenID: t.ID, Scopes: t.Scopes}, nil
}

func (a *Authenticator) findPAT(ctx context.Context, id string, now time.Time) (*tenx.Token, error) {
	if t, ok := a.patCache.get(id, now); ok {
		return &t, nil
	}
	epoch := a.forgets.Load()
	t, err := a.pats.FindTokenByID(ctx, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN, "personal access token is not valid")
	}
	if err != nil {
		return nil, err
	}
	if a.forgets.Load() == epoch {
		a.patCache.put(id, *t, now.Add(a.patTTL), now)
	}
	return t, nil
}

// touch records the token's use at most once per TouchEvery. A failed
// write is not the caller's problem: the next window tries again.
func (a *Authenticator) touch(ctx context.Context, t *tenx.Token, now time.Time) {
	if _, ok := a.touched.get(t.ID, now); ok {
		return
	}
	a.touched.put(t.ID, struct{}{}, now.Add(a.touchEvery), now)
	_ = a.pats.TouchToken(ctx, t.ID, now, tenx.ClientIPFromContext(ctx))
}

// ForgetToken evicts a token so its revocation takes effect here at once.
func (a *Authenticator) ForgetToken(id string) {
	a.forgets.Add(1)
	a.patCache.delete(id)
}

// ForgetHandle evicts every cached token of a deleted handle.
func (a *Authenticator) ForgetHandle(handle string) {
	a.forgets.Add(1)
	a.patCache.deleteWhere(func(t tenx.Token) bool { return t.Handle == handle })
}
