package store_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

func mustCreateAuditEvent(t *testing.T, db *store.DB, handle, action, targetID string) *tenx.AuditEvent {
	t.Helper()
	e := &tenx.AuditEvent{Handle: handle, Action: action, ActorUserID: "usr_ann", ActorTokenID: "tok_ci",
		TargetID: targetID, IP: "192.0.2.1"}
	if err := db.CreateAuditEvent(t.Context(), e); err != nil {
		t.Fatalf("create audit event: %v", err)
	}
	return e
}

func TestCreateAuditEvent(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		// No foreign keys: the actors need not exist. The handle is listed
		// by its id, so only events of a live handle are ever listed.
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		e := mustCreateAuditEvent(t, db, "shop", tenx.AuditTokenRevoked, "tok_old")
		if !strings.HasPrefix(e.ID, "aud_") || len(e.ID) != len("aud_")+20 {
			t.Errorf("id %q, want aud_ and 20 characters", e.ID)
		}
		want := &tenx.AuditEvent{ID: e.ID, Handle: "shop", Action: tenx.AuditTokenRevoked, ActorUserID: "usr_ann",
			ActorTokenID: "tok_ci", TargetID: "tok_old", IP: "192.0.2.1", CreatedAt: stored(clock.Now())}
		if diff := gocmp.Diff(want, e); diff != "" {
			t.Errorf("created event (-want +got):\n%s", diff)
		}
		login := mustCreateAuditEvent(t, db, "", tenx.AuditLogin, "")
		if login.Handle != "" || login.ID == e.ID {
			t.Errorf("login event: %+v", login)
		}
		var nullHandles int
		err := rawDB(t, url).QueryRowContext(t.Context(),
			`SELECT COUNT(*) FROM audit_events WHERE handle IS NULL`).Scan(&nullHandles)
		if err != nil || nullHandles != 1 {
			t.Errorf("events with a NULL handle: %d (%v), want 1", nullHandles, err)
		}

		got, next, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "shop"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff([]*tenx.AuditEvent{want}, got); diff != "" || next != "" {
			t.Errorf("events (-want +got):\n%s (next %q)", diff, next)
		}
		got, _, err = db.FindAuditEvents(t.Context(), tenx.AuditFilter{})
		if err != nil || len(got) != 0 {
			t.Errorf("events of no handle: %v, %v; want none", got, err)
		}
	})
}

func TestFindAuditEventsPages(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateHandle(t, db, "other", ann.ID)
		var events []*tenx.AuditEvent
		for i := range 23 {
			if i%4 == 0 {
				clock.Add(time.Millisecond)
			}
			events = append(events, mustCreateAuditEvent(t, db, "shop", tenx.AuditTokenCreated, "x"))
			mustCreateAuditEvent(t, db, "other", tenx.AuditTokenCreated, "y")
		}
		slices.SortFunc(events, func(a, b *tenx.AuditEvent) int {
			return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
		})
		var want []string
		for _, e := range events {
			want = append(want, e.ID)
		}
		find := func(ctx context.Context, limit int, next string) ([]*tenx.AuditEvent, string, error) {
			return db.FindAuditEvents(ctx, tenx.AuditFilter{Handle: "shop", Limit: limit, NextToken: next})
		}
		for _, tt := range []struct {
			limit     int
			wantSizes []int
		}{{0, []int{23}}, {1, slices.Repeat([]int{1}, 23)}, {4, []int{4, 4, 4, 4, 4, 3}}, {1000, []int{23}}} {
			got, sizes := pageThrough(t, find, tt.limit, func(e *tenx.AuditEvent) string { return e.ID })
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("limit %d: ids (-want +got):\n%s", tt.limit, diff)
			}
			if diff := gocmp.Diff(tt.wantSizes, sizes); diff != "" {
				t.Errorf("limit %d: page sizes (-want +got):\n%s", tt.limit, diff)
			}
		}
		checkMalformedPageTokens(t, find, "%%%", b64("1.5,aud_x"), b64("12"))
	})
}
