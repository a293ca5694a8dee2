package server_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
)

func signupAs(e *env, email, remote string) *httpRecorder {
	return e.do(request{method: "POST", path: "/v2/auth/signup", remote: remote,
		body: `{"email":"` + email + `","password":"` + password + `"}`})
}

// TestSignupThrottle limits sign-ups per source IP like logins, with the
// RateLimit fields on every answer and Retry-After on the 429.
func TestSignupThrottle(t *testing.T) {
	e := MustOpenServer(t, withConfig(func(c *server.Config) {
		c.SignupPerIP = ratelimit.Limit{Name: "signup-ip", Rate: 3, Period: time.Hour, Burst: 3}
	}))
	for i := range 3 {
		rec := signupAs(e, "u"+strconv.Itoa(i)+"@example.com", "198.51.100.7:1000")
		mustStatus(t, rec, http.StatusCreated)
		if got, want := rec.Header().Get("RateLimit-Policy"), `"signup-ip";q=3;w=3600`; got != want {
			t.Fatalf("RateLimit-Policy = %q, want %q", got, want)
		}
		if got, want := rec.Header().Get("RateLimit"), `"signup-ip";r=`+strconv.Itoa(2-i); len(got) < len(want) || got[:len(want)] != want {
			t.Fatalf("RateLimit = %q, want prefix %q", got, want)
		}
	}
	rec := signupAs(e, "u3@example.com", "198.51.100.7:1000")
	mustError(t, rec, http.StatusTooManyRequests, "rate_limited")
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After = %q", rec.Header().Get("Retry-After"))
	}
	mustStatus(t, signupAs(e, "u3@example.com", "198.51.100.8:1000"), http.StatusCreated) // another IP
	e.clock.Add(20 * time.Minute)                                                         // one sign-up refilled
	mustStatus(t, signupAs(e, "u4@example.com", "198.51.100.7:1000"), http.StatusCreated)
	mustError(t, signupAs(e, "u5@example.com", "198.51.100.7:1000"), http.StatusTooManyRequests, "rate_limited")
}

// TestLoginCarriesRateLimitFields: login's two budgets appear in the
// RateLimit fields.
func TestLoginCarriesRateLimitFields(t *testing.T) {
	e := MustOpenServer(t)
	e.MustSignup(t, "a@example.com")
	rec := e.do(request{method: "POST", path: "/v2/auth/login", body: `{"email":"a@example.com","password":"` + password + `"}`})
	mustStatus(t, rec, http.StatusOK)
	if got, want := rec.Header().Get("RateLimit-Policy"), `"login-ip";q=20;w=60, "login-account";q=10;w=60`; got != want {
		t.Fatalf("RateLimit-Policy = %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("RateLimit"), `"login-ip";r=18;t=6, "login-account";r=8;t=12`; got != want {
		t.Fatalf("RateLimit = %q, want %q", got, want)
	}
}

// TestPasswordHashingBusy fills every hashing slot itself: sign-up and
// login then answer 503 unavailable with Retry-After instead of queueing,
// and work again once a slot is free.
func TestPasswordHashingBusy(t *testing.T) {
	h := auth.FastPasswordHasher().Bound(1, 0)
	e := MustOpenServer(t, withHasher(h))
	e.MustSignup(t, "a@example.com")
	release, err := h.Reserve()
	if err != nil {
		t.Fatal(err)
	}
	login := func() *httpRecorder {
		return e.do(request{method: "POST", path: "/v2/auth/login", body: `{"email":"a@example.com","password":"` + password + `"}`})
	}
	for name, rec := range map[string]*httpRecorder{"signup": signupAs(e, "b@example.com", ""), "login": login()} {
		mustError(t, rec, http.StatusServiceUnavailable, "unavailable")
		if got := rec.Header().Get("Retry-After"); got != "1" {
			t.Errorf("%s: Retry-After = %q, want 1", name, got)
		}
	}
	release()
	mustStatus(t, signupAs(e, "b@example.com", ""), http.StatusCreated)
	mustStatus(t, login(), http.StatusOK)
}
