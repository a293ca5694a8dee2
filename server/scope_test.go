package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tenx/auth"
	"tenx/openapi"
)

// TestScopeCatalogueMatchesSpec keeps the published x-scopes and
// x-scope-families equal to the tables in code, so docs, the dashboard's
// picker and generated clients see what is enforced.
func TestScopeCatalogueMatchesSpec(t *testing.T) {
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	for ext, want := range map[string][]auth.Scope{"x-scopes": auth.Scopes, "x-scope-families": auth.Families} {
		raw, ok := doc.Extensions[ext].([]any)
		if !ok {
			t.Fatalf("%s is %T", ext, doc.Extensions[ext])
		}
		var spec []auth.Scope
		for _, item := range raw {
			m, _ := item.(map[string]any)
			name, _ := m["name"].(string)
			desc, _ := m["description"].(string)
			spec = append(spec, auth.Scope{Name: name, Description: desc})
		}
		if diff := cmp.Diff(want, spec); diff != "" {
			t.Errorf("%s differs from the code (-code +spec):\n%s", ext, diff)
		}
	}
}

// TestEveryPATScopeIsInTheCatalogue: an operation declares concrete scopes
// only, each one a token can be granted.
func TestEveryPATScopeIsInTheCatalogue(t *testing.T) {
	for _, o := range specOperations(t) {
		scopes, _ := o.patScopes()
		for _, s := range scopes {
			if !auth.IsConcreteScope(s) {
				t.Errorf("%s %s: %q is not a concrete scope of the catalogue", o.method, o.path, s)
			}
		}
	}
}

// TestSeedScopesAreAccepted: the seed documents name scopes both ways,
// concrete (analytics.read, webhooks.write) and as families (analytics.*);
// both must work as written.
func TestSeedScopesAreAccepted(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	for _, body := range []string{
		`{"name":"ci-links","scopes":["links.read","links.write","analytics.read"],"expiresInDays":30}`,
		`{"name":"ci-analytics-reader","scopes":["analytics.*","links.read"]}`,
		`{"name":"hooks","scopes":["webhooks.write"]}`,
		`{"name":"families","scopes":["tracking.templates.*","personalization.*","webhooks.*"]}`,
		`{"name":"wider","scopes":["site.*","tracking.*","chain.signal.*","audit.read","usage.*"]}`,
	} {
		rec := e.do(request{method: "POST", path: "/v2/handles/acme/tokens", token: owner.Token, body: body})
		if rec.Code != http.StatusCreated {
			t.Errorf("%s: got %d %s, want 201", body, rec.Code, rec.Body.String())
		}
	}
}

// TestUnknownScopesAreNamed: the message lists every unknown name and the
// valid ones; a wildcard must cover a real scope.
func TestUnknownScopesAreNamed(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	body := `{"name":"ci","scopes":["links.read","links.admin","*","nope.*","links","analytics.write"]}`
	b := mustError(t, e.do(request{method: "POST", path: "/v2/handles/acme/tokens", token: owner.Token, body: body}),
		400, "validation_error")
	for _, want := range []string{"links.admin", "*", "nope.*", "links,", "analytics.write"} {
		if !strings.Contains(b.Message, want) {
			t.Errorf("unknown %q not named in %q", want, b.Message)
		}
	}
	valid := b.Message[strings.Index(b.Message, "valid scopes"):]
	for _, s := range append(append([]auth.Scope{}, auth.Scopes...), auth.Families...) {
		if !strings.Contains(valid, s.Name) {
			t.Errorf("valid scope %q not listed in %q", s.Name, b.Message)
		}
	}
}

// TestFamilyTokensAuthorizeConcreteOperations: tokens granted a family (as
// tokens created before the concrete catalogue were) keep working.
func TestFamilyTokensAuthorizeConcreteOperations(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	for _, scope := range []string{"links.*", "links.write", "links.read"} {
		pat := e.MustCreatePAT(t, owner, "acme", scope)
		mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), http.StatusOK)
	}
	pat := e.MustCreatePAT(t, owner, "acme", "analytics.*", "webhooks.*")
	mustError(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), 403, "insufficient_scope")
}
