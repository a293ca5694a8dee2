package server

import (
	"context"
	"time"

	"tenx"
	"tenx/gen"
)

// GetHealth answers while the process runs.
func (s *Server) GetHealth(context.Context, gen.GetHealthRequestObject) (gen.GetHealthResponseObject, error) {
	return gen.GetHealth200JSONResponse{Status: "ok"}, nil
}

// GetReady answers 503 unavailable while the database cannot be reached.
func (s *Server) GetReady(ctx context.Context, _ gen.GetReadyRequestObject) (gen.GetReadyResponseObject, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.log.Warn("readiness: database unreachable", "err", err)
		return nil, tenx.Errorf(tenx.EUNAVAILABLE, "database unreachable")
	}
	return gen.GetReady200JSONResponse{Status: "ok"}, nil
}

// GetJWKS publishes the public keys that verify access tokens.
func (s *Server) GetJWKS(context.Context, gen.GetJWKSRequestObject) (gen.GetJWKSResponseObject, error) {
	keys := s.Keys.JWKS()
	out := gen.GetJWKS200JSONResponse{Keys: make([]gen.JWK, 0, len(keys))}
	for _, k := range keys {
		out.Keys = append(out.Keys, gen.JWK{Kty: k.Kty, Crv: k.Crv, X: k.X, Kid: k.Kid, Alg: k.Alg, Use: k.Use})
	}
	return out, nil
}
