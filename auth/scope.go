package auth

import (
	"sort"
	"strings"

	"tenx"
)

// Scope is one PAT permission of the catalogue.
type Scope struct {
	Name        string
	Description string
}

// Scopes is the PAT scope catalogue (PRODUCT.md section 4). The spec
// publishes the same table as `x-scopes`; a test keeps them equal.
var Scopes = []Scope{
	{"links.read", "List and read links."},
	{"links.write", "Create, update and delete links."},
	{"analytics.*", "Query analytics and export data."},
	{"webhooks.*", "Create, list, delete and test webhook subscriptions."},
	{"files.read", "List and read files."},
	{"files.write", "Upload and delete files."},
	{"site.deployments.read", "List site deployments and fetch preview URLs."},
	{"site.deployments.write", "Create site deployments."},
	{"pages.read", "List creator pages and read campaign structures."},
	{"pages.write", "Create, update and publish pages and campaign structures."},
	{"tracking.templates.*", "Manage tracking templates."},
	{"chain.signal.write", "Submit chain signals."},
	{"personalization.*", "Read personalization rules (writing them needs a JWT)."},
}

var knownScopes = func() map[string]bool {
	m := make(map[string]bool, len(Scopes))
	for _, s := range Scopes {
		m[s.Name] = true
	}
	return m
}()

// ValidateScopes rejects an empty list and names every unknown scope.
// It returns the scopes sorted and without duplicates.
func ValidateScopes(scopes []string) ([]string, error) {
	var unknown []string
	set := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		if !knownScopes[s] {
			unknown = append(unknown, s)
		}
		set[s] = true
	}
	if len(unknown) > 0 {
		return nil, &tenx.Error{Code: tenx.EVALIDATION, Field: "scopes",
			Message: "unknown scopes: " + strings.Join(unknown, ", ")}
	}
	if len(set) == 0 {
		return nil, &tenx.Error{Code: tenx.EVALIDATION, Field: "scopes", Message: "at least one scope is required"}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

// Grants reports whether the granted scopes cover required: exactly, by a
// wildcard `x.*` covering every `x.` scope, or by `x.write` covering `x.read`.
func Grants(granted []string, required string) bool {
	for _, g := range granted {
		if grants(g, required) {
			return true
		}
	}
	return false
}

func grants(g, required string) bool {
	if g == required {
		return true
	}
	if prefix, ok := strings.CutSuffix(g, "*"); ok && strings.HasPrefix(required, prefix) {
		return true
	}
	if base, ok := strings.CutSuffix(required, ".read"); ok && g == base+".write" {
		return true
	}
	return false
}
