package server_test

import (
	"net/http"
	neturl "net/url"
	"strings"
	"testing"

	"tenx/store/storetest"
)

// TestContextOriginsAPI: read with a JWT (CREATOR+) or
// personalization.read, replaced by the OWNER only; exact origins, at
// most 50.
func TestContextOriginsAPI(t *testing.T) {
	rows := []apiCase{
		{name: "none yet", method: "GET", path: "/context-origins", status: http.StatusOK, check: bodyContains(`"origins":[]`)},
		{name: "replace", method: "PUT", path: "/context-origins", planes: jwtPlane, status: http.StatusOK,
			body:  `{"origins":["https://Shop.Example.com","http://localhost:3000","https://shop.example.com/"]}`,
			check: bodyContains(`"origins":["http://localhost:3000","https://shop.example.com"]`)},
		{name: "a wildcard", method: "PUT", path: "/context-origins", planes: jwtPlane, status: 400, code: "validation_error",
			field: "origins", body: `{"origins":["*"]}`},
		{name: "a path", method: "PUT", path: "/context-origins", planes: jwtPlane, status: 400, code: "validation_error",
			field: "origins", body: `{"origins":["https://shop.example.com/app"]}`},
		{name: "a subdomain pattern", method: "PUT", path: "/context-origins", planes: jwtPlane, status: 400, code: "validation_error",
			field: "origins", body: `{"origins":["https://*.example.com"]}`},
		{name: "51 origins", method: "PUT", path: "/context-origins", planes: jwtPlane, status: 400, code: "validation_error",
			field: "origins", body: `{"origins":[` + strings.TrimSuffix(strings.Repeat(`"https://a.example.com",`, 51), ",") + `]}`},
		{name: "OPERATOR cannot write", method: "PUT", path: "/context-origins", planes: jwtPlane, role: "OPERATOR",
			status: 403, code: "insufficient_role", body: `{"origins":[]}`},
		{name: "CREATOR reads", method: "GET", path: "/context-origins", planes: jwtPlane, role: "CREATOR", status: http.StatusOK},
		{name: "PAT reads", method: "GET", path: "/context-origins", planes: patPlane, status: http.StatusOK},
		{name: "links.read cannot", method: "GET", path: "/context-origins", planes: patPlane, scopes: []string{"links.read"},
			status: 403, code: "insufficient_scope"},
	}
	apiTable(t, []string{"personalization.read"}, rows)
}

// TestRuntimeCORS: a preflight of the runtime routes from a listed origin
// gets exactly that origin back (no *, no credentials), and so does the
// request; an unlisted origin gets no CORS headers and its preflight is
// 404; a change of the list applies at once.
func TestRuntimeCORS(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/context-origins", token: owner.Token,
			body: `{"origins":["https://shop.example.com"]}`}), http.StatusOK)
		preflight := func(path, origin string) *httpRecorder {
			return e.do(request{method: "OPTIONS", path: path, header: http.Header{"Origin": {origin},
				"Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type"}}})
		}
		for _, path := range []string{"/v2/public/chain/signals", "/v2/public/conversions"} {
			rec := preflight(path, "https://shop.example.com")
			mustStatus(t, rec, http.StatusNoContent)
			h := rec.Header()
			if h.Get("Access-Control-Allow-Origin") != "https://shop.example.com" || h.Get("Access-Control-Allow-Credentials") != "" ||
				!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") {
				t.Fatalf("%s: allowed preflight headers %v", path, h)
			}
			rec = preflight(path, "https://evil.example.com")
			mustError(t, rec, 404, "not_found")
			if v := rec.Header().Get("Access-Control-Allow-Origin"); v != "" {
				t.Fatalf("%s: refused origin got Access-Control-Allow-Origin %q", path, v)
			}
		}
		rec := e.do(request{method: "POST", path: "/v2/public/chain/signals", header: http.Header{"Origin": {"https://shop.example.com"}},
			body: `{"handle":"acme","sessionId":"s1","signals":[{"type":"view"}]}`})
		mustStatus(t, rec, http.StatusAccepted)
		if rec.Header().Get("Access-Control-Allow-Origin") != "https://shop.example.com" {
			t.Fatalf("request headers %v", rec.Header())
		}
		rec = e.do(request{method: "POST", path: "/v2/public/chain/signals", header: http.Header{"Origin": {"https://evil.example.com"}},
			body: `{"handle":"acme","sessionId":"s1","signals":[{"type":"view"}]}`})
		mustError(t, rec, http.StatusForbidden, "forbidden")
		if v := rec.Header().Get("Access-Control-Allow-Origin"); v != "" {
			t.Fatalf("unlisted origin got %q", v)
		}
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/context-origins", token: owner.Token,
			body: `{"origins":[]}`}), http.StatusOK)
		mustError(t, preflight("/v2/public/chain/signals", "https://shop.example.com"), 404, "not_found")
	})
}

// TestRuntimeOriginPerHandle: a preflight cannot name the handle, but the
// request does; a browser on handle A's origin cannot post chain signals
// or conversions for handle B (403 forbidden, nothing stored, no CORS
// header), while A's own origin and a request without Origin (a server)
// are accepted.
func TestRuntimeOriginPerHandle(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		e.MustCreateHandle(t, owner, "beta")
		for handle, origin := range map[string]string{"acme": "https://shop.example.com", "beta": "https://beta.example.com"} {
			mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/" + handle + "/context-origins", token: owner.Token,
				body: `{"origins":["` + origin + `"]}`}), http.StatusOK)
		}
		post := func(path, origin, body string) *httpRecorder {
			r := request{method: "POST", path: path, body: body}
			if origin != "" {
				r.header = http.Header{"Origin": {origin}}
			}
			return e.do(r)
		}
		signals := func(handle, session string) string {
			return `{"handle":"` + handle + `","sessionId":"` + session + `","signals":[{"type":"view"}]}`
		}
		const chain = "/v2/public/chain/signals"
		mustAllowOrigin(t, mustCode(t, post(chain, "https://shop.example.com", signals("acme", "s1")), http.StatusAccepted), "https://shop.example.com")
		mustRefuseOrigin(t, post(chain, "https://shop.example.com", signals("beta", "s2")), "beta")
		mustError(t, e.do(request{method: "GET", path: "/v2/handles/beta/chain/s2", token: owner.Token}), 404, "not_found")
		mustAllowOrigin(t, mustCode(t, post(chain, "", signals("beta", "s3")), http.StatusAccepted), "")
		mustRefuseOrigin(t, post(chain, "https://shop.example.com", signals("nobody", "s4")), "nobody")
		mustError(t, post(chain, "", signals("nobody", "s4")), 404, "not_found")

		mustSeedClicks(t, e, owner)
		ctx := mustClickCtx(t, e)
		const conv = "/v2/public/conversions"
		mustRefuseOrigin(t, post(conv, "https://beta.example.com", `{"ctx":"`+ctx+`"}`), "acme")
		mustAllowOrigin(t, mustCode(t, post(conv, "", `{"ctx":"`+ctx+`"}`), http.StatusCreated), "") // the refused one stored nothing
		mustAllowOrigin(t, mustCode(t, post(conv, "https://shop.example.com", `{"ctx":"`+ctx+`","type":"signup"}`), http.StatusCreated),
			"https://shop.example.com")

		// The answers are cached; a change of a handle's origins is seen
		// by the next request, both ways.
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/beta/context-origins", token: owner.Token,
			body: `{"origins":["https://beta.example.com","https://shop.example.com"]}`}), http.StatusOK)
		mustAllowOrigin(t, mustCode(t, post(chain, "https://shop.example.com", signals("beta", "s5")), http.StatusAccepted),
			"https://shop.example.com")
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/context-origins", token: owner.Token,
			body: `{"origins":[]}`}), http.StatusOK)
		mustRefuseOrigin(t, post(chain, "https://shop.example.com", signals("acme", "s6")), "acme")
	})
}

// mustClickCtx follows acme's attributed link and returns its signed ctx.
func mustClickCtx(t *testing.T, e *env) string {
	t.Helper()
	loc, err := neturl.Parse(e.do(request{method: "GET", path: "/acme/launch"}).Header().Get("Location"))
	if err != nil || loc.Query().Get("ctx") == "" {
		t.Fatalf("no ctx in the Location (%v)", err)
	}
	return loc.Query().Get("ctx")
}

func mustAllowOrigin(t *testing.T, rec *httpRecorder, origin string) {
	t.Helper()
	if v := rec.Header().Get("Access-Control-Allow-Origin"); v != origin {
		t.Fatalf("Access-Control-Allow-Origin %q, want %q", v, origin)
	}
}

func mustRefuseOrigin(t *testing.T, rec *httpRecorder, handle string) {
	t.Helper()
	body := mustError(t, rec, http.StatusForbidden, "forbidden")
	if !strings.Contains(body.Message, "handle \""+handle+"\"") {
		t.Fatalf("message %q does not name handle %q", body.Message, handle)
	}
	mustAllowOrigin(t, rec, "")
}
