package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tenx/gen"
)

// TestBrowserCORSRefresh is the seed's browser pattern: a front end on
// another origin of the same site logs in and refreshes with
// credentials: "include". The API is at http://localhost:P and the pages
// at http://localhost:Q and :R (ports do not make another site, so the
// SameSite=Lax refresh cookie travels); only :Q is in TENX_CORS_ORIGINS,
// and Chromium refuses :R the answer.
func TestBrowserCORSRefresh(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	listed, unlisted := frontEnd(t), frontEnd(t)
	env, _ := sqliteEnv(t)
	env["TENX_CORS_ORIGINS"] = listed
	srv := mustServe(t, env)
	api := "http://localhost:" + port(t, srv.URL)
	creds := gen.Credentials{Email: "front@example.com", Password: "front-end-password-1"}
	call(t, "POST", srv.URL+"/v2/auth/signup", "", creds, http.StatusCreated, nil)

	b := startBrowser(t, screenshotDir(t))
	b.do("open the listed front end", chromedp.Navigate(listed+"/"), chromedp.WaitReady("body"))
	var got struct {
		Login, Refresh, Me      int
		Email, RequestID, Token string
	}
	out := b.run("log in, refresh and call /v2/auth/me across origins",
		chromedp.Evaluate[string](fmt.Sprintf(signinAndRefreshJS, api, string(creds.Email), creds.Password), chromedp.EvalAwaitPromise))
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("page answered %q: %v", out, err)
	}
	if got.Login != 200 || got.Refresh != 200 || got.Me != 200 || got.Email != string(creds.Email) {
		t.Fatalf("from %s: login %d, refresh %d, me %d (%q); want 200s for %s", listed, got.Login, got.Refresh, got.Me, got.Email, creds.Email)
	}
	if got.RequestID == "" || got.Token != "yes" {
		t.Errorf("refresh: X-Request-Id %q readable, access tokens %q; want both", got.RequestID, got.Token)
	}

	b.do("open the unlisted front end", chromedp.Navigate(unlisted+"/"), chromedp.WaitReady("body"))
	refused := b.run("refresh from an unlisted origin", chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q + "/v2/auth/refresh", {
		method: "POST", headers: {"content-type": "application/json"}, credentials: "include"
	}).then(r => "answered " + r.status, e => "refused: " + e.name)`, api), chromedp.EvalAwaitPromise))
	if refused != "refused: TypeError" {
		t.Errorf("fetch from unlisted %s: %s, want the browser to refuse it", unlisted, refused)
	}
	b.checkConsole()
}

// signinAndRefreshJS logs in, refreshes through the cookie and calls
// /v2/auth/me with the new token, all with credentials: "include"; it
// resolves to JSON of what it saw. Arguments: API base, email, password.
const signinAndRefreshJS = `(async (api, email, password) => {
	const json = {"content-type": "application/json"};
	const login = await fetch(api + "/v2/auth/login", {method: "POST", headers: json, credentials: "include",
		body: JSON.stringify({email, password})});
	const first = await login.json();
	const refreshed = await fetch(api + "/v2/auth/refresh", {method: "POST", headers: json, credentials: "include"});
	const second = await refreshed.json();
	const me = await fetch(api + "/v2/auth/me", {headers: {authorization: "Bearer " + second.accessToken},
		credentials: "include"});
	const who = await me.json();
	return JSON.stringify({Login: login.status, Refresh: refreshed.status, Me: me.status,
		Email: who.user ? who.user.email : "", RequestID: refreshed.headers.get("x-request-id") || "",
		Token: first.accessToken && second.accessToken ? "yes" : "no"});
})(%q, %q, %q)`

// frontEnd serves an empty page on a loopback port and returns its origin
// as http://localhost:port.
func frontEnd(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>front end</title><p>another origin</p>")
	}))
	t.Cleanup(s.Close)
	return "http://localhost:" + port(t, s.URL)
}

func port(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil || u.Port() == "" {
		t.Fatalf("no port in %q: %v", rawURL, err)
	}
	return strings.TrimSpace(u.Port())
}
