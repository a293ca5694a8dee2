package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tenx/dnscheck"
	"tenx/dnscheck/dnstest"
	"tenx/store/storetest"
)

// withDNS makes the server resolve TXT records through the DNS server at addr.
func withDNS(addr string) option {
	return func(s *settings) { s.control.DNS = dnscheck.New(addr) }
}

// domainBody is the part of a Domain the tests look at.
type domainBody struct {
	Domain, Status, DefaultHandle, Reason string
	Verification                          struct{ TxtName, TxtValue string }
	PathRules                             []struct {
		PathPrefix, Handle string
		Priority           int
	}
}

// hostGet asks path of host, as a browser that followed a custom domain.
func (e *env) hostGet(host, path string) *httpRecorder {
	e.t.Helper()
	return e.doHost(request{method: "GET", path: path}, host)
}

func (e *env) doHost(r request, host string) *httpRecorder {
	e.t.Helper()
	r.host = host
	return e.do(r)
}

// mustRedirectTo checks a 302 to want.
func mustRedirectTo(t *testing.T, rec *httpRecorder, want string) {
	t.Helper()
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != want {
		t.Fatalf("got %d to %q (%s), want 302 to %s", rec.Code, rec.Header().Get("Location"), rec.Body.String(), want)
	}
}

// TestDomainLifecycle claims a domain, verifies it against a real DNS
// server (record missing, wrong value, right value), serves short links
// from it with path rules, and releases it: on this instance at once, on
// a second instance within the cache's second.
func TestDomainLifecycle(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		dns := dnstest.MustStart(t)
		e := mustOpenServerAt(t, url, withDNS(dns.Addr))
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		e.MustCreateHandle(t, owner, "acme-shop")
		for _, h := range []string{"acme", "acme-shop"} {
			mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/" + h + "/links/launch", token: owner.Token,
				body: `{"destinationUrl":"https://example.com/` + h + `"}`}), http.StatusCreated)
		}

		rec := e.do(request{method: "POST", path: "/v2/account/domains", token: owner.Token,
			body: `{"domain":"links.example.org","defaultHandle":"acme"}`})
		mustStatus(t, rec, http.StatusCreated)
		d := decode[domainBody](t, rec)
		if d.Status != "PENDING" || d.Verification.TxtName != "_tenx-challenge.links.example.org" ||
			!strings.HasPrefix(d.Verification.TxtValue, "tenx-verify=") {
			t.Fatalf("created %+v", d)
		}
		mustError(t, e.hostGet("links.example.org", "/launch"), http.StatusNotFound, "not_found") // not active yet

		reconcile := func(wantStatus, wantReason string) {
			t.Helper()
			rec := e.do(request{method: "POST", path: "/v2/account/domains/links.example.org/reconcile", token: owner.Token})
			mustStatus(t, rec, http.StatusOK)
			got := decode[domainBody](t, rec)
			if got.Status != wantStatus || !strings.Contains(got.Reason, wantReason) {
				t.Fatalf("reconcile: %+v, want %s with a reason containing %q", got, wantStatus, wantReason)
			}
		}
		reconcile("PENDING", "no TXT record found")
		dns.SetTXT(d.Verification.TxtName, "tenx-verify=wrong")
		reconcile("PENDING", "does not carry the value")
		dns.SetTXT(d.Verification.TxtName, "unrelated", d.Verification.TxtValue)
		reconcile("ACTIVE", "")
		dns.SetTXT(d.Verification.TxtName) // gone: an ACTIVE domain stays so
		reconcile("ACTIVE", "")

		mustRedirectTo(t, e.hostGet("links.example.org", "/launch"), "https://example.com/acme")
		mustRedirectTo(t, e.hostGet("LINKS.example.org.:443", "/launch"), "https://example.com/acme")
		mustError(t, e.hostGet("links.example.org", "/nope"), http.StatusNotFound, "not_found")
		mustError(t, e.hostGet("links.example.org", "/v2/auth/me"), http.StatusNotFound, "not_found")
		mustError(t, e.doHost(request{method: "POST", path: "/launch"}, "links.example.org"), http.StatusNotFound, "not_found")
		mustError(t, e.hostGet("unknown.example.org", "/launch"), http.StatusNotFound, "not_found")

		rec = e.do(request{method: "PUT", path: "/v2/account/domains/links.example.org/routes", token: owner.Token,
			body: `{"defaultHandle":"acme","pathRules":[{"pathPrefix":"/shop","handle":"acme-shop"},` +
				`{"pathPrefix":"/shop","handle":"acme","priority":200},{"pathPrefix":"/shop/deep","handle":"acme"}]}`})
		mustStatus(t, rec, http.StatusOK)
		if got := decode[domainBody](t, rec); len(got.PathRules) != 3 || got.PathRules[0].Priority != 100 {
			t.Fatalf("routes %+v", got.PathRules)
		}
		mustRedirectTo(t, e.hostGet("links.example.org", "/shop/launch"), "https://example.com/acme-shop")
		mustRedirectTo(t, e.hostGet("links.example.org", "/shop/deep/launch"), "https://example.com/acme")
		mustRedirectTo(t, e.hostGet("links.example.org", "/launch"), "https://example.com/acme")
		// The live site of the handle a rule picks, under what the rule matched.
		if rec := e.hostGet("links.example.org", "/shop"); rec.Code != http.StatusFound || rec.Header().Get("Location") != "/shop/" {
			t.Fatalf("/shop: %d %v", rec.Code, rec.Header())
		}
		if rec := e.hostGet("links.example.org", "/shop/"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "acme-shop") {
			t.Fatalf("/shop/ before a deployment: %d %s, want the link-in-bio page", rec.Code, rec.Body)
		}
		mustError(t, e.hostGet("links.example.org", "/shop/about.html"), http.StatusNotFound, "not_found")
		e.MustDeployInline(t, owner, "acme-shop", "<h1>shop home</h1>")
		for _, p := range []string{"/shop/", "/shop/index.html"} {
			if rec := e.hostGet("links.example.org", p); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<h1>shop home</h1>") {
				t.Fatalf("%s after deploying: %d %s", p, rec.Code, rec.Body)
			}
		}
		mustError(t, e.hostGet("links.example.org", "/shop/../v2/auth/me"), http.StatusNotFound, "not_found")
		e.MustDeployInline(t, owner, "acme", "<h1>acme home</h1>")
		if rec := e.hostGet("links.example.org", "/"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<h1>acme home</h1>") {
			t.Fatalf("/ after deploying: %d %s", rec.Code, rec.Body)
		}

		list := decode[struct{ Domains []domainBody }](t, e.do(request{method: "GET", path: "/v2/account/domains", token: owner.Token}))
		if len(list.Domains) != 1 || list.Domains[0].Status != "ACTIVE" {
			t.Fatalf("list %+v", list)
		}

		// A second instance on the same database caches what it saw.
		other := mustBuild(t, e.db, e.clock)
		mustRedirectTo(t, other.hostGet("links.example.org", "/launch"), "https://example.com/acme")
		mustStatus(t, e.do(request{method: "DELETE", path: "/v2/account/domains/links.example.org", token: owner.Token}),
			http.StatusNoContent)
		mustError(t, e.hostGet("links.example.org", "/launch"), http.StatusNotFound, "not_found") // here: at once
		e.clock.Add(time.Second)
		mustError(t, other.hostGet("links.example.org", "/launch"), http.StatusNotFound, "not_found") // there: within 1s
		mustError(t, e.do(request{method: "GET", path: "/v2/account/domains/links.example.org", token: owner.Token}),
			http.StatusNotFound, "not_found")
	})
}

// TestDomainErrors walks every refusal of the account-domain operations.
func TestDomainErrors(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		dns := dnstest.MustStart(t)
		e := mustOpenServerAt(t, url, withDNS(dns.Addr))
		owner := e.MustSignup(t, "owner@example.com")
		rival := e.MustSignup(t, "rival@example.com")
		e.MustCreateHandle(t, owner, "acme")
		e.MustCreateHandle(t, rival, "rival")
		creator := e.MustSignup(t, "creator@example.com")
		e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+creator.ID+`","role":"CREATOR"}]`)
		create := func(u user, body string) *httpRecorder {
			return e.do(request{method: "POST", path: "/v2/account/domains", token: u.Token, body: body})
		}
		b := mustError(t, create(owner, `{"domain":"Links.Example.com","defaultHandle":"acme"}`), 400, "validation_error")
		if b.Field != "domain" {
			t.Errorf("field %q", b.Field)
		}
		mustError(t, create(owner, `{"domain":"localhost","defaultHandle":"acme"}`), 400, "validation_error")
		mustError(t, create(owner, `{"domain":"links.example.com"}`), 400, "validation_error")
		mustError(t, create(owner, `{"domain":"links.example.com","defaultHandle":"acme","x":1}`), 400, "validation_error")
		mustError(t, create(owner, `{"domain":"links.example.com","defaultHandle":"nope"}`), 404, "not_found")
		mustError(t, create(owner, `{"domain":"links.example.com","defaultHandle":"rival"}`), 404, "not_found")
		mustError(t, create(creator, `{"domain":"links.example.com","defaultHandle":"acme"}`), 403, "insufficient_role")
		mustError(t, create(owner, `{"domain":"links.example.com","defaultHandle":"acme"`), 400, "invalid_payload")

		mine := decode[domainBody](t, create(owner, `{"domain":"links.example.com","defaultHandle":"acme"}`))
		mustError(t, create(owner, `{"domain":"links.example.com","defaultHandle":"acme"}`), 409, "conflict")
		// A PENDING claim squats on nothing: the rival may claim the name too,
		// but only the one who publishes the TXT record gets it ACTIVE.
		theirs := decode[domainBody](t, create(rival, `{"domain":"links.example.com","defaultHandle":"rival"}`))
		dns.SetTXT(mine.Verification.TxtName, mine.Verification.TxtValue)
		mustStatus(t, e.do(request{method: "POST", path: "/v2/account/domains/links.example.com/reconcile", token: owner.Token}), 200)
		if theirs.Verification.TxtValue == mine.Verification.TxtValue {
			t.Fatal("two claims share a TXT value")
		}
		dns.SetTXT(mine.Verification.TxtName, mine.Verification.TxtValue, theirs.Verification.TxtValue)
		mustError(t, e.do(request{method: "POST", path: "/v2/account/domains/links.example.com/reconcile", token: rival.Token}), 409, "conflict")
		mustError(t, create(creator, `{"domain":"links.example.com","defaultHandle":"acme"}`), 403, "insufficient_role")
		e.MustCreateHandle(t, creator, "third")
		mustError(t, create(creator, `{"domain":"links.example.com","defaultHandle":"third"}`), 409, "conflict")

		path := "/v2/account/domains/links.example.com"
		mustError(t, e.do(request{method: "GET", path: "/v2/account/domains/other.example.com", token: owner.Token}), 404, "not_found")
		mustError(t, e.do(request{method: "DELETE", path: "/v2/account/domains/other.example.com", token: owner.Token}), 404, "not_found")
		mustError(t, e.do(request{method: "POST", path: "/v2/account/domains/other.example.com/reconcile", token: owner.Token}), 404, "not_found")
		mustError(t, e.do(request{method: "GET", path: "/v2/account/domains/NOT_A_HOST", token: owner.Token}), 400, "validation_error")
		routes := func(body string) *httpRecorder {
			return e.do(request{method: "PUT", path: path + "/routes", token: owner.Token, body: body})
		}
		mustError(t, routes(`{"defaultHandle":"acme","pathRules":[{"pathPrefix":"/a","handle":"acme"},{"pathPrefix":"/a","handle":"acme"}]}`), 400, "validation_error")
		mustError(t, routes(`{"defaultHandle":"acme","pathRules":[{"pathPrefix":"a","handle":"acme"}]}`), 400, "validation_error")
		mustError(t, routes(`{"defaultHandle":"acme","pathRules":[{"pathPrefix":"/a","handle":"acme","priority":1001}]}`), 400, "validation_error")
		mustError(t, routes(`{"defaultHandle":"acme","pathRules":[{"pathPrefix":"/a","handle":"rival"}]}`), 404, "not_found")
		mustError(t, routes(`{"defaultHandle":"nope"}`), 404, "not_found")
		mustError(t, e.do(request{method: "PUT", path: "/v2/account/domains/other.example.com/routes", token: owner.Token,
			body: `{"defaultHandle":"acme"}`}), 404, "not_found")

		// The resolver fails: 503, and the claim stays as it was.
		pending := decode[domainBody](t, create(owner, `{"domain":"broken.example.com","defaultHandle":"acme"}`))
		dns.Break(pending.Verification.TxtName)
		mustError(t, e.do(request{method: "POST", path: "/v2/account/domains/broken.example.com/reconcile", token: owner.Token}), 503, "unavailable")
		got := decode[domainBody](t, e.do(request{method: "GET", path: "/v2/account/domains/broken.example.com", token: owner.Token}))
		if got.Status != "PENDING" || got.Reason != "" {
			t.Fatalf("after a failed lookup: %+v", got)
		}
	})
}
