package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tenx/gen"
)

// TestUserDisableEnable runs `tenx user disable|enable` beside two live
// servers on one database, with the real clock: the user's session stops
// on both within about a second (a bounded poll, the time it took
// logged), login answers 403 account_disabled, and the audit names the
// command line.
func TestUserDisableEnable(t *testing.T) {
	env, _ := sqliteEnv(t)
	env["TENX_ADMIN_EMAIL"], env["TENX_ADMIN_PASSWORD"] = "admin@example.com", "an admin password"
	env["TENX_PUBLIC_URL"] = "http://tenx.test" // one issuer for both instances
	a, b := mustServe(t, env), mustServe(t, env)
	creds := gen.Credentials{Email: "owner@example.com", Password: "a long password"}
	call(t, "POST", a.URL+"/v2/auth/signup", "", creds, http.StatusCreated, nil)
	var tok, admin gen.AccessToken
	call(t, "POST", a.URL+"/v2/auth/login", "", creds, http.StatusOK, &tok)
	call(t, "POST", a.URL+"/v2/auth/login", "", gen.Credentials{Email: "admin@example.com", Password: "an admin password"},
		http.StatusOK, &admin)
	for _, s := range []*testServer{a, b} {
		call(t, "GET", s.URL+"/v2/auth/me", tok.AccessToken, nil, http.StatusOK, nil).Body.Close()
	}

	stdout, _, err := runCmd(t, env, "", "user", "disable", "--email", "Owner@example.com")
	if err != nil || !strings.HasPrefix(stdout, "disabled user usr_") {
		t.Fatalf("user disable: %q, %v", stdout, err)
	}
	start := time.Now()
	for _, s := range []*testServer{a, b} {
		for {
			if getStatus(t, s.URL+"/v2/auth/me", "Authorization", "Bearer "+tok.AccessToken) == http.StatusUnauthorized {
				break
			}
			if time.Since(start) > 3*time.Second {
				t.Fatalf("%s still serves the disabled user after %v", s.URL, time.Since(start))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("both instances refused the disabled user's session %v after the command", time.Since(start))
	callJSONError(t, a.URL+"/v2/auth/login", creds, http.StatusForbidden, "account_disabled")

	if stdout, _, err = runCmd(t, env, "", "user", "enable", "--email", "owner@example.com"); err != nil ||
		!strings.HasPrefix(stdout, "enabled user usr_") {
		t.Fatalf("user enable: %q, %v", stdout, err)
	}
	call(t, "POST", b.URL+"/v2/auth/login", "", creds, http.StatusOK, nil).Body.Close()
	var actions gen.AdminActionList
	call(t, "GET", a.URL+"/v2/platform-admin/audit-events", admin.AccessToken, nil, http.StatusOK, &actions)
	if len(actions.Events) != 2 || actions.Events[0].Action != "user.enabled" || actions.Events[1].ActorUserId != "cli" {
		t.Fatalf("admin actions %+v", actions.Events)
	}
	_, _, err = runCmd(t, env, "", "user", "disable", "--email", "nobody@example.com")
	checkErrorContains(t, err, "not found")
	_, _, err = runCmd(t, env, "", "user", "disable")
	checkErrorContains(t, err, "usage: tenx user disable --email E")
}

// callJSONError posts in and checks the error envelope's status and code.
func callJSONError(t *testing.T, url string, in any, status int, code string) {
	t.Helper()
	var e gen.Error
	call(t, "POST", url, "", in, status, &e)
	if e.Error != code {
		t.Fatalf("POST %s: %s, want %s", url, e.Error, code)
	}
}
