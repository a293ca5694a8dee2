package store_test

import (
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store/storetest"
)

// TestAuditedWritesAreAtomic: an audited write stores its event in the
// same transaction, with the actor and address of the caller in the
// context, and a refused write stores none.
func TestAuditedWritesAreAtomic(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, clock := mustOpen(t, url)
		owner := mustCreateUser(t, db, "owner@example.com")
		mustCreateHandle(t, db, "acme", owner.ID)
		ctx := tenx.NewContextWithClientIP(t.Context(), "192.0.2.1")
		ctx = tenx.NewContextWithPrincipal(ctx, &tenx.Principal{Kind: tenx.CredentialJWT, UserID: owner.ID})
		tok := newToken("acme", owner.ID, "ci", nil)
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		refused := []struct {
			name  string
			write func() error
			code  string
		}{
			{"revoke unknown token", func() error {
				return db.RevokeToken(ctx, "acme", "tok_unknown")
			}, tenx.ENOTFOUND},
			{"rotate unknown token", func() error {
				return db.RotateToken(ctx, "acme", "tok_unknown", newToken("acme", owner.ID, "ci", nil), tok.CreatedAt)
			}, tenx.ENOTFOUND},
			{"collaborators with an unknown user", func() error {
				_, err := db.ReplaceCollaborators(ctx, "acme", []tenx.Collaborator{{UserID: "usr_nobody", Role: tenx.RoleCreator}})
				return err
			}, tenx.EINVALIDCOLLABORATORS},
			{"transfer to an unknown user", func() error {
				return db.TransferOwnership(ctx, "acme", "usr_nobody")
			}, tenx.ENOTFOUND},
		}
		for _, r := range refused {
			checkCode(t, r.write(), r.code)
		}
		created := stored(clock.Now())
		clock.Add(time.Millisecond) // newest first: the revocation comes first
		patCtx := tenx.NewContextWithPrincipal(ctx, &tenx.Principal{Kind: tenx.CredentialPAT, UserID: owner.ID, TokenID: "tok_ci"})
		if err := db.RevokeToken(patCtx, "acme", tok.ID); err != nil {
			t.Fatal(err)
		}
		events, _, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "acme", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			e.ID = ""
		}
		at := stored(clock.Now())
		want := []*tenx.AuditEvent{
			{Handle: "acme", Action: tenx.AuditTokenRevoked, ActorUserID: owner.ID, ActorTokenID: "tok_ci",
				TargetID: tok.ID, IP: "192.0.2.1", CreatedAt: at},
			{Handle: "acme", Action: tenx.AuditTokenCreated, ActorUserID: owner.ID, TargetID: tok.ID,
				IP: "192.0.2.1", CreatedAt: created},
		}
		if diff := gocmp.Diff(want, events); diff != "" {
			t.Fatalf("events (-want +got): want token.created and token.revoked only\n%s", diff)
		}
	})
}

// TestLoginIsAudited: a new session records user.login by and of its
// user, under no handle.
func TestLoginIsAudited(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		ctx := tenx.NewContextWithClientIP(t.Context(), "192.0.2.7")
		s := &tenx.Session{UserID: ann.ID, ExpiresAt: clock.Now().Add(time.Hour)}
		if err := db.CreateSession(ctx, s, hash("r1")); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Action, Actor, Target, IP string
		}
		err := rawDB(t, url).QueryRowContext(t.Context(),
			`SELECT action, actor_user_id, target_id, ip FROM audit_events WHERE handle IS NULL`).
			Scan(&got.Action, &got.Actor, &got.Target, &got.IP)
		if err != nil || got.Action != tenx.AuditLogin || got.Actor != ann.ID || got.Target != ann.ID || got.IP != "192.0.2.7" {
			t.Fatalf("login event %+v (%v)", got, err)
		}
	})
}
