package server_test

import (
	"net/http"
	"strings"
	"testing"

	"tenx"
	"tenx/store/storetest"
)

// plane is where a family's routes are served: the JWT control plane
// (/v2/handles/{handle}/...) or the PAT plane (/v2/public/handles/{handle}/...).
type plane int

const (
	jwtPlane plane = 1 << iota
	patPlane
)

// noRole is a signed-in user who is no member of the handle.
const noRole tenx.Role = "NONE"

// apiCase is one row of a family's API table.
type apiCase struct {
	name   string
	method string
	path   string // after the plane's prefix, e.g. "/links/new-launch"
	// pathFunc, when set, gives the path when the row runs (for ids that
	// earlier rows made).
	pathFunc func() string
	body     string
	planes   plane       // 0 means both
	role     tenx.Role   // JWT rows: the caller's role on the handle ("" is OWNER, noRole none)
	scopes   []string    // PAT rows: the token's scopes ("" means the table's)
	bearer   bool        // PAT rows: send the PAT as Authorization: Bearer, not X-Api-Key
	header   http.Header // more request headers
	status   int
	code     string // the error code, when status is an error
	field    string // the error's field, when it names one
	// check looks further at the answer; call repeats the row's credential
	// and plane with another request.
	check func(t *testing.T, rec *httpRecorder, call caller)
}

// caller sends a request with a row's credential to a path after its
// plane's prefix, with any extra headers.
type caller func(method, path, body string, header ...http.Header) *httpRecorder

// apiTable runs rows in order against each plane on each database (SQLite,
// and Postgres when TENX_TEST_POSTGRES_URL is set), each on a fresh server
// with a handle "acme" that has an owner, an OPERATOR and a CREATOR, so
// later rows see what earlier rows wrote. PAT rows use a token of the
// handle with the row's scopes, or with scopes.
func apiTable(t *testing.T, scopes []string, rows []apiCase) {
	t.Helper()
	for _, pl := range []plane{jwtPlane, patPlane} {
		name := map[plane]string{jwtPlane: "jwt", patPlane: "pat"}[pl]
		t.Run(name, func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, url string) {
				tc := newTableCaller(t, mustOpenServerAt(t, url), pl, scopes)
				for _, r := range rows {
					if r.planes != 0 && r.planes&pl == 0 {
						continue
					}
					t.Run(r.name, func(t *testing.T) { tc.run(t, r) })
				}
			})
		})
	}
}

// tableCaller holds one plane's server, users and tokens.
type tableCaller struct {
	e      *env
	plane  plane
	scopes []string
	users  map[tenx.Role]user
	pats   map[string]string // by scopes, comma-joined
}

func newTableCaller(t *testing.T, e *env, pl plane, scopes []string) *tableCaller {
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	users := map[tenx.Role]user{tenx.RoleOwner: owner}
	for _, r := range []tenx.Role{tenx.RoleOperator, tenx.RoleCreator, noRole} {
		users[r] = e.MustSignup(t, strings.ToLower(string(r))+"@example.com")
	}
	e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+users[tenx.RoleOperator].ID+`","role":"OPERATOR"},`+
		`{"userId":"`+users[tenx.RoleCreator].ID+`","role":"CREATOR"}]`)
	return &tableCaller{e: e, plane: pl, scopes: scopes, users: users, pats: map[string]string{}}
}

// caller returns the row's credential on the plane.
func (tc *tableCaller) caller(t *testing.T, r apiCase) caller {
	prefix, cred := "/v2/handles/acme", request{}
	if tc.plane == jwtPlane {
		role := r.role
		if role == "" {
			role = tenx.RoleOwner
		}
		cred.token = tc.users[role].Token
	} else {
		prefix = "/v2/public/handles/acme"
		scopes := cmpOr(r.scopes, tc.scopes)
		key := strings.Join(scopes, ",")
		if tc.pats[key] == "" {
			tc.pats[key] = tc.e.MustCreatePAT(t, tc.users[tenx.RoleOwner], "acme", scopes...)
		}
		if r.bearer {
			cred.token = tc.pats[key]
		} else {
			cred.header = http.Header{"X-Api-Key": {tc.pats[key]}}
		}
	}
	return func(method, path, body string, header ...http.Header) *httpRecorder {
		req := cred
		req.method, req.path, req.body = method, prefix+path, body
		if len(header) > 0 && header[0] != nil {
			req.header = cred.header.Clone()
			if req.header == nil {
				req.header = http.Header{}
			}
			for k, v := range header[0] {
				req.header[k] = v
			}
		}
		return tc.e.do(req)
	}
}

// withID has every row's "{id}" replaced, when the row runs, by id(): the
// id of what an earlier row made.
func withID(rows []apiCase, id func() string) []apiCase {
	for i := range rows {
		p := rows[i].path
		rows[i].path = ""
		rows[i].pathFunc = func() string { return strings.ReplaceAll(p, "{id}", id()) }
	}
	return rows
}

func (tc *tableCaller) run(t *testing.T, r apiCase) {
	call := tc.caller(t, r)
	if r.pathFunc != nil {
		r.path = r.pathFunc()
	}
	rec := call(r.method, r.path, r.body, r.header)
	if r.status >= 400 {
		if got := mustError(t, rec, r.status, r.code); got.Field != r.field {
			t.Errorf("field %q, want %q", got.Field, r.field)
		}
	} else {
		mustStatus(t, rec, r.status)
	}
	if r.check != nil {
		r.check(t, rec, call)
	}
}

func cmpOr(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
