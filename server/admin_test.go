package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"tenx/store/storetest"
)

type adminUserBody struct {
	ID       string `json:"id"`
	Email    string
	Disabled bool
	Plan     string
}

type adminHandleBody struct {
	Handle, OwnerEmail string
	Suspended          bool
}

// adminActions returns the actions of the admin audit list, newest first,
// as "action target by actor".
func (e *env) adminActions(admin user) []string {
	e.t.Helper()
	rec := e.do(request{method: "GET", path: "/v2/platform-admin/audit-events", token: admin.Token})
	mustStatus(e.t, rec, http.StatusOK)
	var out []string
	for _, ev := range decode[struct {
		Events []struct{ Action, TargetID, ActorUserID string }
	}](e.t, rec).Events {
		out = append(out, ev.Action+" "+ev.TargetID+" by "+ev.ActorUserID)
	}
	return out
}

// TestAdminLists pages and searches users and handles.
func TestAdminLists(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		admin := e.MustCreateAdmin(t, "admin@example.com")
		for _, name := range []string{"alpha", "beta", "gamma"} {
			u := e.MustSignup(t, name+"@example.com")
			e.MustCreateHandle(t, u, name+"-shop")
		}
		get := func(path string) *httpRecorder {
			return e.do(request{method: "GET", path: path, token: admin.Token})
		}
		var emails []string
		next := ""
		for range 4 {
			rec := get("/v2/platform-admin/users?limit=2&nextToken=" + next)
			mustStatus(t, rec, http.StatusOK)
			page := decode[struct {
				Users     []adminUserBody
				NextToken string
			}](t, rec)
			for _, u := range page.Users {
				emails = append(emails, u.Email)
				if u.Plan != "FREE" || u.Disabled {
					t.Errorf("user %+v", u)
				}
			}
			if next = page.NextToken; next == "" {
				break
			}
		}
		slices.Sort(emails)
		if strings.Join(emails, ",") != "admin@example.com,alpha@example.com,beta@example.com,gamma@example.com" {
			t.Fatalf("paged users %v", emails)
		}
		found := decode[struct{ Users []adminUserBody }](t, get("/v2/platform-admin/users?q=BET"))
		if len(found.Users) != 1 || found.Users[0].Email != "beta@example.com" {
			t.Fatalf("search users %+v", found)
		}
		if got := decode[struct{ Users []adminUserBody }](t, get("/v2/platform-admin/users?q=%25")); len(got.Users) != 0 {
			t.Fatalf("%% is no wildcard: %+v", got)
		}
		handles := decode[struct {
			Handles   []adminHandleBody
			NextToken string
		}](t, get("/v2/platform-admin/handles?limit=2"))
		if len(handles.Handles) != 2 || handles.Handles[0].Handle != "alpha-shop" || handles.NextToken == "" ||
			handles.Handles[0].OwnerEmail != "alpha@example.com" {
			t.Fatalf("handles %+v", handles)
		}
		found2 := decode[struct{ Handles []adminHandleBody }](t, get("/v2/platform-admin/handles?q=gam"))
		if len(found2.Handles) != 1 || found2.Handles[0].Handle != "gamma-shop" {
			t.Fatalf("search handles %+v", found2)
		}
		mustError(t, get("/v2/platform-admin/handles?nextToken=%21%21"), http.StatusBadRequest, "validation_error")
	})
}

// TestDisableUser: a disabled user's sessions and PATs stop at once on
// this instance and within a second on another; login answers 403
// account_disabled; enabling lets them sign in again; each action leaves
// an audit row naming the admin.
func TestDisableUser(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		admin := e.MustCreateAdmin(t, "admin@example.com")
		u := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, u, "acme")
		pat := e.MustCreatePAT(t, u, "acme", "links.read")
		other := mustBuild(t, e.db, e.clock)
		me := request{method: "GET", path: "/v2/auth/me", token: u.Token}
		links := request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}
		for _, inst := range []*env{e, other} { // both instances have cached the credentials
			mustStatus(t, inst.do(me), http.StatusOK)
			mustStatus(t, inst.do(links), http.StatusOK)
		}

		rec := e.do(request{method: "POST", path: "/v2/platform-admin/users/" + u.ID + "/disable", token: admin.Token})
		mustStatus(t, rec, http.StatusOK)
		if got := decode[adminUserBody](t, rec); !got.Disabled || got.ID != u.ID {
			t.Fatalf("disabled %+v", got)
		}
		mustError(t, e.do(me), http.StatusUnauthorized, "token_revoked")
		mustError(t, e.do(links), http.StatusForbidden, "account_disabled")
		e.clock.Add(time.Second)
		mustError(t, other.do(me), http.StatusUnauthorized, "token_revoked")
		mustError(t, other.do(links), http.StatusForbidden, "account_disabled")
		login := request{method: "POST", path: "/v2/auth/login", body: `{"email":"owner@example.com","password":"` + password + `"}`}
		mustError(t, e.do(login), http.StatusForbidden, "account_disabled")
		wrong := request{method: "POST", path: "/v2/auth/login", body: `{"email":"owner@example.com","password":"not the password"}`}
		mustError(t, e.do(wrong), http.StatusUnauthorized, "invalid_credentials")
		mustError(t, e.do(request{method: "POST", path: "/v2/auth/refresh", header: http.Header{"Cookie": {"_10x_admin_refresh=" + u.Refresh}}}),
			http.StatusUnauthorized, "invalid_refresh_token")
		mustStatus(t, e.do(request{method: "POST", path: "/v2/platform-admin/users/" + u.ID + "/disable", token: admin.Token}), http.StatusOK)

		mustStatus(t, other.do(request{method: "POST", path: "/v2/platform-admin/users/" + u.ID + "/enable", token: admin.Token}), http.StatusOK)
		mustStatus(t, other.do(login), http.StatusOK)
		mustStatus(t, other.do(links), http.StatusOK)
		e.clock.Add(time.Second)
		mustStatus(t, e.do(links), http.StatusOK)

		mustError(t, e.do(request{method: "POST", path: "/v2/platform-admin/users/" + admin.ID + "/disable", token: admin.Token}),
			http.StatusConflict, "conflict")
		mustError(t, e.do(request{method: "POST", path: "/v2/platform-admin/users/usr_nobody/disable", token: admin.Token}),
			http.StatusNotFound, "not_found")
		mustError(t, e.do(request{method: "POST", path: "/v2/platform-admin/users/usr_nobody/enable", token: admin.Token}),
			http.StatusNotFound, "not_found")
		mustError(t, e.do(request{method: "PUT", path: "/v2/platform-admin/users/usr_nobody/plan", token: admin.Token,
			body: `{"plan":"PRO"}`}), http.StatusNotFound, "not_found")
		mustError(t, e.do(request{method: "POST", path: "/v2/platform-admin/users/" + u.ID + "/disable", token: u.Token}),
			http.StatusUnauthorized, "token_revoked")
		want := []string{"user.enabled " + u.ID + " by " + admin.ID, "user.disabled " + u.ID + " by " + admin.ID}
		if got := e.adminActions(admin); !slices.Equal(got, want) {
			t.Fatalf("admin actions %q, want %q", got, want)
		}
	})
}

// TestSuspendHandle: while suspended, the handle's PATs get 403
// handle_suspended, its short links 404 (here at once, on another
// instance within a second), and its members read but do not write.
func TestSuspendHandle(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		admin := e.MustCreateAdmin(t, "admin@example.com")
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: owner.Token,
			body: `{"destinationUrl":"https://example.com/launch"}`}), http.StatusCreated)
		pat := e.MustCreatePAT(t, owner, "acme", "links.read")
		other := mustBuild(t, e.db, e.clock)
		follow := request{method: "GET", path: "/acme/launch"}
		mustStatus(t, other.do(follow), http.StatusFound)

		rec := e.do(request{method: "POST", path: "/v2/platform-admin/handles/acme/suspend", token: admin.Token})
		mustStatus(t, rec, http.StatusOK)
		if got := decode[adminHandleBody](t, rec); !got.Suspended || got.Handle != "acme" {
			t.Fatalf("suspended %+v", got)
		}
		mustError(t, e.do(follow), http.StatusNotFound, "not_found")
		mustError(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), http.StatusForbidden, "handle_suspended")
		e.clock.Add(time.Second)
		mustError(t, other.do(follow), http.StatusNotFound, "not_found")
		mustStatus(t, e.do(request{method: "GET", path: "/v2/handles/acme/links", token: owner.Token}), http.StatusOK)
		mustStatus(t, e.do(request{method: "GET", path: "/v2/handles/acme/tokens", token: owner.Token}), http.StatusOK)
		mustError(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/other", token: owner.Token,
			body: `{"destinationUrl":"https://example.com/x"}`}), http.StatusForbidden, "handle_suspended")
		mustError(t, e.do(request{method: "POST", path: "/v2/platform-admin/handles/nope/suspend", token: admin.Token}),
			http.StatusNotFound, "not_found")

		mustStatus(t, e.do(request{method: "POST", path: "/v2/platform-admin/handles/acme/unsuspend", token: admin.Token}), http.StatusOK)
		mustStatus(t, e.do(follow), http.StatusFound)
		mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), http.StatusOK)
		want := []string{"handle.unsuspended acme by " + admin.ID, "handle.suspended acme by " + admin.ID}
		if got := e.adminActions(admin); !slices.Equal(got, want) {
			t.Fatalf("admin actions %q, want %q", got, want)
		}
	})
}

// TestRevokeAnyToken: an admin revokes another user's PAT at once.
func TestRevokeAnyToken(t *testing.T) {
	e := MustOpenServer(t)
	admin := e.MustCreateAdmin(t, "admin@example.com")
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pat := e.MustCreatePAT(t, owner, "acme", "links.read")
	id := strings.TrimPrefix(strings.SplitN(pat, ".", 2)[0], "patv1_")
	mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), http.StatusOK)
	mustStatus(t, e.do(request{method: "DELETE", path: "/v2/platform-admin/tokens/" + id, token: admin.Token}), http.StatusNoContent)
	mustError(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), http.StatusUnauthorized, "token_revoked")
	mustError(t, e.do(request{method: "DELETE", path: "/v2/platform-admin/tokens/" + id, token: admin.Token}), http.StatusNotFound, "not_found")
	mustError(t, e.do(request{method: "DELETE", path: "/v2/platform-admin/tokens/tok_unknown", token: admin.Token}), http.StatusNotFound, "not_found")
	if got := e.adminActions(admin); !slices.Equal(got, []string{"token.revoked " + id + " by " + admin.ID}) {
		t.Fatalf("admin actions %q", got)
	}
}
