package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// ListAuditEvents pages through the handle's audit trail.
func (s *Server) ListAuditEvents(ctx context.Context, req gen.ListAuditEventsRequestObject) (gen.ListAuditEventsResponseObject, error) {
	f := tenx.AuditFilter{Handle: req.Handle}
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	list, next, err := s.Audit.FindAuditEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	out := gen.ListAuditEvents200JSONResponse{Events: make([]gen.AuditEvent, 0, len(list)), NextToken: optional(next)}
	for _, e := range list {
		out.Events = append(out.Events, toAPIAuditEvent(e))
	}
	return out, nil
}

func toAPIAuditEvent(e *tenx.AuditEvent) gen.AuditEvent {
	return gen.AuditEvent{Id: e.ID, Action: e.Action, CreatedAt: e.CreatedAt.UTC(), ActorUserId: optional(e.ActorUserID),
		ActorTokenId: optional(e.ActorTokenID), TargetId: optional(e.TargetID), Ip: optional(e.IP)}
}

// ListAuditEventsPublic pages through the handle's audit trail (PAT,
// audit.read).
func (s *Server) ListAuditEventsPublic(ctx context.Context, req gen.ListAuditEventsPublicRequestObject) (gen.ListAuditEventsPublicResponseObject, error) {
	out, err := s.ListAuditEvents(ctx, gen.ListAuditEventsRequestObject{Handle: req.Handle,
		Params: gen.ListAuditEventsParams(req.Params)})
	if err != nil {
		return nil, err
	}
	return gen.ListAuditEventsPublic200JSONResponse{Body: gen.AuditEventList(out.(gen.ListAuditEvents200JSONResponse))}, nil
}
