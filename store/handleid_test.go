package store_test

import (
	"strings"
	"testing"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

// TestAuditTrailIsKeyedByHandleID: a handle deleted and created again
// under the same name is another handle; the audit events of the first
// (user ids, addresses, token ids of its owner) are never listed for the
// second.
func TestAuditTrailIsKeyedByHandleID(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann, bob := mustCreateUser(t, db, "ann@example.com"), mustCreateUser(t, db, "bob@example.com")
		first := mustCreateHandle(t, db, "gamma", ann.ID)
		mustCreateToken(t, db, "gamma", ann.ID, "anns", nil)
		checkCode(t, db.DeleteHandle(t.Context(), "gamma"), "")
		clock.Add(1)
		second := mustCreateHandle(t, db, "gamma", bob.ID)
		if !strings.HasPrefix(first.ID, "hdl_") || second.ID == first.ID || len(second.ID) != len("hdl_")+20 {
			t.Fatalf("handle ids %q then %q: want distinct hdl_ ids", first.ID, second.ID)
		}
		mustCreateToken(t, db, "gamma", bob.ID, "bobs", nil)
		got, _, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "gamma"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].TargetID != "tok_bobs" {
			t.Fatalf("events of the new gamma: %+v; want only token.created of tok_bobs", got)
		}
		found, err := db.FindHandle(t.Context(), "gamma")
		if err != nil || found.ID != second.ID {
			t.Fatalf("FindHandle: %+v, %v; want id %s", found, err, second.ID)
		}
	})
}

// TestMigrationKeysExistingAuditRowsByHandleID: rows written before handles
// had ids are given the id of the live handle of their name only if they
// are no older than it; a deleted namesake's rows get none and stay hidden.
func TestMigrationKeysExistingAuditRowsByHandleID(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, err := store.Open(t.Context(), url, newClock().Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.MigrateTo(t.Context(), 2); err != nil {
			t.Fatal(err)
		}
		raw := rawDB(t, url)
		for _, q := range []string{
			`INSERT INTO users (id, email, password_hash, created_at) VALUES ('usr_bob', 'bob@example.com', 'x', 1)`,
			`INSERT INTO handles (name, owner_id, created_at, updated_at) VALUES ('gamma', 'usr_bob', 2000, 2000)`,
			`INSERT INTO handles (name, owner_id, created_at, updated_at) VALUES ('delta', 'usr_bob', 2000, 2000)`,
			`INSERT INTO audit_events (id, handle, action, actor_user_id, ip, created_at)
				VALUES ('aud_old', 'gamma', 'token.created', 'usr_ann', '192.0.2.1', 1000)`,
			`INSERT INTO audit_events (id, handle, action, actor_user_id, ip, created_at)
				VALUES ('aud_new', 'gamma', 'token.created', 'usr_bob', '192.0.2.2', 2000)`,
			`INSERT INTO audit_events (id, handle, action, actor_user_id, ip, created_at)
				VALUES ('aud_gone', 'epsilon', 'token.created', 'usr_ann', '192.0.2.1', 1500)`,
		} {
			if _, err := raw.ExecContext(t.Context(), q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		gamma, delta := mustFindHandle(t, db, "gamma"), mustFindHandle(t, db, "delta")
		if !strings.HasPrefix(gamma.ID, "hdl_") || gamma.ID == delta.ID {
			t.Fatalf("migrated ids %q, %q", gamma.ID, delta.ID)
		}
		got, _, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "gamma"})
		if err != nil || len(got) != 1 || got[0].ID != "aud_new" {
			t.Fatalf("gamma's events after the migration: %+v, %v; want aud_new only", got, err)
		}
		var orphans int
		err = raw.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_events WHERE handle_id IS NULL`).Scan(&orphans)
		if err != nil || orphans != 2 {
			t.Fatalf("rows without a handle id: %d, %v; want 2 (aud_old, aud_gone)", orphans, err)
		}
	})
}

func mustFindHandle(t *testing.T, db *store.DB, name string) *tenx.Handle {
	t.Helper()
	h, err := db.FindHandle(t.Context(), name)
	if err != nil {
		t.Fatalf("find handle %s: %v", name, err)
	}
	return h
}
