package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"tenx/dnscheck/dnstest"
	"tenx/gen"
)

// TestBrowserControlPlane drives the account and admin pages of the
// dashboard in headless Chromium: an owner adds a custom domain, reads
// the TXT record to publish, checks DNS (a real DNS server on loopback)
// until the domain is ACTIVE and serves the handle's short link; then the
// platform admin disables that user and suspends the handle. Screenshots
// go to .ci/out/.
func TestBrowserControlPlane(t *testing.T) {
	needChromium(t)
	outDir := screenshotDir(t)
	dns := dnstest.MustStart(t)
	env, _ := sqliteEnv(t)
	env["TENX_DNS_RESOLVER"] = dns.Addr
	env["TENX_ADMIN_EMAIL"], env["TENX_ADMIN_PASSWORD"] = "admin@example.com", "an admin password"
	srv := mustServe(t, env)
	base := srv.URL

	owner := gen.Credentials{Email: "owner@example.com", Password: "owner-password-1"}
	call(t, "POST", base+"/v2/auth/signup", "", owner, http.StatusCreated, nil)
	var login gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", owner, http.StatusOK, &login)
	call(t, "POST", base+"/v2/handles", login.AccessToken, gen.HandleCreate{Handle: "acme"}, http.StatusCreated, nil)
	call(t, "PUT", base+"/v2/handles/acme/links/launch", login.AccessToken,
		gen.LinkInput{DestinationUrl: "https://example.com/launch"}, http.StatusCreated, nil)

	b := startBrowser(t, outDir)
	b.do("open the dashboard", chromedp.Navigate(base+"/app/"), chromedp.WaitVisible(chromedp.ID("signin-form")))
	b.signIn(string(owner.Email), owner.Password)
	b.waitJS("the plan", `document.getElementById("plan-name").textContent === "FREE"`)
	b.wantText("plan-usage", "Plans are off")
	b.do("add a domain that is no host name",
		chromedp.SendKeys(chromedp.ID("domain-name"), "not a domain"),
		chromedp.Click(chromedp.ID("domain-submit")),
		chromedp.WaitVisible(chromedp.ID("domains-error")))
	b.wantText("domains-error", "validation_error")
	b.do("add the domain",
		emptyField("domain-name"),
		chromedp.SendKeys(chromedp.ID("domain-name"), "links.example.com"),
		chromedp.Click(chromedp.ID("domain-submit")))
	b.waitJS("the PENDING domain", `document.querySelector('tr[data-domain="links.example.com"] .domain-status')?.textContent === "PENDING"`)
	txt := b.run("read the TXT value", chromedp.TextContent(chromedp.CSS(`tr[data-domain="links.example.com"] .domain-txt`)))
	b.do("check DNS before publishing", chromedp.Click(chromedp.CSS(`tr[data-domain="links.example.com"] .domain-check`)))
	b.waitJS("what is missing", `document.querySelector('tr[data-domain="links.example.com"] .domain-reason')?.textContent.includes("no TXT record")`)
	b.shot("dashboard-account-pending.png")
	dns.SetTXT("_tenx-challenge.links.example.com", txt)
	b.do("check DNS", chromedp.Click(chromedp.CSS(`tr[data-domain="links.example.com"] .domain-check`)))
	b.waitJS("the ACTIVE domain", `document.querySelector('tr[data-domain="links.example.com"] .domain-status')?.textContent === "ACTIVE"`)
	b.shot("dashboard-account.png")
	wantHostRedirect(t, base, "links.example.com", "/launch", "https://example.com/launch")

	b.do("sign out", chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-form")))
	b.signIn("admin@example.com", "an admin password")
	b.waitJS("the admin page", `!document.getElementById("admin-section").hidden &&
		document.querySelector('#admin-users-body tr th')?.textContent !== undefined`)
	b.do("search users", chromedp.SendKeys(chromedp.ID("admin-user-q"), "owner\n"))
	b.waitJS("one user found", `document.querySelectorAll("#admin-users-body tr").length === 1`)
	b.do("disable the owner", chromedp.Click(chromedp.CSS(`#admin-users-body .admin-user-toggle`)))
	b.waitJS("the owner, disabled", `document.querySelector("#admin-users-body .user-state")?.textContent === "disabled"`)
	b.do("suspend the handle", chromedp.Click(chromedp.CSS(`#admin-handles-body tr[data-handle="acme"] .admin-handle-toggle`)))
	b.waitJS("the handle, suspended", `document.querySelector('#admin-handles-body tr[data-handle="acme"] .handle-state')?.textContent === "suspended"`)
	b.shot("dashboard-admin.png")
	var e gen.Error
	call(t, "POST", base+"/v2/auth/login", "", owner, http.StatusForbidden, &e)
	if e.Error != "account_disabled" {
		t.Fatalf("login of the disabled owner: %+v", e)
	}
	b.checkConsole()
}

// signIn signs in through the form and waits for the dashboard.
func (b *browserTab) signIn(email, password string) {
	b.t.Helper()
	b.do("sign in as "+email,
		emptyField("signin-email"),
		chromedp.SendKeys(chromedp.ID("signin-email"), email),
		chromedp.SendKeys(chromedp.ID("signin-password"), password),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("account-section")))
}

// wantHostRedirect asks path of base as if at host and wants a 302 to want.
func wantHostRedirect(t *testing.T, base, host, path, want string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	c := &http.Client{Timeout: hangGuard, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatal(fmt.Errorf("GET %s at %s: %d to %q, want 302 to %s", path, host, resp.StatusCode, resp.Header.Get("Location"), want))
	}
}
