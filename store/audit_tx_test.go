package store_test

import (
	"testing"

	"tenx"
	"tenx/store/storetest"
)

// TestAuditedWritesAreAtomic: an audited write stores its event in the
// same transaction, and a refused write stores none.
func TestAuditedWritesAreAtomic(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		owner := mustCreateUser(t, db, "owner@example.com")
		mustCreateHandle(t, db, "acme", owner.ID)
		event := func(action, target string) *tenx.AuditEvent {
			return &tenx.AuditEvent{Handle: "acme", Action: action, ActorUserID: owner.ID, TargetID: target, IP: "192.0.2.1"}
		}
		tok := newToken("acme", owner.ID, "ci", nil)
		created := event(tenx.AuditTokenCreated, tok.ID)
		if err := db.CreateToken(t.Context(), tok, created); err != nil {
			t.Fatal(err)
		}
		if created.ID == "" || created.CreatedAt.IsZero() {
			t.Fatalf("event not stored: %+v", created)
		}
		refused := []struct {
			name  string
			write func() error
			code  string
		}{
			{"revoke unknown token", func() error {
				return db.RevokeToken(t.Context(), "acme", "tok_unknown", event(tenx.AuditTokenRevoked, "tok_unknown"))
			}, tenx.ENOTFOUND},
			{"rotate unknown token", func() error {
				return db.RotateToken(t.Context(), "acme", "tok_unknown", newToken("acme", owner.ID, "ci", nil), tok.CreatedAt,
					event(tenx.AuditTokenRotated, "tok_unknown"))
			}, tenx.ENOTFOUND},
			{"collaborators with an unknown user", func() error {
				_, err := db.ReplaceCollaborators(t.Context(), "acme", []tenx.Collaborator{{UserID: "usr_nobody", Role: tenx.RoleCreator}},
					event(tenx.AuditCollaboratorsReplaced, ""))
				return err
			}, tenx.EINVALIDCOLLABORATORS},
			{"transfer to an unknown user", func() error {
				return db.TransferOwnership(t.Context(), "acme", "usr_nobody", event(tenx.AuditOwnershipTransferred, "usr_nobody"))
			}, tenx.ENOTFOUND},
		}
		for _, r := range refused {
			checkCode(t, r.write(), r.code)
		}
		if err := db.RevokeToken(t.Context(), "acme", tok.ID, event(tenx.AuditTokenRevoked, tok.ID)); err != nil {
			t.Fatal(err)
		}
		events, _, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "acme", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		if len(events) != 2 {
			t.Fatalf("events %v: want token.created and token.revoked only", actions)
		}
	})
}
