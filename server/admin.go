package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// The platform administrators' operations. Each write records an audit
// row naming the administrator (the store does, in its transaction), and
// takes effect here at once and on the other instances within a second.

// ListAdminHandles pages through every handle; q searches names.
func (s *Server) ListAdminHandles(ctx context.Context, req gen.ListAdminHandlesRequestObject) (gen.ListAdminHandlesResponseObject, error) {
	var f tenx.HandleStatusFilter
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	if req.Params.Q != nil {
		f.Q = *req.Params.Q
	}
	list, next, err := s.Admin.FindHandleStatuses(ctx, f)
	if err != nil {
		return nil, err
	}
	out := gen.ListAdminHandles200JSONResponse{Handles: make([]gen.AdminHandle, 0, len(list)), NextToken: optional(next)}
	for _, h := range list {
		out.Handles = append(out.Handles, toAPIHandleStatus(h))
	}
	return out, nil
}

// SuspendHandle suspends a handle.
func (s *Server) SuspendHandle(ctx context.Context, req gen.SuspendHandleRequestObject) (gen.SuspendHandleResponseObject, error) {
	h, err := s.setSuspended(ctx, req.HandleName, true)
	if err != nil {
		return nil, err
	}
	return gen.SuspendHandle200JSONResponse(h), nil
}

// UnsuspendHandle lifts a handle's suspension.
func (s *Server) UnsuspendHandle(ctx context.Context, req gen.UnsuspendHandleRequestObject) (gen.UnsuspendHandleResponseObject, error) {
	h, err := s.setSuspended(ctx, req.HandleName, false)
	if err != nil {
		return nil, err
	}
	return gen.UnsuspendHandle200JSONResponse(h), nil
}

func (s *Server) setSuspended(ctx context.Context, name string, suspended bool) (gen.AdminHandle, error) {
	if err := s.Admin.SetHandleSuspended(ctx, name, suspended); err != nil {
		return gen.AdminHandle{}, err
	}
	s.Auth.ForgetStanding("", name)
	h, err := s.Admin.FindHandleStatus(ctx, name)
	if err != nil {
		return gen.AdminHandle{}, err
	}
	return toAPIHandleStatus(h), nil
}

// DisableUser disables a user and ends their sessions.
func (s *Server) DisableUser(ctx context.Context, req gen.DisableUserRequestObject) (gen.DisableUserResponseObject, error) {
	if req.UserId == callerID(ctx) {
		return nil, tenx.Errorf(tenx.ECONFLICT, "you cannot disable yourself")
	}
	sessions, err := s.Admin.DisableUser(ctx, req.UserId)
	if err != nil {
		return nil, err
	}
	for _, id := range sessions {
		s.Auth.ForgetSession(id)
	}
	s.Auth.ForgetStanding(req.UserId, "")
	a, err := s.Admin.FindAccount(ctx, req.UserId)
	if err != nil {
		return nil, err
	}
	return gen.DisableUser200JSONResponse(toAPIAccount(a)), nil
}

// EnableUser enables a disabled user.
func (s *Server) EnableUser(ctx context.Context, req gen.EnableUserRequestObject) (gen.EnableUserResponseObject, error) {
	if err := s.Admin.EnableUser(ctx, req.UserId); err != nil {
		return nil, err
	}
	s.Auth.ForgetStanding(req.UserId, "")
	a, err := s.Admin.FindAccount(ctx, req.UserId)
	if err != nil {
		return nil, err
	}
	return gen.EnableUser200JSONResponse(toAPIAccount(a)), nil
}

// SetUserPlan sets a user's plan.
func (s *Server) SetUserPlan(ctx context.Context, req gen.SetUserPlanRequestObject) (gen.SetUserPlanResponseObject, error) {
	if err := s.Plans.SetPlan(ctx, req.UserId, tenx.Plan(req.Body.Plan)); err != nil {
		return nil, err
	}
	a, err := s.Admin.FindAccount(ctx, req.UserId)
	if err != nil {
		return nil, err
	}
	return gen.SetUserPlan200JSONResponse(toAPIAccount(a)), nil
}

// RevokeAnyToken revokes a PAT of any handle.
func (s *Server) RevokeAnyToken(ctx context.Context, req gen.RevokeAnyTokenRequestObject) (gen.RevokeAnyTokenResponseObject, error) {
	t, err := s.PATs.Self(ctx, req.TokenId)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "token %q not found", req.TokenId)
	}
	if err != nil {
		return nil, err
	}
	if err := s.PATs.Revoke(ctx, t.Handle, t.ID); err != nil {
		return nil, err
	}
	return gen.RevokeAnyToken204Response{}, nil
}

// ListAdminActions lists what administrators did, newest first.
func (s *Server) ListAdminActions(ctx context.Context, req gen.ListAdminActionsRequestObject) (gen.ListAdminActionsResponseObject, error) {
	var f tenx.AuditFilter
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	events, next, err := s.Admin.FindAdminActions(ctx, f)
	if err != nil {
		return nil, err
	}
	out := gen.ListAdminActions200JSONResponse{Events: make([]gen.AdminAction, 0, len(events)), NextToken: optional(next)}
	for _, e := range events {
		out.Events = append(out.Events, gen.AdminAction{Id: e.ID, Action: e.Action, ActorUserId: e.ActorUserID,
			TargetId: e.TargetID, Handle: optional(e.Handle), CreatedAt: e.CreatedAt.UTC()})
	}
	return out, nil
}

// checkServable answers 404 for the public content (short links, site)
// of a suspended handle. The live site of issue 11 calls it too.
func (s *Server) checkServable(ctx context.Context, handle string) error {
	suspended, err := s.Auth.HandleSuspended(ctx, handle)
	if err != nil {
		return err
	}
	if suspended {
		return tenx.Errorf(tenx.ENOTFOUND, "no such link")
	}
	return nil
}

func toAPIHandleStatus(h *tenx.HandleStatus) gen.AdminHandle {
	return gen.AdminHandle{Handle: h.Handle.Name, DisplayName: h.Handle.DisplayName, OwnerId: h.Handle.OwnerID,
		OwnerEmail: h.OwnerEmail, Suspended: h.SuspendedAt != nil, SuspendedAt: h.SuspendedAt,
		CreatedAt: h.Handle.CreatedAt.UTC()}
}
