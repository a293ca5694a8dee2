package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// ListHandles lists the handles the caller reaches.
func (s *Server) ListHandles(ctx context.Context, _ gen.ListHandlesRequestObject) (gen.ListHandlesResponseObject, error) {
	list, err := s.Handles.FindHandlesForUser(ctx, tenx.PrincipalFromContext(ctx).UserID)
	if err != nil {
		return nil, err
	}
	return gen.ListHandles200JSONResponse{Handles: toAPIHandles(list)}, nil
}

// CreateHandle creates a handle owned by the caller.
func (s *Server) CreateHandle(ctx context.Context, req gen.CreateHandleRequestObject) (gen.CreateHandleResponseObject, error) {
	h := &tenx.Handle{Name: req.Body.Handle, OwnerID: tenx.PrincipalFromContext(ctx).UserID}
	if req.Body.DisplayName != nil {
		h.DisplayName = *req.Body.DisplayName
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if err := s.Handles.CreateHandle(ctx, h); err != nil {
		if tenx.ErrorCode(err) == tenx.ECONFLICT {
			return nil, tenx.Errorf(tenx.ECONFLICT, "handle %q is taken", h.Name)
		}
		return nil, err
	}
	return gen.CreateHandle201JSONResponse(toAPIHandle(h, tenx.RoleOwner)), nil
}

// GetHandle returns one handle with the caller's role on it.
func (s *Server) GetHandle(ctx context.Context, req gen.GetHandleRequestObject) (gen.GetHandleResponseObject, error) {
	h, err := s.Handles.FindHandle(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetHandle200JSONResponse(toAPIHandle(h, tenx.PrincipalFromContext(ctx).Role)), nil
}

// UpdateHandle changes the handle's settings.
func (s *Server) UpdateHandle(ctx context.Context, req gen.UpdateHandleRequestObject) (gen.UpdateHandleResponseObject, error) {
	upd := tenx.HandleUpdate{DisplayName: req.Body.DisplayName}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	h, err := s.Handles.UpdateHandle(ctx, req.Handle, upd)
	if err != nil {
		return nil, err
	}
	return gen.UpdateHandle200JSONResponse(toAPIHandle(h, tenx.PrincipalFromContext(ctx).Role)), nil
}

// DeleteHandle deletes the handle.
func (s *Server) DeleteHandle(ctx context.Context, req gen.DeleteHandleRequestObject) (gen.DeleteHandleResponseObject, error) {
	if err := s.Handles.DeleteHandle(ctx, req.Handle); err != nil {
		return nil, err
	}
	s.PATs.ForgetHandle(req.Handle)
	return gen.DeleteHandle204Response{}, nil
}

// GetCollaborators lists the owner and collaborators.
func (s *Server) GetCollaborators(ctx context.Context, req gen.GetCollaboratorsRequestObject) (gen.GetCollaboratorsResponseObject, error) {
	out, err := s.members(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetCollaborators200JSONResponse(out), nil
}

// ReplaceCollaborators replaces the whole collaborator list.
func (s *Server) ReplaceCollaborators(ctx context.Context, req gen.ReplaceCollaboratorsRequestObject) (gen.ReplaceCollaboratorsResponseObject, error) {
	// The store checks the list against the owner inside its transaction.
	list := fromAPICollaborators(req.Body.Collaborators)
	revoked, err := s.Handles.ReplaceCollaborators(ctx, req.Handle, list)
	if err != nil {
		return nil, err
	}
	s.PATs.Forget(revoked...) // their creator left or fell below OPERATOR
	out, err := s.members(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.ReplaceCollaborators200JSONResponse(out), nil
}

// TransferOwnership makes another user the owner.
func (s *Server) TransferOwnership(ctx context.Context, req gen.TransferOwnershipRequestObject) (gen.TransferOwnershipResponseObject, error) {
	if req.Body.NewOwnerUserId == nil || *req.Body.NewOwnerUserId == "" {
		return nil, &tenx.Error{Code: tenx.ENEWOWNERREQUIRED, Field: "newOwnerUserId", Message: "newOwnerUserId is required"}
	}
	if err := s.Handles.TransferOwnership(ctx, req.Handle, *req.Body.NewOwnerUserId); err != nil {
		if tenx.ErrorCode(err) == tenx.ENOTFOUND {
			return nil, tenx.Errorf(tenx.ENOTFOUND, "user %q not found", *req.Body.NewOwnerUserId)
		}
		return nil, err
	}
	out, err := s.members(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.TransferOwnership200JSONResponse(out), nil
}

// members reads the owner and collaborators in one store call.
func (s *Server) members(ctx context.Context, handle string) (gen.Collaborators, error) {
	owner, list, err := s.Handles.FindCollaborators(ctx, handle)
	if err != nil {
		return gen.Collaborators{}, err
	}
	return toAPICollaborators(owner, list), nil
}

func toAPIHandle(h *tenx.Handle, role tenx.Role) gen.Handle {
	return gen.Handle{Handle: h.Name, DisplayName: h.DisplayName, OwnerId: h.OwnerID,
		Role: gen.Role(role), CreatedAt: h.CreatedAt.UTC(), UpdatedAt: h.UpdatedAt.UTC()}
}

func toAPIHandles(list []tenx.HandleAccess) []gen.Handle {
	out := make([]gen.Handle, 0, len(list))
	for i := range list {
		out = append(out, toAPIHandle(&list[i].Handle, list[i].Role))
	}
	return out
}

func toAPICollaborators(ownerID string, list []tenx.Collaborator) gen.Collaborators {
	out := gen.Collaborators{
		Owner:         gen.Member{UserId: ownerID, Role: gen.OWNER},
		Collaborators: make([]gen.Member, 0, len(list)),
	}
	for _, c := range list {
		out.Collaborators = append(out.Collaborators, gen.Member{UserId: c.UserID, Role: gen.Role(c.Role)})
	}
	return out
}

func fromAPICollaborators(in []gen.CollaboratorInput) []tenx.Collaborator {
	out := make([]tenx.Collaborator, 0, len(in))
	for _, c := range in {
		out = append(out, tenx.Collaborator{UserID: c.UserId, Role: tenx.Role(c.Role)})
	}
	return out
}
