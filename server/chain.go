package server

import (
	"context"
	"time"

	"tenx"
	"tenx/gen"
)

// Chain signals arrive on three routes (JWT, PAT, and public with the
// handle in the body) and share one implementation; the store enforces
// the limits.

// SubmitChainSignals stores a batch (JWT).
func (s *Server) SubmitChainSignals(ctx context.Context, req gen.SubmitChainSignalsRequestObject) (gen.SubmitChainSignalsResponseObject, error) {
	out, err := s.submitChainSignals(ctx, req.Handle, req.Body.SessionId, req.Body.Signals)
	if err != nil {
		return nil, err
	}
	return gen.SubmitChainSignals202JSONResponse(out), nil
}

// SubmitChainSignalsPublic stores a batch (PAT, chain.signal.write).
func (s *Server) SubmitChainSignalsPublic(ctx context.Context, req gen.SubmitChainSignalsPublicRequestObject) (gen.SubmitChainSignalsPublicResponseObject, error) {
	out, err := s.submitChainSignals(ctx, req.Handle, req.Body.SessionId, req.Body.Signals)
	if err != nil {
		return nil, err
	}
	return gen.SubmitChainSignalsPublic202JSONResponse{Body: out}, nil
}

// SubmitChainSignalsAnonymous stores a batch from a browser (no credential)
// on one of the handle's context origins, or from a server (no Origin).
func (s *Server) SubmitChainSignalsAnonymous(ctx context.Context, req gen.SubmitChainSignalsAnonymousRequestObject) (gen.SubmitChainSignalsAnonymousResponseObject, error) {
	if err := s.checkServable(ctx, req.Body.Handle); err != nil {
		return nil, err
	}
	if err := s.checkRuntimeOrigin(ctx, req.Body.Handle); err != nil {
		return nil, err
	}
	out, err := s.submitChainSignals(ctx, req.Body.Handle, req.Body.SessionId, req.Body.Signals)
	if err != nil {
		return nil, err
	}
	return gen.SubmitChainSignalsAnonymous202JSONResponse(out), nil
}

func (s *Server) submitChainSignals(ctx context.Context, handle, session string, in []gen.ChainSignal) (gen.ChainAccepted, error) {
	b := &tenx.ChainBatch{Handle: handle, SessionID: session, IP: tenx.ClientIPFromContext(ctx),
		Signals: make([]tenx.ChainSignal, len(in))}
	for i, sig := range in {
		b.Signals[i] = tenx.ChainSignal{Type: sig.Type, Value: deref(sig.Value)}
	}
	total, err := s.Chain.AddChainSignals(ctx, b)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return gen.ChainAccepted{}, tenx.Errorf(tenx.ENOTFOUND, "handle %q not found", handle)
	}
	if err != nil {
		return gen.ChainAccepted{}, err
	}
	return gen.ChainAccepted{SessionId: session, Accepted: len(in), SessionTotal: total}, nil
}

// GetChainSession reads a session's signals (JWT).
func (s *Server) GetChainSession(ctx context.Context, req gen.GetChainSessionRequestObject) (gen.GetChainSessionResponseObject, error) {
	list, err := s.Chain.FindChainSession(ctx, req.Handle, req.SessionId)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "no chain session %q", req.SessionId)
	}
	out := gen.GetChainSession200JSONResponse{SessionId: req.SessionId}
	out.Signals = make([]struct {
		ReceivedAt time.Time `json:"receivedAt"`
		Type       string    `json:"type"`
		Value      string    `json:"value"`
	}, len(list))
	for i, sig := range list {
		out.Signals[i].Type, out.Signals[i].Value, out.Signals[i].ReceivedAt = sig.Type, sig.Value, sig.ReceivedAt.UTC()
	}
	return out, nil
}
