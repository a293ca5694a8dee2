package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"tenx/clocktest"
	"tenx/metrics"
	"testing"
	"time"

	"tenx"
	"tenx/app"
	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
	"tenx/store"
	"tenx/store/storetest"
)

// clock is the time source shared by the store, auth and limiter.
type clock = clocktest.Clock

func newClock() *clock { return clocktest.New(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)) }

// env is one server over a real database, driven through its HTTP handler.
type env struct {
	t     testing.TB
	h     http.Handler
	db    *store.DB
	clock *clock
	authn *auth.Authenticator
	app   *app.App
}

// settings are what options may change about a test server.
type settings struct {
	cfg     server.Config
	limiter func(*clock) ratelimit.Limiter
	hasher  *auth.PasswordHasher
	grace   time.Duration // refresh grace; none unless a test asks
	control app.Config    // its DNS (control plane tests)
	// payments builds the server's payments on the test clock, if set.
	payments func(*clock) tenx.Payments
	blobURL  string // default a fresh directory
	metrics  *metrics.Metrics
}

type option func(*settings)

// MustOpenServer builds the real server on a fresh SQLite database.
func MustOpenServer(tb testing.TB, opts ...option) *env {
	tb.Helper()
	return mustOpenServerAt(tb, storetest.SQLiteURL(tb), opts...)
}

func mustOpenServerAt(tb testing.TB, url string, opts ...option) *env {
	tb.Helper()
	c := newClock()
	db := storetest.MustOpen(tb, url, c.Now)
	return mustBuild(tb, db, c, opts...)
}

// mustBuild builds the server on db as cmd/tenx does (app.New), with the
// test clock, a fast password hasher and an in-memory limiter.
func mustBuild(tb testing.TB, db *store.DB, c *clock, opts ...option) *env {
	tb.Helper()
	st := settings{cfg: server.DefaultConfig(), blobURL: tb.TempDir(),
		limiter: func(c *clock) ratelimit.Limiter { return ratelimit.NewMemory(c.Now, 1000) },
		hasher:  auth.FastPasswordHasher()}
	for _, o := range opts {
		o(&st)
	}
	if st.payments != nil {
		st.control.Payments = st.payments(c)
	}
	a, err := app.New(context.Background(), app.Config{Server: st.cfg, Issuer: "http://tenx.test",
		Auth:    auth.Config{AccessTTL: 15 * time.Minute, Hasher: st.hasher, RefreshGrace: st.grace},
		Limiter: st.limiter(c), Now: c.Now, DNS: st.control.DNS, Payments: st.control.Payments, BlobURL: st.blobURL,
		Metrics: st.metrics}, db)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close(context.Background()); a.Blobs.Close() })
	// Every response any test provokes is checked against the spec.
	return &env{t: tb, h: validating(tb, a.Server.Handler()), db: db, clock: c, authn: a.Auth.Authenticator, app: a}
}

// request is one call; token goes in Authorization: Bearer unless empty.
type request struct {
	method, path, body, token string
	header                    http.Header
	remote                    string // RemoteAddr, host:port
	host                      string // Host, when not the default
}

func (e *env) do(r request) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.path, body)
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	if r.remote != "" {
		req.RemoteAddr = r.remote
	}
	if r.host != "" {
		req.Host = r.host
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// errorBody is the documented error envelope.
type errorBody struct {
	Error          string   `json:"error"`
	Message        string   `json:"message"`
	RequestID      string   `json:"requestId"`
	Field          string   `json:"field"`
	RequiredScopes []string `json:"requiredScopes"`
}

// mustError checks status and code and that the envelope is complete.
func mustError(tb testing.TB, rec *httptest.ResponseRecorder, status int, code string) errorBody {
	tb.Helper()
	var b errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		tb.Fatalf("status %d, body %q is not the error envelope: %v", rec.Code, rec.Body.String(), err)
	}
	if rec.Code != status || b.Error != code {
		tb.Fatalf("got %d %q (%s), want %d %q", rec.Code, b.Error, b.Message, status, code)
	}
	if b.Message == "" || b.RequestID == "" || b.RequestID != rec.Header().Get("X-Request-Id") {
		tb.Fatalf("incomplete envelope %+v (X-Request-Id %q)", b, rec.Header().Get("X-Request-Id"))
	}
	if (status == 401 || status == 403) && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		tb.Fatalf("%d without a Bearer WWW-Authenticate header", status)
	}
	return b
}

func mustStatus(tb testing.TB, rec *httptest.ResponseRecorder, status int) {
	tb.Helper()
	if rec.Code != status {
		tb.Fatalf("got %d %s, want %d", rec.Code, rec.Body.String(), status)
	}
}

func decode[T any](tb testing.TB, rec *httptest.ResponseRecorder) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		tb.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return v
}

const password = "correct horse battery"

// user is a signed-up, logged-in test user.
type user struct {
	ID, Email, Token, Refresh string
}

// MustSignup creates and logs in a user.
func (e *env) MustSignup(tb testing.TB, email string) user {
	tb.Helper()
	rec := e.do(request{method: "POST", path: "/v2/auth/signup", body: `{"email":"` + email + `","password":"` + password + `"}`})
	mustStatus(tb, rec, http.StatusCreated)
	u := decode[struct {
		User struct{ ID string } `json:"user"`
	}](tb, rec)
	tok, refresh := e.MustLogin(tb, email)
	return user{ID: u.User.ID, Email: email, Token: tok, Refresh: refresh}
}

// MustCreateAdmin creates a platform admin through the store (the API
// has no way to make one) and logs them in.
func (e *env) MustCreateAdmin(tb testing.TB, email string) user {
	tb.Helper()
	hash, err := auth.FastPasswordHasher().Hash(password)
	if err != nil {
		tb.Fatal(err)
	}
	u := &tenx.User{Email: email, PasswordHash: hash, IsAdmin: true}
	if err := e.db.CreateUser(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
	tok, refresh := e.MustLogin(tb, email)
	return user{ID: u.ID, Email: email, Token: tok, Refresh: refresh}
}

// MustLogin returns an access token and the refresh cookie's value.
func (e *env) MustLogin(tb testing.TB, email string) (string, string) {
	tb.Helper()
	rec := e.do(request{method: "POST", path: "/v2/auth/login", body: `{"email":"` + email + `","password":"` + password + `"}`})
	mustStatus(tb, rec, http.StatusOK)
	body := decode[struct{ AccessToken string }](tb, rec)
	return body.AccessToken, refreshCookie(tb, rec)
}

func refreshCookie(tb testing.TB, rec *httptest.ResponseRecorder) string {
	tb.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == server.RefreshCookie {
			return c.Value
		}
	}
	tb.Fatalf("no refresh cookie in %v", rec.Header())
	return ""
}

// MustCreateHandle creates a handle owned by owner.
func (e *env) MustCreateHandle(tb testing.TB, owner user, name string) {
	tb.Helper()
	mustStatus(tb, e.do(request{method: "POST", path: "/v2/handles", token: owner.Token, body: `{"handle":"` + name + `"}`}), http.StatusCreated)
}

// MustSetCollaborators replaces the collaborator list of a handle.
func (e *env) MustSetCollaborators(tb testing.TB, owner user, handle, list string) {
	tb.Helper()
	mustStatus(tb, e.do(request{method: "PUT", path: "/v2/handles/" + handle + "/collaborators", token: owner.Token,
		body: `{"collaborators":` + list + `}`}), http.StatusOK)
}

// MustCreatePAT mints a PAT on the handle through the API.
func (e *env) MustCreatePAT(tb testing.TB, by user, handle string, scopes ...string) string {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"name": "test", "scopes": scopes})
	rec := e.do(request{method: "POST", path: "/v2/handles/" + handle + "/tokens", token: by.Token, body: string(body)})
	mustStatus(tb, rec, http.StatusCreated)
	return decode[struct{ Token string }](tb, rec).Token
}

// MustRevokePAT revokes a PAT through the API.
func (e *env) MustRevokePAT(tb testing.TB, by user, handle, token string) {
	tb.Helper()
	id := strings.TrimPrefix(strings.SplitN(token, ".", 2)[0], "patv1_")
	mustStatus(tb, e.do(request{method: "DELETE", path: "/v2/handles/" + handle + "/tokens/" + id, token: by.Token}), http.StatusNoContent)
}

func withSignup(open bool) option { return func(s *settings) { s.cfg.SignupOpen = open } }

func withMaxBody(n int64) option { return func(s *settings) { s.cfg.MaxBodyBytes = n } }

func withConfig(f func(*server.Config)) option { return func(s *settings) { f(&s.cfg) } }

func withBlobURL(u string) option { return func(s *settings) { s.blobURL = u } }

// withMetrics has the server report to m.
func withMetrics(m *metrics.Metrics) option { return func(s *settings) { s.metrics = m } }

func withLimiter(l func(*clock) ratelimit.Limiter) option { return func(s *settings) { s.limiter = l } }

func withHasher(h *auth.PasswordHasher) option { return func(s *settings) { s.hasher = h } }

func withRefreshGrace(d time.Duration) option { return func(s *settings) { s.grace = d } }
