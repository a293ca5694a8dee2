package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

func TestCreateHandle(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		h := mustCreateHandle(t, db, "ann-shop", ann.ID)
		now := stored(clock.Now())
		if !strings.HasPrefix(h.ID, "hdl_") {
			t.Errorf("id %q, want hdl_...", h.ID)
		}
		want := &tenx.Handle{ID: h.ID, Name: "ann-shop", DisplayName: "Display ann-shop", OwnerID: ann.ID,
			CreatedAt: now, UpdatedAt: now}
		if diff := cmp.Diff(want, h); diff != "" {
			t.Errorf("created handle (-want +got):\n%s", diff)
		}
		got, err := db.FindHandle(t.Context(), "ann-shop")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("found handle (-want +got):\n%s", diff)
		}
		checkRole(t, db, "ann-shop", ann.ID, tenx.RoleOwner)

		dup := &tenx.Handle{Name: "ann-shop", OwnerID: ann.ID}
		checkCode(t, db.CreateHandle(t.Context(), dup), tenx.ECONFLICT)
		_, err = db.FindHandle(t.Context(), "nobody")
		checkCode(t, err, tenx.ENOTFOUND)
	})
}

// checkRole fails unless the user's role on the handle is want ("" for none).
func checkRole(t *testing.T, db *store.DB, handle, userID string, want tenx.Role) {
	t.Helper()
	got, err := db.FindRole(t.Context(), handle, userID)
	if want == "" {
		checkCode(t, err, tenx.ENOTFOUND)
		return
	}
	if err != nil {
		t.Fatalf("FindRole(%s, %s): %v", handle, userID, err)
	}
	if got != want {
		t.Fatalf("FindRole(%s, %s) = %s, want %s", handle, userID, got, want)
	}
}

// mustReplaceCollaborators returns the ids of the tokens it revoked.
func mustReplaceCollaborators(t *testing.T, db *store.DB, handle string, list ...tenx.Collaborator) []string {
	t.Helper()
	revoked, err := db.ReplaceCollaborators(t.Context(), handle, list)
	if err != nil {
		t.Fatalf("replace collaborators: %v", err)
	}
	return revoked
}

func TestFindHandlesForUser(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		bob := mustCreateUser(t, db, "bob@example.com")
		carl := mustCreateUser(t, db, "carl@example.com")
		bbb := mustCreateHandle(t, db, "bbb", ann.ID)
		aaa := mustCreateHandle(t, db, "aaa", ann.ID)
		ccc := mustCreateHandle(t, db, "ccc", bob.ID)
		mustReplaceCollaborators(t, db, "ccc", tenx.Collaborator{UserID: ann.ID, Role: tenx.RoleCreator})

		tests := []struct {
			name   string
			userID string
			want   []tenx.HandleAccess
		}{
			{"owner and collaborator", ann.ID, []tenx.HandleAccess{
				{Handle: *aaa, Role: tenx.RoleOwner},
				{Handle: *bbb, Role: tenx.RoleOwner},
				{Handle: *ccc, Role: tenx.RoleCreator},
			}},
			{"owner only", bob.ID, []tenx.HandleAccess{{Handle: *ccc, Role: tenx.RoleOwner}}},
			{"no handles", carl.ID, []tenx.HandleAccess{}},
			{"unknown user", "usr_nobody", []tenx.HandleAccess{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.FindHandlesForUser(t.Context(), tt.userID)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("handles (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestUpdateHandle(t *testing.T) {
	t.Parallel()
	newName := "New name"
	tests := []struct {
		name            string
		handle          string
		upd             tenx.HandleUpdate
		wantDisplayName string
		wantUpdated     bool
		wantCode        string
	}{
		{name: "display name", handle: "shop", upd: tenx.HandleUpdate{DisplayName: &newName},
			wantDisplayName: newName, wantUpdated: true},
		{name: "nothing", handle: "shop", wantDisplayName: "Display shop"},
		{name: "unknown handle", handle: "nope", upd: tenx.HandleUpdate{DisplayName: &newName},
			wantCode: tenx.ENOTFOUND},
		{name: "nothing on unknown handle", handle: "nope", wantCode: tenx.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Dialects(t, func(t *testing.T, url string) {
				t.Parallel()
				db, clock := mustOpen(t, url)
				h := mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
				clock.Add(time.Minute)
				got, err := db.UpdateHandle(t.Context(), tt.handle, tt.upd)
				checkCode(t, err, tt.wantCode)
				if err != nil {
					return
				}
				want := *h
				want.DisplayName = tt.wantDisplayName
				if tt.wantUpdated {
					want.UpdatedAt = stored(clock.Now())
				}
				if diff := cmp.Diff(&want, got); diff != "" {
					t.Errorf("updated handle (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestDeleteHandle(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		bob := mustCreateUser(t, db, "bob@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustReplaceCollaborators(t, db, "shop", tenx.Collaborator{UserID: bob.ID, Role: tenx.RoleOperator})

		if err := db.DeleteHandle(t.Context(), "shop"); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindHandle(t.Context(), "shop")
		checkCode(t, err, tenx.ENOTFOUND)
		checkRole(t, db, "shop", ann.ID, "")
		checkRole(t, db, "shop", bob.ID, "")
		checkCode(t, db.DeleteHandle(t.Context(), "shop"), tenx.ENOTFOUND)
		// The name is free again.
		mustCreateHandle(t, db, "shop", bob.ID)
	})
}

func TestReplaceCollaborators(t *testing.T) {
	t.Parallel()
	// Users are named by email local part; the table refers to them so.
	tests := []struct {
		name     string
		handle   string
		list     []collab
		want     []collab
		wantCode string
		wantMsg  string
	}{
		{name: "set", handle: "shop",
			list: []collab{{"dan", tenx.RoleOperator}, {"carl", tenx.RoleCreator}},
			want: []collab{{"carl", tenx.RoleCreator}, {"dan", tenx.RoleOperator}}},
		{name: "shrink and change roles", handle: "shop",
			list: []collab{{"bob", tenx.RoleCreator}},
			want: []collab{{"bob", tenx.RoleCreator}}},
		{name: "empty", handle: "shop", want: []collab{}},
		{name: "unknown user", handle: "shop",
			list:     []collab{{"carl", tenx.RoleCreator}, {"usr_ghost", tenx.RoleCreator}},
			want:     []collab{{"bob", tenx.RoleOperator}},
			wantCode: tenx.EINVALIDCOLLABORATORS, wantMsg: "usr_ghost"},
		{name: "owner listed", handle: "shop",
			list:     []collab{{"ann", tenx.RoleOperator}},
			want:     []collab{{"bob", tenx.RoleOperator}},
			wantCode: tenx.EINVALIDCOLLABORATORS},
		{name: "duplicate", handle: "shop",
			list:     []collab{{"carl", tenx.RoleOperator}, {"carl", tenx.RoleCreator}},
			want:     []collab{{"bob", tenx.RoleOperator}},
			wantCode: tenx.EINVALIDCOLLABORATORS},
		{name: "unknown handle", handle: "nope", want: []collab{{"bob", tenx.RoleOperator}},
			wantCode: tenx.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Dialects(t, func(t *testing.T, url string) {
				t.Parallel()
				db, _ := mustOpen(t, url)
				users := mustCreateUsers(t, db, "ann", "bob", "carl", "dan")
				mustCreateHandle(t, db, "shop", users["ann"])
				mustReplaceCollaborators(t, db, "shop", tenx.Collaborator{UserID: users["bob"], Role: tenx.RoleOperator})

				_, err := db.ReplaceCollaborators(t.Context(), tt.handle, toCollaborators(users, tt.list))
				checkCode(t, err, tt.wantCode)
				if err != nil && !strings.Contains(tenx.ErrorMessage(err), tt.wantMsg) {
					t.Errorf("message %q does not name %q", tenx.ErrorMessage(err), tt.wantMsg)
				}
				checkCollaborators(t, db, "shop", toCollaborators(users, tt.want))
				checkRole(t, db, "shop", users["ann"], tenx.RoleOwner)
			})
		})
	}
}

// collab is a collaborator named by a key of the test's user map.
type collab struct {
	user string
	role tenx.Role
}

// toCollaborators resolves user names to ids; an unknown name is kept as the id.
func toCollaborators(users map[string]string, list []collab) []tenx.Collaborator {
	out := make([]tenx.Collaborator, 0, len(list))
	for _, c := range list {
		id, ok := users[c.user]
		if !ok {
			id = c.user
		}
		out = append(out, tenx.Collaborator{UserID: id, Role: c.role})
	}
	return out
}

// mustCreateUsers creates name@example.com for each name and maps names to ids.
func mustCreateUsers(t *testing.T, db *store.DB, names ...string) map[string]string {
	t.Helper()
	ids := make(map[string]string, len(names))
	for _, n := range names {
		ids[n] = mustCreateUser(t, db, n+"@example.com").ID
	}
	return ids
}

// checkCollaborators compares the handle's collaborators with want, which
// it sorts by user id as FindCollaborators promises.
func checkCollaborators(t *testing.T, db *store.DB, handle string, want []tenx.Collaborator) {
	t.Helper()
	owner, got, err := db.FindCollaborators(t.Context(), handle)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := db.FindHandle(t.Context(), handle); err != nil || h.OwnerID != owner {
		t.Errorf("owner %q, want the handle's (%v, %v)", owner, h, err)
	}
	slices.SortFunc(want, func(a, b tenx.Collaborator) int { return strings.Compare(a.UserID, b.UserID) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("collaborators (-want +got):\n%s", diff)
	}
}

func TestFindCollaboratorsOfUnknownHandle(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		_, _, err := db.FindCollaborators(t.Context(), "nope")
		checkCode(t, err, tenx.ENOTFOUND)
	})
}

func TestTransferOwnership(t *testing.T) {
	t.Parallel()
	// ann owns "shop"; bob is an OPERATOR and carl a CREATOR of it; dan is
	// a user with no role.
	tests := []struct {
		name      string
		handle    string
		newOwner  string
		wantCode  string
		wantOwner string
		want      []collab
	}{
		{name: "to an operator", handle: "shop", newOwner: "bob", wantOwner: "bob",
			want: []collab{{"ann", tenx.RoleOperator}, {"carl", tenx.RoleCreator}}},
		{name: "to a creator", handle: "shop", newOwner: "carl", wantOwner: "carl",
			want: []collab{{"ann", tenx.RoleOperator}, {"bob", tenx.RoleOperator}}},
		{name: "to a non-member", handle: "shop", newOwner: "dan", wantOwner: "dan",
			want: []collab{{"ann", tenx.RoleOperator}, {"bob", tenx.RoleOperator}, {"carl", tenx.RoleCreator}}},
		{name: "to the owner", handle: "shop", newOwner: "ann", wantOwner: "ann",
			want: []collab{{"bob", tenx.RoleOperator}, {"carl", tenx.RoleCreator}}},
		{name: "to an unknown user", handle: "shop", newOwner: "usr_ghost", wantCode: tenx.ENOTFOUND,
			wantOwner: "ann", want: []collab{{"bob", tenx.RoleOperator}, {"carl", tenx.RoleCreator}}},
		{name: "of an unknown handle", handle: "nope", newOwner: "bob", wantCode: tenx.ENOTFOUND,
			wantOwner: "ann", want: []collab{{"bob", tenx.RoleOperator}, {"carl", tenx.RoleCreator}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Dialects(t, func(t *testing.T, url string) {
				t.Parallel()
				db, clock := mustOpen(t, url)
				users := mustCreateUsers(t, db, "ann", "bob", "carl", "dan")
				h := mustCreateHandle(t, db, "shop", users["ann"])
				mustReplaceCollaborators(t, db, "shop", toCollaborators(users,
					[]collab{{"bob", tenx.RoleOperator}, {"carl", tenx.RoleCreator}})...)
				clock.Add(time.Minute)

				newOwner := toCollaborators(users, []collab{{user: tt.newOwner}})[0].UserID
				checkCode(t, db.TransferOwnership(t.Context(), tt.handle, newOwner), tt.wantCode)

				want := *h
				want.OwnerID = users[tt.wantOwner]
				if want.OwnerID != h.OwnerID {
					want.UpdatedAt = stored(clock.Now())
				}
				got, err := db.FindHandle(t.Context(), "shop")
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(&want, got); diff != "" {
					t.Errorf("handle (-want +got):\n%s", diff)
				}
				checkRole(t, db, "shop", want.OwnerID, tenx.RoleOwner)
				checkCollaborators(t, db, "shop", toCollaborators(users, tt.want))
			})
		})
	}
}

func TestReplaceCollaboratorsRevokesTokens(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		users := mustCreateUsers(t, db, "ann", "bob", "carl", "dan")
		mustCreateHandle(t, db, "shop", users["ann"])
		mustCreateHandle(t, db, "other", users["ann"])
		mustReplaceCollaborators(t, db, "shop", toCollaborators(users, []collab{
			{"bob", tenx.RoleOperator}, {"carl", tenx.RoleOperator}, {"dan", tenx.RoleOperator}})...)
		mustReplaceCollaborators(t, db, "other", toCollaborators(users, []collab{{"bob", tenx.RoleOperator}})...)
		for _, name := range []string{"ann", "bob", "carl", "dan"} {
			mustCreateToken(t, db, "shop", users[name], name, nil)
		}
		mustCreateToken(t, db, "shop", users["bob"], "bob2", nil)
		mustCreateToken(t, db, "shop", users["bob"], "bobrevoked", nil)
		checkCode(t, db.RevokeToken(t.Context(), "shop", "tok_bobrevoked"), "")
		mustCreateToken(t, db, "shop", users["bob"], "bobexpired", ptr(clock.Now().Add(time.Second)))
		mustCreateToken(t, db, "other", users["bob"], "bobother", nil)
		clock.Add(time.Minute)

		// A failed replacement revokes nothing.
		_, err := db.ReplaceCollaborators(t.Context(), "shop",
			toCollaborators(users, []collab{{"usr_ghost", tenx.RoleOperator}}))
		checkCode(t, err, tenx.EINVALIDCOLLABORATORS)
		checkTokens(t, db, "shop", "tok_dan", "tok_carl", "tok_bob2", "tok_bob", "tok_ann")

		// bob is removed, dan demoted to CREATOR; carl stays an OPERATOR.
		revoked := mustReplaceCollaborators(t, db, "shop", toCollaborators(users, []collab{
			{"carl", tenx.RoleOperator}, {"dan", tenx.RoleCreator}})...)
		if diff := cmp.Diff([]string{"tok_bob", "tok_bob2", "tok_dan"}, revoked); diff != "" {
			t.Errorf("revoked (-want +got):\n%s", diff)
		}
		checkTokens(t, db, "shop", "tok_carl", "tok_ann")
		checkTokens(t, db, "other", "tok_bobother")
		if got := mustFindToken(t, db, "tok_bob").RevokedAt; got == nil || !got.Equal(stored(clock.Now())) {
			t.Errorf("tok_bob revokedAt = %v, want %v", got, stored(clock.Now()))
		}
		if got := mustFindToken(t, db, "tok_bobexpired").RevokedAt; got != nil {
			t.Errorf("expired token was revoked at %v, want left alone", got)
		}

		// Nothing left to revoke; promoting dan again does not restore his token.
		revoked = mustReplaceCollaborators(t, db, "shop", toCollaborators(users, []collab{
			{"carl", tenx.RoleOperator}, {"dan", tenx.RoleOperator}})...)
		if revoked == nil || len(revoked) != 0 {
			t.Errorf("revoked = %#v, want empty", revoked)
		}
		checkTokens(t, db, "shop", "tok_carl", "tok_ann")
	})
}

func TestTransferOwnershipKeepsTokens(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		users := mustCreateUsers(t, db, "ann", "bob")
		mustCreateHandle(t, db, "shop", users["ann"])
		mustCreateToken(t, db, "shop", users["ann"], "ann", nil)

		checkCode(t, db.TransferOwnership(t.Context(), "shop", users["bob"]), "")
		checkTokens(t, db, "shop", "tok_ann")
		// ann is an OPERATOR now; the new owner removing her revokes it.
		revoked := mustReplaceCollaborators(t, db, "shop")
		if diff := cmp.Diff([]string{"tok_ann"}, revoked); diff != "" {
			t.Errorf("revoked (-want +got):\n%s", diff)
		}
	})
}

func TestDeleteHandleCascades(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateHandle(t, db, "other", ann.ID)
		mustCreateToken(t, db, "shop", ann.ID, "ci", nil)
		mustCreateToken(t, db, "other", ann.ID, "kept", nil)
		mustUpsertLink(t, db, newLink("shop", "abcd", "x", "y"), true)
		mustUpsertLink(t, db, newLink("other", "abcd", "z"), true)
		mustCreateAuditEvent(t, db, "shop", tenx.AuditTokenCreated, "tok_ci")
		before, _, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "shop"})
		if err != nil || len(before) != 2 { // CreateToken's own and the one above
			t.Fatalf("events before delete = %v, %v", before, err)
		}

		checkCode(t, db.DeleteHandle(t.Context(), "shop"), "")
		_, err = db.FindTokenByID(t.Context(), "tok_ci")
		checkCode(t, err, tenx.ENOTFOUND)
		_, err = db.FindLink(t.Context(), "shop", "abcd")
		checkCode(t, err, tenx.ENOTFOUND)
		for table, want := range map[string]int{"tokens": 1, "links": 1, "link_tags": 1} {
			if n := countRows(t, url, table); n != want {
				t.Errorf("%s rows = %d, want %d (of the other handle)", table, n, want)
			}
		}
		// Audit events outlive the handle, keyed by its id: no handle of
		// the name, now or later, lists them.
		if n := countRows(t, url, "audit_events"); n != 3 {
			t.Errorf("audit rows = %d, want 3 (shop's two, other's one)", n)
		}
		events, _, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "shop"})
		if err != nil || len(events) != 0 {
			t.Errorf("events of the deleted shop = %+v, %v; want none", events, err)
		}
	})
}
