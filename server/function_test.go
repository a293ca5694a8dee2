package server_test

import (
	"net/http"
	"testing"
)

// TestFunctionBindingAPI is the function bindings table, both planes and
// both databases: written with a JWT (OPERATOR+) only, listed with a JWT
// (CREATOR+) or any valid PAT of the handle.
func TestFunctionBindingAPI(t *testing.T) {
	create := `{"key":"notify","description":"Tell the team","targetUrl":"https://fn.example.com/notify","requiredScope":"links.write"}`
	rows := []apiCase{
		{name: "none yet", method: "GET", path: "/function-bindings", status: http.StatusOK, check: bodyContains(`"functionBindings":[]`)},
		{name: "create", method: "POST", path: "/function-bindings", body: create, planes: jwtPlane, role: "OPERATOR",
			status: http.StatusCreated, check: bodyContains(`"requiredScope":"links.write"`)},
		{name: "key taken", method: "POST", path: "/function-bindings", body: create, planes: jwtPlane, status: 409, code: "conflict"},
		{name: "a wildcard is no scope", method: "POST", path: "/function-bindings", planes: jwtPlane, status: 400, code: "validation_error",
			field: "requiredScope", body: `{"key":"other","targetUrl":"https://fn.example.com/","requiredScope":"links.*"}`},
		{name: "an unknown scope", method: "POST", path: "/function-bindings", planes: jwtPlane, status: 400, code: "validation_error",
			field: "requiredScope", body: `{"key":"other","targetUrl":"https://fn.example.com/","requiredScope":"nope.read"}`},
		{name: "http target", method: "POST", path: "/function-bindings", planes: jwtPlane, status: 400, code: "validation_error",
			field: "targetUrl", body: `{"key":"other","targetUrl":"http://fn.example.com/","requiredScope":"links.read"}`},
		{name: "bad key", method: "POST", path: "/function-bindings", planes: jwtPlane, status: 400, code: "validation_error",
			field: "key", body: `{"key":"No","targetUrl":"https://fn.example.com/","requiredScope":"links.read"}`},
		{name: "CREATOR cannot write", method: "POST", path: "/function-bindings", planes: jwtPlane, role: "CREATOR",
			status: 403, code: "insufficient_role", body: `{"key":"other","targetUrl":"https://fn.example.com/","requiredScope":"links.read"}`},
		{name: "CREATOR lists", method: "GET", path: "/function-bindings", planes: jwtPlane, role: "CREATOR", status: http.StatusOK,
			check: bodyContains(`"key":"notify"`)},
		{name: "update", method: "PUT", path: "/function-bindings/notify", planes: jwtPlane, status: http.StatusOK,
			body: `{"targetUrl":"https://fn.example.com/v2","requiredScope":"analytics.read"}`, check: bodyContains(`"requiredScope":"analytics.read"`)},
		{name: "update unknown", method: "PUT", path: "/function-bindings/nope", planes: jwtPlane, status: 404, code: "not_found",
			body: `{"targetUrl":"https://fn.example.com/v2","requiredScope":"analytics.read"}`},
		{name: "no PAT writes", method: "POST", path: "/function-bindings", planes: patPlane, body: create, status: 404, code: "not_found"},
		{name: "any PAT lists", method: "GET", path: "/function-bindings", planes: patPlane, scopes: []string{"usage.read"},
			status: http.StatusOK},
		{name: "delete", method: "DELETE", path: "/function-bindings/notify", planes: jwtPlane, status: http.StatusNoContent,
			check: func(t *testing.T, _ *httpRecorder, call caller) {
				mustError(t, call("DELETE", "/function-bindings/notify", ""), 404, "not_found")
			}},
	}
	apiTable(t, []string{"links.read"}, rows)
}

// TestFunctionBindingPATWrites: a PAT on the control plane's write routes
// is refused with 403 insufficient_scope, and the PAT plane lists what a
// JWT wrote.
func TestFunctionBindingPATWrites(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/function-bindings", token: owner.Token,
		body: `{"key":"notify","targetUrl":"https://fn.example.com/","requiredScope":"links.read"}`}), http.StatusCreated)
	pat := e.MustCreatePAT(t, owner, "acme", "links.*", "personalization.*")
	mustError(t, e.do(request{method: "POST", path: "/v2/handles/acme/function-bindings", token: pat,
		body: `{"key":"other","targetUrl":"https://fn.example.com/","requiredScope":"links.read"}`}), 403, "insufficient_scope")
	mustError(t, e.do(request{method: "DELETE", path: "/v2/handles/acme/function-bindings/notify", token: pat}), 403, "insufficient_scope")
	rec := e.do(request{method: "GET", path: "/v2/public/handles/acme/function-bindings", token: pat})
	mustStatus(t, rec, http.StatusOK)
	bodyContains(`"requiredScope":"links.read"`)(t, rec, nil)
}
