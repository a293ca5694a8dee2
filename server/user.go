package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// ListUsers pages through every user (platform admins only).
func (s *Server) ListUsers(ctx context.Context, req gen.ListUsersRequestObject) (gen.ListUsersResponseObject, error) {
	page := tenx.Page{Limit: tenx.DefaultPageLimit}
	if req.Params.Limit != nil {
		page.Limit = *req.Params.Limit
	}
	if req.Params.NextToken != nil {
		page.Token = *req.Params.NextToken
	}
	users, next, err := s.Users.FindUsers(ctx, page)
	if err != nil {
		return nil, err
	}
	out := gen.ListUsers200JSONResponse{Users: make([]gen.User, 0, len(users))}
	for _, u := range users {
		out.Users = append(out.Users, toAPIUser(u))
	}
	if next != "" {
		out.NextToken = &next
	}
	return out, nil
}
