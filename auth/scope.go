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

// Scopes is the catalogue of concrete PAT scopes; operations declare only
// these. The spec publishes the same table as
// `x-scopes`; a test keeps them equal.
var Scopes = []Scope{
	{"links.read", "List and read links."},
	{"links.write", "Create, update and delete links."},
	{"analytics.read", "Query analytics and export data."},
	{"webhooks.read", "List webhook subscriptions and their deliveries."},
	{"webhooks.write", "Create, update, delete, test and redeliver webhook subscriptions."},
	{"files.read", "List and read files."},
	{"files.write", "Upload and delete files."},
	{"site.deployments.read", "List site deployments and fetch preview URLs."},
	{"site.deployments.write", "Create and activate site deployments."},
	{"pages.read", "List creator pages and read campaign structures."},
	{"pages.write", "Create, update and publish pages and campaign structures."},
	{"tracking.templates.read", "List tracking templates."},
	{"tracking.templates.write", "Create, update and delete tracking templates."},
	{"chain.signal.write", "Submit chain signals."},
	{"personalization.read", "Read personalization rules and context origins (writing them needs a JWT)."},
	{"audit.read", "Read the handle's audit events."},
	{"usage.read", "Read the handle's usage meters."},
}

// Families are the family wildcards offered beside the concrete scopes
// (the spec's `x-scope-families`). A token may be granted any `x.*` that
// covers at least one concrete scope; these are the ones worth naming.
var Families = []Scope{
	{"links.*", "Everything on links."},
	{"analytics.*", "Everything on analytics."},
	{"webhooks.*", "Everything on webhooks."},
	{"files.*", "Everything on files."},
	{"site.deployments.*", "Everything on site deployments."},
	{"pages.*", "Everything on pages and campaign structures."},
	{"tracking.templates.*", "Everything on tracking templates."},
	{"chain.*", "Everything on chain signals."},
	{"personalization.*", "Read personalization rules (writing them needs a JWT)."},
	{"audit.*", "Everything on audit events."},
	{"usage.*", "Everything on usage meters."},
}

// grantable holds every concrete scope and every family wildcard `x.*`
// whose prefix `x.` starts at least one concrete scope.
var grantable = func() map[string]bool {
	m := make(map[string]bool)
	for _, s := range Scopes {
		m[s.Name] = true
		parts := strings.Split(s.Name, ".")
		for i := 1; i < len(parts); i++ {
			m[strings.Join(parts[:i], ".")+".*"] = true
		}
	}
	return m
}()

// IsConcreteScope reports whether name is in the concrete catalogue.
func IsConcreteScope(name string) bool {
	for _, s := range Scopes {
		if s.Name == name {
			return true
		}
	}
	return false
}

// ValidateScopes rejects an empty list and names every unknown scope and
// the valid ones. It returns the scopes sorted and without duplicates.
func ValidateScopes(scopes []string) ([]string, error) {
	var unknown []string
	set := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		if !grantable[s] && !set[s] {
			unknown = append(unknown, s)
		}
		set[s] = true
	}
	if len(unknown) > 0 {
		return nil, &tenx.Error{Code: tenx.EVALIDATION, Field: "scopes", Message: unknownScopes(unknown)}
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

// unknownScopes says which names are unknown and what would be accepted.
func unknownScopes(unknown []string) string {
	return "unknown scopes: " + strings.Join(unknown, ", ") +
		"; valid scopes are " + names(Scopes) +
		", or a family wildcard x.* granting every scope under x. (" + names(Families) + ")"
}

func names(list []Scope) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Name
	}
	return strings.Join(out, ", ")
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
