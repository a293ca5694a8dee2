package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestHandles(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	operator := e.MustSignup(t, "operator@example.com")
	stranger := e.MustSignup(t, "stranger@example.com")
	rec := e.do(request{method: "POST", path: "/v2/handles", token: owner.Token, body: `{"handle":"acme","displayName":"Acme"}`})
	mustStatus(t, rec, http.StatusCreated)
	if h := decode[struct{ Handle, Role, OwnerID string }](t, rec); h.Handle != "acme" || h.Role != "OWNER" {
		t.Fatalf("created %+v", h)
	}
	e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+operator.ID+`","role":"OPERATOR"}]`)

	tests := []struct {
		name   string
		req    request
		status int
		code   string
	}{
		{"duplicate", request{method: "POST", path: "/v2/handles", token: stranger.Token, body: `{"handle":"acme"}`}, 409, "conflict"},
		{"stranger cannot see it", request{method: "GET", path: "/v2/handles/acme", token: stranger.Token}, 404, "not_found"},
		{"unknown handle", request{method: "GET", path: "/v2/handles/nope", token: owner.Token}, 404, "not_found"},
		{"operator reads", request{method: "GET", path: "/v2/handles/acme", token: operator.Token}, 200, ""},
		{"operator cannot patch", request{method: "PATCH", path: "/v2/handles/acme", token: operator.Token, body: `{"displayName":"x"}`}, 403, "insufficient_role"},
		{"empty patch", request{method: "PATCH", path: "/v2/handles/acme", token: owner.Token, body: `{}`}, 400, "validation_error"},
		{"owner patches", request{method: "PATCH", path: "/v2/handles/acme", token: owner.Token, body: `{"displayName":"Acme Inc"}`}, 200, ""},
		{"operator cannot delete", request{method: "DELETE", path: "/v2/handles/acme", token: operator.Token}, 403, "insufficient_role"},
		{"bad handle in path", request{method: "GET", path: "/v2/handles/NO", token: owner.Token}, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(tt.req)
			if tt.code != "" {
				mustError(t, rec, tt.status, tt.code)
				return
			}
			mustStatus(t, rec, tt.status)
		})
	}
	list := decode[struct {
		Handles []struct{ Handle, DisplayName, Role string }
	}](t,
		e.do(request{method: "GET", path: "/v2/handles", token: operator.Token}))
	if len(list.Handles) != 1 || list.Handles[0].Role != "OPERATOR" || list.Handles[0].DisplayName != "Acme Inc" {
		t.Fatalf("list %+v", list)
	}
	mustStatus(t, e.do(request{method: "DELETE", path: "/v2/handles/acme", token: owner.Token}), http.StatusNoContent)
	mustError(t, e.do(request{method: "GET", path: "/v2/handles/acme", token: owner.Token}), 404, "not_found")
}

func TestCollaborators(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	a := e.MustSignup(t, "a@example.com")
	b := e.MustSignup(t, "b@example.com")
	e.MustCreateHandle(t, owner, "acme")
	put := func(list string) request {
		return request{method: "PUT", path: "/v2/handles/acme/collaborators", token: owner.Token, body: `{"collaborators":` + list + `}`}
	}
	entry := func(id, role string) string { return fmt.Sprintf(`{"userId":%q,"role":%q}`, id, role) }
	var hundredOne []string
	for i := 0; i < 101; i++ {
		hundredOne = append(hundredOne, entry(fmt.Sprintf("usr_%d", i), "CREATOR"))
	}
	bad := []struct{ name, list string }{
		{"unknown user", "[" + entry("usr_nobody", "CREATOR") + "]"},
		{"bad role", "[" + entry(a.ID, "ADMIN") + "]"},
		{"owner role", "[" + entry(a.ID, "OWNER") + "]"},
		{"owner listed", "[" + entry(owner.ID, "OPERATOR") + "]"},
		{"duplicate", "[" + entry(a.ID, "CREATOR") + "," + entry(a.ID, "OPERATOR") + "]"},
		{"over 100", "[" + strings.Join(hundredOne, ",") + "]"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			mustError(t, e.do(put(tt.list)), 400, "invalid_collaborators")
		})
	}
	mustError(t, e.do(request{method: "PUT", path: "/v2/handles/acme/collaborators", token: owner.Token, body: `{"collaborators":"x"}`}), 400, "validation_error")

	rec := e.do(put("[" + entry(a.ID, "CREATOR") + "," + entry(b.ID, "OPERATOR") + "]"))
	mustStatus(t, rec, http.StatusOK)
	got := decode[collaborators](t, e.do(request{method: "GET", path: "/v2/handles/acme/collaborators", token: a.Token}))
	if got.Owner.UserID != owner.ID || got.Owner.Role != "OWNER" || len(got.Collaborators) != 2 {
		t.Fatalf("collaborators %+v", got)
	}
	mustError(t, e.do(request{method: "PUT", path: "/v2/handles/acme/collaborators", token: b.Token, body: `{"collaborators":[]}`}), 403, "insufficient_role")
	t.Run("removal takes effect at once", func(t *testing.T) {
		mustStatus(t, e.do(put("["+entry(b.ID, "OPERATOR")+"]")), http.StatusOK)
		mustError(t, e.do(request{method: "GET", path: "/v2/handles/acme", token: a.Token}), 404, "not_found")
	})
}

type collaborators struct {
	Owner         struct{ UserID, Role string } `json:"owner"`
	Collaborators []struct {
		UserID string `json:"userId"`
		Role   string `json:"role"`
	} `json:"collaborators"`
}

func TestTransferOwnership(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	heir := e.MustSignup(t, "heir@example.com")
	e.MustCreateHandle(t, owner, "acme")
	transfer := func(tok, body string) request {
		return request{method: "POST", path: "/v2/handles/acme/transfer-ownership", token: tok, body: body}
	}
	mustError(t, e.do(transfer(owner.Token, `{}`)), 400, "new_owner_required")
	mustError(t, e.do(transfer(owner.Token, `{"newOwnerUserId":""}`)), 400, "new_owner_required")
	mustError(t, e.do(transfer(owner.Token, `{"newOwnerUserId":"usr_nobody"}`)), 404, "not_found")
	mustError(t, e.do(transfer(heir.Token, `{"newOwnerUserId":"`+heir.ID+`"}`)), 404, "not_found")

	rec := e.do(transfer(owner.Token, `{"newOwnerUserId":"`+heir.ID+`"}`))
	mustStatus(t, rec, http.StatusOK)
	got := decode[collaborators](t, rec)
	if got.Owner.UserID != heir.ID || len(got.Collaborators) != 1 || got.Collaborators[0].UserID != owner.ID || got.Collaborators[0].Role != "OPERATOR" {
		t.Fatalf("after transfer %+v", got)
	}
	mustError(t, e.do(request{method: "PATCH", path: "/v2/handles/acme", token: owner.Token, body: `{"displayName":"x"}`}), 403, "insufficient_role")
	mustStatus(t, e.do(request{method: "PATCH", path: "/v2/handles/acme", token: heir.Token, body: `{"displayName":"x"}`}), 200)
}

func TestListUsers(t *testing.T) {
	e := MustOpenServer(t)
	admin := e.MustCreateAdmin(t, "admin@example.com")
	e.MustSignup(t, "a@example.com")
	e.MustSignup(t, "b@example.com")
	seen := map[string]bool{}
	next := ""
	for page := 0; page < 5; page++ {
		path := "/v2/platform-admin/users?limit=2"
		if next != "" {
			path += "&nextToken=" + next
		}
		body := decode[struct {
			Users     []struct{ Email string }
			NextToken string
		}](t, e.do(request{method: "GET", path: path, token: admin.Token}))
		for _, u := range body.Users {
			seen[u.Email] = true
		}
		if next = body.NextToken; next == "" {
			break
		}
	}
	if len(seen) != 3 {
		t.Fatalf("paged through %v", seen)
	}
	mustError(t, e.do(request{method: "GET", path: "/v2/platform-admin/users?nextToken=%21%21", token: admin.Token}), 400, "validation_error")
}
