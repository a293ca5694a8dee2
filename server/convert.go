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

func toAPIAuditEvent(e *tenx.AuditEvent) gen.AuditEvent {
	return gen.AuditEvent{Id: e.ID, Action: e.Action, CreatedAt: e.CreatedAt.UTC(), ActorUserId: optional(e.ActorUserID),
		ActorTokenId: optional(e.ActorTokenID), TargetId: optional(e.TargetID), Ip: optional(e.IP)}
}

func (s *Server) toAPILink(l *tenx.Link) gen.Link {
	tags := l.Tags
	if tags == nil {
		tags = []string{}
	}
	return gen.Link{Slug: l.Slug, Url: s.shortURL(l.Handle, l.Slug), DestinationUrl: l.DestinationURL, Title: l.Title,
		Tags: tags, Enabled: l.Enabled, RedirectType: gen.LinkRedirectType(l.RedirectType),
		ScheduledStartAt: l.ScheduledStartAt, ScheduledEndAt: l.ScheduledEndAt, ExpiresAt: l.ExpiresAt,
		MaxClicks: l.MaxClicks, ClickCount: l.ClickCount, CreatedAt: l.CreatedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC()}
}

func fromAPILinkInput(handle, slug string, in *gen.LinkInput) *tenx.Link {
	l := &tenx.Link{Handle: handle, Slug: slug, DestinationURL: in.DestinationUrl, Enabled: true, RedirectType: 302,
		ScheduledStartAt: in.ScheduledStartAt, ScheduledEndAt: in.ScheduledEndAt, ExpiresAt: in.ExpiresAt,
		MaxClicks: in.MaxClicks}
	if in.Title != nil {
		l.Title = *in.Title
	}
	if in.Tags != nil {
		l.Tags = *in.Tags
	}
	if in.Enabled != nil {
		l.Enabled = *in.Enabled
	}
	if in.RedirectType != nil {
		l.RedirectType = int(*in.RedirectType)
	}
	return l
}
