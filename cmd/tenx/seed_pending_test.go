package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"tenx/gen"
)

// pendingRoute is a route the seed documents (testdata/seeds) name, or one
// of the resource families behind a scope they name, that is not built
// yet, with the issue that will build it.
type pendingRoute struct {
	issue        int
	method, path string
	pat          bool // called with a PAT holding every scope; else the JWT
}

// pendingRoutes must answer 404 not_found until their issue lands; the
// test fails when one answers anything else, so the list stays true.
var pendingRoutes = []pendingRoute{}

// probeScopes grant every scope of the catalogue, so a pending route that
// lands answers with its real behaviour, not insufficient_scope.
var probeScopes = []string{"links.*", "analytics.*", "webhooks.*", "files.*", "site.*", "pages.*",
	"tracking.*", "chain.*", "personalization.*", "audit.*", "usage.*"}

// checkPendingRoutes asks every pending route with a credential it would
// accept and a JSON body.
func checkPendingRoutes(t *testing.T, base, jwt string) {
	t.Helper()
	var probe gen.TokenCreated
	call(t, "POST", base+"/v2/handles/acme/tokens", jwt, gen.TokenCreate{Name: "pending-probe", Scopes: probeScopes},
		http.StatusCreated, &probe)
	for _, p := range pendingRoutes {
		token := jwt
		if p.pat {
			token = probe.Token
		}
		req, err := http.NewRequestWithContext(t.Context(), p.method, base+p.path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		checkPending(t, fmt.Sprintf("%s %s (issue %d)", p.method, p.path, p.issue),
			curlResult{status: resp.StatusCode, body: string(body)})
	}
}
