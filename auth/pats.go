package auth

import (
	"context"
	"time"

	"tenx"
	"tenx/cache"
	"tenx/invalidate"
)

// PATs runs the lifecycle of personal access tokens: it mints, lists,
// verifies, rotates and revokes them, and keeps its cache of looked-up
// tokens in step, so that a revocation made here takes effect at once and
// one made on another instance as soon as the Bus delivers it (within the
// cache's short lifetime while it cannot). Whether a token may be used is
// decided by tenx.Token.Usable alone.
type PATs struct {
	store tenx.TokenService
	now   tenx.Clock
	bus   *invalidate.Bus

	cache    *cache.Map[string, tenx.Token]
	cacheTTL time.Duration
	// unknown remembers ids that are no token for unknownTTL, so a flood
	// of forged tokens with valid checksums costs one read per id, not one
	// per request. Creating a token forgets its id here at once (and on
	// other instances through the Bus).
	unknown *cache.Map[string, struct{}]
	// touched remembers which tokens had their last use recorded in the
	// last touchEvery, so lastUsedAt costs one write a minute, not one a request.
	touched    *cache.Map[string, struct{}]
	touchEvery time.Duration
}

// unknownTTL bounds how long an unknown token id is remembered, whatever
// the Bus: a token created on another instance works here within it.
const unknownTTL = time.Second

func newPATs(store tenx.TokenService, now tenx.Clock, cacheTTL time.Duration, maxCached int, touchEvery time.Duration,
	bus *invalidate.Bus) *PATs {
	p := &PATs{store: store, now: now, bus: bus, cacheTTL: cacheTTL, touchEvery: touchEvery,
		cache: cache.New[string, tenx.Token](maxCached), unknown: cache.New[string, struct{}](maxCached),
		touched: cache.New[string, struct{}](maxCached)}
	bus.Subscribe(p.invalidate)
	return p
}

// Create mints a token of the handle for the caller in ctx and stores it;
// the secret is returned here only. Scopes are checked and normalised;
// expiresInDays nil means no expiry.
func (p *PATs) Create(ctx context.Context, handle, name string, scopes []string, expiresInDays *int) (*tenx.Token, string, error) {
	scopes, err := ValidateScopes(scopes)
	if err != nil {
		return nil, "", err
	}
	t, secret, err := p.mint(ctx, handle, name, scopes, expiresInDays)
	if err != nil {
		return nil, "", err
	}
	if err := p.store.CreateToken(ctx, t); err != nil {
		return nil, "", err
	}
	p.Forget(t.ID) // an earlier guess of this id was cached as unknown
	return t, secret, nil
}

// mint builds a new token of the handle created by the caller in ctx.
func (p *PATs) mint(ctx context.Context, handle, name string, scopes []string, days *int) (*tenx.Token, string, error) {
	if name == "" || len([]rune(name)) > tenx.MaxTokenNameLength {
		return nil, "", &tenx.Error{Code: tenx.EVALIDATION, Field: "name", Message: "name must be 1 to 64 characters"}
	}
	id, secret, hash := NewPAT()
	t := &tenx.Token{ID: id, Handle: handle, Name: name, Scopes: scopes, SecretHash: hash}
	if caller := tenx.PrincipalFromContext(ctx); caller != nil {
		t.CreatedBy = caller.UserID
	}
	if days != nil {
		exp := p.now().Add(time.Duration(*days) * 24 * time.Hour)
		t.ExpiresAt = &exp
	}
	return t, secret, nil
}

// List lists the handle's usable tokens, newest first, one page at a time.
func (p *PATs) List(ctx context.Context, f tenx.TokenFilter) ([]*tenx.Token, string, error) {
	return p.store.FindTokens(ctx, f)
}

// Find returns a usable token of the handle; anything else is ENOTFOUND,
// as for an id that never existed.
func (p *PATs) Find(ctx context.Context, handle, id string) (*tenx.Token, error) {
	t, err := p.store.FindTokenByID(ctx, id)
	if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return nil, err
	}
	if t == nil || t.Handle != handle || t.Usable(p.now()) != "" {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "token %q not found", id)
	}
	return t, nil
}

// Self returns the token a PAT caller authenticated with.
func (p *PATs) Self(ctx context.Context, id string) (*tenx.Token, error) {
	return p.store.FindTokenByID(ctx, id)
}

// Rotate replaces a usable token of the handle by a new one with the same
// name and scopes, created by the caller in ctx; the old one keeps working
// for overlap, then stops. A token has one successor: rotating one already
// rotated is ECONFLICT, decided by the store inside the rotation's
// transaction, so that racing rotations mint one token. The new secret is
// returned here only.
func (p *PATs) Rotate(ctx context.Context, handle, id string, overlap time.Duration, expiresInDays *int) (*tenx.Token, string, error) {
	old, err := p.store.FindTokenByID(ctx, id)
	if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return nil, "", err
	}
	if old == nil || old.Handle != handle {
		return nil, "", tenx.Errorf(tenx.ENOTFOUND, "token %q not found", id)
	}
	next, secret, err := p.mint(ctx, handle, old.Name, old.Scopes, expiresInDays)
	if err != nil {
		return nil, "", err
	}
	if err := p.store.RotateToken(ctx, handle, old.ID, next, p.now().Add(overlap)); err != nil {
		return nil, "", err
	}
	p.Forget(old.ID, next.ID)
	return next, secret, nil
}

// Revoke revokes a usable token of the handle at once, here and (within
// the cache's lifetime) on every instance; anything else is ENOTFOUND.
func (p *PATs) Revoke(ctx context.Context, handle, id string) error {
	if err := p.store.RevokeToken(ctx, handle, id); err != nil {
		if tenx.ErrorCode(err) == tenx.ENOTFOUND {
			return tenx.Errorf(tenx.ENOTFOUND, "token %q not found", id)
		}
		return err
	}
	p.Forget(id)
	return nil
}

// Verify checks a personal access token for an operation on handle that
// needs the required scopes, records its use, and returns the caller.
func (p *PATs) Verify(ctx context.Context, token, handle string, required []string) (*tenx.Principal, error) {
	id, err := ParsePAT(token) // no I/O for malformed tokens
	if err != nil {
		return nil, err
	}
	now := p.now()
	t, err := p.lookup(ctx, id, now)
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
	p.touch(ctx, t, now)
	return &tenx.Principal{Kind: tenx.CredentialPAT, UserID: t.CreatedBy, Handle: t.Handle,
		TokenID: t.ID, Scopes: t.Scopes}, nil
}

// lookup reads a token through the cache.
func (p *PATs) lookup(ctx context.Context, id string, now time.Time) (*tenx.Token, error) {
	if t, ok := p.cache.Get(id, now); ok {
		return &t, nil
	}
	if _, ok := p.unknown.Get(id, now); ok {
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN, "personal access token is not valid")
	}
	epoch, unknownEpoch := p.cache.Epoch(), p.unknown.Epoch()
	t, err := p.store.FindTokenByID(ctx, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		p.unknown.Put(id, struct{}{}, now.Add(min(unknownTTL, p.cacheTTL)), now, unknownEpoch)
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN, "personal access token is not valid")
	}
	if err != nil {
		return nil, err
	}
	p.cache.Put(id, *t, now.Add(p.bus.TTL(p.cacheTTL)), now, epoch)
	return t, nil
}

// touch records the token's use at most once per touchEvery. A failed
// write is not the caller's problem: the next window tries again.
func (p *PATs) touch(ctx context.Context, t *tenx.Token, now time.Time) {
	if _, ok := p.touched.Get(t.ID, now); ok {
		return
	}
	p.touched.Put(t.ID, struct{}{}, now.Add(p.touchEvery), now, p.touched.Epoch())
	_ = p.store.TouchToken(ctx, t.ID, now, tenx.ClientIPFromContext(ctx))
}

// Forget evicts tokens revoked behind the service's back (by
// ReplaceCollaborators, say) so the revocation takes effect here at once.
func (p *PATs) Forget(ids ...string) {
	p.cache.Delete(ids...)
	p.unknown.Delete(ids...)
}

// ForgetHandle evicts every cached token of a deleted handle.
func (p *PATs) ForgetHandle(handle string) {
	p.cache.DeleteWhere(func(_ string, t tenx.Token) bool { return t.Handle == handle })
}
