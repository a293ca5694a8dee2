package server_test

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tenx/store/storetest"
)

func TestFollowLink(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	now := e.clock.Now()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	links := map[string]string{
		"plain":     `{"destinationUrl":"https://example.com/plain"}`,
		"keep-post": `{"destinationUrl":"https://example.com/post","redirectType":307}`,
		"off-link":  `{"destinationUrl":"https://example.com","enabled":false}`,
		"later":     `{"destinationUrl":"https://example.com","scheduledStartAt":"` + at(time.Hour) + `"}`,
		"expired":   `{"destinationUrl":"https://example.com","expiresAt":"` + at(-time.Minute) + `"}`,
		"ended":     `{"destinationUrl":"https://example.com","scheduledEndAt":"` + at(-time.Minute) + `"}`,
		"capped":    `{"destinationUrl":"https://example.com/capped","maxClicks":2}`,
	}
	for slug, body := range links {
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/" + slug, token: owner.Token, body: body}), http.StatusCreated)
	}
	follow := func(slug string) *httpRecorder { return e.do(request{method: "GET", path: "/acme/" + slug}) }
	tests := []struct {
		slug, location string
		status         int
		code           string
	}{
		{"plain", "https://example.com/plain", 302, ""},
		{"keep-post", "https://example.com/post", 307, ""},
		{"off-link", "", 404, "not_found"},
		{"later", "", 404, "not_found"},
		{"nothing", "", 404, "not_found"},
		{"expired", "", 410, "gone"},
		{"ended", "", 410, "gone"},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			rec := follow(tt.slug)
			if tt.code != "" {
				mustError(t, rec, tt.status, tt.code)
				return
			}
			mustStatus(t, rec, tt.status)
			if got := rec.Header().Get("Location"); got != tt.location {
				t.Fatalf("Location %q, want %q", got, tt.location)
			}
		})
	}
	t.Run("click cap", func(t *testing.T) {
		mustStatus(t, follow("capped"), 302)
		mustStatus(t, follow("capped"), 302)
		mustError(t, follow("capped"), 410, "gone")
		got := decode[struct{ ClickCount int }](t, e.do(request{method: "GET", path: "/v2/handles/acme/links/capped", token: owner.Token}))
		if got.ClickCount != 2 {
			t.Fatalf("clickCount %d, want 2", got.ClickCount)
		}
	})
	t.Run("reserved handles", func(t *testing.T) {
		mustError(t, e.do(request{method: "POST", path: "/v2/handles", token: owner.Token, body: `{"handle":"docs"}`}), 400, "validation_error")
	})
	t.Run("schedule opens", func(t *testing.T) {
		e.clock.Add(time.Hour)
		mustStatus(t, follow("later"), 302)
	})
}

// TestClickCapUnderConcurrency: concurrent visits never overshoot the cap.
func TestClickCapUnderConcurrency(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/capped", token: owner.Token,
			body: `{"destinationUrl":"https://example.com","maxClicks":5}`}), http.StatusCreated)
		var ok, gone atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch c := e.do(request{method: "GET", path: "/acme/capped"}).Code; c {
				case 302:
					ok.Add(1)
				case 410:
					gone.Add(1)
				default:
					t.Errorf("status %d", c)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 5 || gone.Load() != 15 {
			t.Fatalf("%d redirects and %d gone, want 5 and 15", ok.Load(), gone.Load())
		}
	})
}
