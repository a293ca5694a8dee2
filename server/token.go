package server

import (
	"context"
	"time"

	"tenx"
	"tenx/auth"
	"tenx/gen"
)

// CreateToken mints a PAT for the handle; the secret is in this answer only.
func (s *Server) CreateToken(ctx context.Context, req gen.CreateTokenRequestObject) (gen.CreateTokenResponseObject, error) {
	scopes, err := auth.ValidateScopes(req.Body.Scopes)
	if err != nil {
		return nil, err
	}
	p := tenx.PrincipalFromContext(ctx)
	t, secret, err := s.mintToken(ctx, p, req.Handle, req.Body.Name, scopes, req.Body.ExpiresInDays)
	if err != nil {
		return nil, err
	}
	if err := s.Tokens.CreateToken(ctx, t); err != nil {
		return nil, err
	}
	return gen.CreateToken201JSONResponse(toAPITokenCreated(t, secret)), nil
}

// mintToken builds a new token of the handle created by p.
func (s *Server) mintToken(ctx context.Context, p *tenx.Principal, handle, name string, scopes []string, days *int) (*tenx.Token, string, error) {
	if name == "" || len([]rune(name)) > tenx.MaxTokenNameLength {
		return nil, "", &tenx.Error{Code: tenx.EVALIDATION, Field: "name", Message: "name must be 1 to 64 characters"}
	}
	id, secret, hash := auth.NewPAT()
	t := &tenx.Token{ID: id, Handle: handle, Name: name, Scopes: scopes, SecretHash: hash, CreatedBy: p.UserID}
	if days != nil {
		exp := s.Sessions.Now().Add(time.Duration(*days) * 24 * time.Hour)
		t.ExpiresAt = &exp
	}
	return t, secret, nil
}

// ListTokens lists the handle's active tokens, without secrets.
func (s *Server) ListTokens(ctx context.Context, req gen.ListTokensRequestObject) (gen.ListTokensResponseObject, error) {
	f := tenx.TokenFilter{Handle: req.Handle}
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	list, next, err := s.Tokens.FindTokens(ctx, f)
	if err != nil {
		return nil, err
	}
	out := gen.ListTokens200JSONResponse{Tokens: make([]gen.Token, 0, len(list)), NextToken: optional(next)}
	for _, t := range list {
		out.Tokens = append(out.Tokens, toAPIToken(t))
	}
	return out, nil
}

// GetToken returns one active token of the handle.
func (s *Server) GetToken(ctx context.Context, req gen.GetTokenRequestObject) (gen.GetTokenResponseObject, error) {
	t, err := s.activeToken(ctx, req.Handle, req.TokenId)
	if err != nil {
		return nil, err
	}
	return gen.GetToken200JSONResponse(toAPIToken(t)), nil
}

// activeToken finds a token of the handle that still works; anything else
// is not_found, as for an id that never existed.
func (s *Server) activeToken(ctx context.Context, handle, id string) (*tenx.Token, error) {
	t, err := s.Tokens.FindTokenByID(ctx, id)
	if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return nil, err
	}
	if t == nil || t.Handle != handle || t.Usable(s.Sessions.Now()) != "" {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "token %q not found", id)
	}
	return t, nil
}

// RevokeToken revokes a token at once, here and (within a second) on every
// instance.
func (s *Server) RevokeToken(ctx context.Context, req gen.RevokeTokenRequestObject) (gen.RevokeTokenResponseObject, error) {
	if err := s.Tokens.RevokeToken(ctx, req.Handle, req.TokenId); err != nil {
		if tenx.ErrorCode(err) == tenx.ENOTFOUND {
			return nil, tenx.Errorf(tenx.ENOTFOUND, "token %q not found", req.TokenId)
		}
		return nil, err
	}
	s.Auth.ForgetToken(req.TokenId)
	return gen.RevokeToken204Response{}, nil
}

// RotateToken replaces a token by a new one with the same name and scopes;
// the old one works for the overlap, then stops.
func (s *Server) RotateToken(ctx context.Context, req gen.RotateTokenRequestObject) (gen.RotateTokenResponseObject, error) {
	old, err := s.activeToken(ctx, req.Handle, req.TokenId)
	if err != nil {
		return nil, err
	}
	overlap := time.Duration(0)
	if req.Body.OverlapSeconds != nil {
		overlap = time.Duration(*req.Body.OverlapSeconds) * time.Second
	}
	next, secret, err := s.mintToken(ctx, tenx.PrincipalFromContext(ctx), req.Handle, old.Name, old.Scopes, req.Body.ExpiresInDays)
	if err != nil {
		return nil, err
	}
	if err := s.Tokens.RotateToken(ctx, req.Handle, old.ID, next, s.Sessions.Now().Add(overlap)); err != nil {
		return nil, err
	}
	s.Auth.ForgetToken(old.ID)
	return gen.RotateToken201JSONResponse(toAPITokenCreated(next, secret)), nil
}

// GetTokenSelf lets a PAT describe itself.
func (s *Server) GetTokenSelf(ctx context.Context, req gen.GetTokenSelfRequestObject) (gen.GetTokenSelfResponseObject, error) {
	p := tenx.PrincipalFromContext(ctx)
	t, err := s.Tokens.FindTokenByID(ctx, p.TokenID)
	if err != nil {
		return nil, err
	}
	return gen.GetTokenSelf200JSONResponse{Body: gen.TokenSelf{TokenId: t.ID, Name: t.Name, Handle: t.Handle,
		Scopes: t.Scopes, ExpiresAt: t.ExpiresAt}}, nil
}

func toAPIToken(t *tenx.Token) gen.Token {
	out := gen.Token{TokenId: t.ID, Name: t.Name, Scopes: t.Scopes, CreatedAt: t.CreatedAt.UTC(),
		CreatedBy: t.CreatedBy, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt}
	if t.LastUsedIP != "" {
		out.LastUsedIp = &t.LastUsedIP
	}
	return out
}

func toAPITokenCreated(t *tenx.Token, secret string) gen.TokenCreated {
	return gen.TokenCreated{TokenId: t.ID, Name: t.Name, Scopes: t.Scopes, CreatedAt: t.CreatedAt.UTC(),
		ExpiresAt: t.ExpiresAt, Token: secret}
}
