package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "tenx/client"
	"tenx/gen"
	"tenx/store/storetest"
)

// hangGuard bounds waits that should end at once; it catches hangs, it is
// not a speed assertion.
const hangGuard = 20 * time.Second

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-password-123"
)

// TestServeSQLite boots the real binary on SQLite and walks a user's path.
func TestServeSQLite(t *testing.T) {
	env, _ := sqliteEnv(t)
	env["TENX_ADMIN_EMAIL"], env["TENX_ADMIN_PASSWORD"] = adminEmail, adminPassword
	// The public URL is the tokens' issuer: a restart on another port
	// keeps tokens valid only because the configured URL stays the same.
	env["TENX_PUBLIC_URL"] = "https://tenx.test"
	srv := mustServe(t, env)
	adminToken := walkUserPath(t, srv.URL)
	walkGenClient(t, srv.URL)
	if err := srv.Stop(t); err != nil {
		t.Fatalf("serve returned %v after its context ended, want nil", err)
	}
	if _, err := http.Get(srv.URL + "/healthz"); err == nil {
		t.Fatal("server still answers after it stopped")
	}

	// A restart keeps the signing keys and sessions, and finds the admin
	// already there.
	srv = mustServe(t, env)
	var users gen.UserList
	call(t, "GET", srv.URL+"/v2/platform-admin/users", adminToken, nil, http.StatusOK, &users)
	if len(users.Users) != 3 {
		t.Fatalf("after restart: %d users, want 3 (admin, alice, bob)", len(users.Users))
	}
	if err := srv.Stop(t); err != nil {
		t.Fatalf("second serve returned %v, want nil", err)
	}
}

// TestServePostgres is TestServeSQLite on a fresh schema of the Postgres named
// by TENX_TEST_POSTGRES_URL.
func TestServePostgres(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	url := storetest.PostgresURL(t) // skips when TENX_TEST_POSTGRES_URL is unset
	env := quietEnv(t, url)
	env["TENX_ADMIN_EMAIL"], env["TENX_ADMIN_PASSWORD"] = adminEmail, adminPassword
	srv := mustServe(t, env)
	walkUserPath(t, srv.URL)
	walkGenClient(t, srv.URL)
	if err := srv.Stop(t); err != nil {
		t.Fatalf("serve returned %v after its context ended, want nil", err)
	}
}

// TestServeLogsNoSecrets starts serve at the default log level against a
// Postgres that refuses connections, and looks for the configured secrets in
// everything the operator would see: the log and the returned error.
func TestServeLogsNoSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		databaseURL string
		secret      string
	}{
		{name: "password in userinfo", databaseURL: "postgres://u:dbsecret@127.0.0.1:1/db?sslmode=disable",
			secret: "dbsecret"},
		{name: "password in query",
			databaseURL: "postgres://u@127.0.0.1:1/db?sslmode=disable&password=querysecret",
			secret:      "querysecret"},
		{name: "password in a url that does not parse",
			databaseURL: "postgres://u:bad secret@127.0.0.1:1/db?sslmode=disable",
			secret:      "bad secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := quietEnv(t, tt.databaseURL)
			env["TENX_LOG_LEVEL"] = "info"
			env["TENX_ADMIN_EMAIL"], env["TENX_ADMIN_PASSWORD"] = adminEmail, "supersecret-value"
			env["TENX_REDIS_URL"] = "redis://:redissecret@127.0.0.1:1"
			ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, []string{"serve"}, mapEnv(env), strings.NewReader(""), &stdout, &stderr)
			if err == nil {
				t.Fatal("serve started without a database")
			}
			if !strings.Contains(stderr.String(), "starting tenx") && !strings.Contains(err.Error(), "configuration") {
				t.Fatalf("serve did not log its start:\n%s", stderr.String())
			}
			seen := stderr.String() + "\ntenx: " + err.Error()
			for _, s := range []string{tt.secret, "supersecret-value", "redissecret"} {
				if strings.Contains(seen, s) {
					t.Errorf("secret %q shown to the operator:\n%s", s, seen)
				}
			}
		})
	}
}

// walkUserPath signs a user up and walks them through sessions and handles,
// then checks the platform admin sees them. It returns the admin's access
// token, still valid.
func walkUserPath(t *testing.T, base string) (adminToken string) {
	t.Helper()
	var health gen.Health
	call(t, "GET", base+"/healthz", "", nil, http.StatusOK, &health)
	if health.Status != "ok" {
		t.Fatalf("healthz status %q", health.Status)
	}
	call(t, "GET", base+"/readyz", "", nil, http.StatusOK, nil)
	var jwks gen.JWKS
	call(t, "GET", base+"/.well-known/jwks.json", "", nil, http.StatusOK, &jwks)
	if len(jwks.Keys) == 0 || jwks.Keys[0].Alg != "EdDSA" || jwks.Keys[0].Kid == "" {
		t.Fatalf("jwks = %+v, want at least one EdDSA key with a kid", jwks)
	}

	const email, password = "alice@example.com", "alice-password-1"
	creds := gen.Credentials{Email: email, Password: password}
	var signup gen.UserEnvelope
	call(t, "POST", base+"/v2/auth/signup", "", creds, http.StatusCreated, &signup)
	if signup.User.Email != email || signup.User.IsAdmin {
		t.Fatalf("signup user = %+v", signup.User)
	}
	call(t, "POST", base+"/v2/auth/signup", "", creds, http.StatusConflict, nil)

	var login gen.AccessToken
	resp := call(t, "POST", base+"/v2/auth/login", "", creds, http.StatusOK, &login)
	first := login.AccessToken
	if first == "" || login.TokenType != gen.Bearer || login.ExpiresIn != 15*60 {
		t.Fatalf("login = %+v", login)
	}
	cookie := refreshCookie(t, resp)

	var me gen.Me
	call(t, "GET", base+"/v2/auth/me", first, nil, http.StatusOK, &me)
	if me.User.Id != signup.User.Id || len(me.Handles) != 0 {
		t.Fatalf("me = %+v, want alice with no handles", me)
	}

	var refreshed gen.AccessToken
	resp = callCookie(t, base+"/v2/auth/refresh", cookie, http.StatusOK, &refreshed)
	second := refreshed.AccessToken
	// The token may equal the first one: same session, same second, and
	// Ed25519 signatures are deterministic.
	if second == "" {
		t.Fatal("refresh issued no access token")
	}
	if rotated := refreshCookie(t, resp); rotated.Value == cookie.Value {
		t.Fatal("refresh did not rotate the refresh cookie")
	}
	call(t, "GET", base+"/v2/auth/me", second, nil, http.StatusOK, &me)

	var handle gen.Handle
	call(t, "POST", base+"/v2/handles", second, gen.HandleCreate{Handle: "alice-home"}, http.StatusCreated, &handle)
	if handle.Handle != "alice-home" || handle.Role != gen.OWNER || handle.OwnerId != signup.User.Id {
		t.Fatalf("created handle = %+v", handle)
	}
	var handles gen.HandleList
	call(t, "GET", base+"/v2/handles", second, nil, http.StatusOK, &handles)
	if len(handles.Handles) != 1 || handles.Handles[0].Handle != "alice-home" {
		t.Fatalf("handles = %+v, want alice-home", handles)
	}
	callError(t, "GET", base+"/v2/platform-admin/users", second, http.StatusForbidden, "")

	var admin gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", gen.Credentials{Email: adminEmail, Password: adminPassword},
		http.StatusOK, &admin)
	if !admin.User.IsAdmin {
		t.Fatalf("configured admin %+v is not a platform admin", admin.User)
	}
	var users gen.UserList
	call(t, "GET", base+"/v2/platform-admin/users", admin.AccessToken, nil, http.StatusOK, &users)
	if got := userEmails(users); !got[email] || !got[adminEmail] {
		t.Fatalf("admin sees %v, want %s and %s", got, email, adminEmail)
	}

	call(t, "POST", base+"/v2/auth/logout", second, nil, http.StatusNoContent, nil)
	// Every access token of the session dies with it, not only the last.
	callError(t, "GET", base+"/v2/auth/me", second, http.StatusUnauthorized, "token_revoked")
	callError(t, "GET", base+"/v2/auth/me", first, http.StatusUnauthorized, "token_revoked")
	call(t, "GET", base+"/v2/auth/me", admin.AccessToken, nil, http.StatusOK, nil)
	return admin.AccessToken
}

// walkGenClient drives the generated client against the real server.
func walkGenClient(t *testing.T, base string) {
	t.Helper()
	ctx := t.Context()
	var token string
	c, err := sdk.NewClientWithResponses(base, sdk.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	creds := sdk.Credentials{Email: "bob@example.com", Password: "bob-password-12"}
	signup, err := c.SignupWithResponse(ctx, sdk.Signup(creds))
	checkClient(t, "signup", err, signup, http.StatusCreated)
	login, err := c.LoginWithResponse(ctx, creds)
	checkClient(t, "login", err, login, http.StatusOK)
	token = login.JSON200.AccessToken
	created, err := c.CreateHandleWithResponse(ctx, sdk.HandleCreate{Handle: "bob-shop"})
	checkClient(t, "createHandle", err, created, http.StatusCreated)
	if created.JSON201.Role != sdk.OWNER || created.JSON201.OwnerId != signup.JSON201.User.Id {
		t.Fatalf("client createHandle = %+v, want bob's own handle", created.JSON201)
	}
	taken, err := c.CreateHandleWithResponse(ctx, sdk.HandleCreate{Handle: "bob-shop"})
	checkClient(t, "createHandle again", err, taken, http.StatusConflict)
	if taken.JSON409.Error != "conflict" {
		t.Fatalf("client createHandle again: error %q, want conflict", taken.JSON409.Error)
	}
	cookie := refreshCookie(t, login.HTTPResponse)
	refreshed, err := c.RefreshWithResponse(ctx, &sdk.RefreshParams{Underscore10xAdminRefresh: &cookie.Value})
	checkClient(t, "refresh", err, refreshed, http.StatusOK)
	token = refreshed.JSON200.AccessToken
	list, err := c.ListHandlesWithResponse(ctx)
	checkClient(t, "listHandles", err, list, http.StatusOK)
	if len(list.JSON200.Handles) != 1 || list.JSON200.Handles[0].Handle != "bob-shop" {
		t.Fatalf("client listHandles = %+v, want bob-shop", list.JSON200)
	}
}

// checkClient fails unless a generated client call got the wanted status.
func checkClient(t *testing.T, op string, err error, r interface{ StatusCode() int }, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("client %s: %v", op, err)
	}
	if got := r.StatusCode(); got != want {
		// Every generated response struct keeps the raw body in Body.
		body := reflect.ValueOf(r).Elem().FieldByName("Body").Bytes()
		t.Fatalf("client %s: status %d, want %d: %s", op, got, want, body)
	}
}

// testServer is a running `tenx serve`.
type testServer struct {
	URL    string
	stderr *syncBuffer
	cancel context.CancelFunc
	errc   chan error
	once   sync.Once
	err    error
}

// mustServe starts run("serve") and waits until it listens. It stops the
// server when the test ends unless the test did.
func mustServe(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{stderr: &syncBuffer{}, cancel: cancel, errc: make(chan error, 1)}
	pr, pw := io.Pipe()
	go func() {
		err := run(ctx, []string{"serve"}, mapEnv(env), strings.NewReader(""), pw, s.stderr)
		pw.CloseWithError(errors.New("serve returned"))
		s.errc <- err
	}()
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(pr)
		line, _ := r.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, r) // serve must never block on its stdout
	}()
	t.Cleanup(func() {
		if err := s.Stop(t); err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.stderr)
		}
	})
	select {
	case line := <-lines:
		addr, ok := strings.CutPrefix(strings.TrimSpace(line), "tenx listening on ")
		if !ok {
			t.Fatalf("serve printed %q, then stopped: %v", line, s.Stop(t))
		}
		s.URL = "http://" + addr
	case <-time.After(hangGuard):
		t.Fatal("serve did not start listening")
	}
	return s
}

// Stop cancels the server's context and returns what run returned.
func (s *testServer) Stop(t *testing.T) error {
	t.Helper()
	s.once.Do(func() {
		s.cancel()
		select {
		case s.err = <-s.errc:
		case <-time.After(hangGuard):
			s.err = errors.New("serve did not return after its context ended")
		}
	})
	return s.err
}

var client = func() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err)
	}
	return &http.Client{Jar: jar, Timeout: hangGuard}
}()

// call sends a JSON request with an optional bearer token, checks the status
// and decodes the response into out when out is not nil.
func call(t *testing.T, method, url, token string, in any, wantStatus int, out any) *http.Response {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req, wantStatus, out)
}

// callCookie posts with the refresh cookie, which the jar keeps to itself
// over plain http because it is Secure.
func callCookie(t *testing.T, url string, c *http.Cookie, wantStatus int, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	return do(t, req, wantStatus, out)
}

// callError checks the status and, when code is not empty, the error code.
func callError(t *testing.T, method, url, token string, wantStatus int, code string) {
	t.Helper()
	var e gen.Error
	call(t, method, url, token, nil, wantStatus, &e)
	if code != "" && e.Error != code {
		t.Fatalf("%s %s: error %q, want %q", method, url, e.Error, code)
	}
}

func do(t *testing.T, req *http.Request, wantStatus int, out any) *http.Response {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, wantStatus, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", req.Method, req.URL.Path, b, err)
		}
	}
	return resp
}

// refreshCookie finds the refresh cookie a response sets and checks how it
// is scoped.
func refreshCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name != "_10x_admin_refresh" {
			continue
		}
		if c.Value == "" || !c.Secure || !c.HttpOnly || c.Path != "/v2/auth" {
			t.Fatalf("refresh cookie %q: want a value, Secure, HttpOnly and Path=/v2/auth", c.String())
		}
		return c
	}
	t.Fatalf("no refresh cookie in %q", resp.Header.Values("Set-Cookie"))
	return nil
}

func userEmails(l gen.UserList) map[string]bool {
	m := make(map[string]bool)
	for _, u := range l.Users {
		m[u.Email] = true
	}
	return m
}

// TestServeRefusesNonAdminAdminEmail: TENX_ADMIN_EMAIL naming an existing
// user who is not a platform admin stops start-up with a clear message.
func TestServeRefusesNonAdminAdminEmail(t *testing.T) {
	env, _ := sqliteEnv(t)
	srv := mustServe(t, env)
	call(t, "POST", srv.URL+"/v2/auth/signup", "", map[string]string{"email": "mallory@example.com", "password": "a long password 42"},
		http.StatusCreated, nil)
	if err := srv.Stop(t); err != nil {
		t.Fatal(err)
	}
	env["TENX_ADMIN_EMAIL"], env["TENX_ADMIN_PASSWORD"] = "Mallory@example.com", adminPassword
	var stderr syncBuffer
	err := run(context.Background(), []string{"serve"}, mapEnv(env), strings.NewReader(""), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "not a platform admin") {
		t.Fatalf("serve = %v, want an error saying the user is not a platform admin", err)
	}
}
