package auth_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/auth"
	"tenx/store/storetest"
)

func TestAuthorize(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		e := mustOpenEnv(t, url)
		users := map[string]*auth.Grant{}
		for _, name := range []string{"owner", "operator", "creator", "outsider", "admin"} {
			users[name] = e.mustSignupAndLogin(t, name+"@example.com", name == "admin")
		}
		if err := e.db.CreateHandle(t.Context(), &tenx.Handle{Name: "acme", OwnerID: users["owner"].User.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.ReplaceCollaborators(t.Context(), "acme", []tenx.Collaborator{
			{UserID: users["operator"].User.ID, Role: tenx.RoleOperator},
			{UserID: users["creator"].User.ID, Role: tenx.RoleCreator},
		}); err != nil {
			t.Fatal(err)
		}
		jwtOf := func(name string) auth.Credential { return auth.Credential{Token: users[name].AccessToken} }
		principal := func(name string, handle string, role tenx.Role) *tenx.Principal {
			g := users[name]
			return &tenx.Principal{Kind: tenx.CredentialJWT, UserID: g.User.ID, SessionID: g.SessionID,
				IsAdmin: name == "admin", Handle: handle, Role: role}
		}
		pat := auth.Credential{Token: "patv1_tok_abc.secret", PAT: true}
		jwtOnly := auth.Requirement{JWT: true}
		patOnly := auth.Requirement{PAT: true, PATScopes: []string{"links.read"}}
		operator := auth.Requirement{JWT: true, MinRole: tenx.RoleOperator}

		tests := []struct {
			name    string
			req     auth.Requirement
			cred    auth.Credential
			absent  bool // no credential presented
			handle  string
			want    *tenx.Principal
			wantErr string
		}{
			{name: "public, no credential", req: auth.Requirement{Public: true}, absent: true},
			{name: "public ignores a bad credential", req: auth.Requirement{Public: true},
				cred: auth.Credential{Token: "garbage"}},
			{name: "no credential", req: jwtOnly, absent: true, wantErr: tenx.EMISSINGBEARER},
			{name: "no credential on a PAT route", req: patOnly, absent: true, wantErr: tenx.EMISSINGBEARER},
			{name: "JWT", req: jwtOnly, cred: jwtOf("owner"), want: principal("owner", "", "")},
			{name: "JWT on a JWT-or-PAT route", req: auth.Requirement{JWT: true, PAT: true},
				cred: jwtOf("creator"), want: principal("creator", "", "")},
			{name: "bad JWT", req: jwtOnly, cred: auth.Credential{Token: "garbage"}, wantErr: tenx.EINVALIDTOKEN},
			{name: "PAT on a JWT-only route", req: jwtOnly, cred: pat, wantErr: tenx.EINSUFFICIENTSCOPE},
			{name: "PAT on an admin route", req: auth.Requirement{JWT: true, PlatformAdmin: true},
				cred: pat, wantErr: tenx.EINSUFFICIENTSCOPE},
			{name: "unknown PAT on a PAT route", req: patOnly, cred: pat, wantErr: tenx.EINVALIDTOKEN},
			{name: "JWT on a PAT-only route", req: patOnly, cred: jwtOf("owner"), wantErr: tenx.EINVALIDTOKENFORMAT},
			{name: "admin route, not an admin", req: auth.Requirement{JWT: true, PlatformAdmin: true},
				cred: jwtOf("owner"), wantErr: tenx.EINSUFFICIENTROLE},
			{name: "admin route, admin", req: auth.Requirement{JWT: true, PlatformAdmin: true},
				cred: jwtOf("admin"), want: principal("admin", "", "")},
			{name: "role, no membership", req: operator, cred: jwtOf("outsider"), handle: "acme",
				wantErr: tenx.ENOTFOUND},
			{name: "role, unknown handle", req: operator, cred: jwtOf("owner"), handle: "nothing",
				wantErr: tenx.ENOTFOUND},
			{name: "role, no handle", req: operator, cred: jwtOf("owner"), wantErr: tenx.ENOTFOUND},
			{name: "role too low", req: operator, cred: jwtOf("creator"), handle: "acme",
				wantErr: tenx.EINSUFFICIENTROLE},
			{name: "role exactly", req: operator, cred: jwtOf("operator"), handle: "acme",
				want: principal("operator", "acme", tenx.RoleOperator)},
			{name: "role above", req: operator, cred: jwtOf("owner"), handle: "acme",
				want: principal("owner", "acme", tenx.RoleOwner)},
			{name: "lowest role", req: auth.Requirement{JWT: true, MinRole: tenx.RoleCreator},
				cred: jwtOf("creator"), handle: "acme", want: principal("creator", "acme", tenx.RoleCreator)},
			{name: "owner only", req: auth.Requirement{JWT: true, MinRole: tenx.RoleOwner},
				cred: jwtOf("operator"), handle: "acme", wantErr: tenx.EINSUFFICIENTROLE},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := e.authn.Authorize(t.Context(), &tt.req, tt.cred, !tt.absent, tt.handle)
				checkCode(t, err, tt.wantErr)
				if diff := cmp.Diff(tt.want, p); diff != "" {
					t.Errorf("principal (-want +got):\n%s", diff)
				}
			})
		}

		// A handle-scoped answer must not leak into the cached principal.
		p := mustAuthenticate(t, e, users["owner"].AccessToken)
		if diff := cmp.Diff(principal("owner", "", ""), p); diff != "" {
			t.Errorf("principal after a scoped Authorize (-want +got):\n%s", diff)
		}
	})
}
