package main

import (
	"net/http"
	"strings"
	"testing"

	"tenx/gen"
)

// seedControlPlane checks what both seeds say of the control-plane
// families they name as JWT-first (POST /v2/account/domains, POST
// /v2/billing/checkout-session): a signed-in user's JWT reaches them, a
// PAT gets 403 insufficient_scope ("If you send a PAT to a JWT-only
// endpoint, expect ... 403 insufficient_scope").
func seedControlPlane(t *testing.T, base, jwt, pat string) {
	var d gen.Domain
	call(t, "POST", base+"/v2/account/domains", jwt,
		gen.DomainCreate{Domain: "links.example.com", DefaultHandle: "acme"}, http.StatusCreated, &d)
	if d.Status != gen.DomainStatusPENDING || !strings.HasPrefix(d.Verification.TxtValue, "tenx-verify=") {
		t.Fatalf("created domain %+v", d)
	}
	// No Stripe key on this server: checkout says so.
	resp := call(t, "POST", base+"/v2/billing/checkout-session", jwt,
		gen.CheckoutSessionCreate{Plan: gen.PRO}, http.StatusServiceUnavailable, nil)
	resp.Body.Close()
	for _, path := range []string{"/v2/account/domains", "/v2/billing/checkout-session"} {
		callError(t, "POST", base+path, pat, http.StatusForbidden, "insufficient_scope")
	}
}
