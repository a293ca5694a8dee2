package server

import (
	"tenx"
	"tenx/gen"
)

func toAPIUser(u *tenx.User) gen.User {
	return gen.User{Id: u.ID, Email: u.Email, IsAdmin: u.IsAdmin, CreatedAt: u.CreatedAt.UTC()}
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
