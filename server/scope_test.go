package server_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"tenx/auth"
	"tenx/openapi"
)

// TestScopeCatalogueMatchesSpec keeps the published x-scopes and the table
// in code equal, so docs and generated clients see what is enforced.
func TestScopeCatalogueMatchesSpec(t *testing.T) {
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := doc.Extensions["x-scopes"].([]any)
	if !ok {
		t.Fatalf("x-scopes is %T", doc.Extensions["x-scopes"])
	}
	var spec []auth.Scope
	for _, item := range raw {
		m, _ := item.(map[string]any)
		name, _ := m["name"].(string)
		desc, _ := m["description"].(string)
		spec = append(spec, auth.Scope{Name: name, Description: desc})
	}
	if diff := cmp.Diff(auth.Scopes, spec); diff != "" {
		t.Fatalf("x-scopes differs from auth.Scopes (-code +spec):\n%s", diff)
	}
}

// TestEveryPATScopeIsInTheCatalogue: an operation cannot demand a scope
// no token can be granted.
func TestEveryPATScopeIsInTheCatalogue(t *testing.T) {
	for _, o := range specOperations(t) {
		scopes, _ := o.patScopes()
		if _, err := auth.ValidateScopes(append([]string{"links.read"}, scopes...)); err != nil {
			t.Errorf("%s %s: %v", o.method, o.path, err)
		}
	}
}
