package server_test

import (
	"net/http"
	"testing"
	"time"

	"tenx/auth"
	"tenx/store/storetest"
)

// TestRefreshGrace is two tabs refreshing with one cookie: the second,
// 5 s later, gets the same successor and the session keeps working; a
// rotated cookie presented 11 s after its rotation is theft as before: the
// session ends and its access tokens stop at once.
func TestRefreshGrace(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		e := mustOpenServerAt(t, url, withRefreshGrace(auth.DefaultRefreshGrace))
		u := e.MustSignup(t, "a@example.com")
		first := refreshWith(e, u.Refresh)
		mustStatus(t, first, http.StatusOK)
		successor := refreshCookie(t, first)

		e.clock.Add(5 * time.Second)
		second := refreshWith(e, u.Refresh)
		mustStatus(t, second, http.StatusOK)
		if got := refreshCookie(t, second); got != successor {
			t.Fatalf("second tab got refresh cookie %q, want the same successor %q", got, successor)
		}
		access := decode[struct{ AccessToken string }](t, second).AccessToken
		mustStatus(t, e.do(request{method: "GET", path: "/v2/auth/me", token: access}), http.StatusOK)
		next := refreshWith(e, successor) // the session goes on
		mustStatus(t, next, http.StatusOK)

		e.clock.Add(6 * time.Second) // 11 s after the first rotation
		mustError(t, refreshWith(e, u.Refresh), 401, "invalid_refresh_token")
		mustError(t, refreshWith(e, refreshCookie(t, next)), 401, "invalid_refresh_token")
		mustError(t, e.do(request{method: "GET", path: "/v2/auth/me", token: access}), 401, "token_revoked")
	})
}
