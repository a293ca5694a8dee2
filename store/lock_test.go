package store_test

import (
	"context"
	"testing"

	"tenx"
	"tenx/store/storetest"
)

// TestActingUserMustStillBeOwner: the store re-checks, under a lock on the
// handle, that the acting user is still OWNER, since a concurrent transfer
// may have demoted them after the server checked.
func TestActingUserMustStillBeOwner(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		a, b := mustCreateUser(t, db, "a@example.com"), mustCreateUser(t, db, "b@example.com")
		mustCreateHandle(t, db, "acme", a.ID)
		asA := tenx.NewContextWithPrincipal(t.Context(), &tenx.Principal{UserID: a.ID, Role: tenx.RoleOwner})
		checkCode(t, db.TransferOwnership(asA, "acme", b.ID), "")
		name := "x"
		calls := []struct {
			name string
			call func(ctx context.Context) error
		}{
			{"TransferOwnership", func(ctx context.Context) error { return db.TransferOwnership(ctx, "acme", a.ID) }},
			{"ReplaceCollaborators", func(ctx context.Context) error {
				_, err := db.ReplaceCollaborators(ctx, "acme", nil)
				return err
			}},
			{"UpdateHandle", func(ctx context.Context) error {
				_, err := db.UpdateHandle(ctx, "acme", tenx.HandleUpdate{DisplayName: &name})
				return err
			}},
			{"DeleteHandle", func(ctx context.Context) error { return db.DeleteHandle(ctx, "acme") }},
		}
		for _, c := range calls {
			checkCode(t, c.call(asA), tenx.EINSUFFICIENTROLE) // a is an OPERATOR now
		}
		checkRole(t, db, "acme", b.ID, tenx.RoleOwner)
		// With no Principal the caller acts for the system.
		for _, c := range calls {
			checkCode(t, c.call(t.Context()), "")
		}
	})
}
