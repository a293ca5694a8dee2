package server

import (
	"context"

	"tenx"
	"tenx/gen"
)

// ListUsers pages through every user, with their plan and whether they
// are disabled (platform admins only); q searches their email.
func (s *Server) ListUsers(ctx context.Context, req gen.ListUsersRequestObject) (gen.ListUsersResponseObject, error) {
	var f tenx.AccountFilter
	f.Limit, f.NextToken = listParams(req.Params.Limit, req.Params.NextToken)
	if req.Params.Q != nil {
		f.Q = *req.Params.Q
	}
	accounts, next, err := s.Admin.FindAccounts(ctx, f)
	if err != nil {
		return nil, err
	}
	out := gen.ListUsers200JSONResponse{Users: make([]gen.AdminUser, 0, len(accounts)), NextToken: optional(next)}
	for _, a := range accounts {
		out.Users = append(out.Users, toAPIAccount(a))
	}
	return out, nil
}

func toAPIUser(u *tenx.User) gen.User {
	return gen.User{Id: u.ID, Email: u.Email, IsAdmin: u.IsAdmin, CreatedAt: u.CreatedAt.UTC()}
}

func toAPIAccount(a *tenx.Account) gen.AdminUser {
	return gen.AdminUser{Id: a.User.ID, Email: a.User.Email, IsAdmin: a.User.IsAdmin, CreatedAt: a.User.CreatedAt.UTC(),
		Disabled: a.DisabledAt != nil, DisabledAt: a.DisabledAt, Plan: gen.Plan(a.Plan)}
}
