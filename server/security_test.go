package server_test

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"tenx/auth"
	"tenx/openapi"
)

// specOperation is one operation of the embedded spec.
type specOperation struct {
	method, path string
	op           *openapi3.Operation
}

func specOperations(t *testing.T) []specOperation {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	var out []specOperation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, specOperation{method: method, path: path, op: op})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	if len(out) < 15 {
		t.Fatalf("only %d operations in the spec", len(out))
	}
	return out
}

func (o specOperation) schemes() map[string]bool {
	out := map[string]bool{}
	for _, alt := range *o.op.Security {
		for name := range alt {
			out[name] = true
		}
	}
	return out
}

func (o specOperation) minRole() string {
	r, _ := o.op.Extensions["x-min-role"].(string)
	return r
}

func (o specOperation) platformAdmin() bool {
	b, _ := o.op.Extensions["x-platform-admin"].(bool)
	return b
}

// concretePath fills the path parameters with valid values.
func (o specOperation) concretePath(handle string) string {
	return strings.NewReplacer("{handle}", handle, "{slug}", "launch", "{tokenId}", "tok_unknown",
		"{handleName}", handle, "{userId}", "usr_unknown", "{domain}", "unknown.example.com",
		"{campaignId}", "launch", "{fileId}", "fil_unknown", "{deploymentId}", "dep_unknown",
		"{webhookId}", "whk_unknown", "{deliveryId}", "dlv_unknown",
		"{uploadToken}", "u.upl_unknown.1.sig", "{downloadToken}", "d.fil_unknown.1.sig", "{ruleId}", "r_unknown", "{templateId}", "tpl_unknown", "{key}", "no-such-key", "{sessionId}", "s_unknown").Replace(o.path)
}

// TestEveryOperationDeclaresSecurity keeps the spec honest: security is
// explicit on each operation, handle-scoped JWT operations name a minimum
// role, and every operation documents its auth failures.
func TestEveryOperationDeclaresSecurity(t *testing.T) {
	for _, o := range specOperations(t) {
		name := o.method + " " + o.path
		if o.op.Security == nil {
			t.Errorf("%s: no explicit security (use security: [] for public operations)", name)
			continue
		}
		if o.op.OperationID == "" || o.op.Summary == "" || len(o.op.Tags) == 0 {
			t.Errorf("%s: needs operationId, summary and a tag", name)
		}
		if len(*o.op.Security) == 0 {
			continue
		}
		if strings.Contains(o.path, "{handle}") && o.schemes()["jwtBearer"] && o.minRole() == "" {
			t.Errorf("%s: handle-scoped JWT operation without x-min-role", name)
		}
		for _, code := range []string{"401", "403", "500"} {
			if o.op.Responses.Value(code) == nil {
				t.Errorf("%s: does not declare its %s response", name, code)
			}
		}
	}
}

// TestSecurityEnforcedOnEveryOperation walks every operation of the spec
// and proves that the middleware enforces what it declares: no credential,
// the wrong kind of credential and too low a role are refused with the
// documented codes, and the right credential gets past auth. An operation
// added later without enforcement fails here.
func TestSecurityEnforcedOnEveryOperation(t *testing.T) {
	for _, o := range specOperations(t) {
		t.Run(o.method+" "+o.path, func(t *testing.T) {
			t.Parallel()
			e := MustOpenServer(t)
			owner := e.MustSignup(t, "owner@example.com")
			e.MustCreateHandle(t, owner, "acme")
			path := o.concretePath("acme")
			if strings.Contains(path, "{") {
				t.Fatalf("add a value for the path parameter of %s to concretePath", path)
			}
			if len(*o.op.Security) == 0 {
				// A public operation may refuse for its own reasons (refresh
				// without a cookie), never for want of a bearer token.
				rec := e.do(request{method: o.method, path: path})
				if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
					return // a redirect or a document, not an error
				}
				switch code := decode[errorBody](t, rec).Error; code {
				case "missing_bearer_token", "invalid_token", "insufficient_scope", "insufficient_role":
					t.Fatalf("public operation answered %d %s", rec.Code, code)
				}
				return
			}
			rec := e.do(request{method: o.method, path: path, body: "{}"})
			mustError(t, rec, http.StatusUnauthorized, "missing_bearer_token")
			walkWrongCredential(t, e, o, path)
			walkRole(t, e, o, path, owner)
			walkPAT(t, e, o, path, owner)
		})
	}
}

func walkWrongCredential(t *testing.T, e *env, o specOperation, path string) {
	s := o.schemes()
	pat := "patv1_tok_AAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
	if s["jwtBearer"] && !s["patBearer"] && !s["patApiKey"] {
		mustError(t, e.do(request{method: o.method, path: path, token: pat, body: "{}"}), http.StatusForbidden, "insufficient_scope")
		mustError(t, e.do(request{method: o.method, path: path, body: "{}", header: http.Header{"X-Api-Key": {pat}}}),
			http.StatusForbidden, "insufficient_scope")
	}
	if !s["jwtBearer"] {
		u := e.MustSignup(t, "jwt-user@example.com")
		mustError(t, e.do(request{method: o.method, path: path, token: u.Token, body: "{}"}), http.StatusUnauthorized, "invalid_token_format")
	}
	if s["jwtBearer"] {
		mustError(t, e.do(request{method: o.method, path: path, token: "not.a.jwt", body: "{}"}), http.StatusUnauthorized, "invalid_token")
	}
}

func walkRole(t *testing.T, e *env, o specOperation, path string, owner user) {
	if !o.schemes()["jwtBearer"] {
		return
	}
	stranger := e.MustSignup(t, "stranger@example.com")
	creator := e.MustSignup(t, "creator@example.com")
	e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+creator.ID+`","role":"CREATOR"}]`)
	switch {
	case o.platformAdmin():
		mustError(t, e.do(request{method: o.method, path: path, token: owner.Token, body: "{}"}), http.StatusForbidden, "insufficient_role")
		admin := e.MustCreateAdmin(t, "admin@example.com")
		mustPassAuth(t, e.do(request{method: o.method, path: path, token: admin.Token}))
	case o.minRole() != "":
		mustError(t, e.do(request{method: o.method, path: path, token: stranger.Token, body: "{}"}), http.StatusNotFound, "not_found")
		if o.minRole() != "CREATOR" {
			mustError(t, e.do(request{method: o.method, path: path, token: creator.Token, body: "{}"}), http.StatusForbidden, "insufficient_role")
		}
		mustPassAuth(t, e.do(request{method: o.method, path: path, token: owner.Token, body: "{}"}))
	default:
		mustPassAuth(t, e.do(request{method: o.method, path: path, token: stranger.Token, body: "{}"}))
	}
}

// patScopes returns the scopes an operation declares for PATs, and whether
// it takes PATs at all.
func (o specOperation) patScopes() ([]string, bool) {
	for _, alt := range *o.op.Security {
		for name, scopes := range alt {
			if name == "patBearer" || name == "patApiKey" {
				return scopes, true
			}
		}
	}
	return nil, false
}

// walkPAT proves scope enforcement: a token lacking the scope, a token of
// another handle, a revoked and a malformed token are refused; a token
// with exactly the declared scopes, in either header, gets past auth.
func walkPAT(t *testing.T, e *env, o specOperation, path string, owner user) {
	required, ok := o.patScopes()
	if !ok {
		return
	}
	exact := e.MustCreatePAT(t, owner, "acme", scopesOrAny(required)...)
	mustPassAuth(t, e.do(request{method: o.method, path: path, token: exact, body: "{}"}))
	mustPassAuth(t, e.do(request{method: o.method, path: path, body: "{}", header: http.Header{"X-Api-Key": {exact}}}))
	if len(required) > 0 {
		other := e.MustCreatePAT(t, owner, "acme", scopeNotGranting(required))
		b := mustError(t, e.do(request{method: o.method, path: path, token: other, body: "{}"}), 403, "insufficient_scope")
		if strings.Join(b.RequiredScopes, ",") != strings.Join(required, ",") {
			t.Errorf("requiredScopes %v, want %v", b.RequiredScopes, required)
		}
	}
	e.MustCreateHandle(t, owner, "other")
	foreign := e.MustCreatePAT(t, owner, "other", scopesOrAny(required)...)
	mustError(t, e.do(request{method: o.method, path: path, token: foreign, body: "{}"}), 403, "insufficient_scope")
	mustError(t, e.do(request{method: o.method, path: path, token: mistype(exact), body: "{}"}), 401, "invalid_token")
	e.MustRevokePAT(t, owner, "acme", exact)
	mustError(t, e.do(request{method: o.method, path: path, token: exact, body: "{}"}), 401, "token_revoked")
}

// mistype changes the last character of a token, as a typo would.
func mistype(token string) string {
	last := token[len(token)-1]
	repl := byte('x')
	if last == 'x' {
		repl = 'y'
	}
	return token[:len(token)-1] + string(repl)
}

func scopesOrAny(scopes []string) []string {
	if len(scopes) == 0 {
		return []string{"chain.signal.write"}
	}
	return scopes
}

// scopeNotGranting picks a catalogue scope that grants none of required.
func scopeNotGranting(required []string) string {
	for _, s := range auth.Scopes {
		if !slices.ContainsFunc(required, func(r string) bool { return auth.Grants([]string{s.Name}, r) }) {
			return s.Name
		}
	}
	panic("every scope grants " + strings.Join(required, ","))
}

// mustPassAuth: whatever the operation thinks of the body, auth let it in.
func mustPassAuth(t *testing.T, rec interface{ Result() *http.Response }) {
	t.Helper()
	if c := rec.Result().StatusCode; c == http.StatusUnauthorized || c == http.StatusForbidden || c >= 500 {
		t.Fatalf("the right credential was refused or failed: %d", c)
	}
}
