package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// ListUsers pages through every user (platform admins only).
func (s *Server) ListUsers(ctx context.Context, req gen.ListUsersRequestObject) (gen.ListUsersResponseObject, error) {
	var f tenx.UserFilter
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	users, next, err := s.Users.FindUsers(ctx, f)
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

func toAPIUser(u *tenx.User) gen.User {
	return gen.User{Id: u.ID, Email: u.Email, IsAdmin: u.IsAdmin, CreatedAt: u.CreatedAt.UTC()}
}
