package auth_test

import (
	"strings"
	"testing"

	"tenx/auth"
)

// TestGrants: a family covers every scope under it, x.write covers x.read,
// and tokens stored with the old family names keep their reach.
func TestGrants(t *testing.T) {
	tests := []struct {
		granted, required string
		want              bool
	}{
		{"analytics.*", "analytics.read", true},
		{"webhooks.*", "webhooks.read", true},
		{"webhooks.*", "webhooks.write", true},
		{"webhooks.write", "webhooks.read", true},
		{"webhooks.read", "webhooks.write", false},
		{"tracking.templates.*", "tracking.templates.write", true},
		{"tracking.*", "tracking.templates.read", true},
		{"personalization.*", "personalization.read", true},
		{"site.*", "site.deployments.write", true},
		{"site.deployments.write", "site.deployments.read", true},
		{"links.*", "linksx.read", false},
		{"analytics.*", "links.read", false},
		{"links.read", "links.write", false},
	}
	for _, tt := range tests {
		if got := auth.Grants([]string{tt.granted}, tt.required); got != tt.want {
			t.Errorf("Grants(%q, %q) = %v, want %v", tt.granted, tt.required, got, tt.want)
		}
	}
}

// TestValidateScopes: concrete scopes and covering families pass, sorted
// and deduplicated; anything else is named.
func TestValidateScopes(t *testing.T) {
	got, err := auth.ValidateScopes([]string{"links.read", "analytics.*", "links.read", "chain.*", "site.deployments.*"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "analytics.*,chain.*,links.read,site.deployments.*"; strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	for _, bad := range []string{"*", "links", "links.admin", "nope.*", "links.read.*", ".*", "analytics.write"} {
		if _, err := auth.ValidateScopes([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, f := range auth.Families {
		if _, err := auth.ValidateScopes([]string{f.Name}); err != nil {
			t.Errorf("family %q refused: %v", f.Name, err)
		}
	}
}
