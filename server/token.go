package server

import (
	"context"
	"time"

	"tenx"
	"tenx/gen"
)

// CreateToken mints a PAT for the handle; the secret is in this answer only.
func (s *Server) CreateToken(ctx context.Context, req gen.CreateTokenRequestObject) (gen.CreateTokenResponseObject, error) {
	t, secret, err := s.PATs.Create(ctx, req.Handle, req.Body.Name, req.Body.Scopes, req.Body.ExpiresInDays)
	if err != nil {
		return nil, err
	}
	return gen.CreateToken201JSONResponse(toAPITokenCreated(t, secret)), nil
}

// ListTokens lists the handle's active tokens, without secrets.
func (s *Server) ListTokens(ctx context.Context, req gen.ListTokensRequestObject) (gen.ListTokensResponseObject, error) {
	f := tenx.TokenFilter{Handle: req.Handle}
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	list, next, err := s.PATs.List(ctx, f)
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
	t, err := s.PATs.Find(ctx, req.Handle, req.TokenId)
	if err != nil {
		return nil, err
	}
	return gen.GetToken200JSONResponse(toAPIToken(t)), nil
}

// RevokeToken revokes a token at once, here and (within a second) on every
// instance.
func (s *Server) RevokeToken(ctx context.Context, req gen.RevokeTokenRequestObject) (gen.RevokeTokenResponseObject, error) {
	if err := s.PATs.Revoke(ctx, req.Handle, req.TokenId); err != nil {
		return nil, err
	}
	return gen.RevokeToken204Response{}, nil
}

// RotateToken replaces a token by a new one with the same name and scopes;
// the old one works for the overlap, then stops.
func (s *Server) RotateToken(ctx context.Context, req gen.RotateTokenRequestObject) (gen.RotateTokenResponseObject, error) {
	overlap := time.Duration(0)
	if req.Body.OverlapSeconds != nil {
		overlap = time.Duration(*req.Body.OverlapSeconds) * time.Second
	}
	next, secret, err := s.PATs.Rotate(ctx, req.Handle, req.TokenId, overlap, req.Body.ExpiresInDays)
	if err != nil {
		return nil, err
	}
	return gen.RotateToken201JSONResponse(toAPITokenCreated(next, secret)), nil
}

// GetTokenSelf lets a PAT describe itself.
func (s *Server) GetTokenSelf(ctx context.Context, _ gen.GetTokenSelfRequestObject) (gen.GetTokenSelfResponseObject, error) {
	t, err := s.PATs.Self(ctx, tenx.PrincipalFromContext(ctx).TokenID)
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
